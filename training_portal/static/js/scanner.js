// Staff scanner: reads participant cards with the camera (jsQR) or from a USB
// scanner typing into the field, and checks each card in without reloading. On the offline page
// ([data-scan-queue]) it hands each card to that page as a "card-read" event instead of sending it.
(function () {
  "use strict";
  var root = document.querySelector("[data-scan-url], [data-scan-queue]");
  if (!root) return;
  var form = root.querySelector("[data-scan-form]");
  var input = form.querySelector("input[name=card]");
  var resultBox = root.querySelector("[data-result]");
  var messageEl = root.querySelector("[data-result-message]");
  var nameEl = root.querySelector("[data-result-name]");
  var countEl = root.querySelector("[data-count]");
  var video = root.querySelector("[data-video]");
  var canvas = root.querySelector("[data-canvas]");
  var cameraStatus = root.querySelector("[data-camera-status]");
  var startButton = root.querySelector("[data-camera-start]");
  var lastText = "";
  var lastAt = 0;
  var busy = false;
  var REPEAT_MS = 4000; // the same card held in view is not sent again

  function newKey() {
    var bytes = new Uint8Array(18);
    window.crypto.getRandomValues(bytes);
    var text = "";
    for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function show(status, message, name) {
    resultBox.className = "scan-result result-" + status;
    messageEl.textContent = message;
    nameEl.textContent = name || "";
  }

  function send(text) {
    if (root.hasAttribute("data-scan-queue")) {
      root.dispatchEvent(new CustomEvent("card-read", { detail: { text: text, show: show } }));
      input.value = "";
      return;
    }
    if (busy) return;
    busy = true;
    var data = new FormData(form);
    data.set("card", text);
    data.set("key", newKey());
    fetch(form.action, { method: "POST", body: data, credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        show(answer.status, answer.message, answer.name);
        if (typeof answer.count === "number") countEl.textContent = answer.count;
        if (navigator.vibrate && answer.status !== "checked_in") navigator.vibrate(200);
      })
      .catch(function () { show("error", root.getAttribute("data-offline") || "…", ""); })
      .then(function () { busy = false; input.value = ""; });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (text) send(text);
    input.focus();
  });

  function tick() {
    if (video.readyState === video.HAVE_ENOUGH_DATA && video.videoWidth) {
      var width = video.videoWidth, height = video.videoHeight;
      var scale = Math.min(1, 640 / Math.max(width, height));
      canvas.width = Math.round(width * scale);
      canvas.height = Math.round(height * scale);
      var context = canvas.getContext("2d", { willReadFrequently: true });
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var image = context.getImageData(0, 0, canvas.width, canvas.height);
      var code = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      var now = Date.now();
      if (code && code.data && (code.data !== lastText || now - lastAt > REPEAT_MS)) {
        lastText = code.data;
        lastAt = now;
        send(code.data);
      }
    }
    setTimeout(tick, 150);
  }

  function startCamera() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !window.jsQR) {
      cameraStatus.textContent = cameraStatus.getAttribute("data-unavailable") || cameraStatus.textContent;
      return;
    }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (stream) {
        video.srcObject = stream;
        video.play();
        cameraStatus.hidden = true;
        startButton.hidden = true;
        tick();
      })
      .catch(function () {
        cameraStatus.textContent = cameraStatus.getAttribute("data-denied") || cameraStatus.textContent;
        startButton.hidden = false;
      });
  }
  startButton.addEventListener("click", startCamera);
  if (!root.hasAttribute("data-camera-manual")) startCamera();
})();
