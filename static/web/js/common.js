/* Shared helpers for the Lapor Batu pages. Every text that comes from users is put into the page
   with textContent (never innerHTML), so a description like <img onerror=...> stays text. */
(function () {
  "use strict";
  var strings = JSON.parse(document.getElementById("lapor-strings").textContent);
  var config = JSON.parse(document.getElementById("lapor-config").textContent);
  var lang = document.documentElement.lang || "id";

  function t(key, params) {
    var text = key.split(".").reduce(function (o, k) { return o && o[k]; }, strings);
    if (typeof text !== "string") text = key;
    Object.keys(params || {}).forEach(function (name) {
      text = text.split("%(" + name + ")s").join(String(params[name]));
    });
    return text;
  }

  function el(tag, attrs) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) return;
      if (name === "text") node.textContent = value;
      else if (name === "className") node.className = value;
      // Through the CSSOM: the pages' Content-Security-Policy refuses style="..." attributes.
      else if (name === "style") node.style.cssText = value;
      else if (name.slice(0, 2) === "on") node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : value);
    });
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined || child === false) continue;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  function api(url, options) {
    options = options || {};
    var headers = Object.assign({ "Accept": "application/json", "Accept-Language": lang }, options.headers || {});
    if (options.json !== undefined) {
      headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(options.json);
    }
    return fetch(url, { method: options.method || "GET", headers: headers, body: options.body, credentials: "same-origin" })
      .then(function (response) {
        return response.text().then(function (text) {
          var body = null;
          try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
          return { ok: response.ok, status: response.status, body: body };
        });
      });
  }

  // An icon of the page's sprite (templates/web/_icons.svg), for scripts: <svg><use href="#icon-…"></svg>.
  function icon(name) {
    var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    var use = document.createElementNS("http://www.w3.org/2000/svg", "use");
    svg.setAttribute("class", "icon");
    svg.setAttribute("aria-hidden", "true");
    use.setAttribute("href", "#icon-" + name);
    svg.appendChild(use);
    return svg;
  }

  function formatBytes(bytes) {
    if (bytes < 1024 * 1024) return Math.max(1, Math.round(bytes / 1024)) + " KB";
    return (bytes / 1048576).toLocaleString(lang === "en" ? "en-GB" : "id-ID", { maximumFractionDigits: 1 }) + " MB";
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(/[xy]/g, function (c) {
      var r = Math.random() * 16 | 0;
      return (c === "x" ? r : (r & 0x3 | 0x8)).toString(16);
    });
  }

  function deviceId() {
    var id = null;
    try { id = localStorage.getItem("lapor-device"); } catch (e) { id = null; }
    if (!id) {
      id = "web-" + uuid();
      try { localStorage.setItem("lapor-device", id); } catch (e) { /* private mode: one id per page */ }
    }
    return id;
  }

  function formatDate(iso) {
    if (!iso) return "";
    var date = new Date(iso);
    return date.toLocaleDateString(lang === "en" ? "en-GB" : "id-ID", { day: "numeric", month: "short", year: "numeric" });
  }

  function reportUrl(code) {
    return config.api.report_page.replace("CODE", encodeURIComponent(code));
  }

  function pinIcon() {
    // Drawn in CSS: no marker image to fetch (and none to lose to hashed static file names).
    return L.divIcon({ className: "pin-marker", iconSize: [30, 30], iconAnchor: [15, 30], html: "<span></span>" });
  }

  function boundaryLayer(map, kind, style) {
    return api(config.api.boundaries + "?kind=" + kind).then(function (result) {
      if (!result.ok) return null;
      return L.geoJSON(result.body, { style: style, interactive: false }).addTo(map);
    });
  }

  // The asset a report was routed by (routing preview, report page): its part near the report,
  // drawn over the basemap with a white casing, labelled with its id and distance.
  function assetHighlight(map, asset, previous) {
    if (previous) map.removeLayer(previous);
    if (!asset || !asset.geometry) return null;
    var label = asset.external_id + " · " + t("metres_away", { distance: Math.round(asset.distance_m) });
    var casing = L.geoJSON(asset.geometry, {
      interactive: false,
      style: { color: "#ffffff", weight: 11, opacity: 0.9, lineCap: "round" },
      pointToLayer: function (feature, latlng) { return L.circleMarker(latlng, { radius: 11, color: "#ffffff", weight: 4, fill: false }); },
    });
    var line = L.geoJSON(asset.geometry, {
      interactive: false,
      style: { color: "#a61e4d", weight: 6, opacity: 1, lineCap: "round", dashArray: "10 6", className: "routed-asset" },
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, { radius: 9, color: "#a61e4d", weight: 4, fillColor: "#ffd43b", fillOpacity: 1, className: "routed-asset" });
      },
    });
    var group = L.featureGroup([casing, line]).addTo(map);
    // Below the asset: the report's pin stands above its point.
    line.bindTooltip(label, { permanent: true, direction: "bottom", offset: [0, 8], className: "routed-asset-label", opacity: 1 });
    return group;
  }

  window.Lapor = { t: t, el: el, api: api, uuid: uuid, deviceId: deviceId, formatDate: formatDate, icon: icon, formatBytes: formatBytes,
                   reportUrl: reportUrl, boundaryLayer: boundaryLayer, pinIcon: pinIcon, assetHighlight: assetHighlight,
                   config: config, lang: lang };
})();

