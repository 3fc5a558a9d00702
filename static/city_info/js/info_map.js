/* The maps of the city information pages: events, job vacancies, announcements (points, and the
   outlines of the areas they apply to) and markets (labelled with the chosen staple's price).
   The features come with the page (config.features); the list beside the map says the same, so the
   map adds the "where" and nothing depends on it. Texts are put in with textContent only. */
(function () {
  "use strict";
  var Lapor = window.Lapor, el = Lapor.el, config = Lapor.config;
  var strings = config.strings || {};
  var english = Lapor.lang === "en";

  function say(key, params) {
    var text = strings[key] || key;
    Object.keys(params || {}).forEach(function (name) { text = text.split("%(" + name + ")s").join(String(params[name])); });
    return text;
  }

  function localized(p, field) {
    return english && p[field + "_en"] ? p[field + "_en"] : p[field];
  }

  function money(value) {
    return "Rp " + Number(value).toLocaleString(english ? "en-GB" : "id-ID");
  }

  function dateTime(iso) {
    var date = new Date(iso);
    return date.toLocaleString(english ? "en-GB" : "id-ID", {
      weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZone: "Asia/Jakarta",
    });
  }

  // Per kind: the marker's title and the popup's lines.
  var KINDS = {
    events: {
      title: function (p) { return localized(p, "title"); },
      lines: function (p) { return [dateTime(p.starts_at), p.place_name]; },
    },
    jobs: {
      title: function (p) { return localized(p, "position"); },
      lines: function (p) { return [p.employer, say("closes", { date: Lapor.formatDate(p.closes_on) })]; },
    },
    announcements: {
      title: function (p) { return localized(p, "title"); },
      lines: function (p) { return [p.kind_label + " · " + Lapor.formatDate(p.published_on), p.area ? p.area.label : ""]; },
    },
    markets: {
      title: function (p) { return p.name; },
      lines: function (p) {
        var price = p.latest_prices[0];
        return [p.desa ? p.desa.label : "", price ? say("latest_price") + ": " + money(price.price) : say("no_record")];
      },
    },
  };

  // A market with another one just north of it gets its label below the point, so that the two
  // labels of neighbouring markets do not cover each other.
  function labelBelow(feature) {
    var here = feature.geometry.coordinates;
    return config.features.features.some(function (other) {
      var there = other.geometry.coordinates;
      return other !== feature && there[1] > here[1] && there[1] - here[1] < 0.03 && Math.abs(there[0] - here[0]) < 0.04;
    });
  }

  function icon(kind, p, feature) {
    if (kind === "markets") {
      var price = p.latest_prices[0];
      return L.divIcon({
        className: "info-marker price-label" + (labelBelow(feature) ? " below" : ""),
        html: el("span", { text: price ? money(price.price) : "—" }),
        iconSize: null,
        iconAnchor: [0, 0],
      });
    }
    return L.divIcon({ className: "info-marker marker-" + kind, html: "<span></span>", iconSize: [26, 26], iconAnchor: [13, 26], popupAnchor: [0, -24] });
  }

  function popup(kind, feature) {
    var p = feature.properties, spec = KINDS[kind];
    var lines = spec.lines(p).filter(Boolean).map(function (line) { return el("p", { className: "muted", text: line }); });
    var body = [el("h3", { text: spec.title(p) })].concat(lines);
    if (p.is_demo) body.push(el("p", {}, el("span", { className: "badge demo", text: "demo" })));
    if (p.url && !config.detail) body.push(el("p", {}, el("a", { href: p.url, text: say("details") })));
    return el.apply(null, ["div", { className: "popup" }].concat(body));
  }

  window.cityInfoMap = function (map) {
    var kind = config.kind, spec = KINDS[kind];
    var note = document.getElementById("map-note");
    map.options.zoomSnap = 0.25;  // a tall city in a short box: whole zoom levels leave it tiny
    if (config.bounds) map.fitBounds(config.bounds, { animate: false });
    if (config.api && config.api.boundaries) {
      // Without map tiles (offline, or a blocked tile server) the desa outlines still say where things are.
      Promise.all([
        Lapor.boundaryLayer(map, "desa", { color: "#7d948e", weight: 1, dashArray: "3 4", fill: false }),
        Lapor.boundaryLayer(map, "kota", { color: "#0b5d4b", weight: 2.5, fill: true, fillColor: "#0b5d4b", fillOpacity: 0.04 }),
      ]).then(function (layers) {
        layers.forEach(function (layer) { if (layer) layer.bringToBack(); });
        document.body.dataset.outlinesDrawn = String(layers.filter(Boolean).length);
      });
    }
    var shown = 0;
    var layer = L.geoJSON(config.features, {
      pointToLayer: function (feature, latlng) {
        return L.marker(latlng, { icon: icon(kind, feature.properties, feature), title: spec.title(feature.properties), keyboard: true, riseOnHover: true });
      },
      style: function () { return { color: "#b8590b", weight: 2, dashArray: "5 4", fillColor: "#f4b400", fillOpacity: 0.18 }; },
      onEachFeature: function (feature, shape) {
        shown += 1;
        shape.bindPopup(function () { return popup(kind, feature); });
      },
    }).addTo(map);
    var areaStyle = { color: "#b8590b", weight: 2, dashArray: "5 4", fillColor: "#f4b400", fillOpacity: 0.12, interactive: false };
    var area = config.area ? L.geoJSON(config.area, { style: areaStyle }).addTo(map) : null;
    if (shown) {
      var bounds = layer.getBounds();
      if (area) bounds.extend(area.getBounds());
      // Room around the features for the markers and the markets' price labels.
      // (below: the attribution line, and the labels of markets drawn under their point)
      var room = kind === "markets" ? [[56, 48], [56, 84]] : [[28, 32], [28, 40]];
      if (bounds.isValid()) {
        map.fitBounds(bounds, { paddingTopLeft: room[0], paddingBottomRight: room[1], maxZoom: config.detail ? 15 : 14, animate: false });
      }
      if (note) note.textContent = config.detail ? "" : say("shown_on_map", { count: shown });
    } else if (note) {
      note.textContent = say("map_empty");
    }
    window.CityInfo = { map: map, layer: layer };
    document.body.dataset.featuresShown = String(shown);
  };
})();
