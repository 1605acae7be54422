// The service worker of the technician's phone pages (scope /m), built by
// build/service-worker.ts, which fills in the version and the files to keep.
// The app shell and the phone's code are kept at install, so /m opens
// offline after the first visit; the API is never cached (the app keeps
// its own data and queue in IndexedDB).
const VERSION = '__VERSION__'
const PRECACHE = __PRECACHE__
const CACHE = `aftersales-phone-${VERSION}`
const SHELL = '/m'

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((c) => c.addAll([SHELL, ...PRECACHE]))
      .then(() => self.skipWaiting()),
  )
})

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('aftersales-phone-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  )
})

self.addEventListener('fetch', (event) => {
  const req = event.request
  const url = new URL(req.url)
  if (req.method !== 'GET' || url.origin !== self.location.origin) return
  if (/^\/(v1|openapi|healthz|docs)/.test(url.pathname)) return // the network's, always
  if (req.mode === 'navigate') {
    // a new release when online, the kept shell when not
    event.respondWith(fetch(req).catch(() => caches.match(SHELL, { cacheName: CACHE })))
    return
  }
  // hashed assets never change: the kept copy, else the network (kept too)
  event.respondWith(
    caches.match(req, { cacheName: CACHE }).then(
      (hit) =>
        hit ||
        fetch(req).then((res) => {
          if (res.ok && url.pathname.startsWith('/assets/')) {
            const copy = res.clone()
            caches.open(CACHE).then((c) => c.put(req, copy))
          }
          return res
        }),
    ),
  )
})
