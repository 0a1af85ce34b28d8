// The mapping grid: read out what an htmx click changed (the server's "announce" trigger).
document.body.addEventListener("announce", function (event) {
  document.getElementById("grid-announce").textContent = event.detail.value;
});
