// The mapping grid: read out what an htmx click changed (the server's "announce" trigger),
// and after a one-click judgement keep the keyboard where it was: on the row's judge link.
document.body.addEventListener("announce", function (event) {
  document.getElementById("grid-announce").textContent = event.detail.value;
});
document.body.addEventListener("htmx:afterSettle", function () {
  var target = document.querySelector("[data-focus-after-swap]");
  if (target) {
    target.removeAttribute("data-focus-after-swap");
    target.focus();
  }
});
