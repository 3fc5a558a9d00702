/* Lapor Batu's service worker (served at /sw.js by web/views_app.py, which puts self.LAPOR_SW above
   this code: the release, the pages to keep, the outbox script, the cache budget).

   - Install: this release's pages (both languages) and every static file they use are cached
     ("shell"); activate: the caches of older releases are deleted, so old and new never mix.
   - Pages: from the network, else the cached copy, else the offline page.
   - Static files (hashed names, never changing), the basemap's tiles (versioned) and photos: from
     the cache, else the network, then kept ("runtime").
   - API reads: from the network, else the cached copy, and the page is told how old it is ("data").
   - Runtime and data together stay under a budget, oldest out first.
   - Reports made offline (the outbox, static/web/js/outbox.js) are sent on Background Sync.
   - Push messages become notifications; a tap opens their page. */
"use strict";

var CONFIG = self.LAPOR_SW;
var SHELL = "lapor-shell-" + CONFIG.version;
var PAGES = "lapor-pages-" + CONFIG.version;  // other pages seen in this release
var RUNTIME = "lapor-runtime";
var DATA = "lapor-data";
var NETWORK_WAIT_MS = 6000;  // a weak signal: after this, a cached page or answer is shown

importScripts(CONFIG.outbox);

// --- install and activate: one release at a time ----------------------------------------------------
self.addEventListener("install", function (event) {
  event.waitUntil(precache().then(function () { return self.skipWaiting(); }));
});

function assetsOf(html) {
  var found = [], pattern = /(?:src|href)="(\/static\/[^"?#]+)"/g, match;
  while ((match = pattern.exec(html))) found.push(match[1]);
  return found;
}

function precache() {
  return caches.open(SHELL).then(function (cache) {
    return Promise.all(CONFIG.pages.map(function (url) {
      // Without cookies: the shell is the same for everyone, and holds nobody's data.
      return fetch(url, { credentials: "omit", cache: "no-store" }).then(function (response) {
        if (!response.ok) throw new Error(url + " answered " + response.status);
        return response.clone().text().then(function (html) {
          return cache.put(url, response).then(function () { return assetsOf(html); });
        });
      });
    })).then(function (lists) {
      var assets = [CONFIG.icon];
      lists.forEach(function (list) { list.forEach(function (url) { if (assets.indexOf(url) === -1) assets.push(url); }); });
      return cache.addAll(assets);
    });
  });
}

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return /^lapor-(shell|pages)-/.test(name) && name !== SHELL && name !== PAGES;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }).then(function () {
    return self.clients.matchAll({ type: "window" }).then(function (clients) {
      clients.forEach(function (client) { client.postMessage({ type: "release", version: CONFIG.version }); });
    });
  }));
});

// --- answering requests ---------------------------------------------------------------------------------
function startsWith(path, prefixes) {
  return prefixes.some(function (prefix) { return path.indexOf(prefix) === 0; });
}

self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (crewRoute(event, request, url)) return;  // the field crew's offline page and sign-out (below)
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  // Staff data and the admin stay off the device; the worker itself is always fetched fresh.
  if (startsWith(url.pathname, ["/admin/", "/api/staff/", "/sw.js", "/api/push/"])) return;
  if (request.mode === "navigate") {
    event.respondWith(page(request, url));
  } else if (startsWith(url.pathname, ["/static/", "/media/", "/api/tiles/basemap"])) {
    event.respondWith(cacheFirst(request));
  } else if (startsWith(url.pathname, ["/api/"])) {
    event.respondWith(networkFirst(request, event.clientId));
  }
});

// A fetch that gives up waiting after `ms` (the request goes on, and still fills the cache).
function patient(promise, ms) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(function () { reject(new Error("slow")); }, ms);
    promise.then(function (value) { clearTimeout(timer); resolve(value); }, function (error) { clearTimeout(timer); reject(error); });
  });
}

function isPrivatePage(url, response) {
  // Staff pages, sign-in, a report opened with its private link (the token), and whatever the server
  // says must not be stored (the reporter's own page at its clean address, a request's documents).
  return /^\/(en\/)?(petugas|masuk|keluar)\//.test(url.pathname) || url.searchParams.has("t") ||
    /no-store/.test(response.headers.get("Cache-Control") || "");
}

