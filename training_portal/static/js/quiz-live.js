/* Live updates without reloading by hand: the trainer's counts on the event
   page, and a participant's page waiting for the trainer to open a test.
   Both pages work without this script (reload, or "Check again"). */
(function () {
  "use strict";
  var INTERVAL = 10000;

  function poll(url, onData) {
    function tick() {
      if (document.hidden) { return; }
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) { if (data) { onData(data); } })
        .catch(function () { /* offline: try again at the next tick */ });
    }
    window.setInterval(tick, INTERVAL);
  }

  var counts = document.querySelector("[data-counts-url]");
  if (counts) {
    poll(counts.getAttribute("data-counts-url"), function (data) {
      ["checked_in", "pre", "post"].forEach(function (name) {
        var cell = counts.querySelector('[data-count="' + name + '"]');
        if (cell && typeof data[name] === "number") { cell.textContent = String(data[name]); }
      });
    });
  }

  var waiting = document.querySelector("[data-state-url]");
  if (waiting) {
    var state = waiting.getAttribute("data-state");
    poll(waiting.getAttribute("data-state-url"), function (data) {
      if (data.state && data.state !== state) { window.location.reload(); }
    });
  }
})();
