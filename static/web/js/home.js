/* The public map: Kota Batu, its boundary, and the reports as vector tiles made by the server:
   one circle per report where a tile holds a few hundred at most, else one circle per cell of an
   8 x 8 grid per tile, sized by its count and coloured by its most common status. It stays fast
   with a million reports. */
(function () {
  "use strict";
  var Lapor = window.Lapor, el = Lapor.el, t = Lapor.t, config = Lapor.config;
  var COLOURS = { open: "#c92a2a", in_progress: "#d9480f", resolved: "#2b8a3e", dismissed: "#6b7374" };
  var categoryNames = {};
  Array.prototype.forEach.call(document.querySelectorAll("#filter-category option"), function (option) {
    if (option.value) categoryNames[option.value] = option.textContent;
  });
  Lapor.renderedReports = {};  // tracking code → status group of the reports drawn (for tools and tests)

  function reportPopup(p) {
    return el("div", { className: "popup" },
      el("h3", { text: categoryNames[p.category] || p.category }),
      el("p", {}, el("span", { className: "badge " + p.group, text: t("groups." + p.group) })),
      el("p", { className: "muted", text: p.code }),
      el("p", {}, el("a", { href: Lapor.reportUrl(p.code), text: t("view_report") })));
  }

  function cellPopup(p, latlng, map) {
    var lines = ["open", "in_progress", "resolved", "dismissed"].filter(function (g) { return p[g]; }).map(function (g) {
      return el("li", {}, el("span", { className: "dot " + g, "aria-hidden": "true" }), " " + t("groups." + g) + ": " + p[g]);
    });
    return el("div", { className: "popup" },
      el("h3", { text: t("reports_here", { count: p.count }) }),
      el("ul", { className: "popup-counts" }, lines),
      el("p", {}, el("button", { type: "button", className: "button small", text: t("zoom_in"), onclick: function () {
        map.closePopup();
        map.setView(latlng, Math.min(map.getZoom() + 2, 17));
      } })));
  }

  // Radii above 10 px also keep Leaflet from treating a tile's circle as a marker with a position of
  // its own (which tile features lack), and make targets a finger can hit.
  function style(properties) {
    var colour = COLOURS[properties.group] || COLOURS.open;
    if (properties.count) {
      return { radius: Math.min(24, 12 + 3 * Math.log2(properties.count)), fill: true, fillColor: colour,
               fillOpacity: 0.85, color: "#ffffff", weight: 2 };
    }
    Lapor.renderedReports[properties.code] = properties.group;
    return { radius: 11, fill: true, fillColor: colour, fillOpacity: 1, color: "#ffffff", weight: 3 };
  }

  window.laporHome = function (map) {
    var form = document.getElementById("filter-form");
    var status = document.getElementById("map-status");
    var summary = document.getElementById("summary");
    if (config.bounds) map.fitBounds(config.bounds, { padding: [8, 8], animate: false });
    map.zoomControl.setPosition("topright");

    Lapor.boundaryLayer(map, "kota", { color: "#0b5d4b", weight: 3, fill: true, fillColor: "#0b5d4b", fillOpacity: 0.04 });
    var desaLayer = null;
    document.getElementById("show-desa").addEventListener("change", function (event) {
      if (event.target.checked) {
        Lapor.boundaryLayer(map, "desa", { color: "#4b6b63", weight: 1.5, dashArray: "4 4", fill: false })
          .then(function (layer) { desaLayer = layer; });
      } else if (desaLayer) {
        map.removeLayer(desaLayer);
        desaLayer = null;
      }
    });

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

    function draw() {
      var params = filters();
      var groups = new FormData(form).getAll("status");
      var mine = ++request;
      delete document.body.dataset.reportsLoaded;
      delete document.body.dataset.tilesLoaded;
      if (reports) map.removeLayer(reports);
      reports = null;
      Lapor.renderedReports = {};
      if (!groups.length) {
        summary.textContent = "· " + t("reports_shown", { count: 0 });
        document.body.dataset.reportsLoaded = "0";
        return;
      }
      reports = L.vectorGrid.protobuf(config.api.tiles + "?" + params.toString(), {
        rendererFactory: L.svg.tile,
        interactive: true,
        maxNativeZoom: 20,
        vectorTileLayerStyles: { reports: style },
      }).on("click", function (event) {
        // Features drawn on tiles carry no position of their own: take the click's.
        var latlng = event.latlng || map.mouseEventToLatLng(event.originalEvent);
        var p = event.layer.properties;
        var content = p.code ? reportPopup(p) : cellPopup(p, latlng, map);
        L.popup().setLatLng(latlng).setContent(content).openOn(map);
      }).on("load", function () { document.body.dataset.tilesLoaded = String(Date.now()); })
        .addTo(map);
      status.textContent = t("loading");
      Lapor.api(config.api.count + "?" + params.toString()).then(function (result) {
        if (mine !== request) return;
        if (!result.ok) { status.textContent = t("load_failed"); return; }
        status.textContent = "";
        summary.textContent = "· " + t("reports_shown", { count: result.body.count });
        document.body.dataset.reportsLoaded = String(result.body.count);
      }).catch(function () { status.textContent = t("load_failed"); });
    }
    form.addEventListener("change", function (event) { if (event.target.name !== "desa_boundaries") draw(); });
    draw();
  };
})();
