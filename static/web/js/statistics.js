/* The statistics page: desa coloured by a chosen measure, monthly figures, repeat failures. */
(function () {
  "use strict";
  var Lapor = window.Lapor, el = Lapor.el, t = Lapor.t, config = Lapor.config;
  var since = config.since ? "&since=" + encodeURIComponent(config.since) : "";
  var PALETTE = ["#edf8e9", "#bae4b3", "#74c476", "#31a354", "#006d2c"];
  var BETTER_LOW = { median_resolution_hours: true };

  function format(measure, value) {
    if (value === null || value === undefined) return "—";
    if (measure === "on_time_share") return Math.round(value * 100) + "%";
    return String(value);
  }

  function classes(values) {
    var sorted = values.filter(function (v) { return v !== null && v !== undefined; }).sort(function (a, b) { return a - b; });
    if (!sorted.length) return [];
    return [0.2, 0.4, 0.6, 0.8].map(function (q) { return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]; });
  }

  var statsMap = null, hotspotLayer = null;

  window.laporStatsMap = function (map) {
    statsMap = map;
    if (config.bounds) map.fitBounds(config.bounds, { animate: false });
    var measureSelect = document.getElementById("measure");
    var legend = document.getElementById("choropleth-legend");
    var byDesa = {}, layer = null, clusterLayer = null;

    Promise.all([
      Lapor.api(config.api.stats + "?group=desa" + since),
      Lapor.api(config.api.boundaries + "?kind=desa"),
    ]).then(function (results) {
      if (!results[0].ok || !results[1].ok) return;
      results[0].body.rows.forEach(function (row) { byDesa[row.key] = row; });
      layer = L.geoJSON(results[1].body, { style: style, onEachFeature: function (feature, shape) {
        shape.bindPopup(function () { return popup(feature); });
      } }).addTo(map);
      paint();
      document.body.dataset.statsLoaded = "true";
    });

    var breaks = [];
    function colour(value) {
      if (value === null || value === undefined) return "#d5dcda";
      var index = breaks.filter(function (b) { return value > b; }).length;
      if (BETTER_LOW[measureSelect.value]) index = PALETTE.length - 1 - index;
      return PALETTE[Math.max(0, Math.min(PALETTE.length - 1, index))];
    }
    function value(feature) {
      var row = byDesa[feature.properties.code];
      return row ? row[measureSelect.value] : (measureSelect.value === "received" ? 0 : null);
    }
    function style(feature) {
      return { color: "#33413e", weight: 1, fillOpacity: 0.75, fillColor: colour(value(feature)) };
    }
    function popup(feature) {
      var row = byDesa[feature.properties.code] || {};
      return el("div", { className: "popup" },
        el("h3", { text: feature.properties.name }),
        el("p", { text: measureSelect.options[measureSelect.selectedIndex].text + ": " + format(measureSelect.value, value(feature)) }),
        el("p", { className: "muted", text: (row.received || 0) + " / " + (row.resolved || 0) }));
    }
    function paint() {
      var values = Object.keys(byDesa).map(function (code) { return byDesa[code][measureSelect.value]; });
      if (measureSelect.value === "received") {
        layer.eachLayer(function (shape) { if (!byDesa[shape.feature.properties.code]) values.push(0); });
      }
      breaks = classes(values);
      layer.setStyle(style);
      legend.textContent = "";
      var low = breaks.length ? Math.min.apply(null, values.filter(function (v) { return v !== null; })) : null;
      [low].concat(breaks).forEach(function (from, index) {
        var swatchIndex = BETTER_LOW[measureSelect.value] ? PALETTE.length - 1 - index : index;
        legend.appendChild(el("span", { className: "legend-step" },
          el("span", { className: "swatch", style: "background:" + PALETTE[swatchIndex] }),
          "≥ " + format(measureSelect.value, from === null ? 0 : Math.round(from * 100) / 100)));
      });
    }
    measureSelect.addEventListener("change", function () { if (layer) paint(); });

    document.getElementById("show-clusters").addEventListener("change", function (event) {
      if (!event.target.checked) { if (clusterLayer) map.removeLayer(clusterLayer); return; }
      Lapor.api(config.api.clusters + "?eps_m=150&min_points=4" + since).then(function (result) {
        if (!result.ok) return;
        clusterLayer = L.geoJSON(result.body, {
          style: { color: "#c92a2a", weight: 2, fillOpacity: 0.15 },
          onEachFeature: function (feature, shape) { shape.bindTooltip(t("cluster_reports", { count: feature.properties.reports })); },
        }).addTo(map);
      });
    });
  };

  Lapor.api(config.api.stats + "?group=month" + since).then(function (result) {
    if (!result.ok || !window.Chart) return;
    var rows = result.body.rows;
    new window.Chart(document.getElementById("months-chart"), {
      type: "bar",
      data: {
        labels: rows.map(function (r) { return r.label; }),  // the month in words, in the page's language
        datasets: [
          { label: t("received"), data: rows.map(function (r) { return r.received; }), backgroundColor: "#0b5d4b" },
          { label: t("resolved_label"), data: rows.map(function (r) { return r.resolved; }), backgroundColor: "#f4b400" },
        ],
      },
      options: { responsive: true, animation: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
    document.body.dataset.chartDrawn = String(rows.length);
  });

  Lapor.api(config.api.asset_hotspots + "?months=12&min=2").then(function (result) {
    var list = document.getElementById("hotspots");
    if (!result.ok) return;
    if (!result.body.features.length) { list.appendChild(el("li", { className: "muted", text: t("no_hotspots") })); return; }
    result.body.features.slice(0, 12).forEach(function (feature) {
      var p = feature.properties;
      list.appendChild(el("li", { "data-asset": p.external_id },
        el("a", { href: "#map", "data-layer": p.layer, text: Lapor.lang === "en" ? p.summary_en : p.summary,
                  onclick: function (event) { event.preventDefault(); showHotspot(feature); } }),
        p.synthetic ? el("span", { className: "badge synthetic", text: " demo" }) : null));
    });
  });

  // A repeat failure's reports on the map: the asset, and each report linking to its page.
  function showHotspot(feature) {
    var p = feature.properties;
    var status = document.getElementById("hotspot-status");
    if (!statsMap) return;
    var since = new Date(Date.now() - 30.44 * p.months * 86400000).toISOString();
    var url = config.api.map + "?asset=" + encodeURIComponent(p.layer + ":" + p.external_id) + "&since=" + encodeURIComponent(since);
    Lapor.api(url).then(function (result) {
      if (!result.ok) { status.textContent = t("load_failed"); return; }
      if (hotspotLayer) statsMap.removeLayer(hotspotLayer);
      hotspotLayer = L.featureGroup([
        L.geoJSON(feature, { interactive: false, style: { color: "#a61e4d", weight: 6, dashArray: "10 6" },
                             pointToLayer: function (f, latlng) { return L.circleMarker(latlng, { radius: 9, color: "#a61e4d", weight: 4 }); } }),
        L.geoJSON(result.body, { pointToLayer: function (f, latlng) {
          return L.circleMarker(latlng, { radius: 8, color: "#fff", weight: 2, fillColor: "#c92a2a", fillOpacity: 1 })
            .bindPopup(function () {
              return el("div", { className: "popup" },
                el("h3", { text: f.properties.code }),
                el("p", { text: t("status." + f.properties.status) + " · " + Lapor.formatDate(f.properties.created) }),
                el("a", { href: Lapor.reportUrl(f.properties.code), text: t("view_report") }));
            });
        } }),
      ]).addTo(statsMap);
      statsMap.fitBounds(hotspotLayer.getBounds(), { maxZoom: 17, padding: [30, 30], animate: false });
      status.textContent = "";
      status.appendChild(document.createTextNode((Lapor.lang === "en" ? p.summary_en : p.summary) + ": "));
      result.body.features.forEach(function (f, index) {
        if (index) status.appendChild(document.createTextNode(", "));
        status.appendChild(el("a", { href: Lapor.reportUrl(f.properties.code), text: f.properties.code }));
      });
      document.getElementById("map").scrollIntoView({ block: "center" });
      document.body.dataset.hotspotShown = p.external_id;
    });
  }

  // Choosing a period shows it at once (the page's policy allows no inline event handlers).
  var period = document.getElementById("period");
  if (period) period.addEventListener("change", function () { period.form.submit(); });
})();