function page(request, url) {
  var shellUrl = CONFIG.shell.indexOf(url.pathname) !== -1;
  var network = fetch(request).then(function (response) {
    if (response.ok && response.type === "basic" && !isPrivatePage(url, response)) {
      var copy = response.clone();
      caches.open(shellUrl ? SHELL : PAGES).then(function (cache) { cache.put(shellUrl ? url.pathname : request, copy); });
    }
    return response;
  });
  return patient(network, NETWORK_WAIT_MS).catch(function () {
    return caches.match(shellUrl ? url.pathname : request, { ignoreSearch: shellUrl }).then(function (cached) {
      if (cached) return cached;
      return network.catch(function () {
        return caches.match(/^\/en\//.test(url.pathname) ? CONFIG.offline.en : CONFIG.offline.id);
      });
    });
  });
}

function cacheFirst(request) {
  return caches.match(request).then(function (cached) {
    if (cached) return cached;
    return fetch(request).then(function (response) {
      if (response.ok && response.type === "basic") keep(RUNTIME, request, response.clone());
      return response;
    });
  });
}

function networkFirst(request, clientId) {
  var network = fetch(request).then(function (response) {
    if (response.ok && response.type === "basic") keep(DATA, request, response.clone());
    return response;
  });
  return patient(network, NETWORK_WAIT_MS).catch(function (error) {
    return caches.open(DATA).then(function (cache) { return cache.match(request); }).then(function (cached) {
      if (!cached) return network;  // nothing kept: the page sees the failure (or the late answer)
      tellStale(clientId, cached.headers.get("X-Lapor-Stored-At"));
      var headers = new Headers(cached.headers);
      headers.set("X-Lapor-Cached-At", cached.headers.get("X-Lapor-Stored-At") || "");
      return cached.blob().then(function (body) {
        return new Response(body, { status: cached.status, statusText: cached.statusText, headers: headers });
      });
    });
  });
}

function tellStale(clientId, storedAt) {
  if (!clientId) return;
  self.clients.get(clientId).then(function (client) {
    if (client) client.postMessage({ type: "stale", storedAt: storedAt });
  });
}

// --- the budget: runtime and data caches together, oldest out first ---------------------------------
var puts = 0, trimming = null;

function keep(cacheName, request, response) {
  return response.blob().then(function (body) {
    var headers = new Headers(response.headers);
    headers.set("X-Lapor-Stored-At", new Date().toISOString());
    headers.set("X-Lapor-Size", String(body.size));
    var stored = new Response(body, { status: response.status, statusText: response.statusText, headers: headers });
    return caches.open(cacheName).then(function (cache) { return cache.put(request, stored); });
  }).then(function () {
    if (++puts % 25 === 0) trim();
  }).catch(function () { /* storage full or the body failed: not kept, nothing else breaks */ });
}

function trim() {
  if (trimming) return trimming;
  trimming = Promise.all([RUNTIME, DATA].map(function (name) {
    return caches.open(name).then(function (cache) {
      return cache.keys().then(function (requests) {
        return Promise.all(requests.map(function (request) {
          return cache.match(request).then(function (response) {
            return {
              cache: cache, request: request,
              size: Number(response && response.headers.get("X-Lapor-Size")) || 0,
              at: (response && response.headers.get("X-Lapor-Stored-At")) || "",
            };
          });
        }));
      });
    });
  })).then(function (lists) {
    var entries = [].concat.apply([], lists).sort(function (a, b) { return a.at < b.at ? -1 : a.at > b.at ? 1 : 0; });
    var total = entries.reduce(function (sum, entry) { return sum + entry.size; }, 0);
    var deletions = [];
    for (var i = 0; i < entries.length && total > CONFIG.runtimeBytes; i++) {
      total -= entries[i].size;
      deletions.push(entries[i].cache.delete(entries[i].request));
    }
    return Promise.all(deletions);
  }).then(function () { trimming = null; }, function () { trimming = null; });
  return trimming;
}

// --- reports made offline, and messages from the pages ------------------------------------------------
self.addEventListener("sync", function (event) {
  if (event.tag === "lapor-outbox") event.waitUntil(self.Lapor.outbox.flush());
});

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "flush") event.waitUntil(self.Lapor.outbox.flush());
  if (data.type === "trim") event.waitUntil(trim());
});

