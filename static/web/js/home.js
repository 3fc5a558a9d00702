/* The public map: Kota Batu, its boundary, and the reports coloured by status, in clusters. */
(function () {
  "use strict";
  var L10N = window.Lapor, el = L10N.el, t = L10N.t, config = L10N.config;
  var categoryNames = {};
  Array.prototype.forEach.call(document.querySelectorAll("#filter-category option"), function (option) {
    if (option.value) categoryNames[option.value] = option.textContent;
  });

  function marker(feature, latlng) {
    var group = feature.properties.group;
    return L.marker(latlng, {
      icon: L.divIcon({ className: "report-marker " + group, iconSize: [18, 18] }),
      title: (categoryNames[feature.properties.category] || feature.properties.category) + " · " + t("status." + feature.properties.status),
      keyboard: true,
    });
  }

  function popup(feature) {
    var p = feature.properties;
    return el("div", { className: "popup" },
      el("h3", { text: categoryNames[p.category] || p.category }),
      el("p", {}, el("span", { className: "badge " + p.group, text: t("status." + p.status) })),
      el("p", { className: "muted", text: L10N.formatDate(p.created) + " · " + p.code + (p.support ? " · +" + p.support : "") }),
      el("p", {}, el("a", { href: L10N.reportUrl(p.code), text: t("view_report") })));
  }

  window.laporHome = function (map) {
    var form = document.getElementById("filter-form");
    var status = document.getElementById("map-status");
    var summary = document.getElementById("summary");
    if (config.bounds) map.fitBounds(config.bounds, { padding: [8, 8], animate: false });
    map.zoomControl.setPosition("topright");
    map.attributionControl.addAttribution("Batas: BIG/Kemendagri");

    L10N.boundaryLayer(map, "kota", { color: "#0b5d4b", weight: 3, fill: true, fillColor: "#0b5d4b", fillOpacity: 0.04 });
    var desaLayer = null;
    document.getElementById("show-desa").addEventListener("change", function (event) {
      if (event.target.checked) {
        L10N.boundaryLayer(map, "desa", { color: "#4b6b63", weight: 1.5, dashArray: "4 4", fill: false })
          .then(function (layer) { desaLayer = layer; });
      } else if (desaLayer) {
        map.removeLayer(desaLayer);
        desaLayer = null;
      }
    });

    var clusters = L.markerClusterGroup({
      showCoverageOnHover: false,
      maxClusterRadius: 45,
      iconCreateFunction: function (cluster) {
        var count = cluster.getChildCount();
        var size = count < 10 ? 34 : count < 100 ? 42 : 52;
        return L.divIcon({ html: "<span>" + count + "</span>", className: "cluster", iconSize: [size, size] });
      },
    }).addTo(map);
    window.Lapor.reportLayer = clusters;  // for tools and tests that look for one report's marker

    var request = 0;
    function load() {
      var data = new FormData(form);
      var params = new URLSearchParams();
      var groups = data.getAll("status");
      params.set("status", groups.join(","));
      if (data.get("category")) params.set("category", data.get("category"));
      if (data.get("area")) params.set("area", data.get("area"));
      if (data.get("period")) {
        var since = new Date(Date.now() - Number(data.get("period")) * 86400000);
        params.set("since", since.toISOString());
      }
      var mine = ++request;
      status.textContent = t("loading");
      delete document.body.dataset.reportsLoaded;
      if (!groups.length) {
        clusters.clearLayers();
        status.textContent = "";
        summary.textContent = "· " + t("reports_shown", { count: 0 });
        document.body.dataset.reportsLoaded = "0";
        return;
      }
      L10N.api(config.api.map + "?" + params.toString()).then(function (result) {
        if (mine !== request) return;
        if (!result.ok) { status.textContent = t("load_failed"); return; }
        clusters.clearLayers();
        var layer = L.geoJSON(result.body, { pointToLayer: marker, onEachFeature: function (feature, m) {
          m.bindPopup(function () { return popup(feature); });
        } });
        clusters.addLayers(layer.getLayers());
        status.textContent = "";
        summary.textContent = "· " + t("reports_shown", { count: result.body.features.length });
        document.body.dataset.reportsLoaded = String(result.body.features.length);
      }).catch(function () { status.textContent = t("load_failed"); });
    }
    form.addEventListener("change", function (event) { if (event.target.name !== "desa_boundaries") load(); });
    load();
  };
})();
