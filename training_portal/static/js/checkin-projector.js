// Projector page: keep the checked-in count (and the code, after a rotation) up to date.
(function () {
  "use strict";
  var screen = document.querySelector("[data-count-url]");
  if (!screen) return;
  var url = screen.getAttribute("data-count-url");
  var countEl = screen.querySelector("[data-count]");
  var codeEl = screen.querySelector("[data-code]");

  function refresh() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return;
        countEl.textContent = data.count;
        if (codeEl && data.code && codeEl.textContent !== data.code) window.location.reload();
      })
      .catch(function () { /* offline for a moment: try again at the next tick */ });
  }
  setInterval(refresh, 3000);

  var fullscreen = screen.querySelector("[data-fullscreen]");
  if (fullscreen && document.documentElement.requestFullscreen) {
    fullscreen.addEventListener("click", function () { document.documentElement.requestFullscreen(); });
  } else if (fullscreen) {
    fullscreen.hidden = true;
  }
})();
