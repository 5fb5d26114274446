// Offline trainer mode: answers the offline page and its files from the copy that "Prepare for
// offline" stored (a cache named after this worker's scope). Data and API calls are not touched:
// they go to the network from the page itself, which knows when it is offline.
"use strict";
self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });
self.addEventListener("fetch", function (event) {
  var url = new URL(event.request.url), scope = new URL(self.registration.scope);
  var stored = url.origin === scope.origin && (url.pathname === scope.pathname || url.pathname.indexOf("/static/") >= 0);
  if (event.request.method !== "GET" || !stored) return;
  event.respondWith(
    caches.open(self.registration.scope)
      .then(function (cache) { return cache.match(event.request, { ignoreVary: true }); })
      .then(function (found) { return found || fetch(event.request); })
  );
});
