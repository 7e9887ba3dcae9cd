// Service worker: precaches the whole built site (app shell, wasm, ECharts, icons and the
// data bundle) so the app works offline after one visit.
//
// This file is a template: scripts/gen_sw.sh fills PRECACHE and VERSION after each build
// (Trunk hashes file names, so the list cannot be written by hand). Each entry carries the
// SHA-256 of the file as built; a download that does not match (a corrupt or half-deployed
// bundle) fails the install, so the working cache and the worker serving it stay in place.
"use strict";

const VERSION = "__VERSION__";
const PRECACHE = __PRECACHE__;
const PREFIX = "wtw-";
const CACHE = PREFIX + VERSION;
const BUNDLE = "public/bundle.bin";
// Never cached: the refine API and the site config must be live (the app falls back to
// the on-device refiner when they are not reachable).
const NETWORK_ONLY = [/^api\//, /^config\.json$/, /^sw\.js$/];

const scope = () => new URL(self.registration.scope);
const abs = (path) => new URL(path, self.registration.scope).href;

function hex(buf) {
  return Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, "0")).join("");
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      try {
        for (const [path, sha, type] of PRECACHE) {
          // no-cache: revalidate with the server, so an old bundle.bin in the HTTP cache
          // cannot be stored under the new version.
          const res = await fetch(abs(path), { cache: "no-cache" });
          if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
          const body = await res.arrayBuffer();
          const got = hex(await crypto.subtle.digest("SHA-256", body));
          if (got !== sha) throw new Error(`${path}: checksum mismatch (corrupt or partial deploy)`);
          // Stored decoded, with its real length, so the app's download progress works.
          await cache.put(
            abs(path),
            new Response(body, {
              headers: { "content-type": type, "content-length": String(body.byteLength) },
            }),
          );
        }
      } catch (err) {
        // Leave nothing half-filled behind; the previous worker and cache stay active.
        await caches.delete(CACHE);
        throw err;
      }
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      // Only now, with the new cache complete, drop the old ones.
      for (const key of await caches.keys()) {
        if (key.startsWith(PREFIX) && key !== CACHE) await caches.delete(key);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  const base = scope();
  if (url.origin !== base.origin || !url.pathname.startsWith(base.pathname)) return;
  const rel = url.pathname.slice(base.pathname.length);
  if (NETWORK_ONLY.some((re) => re.test(rel))) return;
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      // Every route of the single-page app is index.html.
      const key = req.mode === "navigate" ? abs("index.html") : url.origin + url.pathname;
      const hit = await cache.match(key);
      return hit || fetch(req);
    })(),
  );
});

// The data week of this version's bundle, read from its header: magic (8 bytes), format
// (u16), then postcard fields: format_version (varint), build_time and data_week
// (varint length + UTF-8).
async function dataWeek() {
  const cache = await caches.open(CACHE);
  const res = await cache.match(abs(BUNDLE));
  if (!res) return null;
  const bytes = new Uint8Array(await res.arrayBuffer(), 0, 256);
  if (new TextDecoder().decode(bytes.subarray(0, 7)) !== "NFXRECS") return null;
  let i = 10;
  const varint = () => {
    let v = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[i++];
      v |= (b & 0x7f) << shift;
      if (b < 0x80) return v;
      shift += 7;
    }
  };
  varint(); // format_version
  const skip = varint(); // build_time
  i += skip;
  const len = varint();
  return new TextDecoder().decode(bytes.subarray(i, i + len));
}

self.addEventListener("message", (event) => {
  const msg = event.data || {};
  if (msg.type === "skip-waiting") {
    self.skipWaiting();
  } else if (msg.type === "meta" && event.ports[0]) {
    dataWeek().then(
      (week) => event.ports[0].postMessage({ version: VERSION, week }),
      () => event.ports[0].postMessage({ version: VERSION, week: null }),
    );
  }
});
