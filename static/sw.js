/* Amex Help Guide service worker: keeps the numbers available offline. No framework.
 *
 * The server puts two constants in front of this file (src/web/offline.rs): CACHE, the name of this
 * content version's cache (new content gives a new name, so a new worker), and PRECACHE, the
 * addresses kept at install (home, /contact, /plan, the fingerprinted assets, the manifest).
 *
 * - Pages: network first, so an online visitor always gets the current version; a successful
 *   answer for a page worth keeping (home, /contact, /plan and any plan page) replaces the kept
 *   copy. Offline, the kept copy is served; a page never kept falls back to /contact.
 * - Fingerprinted assets (/static/name.hash.ext): cache first; their bytes never change.
 * - Everything else (search, the API, other origins, non-GET) is left to the network.
 * - Activation deletes every cache of an older version.
 */

function worthKeeping(url) {
  return url.pathname === '/' || url.pathname === '/contact' || url.pathname === '/plan';
}

function isFingerprinted(url) {
  return /^\/static\/[a-z]+\.[0-9a-f]{12}\.[a-z]+$/.test(url.pathname);
}

self.addEventListener('install', function (event) {
  event.waitUntil(
    caches.open(CACHE)
      .then(function (cache) { return cache.addAll(PRECACHE); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener('activate', function (event) {
  event.waitUntil(
    caches.keys()
      .then(function (names) {
        return Promise.all(names.filter(function (name) {
          return name.indexOf('helpcenter-') === 0 && name !== CACHE;
        }).map(function (name) { return caches.delete(name); }));
      })
      .then(function () { return self.clients.claim(); })
  );
});

function networkFirst(request, url) {
  return fetch(request).then(function (response) {
    if (response.ok && worthKeeping(url)) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { return cache.put(request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.open(CACHE).then(function (cache) {
      return cache.match(request).then(function (kept) {
        if (kept) {
          return kept;
        }
        if (request.mode === 'navigate') {
          return cache.match('/contact').then(function (numbers) {
            return numbers || Response.error();
          });
        }
        return Response.error();
      });
    });
  });
}

function cacheFirst(request) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request).then(function (kept) {
      return kept || fetch(request).then(function (response) {
        if (response.ok) {
          cache.put(request, response.clone());
        }
        return response;
      });
    });
  });
}

self.addEventListener('fetch', function (event) {
  var request = event.request;
  if (request.method !== 'GET') {
    return;
  }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (isFingerprinted(url)) {
    event.respondWith(cacheFirst(request));
  } else if (worthKeeping(url) || request.mode === 'navigate') {
    event.respondWith(networkFirst(request, url));
  }
});
