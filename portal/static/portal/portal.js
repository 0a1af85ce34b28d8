// Progress bars carry their width as data-percent; it is set here through the CSSOM because
// the Content-Security-Policy allows no inline style attributes. Runs on every htmx swap too.
(function () {
  function sizeBars(root) {
    root.querySelectorAll(".progress-bar[data-percent]").forEach(function (bar) {
      var percent = Math.max(0, Math.min(100, parseInt(bar.dataset.percent, 10) || 0));
      bar.style.width = percent + "%";
    });
  }
  if (window.htmx) {
    htmx.onLoad(sizeBars);
  } else {
    document.addEventListener("DOMContentLoaded", function () { sizeBars(document); });
  }
})();
