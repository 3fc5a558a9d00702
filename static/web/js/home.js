/* The public map: Kota Batu, its boundary, and the reports as vector tiles made by the server:
   one marker per report where a tile holds a few hundred at most, else one marker per cell of an
   8 x 8 grid per tile, sized by its count and shaped and coloured by its most common status. It stays
   fast with a million reports.

   A status is never told by colour alone: each group has its own shape (open: circle with "!", in
   progress: diamond with dots, resolved: square with a tick, rejected or duplicate: a cross), the same
   in the legend, the filter, the popups and the badges (the CSS icons in site.css are these shapes at
   r = 7.8 on a 20 px box). Every marker has a tap target of at least 44 px. */
(function () {
  "use strict";
  var Lapor = window.Lapor, el = Lapor.el, t = Lapor.t, config = Lapor.config;
  var GROUPS = ["open", "in_progress", "resolved", "dismissed"];
  // The groups' colours are the stylesheet's (--group-*), so markers, icons and badges agree.
  var rootStyle = getComputedStyle(document.documentElement);
  var COLOURS = {};
  GROUPS.forEach(function (group) {
    COLOURS[group] = rootStyle.getPropertyValue("--group-" + group.replace("_", "-")).trim() || "#3f444b";
  });
  // Shapes in units of the marker's radius, centred on 0,0. Glyphs are white round-capped strokes (a
  // one-point part is a dot).
  var SQRT1_2 = Math.SQRT1_2;
  var CROSS = [[-0.596, 1.048], [0, 0.452], [0.596, 1.048], [1.048, 0.596], [0.452, 0], [1.048, -0.596],
               [0.596, -1.048], [0, -0.452], [-0.596, -1.048], [-1.048, -0.596], [-0.452, 0], [-1.048, 0.596]];
  var OCTAGON = [0, 1, 2, 3, 4, 5, 6, 7].map(function (i) {
    var angle = Math.PI / 8 + i * Math.PI / 4;
    return [1.05 * Math.cos(angle), 1.05 * Math.sin(angle)];
  });
  var MARKERS = {
    open: { shape: "circle", glyph: [[[0, -0.55], [0, 0.08]], [[0, 0.5]]], glyphWidth: 0.28 },
    in_progress: { shape: "diamond", glyph: [[[-0.42, 0]], [[0, 0]], [[0.42, 0]]], glyphWidth: 0.3 },
    resolved: { shape: "square", glyph: [[[-0.5, 0.02], [-0.15, 0.37], [0.52, -0.35]]], glyphWidth: 0.27 },
    dismissed: { shape: "cross", glyph: [], glyphWidth: 0 },
  };
  // Grid cells carry a number instead of a glyph; the cross has no room for one, so a cell of mostly
  // rejected or duplicate reports is an octagon.
  var CELL_SHAPES = { open: "circle", in_progress: "diamond", resolved: "square", dismissed: "octagon" };
  var MIN_TARGET = 22;  // radius of the invisible tap target: 44 px across

  function n(value) { return Math.round(value * 100) / 100; }

  function polygon(points, x, y, r) {
    return "M" + points.map(function (p) { return n(x + p[0] * r) + " " + n(y + p[1] * r); }).join("L") + "Z";
  }

  function shapePath(shape, x, y, r) {
    if (shape === "diamond") return polygon([[0, -1.15], [1.15, 0], [0, 1.15], [-1.15, 0]], x, y, r);
    if (shape === "square") {
      var h = 0.93 * r, c = 0.18 * r;
      return "M" + n(x - h + c) + " " + n(y - h) + "H" + n(x + h - c) + "Q" + n(x + h) + " " + n(y - h) + " " + n(x + h) + " " + n(y - h + c) +
        "V" + n(y + h - c) + "Q" + n(x + h) + " " + n(y + h) + " " + n(x + h - c) + " " + n(y + h) +
        "H" + n(x - h + c) + "Q" + n(x - h) + " " + n(y + h) + " " + n(x - h) + " " + n(y + h - c) +
        "V" + n(y - h + c) + "Q" + n(x - h) + " " + n(y - h) + " " + n(x - h + c) + " " + n(y - h) + "Z";
    }
    if (shape === "cross") return polygon(CROSS, x, y, r);
    if (shape === "octagon") return polygon(OCTAGON, x, y, r);
    return "M" + n(x - r) + " " + n(y) + "a" + n(r) + " " + n(r) + " 0 1 0 " + n(2 * r) + " 0a" + n(r) + " " + n(r) + " 0 1 0 " + n(-2 * r) + " 0Z";
  }

  function glyphPath(parts, x, y, r) {
    return parts.map(function (part) {
      var d = "M" + n(x + part[0][0] * r) + " " + n(y + part[0][1] * r);
      if (part.length === 1) return d + "h0.01";
      return d + part.slice(1).map(function (p) { return "L" + n(x + p[0] * r) + " " + n(y + p[1] * r); }).join("");
    }).join("");
  }

  var compact = null;
  try { compact = new Intl.NumberFormat(Lapor.lang === "en" ? "en-GB" : "id-ID", { notation: "compact", maximumFractionDigits: 1 }); }
  catch (e) { compact = null; }
  function shortCount(count) { return compact ? compact.format(count) : String(count); }

  // Draws each report point of a tile as a group: the tap target, the shape, and the glyph (or the
  // cell's count). The group is what Leaflet treats as the feature's element, so a tap anywhere on
  // it opens the popup.
  var ReportRenderer = L.SVG.Tile.extend({
    _initPath: function (layer) {
      var options = layer.options;
      var group = layer._path = L.SVG.create("g");
      group.setAttribute("class", "report-marker " + (options.className || ""));
      if (options.interactive) L.DomUtil.addClass(group, "leaflet-interactive");
      Object.keys(options.data || {}).forEach(function (name) { group.setAttribute("data-" + name, options.data[name]); });
      layer._hit = L.SVG.create("circle");
      layer._hit.setAttribute("class", "report-hit");
      layer._shape = L.SVG.create("path");
      layer._shape.setAttribute("class", "report-shape");
      layer._glyph = L.SVG.create(options.label ? "text" : "path");
      layer._glyph.setAttribute("class", options.label ? "report-count" : "report-glyph");
      if (options.label) layer._glyph.textContent = options.label;
      group.appendChild(layer._hit);
      group.appendChild(layer._shape);
      group.appendChild(layer._glyph);
      this._updateStyle(layer);
      this._layers[L.stamp(layer)] = layer;
    },

    _updateStyle: function (layer) {
      if (!layer._shape) return;
      var options = layer.options;
      layer._hit.setAttribute("fill", "transparent");
      layer._shape.setAttribute("fill", options.fillColor);
      layer._shape.setAttribute("stroke", options.color);
      layer._shape.setAttribute("stroke-width", options.weight);
      layer._shape.setAttribute("stroke-linejoin", "round");
      if (options.label) {
        layer._glyph.setAttribute("fill", "#ffffff");
        layer._glyph.setAttribute("text-anchor", "middle");
        layer._glyph.setAttribute("dominant-baseline", "central");
        layer._glyph.setAttribute("font-size", options.fontSize);
        layer._glyph.setAttribute("font-weight", "700");
      } else {
        layer._glyph.setAttribute("fill", "none");
        layer._glyph.setAttribute("stroke", "#ffffff");
        layer._glyph.setAttribute("stroke-width", options.glyphWidth);
        layer._glyph.setAttribute("stroke-linecap", "round");
        layer._glyph.setAttribute("stroke-linejoin", "round");
      }
    },

    _updateCircle: function (layer) {
      if (!layer._shape) return;
      var p = layer._point, r = layer._radius, options = layer.options;
      layer._path.setAttribute("data-radius", r);
      layer._hit.setAttribute("cx", n(p.x));
      layer._hit.setAttribute("cy", n(p.y));
      layer._hit.setAttribute("r", Math.max(MIN_TARGET, r * 1.15 + 2));
      layer._shape.setAttribute("d", shapePath(options.shape, p.x, p.y, r));
      if (options.label) {
        layer._glyph.setAttribute("x", n(p.x));
        layer._glyph.setAttribute("y", n(p.y));
      } else {
        layer._glyph.setAttribute("d", glyphPath(options.glyph, p.x, p.y, r));
      }
    },
  });

  function reportRenderer(coords, size, options) { return new ReportRenderer(coords, size, options); }

  // Report tiles fetched here rather than by VectorGrid, which leaves a failed request as an unhandled
  // rejection and a tile that never loads: a failure becomes an empty tile and a "tilefailed" event.
  // The tiles are decoded by the basemap's MVT reader (static/maps/js/basemap.js).
  var ReportTiles = L.VectorGrid.Protobuf.extend({
    _getVectorTilePromise: function (coords) {
      var layer = this;
      var url = L.Util.template(this._url, L.extend({ x: coords.x, y: coords.y, z: coords.z }, this.options));
      return fetch(url, { credentials: "same-origin" }).then(function (response) {
        if (!response.ok) throw new Error("report tile " + response.status);
        return response.arrayBuffer();
      }).then(function (buffer) {
        var decoded = window.LaporBasemap.decode(buffer), layers = {};
        Object.keys(decoded).forEach(function (name) {
          layers[name] = {
            extent: decoded[name].extent,
            features: decoded[name].features.map(function (f) {
              return { type: f.type, properties: f.properties, geometry: f.parts.map(function (part) {
                return part.map(function (q) { return { x: q[0], y: q[1] }; });
              }) };
            }),
          };
        });
        return { layers: layers };
      }).catch(function (error) {
        layer.fire("tilefailed", { coords: coords, error: error });
        return { layers: {} };
      });
    },
  });

  var categoryNames = {};
  Array.prototype.forEach.call(document.querySelectorAll("#filter-category option"), function (option) {
    if (option.value) categoryNames[option.value] = option.textContent;
  });
  Lapor.renderedReports = {};  // tracking code → status group of the reports drawn (for tools and tests)

  function statusIcon(group) {
    return el("span", { className: "status-icon " + group, "aria-hidden": "true" });
  }

  function reportPopup(p) {
    var group = MARKERS[p.group] ? p.group : "open";
    return el("div", { className: "popup" },
      el("h3", { text: categoryNames[p.category] || p.category }),
      el("p", {}, el("span", { className: "badge " + group, text: t("groups." + group) })),
      el("p", { className: "muted", text: p.code }),
      el("p", {}, el("a", { href: Lapor.reportUrl(p.code), text: t("view_report") })));
  }

  function cellPopup(p, latlng, map) {
    var lines = GROUPS.filter(function (g) { return p[g]; }).map(function (g) {
      return el("li", {}, statusIcon(g), " " + t("groups." + g) + ": " + p[g]);
    });
    return el("div", { className: "popup" },
      el("h3", { text: t("reports_here", { count: p.count }) }),
      el.apply(null, ["ul", { className: "popup-counts" }].concat(lines)),
      el("p", {}, el("button", { type: "button", className: "button small", text: t("zoom_in"), onclick: function () {
        map.closePopup();
        map.setView(latlng, Math.min(map.getZoom() + 2, 17));
      } })));
  }

  function style(properties) {
    var group = MARKERS[properties.group] ? properties.group : "open";
    if (properties.count) {
      var radius = Math.min(24, 13 + 3 * Math.log2(properties.count));
      var label = shortCount(properties.count);
      return { radius: radius, shape: CELL_SHAPES[group], fillColor: COLOURS[group], color: "#ffffff", weight: 2.5,
               label: label, fontSize: label.length > 3 ? 11 : 13, className: "cell " + group,
               data: { group: group, count: properties.count } };
    }
    Lapor.renderedReports[properties.code] = group;
    var marker = MARKERS[group];
    // Above 10 px: Leaflet takes a circle of 10 px or less for a marker with a position of its own,
    // which tile features lack.
    return { radius: 10.5, shape: marker.shape, glyph: marker.glyph, glyphWidth: marker.glyphWidth * 10.5,
             fillColor: COLOURS[group], color: "#ffffff", weight: 2.5, className: "report " + group,
             data: { group: group, code: properties.code } };
  }

  window.laporHome = function (map) {
    var form = document.getElementById("filter-form");
    var status = document.getElementById("map-status");
    var summary = document.getElementById("summary");
    var mapElement = map.getContainer();
    if (config.bounds) map.fitBounds(config.bounds, { padding: [8, 8], animate: false });
    map.zoomControl.setPosition("topright");

    function quietly(promise) { return promise.catch(function () { return null; }); }  // the map works without outlines
    quietly(Lapor.boundaryLayer(map, "kota", { color: "#0b5d4b", weight: 3, fill: true, fillColor: "#0b5d4b", fillOpacity: 0.04 }));
    var desaLayer = null;
    document.getElementById("show-desa").addEventListener("change", function (event) {
      if (event.target.checked) {
        quietly(Lapor.boundaryLayer(map, "desa", { color: "#4b6b63", weight: 1.5, dashArray: "4 4", fill: false }))
          .then(function (layer) { if (layer) desaLayer = layer; });
      } else if (desaLayer) {
        map.removeLayer(desaLayer);
        desaLayer = null;
      }
    });

    function showLoading() {
      status.textContent = "";
      status.className = "map-panel map-status loading";
      status.appendChild(el("span", { className: "spinner", "aria-hidden": "true" }));
      status.appendChild(document.createTextNode(t("loading")));
      summary.textContent = "· " + t("loading");
      mapElement.setAttribute("aria-busy", "true");
    }

    function showFailure() {
      status.textContent = "";
      status.className = "map-panel map-status failed";
      status.appendChild(el("span", { text: t("load_failed") }));
      status.appendChild(el("button", { type: "button", className: "button small secondary", text: t("try_again"), onclick: draw }));
      summary.textContent = "";
      mapElement.removeAttribute("aria-busy");
      document.body.dataset.mapFailed = "1";
    }

    function showCount(count) {
      status.textContent = "";
      status.className = "map-panel map-status";
      summary.textContent = "· " + t("reports_shown", { count: count });
      mapElement.removeAttribute("aria-busy");
      document.body.dataset.reportsLoaded = String(count);
    }

    var reports = null, request = 0;
    function filters() {
      var data = new FormData(form), params = new URLSearchParams();
      var groups = data.getAll("status");
      params.set("status", groups.length ? groups.join(",") : "none");
      if (data.get("category")) params.set("category", data.get("category"));
      if (data.get("area")) params.set("area", data.get("area"));
      if (data.get("period")) {
        // Whole hours, so the tile URLs (and the browser's cache of them) stay the same for a while.
        var since = new Date(Math.floor((Date.now() - Number(data.get("period")) * 86400000) / 3600000) * 3600000);
        params.set("since", since.toISOString());
      }
      return params;
    }

    // The count and the first tiles of a choice arrive separately: "loading" until both have, then
    // the count, or the failure with a way to try again. Later tiles (panning) fail the same way.
    function draw() {
      var params = filters();
      var groups = new FormData(form).getAll("status");
      var mine = ++request;
      var state = { count: null, tiles: false, failed: false };
      delete document.body.dataset.reportsLoaded;
      delete document.body.dataset.tilesLoaded;
      delete document.body.dataset.mapFailed;
      if (reports) map.removeLayer(reports);
      reports = null;
      Lapor.renderedReports = {};
      if (!groups.length) {
        showCount(0);
        return;
      }
      function settle() {
        if (mine !== request) return;
        if (state.failed) showFailure();
        else if (state.count !== null && state.tiles) showCount(state.count);
      }
      showLoading();
      reports = new ReportTiles(config.api.tiles + "?" + params.toString(), {
        rendererFactory: reportRenderer,
        interactive: true,
        maxNativeZoom: 20,
        vectorTileLayerStyles: { reports: style },
      }).on("click", function (event) {
        // Features drawn on tiles carry no position of their own: take the click's.
        var latlng = event.latlng || map.mouseEventToLatLng(event.originalEvent);
        var p = event.layer.properties;
        var content = p.code ? reportPopup(p) : cellPopup(p, latlng, map);
        // Opened clear of the filter bar and the zoom buttons, which lie over the map's top.
        L.popup({ autoPanPaddingTopLeft: [12, 76], autoPanPaddingBottomRight: [12, 12] })
          .setLatLng(latlng).setContent(content).openOn(map);
      }).on("tilefailed", function () {
        state.failed = true;
        settle();
      }).on("load", function () {
        document.body.dataset.tilesLoaded = String(Date.now());
        state.tiles = true;
        settle();
      }).addTo(map);
      Lapor.api(config.api.count + "?" + params.toString()).then(function (result) {
        if (result.ok) state.count = result.body.count;
        else state.failed = true;
        settle();
      }).catch(function () {
        state.failed = true;
        settle();
      });
    }
    form.addEventListener("change", function (event) { if (event.target.name !== "desa_boundaries") draw(); });
    draw();
  };
})();
