// Offline trainer mode: answers the offline page and its files from the copy that "Prepare for
// offline" stored (a cache named after this worker's scope); everything else goes to the network.
"use strict";
self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });
self.addEventListener("fetch", function (event) {
  if (event.request.method !== "GET") return;
  event.respondWith(
    caches.open(self.registration.scope)
      .then(function (cache) { return cache.match(event.request, { ignoreVary: true }); })
      .then(function (stored) { return stored || fetch(event.request); })
  );
});