/* The installed app (web/views_app.py, web/service_worker.js): the service worker is registered once
   the page has loaded (never competing with its first paint); reports waiting on the device are sent
   when the connection comes back or the app is opened; a page shown from the cache says how old its
   data is; the install prompt is kept for a sensible moment (after a report is sent, on "Laporan
   saya"), never shown on its own. */
(function () {
  "use strict";
  var Lapor = window.Lapor, t = Lapor.t;

  if ("serviceWorker" in navigator && window.isSecureContext) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function (registration) {
        Lapor.registration = registration;
        document.body.dataset.serviceWorker = "registered";
        // An installed app asks at each opening whether a new release is out (a 304 of a few hundred
        // bytes while it is not): browsers' own checks may wait, and an old shell would stay.
        if (navigator.serviceWorker.controller && navigator.onLine !== false) registration.update().catch(function () {});
      }).catch(function () { /* the site works without it */ });
    });
    navigator.serviceWorker.addEventListener("message", function (event) {
      var data = event.data || {};
      if (data.type === "stale") staleNote(data.storedAt);
    });
  }

  // Reports made offline go as soon as there is a connection, from whichever page is open.
  function flush() {
    if (!Lapor.outbox || navigator.onLine === false) return;
    Lapor.outbox.flush().catch(function () { /* tried again at the next chance */ });
  }
  window.addEventListener("online", flush);
  window.addEventListener("load", flush);

  // "Data from 10.32": the page shows what the phone kept, because the network did not answer.
  function staleNote(storedAt) {
    var note = document.getElementById("stale-note");
    if (!note) {
      note = Lapor.el("p", { className: "stale-note", id: "stale-note", role: "status" });
      var main = document.getElementById("main");
      main.insertBefore(note, main.firstChild);
    }
    var when = storedAt ? new Date(storedAt) : null;
    var time = when && !isNaN(when) ? when.toLocaleString(Lapor.lang === "en" ? "en-GB" : "id-ID", {
      day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZone: "Asia/Jakarta",
    }) : "?";
    note.textContent = t("offline_data", { time: time });
  }
  window.addEventListener("online", function () {
    var note = document.getElementById("stale-note");
    if (note) note.remove();
  });
  Lapor.staleNote = staleNote;

  // Install: offered where it helps (buttons marked data-install), never as a pop-up on arrival.
  window.addEventListener("beforeinstallprompt", function (event) {
    event.preventDefault();
    Lapor.installPrompt = event;
    Array.prototype.forEach.call(document.querySelectorAll("[data-install]"), function (button) { button.hidden = false; });
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-install]");
    if (!button || !Lapor.installPrompt) return;
    Lapor.installPrompt.prompt();
    Lapor.installPrompt.userChoice.then(function () {
      Lapor.installPrompt = null;
      Array.prototype.forEach.call(document.querySelectorAll("[data-install]"), function (b) { b.hidden = true; });
    });
  });
})();
