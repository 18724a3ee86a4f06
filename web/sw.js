// Neural Sandbox's service worker: after one visit the game opens and plays with no network.
// web/build.sh writes VERSION (a hash of this build's files) and the list of files to keep; a new
// build is a new worker with its own cache, which replaces the old one and deletes its cache.
const VERSION = "__VERSION__";
const CACHE = `neural-sandbox-${VERSION}`;
const PRECACHE = __PRECACHE__;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("neural-sandbox-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

// The page, the level files and the manifest: the network first (a teacher may have changed a
// level on the server), the copy when offline. The engine (wasm, glue): the copy first, since a
// new build comes with a new worker anyway.
const NETWORK_FIRST = /(\/|\.html|\.ron|\.md|\.webmanifest)$/;

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  const path = new URL(request.url).pathname;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    if (NETWORK_FIRST.test(path)) {
      try {
        const response = await fetch(request);
        if (response.ok) await cache.put(request, response.clone());
        return response;
      } catch (offline) {
        const kept = await cache.match(request, { ignoreSearch: true });
        if (kept) return kept;
        throw offline;
      }
    }
    const kept = await cache.match(request, { ignoreSearch: true });
    return kept ?? fetch(request);
  })());
});
