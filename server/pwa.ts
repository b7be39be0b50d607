/**
 * The super app as an installable web app (PWA): its manifest and its service worker. The
 * service worker keeps an offline shell: the app's page and the assets it loaded (content-hashed,
 * so kept as they are), and a few public answers a scanner or a visitor needs without a network
 * (the city code's keys, the scenic areas); everything else goes to the network.
 */
import type { CityProfile } from '../platform/profile/profile.js';

export function appManifest(profile: CityProfile): Record<string, unknown> {
  return {
    name: `${profile.name.zh}城市超级APP`,
    short_name: `${profile.name.zh.replace(/市$/, '')}城市服务`,
    description: `${profile.name.zh}城市超级APP：一码通城、证照夹、随手拍、景区预约、我的城市`,
    lang: 'zh-CN',
    start_url: '/app/',
    scope: '/app/',
    display: 'standalone',
    background_color: '#f2f5fa',
    theme_color: '#1f5fbf',
    icons: [
      { src: '/app/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any maskable' },
      { src: '/app/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any maskable' },
    ],
  };
}

/** `version` changes with each build of the web apps, so a new one replaces the kept shell. */
export function serviceWorker(version: string): string {
  return `// Wudang super app: offline shell (${version})
const CACHE = 'wudang-app-${version}';
const SHELL = ['/app/', '/app/manifest.webmanifest', '/app/icon-192.png'];
const KEEP = ['/api/open/citycode/keys', '/api/people/scenic'];
self.addEventListener('install', (e) => {
  e.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});
self.addEventListener('activate', (e) => {
  e.waitUntil(
    caches.keys().then((keys) => Promise.all(keys.filter((k) => k.startsWith('wudang-app-') && k !== CACHE).map((k) => caches.delete(k)))).then(() => self.clients.claim()),
  );
});
async function networkFirst(req, fallback) {
  const cache = await caches.open(CACHE);
  try {
    const res = await fetch(req);
    if (res.ok) cache.put(fallback ?? req, res.clone());
    return res;
  } catch (err) {
    const hit = await cache.match(fallback ?? req);
    if (hit) return hit;
    throw err;
  }
}
async function cacheFirst(req) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(req);
  if (hit) return hit;
  const res = await fetch(req);
  if (res.ok) cache.put(req, res.clone());
  return res;
}
self.addEventListener('fetch', (e) => {
  const req = e.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/assets/')) e.respondWith(cacheFirst(req));
  else if (req.mode === 'navigate' && url.pathname.startsWith('/app')) e.respondWith(networkFirst(req, '/app/'));
  else if (KEEP.includes(url.pathname)) e.respondWith(networkFirst(req));
});
`;
}
