/* Keeps what a person typed into a form marked data-keep (sessionStorage, this tab only), so that
   reloading the page does not clear it. Forgotten when the form is sent: the answer page shows
   what the server received. Hidden fields (the CSRF token, the check-in key) are never kept. */
(function () {
  "use strict";

  var form = document.querySelector("form[data-keep]");
  if (!form) { return; }
  var store;
  try {
    store = window.sessionStorage;
    store.setItem("keep-probe", "1");
    store.removeItem("keep-probe");
  } catch (error) {
    return;
  }
  var key = "keep:" + form.getAttribute("data-keep");

  function fields() {
    return Array.prototype.filter.call(form.elements, function (element) {
      return element.name && element.type !== "hidden" && element.type !== "submit" && element.type !== "password";
    });
  }

  function save() {
    var kept = {};
    fields().forEach(function (element) {
      if (element.type === "radio" || element.type === "checkbox") {
        if (element.checked) { (kept[element.name] = kept[element.name] || []).push(element.value); }
      } else {
        kept[element.name] = element.value;
      }
    });
    try { store.setItem(key, JSON.stringify(kept)); } catch (error) { /* full: the form still works */ }
  }

  function restore() {
    var kept;
    try { kept = JSON.parse(store.getItem(key) || "null"); } catch (error) { kept = null; }
    if (!kept) { return; }
    fields().forEach(function (element) {
      if (!(element.name in kept)) { return; }
      if (element.type === "radio" || element.type === "checkbox") {
        element.checked = kept[element.name].indexOf(element.value) !== -1;
      } else if (!element.value || element.tagName === "SELECT") {
        element.value = kept[element.name];
      }
    });
  }

  restore();
  form.addEventListener("input", save);
  form.addEventListener("change", save);
  form.addEventListener("submit", function () { store.removeItem(key); });
})();
