/* The field crew's nearest tickets (templates/web/staff/nearby.html): looked for from the phone's
   location, a tap on the map or a desa; nearest first, with directions; start work; resolve with a
   camera photo (made smaller on the phone, static/web/js/photos.js).

   Without a signal (static/web/js/crew.js) the page opens from the phone and shows the list as last
   saved; start work and resolve are kept in the queue, each ticket marked "waiting for signal", and
   sent in the order made when the signal returns (on "online", when the page opens, and by the
   service worker's Background Sync). A change someone else overtook (409) stays on its card with
   both states and the crew member's choice. With a signal the changes take the same way, at once. */
(function () {
  "use strict";
  var Lapor = window.Lapor, el = Lapor.el, t = Lapor.t, config = Lapor.config, crew = Lapor.crew;
  var list = document.getElementById("tickets");
  if (!list || !crew || !Lapor.staff) return;
  var st = Lapor.staff.st, problem = Lapor.staff.problem, distance = Lapor.staff.distance;
  var me = config.crew.user;
  var statusLine = document.getElementById("nearby-status");
  var queueLine = document.getElementById("crew-queue");
  var desaSelect = document.getElementById("nearby-desa");
  var mineBox = document.getElementById("nearby-mine");
  var nearbyMap = null, markers = null;
  var here = null;  // [lon, lat] looked from, and how it was chosen: "you", "map" or a desa's name
  var origin = null;
  var shown = null;  // the list on the page: {tickets, here, origin, mine, saved: when it was saved, if from the phone}
  var entries = [];  // this crew member's changes on the phone, oldest first
  var note = "";  // what the last action did, said before the list's summary
  var stopped = null;  // why the last sending stopped: "later" (no answer) or "signin" (the session is gone)
  var keptPage = false;  // the page itself is saved once per visit
  var photoUrls = [];
  if (window.performance && performance.setResourceTimingBufferSize) performance.setResourceTimingBufferSize(1000);  // the files to save
  var RADIUS_M = 5000;
  var STARTABLE = ["submitted", "verified", "reopened", "referred"];
  var RESOLVABLE = ["verified", "in_progress", "reopened"];

  function cst(key, params) { return st("crew." + key, params); }
  function counted(key, count) { return cst(key + "." + (count === 1 ? "one" : "other"), { count: count }); }
  function offline() { return navigator.onLine === false; }
  function noop() { /* tried again at the next chance */ }

  // el() with lists among the children (a card's thumbnails, its changes).
  function make(tag, attrs, children) {
    var node = el(tag, attrs);
    (function append(items) {
      items.forEach(function (child) {
        if (Array.isArray(child)) append(child);
        else if (child) node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
      });
    })(children);
    return node;
  }

  function clock(when) {
    var date = new Date(when);
    if (!when || isNaN(date)) return "?";
    return date.toLocaleTimeString(Lapor.lang === "en" ? "en-GB" : "id-ID", { hour: "2-digit", minute: "2-digit", timeZone: "Asia/Jakarta" });
  }

  // --- where to look from ----------------------------------------------------------------------
  window.laporNearbyMap = function (map) {
    nearbyMap = map;
    if (config.bounds) map.fitBounds(config.bounds, { animate: false });
    Lapor.boundaryLayer(map, "kota", { color: "#0b5d4b", weight: 2, fill: false }).catch(noop);
    markers = L.layerGroup().addTo(map);
    // Without the phone's location (or to look elsewhere): a tap on the map is where to look from.
    map.on("click", function (event) {
      desaSelect.value = "";
      lookFrom([event.latlng.lng, event.latlng.lat], "map");
    });
    if (shown) draw();
    locate();
  };

  function lookFrom(point, how) {
    here = point;
    origin = how;
    note = "";
    load();
  }

  function locate() {
    statusLine.textContent = t("locating");
    if (!navigator.geolocation) { located(false); return; }
    navigator.geolocation.getCurrentPosition(function (position) {
      desaSelect.value = "";
      lookFrom([position.coords.longitude, position.coords.latitude], "you");
    }, function () { located(false); }, { enableHighAccuracy: true, timeout: 15000 });
  }

  function located(found) {
    document.body.dataset.located = String(found);
    if (offline()) { showSaved(); return; }
    statusLine.textContent = st("locate_failed_staff");
  }

  desaSelect.addEventListener("change", function () {
    var area = (config.areas || []).filter(function (a) { return a.code === desaSelect.value; })[0];
    if (area) lookFrom([area.lon, area.lat], area.label);
  });
  mineBox.addEventListener("change", function () {
    if (shown && shown.saved) draw();
    else if (here) load();
  });

  // --- the list: from the server, else as last saved on the phone ---------------------------------
  function load() {
    var url = config.api.nearby + "?lon=" + here[0] + "&lat=" + here[1] + "&radius=" + RADIUS_M + (mineBox.checked ? "&mine=true" : "");
    return Lapor.api(url).then(function (result) {
      if (!result.ok) { statusLine.textContent = problem(result); return; }
      shown = { tickets: result.body.reports, here: here, origin: origin, mine: mineBox.checked, saved: null };
      draw();
      keepForOffline(shown);
    }, showSaved);
  }

  function showSaved() {
    return crew.lastList(me).then(function (record) {
      if (!record) {
        if (!shown) statusLine.textContent = cst("no_saved_list");
        draw();
        return;
      }
      shown = { tickets: record.tickets, here: record.here, origin: record.origin, mine: record.mine, saved: record.at };
      if (!here) { here = record.here; origin = record.origin; }  // and from there again with a signal
      draw();
    }).catch(noop);
  }

  // The list with the tickets assigned to the crew member further away, and what the page needs to
  // show them without a signal: the page itself (once a visit), its static files and map tiles as
  // loaded, and the tickets' thumbnails.
  function keepForOffline(view) {
    var page = keptPage ? null : location.pathname;
    keptPage = true;
    var urls = [];
    var record = { user: me, here: view.here, origin: view.origin, mine: view.mine };
    var assigned = config.api.nearby + "?lon=" + view.here[0] + "&lat=" + view.here[1] + "&radius=20000&limit=200&mine=true";
    (view.mine ? Promise.resolve([]) : Lapor.api(assigned).then(function (result) {
      return result.ok ? result.body.reports : [];
    }, function () { return []; })).then(function (mine) {
      var listed = {};
      record.tickets = view.tickets.slice();
      record.tickets.forEach(function (ticket) { listed[ticket.id] = true; });
      mine.forEach(function (ticket) { if (!listed[ticket.id]) record.tickets.push(ticket); });
      record.tickets.sort(function (x, y) { return x.distance_m - y.distance_m; });
      record.tickets.forEach(function (ticket) { urls = urls.concat(ticket.thumbnails || []); });
      record.at = new Date().toISOString();
      return crew.keepList(record);
    }).then(tilesLoaded).then(function () {
      (window.performance && performance.getEntriesByType ? performance.getEntriesByType("resource") : []).forEach(function (entry) {
        var url = new URL(entry.name);
        if (url.origin === location.origin && /^\/(static\/|api\/tiles\/basemap)/.test(url.pathname)) urls.push(url.pathname + url.search);
      });
      return crew.keepFiles(page, urls);
    }).then(function () {
      document.body.dataset.crewSaved = record.at;
    }).catch(noop);
  }

  // Once the map's tiles for the list have come (they are saved with it), or at once without a map.
  function tilesLoaded() {
    return new Promise(function (resolve) {
      var pending = 0;
      if (nearbyMap) {
        nearbyMap.eachLayer(function (layer) {
          if (!(layer instanceof L.GridLayer) || !layer.isLoading || !layer.isLoading()) return;
          pending += 1;
          layer.once("load", function () { if (--pending === 0) resolve(); });
        });
      }
      if (!pending) resolve();
      setTimeout(resolve, 10000);  // a tile that never comes does not hold the rest
    });
  }

  function summary(view, count) {
    if (view.saved) return cst("saved_count", { count: count });
    var how = view.origin;
    var from = how === "you" ? st("look_from_you") : how === "map" ? st("look_from_here") : st("look_from_desa", { place: how });
    if (!count) return from + " " + st(mineBox.checked ? "tickets_none_mine" : "tickets_none");
    return from + " " + st("tickets_count", { count: count });
  }

  // --- the queue ---------------------------------------------------------------------------------
  function refresh() {
    return crew.queued(me).then(function (items) { entries = items; draw(); }).catch(noop);
  }

  function askForSync() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync) return registration.sync.register("lapor-crew");
    }).catch(noop);
  }

  function sendNow() {
    if (offline()) { askForSync(); return refresh(); }
    return crew.flush({ user: me, csrf: Lapor.staff.csrfToken() }).then(afterSending, refresh);
  }

  function afterSending(result) {
    stopped = result.stopped;
    if (stopped === "later") askForSync();
    var sent = result.sent;
    if (sent.length === 1) {
      note = st(sent[0].action === "resolve" ? "ticket_resolved" : "ticket_started", { code: sent[0].code, status: sent[0].status_label });
    } else if (sent.length > 1) {
      note = cst("sent_many", { count: sent.length });
    }
    return crew.queued(me).then(function (items) {
      entries = items;
      if (sent.length && here && !offline()) return load();  // the list as it is now
      draw();
    }).catch(noop);
  }

  function act(ticket, change) {
    var entry = Object.assign({
      user: me, ticket: JSON.parse(JSON.stringify(ticket)), url: config.api.reports + ticket.id + "/transition/",
      version: ticket.version, basedOn: null, lang: Lapor.lang, csrf: Lapor.staff.csrfToken(),
    }, change);
    return crew.add(entry).then(function () {
      if (!offline()) return sendNow();
      note = cst("kept", { code: ticket.tracking_code });
      askForSync();
      return refresh();
    });
  }

  function choose(change, choice) {
    var code = change.ticket.tracking_code;
    note = change.state === "conflict" ? cst(choice === "mine" ? "applied_mine" : "kept_theirs", { code: code }) : "";
    return crew.decide(change.seq, choice).then(function () {
      if (choice === "mine") return sendNow();
      return refresh().then(function () { if (here && !offline()) return load(); });
    });
  }

  // --- drawing -------------------------------------------------------------------------------------
  function drawQueueLine() {
    var waiting = entries.filter(function (entry) { return entry.state === "waiting"; }).length;
    var deciding = entries.length - waiting;
    var parts = [];
    if (offline()) parts.push(waiting ? counted("offline_waiting", waiting) : cst("offline_none"));
    else if (waiting && stopped === "signin") parts.push(cst("sign_in_again"));
    else if (waiting && stopped === "later") parts.push(counted("offline_waiting", waiting));
    else if (waiting) parts.push(counted("sending", waiting));
    if (deciding) parts.push(counted("to_decide", deciding));
    queueLine.hidden = !parts.length;
    queueLine.textContent = parts.join(" ");
    queueLine.dataset.waiting = String(waiting);
    queueLine.dataset.deciding = String(deciding);
  }

  function actionName(change) { return change.action === "resolve" ? cst("resolve") : t("start_work"); }

  function draw() {
    drawQueueLine();
    photoUrls.forEach(function (url) { URL.revokeObjectURL(url); });
    photoUrls = [];
    if (!shown && !entries.length) return;
    var tickets = shown ? shown.tickets : [];
    if (shown && shown.saved && mineBox.checked && !shown.mine) tickets = tickets.filter(function (ticket) { return ticket.assigned_to_me; });
    var changes = {}, listed = {};
    entries.forEach(function (entry) { (changes[entry.ticket.id] = changes[entry.ticket.id] || []).push(entry); });
    tickets.forEach(function (ticket) { listed[ticket.id] = true; });
    // A ticket with a change on the phone that the list no longer holds (done or moved meanwhile): first.
    var extra = [];
    entries.forEach(function (entry) {
      if (listed[entry.ticket.id]) return;
      listed[entry.ticket.id] = true;
      extra.push(entry.ticket);
    });
    tickets = extra.concat(tickets);

    list.textContent = "";
    if (shown) {
      statusLine.textContent = "";
      if (note) statusLine.appendChild(el("strong", { text: note }));  // what the crew member just did, first
      var said = (shown.saved ? cst("saved_list", { time: clock(shown.saved) }) + " " : "") + summary(shown, tickets.length - extra.length);
      statusLine.appendChild(document.createTextNode((note ? " " : "") + said));
    } else if (note) {
      statusLine.textContent = note;
    }
    var bounds = [];
    if (markers) {
      markers.clearLayers();
      if (shown) {
        var from = [shown.here[1], shown.here[0]];
        bounds.push(from);
        if (shown.origin === "you") L.circleMarker(from, { radius: 8, color: "#1c7ed6", fillOpacity: 0.9 }).bindTooltip(st("here")).addTo(markers);
        else L.marker(from, { icon: Lapor.pinIcon(), title: st("chosen_spot"), alt: st("chosen_spot"), interactive: false }).addTo(markers);
      }
    }
    tickets.forEach(function (ticket, index) {
      var latlng = [ticket.location[1], ticket.location[0]];
      if (ticket.distance_m <= RADIUS_M) bounds.push(latlng);  // an assigned ticket far away: only its marker
      if (markers) {
        L.marker(latlng, { icon: L.divIcon({ className: "ticket-marker" + (ticket.assigned_to_me ? " mine" : ""), html: String(index + 1), iconSize: [28, 28] }),
                           title: ticket.tracking_code }).addTo(markers);
      }
      list.appendChild(card(ticket, index, changes[ticket.id] || []));
    });
    if (nearbyMap && bounds.length > 1) nearbyMap.fitBounds(bounds, { padding: [30, 30], maxZoom: 17, animate: false });
    else if (nearbyMap && bounds.length) nearbyMap.setView(bounds[0], Math.max(nearbyMap.getZoom(), 14), { animate: false });
    document.body.dataset.ticketsLoaded = String(tickets.length);
    document.body.dataset.ticketsFrom = shown && shown.saved ? "phone" : "server";
  }

  function card(ticket, index, changes) {
    var latlng = [ticket.location[1], ticket.location[0]];
    var waiting = changes.filter(function (change) { return change.state === "waiting"; });
    var deciding = changes.filter(function (change) { return change.state !== "waiting"; });
    var status = ticket.status;  // as it will be once the changes waiting here have landed
    waiting.forEach(function (change) { status = change.status; });
    var name = Lapor.lang === "en" ? ticket.category.name_en : ticket.category.name;
    var actions = el("div", { className: "ticket-actions" },
      el("a", { className: "button small secondary", href: "https://www.google.com/maps/dir/?api=1&destination=" + latlng[0] + "," + latlng[1], target: "_blank", rel: "noopener", text: t("directions") }),
      el("a", { className: "button small secondary", href: config.api.staff_report_page.replace("CODE", ticket.tracking_code), text: t("open") }));
    if (!deciding.length && STARTABLE.indexOf(status) !== -1) {
      actions.appendChild(el("button", { type: "button", className: "button small", text: t("start_work"), onclick: function (event) {
        event.target.disabled = true;
        act(ticket, { action: "start", status: "in_progress" }).catch(function () {
          event.target.disabled = false;
          statusLine.textContent = cst("not_kept", { code: ticket.tracking_code });
        });
      } }));
    }
    if (!deciding.length && RESOLVABLE.indexOf(status) !== -1) {
      var camera = el("input", { type: "file", accept: "image/*", capture: "environment", className: "visually-hidden", id: "photo-" + ticket.id });
      camera.addEventListener("change", function () {
        if (!camera.files.length) return;
        var file = camera.files[0];
        if (!offline()) statusLine.textContent = st("sending_photo", { code: ticket.tracking_code });
        Lapor.photos.prepare(file, config.crew.photo_upload).then(function (photo) {
          return { blob: photo.blob, name: photo.name };
        }, function () {
          return { blob: file, name: file.name || "foto.jpg" };  // not readable here: the server decides
        }).then(function (photo) {
          return act(ticket, { action: "resolve", status: "resolved", message: t("resolved_on_site"), photo: photo.blob, photoName: photo.name });
        }).catch(function () { statusLine.textContent = cst("not_kept", { code: ticket.tracking_code }); });
      });
      actions.appendChild(camera);
      actions.appendChild(el("label", { for: "photo-" + ticket.id, className: "button small", text: t("resolve_with_photo") }));
    }
    var thumbnails = (ticket.thumbnails || []).map(function (url, number) {
      return el("img", { src: url, alt: cst("photo_of", { number: number + 1, code: ticket.tracking_code }), width: 72, height: 72 });
    });
    var classes = "card ticket" + (ticket.overdue ? " overdue" : "") + (ticket.assigned_to_me ? " mine" : "") +
      (waiting.length ? " queued" : "") + (deciding.length ? " deciding" : "");
    return make("li", { className: classes, "data-code": ticket.tracking_code, "data-distance": ticket.distance_m,
                        "data-mine": ticket.assigned_to_me ? "true" : null, "data-queue": deciding.length ? deciding[0].state : waiting.length ? "waiting" : null }, [
      el("div", { className: "ticket-head" },
        el("span", { className: "ticket-number", text: String(index + 1) }),
        el("strong", { text: name }),
        el("span", { className: "ticket-distance", text: distance(ticket.distance_m) })),
      el("p", { className: "ticket-facts" },
        ticket.tracking_code + " · " + t("status." + status) + (ticket.overdue ? " · " + t("overdue") : ""),
        ticket.assigned_to_me ? el("span", { className: "badge mine", text: st("assigned_to_me") }) : null,
        waiting.length ? el("span", { className: "badge waiting", text: cst("waiting") }) : null),
      ticket.description ? el("p", { className: "description", text: ticket.description }) : null,
      thumbnails.length ? make("div", { className: "ticket-photos" }, thumbnails) : null,
      waiting.map(function (change) {
        return el("p", { className: "queued-change", "data-seq": change.seq }, cst("made_at", { action: actionName(change), time: clock(change.made) }));
      }),
      deciding.map(decision),
      actions]);
  }

  // A change the server did not take: both states, and the two ways on.
  function decision(change) {
    var title = "decide-" + change.seq;
    var conflict = change.state === "conflict";
    var mine = el("div", { className: "state mine" },
      el("h4", { text: cst("yours") }),
      el("p", { text: cst("yours_text", { action: actionName(change), time: clock(change.made), status: t("status." + change.ticket.status) }) }));
    if (change.photo) {
      var url = URL.createObjectURL(change.photo);
      photoUrls.push(url);
      mine.appendChild(el("img", { src: url, alt: cst("your_photo"), width: 72, height: 72 }));
    }
    var states;
    if (conflict) {
      var now = change.current || {};
      var theirs = el("div", { className: "state theirs" },
        el("h4", { text: cst("theirs") }),
        el("p", { text: cst("theirs_text", { status: now.status_label || t("status." + now.status), who: now.by || cst("someone"), time: clock(now.at) }) }),
        now.message ? el("p", { className: "said", text: "“" + now.message + "”" }) : null);
      states = el("div", { className: "states" }, mine, theirs);
    } else {
      states = el("div", { className: "states" }, mine, el("p", { className: "refusal", text: change.errors || t("load_failed") }));
    }
    return make("div", { className: "decision " + change.state, role: "group", "aria-labelledby": title, "data-seq": change.seq, "data-state": change.state }, [
      el("h3", { id: title, text: cst(conflict ? "conflict_title" : "refused_title") }),
      states,
      el("div", { className: "ticket-actions" },
        el("button", { type: "button", className: "button small", "data-choice": "mine", text: conflict ? cst("apply_mine") : t("try_again"),
                       onclick: function () { choose(change, "mine"); } }),
        el("button", { type: "button", className: "button small secondary", "data-choice": "theirs", text: conflict ? cst("keep_theirs") : cst("remove_mine"),
                       onclick: function () { choose(change, "theirs"); } })),
    ]);
  }

  // --- signal, other pages, signing out ----------------------------------------------------------
  window.addEventListener("online", function () {
    sendNow().then(function () { if (shown && shown.saved && here) return load(); });
  });
  window.addEventListener("offline", drawQueueLine);
  crew.listen(function (message, own) {
    if (own) return;
    if (message.type === "flushed") afterSending(message.summary);
    else if (message.type === "cleared") { entries = []; draw(); }
    else refresh();
  });

  // Signing out leaves nothing of the crew member on a shared phone (the service worker clears too);
  // changes not sent yet are lost then, so the crew member is asked first.
  var signOut = document.querySelector("form.signed-in");
  if (signOut) {
    signOut.addEventListener("submit", function (event) {
      if (signOut.dataset.cleared) return;
      event.preventDefault();
      if (entries.length && !window.confirm(cst("sign_out_waiting", { count: entries.length }))) return;
      crew.clear().catch(noop).then(function () {
        signOut.dataset.cleared = "true";
        signOut.submit();
      });
    });
  }

  document.getElementById("refresh").addEventListener("click", locate);

  // Whose page this is first (another member's data goes), then what waits, then it is sent.
  crew.own(me).then(function () { return crew.queued(me); }).then(function (items) {
    entries = items;
    if (offline()) return showSaved();
    draw();
    return sendNow();
  }).catch(noop);
})();
