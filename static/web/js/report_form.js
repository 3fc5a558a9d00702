/* The report form: pin (or line, or area) on the map, category and questions, photos, documents
   (service requests only), contact; the routing preview and nearby duplicates before sending; the
   tracking code after. */
(function () {
  "use strict";
  var Lapor = window.Lapor, el = Lapor.el, t = Lapor.t, config = Lapor.config;
  var categories = {};
  config.categories.forEach(function (c) { categories[c.code] = c; });

  var form = document.getElementById("report-form");
  var state = {
    map: null, mode: "Point", marker: null, vertices: [], sketch: null, geometry: null,
    photos: [], documents: [], idempotencyKey: Lapor.uuid(), previewTimer: null, previewRequest: 0,
  };

  // --- errors next to their fields ----------------------------------------------------------------
  function errorSlot(field) {
    var id = "error-" + field.replace(/[._]/g, "-");
    var slot = document.getElementById(id);
    if (!slot && field.indexOf("answers.") === 0) slot = document.getElementById("error-form");
    return slot || document.getElementById("error-form");
  }

  function clearErrors() {
    Array.prototype.forEach.call(document.querySelectorAll(".field-error"), function (slot) { slot.textContent = ""; });
    Array.prototype.forEach.call(document.querySelectorAll(".has-error"), function (node) { node.classList.remove("has-error"); });
  }

  function showErrors(errors) {
    var first = null;
    Object.keys(errors).forEach(function (field) {
      var messages = errors[field];
      if (!Array.isArray(messages) && typeof messages === "object") {  // nested: reporter.{name,phone,email}
        Object.keys(messages).forEach(function (inner) { showOne(field + "." + inner, messages[inner]); });
      } else {
        showOne(field, messages);
      }
    });
    function showOne(field, messages) {
      var name = field === "non_field_errors" ? "form" : field;
      var slot = errorSlot(name);
      slot.textContent = [].concat(messages).join(" ");
      var holder = slot.closest(".field");
      if (holder) holder.classList.add("has-error");
      if (!first) first = slot;
    }
    if (first) {
      var focusable = first.closest(".field, section") && first.closest(".field, section").querySelector("input, textarea, select");
      (focusable || first).focus && (focusable || first).focus();
      first.scrollIntoView({ block: "center" });
    }
  }

  // --- the map: a pin, or a line or an area drawn point by point ----------------------------------
  var lineStyle = { color: "#c92a2a", weight: 5 };

  function locationText(text) {
    document.getElementById("location-text").textContent = text;
  }

  function setGeometry(geometry, label) {
    state.geometry = geometry;
    document.getElementById("error-geometry").textContent = "";
    if (!geometry) { locationText(t("pin_needed")); return; }
    locationText(label || t("pin_placed", { place: describe(geometry) }));
    lookupArea(geometry);
    schedulePreview();
  }

  function describe(geometry) {
    var c = geometry.type === "Point" ? geometry.coordinates : geometry.coordinates[0][0] || geometry.coordinates[0];
    if (geometry.type === "LineString") c = geometry.coordinates[0];
    return c[1].toFixed(5) + ", " + c[0].toFixed(5);
  }

  function lookupArea(geometry) {
    if (geometry.type !== "Point") return;
    var c = geometry.coordinates;
    Lapor.api(config.api.areas + "?lon=" + c[0] + "&lat=" + c[1]).then(function (result) {
      if (!result.ok || geometry !== state.geometry) return;
      var names = result.body.features.map(function (f) { return f.properties; });
      if (!names.length) { locationText(t("outside_city_hint")); return; }
      var local = names[names.length - 1], kec = names.filter(function (p) { return p.kind === "kecamatan"; })[0];
      locationText(t("pin_placed", { place: (local.kind === "kelurahan" ? "Kel. " : local.kind === "desa" ? "Desa " : "") + local.name + (kec ? ", Kec. " + kec.name : "") }));
    });
  }

  function placePin(latlng) {
    clearSketch();
    if (!state.marker) {
      state.marker = L.marker(latlng, { icon: Lapor.pinIcon(), draggable: true, autoPan: true, title: t("pin_here"), alt: t("pin_here") }).addTo(state.map);
      state.marker.on("dragend", function () { placePin(state.marker.getLatLng()); });
    } else {
      state.marker.setLatLng(latlng);
    }
    setGeometry({ type: "Point", coordinates: [round(latlng.lng), round(latlng.lat)] });
  }

  function round(value) { return Math.round(value * 1e7) / 1e7; }

  function clearSketch() {
    if (state.sketch) { state.map.removeLayer(state.sketch); state.sketch = null; }
    state.vertices = [];
    document.getElementById("draw-undo").hidden = true;
  }

  function addVertex(latlng) {
    if (state.marker) { state.map.removeLayer(state.marker); state.marker = null; }
    state.vertices.push([round(latlng.lng), round(latlng.lat)]);
    var latlngs = state.vertices.map(function (c) { return [c[1], c[0]]; });
    if (state.sketch) state.map.removeLayer(state.sketch);
    state.sketch = (state.mode === "Polygon" ? L.polygon(latlngs, lineStyle) : L.polyline(latlngs, lineStyle)).addTo(state.map);
    document.getElementById("draw-undo").hidden = false;
    var enough = state.mode === "Polygon" ? state.vertices.length >= 3 : state.vertices.length >= 2;
    if (!enough) {
      state.geometry = null;
      locationText(t(state.mode === "Polygon" ? "draw_area_help" : "draw_line_help"));
      return;
    }
    if (state.mode === "Polygon") {
      setGeometry({ type: "Polygon", coordinates: [state.vertices.concat([state.vertices[0]])] });
    } else {
      setGeometry({ type: "LineString", coordinates: state.vertices.slice() });
    }
  }

  function setMode(mode) {
    state.mode = mode;
    Array.prototype.forEach.call(document.querySelectorAll("#draw-tools [data-mode]"), function (button) {
      button.setAttribute("aria-pressed", String(button.dataset.mode === mode));
    });
    clearSketch();
    if (mode !== "Point") {
      if (state.marker) { state.map.removeLayer(state.marker); state.marker = null; }
      state.geometry = null;
      locationText(t(mode === "Polygon" ? "draw_area_help" : "draw_line_help"));
    }
  }

  document.getElementById("draw-tools").addEventListener("click", function (event) {
    var button = event.target.closest("[data-mode]");
    if (button) setMode(button.dataset.mode);
  });
  document.getElementById("draw-undo").addEventListener("click", function () {
    var vertices = state.vertices.slice(0, -1);
    clearSketch();
    vertices.forEach(function (c) { addVertex(L.latLng(c[1], c[0])); });
    if (!vertices.length) { state.geometry = null; }
  });

  window.laporReportMap = function (map) {
    state.map = map;
    if (config.bounds) map.fitBounds(config.bounds, { padding: [4, 4], animate: false });
    map.zoomControl.setPosition("bottomright");
    Lapor.boundaryLayer(map, "kota", { color: "#0b5d4b", weight: 3, fill: false });
    map.on("click", function (event) {
      if (state.mode === "Point") placePin(event.latlng);
      else addVertex(event.latlng);
    });
    document.body.dataset.mapReady = "true";
  };

  // --- where am I, and place search ---------------------------------------------------------------
  document.getElementById("locate-me").addEventListener("click", function () {
    if (!navigator.geolocation) { locationText(t("locate_failed")); return; }
    locationText(t("locating"));
    navigator.geolocation.getCurrentPosition(function (position) {
      var latlng = L.latLng(position.coords.latitude, position.coords.longitude);
      setMode("Point");
      state.map.setView(latlng, 17);
      placePin(latlng);
    }, function () { locationText(t("locate_failed")); }, { enableHighAccuracy: true, timeout: 15000 });
  });

  var search = document.getElementById("place-search");
  var results = document.getElementById("search-results");
  var searchTimer = null;
  search.addEventListener("input", function () {
    clearTimeout(searchTimer);
    var query = search.value.trim();
    if (query.length < 2) { results.textContent = ""; return; }
    searchTimer = setTimeout(function () {
      Lapor.api(config.api.geocode + "?q=" + encodeURIComponent(query)).then(function (result) {
        results.textContent = "";
        if (!result.ok) return;
        if (!result.body.length) { results.appendChild(el("li", { className: "muted", text: t("no_places") })); return; }
        result.body.forEach(function (place) {
          results.appendChild(el("li", {}, el("button", { type: "button", text: place.name, onclick: function () {
            results.textContent = "";
            search.value = place.name;
            if (place.bbox) state.map.fitBounds([[place.bbox[1], place.bbox[0]], [place.bbox[3], place.bbox[2]]], { maxZoom: 17 });
            else state.map.setView([place.lat, place.lon], 17);
            if (state.mode === "Point") placePin(L.latLng(place.lat, place.lon));
          } })));
        });
      });
    }, 300);
  });
  search.addEventListener("keydown", function (event) {
    if (event.key === "Escape") results.textContent = "";
  });

  // --- category and its questions -----------------------------------------------------------------
  function currentCategory() {
    var checked = form.querySelector("input[name=category]:checked");
    return checked ? categories[checked.value] : null;
  }

  function renderQuestions(category) {
    var holder = document.getElementById("questions");
    holder.textContent = "";
    (category.questions || []).forEach(function (q) {
      var id = "answer-" + q.code, errorId = "error-answers-" + q.code.replace(/[._]/g, "-");
      var field = el("div", { className: "field" });
      var label = q.label + (q.required ? " *" : "");
      if (q.datatype === "singlevaluelist" || q.datatype === "multivaluelist") {
        var set = el("fieldset", { "aria-describedby": errorId }, el("legend", { text: label }));
        q.values.forEach(function (value, index) {
          var input = el("input", { type: q.datatype === "singlevaluelist" ? "radio" : "checkbox", name: id, value: value.key, id: id + "-" + index });
          set.appendChild(el("label", { className: "choice", for: id + "-" + index }, input, value.name));
        });
        field.appendChild(set);
      } else {
        field.appendChild(el("label", { for: id, text: label }));
        var attrs = { id: id, name: id, "aria-describedby": errorId };
        if (q.datatype === "text") field.appendChild(el("textarea", attrs));
        else field.appendChild(el("input", Object.assign(attrs, {
          type: q.datatype === "number" ? "number" : q.datatype === "datetime" ? "datetime-local" : "text",
          step: q.datatype === "number" ? "any" : null,
        })));
      }
      if (q.help) field.appendChild(el("p", { className: "hint", text: q.help }));
      field.appendChild(el("p", { className: "field-error", id: errorId, role: "alert" }));
      holder.appendChild(field);
    });
  }

  function answers() {
    var category = currentCategory(), result = {};
    if (!category) return result;
    category.questions.forEach(function (q) {
      var name = "answer-" + q.code;
      if (q.datatype === "multivaluelist") {
        var values = Array.prototype.map.call(form.querySelectorAll("input[name='" + name + "']:checked"), function (i) { return i.value; });
        if (values.length) result[q.code] = values;
      } else if (q.datatype === "singlevaluelist") {
        var checked = form.querySelector("input[name='" + name + "']:checked");
        if (checked) result[q.code] = checked.value;
      } else {
        var input = document.getElementById(name);
        if (input && input.value.trim()) {
          result[q.code] = q.datatype === "datetime" ? new Date(input.value).toISOString() : input.value.trim();
        }
      }
    });
    return result;
  }

  // Requests (permits, taxes) are worded as requests, and take documents.
  function showKind(category) {
    var request = category.kind === "request";
    Array.prototype.forEach.call(document.querySelectorAll(".for-request"), function (node) { node.hidden = !request; });
    Array.prototype.forEach.call(document.querySelectorAll(".for-complaint"), function (node) { node.hidden = request; });
    var field = document.getElementById("documents-field");
    field.hidden = !category.accepts_documents;
    document.getElementById("documents-required").hidden = !category.documents_required;
    document.getElementById("documents-which").textContent = category.documents_hint || "";
    if (!category.accepts_documents) {
      state.documents = [];
      document.getElementById("documents").value = "";
      document.getElementById("document-list").textContent = "";
      document.getElementById("error-documents").textContent = "";
    }
  }

  function categoryChosen() {
    var category = currentCategory();
    renderQuestions(category);
    showKind(category);
    var kinds = category.geometry_kinds;
    var tools = document.getElementById("draw-tools");
    tools.hidden = kinds.length === 1 && kinds[0] === "Point";
    Array.prototype.forEach.call(tools.querySelectorAll("[data-mode]"), function (button) {
      button.hidden = kinds.indexOf(button.dataset.mode) === -1;
    });
    if (kinds.indexOf(state.mode) === -1) setMode("Point");
    document.getElementById("error-category").textContent = "";
    schedulePreview();
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "category") categoryChosen();
  });
  // Chosen already: by the link (/lapor/?kategori=…), or by the browser restoring the form.
  if (currentCategory()) categoryChosen();

  // --- preview: where it will go, and nearby duplicates -------------------------------------------
  function schedulePreview() {
    clearTimeout(state.previewTimer);
    state.previewTimer = setTimeout(preview, 250);
  }

  function preview() {
    var category = currentCategory(), body = document.getElementById("preview-body");
    if (!category || !state.geometry) return;
    var mine = ++state.previewRequest;
    body.textContent = t("loading");
    Lapor.api(config.api.preview, { method: "POST", json: {
      type: "Feature", geometry: state.geometry, properties: { category: category.code },
    } }).then(function (result) {
      if (mine !== state.previewRequest) return;
      body.textContent = "";
      if (!result.ok) {
        var errors = (result.body && result.body.errors) || {};
        body.appendChild(el("p", { className: "notice error", text: (errors.geometry || errors.category || [result.body && result.body.detail || t("load_failed")])[0] }));
        document.getElementById("duplicates").hidden = true;
        state.assetLayer = Lapor.assetHighlight(state.map, null, state.assetLayer);
        return;
      }
      var data = result.body;
      var sentence = Lapor.lang === "en" ? data.routing.explanation_en : data.routing.explanation;
      body.appendChild(el("p", { className: "muted", text: t("preview_title") }));
      body.appendChild(el("p", { className: "preview-agency", id: "preview-agency", text: data.agency ? data.agency.name : "—" }));
      body.appendChild(el("p", { id: "preview-sentence", text: sentence }));
      state.assetLayer = Lapor.assetHighlight(state.map, data.asset, state.assetLayer);
      if (data.asset && data.asset.synthetic) body.appendChild(el("p", {}, el("span", { className: "badge synthetic", text: "demo: data sintetis" })));
      var flags = (data.routing.flags || []).filter(function (f) { return f !== "no_asset_in_reach"; });
      if (flags.length) {
        var list = el("ul", { className: "flags" });
        flags.forEach(function (flag) { list.appendChild(el("li", { text: t("flags." + flag) })); });
        body.appendChild(list);
      }
      showDuplicates(data.duplicates || []);
    }).catch(function () { body.textContent = t("load_failed"); });
  }

  function showDuplicates(duplicates) {
    var box = document.getElementById("duplicates"), list = document.getElementById("duplicate-list");
    list.textContent = "";
    box.hidden = duplicates.length === 0;
    duplicates.forEach(function (report) {
      var button = el("button", { type: "button", className: "button small", text: t("plus_one") });
      var count = el("span", { className: "muted", text: " · +" + report.support_count });
      button.addEventListener("click", function () {
        button.disabled = true;
        Lapor.api(config.api.reports + report.id + "/support/", { method: "POST", json: { device_id: Lapor.deviceId() } })
          .then(function (result) {
            if (!result.ok) { button.disabled = false; return; }
            count.textContent = " · +" + result.body.support_count;
            button.textContent = t(result.body.counted ? "plus_one_done" : "plus_one_again");
          });
      });
      list.appendChild(el("li", { "data-code": report.tracking_code },
        el("div", {},
          el("p", {}, el("a", { href: Lapor.reportUrl(report.tracking_code), text: report.tracking_code }),
            " · ", t("status." + report.status), count),
          el("p", { className: "muted", text: t("metres_away", { distance: Math.round(report.distance_m) }) + (report.description ? " · " + report.description.slice(0, 120) : "") })),
        button));
    });
  }

  // --- photos: checked before upload, previewed -----------------------------------------------------
  document.getElementById("photos").addEventListener("change", function (event) {
    var slot = document.getElementById("error-photos"), previews = document.getElementById("photo-previews");
    slot.textContent = "";
    previews.textContent = "";
    var files = Array.prototype.slice.call(event.target.files);
    var problems = [];
    if (files.length > config.photos_per_report) {
      problems.push(t("too_many_photos", { count: config.photos_per_report }));
      files = files.slice(0, config.photos_per_report);
    }
    state.photos = files.filter(function (file) {
      if (["image/jpeg", "image/png", "image/webp"].indexOf(file.type) === -1) {
        problems.push(t("photo_wrong_type", { name: file.name }));
        return false;
      }
      if (file.size > config.photo_limit_bytes) {
        problems.push(t("photo_too_large", { name: file.name, limit: Math.round(config.photo_limit_bytes / 1048576) }));
        return false;
      }
      return true;
    });
    slot.textContent = problems.join(" ");
    state.photos.forEach(function (file) {
      var url = URL.createObjectURL(file);
      previews.appendChild(el("figure", {}, el("img", { src: url, alt: file.name }), el("figcaption", { text: file.name })));
    });
  });

  // --- documents (service requests): checked before upload, listed ---------------------------------
  document.getElementById("documents").addEventListener("change", function (event) {
    var slot = document.getElementById("error-documents"), list = document.getElementById("document-list");
    slot.textContent = "";
    list.textContent = "";
    var files = Array.prototype.slice.call(event.target.files);
    var problems = [];
    if (files.length > config.documents_per_report) {
      problems.push(t("too_many_documents", { count: config.documents_per_report }));
      files = files.slice(0, config.documents_per_report);
    }
    state.documents = files.filter(function (file) {
      if (config.document_types.indexOf(file.type) === -1) {
        problems.push(t("document_wrong_type", { name: file.name }));
        return false;
      }
      if (file.size > config.document_limit_bytes) {
        problems.push(t("document_too_large", { name: file.name, limit: Math.round(config.document_limit_bytes / 1048576) }));
        return false;
      }
      return true;
    });
    slot.textContent = problems.join(" ");
    state.documents.forEach(function (file) {
      var size = file.size < 1048576 ? Math.max(1, Math.round(file.size / 1024)) + " KB" : (file.size / 1048576).toFixed(1) + " MB";
      list.appendChild(el("li", {}, el("span", { className: "document-name", text: file.name }), el("span", { className: "muted", text: " · " + size })));
    });
  });

  // --- send ------------------------------------------------------------------------------------------
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearErrors();
    var category = currentCategory(), local = {};
    if (!state.geometry && !state.photos.length) local.geometry = [t("pin_needed")];
    if (!category) local.category = [document.querySelector("#step-category").textContent.replace(/^\d/, "").trim()];
    if (Object.keys(local).length) { showErrors(local); return; }

    var data = new FormData();
    if (category) data.append("category", category.code);
    if (state.geometry) data.append("geometry", JSON.stringify(state.geometry));
    data.append("description", document.getElementById("description").value);
    data.append("answers", JSON.stringify(answers()));
    ["name", "phone", "email"].forEach(function (key) {
      var value = document.getElementById("reporter-" + key).value.trim();
      if (value) data.append("reporter_" + key, value);
    });
    state.photos.forEach(function (file) { data.append("photos", file, file.name); });
    if (category && category.accepts_documents) {
      state.documents.forEach(function (file) { data.append("documents", file, file.name); });
    }

    var submit = document.getElementById("submit");
    submit.disabled = true;
    submit.textContent = t("sending");
    fetch(config.api.reports, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "Accept": "application/json", "Accept-Language": Lapor.lang, "Idempotency-Key": state.idempotencyKey, "X-Lapor-Channel": "web" },
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (body) { return { status: response.status, body: body }; });
    }).then(function (result) {
      submit.disabled = false;
      submit.textContent = t("send");
      if (result.status === 201 || result.status === 200) { done(result.body); return; }
      var errors = (result.body && result.body.errors) || { non_field_errors: [result.body && result.body.detail || t("network_error")] };
      if (errors.reporter && !Array.isArray(errors.reporter)) {
        Object.keys(errors.reporter).forEach(function (k) { errors["reporter." + k] = errors.reporter[k]; });
        delete errors.reporter;
      }
      document.getElementById("error-form").textContent = t("fix_errors");
      showErrors(errors);
    }).catch(function () {
      submit.disabled = false;
      submit.textContent = t("send");
      document.getElementById("error-form").textContent = t("network_error");
    });
  });

  function done(feature) {
    var p = feature.properties;
    form.hidden = true;
    document.getElementById("location-line").hidden = true;
    var success = document.getElementById("success");
    success.hidden = false;
    document.getElementById("tracking-code").textContent = p.tracking_code;
    document.getElementById("success-routing").textContent = Lapor.lang === "en" ? p.routing.explanation_en : p.routing.explanation;
    var page = Lapor.reportUrl(p.tracking_code);
    document.getElementById("report-link").href = page;
    var privateLink = document.getElementById("private-link");
    if (p.reporter_token) {
      var url = location.origin + page + "?t=" + encodeURIComponent(p.reporter_token);
      privateLink.href = url;
      privateLink.textContent = url;
      // A request is not public: its page opens only through the private link.
      var category = categories[p.category.code];
      if (category && !category.is_public) document.getElementById("report-link").href = url;
    } else {
      privateLink.closest(".notice").hidden = true;
    }
    state.idempotencyKey = Lapor.uuid();
    success.focus();
    success.scrollIntoView({ block: "start" });
  }
})();
