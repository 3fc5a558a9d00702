/* Staff pages: the inbox and a report's working page (status, replies, notes, assignment, re-routing,
   moderation, co-handling); the helpers the field crew's nearest tickets use too (nearby.js). Every
   change goes through the staff API with the session's CSRF token; the server decides what is
   allowed. After a change on the working page the page is opened again and shows the API's
   confirmation (Django's messages). */
(function () {
  "use strict";
  var Lapor = window.Lapor, t = Lapor.t, config = Lapor.config;
  var strings = config.strings || {};

  // The staff pages' own texts (web/strings_staff.py), given in the page's config.
  function st(key, params) {
    var text = key.split(".").reduce(function (o, k) { return o && o[k]; }, strings);
    if (typeof text !== "string") return t(key, params);
    Object.keys(params || {}).forEach(function (name) {
      text = text.split("%(" + name + ")s").join(String(params[name]));
    });
    return text;
  }

  // A confirmation from the last change, shown at the top: read out and scrolled to.
  var messages = document.getElementById("messages");
  if (messages) messages.focus();

  function csrfToken() {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function send(url, body, method) {
    var headers = { "Accept": "application/json", "Accept-Language": Lapor.lang, "X-CSRFToken": csrfToken() };
    var payload = body;
    if (body !== undefined && !(body instanceof FormData)) {
      headers["Content-Type"] = "application/json";
      payload = JSON.stringify(body);
    }
    return fetch(url, { method: method || "POST", headers: headers, body: payload, credentials: "same-origin" }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (data) {
        return { ok: response.ok, status: response.status, body: data };
      }, function () { return { ok: false, status: 0, body: null }; });
    }, function () { return { ok: false, status: 0, body: null }; });
  }

  function problem(result) {
    var body = result.body || {};
    var errors = body.errors || {};
    var found = Object.keys(errors).map(function (key) { return [].concat(errors[key]).join(" "); });
    return found.length ? found.join(" ") : (body.detail || t("load_failed"));
  }

  // Distances as people say them: "350 m", "4,2 km".
  function distance(metres) {
    if (metres < 1000) {
      var rounded = metres < 100 ? Math.round(metres) : Math.round(metres / 10) * 10;
      return st("m", { distance: rounded });
    }
    var km = new Intl.NumberFormat(Lapor.lang === "en" ? "en" : "id", { maximumFractionDigits: 1 }).format(metres / 1000);
    return st("km", { distance: km });
  }

  // --- a report's working page ------------------------------------------------------------------
  var report = config.report;
  var errorBox = document.getElementById("action-error");
  var pin = null;

  function failed(result) {
    errorBox.hidden = false;
    errorBox.textContent = problem(result);
    errorBox.scrollIntoView({ block: "center" });
  }

  // After a change: the page again, with the confirmation; the inbox when the report went elsewhere.
  function done(goToInbox) {
    return function (result) {
      if (!result.ok) { failed(result); return; }
      if (goToInbox) { location.assign(config.api.inbox_page); return; }
      location.replace(location.pathname);
    };
  }

  var dialog = document.getElementById("confirm-dialog");
  // Ask once more before a change that ends the work on a report or hides it; `withReason` asks why.
  function confirmFirst(kind, values, withReason, then) {
    if (!dialog || !dialog.showModal) { then(""); return; }
    var reasonField = document.getElementById("confirm-reason-field");
    var reason = document.getElementById("confirm-reason");
    var reasonError = document.getElementById("confirm-reason-error");
    document.getElementById("confirm-title").textContent = st("confirm." + kind + ".title", values);
    document.getElementById("confirm-text").textContent = st("confirm." + kind + ".text", values);
    var yes = document.getElementById("confirm-yes");
    yes.textContent = st("confirm." + kind + ".yes", values);
    reasonField.hidden = !withReason;
    reason.value = "";
    reasonError.textContent = "";
    document.getElementById("confirm-reason-label").textContent = st("photo_reason");
    var answer = function (ok) {
      return function () {
        if (ok && withReason && !reason.value.trim()) { reasonError.textContent = st("reason_needed"); reason.focus(); return; }
        yes.onclick = no.onclick = null;
        dialog.close();
        if (ok) then(reason.value.trim());
      };
    };
    var no = document.getElementById("confirm-no");
    yes.onclick = answer(true);
    no.onclick = answer(false);
    dialog.showModal();
    (withReason ? reason : no).focus();
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

  function reportUrl(path) { return config.api.reports + report.id + "/" + path; }

  var statusForm = document.getElementById("status-form");
  if (statusForm) {
    var chosenStatus = function () {
      var checked = statusForm.querySelector("input[name=status]:checked");
      return checked ? checked : null;
    };
    var toggle = function () {
      var chosen = chosenStatus();
      Array.prototype.forEach.call(statusForm.querySelectorAll("[data-for]"), function (field) {
        field.hidden = !chosen || field.dataset.for !== chosen.value;
      });
    };
    statusForm.addEventListener("change", toggle);
    toggle();
    var referTo = document.getElementById("refer-to");
    var referCategory = document.getElementById("refer-category");
    var suggestCategory = function () {
      // The receiving agency's own category, when one names it as its default.
      var current = (config.categories || []).filter(function (c) { return c.code === report.category; })[0];
      if (current && current.default_agency === referTo.value) { referCategory.value = current.code; return; }
      var theirs = (config.categories || []).filter(function (c) { return c.default_agency === referTo.value; })[0];
      referCategory.value = theirs ? theirs.code : report.category;
    };
    if (referTo && referCategory) referTo.addEventListener("change", suggestCategory);
    statusForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var chosen = chosenStatus();
      if (!chosen) { failed({ body: { detail: st("choose_status") } }); return; }
      var status = chosen.value;
      var data = new FormData();
      data.append("status", status);
      data.append("version", report.version);
      data.append("message", document.getElementById("status-message").value);
      if (status === "duplicate") data.append("duplicate_of", document.getElementById("duplicate-of").value);
      if (status === "referred") {
        data.append("agency", referTo.value);
        data.append("category", referCategory.value);
      }
      var photo = document.getElementById("status-photo");
      if (status === "resolved" && photo.files.length) data.append("photo", photo.files[0]);
      var go = function () { send(reportUrl("transition/"), data).then(done(status === "referred")); };
      if (chosen.dataset.final) confirmFirst(status, { code: report.code }, false, go);
      else go();
    });
  }

  var commentForm = document.getElementById("comment-form");
  if (commentForm) {
    commentForm.addEventListener("submit", function (event) {
      event.preventDefault();
      send(reportUrl("comments/"), {
        message: document.getElementById("comment-message").value,
        internal: commentForm.querySelector("input[name=internal]:checked").value === "true",
      }).then(done(false));
    });
  }

  var assignForm = document.getElementById("assign-form");
  if (assignForm) {
    assignForm.addEventListener("submit", function (event) {
      event.preventDefault();
      send(reportUrl("assign/"), { version: report.version, assignee: document.getElementById("assignee").value }).then(done(false));
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
      send(reportUrl("reroute/"), body).then(function (result) {
        var agency = result.ok && result.body.properties.agency;
        done(!!(agency && agency.code !== report.agency))(result);  // now another agency's report
      });
    });
  }

  function onClick(id, handler) {
    var node = document.getElementById(id);
    if (node) node.addEventListener("click", handler);
  }
  onClick("review-keep", function () { send(reportUrl("review/"), { version: report.version, publish: false }).then(done(false)); });
  onClick("review-publish", function () { send(reportUrl("review/"), { version: report.version, publish: true }).then(done(false)); });

  var publicTextForm = document.getElementById("public-text-form");
  if (publicTextForm) {
    publicTextForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var answers = {};
      Array.prototype.forEach.call(publicTextForm.querySelectorAll("input[data-code]"), function (input) {
        answers[input.dataset.code] = input.value;
      });
      send(reportUrl("public-text/"), {
        version: report.version,
        description: document.getElementById("public-description-input").value,
        answers: answers,
        reason: document.getElementById("public-text-reason").value,
      }).then(done(false));
    });
  }

  var visibilityForm = document.getElementById("visibility-form");
  if (visibilityForm) {
    visibilityForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var hidden = visibilityForm.elements.hidden.value === "true";
      var body = { version: report.version, hidden: hidden };
      if (!hidden) { send(reportUrl("visibility/"), body).then(done(false)); return; }
      body.reason = visibilityForm.elements.reason.value;
      body.note = visibilityForm.elements.note.value;
      confirmFirst("hide", { code: report.code }, false, function () {
        send(reportUrl("visibility/"), body).then(done(false));
      });
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-photo-action]"), function (button) {
    button.addEventListener("click", function () {
      var url = reportUrl("photos/" + button.closest("[data-photo]").dataset.photo + "/visibility/");
      if (button.dataset.photoAction === "show") { send(url, { public: true }).then(done(false)); return; }
      confirmFirst("hide_photo", {}, true, function (reason) {
        send(url, { public: false, reason: reason }).then(done(false));
      });
    });
  });

  var coHandlerForm = document.getElementById("co-handler-form");
  if (coHandlerForm) {
    coHandlerForm.addEventListener("submit", function (event) {
      event.preventDefault();
      send(reportUrl("co-handlers/"), {
        agency: document.getElementById("co-handler-agency").value,
        reason: document.getElementById("co-handler-reason").value,
      }).then(done(false));
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("[data-remove-co-handler]"), function (button) {
    button.addEventListener("click", function () {
      send(reportUrl("co-handlers/" + encodeURIComponent(button.dataset.removeCoHandler) + "/"), undefined, "DELETE").then(done(false));
    });
  });

  // The field crew's nearest tickets have their own script (static/web/js/nearby.js), with these.
  Lapor.staff = { st: st, send: send, problem: problem, distance: distance, csrfToken: csrfToken };
})();
