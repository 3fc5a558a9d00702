/* The report form (and, for service requests, the application form): the place on the map, the
   category and at once its questions, nearby reports to +1 and where it will go, then description,
   photos (made smaller on the phone), documents and contact; a progress bar while sending; after it,
   the tracking code, the private link to keep (copy, share, WhatsApp, email) and when to expect an
   answer. */
(function () {
  "use strict";
  var Lapor = window.Lapor, el = Lapor.el, t = Lapor.t, config = Lapor.config;
  var isRequest = config.mode === "request";
  var categories = {};
  config.categories.forEach(function (c) { categories[c.code] = c; });

  var form = document.getElementById("report-form");
  var state = {
    map: null, mode: "Point", marker: null, vertices: [], sketch: null, geometry: null, pinFromPhoto: false,
    photos: [], photoWork: Promise.resolve(), documents: [], idempotencyKey: Lapor.uuid(),
    previewTimer: null, previewRequest: 0, areaRequest: 0,
  };
  var byId = function (id) { return document.getElementById(id); };
  var each = function (selector, fn, root) { Array.prototype.forEach.call((root || document).querySelectorAll(selector), fn); };

  // --- errors next to their fields ----------------------------------------------------------------
  function errorSlot(field) {
    var slot = byId("error-" + field.replace(/[._]/g, "-"));
    return slot || byId("error-form");
  }

  function clearErrors() {
    each(".field-error", function (slot) { slot.textContent = ""; });
    each(".has-error", function (node) { node.classList.remove("has-error"); });
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
      var slot = errorSlot(field === "non_field_errors" ? "form" : field);
      slot.textContent = [].concat(messages).join(" ");
      var holder = slot.closest(".field");
      if (holder) holder.classList.add("has-error");
      if (!first) first = slot;
    }
    if (first) {
      var section = first.closest(".field, section");
      var focusable = section && section.querySelector("input:not(.visually-hidden), textarea, select, .file-button");
      if (focusable && focusable.focus) focusable.focus({ preventScroll: true });
      first.scrollIntoView({ block: "center" });
    }
  }

  // --- the map: a pin, or a line or an area drawn point by point ----------------------------------
  var lineStyle = { color: "#c92a2a", weight: 5 };

  function locationText(text) { byId("location-text").textContent = text; }
  function pinNeeded() { return t(isRequest ? "pin_needed_request" : "pin_needed"); }

  function setGeometry(geometry) {
    state.geometry = geometry;
    byId("error-geometry").textContent = "";
    if (!geometry) { locationText(pinNeeded()); return; }
    locationText(t("pin_placed", { place: describe(geometry) }));
    lookupArea(geometry);
    schedulePreview();
  }

  // Where a drawing "is": the pin, the middle point of a line, the middle of an area's corners.
  function anchor(geometry) {
    if (geometry.type === "Point") return geometry.coordinates;
    var points = geometry.type === "Polygon" ? geometry.coordinates[0].slice(0, -1) : geometry.coordinates;
    if (geometry.type === "LineString") return points[Math.floor((points.length - 1) / 2)];
    var sum = points.reduce(function (s, c) { return [s[0] + c[0], s[1] + c[1]]; }, [0, 0]);
    return [sum[0] / points.length, sum[1] / points.length];
  }

  function measure(geometry) {
    var latlngs = (geometry.type === "Polygon" ? geometry.coordinates[0] : geometry.coordinates).map(function (c) { return L.latLng(c[1], c[0]); });
    if (geometry.type === "LineString") {
      var length = 0;
      for (var i = 1; i < latlngs.length; i++) length += latlngs[i - 1].distanceTo(latlngs[i]);
      return t("line_length", { metres: Math.round(length) });
    }
    // Area of a small polygon on the sphere, near enough for "about how big".
    var r = 6378137, area = 0, rad = Math.PI / 180;
    for (var j = 0; j < latlngs.length - 1; j++) {
      var a = latlngs[j], b = latlngs[j + 1];
      area += (b.lng - a.lng) * rad * (2 + Math.sin(a.lat * rad) + Math.sin(b.lat * rad));
    }
    return t("area_size", { square_metres: Math.round(Math.abs(area * r * r / 2)) });
  }

  function describe(geometry) {
    var c = anchor(geometry), where = c[1].toFixed(5) + ", " + c[0].toFixed(5);
    return geometry.type === "Point" ? where : measure(geometry) + " · " + where;
  }

  function lookupArea(geometry) {
    var c = anchor(geometry), mine = ++state.areaRequest;
    Lapor.api(config.api.areas + "?geometry=false&lon=" + c[0] + "&lat=" + c[1]).then(function (result) {
      if (!result.ok || mine !== state.areaRequest || geometry !== state.geometry) return;
      var areas = result.body.features.map(function (f) { return f.properties; });
      if (!areas.length) { locationText(t("outside_city_hint")); return; }
      var local = areas[areas.length - 1], kec = areas.filter(function (p) { return p.kind === "kecamatan"; })[0];
      var name = (local.kind === "kelurahan" ? "Kel. " : local.kind === "desa" ? "Desa " : "") + local.name;
      var place = name + (kec && kec !== local ? ", Kec. " + kec.name : "");
      if (geometry.type !== "Point") place = measure(geometry) + " · " + place;
      locationText(t(state.pinFromPhoto ? "pin_from_photo" : "pin_placed", { place: place }));
    }).catch(function () { /* the coordinates stay shown */ });
  }

  function placePin(latlng, fromPhoto) {
    clearSketch();
    state.pinFromPhoto = !!fromPhoto;
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
    byId("draw-undo").hidden = true;
  }

  function addVertex(latlng) {
    if (state.marker) { state.map.removeLayer(state.marker); state.marker = null; }
    state.pinFromPhoto = false;
    state.vertices.push([round(latlng.lng), round(latlng.lat)]);
    var latlngs = state.vertices.map(function (c) { return [c[1], c[0]]; });
    if (state.sketch) state.map.removeLayer(state.sketch);
    state.sketch = (state.mode === "Polygon" ? L.polygon(latlngs, lineStyle) : L.polyline(latlngs, lineStyle)).addTo(state.map);
    byId("draw-undo").hidden = false;
    var enough = state.mode === "Polygon" ? state.vertices.length >= 3 : state.vertices.length >= 2;
    if (!enough) {
      state.geometry = null;
      locationText(t(state.mode === "Polygon" ? "draw_area_help" : "draw_line_help"));
      return;
    }
    if (state.mode === "Polygon") setGeometry({ type: "Polygon", coordinates: [state.vertices.concat([state.vertices[0]])] });
    else setGeometry({ type: "LineString", coordinates: state.vertices.slice() });
  }

  function setMode(mode) {
    state.mode = mode;
    each("#draw-tools [data-mode]", function (button) { button.setAttribute("aria-pressed", String(button.dataset.mode === mode)); });
    clearSketch();
    if (mode !== "Point") {
      if (state.marker) { state.map.removeLayer(state.marker); state.marker = null; }
      state.geometry = null;
      locationText(t(mode === "Polygon" ? "draw_area_help" : "draw_line_help"));
    }
  }

  byId("draw-tools").addEventListener("click", function (event) {
    var button = event.target.closest("[data-mode]");
    if (button) setMode(button.dataset.mode);
  });
  byId("draw-undo").addEventListener("click", function () {
    var vertices = state.vertices.slice(0, -1);
    clearSketch();
    vertices.forEach(function (c) { addVertex(L.latLng(c[1], c[0])); });
    if (!vertices.length) state.geometry = null;
  });

  window.laporReportMap = function (map) {
    state.map = map;
    if (config.bounds) map.fitBounds(config.bounds, { padding: [4, 4], animate: false });
    map.zoomControl.setPosition("bottomright");
    map.on("click", function (event) {
      if (state.mode === "Point") placePin(event.latlng);
      else addVertex(event.latlng);
    });
    document.body.dataset.mapReady = "true";
  };

  // --- where am I, and place search ---------------------------------------------------------------
  byId("locate-me").addEventListener("click", function () {
    if (!navigator.geolocation) { locationText(t("locate_failed")); return; }
    locationText(t("locating"));
    navigator.geolocation.getCurrentPosition(function (position) {
      var latlng = L.latLng(position.coords.latitude, position.coords.longitude);
      setMode("Point");
      state.map.setView(latlng, 17);
      placePin(latlng);
    }, function () { locationText(t("locate_failed")); }, { enableHighAccuracy: true, timeout: 15000 });
  });

  var search = byId("place-search"), results = byId("search-results"), searchTimer = null;
  search.addEventListener("input", function () {
    clearTimeout(searchTimer);
    var query = search.value.trim();
    if (query.length < 2) { results.textContent = ""; return; }
    searchTimer = setTimeout(function () {
      Lapor.api(config.api.geocode + "?q=" + encodeURIComponent(query)).then(function (result) {
        results.textContent = "";
        if (!result.ok) { results.appendChild(el("li", { className: "muted", text: t("load_failed_short") })); return; }
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
      }).catch(function () { results.textContent = ""; });
    }, 300);
  });
  search.addEventListener("keydown", function (event) {
    if (event.key === "Escape") results.textContent = "";
  });

  // --- category and, at once, its questions ----------------------------------------------------------
  function currentCategory() {
    var checked = form.querySelector("input[name=category]:checked");
    return checked ? categories[checked.value] : null;
  }

  function questionField(q) {
    var id = "answer-" + q.code, errorId = "error-answers-" + q.code.replace(/[._]/g, "-"), helpId = id + "-help";
    var staffOnly = q.visibility === "staff";
    var field = el("div", { className: "field question" + (staffOnly ? " staff-only" : "") });
    var label = q.label + (q.required ? " *" : "");
    var described = [q.help || staffOnly ? helpId : null, errorId].filter(Boolean).join(" ");
    var privacy = staffOnly ? el("span", { className: "staff-only-badge" }, Lapor.icon("lock"), t("staff_only")) : null;
    if (q.datatype === "singlevaluelist" || q.datatype === "multivaluelist") {
      var set = el("fieldset", { "aria-describedby": described }, el("legend", {}, label, privacy));
      q.values.forEach(function (value, index) {
        var input = el("input", { type: q.datatype === "singlevaluelist" ? "radio" : "checkbox", name: id, value: value.key, id: id + "-" + index });
        set.appendChild(el("label", { className: "choice", for: id + "-" + index }, input, value.name));
      });
      field.appendChild(set);
    } else {
      field.appendChild(el("label", { for: id }, label, privacy));
      var attrs = { id: id, name: id, "aria-describedby": described, required: q.required || null };
      if (q.datatype === "text") field.appendChild(el("textarea", attrs));
      else field.appendChild(el("input", Object.assign(attrs, {
        type: q.datatype === "number" ? "number" : q.datatype === "datetime" ? "datetime-local" : "text",
        step: q.datatype === "number" ? "any" : null,
        inputmode: q.datatype === "number" ? "decimal" : null,
        min: q.datatype === "number" && q.min_value !== null && q.min_value !== undefined ? q.min_value : null,
        max: q.datatype === "number" && q.max_value !== null && q.max_value !== undefined ? q.max_value : null,
      })));
    }
    var hints = [q.help, staffOnly ? t("staff_only_hint") : null].filter(Boolean);
    if (hints.length) field.appendChild(el("p", { className: "hint", id: helpId, text: hints.join(" ") }));
    field.appendChild(el("p", { className: "field-error", id: errorId, role: "alert" }));
    return field;
  }

  function renderQuestions(category) {
    var holder = byId("questions"), fields = byId("question-fields");
    fields.textContent = "";
    var questions = category.questions || [];
    holder.hidden = questions.length === 0;
    byId("questions-title").textContent = t(isRequest ? "questions_about_request" : "questions_about", { category: category.name });
    questions.forEach(function (q) { fields.appendChild(questionField(q)); });
  }

  // A number answer checked against its limits as it is typed and before sending, in the page's words
  // (the server checks again): nothing, photos least of all, is sent for a width of -5 m.
  function numberProblem(input) {
    var value = input.value === "" ? null : Number(input.value);
    if (input.validity.badInput) return t("number_needed");
    if (value !== null && input.min !== "" && value < Number(input.min)) return t("number_min", { min: input.min });
    if (value !== null && input.max !== "" && value > Number(input.max)) return t("number_max", { max: input.max });
    return "";
  }

  function numberProblems() {
    var problems = {};
    each("#question-fields input[type=number]", function (input) {
      var message = numberProblem(input);
      if (message) problems["answers." + input.name.slice(7)] = [message];
    });
    return problems;
  }

  form.addEventListener("input", function (event) {
    var input = event.target;
    if (input.type !== "number" || !input.name || input.name.indexOf("answer-") !== 0) return;
    var message = numberProblem(input);
    byId("error-answers-" + input.name.slice(7).replace(/[._]/g, "-")).textContent = message;
    input.closest(".field").classList.toggle("has-error", !!message);
  });

  function showDocumentsFor(category) {
    var field = byId("documents-field");
    field.hidden = !category.accepts_documents;
    byId("documents-required").hidden = !category.documents_required;
    byId("documents-which").textContent = category.documents_hint || "";
    if (!category.accepts_documents) {
      state.documents = [];
      renderDocuments();
      byId("error-documents").textContent = "";
    }
  }

  // Tapped (not reached with the arrow keys): the questions come into view and take the focus.
  var pointerChoice = false;
  byId("categories").addEventListener("pointerdown", function () { pointerChoice = true; });
  byId("categories").addEventListener("keydown", function () { pointerChoice = false; });

  function categoryChosen(moveOn) {
    var category = currentCategory();
    renderQuestions(category);
    showDocumentsFor(category);
    var kinds = category.geometry_kinds, tools = byId("draw-tools");
    tools.hidden = kinds.length === 1 && kinds[0] === "Point";
    each("[data-mode]", function (button) { button.hidden = kinds.indexOf(button.dataset.mode) === -1; }, tools);
    if (kinds.indexOf(state.mode) === -1) setMode("Point");
    byId("error-category").textContent = "";
    if (moveOn) {
      var questions = byId("questions");
      var target = questions.hidden ? byId("check-step") : questions;
      target.scrollIntoView({ block: "start", behavior: "smooth" });
      var first = questions.hidden ? null : questions.querySelector("input, textarea, select");
      // A choice takes the focus; a text box would open the keyboard over the questions, so the
      // section does, and is read out with its heading.
      if (first && (first.type === "radio" || first.type === "checkbox")) first.focus({ preventScroll: true });
      else if (!questions.hidden) questions.focus({ preventScroll: true });
    }
    schedulePreview();
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "category") { categoryChosen(pointerChoice); pointerChoice = false; }
  });
  // Chosen already: by the link (/lapor/?kategori=…, /layanan/<code>/), or by the browser restoring the form.
  if (currentCategory()) categoryChosen(false);

  // --- before sending: nearby reports to +1, and where it will go -------------------------------------
  function schedulePreview() {
    clearTimeout(state.previewTimer);
    state.previewTimer = setTimeout(preview, 250);
  }

  function preview() {
    var category = currentCategory(), body = byId("preview-body");
    if (!category || !state.geometry) return;
    var mine = ++state.previewRequest;
    body.textContent = t("loading");
    body.setAttribute("aria-busy", "true");
    Lapor.api(config.api.preview, { method: "POST", json: {
      type: "Feature", geometry: state.geometry, properties: { category: category.code },
    } }).then(function (result) {
      if (mine !== state.previewRequest) return;
      body.textContent = "";
      body.removeAttribute("aria-busy");
      if (!result.ok) {
        var errors = (result.body && result.body.errors) || {};
        body.appendChild(el("p", { className: "notice error", text: (errors.geometry || errors.category || [result.body && result.body.detail || t("load_failed_short")])[0] }));
        byId("duplicates").hidden = true;
        state.assetLayer = Lapor.assetHighlight(state.map, null, state.assetLayer);
        return;
      }
      var data = result.body;
      body.appendChild(el("p", { className: "muted", text: t(isRequest ? "preview_title_request" : "preview_title") }));
      body.appendChild(el("p", { className: "preview-agency", id: "preview-agency", text: data.agency ? data.agency.name : "—" }));
      body.appendChild(el("p", { id: "preview-sentence", text: Lapor.lang === "en" ? data.routing.explanation_en : data.routing.explanation }));
      state.assetLayer = Lapor.assetHighlight(state.map, data.asset, state.assetLayer);
      if (data.asset && data.asset.synthetic) body.appendChild(el("p", {}, el("span", { className: "badge synthetic", text: t("synthetic_asset") })));
      var flags = (data.routing.flags || []).filter(function (f) { return f !== "no_asset_in_reach"; });
      if (flags.length) {
        var list = el("ul", { className: "flags" });
        flags.forEach(function (flag) { list.appendChild(el("li", { text: t("flags." + flag) })); });
        body.appendChild(list);
      }
      showDuplicates(data.duplicates || []);
    }).catch(function () {
      if (mine !== state.previewRequest) return;
      body.removeAttribute("aria-busy");
      body.textContent = t("load_failed_short");
    });
  }

  function showDuplicates(duplicates) {
    var box = byId("duplicates"), list = byId("duplicate-list");
    list.textContent = "";
    box.hidden = duplicates.length === 0 && byId("supported").hidden;
    duplicates.forEach(function (report) {
      var button = el("button", { type: "button", className: "button small", text: t("plus_one") });
      var count = el("span", { className: "muted", text: " · +" + report.support_count });
      button.addEventListener("click", function () {
        button.disabled = true;
        Lapor.api(config.api.reports + report.id + "/support/", { method: "POST", json: { device_id: Lapor.deviceId() } })
          .then(function (result) {
            if (!result.ok) {
              button.disabled = false;
              supported(null, (result.body && result.body.detail) || t("load_failed_short"));
              return;
            }
            count.textContent = " · +" + result.body.support_count;
            button.textContent = t(result.body.counted ? "plus_one_done" : "plus_one_again");
            supported(report, null);
          }).catch(function () { button.disabled = false; supported(null, t("network_error_short")); });
      });
      list.appendChild(el("li", { "data-code": report.tracking_code },
        el("div", {},
          el("p", {}, el("a", { href: Lapor.reportUrl(report.tracking_code), text: report.tracking_code }),
            " · ", t("status." + report.status), count),
          el("p", { className: "muted", text: t("metres_away", { distance: Math.round(report.distance_m) }) + (report.description ? " · " + report.description.slice(0, 120) : "") })),
        button));
    });
  }

  // After a +1: the citizen may stop here; a different problem can still be sent below.
  function supported(report, problem) {
    var box = byId("supported");
    box.textContent = "";
    box.hidden = false;
    box.classList.toggle("error", !!problem);
    if (problem) { box.appendChild(el("p", { text: problem })); return; }
    box.appendChild(el("p", {}, el("strong", { text: t("supported_title", { code: report.tracking_code }) })));
    box.appendChild(el("p", { text: t("supported_body") }));
    box.appendChild(el("p", {}, el("a", { className: "button small", id: "supported-link", href: Lapor.reportUrl(report.tracking_code), text: t("supported_view") })));
    box.appendChild(el("p", { className: "muted", text: t("supported_different") }));
    box.setAttribute("tabindex", "-1");
    box.focus({ preventScroll: true });
    box.scrollIntoView({ block: "nearest" });
  }

  // --- photos: made smaller on the phone, added up to the limit, each with a remove button ----------
  var photoInput = byId("photos");

  function renderPhotos() {
    var previews = byId("photo-previews");
    previews.textContent = "";
    state.photos.forEach(function (photo, index) {
      var remove = el("button", { type: "button", className: "remove-photo", "aria-label": t("remove_photo", { n: index + 1 }), text: "×" });
      remove.addEventListener("click", function () {
        URL.revokeObjectURL(photo.url);
        state.photos.splice(index, 1);
        renderPhotos();
        byId("photos-button").focus();
      });
      previews.appendChild(el("figure", {},
        el("img", { src: photo.url, alt: t("photo_n", { n: index + 1 }) }),
        el("figcaption", { text: Lapor.formatBytes(photo.blob.size) }),
        remove));
    });
    var full = state.photos.length >= config.photos_per_report;
    byId("photos-button").classList.toggle("is-disabled", full);
    byId("photos-button").setAttribute("aria-disabled", String(full));
    photoInput.disabled = full;
    byId("photos-button-text").textContent = t(state.photos.length ? "add_photos" : "take_photos");
    byId("photos-status").textContent = state.photos.length
      ? t("photos_ready", { count: state.photos.length, max: config.photos_per_report, size: Lapor.formatBytes(photosBytes()) })
      : "";
  }

  function photosBytes() { return state.photos.reduce(function (sum, p) { return sum + p.blob.size; }, 0); }

  photoInput.addEventListener("change", function () {
    var slot = byId("error-photos"), status = byId("photos-status");
    slot.textContent = "";
    var files = Array.prototype.slice.call(photoInput.files), problems = [];
    photoInput.value = "";  // the same photo may be chosen again after removing it
    var room = config.photos_per_report - state.photos.length;
    if (files.length > room) {
      problems.push(t("too_many_photos", { count: config.photos_per_report }));
      files = files.slice(0, Math.max(0, room));
    }
    files = files.filter(function (file) {
      if (["image/jpeg", "image/png", "image/webp"].indexOf(file.type) === -1) {
        problems.push(t("photo_wrong_type", { name: file.name }));
        return false;
      }
      return true;
    });
    if (!files.length) { slot.textContent = problems.join(" "); return; }
    status.textContent = t("photos_preparing");
    var work = files.reduce(function (chain, file) {
      return chain.then(function () {
        return Lapor.photos.prepare(file, config.photo_upload).then(function (photo) {
          if (photo.blob.size > config.photo_limit_bytes) {
            problems.push(t("photo_too_large", { name: file.name, limit: Math.round(config.photo_limit_bytes / 1048576) }));
            return;
          }
          photo.url = URL.createObjectURL(photo.blob);
          state.photos.push(photo);
          if (photo.gps && !state.geometry && state.mode === "Point") usePhotoPosition(photo.gps);
        }, function () { problems.push(t("photo_unreadable", { name: file.name })); });
      });
    }, state.photoWork);
    state.photoWork = work.then(function () {
      slot.textContent = problems.join(" ");
      renderPhotos();
    });
  });

  // No pin yet and the photo knows where it was taken: the pin goes there, to be checked and moved.
  function usePhotoPosition(gps) {
    var latlng = L.latLng(gps.lat, gps.lon);
    if (config.bounds && !L.latLngBounds(config.bounds).pad(0.05).contains(latlng)) return;
    state.map.setView(latlng, 17, { animate: false });
    placePin(latlng, true);
  }

  // --- documents (service requests): checked before upload, listed, each removable -------------------
  function renderDocuments() {
    var list = byId("document-list");
    list.textContent = "";
    state.documents.forEach(function (file, index) {
      var remove = el("button", { type: "button", className: "link-button remove-document", text: t("remove"), "aria-label": t("remove_document", { name: file.name }) });
      remove.addEventListener("click", function () {
        state.documents.splice(index, 1);
        renderDocuments();
        byId("documents-button").focus();
      });
      list.appendChild(el("li", {}, el("span", { className: "document-name", text: file.name }),
        el("span", { className: "muted", text: " · " + Lapor.formatBytes(file.size) }), remove));
    });
  }

  byId("documents").addEventListener("change", function (event) {
    var input = event.target, slot = byId("error-documents");
    slot.textContent = "";
    var files = Array.prototype.slice.call(input.files), problems = [];
    input.value = "";
    var room = config.documents_per_report - state.documents.length;
    if (files.length > room) {
      problems.push(t("too_many_documents", { count: config.documents_per_report }));
      files = files.slice(0, Math.max(0, room));
    }
    files.forEach(function (file) {
      if (config.document_types.indexOf(file.type) === -1) problems.push(t("document_wrong_type", { name: file.name }));
      else if (file.size > config.document_limit_bytes) problems.push(t("document_too_large", { name: file.name, limit: Math.round(config.document_limit_bytes / 1048576) }));
      else state.documents.push(file);
    });
    slot.textContent = problems.join(" ");
    renderDocuments();
  });

  // --- send, with a progress bar ------------------------------------------------------------------------
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
        var input = byId(name);
        if (input && input.value.trim()) {
          result[q.code] = q.datatype === "datetime" ? new Date(input.value).toISOString() : input.value.trim();
        }
      }
    });
    return result;
  }

  function send(data) {
    var progress = byId("upload-progress"), bar = byId("upload-bar"), label = byId("upload-label");
    return new Promise(function (resolve) {
      var xhr = new XMLHttpRequest();
      xhr.open("POST", config.api.reports);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("Accept-Language", Lapor.lang);
      xhr.setRequestHeader("Idempotency-Key", state.idempotencyKey);
      xhr.setRequestHeader("X-Lapor-Channel", "web");
      xhr.upload.addEventListener("progress", function (event) {
        if (!event.lengthComputable) return;
        progress.hidden = false;
        var percent = Math.round(event.loaded / event.total * 100);
        bar.value = percent;
        label.textContent = t("sending_progress", { percent: percent + "%", sent: Lapor.formatBytes(event.loaded), total: Lapor.formatBytes(event.total) });
      });
      xhr.upload.addEventListener("load", function () { label.textContent = t("sending_wait"); });
      xhr.addEventListener("load", function () {
        var body = null;
        try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
        resolve({ status: xhr.status, body: body });
      });
      xhr.addEventListener("error", function () { resolve({ status: 0, body: null }); });
      xhr.addEventListener("timeout", function () { resolve({ status: 0, body: null }); });
      xhr.send(data);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearErrors();
    var submit = byId("submit");
    if (submit.disabled) return;
    submit.disabled = true;
    submit.textContent = t("sending");
    state.photoWork.then(function () {
      var category = currentCategory(), local = numberProblems();
      if (!state.geometry) local.geometry = [pinNeeded()];
      if (!category) local.category = [t(isRequest ? "category_needed_request" : "category_needed")];
      if (Object.keys(local).length) { done(null); showErrors(local); return null; }

      // The report as fields: sent now as a form, or kept whole on the phone until there is a signal.
      var fields = [
        { name: "category", value: category.code },
        { name: "geometry", value: JSON.stringify(state.geometry) },
        { name: "description", value: byId("description").value },
        { name: "answers", value: JSON.stringify(answers()) },
      ];
      ["name", "phone", "email"].forEach(function (key) {
        var value = byId("reporter-" + key).value.trim();
        if (value) fields.push({ name: "reporter_" + key, value: value });
      });
      state.photos.forEach(function (photo) { fields.push({ name: "photos", blob: photo.blob, filename: photo.name }); });
      if (category.accepts_documents) state.documents.forEach(function (file) { fields.push({ name: "documents", blob: file, filename: file.name }); });
      state.fields = fields;
      if (navigator.onLine === false && Lapor.outbox) return { status: 0, offline: true };
      var data = new FormData();
      fields.forEach(function (field) {
        if (field.blob) data.append(field.name, field.blob, field.filename);
        else data.append(field.name, field.value);
      });
      return send(data);
    }).then(function (result) {
      if (!result) return;
      byId("upload-progress").hidden = true;
      if (result.status === 201 || result.status === 200) { done(null); sent(result.body); return; }
      done(null);
      if (result.status === 0) {
        // No connection (or it dropped while sending): the report waits on the phone, with its key.
        if (Lapor.outbox) { queue(); return; }
        byId("error-form").textContent = t("network_error");
        return;
      }
      var errors = (result.body && result.body.errors) || { non_field_errors: [result.body && result.body.detail || t("network_error")] };
      if (errors.reporter && !Array.isArray(errors.reporter)) {
        Object.keys(errors.reporter).forEach(function (k) { errors["reporter." + k] = errors.reporter[k]; });
        delete errors.reporter;
      }
      showErrors(errors);
      if (!byId("error-form").textContent) byId("error-form").textContent = t("fix_errors");
    });

    function done() {
      submit.disabled = false;
      submit.textContent = t(isRequest ? "send_request" : "send");
    }
  });

  // --- without a signal: kept on the phone, sent by itself later, exactly once -------------------------
  function queue() {
    var category = currentCategory();
    var entry = {
      key: state.idempotencyKey, url: config.api.reports, lang: Lapor.lang, fields: state.fields,
      title: category.name, place: byId("location-text").textContent.replace(/^[^:]*:\s*/, ""),
      page: config.api.report_page, public: category.is_public,
    };
    Lapor.outbox.add(entry).then(function () {
      state.queuedKey = entry.key;
      form.hidden = true;
      byId("location-line").hidden = true;
      var queued = byId("queued");
      queued.hidden = false;
      queued.focus({ preventScroll: true });
      queued.scrollIntoView({ block: "start" });
      document.body.dataset.reportQueued = entry.key;
      if ("serviceWorker" in navigator) {
        navigator.serviceWorker.ready.then(function (registration) {
          if (registration.sync) return registration.sync.register("lapor-outbox");
        }).catch(function () { /* the online event and the next visit send it */ });
      }
    }, function () {
      byId("error-form").textContent = t("network_error");
    });
  }

  if (Lapor.outbox) {
    Lapor.outbox.listen(function (message) {
      if (!state.queuedKey || message.key !== state.queuedKey) return;
      if (message.type === "sent") {
        byId("queued").hidden = true;
        sent(message.feature, true);
      } else if (message.type === "refused") {
        byId("queued-status").textContent = t("queued_refused");
      }
    });
  }

  // --- after sending: the code, the private link to keep, and when to expect an answer -----------------
  function duration(count, unit) {
    return t("durations." + unit + (count === 1 ? ".one" : ".other"), { n: count });
  }

  function expectation(category, p) {
    if (!category || !p.acknowledge_due) return "";
    var when = new Date(p.acknowledge_due).toLocaleString(Lapor.lang === "en" ? "en-GB" : "id-ID", {
      weekday: "long", day: "numeric", month: "long", hour: "2-digit", minute: "2-digit", timeZone: "Asia/Jakarta",
    });
    return t(isRequest ? "expect_request" : "expect_report", {
      acknowledge: duration(category.acknowledge_within, category.acknowledge_unit),
      date: when,
      resolve: duration(category.resolve_within, category.resolve_unit),
    });
  }

  function sent(feature, fromOutbox) {
    var p = feature.properties, category = categories[p.category.code];
    // Kept on the phone for "Laporan saya" (the outbox keeps those it sent itself).
    if (Lapor.outbox && !fromOutbox) {
      Lapor.outbox.keep({
        code: p.tracking_code, id: feature.id, token: p.reporter_token, key: state.idempotencyKey,
        category: category ? category.name : p.category.name,
        place: byId("location-text").textContent.replace(/^[^:]*:\s*/, ""),
        page: Lapor.reportUrl(p.tracking_code), created: Date.now(), sent: Date.now(), status: p.status,
        public: category ? category.is_public : true,
      }).catch(function () { /* private mode: nothing kept */ });
    }
    form.hidden = true;
    byId("location-line").hidden = true;
    var success = byId("success");
    success.hidden = false;
    byId("tracking-code").textContent = p.tracking_code;
    byId("success-routing").textContent = Lapor.lang === "en" ? p.routing.explanation_en : p.routing.explanation;
    byId("success-expectation").textContent = expectation(category, p);
    var page = Lapor.reportUrl(p.tracking_code);
    byId("report-link").href = page;
    if (p.reporter_token) keepLink(feature, location.origin + page + "?t=" + encodeURIComponent(p.reporter_token), category);
    else byId("keep-link").hidden = true;
    if (p.reporter_token && Lapor.push) Lapor.push.offer(byId("push-offer"), { report: { id: feature.id, token: p.reporter_token } });
    state.idempotencyKey = Lapor.uuid();
    success.focus({ preventScroll: true });
    success.scrollIntoView({ block: "start" });
    document.body.dataset.reportSent = p.tracking_code;
  }

  function keepLink(feature, url, category) {
    var p = feature.properties, message = byId("link-message");
    var link = byId("private-link");
    link.href = url;
    link.textContent = url;
    // A request is not public: its page opens only through the private link.
    if (category && !category.is_public) byId("report-link").href = url;
    var text = t(isRequest ? "share_text_request" : "share_text", { code: p.tracking_code, url: url });
    function say(key) { message.textContent = t(key); }

    byId("copy-link").addEventListener("click", function () {
      var copied = navigator.clipboard && window.isSecureContext ? navigator.clipboard.writeText(url) : Promise.reject(new Error("no clipboard"));
      copied.then(function () { say("link_copied"); }, function () {
        // Without the clipboard API (plain http): select the link's text for a long-press copy.
        var range = document.createRange();
        range.selectNodeContents(link);
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        say("link_selected");
      });
    });

    var share = byId("share-link");
    if (navigator.share) {
      share.hidden = false;
      share.addEventListener("click", function () {
        navigator.share({ title: "Lapor Batu " + p.tracking_code, text: text, url: url }).catch(function () { /* closed */ });
      });
    }

    var phone = byId("reporter-phone").value.replace(/[^\d+]/g, "").replace(/^\+/, "").replace(/^0/, "62");
    byId("whatsapp-link").href = "https://wa.me/" + (/^62\d{8,13}$/.test(phone) ? phone : "") + "?text=" + encodeURIComponent(text + " " + url);

    var email = byId("reporter-email").value.trim(), emailButton = byId("email-link");
    if (email) {
      emailButton.hidden = false;
      emailButton.addEventListener("click", function () {
        emailButton.disabled = true;
        Lapor.api(config.api.reports + feature.id + "/reporter/", {
          method: "POST", json: { action: "email_link", token: p.reporter_token, language: Lapor.lang },
        }).then(function (result) {
          if (result.ok) { message.textContent = t("link_emailed", { email: email }); return; }
          emailButton.disabled = false;
          message.textContent = (result.body && result.body.detail) || t("load_failed_short");
        }).catch(function () { emailButton.disabled = false; say("network_error_short"); });
      });
    }
  }
})();
