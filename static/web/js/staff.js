/* Staff pages: a report's working page (status, replies, notes, assignment, re-routing) and the
   field crew's nearest tickets. Every change goes through the staff API with the session's CSRF token;
   the server decides what is allowed. */
(function () {
  "use strict";
  var Lapor = window.Lapor, el = Lapor.el, t = Lapor.t, config = Lapor.config;

  function csrfToken() {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function send(url, body) {
    var headers = { "Accept": "application/json", "Accept-Language": Lapor.lang, "X-CSRFToken": csrfToken() };
    var payload = body;
    if (!(body instanceof FormData)) {
      headers["Content-Type"] = "application/json";
      payload = JSON.stringify(body);
    }
    return fetch(url, { method: "POST", headers: headers, body: payload, credentials: "same-origin" }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (data) {
        return { ok: response.ok, status: response.status, body: data };
      });
    });
  }

  function problem(result) {
    var body = result.body || {};
    var errors = body.errors || {};
    var messages = Object.keys(errors).map(function (key) { return [].concat(errors[key]).join(" "); });
    return messages.length ? messages.join(" ") : (body.detail || t("load_failed"));
  }

  // --- a report's working page ------------------------------------------------------------------
  var report = config.report;
  var errorBox = document.getElementById("action-error");
  var pin = null;

  function done(result) {
    if (result.ok) { location.reload(); return; }
    errorBox.hidden = false;
    errorBox.textContent = problem(result);
    errorBox.scrollIntoView({ block: "center" });
  }

  window.laporStaffMap = function (map) {
    var layer = L.geoJSON(report.geometry, {
      style: { color: "#c92a2a", weight: 5 },
      pointToLayer: function (feature, latlng) {
        pin = L.marker(latlng, { icon: Lapor.pinIcon(), draggable: !!document.getElementById("reroute-form"),
                                 title: t("pin_here"), alt: t("pin_here") });
        return pin;
      },
    }).addTo(map);
    map.fitBounds(layer.getBounds(), { maxZoom: 17, padding: [20, 20], animate: false });
    Lapor.boundaryLayer(map, "kota", { color: "#0b5d4b", weight: 2, fill: false });
  };

  var statusForm = document.getElementById("status-form");
  if (statusForm) {
    var toggle = function () {
      var chosen = statusForm.querySelector("input[name=status]:checked").value;
      Array.prototype.forEach.call(statusForm.querySelectorAll("[data-for]"), function (field) {
        field.hidden = field.dataset.for !== chosen;
      });
    };
    statusForm.addEventListener("change", toggle);
    toggle();
    statusForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var chosen = statusForm.querySelector("input[name=status]:checked").value;
      var data = new FormData();
      data.append("status", chosen);
      data.append("version", report.version);
      data.append("message", document.getElementById("status-message").value);
      if (chosen === "duplicate") data.append("duplicate_of", document.getElementById("duplicate-of").value);
      if (chosen === "referred") data.append("agency", document.getElementById("refer-to").value);
      var photo = document.getElementById("status-photo");
      if (chosen === "resolved" && photo.files.length) data.append("photo", photo.files[0]);
      send(config.api.reports + report.id + "/transition/", data).then(done);
    });
  }

  var commentForm = document.getElementById("comment-form");
  if (commentForm) {
    commentForm.addEventListener("submit", function (event) {
      event.preventDefault();
      send(config.api.reports + report.id + "/comments/", {
        message: document.getElementById("comment-message").value,
        internal: commentForm.querySelector("input[name=internal]:checked").value === "true",
      }).then(done);
    });
  }

  var assignForm = document.getElementById("assign-form");
  if (assignForm) {
    assignForm.addEventListener("submit", function (event) {
      event.preventDefault();
      send(config.api.reports + report.id + "/assign/", {
        version: report.version, assignee: document.getElementById("assignee").value,
      }).then(done);
    });
  }

  var rerouteForm = document.getElementById("reroute-form");
  if (rerouteForm) {
    rerouteForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var body = { version: report.version, message: document.getElementById("reroute-message").value };
      var category = document.getElementById("reroute-category").value;
      if (category !== report.category) body.category = category;
      if (pin) {
        var at = pin.getLatLng();
        var moved = report.geometry.type === "Point" &&
          (Math.abs(at.lng - report.geometry.coordinates[0]) > 1e-7 || Math.abs(at.lat - report.geometry.coordinates[1]) > 1e-7);
        if (moved) body.geometry = { type: "Point", coordinates: [Math.round(at.lng * 1e7) / 1e7, Math.round(at.lat * 1e7) / 1e7] };
      }
      send(config.api.reports + report.id + "/reroute/", body).then(done);
    });
  }

  // --- the field crew's nearest tickets ---------------------------------------------------------
  var list = document.getElementById("tickets");
  if (!list) return;
  var statusLine = document.getElementById("nearby-status");
  var nearbyMap = null, markers = null, here = null;
  var STARTABLE = ["submitted", "verified", "reopened", "referred"];
  var RESOLVABLE = ["verified", "in_progress", "reopened"];

  window.laporNearbyMap = function (map) {
    nearbyMap = map;
    if (config.bounds) map.fitBounds(config.bounds, { animate: false });
    markers = L.layerGroup().addTo(map);
    locate();
  };

  function locate() {
    statusLine.textContent = t("locating");
    if (!navigator.geolocation) { statusLine.textContent = t("locate_failed"); return; }
    navigator.geolocation.getCurrentPosition(function (position) {
      here = [position.coords.longitude, position.coords.latitude];
      load();
    }, function () { statusLine.textContent = t("locate_failed"); }, { enableHighAccuracy: true, timeout: 15000 });
  }

  function load() {
    var url = config.api.nearby + "?lon=" + here[0] + "&lat=" + here[1] + "&radius=5000";
    Lapor.api(url).then(function (result) {
      if (!result.ok) { statusLine.textContent = problem(result); return; }
      show(result.body.reports);
    });
  }

  function show(tickets) {
    list.textContent = "";
    markers.clearLayers();
    statusLine.textContent = t("tickets_found", { count: tickets.length });
    var bounds = [[here[1], here[0]]];
    L.circleMarker([here[1], here[0]], { radius: 8, color: "#1c7ed6", fillOpacity: 0.9 }).addTo(markers);
    tickets.forEach(function (ticket, index) {
      var latlng = [ticket.location[1], ticket.location[0]];
      bounds.push(latlng);
      L.marker(latlng, { icon: L.divIcon({ className: "ticket-marker", html: String(index + 1), iconSize: [28, 28] }),
                         title: ticket.tracking_code }).addTo(markers);
      var name = Lapor.lang === "en" ? ticket.category.name_en : ticket.category.name;
      var actions = el("div", { className: "ticket-actions" },
        el("a", { className: "button small secondary", href: "https://www.google.com/maps/dir/?api=1&destination=" + latlng[0] + "," + latlng[1], target: "_blank", rel: "noopener", text: t("directions") }),
        el("a", { className: "button small secondary", href: config.api.staff_report_page.replace("CODE", ticket.tracking_code), text: t("open") }));
      if (STARTABLE.indexOf(ticket.status) !== -1) {
        actions.appendChild(el("button", { type: "button", className: "button small", text: t("start_work"), onclick: function (event) {
          event.target.disabled = true;
          var data = new FormData();
          data.append("status", "in_progress");
          data.append("version", ticket.version);
          send(config.api.reports + ticket.id + "/transition/", data).then(function (result) {
            if (!result.ok) { statusLine.textContent = problem(result); event.target.disabled = false; return; }
            load();
          });
        } }));
      }
      if (RESOLVABLE.indexOf(ticket.status) !== -1) {
        var camera = el("input", { type: "file", accept: "image/*", capture: "environment", className: "visually-hidden", id: "photo-" + ticket.id });
        camera.addEventListener("change", function () {
          if (!camera.files.length) return;
          var data = new FormData();
          data.append("status", "resolved");
          data.append("version", ticket.version);
          data.append("message", t("resolved_on_site"));
          data.append("photo", camera.files[0]);
          statusLine.textContent = t("sending");
          send(config.api.reports + ticket.id + "/transition/", data).then(function (result) {
            if (!result.ok) { statusLine.textContent = problem(result); return; }
            load();
          });
        });
        actions.appendChild(camera);
        actions.appendChild(el("label", { for: "photo-" + ticket.id, className: "button small", text: t("resolve_with_photo") }));
      }
      list.appendChild(el("li", { className: "card ticket" + (ticket.overdue ? " overdue" : ""), "data-code": ticket.tracking_code, "data-distance": ticket.distance_m },
        el("div", { className: "ticket-head" },
          el("span", { className: "ticket-number", text: String(index + 1) }),
          el("strong", { text: name }),
          el("span", { className: "ticket-distance", text: t("metres_away", { distance: Math.round(ticket.distance_m) }) })),
        el("p", { className: "muted", text: ticket.tracking_code + " · " + t("status." + ticket.status) + (ticket.overdue ? " · " + t("overdue") : "") }),
        ticket.description ? el("p", { className: "description", text: ticket.description }) : null,
        actions));
    });
    if (nearbyMap && bounds.length > 1) nearbyMap.fitBounds(bounds, { padding: [30, 30], maxZoom: 17, animate: false });
    document.body.dataset.ticketsLoaded = String(tickets.length);
  }

  document.getElementById("refresh").addEventListener("click", locate);
})();
