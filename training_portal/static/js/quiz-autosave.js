/* Keeps a participant's quiz answers on the phone (localStorage) until they are
   submitted, so a reload or a dropped connection loses nothing. The quiz works
   without this script; it only adds the safety net. */
(function () {
  "use strict";

  function storage() {
    try {
      var store = window.localStorage;
      store.setItem("quiz-probe", "1");
      store.removeItem("quiz-probe");
      return store;
    } catch (error) {
      return null;
    }
  }

  var store = storage();
  if (!store) { return; }

  // The result page names the answers it has recorded: forget them.
  var done = document.querySelector("[data-clear-autosave]");
  if (done) {
    done.getAttribute("data-clear-autosave").split(" ").forEach(function (key) {
      if (key) { store.removeItem(key); }
    });
  }

  var form = document.querySelector("form[data-autosave-key]");
  if (!form) { return; }
  var key = form.getAttribute("data-autosave-key");
  var status = form.querySelector("[data-autosave-status]");
  var button = form.querySelector("button[type=submit]");

  function choices() {
    return form.querySelectorAll("input[type=radio], input[type=checkbox]");
  }

  function save() {
    var answers = {};
    choices().forEach(function (input) {
      if (input.checked) { (answers[input.name] = answers[input.name] || []).push(input.value); }
    });
    try {
      store.setItem(key, JSON.stringify({ answers: answers, saved: Date.now() }));
    } catch (error) {
      return;
    }
    if (status) {
      status.textContent = status.getAttribute("data-saved-text");
      status.hidden = false;
    }
  }

  function restore() {
    var saved;
    try {
      saved = JSON.parse(store.getItem(key) || "null");
    } catch (error) {
      saved = null;
    }
    if (!saved || !saved.answers) { return; }
    // Answers the server sent back (e.g. after a refused token) are the newest.
    var shown = Array.prototype.some.call(choices(), function (input) { return input.checked; });
    if (shown) { return; }
    choices().forEach(function (input) {
      var values = saved.answers[input.name];
      if (values && values.indexOf(input.value) !== -1) { input.checked = true; }
    });
    if (status) {
      status.textContent = status.getAttribute("data-saved-text");
      status.hidden = false;
    }
  }

  restore();
  form.addEventListener("change", save);
  form.addEventListener("submit", function () {
    save();
    // One tap, one submission; the server also records at most one attempt.
    window.setTimeout(function () { if (button) { button.disabled = true; } }, 0);
    window.setTimeout(function () { if (button) { button.disabled = false; } }, 15000);
  });
  // Coming back to the page (e.g. after a failed send) must leave the button usable.
  window.addEventListener("pageshow", function () { if (button) { button.disabled = false; } });
})();
