/* The field crew's work without a signal (issue #16), used by the nearest-tickets page
   (static/web/js/nearby.js) and by the service worker alike. Everything lives apart from the
   citizen's store (outbox.js), in IndexedDB "lapor-crew" and the cache "lapor-crew", and belongs to
   one signed-in crew member: signing out clears both (the worker sees the sign-out), and a page of
   another member clears them before anything else.
   - "tickets": the last ticket list the nearby API gave (one record), to show without a signal;
   - "queue": status changes made on the page (start work, resolve with a photo), oldest first, each
     with the ticket's version as the crew member saw it. flush() sends them strictly in that order,
     one sender at a time (a Web Lock shared by the page and the worker); after a change lands, the
     next change of the same ticket made on top of it is sent with the version the server returned.
     A 409 keeps the change as a conflict with the server's state, until the crew member decides;
     nothing is dropped without them;
   - "meta": whose data this is ({key: "user", user}).
   The cache "lapor-crew" keeps the page itself, its static files, its map's tiles and the tickets'
   thumbnails (keepFiles). What happens is told to every open page (BroadcastChannel "lapor-crew"). */
(function (scope) {
  "use strict";
  var Lapor = scope.Lapor || (scope.Lapor = {});
  var NAME = "lapor-crew", VERSION = 1, CACHE = "lapor-crew";
  var STORES = ["queue", "tickets", "meta"];
  var MAX_TILES = 400;  // the map around the last list: a few screens at a few zoom levels
  var sender = Math.random().toString(36).slice(2);  // this page or worker, to know its own messages
  var channel = scope.BroadcastChannel ? new BroadcastChannel(NAME) : null;

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(NAME, VERSION);
      request.onupgradeneeded = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains("queue")) db.createObjectStore("queue", { keyPath: "seq", autoIncrement: true });
        if (!db.objectStoreNames.contains("tickets")) db.createObjectStore("tickets", { keyPath: "key" });
        if (!db.objectStoreNames.contains("meta")) db.createObjectStore("meta", { keyPath: "key" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  // One transaction over `stores`; work(stores by name) may return a request whose result is kept.
  function run(stores, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(stores, mode), result, objects = {};
        stores.forEach(function (name) { objects[name] = transaction.objectStore(name); });
        var request = work(objects);
        if (request) request.onsuccess = function () { result = request.result; };
        transaction.oncomplete = function () { db.close(); resolve(result); };
        transaction.onerror = transaction.onabort = function () { db.close(); reject(transaction.error); };
      });
    });
  }

  function queued(user) {
    return run(["queue"], "readonly", function (s) { return s.queue.getAll(); }).then(function (items) {
      return (items || []).filter(function (entry) { return entry.user === user; })
        .sort(function (a, b) { return a.seq - b.seq; });
    });
  }

  function tell(message) {
    message.from = sender;
    if (channel) channel.postMessage(message);
    else if (scope.dispatchEvent && scope.CustomEvent) scope.dispatchEvent(new CustomEvent(NAME, { detail: message }));
  }

  // {user, paused}: the member whose data this is; paused from a sign-in until their page opens.
  function owner() {
    return run(["meta"], "readonly", function (s) { return s.meta.get("user"); }).then(function (record) {
      return record || { user: null, paused: false };
    });
  }

  function whose() {
    return owner().then(function (record) { return record.paused ? null : record.user; });
  }

  // A change of a ticket that already has one waiting is made on top of it: it is sent, with the
  // version the first one gets from the server, only after the first one has landed.
  function add(entry) {
    entry.state = "waiting";
    entry.made = entry.made || Date.now();
    return run(["queue"], "readwrite", function (s) {
      var cursor = s.queue.openCursor(null, "prev");
      cursor.onsuccess = function () {
        var found = cursor.result;
        if (found && !(found.value.user === entry.user && found.value.ticket.id === entry.ticket.id)) { found.continue(); return; }
        if (found) { entry.basedOn = found.value.seq; entry.version = found.value.version; }
        s.queue.add(entry).onsuccess = function (event) { entry.seq = event.target.result; };
      };
    }).then(function () {
      tell({ type: "queued", seq: entry.seq });
      return entry;
    });
  }

  function put(entry) {
    return run(["queue"], "readwrite", function (s) { s.queue.put(entry); });
  }

  function body(entry) {
    var data = new FormData();
    data.append("status", entry.status);
    data.append("version", String(entry.version));
    if (entry.message) data.append("message", entry.message);
    if (entry.photo) data.append("photo", entry.photo, entry.photoName || "foto.jpg");
    return data;
  }

  // The report as it is now on the server, as much as the card needs to show it beside the change.
  function brief(report) {
    var p = (report && report.properties) || {};
    var last = (p.timeline || []).filter(function (entry) { return entry.status; }).pop() || {};
    return {
      status: p.status, status_label: p.status_label, version: p.version, assigned_to_name: p.assigned_to_name || null,
      by: last.actor_name || null, at: last.created_at || p.updated_at || null, message: (last.message || "").slice(0, 300),
    };
  }

  function errorsOf(answer) {
    if (!answer) return null;
    var errors = answer.errors || {};
    var found = Object.keys(errors).map(function (key) { return [].concat(errors[key]).join(" "); });
    return found.length ? found.join(" ") : (answer.detail || null);
  }

  /* One change: "sent", "conflict", "refused" (the crew member decides), "signin" (the session is
     gone: everything waits) or "later" (no signal, the server busy: everything waits). */
  function send(entry, csrf, inWorker) {
    return fetch(entry.url, {
      method: "POST", body: body(entry), credentials: "same-origin",
      headers: { "Accept": "application/json", "Accept-Language": entry.lang || "id", "X-CSRFToken": csrf || entry.csrf || "" },
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (answer) {
        if (response.status === 200) return { result: "sent", report: answer };
        if (response.status === 409) return { result: "conflict", current: brief(answer && answer.report), detail: answer && answer.detail };
        if (response.status === 401) return { result: "signin" };
        // The worker's CSRF token may be older than the page's: a refusal there waits for the page.
        if (response.status === 403 && inWorker) return { result: "later" };
        if ([400, 403, 404, 413, 415, 422].indexOf(response.status) !== -1) return { result: "refused", errors: errorsOf(answer) };
        return { result: "later" };
      });
    }, function () { return { result: "later" }; });
  }

  function landed(entry, report, entries) {
    var version = report && report.properties ? report.properties.version : null;
    var after = entries.filter(function (other) { return other.basedOn === entry.seq; });
    after.forEach(function (other) { other.basedOn = null; if (version !== null) other.version = version; });
    return run(["queue"], "readwrite", function (s) {
      s.queue.delete(entry.seq);
      after.forEach(function (other) { s.queue.put(other); });
    });
  }

  function flushAll(user, csrf, inWorker) {
    var summary = { sent: [], conflicts: 0, refused: 0, stopped: null };
    if (user === null || user === undefined) return Promise.resolve(summary);
    return queued(user).then(function (entries) {
      var held = {};  // tickets with a change not landed: their later changes wait behind it
      return entries.reduce(function (chain, entry) {
        return chain.then(function () {
          if (summary.stopped) return;
          var ticket = entry.ticket.id;
          if (entry.state !== "waiting" || held[ticket]) { held[ticket] = true; return; }
          return send(entry, csrf, inWorker).then(function (outcome) {
            if (outcome.result === "sent") {
              var p = (outcome.report && outcome.report.properties) || {};
              summary.sent.push({ seq: entry.seq, action: entry.action, code: p.tracking_code || entry.ticket.tracking_code, status_label: p.status_label });
              return landed(entry, outcome.report, entries).then(function () { tell({ type: "sent", seq: entry.seq }); });
            }
            if (outcome.result === "later" || outcome.result === "signin") { summary.stopped = outcome.result; return; }
            held[ticket] = true;
            entry.state = outcome.result;
            entry.current = outcome.current || null;
            entry.errors = outcome.errors || outcome.detail || null;
            summary[outcome.result === "conflict" ? "conflicts" : "refused"] += 1;
            return put(entry).then(function () { tell({ type: outcome.result, seq: entry.seq }); });
          });
        });
      }, Promise.resolve());
    }).then(function () {
      tell({ type: "flushed", summary: summary });
      return summary;
    });
  }

  /* Send what waits: options.user (the page's signed-in member; the worker uses the one the page
     recorded), options.csrf (the page's token; the worker reads the cookie where it can). */
  function flush(options) {
    options = options || {};
    var inWorker = typeof scope.document === "undefined";
    var who = options.user !== undefined ? Promise.resolve(options.user) : whose();
    var token = options.csrf ? Promise.resolve(options.csrf) : (scope.cookieStore
      ? scope.cookieStore.get("csrftoken").then(function (cookie) { return cookie ? cookie.value : ""; }, function () { return ""; })
      : Promise.resolve(""));
    return Promise.all([who, token]).then(function (values) {
      var go = function () { return flushAll(values[0], values[1], inWorker); };
      if (scope.navigator && scope.navigator.locks) return scope.navigator.locks.request(NAME, go);
      return go();
    });
  }

  // The crew member's choice on a conflict: "mine" sends the change again on the version the server
  // has now; "theirs" removes the change (what was made on top of it then meets the server's version).
  function decide(seq, choice) {
    return run(["queue"], "readwrite", function (s) {
      var request = s.queue.get(seq);
      request.onsuccess = function () {
        var entry = request.result;
        if (!entry) return;
        if (choice === "mine") {
          if (entry.current && entry.current.version) entry.version = entry.current.version;
          entry.state = "waiting";
          entry.errors = null;
          s.queue.put(entry);
          return;
        }
        s.queue.delete(seq);
        var all = s.queue.getAll();
        all.onsuccess = function () {
          all.result.filter(function (other) { return other.basedOn === seq; }).forEach(function (other) {
            other.basedOn = null;
            s.queue.put(other);
          });
        };
      };
    }).then(function () { tell({ type: "decided", seq: seq, choice: choice }); });
  }

  function clearFiles() {
    return scope.caches ? scope.caches.delete(CACHE) : Promise.resolve(false);
  }

  // Sign-out: nothing of the crew member stays on the phone.
  function clear() {
    return Promise.all([
      run(STORES, "readwrite", function (s) { STORES.forEach(function (name) { s[name].clear(); }); }),
      clearFiles(),
    ]).then(function () { tell({ type: "cleared" }); });
  }

  // The page of `user` opens: another member's data goes first; the worker then sends for `user`.
  function own(user) {
    return owner().then(function (previous) {
      var wiped = previous.user !== null && previous.user !== user ? clear() : Promise.resolve();
      return wiped.then(function () {
        return run(["meta"], "readwrite", function (s) { s.meta.put({ key: "user", user: user, paused: false }); });
      });
    });
  }

  // Someone signs in: until their page says who, the worker sends nothing (it would send as them).
  function pause() {
    return owner().then(function (previous) {
      if (previous.user === null) return;
      return run(["meta"], "readwrite", function (s) { s.meta.put({ key: "user", user: previous.user, paused: true }); });
    });
  }

  function keepList(record) {
    record.key = "last";
    return run(["tickets"], "readwrite", function (s) { s.tickets.put(record); });
  }

  function lastList(user) {
    return run(["tickets"], "readonly", function (s) { return s.tickets.get("last"); }).then(function (record) {
      return record && record.user === user ? record : null;
    });
  }

  function isTile(path) { return path.indexOf("/api/tiles/basemap") === 0; }
  function isPage(path) { return /^\/(en\/)?petugas\//.test(path); }  // each language's, as visited

  /* Keep `page` (fetched again: its release may be new) and `urls` (site-relative, fetched once) in the
     cache. Static files and thumbnails no longer listed go; pages and tiles stay, the oldest tiles
     out beyond MAX_TILES. */
  function keepFiles(page, urls) {
    if (!scope.caches) return Promise.resolve();
    return scope.caches.open(CACHE).then(function (cache) {
      return cache.keys().then(function (requests) {
        var have = {};
        requests.forEach(function (request) { var u = new URL(request.url); have[u.pathname + u.search] = request; });
        var wanted = {};
        urls.forEach(function (url) { wanted[url] = true; });
        var fetches = (page ? [page] : []).concat(urls.filter(function (url) { return !have[url] && url !== page; })).map(function (url) {
          return fetch(url, { credentials: "same-origin" }).then(function (response) {
            if (response.ok && !response.redirected) return cache.put(url, response);
          }).catch(function () { /* kept next time */ });
        });
        var tiles = Object.keys(have).filter(isTile);
        var removals = Object.keys(have).filter(function (url) {
          return !wanted[url] && !isPage(url) && !isTile(url);
        }).concat(tiles.slice(0, Math.max(0, tiles.length - MAX_TILES))).map(function (url) { return cache.delete(have[url]); });
        return Promise.all(fetches.concat(removals));
      });
    });
  }

  Lapor.crew = {
    CACHE: CACHE,
    add: add,
    queued: queued,
    flush: flush,
    decide: decide,
    remove: function (seq) { return decide(seq, "theirs"); },
    clear: clear,
    own: own,
    pause: pause,
    keepList: keepList,
    lastList: lastList,
    keepFiles: keepFiles,
    // What happens to the queue, here, in another tab or in the worker: fn(message, own).
    listen: function (fn) {
      if (scope.BroadcastChannel) {
        new BroadcastChannel(NAME).onmessage = function (event) { fn(event.data, event.data.from === sender); };
      } else if (scope.addEventListener) {
        scope.addEventListener(NAME, function (event) { fn(event.detail, true); });
      }
    },
  };
})(typeof self !== "undefined" ? self : window);
