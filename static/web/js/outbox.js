/* The device's own store (IndexedDB "lapor"), used by the pages and by the service worker alike:
   - "outbox": reports made without a connection, kept whole (fields, photos already made smaller,
     documents) with the Idempotency-Key made on the device when the report was made, so that
     sending them again and again stores each exactly once;
   - "reports": the reports this device sent (tracking code, private link's token, when), for
     "Laporan saya"; no account, and nothing on the server knows which reports are whose.
   flush() sends what waits, oldest first, one sender at a time (a Web Lock shared by the pages and the
   worker), and tells every open page what happened (BroadcastChannel "lapor"). */
(function (scope) {
  "use strict";
  var Lapor = scope.Lapor || (scope.Lapor = {});
  var NAME = "lapor", VERSION = 1;
  var channel = scope.BroadcastChannel ? new BroadcastChannel("lapor") : null;
  // Answers that will not change by sending again: the report needs the citizen's correction.
  var REFUSED = [400, 403, 404, 409, 413, 415, 422];

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(NAME, VERSION);
      request.onupgradeneeded = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains("outbox")) db.createObjectStore("outbox", { keyPath: "key" });
        if (!db.objectStoreNames.contains("reports")) db.createObjectStore("reports", { keyPath: "code" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function run(store, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(store, mode), result;
        var request = work(transaction.objectStore(store));
        if (request) request.onsuccess = function () { result = request.result; };
        transaction.oncomplete = function () { db.close(); resolve(result); };
        transaction.onerror = transaction.onabort = function () { db.close(); reject(transaction.error); };
      });
    });
  }

  function all(store) {
    return run(store, "readonly", function (objects) { return objects.getAll(); }).then(function (items) {
      return (items || []).sort(function (a, b) { return a.created - b.created; });
    });
  }

  function tell(message) {
    if (channel) channel.postMessage(message);
    if (scope.dispatchEvent && scope.CustomEvent) scope.dispatchEvent(new CustomEvent("lapor-outbox", { detail: message }));
  }

  function body(entry) {
    var data = new FormData();
    entry.fields.forEach(function (field) {
      if (field.blob) data.append(field.name, field.blob, field.filename);
      else data.append(field.name, field.value);
    });
    return data;
  }

  // One entry: its answer decides whether it is done, needs the citizen, or waits for a better signal.
  function send(entry) {
    return fetch(entry.url, {
      method: "POST", body: body(entry), credentials: "same-origin",
      headers: { "Accept": "application/json", "Accept-Language": entry.lang, "Idempotency-Key": entry.key, "X-Lapor-Channel": "web" },
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (answer) {
        if (response.status === 201 || response.status === 200) return sent(entry, answer);
        if (REFUSED.indexOf(response.status) !== -1) {
          entry.state = "refused";
          entry.errors = (answer && (answer.errors || answer.detail)) || null;
          return run("outbox", "readwrite", function (objects) { return objects.put(entry); }).then(function () {
            tell({ type: "refused", key: entry.key, errors: entry.errors });
            return "refused";
          });
        }
        return "later";  // 429, 5xx: the server is busy or down; try again later
      });
    }, function () { return "later"; });
  }

  function sent(entry, feature) {
    var p = feature.properties;
    var report = {
      code: p.tracking_code, id: feature.id, token: p.reporter_token, key: entry.key,
      category: entry.title, place: entry.place, page: entry.page.replace("CODE", encodeURIComponent(p.tracking_code)),
      created: entry.created, sent: Date.now(), status: p.status, public: entry.public !== false,
    };
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(["outbox", "reports"], "readwrite");
        transaction.objectStore("reports").put(report);
        transaction.objectStore("outbox").delete(entry.key);
        transaction.oncomplete = function () { db.close(); resolve(); };
        transaction.onerror = transaction.onabort = function () { db.close(); reject(transaction.error); };
      });
    }).then(function () {
      tell({ type: "sent", key: entry.key, report: report, feature: feature });
      return "sent";
    });
  }

  function flushAll() {
    return all("outbox").then(function (entries) {
      var waiting = entries.filter(function (entry) { return entry.state === "waiting"; });
      return waiting.reduce(function (chain, entry) {
        return chain.then(function (stop) {
          if (stop) return true;
          return send(entry).then(function (result) { return result === "later"; });
        });
      }, Promise.resolve(false));
    });
  }

  function flush() {
    if (scope.navigator && scope.navigator.locks) {
      // One sender at a time: a page and the worker (or two tabs) never send the same entry at once.
      return scope.navigator.locks.request("lapor-outbox", flushAll);
    }
    return flushAll();
  }

  Lapor.outbox = {
    add: function (entry) {
      entry.state = "waiting";
      entry.created = entry.created || Date.now();
      return run("outbox", "readwrite", function (objects) { return objects.put(entry); }).then(function () {
        tell({ type: "queued", key: entry.key });
        return entry;
      });
    },
    waiting: function () { return all("outbox"); },
    remove: function (key) { return run("outbox", "readwrite", function (objects) { return objects.delete(key); }); },
    reports: function () { return all("reports").then(function (items) { return items.reverse(); }); },
    forget: function (code) { return run("reports", "readwrite", function (objects) { return objects.delete(code); }); },
    keep: function (report) { return run("reports", "readwrite", function (objects) { return objects.put(report); }); },
    flush: flush,
    // What happens to the outbox, here or in another tab or the worker: fn({type, key, report, errors}).
    listen: function (fn) {
      if (scope.BroadcastChannel) new BroadcastChannel("lapor").onmessage = function (event) { fn(event.data); };
      if (scope.addEventListener) scope.addEventListener("lapor-outbox", function (event) { fn(event.detail); });
    },
  };
})(typeof self !== "undefined" ? self : window);