// --- field crew offline ---------------------------------------------------------------------------------
/* The nearest-tickets page of a signed-in crew member works without a signal (issue #16; the store and
   the queue are static/web/js/crew.js, the page static/web/js/nearby.js). Staff data stays off the
   device except in the cache and database "lapor-crew": the page, the files it saved there (static
   files, its map's tiles, its tickets' thumbnails), its last list and its queued changes. Signing out
   clears them; the staff basemap and staff pages' photos never go into the shared caches above. */
var CREW = "lapor-crew";
importScripts(CONFIG.crew);

function crewPath(path, pattern) { return new RegExp("^/(en/)?" + pattern + "/$").test(path); }

function fromStaffPage(request, page) {
  try { return new URL(request.referrer).pathname.replace(/^\/en\//, "/").indexOf("/petugas/" + (page || "")) === 0; } catch (e) { return false; }
}

// True when the request is the crew's (answered here, or left to the network on purpose).
function crewRoute(event, request, url) {
  if (url.origin !== self.location.origin) return false;
  if (request.method === "POST" && request.mode === "navigate") {
    if (crewPath(url.pathname, "keluar")) event.waitUntil(self.Lapor.crew.clear());  // sign-out: nothing stays
    else if (crewPath(url.pathname, "masuk")) event.waitUntil(self.Lapor.crew.pause());  // whoever signs in: wait for their page
    return false;
  }
  if (request.method !== "GET") return false;
  if (url.pathname === "/api/reports/nearby/") return true;  // the page keeps its last answer itself
  if (request.mode === "navigate" && crewPath(url.pathname, "petugas/terdekat")) {
    event.respondWith(crewPage(request, url));
    return true;
  }
  var staffTile = url.pathname.indexOf("/api/tiles/basemap-staff/") === 0;
  if (staffTile || (url.pathname.indexOf("/media/") === 0 && fromStaffPage(request))) {
    event.respondWith(crewFile(request, staffTile && fromStaffPage(request, "petugas/terdekat/")));
    return true;
  }
  return false;
}

// The page from the network, else as the crew member's page saved it, else the offline page.
function crewPage(request, url) {
  var network = fetch(request);
  return patient(network, NETWORK_WAIT_MS).catch(function () {
    return crewMatch(url.pathname, { ignoreSearch: true, ignoreVary: true }).then(function (saved) {
      if (saved) return saved;
      return network.catch(function () { return caches.match(/^\/en\//.test(url.pathname) ? CONFIG.offline.en : CONFIG.offline.id); });
    });
  });
}

// A tile of the staff basemap or a photo seen by staff: what the crew's page saved, else the network;
// kept only when the crew's page shows it (`keep`: a tile of its map), never in the shared caches.
function crewFile(request, keep) {
  return crewMatch(request).then(function (saved) {
    if (saved) return saved;
    return fetch(request).then(function (response) {
      if (keep && response.ok && response.type === "basic") {
        var copy = response.clone();
        caches.open(CREW).then(function (cache) { return cache.put(request, copy); }).catch(function () { /* not kept */ });
      }
      return response;
    });
  });
}

function crewMatch(request, options) {  // caches.open would make the cache a sign-out removed
  return caches.has(CREW).then(function (kept) {
    // Ignoring Vary (Cookie, Accept-Language): the crew member's own copies, saved by their page.
    return kept ? caches.open(CREW).then(function (cache) { return cache.match(request, options || { ignoreVary: true }); }) : undefined;
  });
}

self.addEventListener("sync", function (event) {
  if (event.tag !== "lapor-crew") return;
  event.waitUntil(self.Lapor.crew.flush({}).then(function (summary) {
    if (summary.stopped === "later") throw new Error("no signal yet");  // the browser tries again later
  }));
});

// --- push: a notification, and its page on a tap ----------------------------------------------------------
self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = { body: event.data && event.data.text() }; }
  event.waitUntil(self.registration.showNotification(data.title || "Lapor Batu", {
    body: data.body || "", tag: data.tag, icon: CONFIG.icon, badge: CONFIG.icon, lang: data.lang,
    data: { url: data.url || "/" },
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var target = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin);
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
    for (var i = 0; i < windows.length; i++) {
      if (new URL(windows[i].url).pathname === target.pathname && windows[i].focus) return windows[i].focus();
    }
    return self.clients.openWindow(target.href);
  }));
});
