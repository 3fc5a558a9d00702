/* The staff form's place: a tap on the map fills the longitude and latitude fields, and typing in them
   moves the pin. The fields are the form's real input, so the form works without the map too. */
(function () {
  "use strict";
  var Lapor = window.Lapor, config = Lapor.config;
  var lonInput = document.getElementById("id_location_0");
  var latInput = document.getElementById("id_location_1");
  if (!lonInput || !latInput) return;

  window.cityInfoPlace = function (map) {
    var marker = null;
    map.options.zoomSnap = 0.25;
    if (config.bounds) map.fitBounds(config.bounds, { animate: false });
    // The desa outlines help to find the spot when the map tiles do not load.
    Promise.all([
      Lapor.boundaryLayer(map, "desa", { color: "#7d948e", weight: 1, dashArray: "3 4", fill: false }),
      Lapor.boundaryLayer(map, "kota", { color: "#0b5d4b", weight: 2.5, fill: false }),
    ]).then(function (layers) { document.body.dataset.outlinesDrawn = String(layers.filter(Boolean).length); });

    function current() {
      var lon = parseFloat(lonInput.value), lat = parseFloat(latInput.value);
      return isFinite(lon) && isFinite(lat) ? L.latLng(lat, lon) : null;
    }
    function show(latlng, centre) {
      if (!latlng) { if (marker) { map.removeLayer(marker); marker = null; } return; }
      if (!marker) {
        marker = L.marker(latlng, { icon: Lapor.pinIcon(), title: (config.strings || {}).pin || "", keyboard: false }).addTo(map);
      } else {
        marker.setLatLng(latlng);
      }
      if (centre) map.setView(latlng, Math.max(map.getZoom(), 15), { animate: false });
    }
    map.on("click", function (event) {
      lonInput.value = event.latlng.lng.toFixed(6);
      latInput.value = event.latlng.lat.toFixed(6);
      show(event.latlng, false);
    });
    [lonInput, latInput].forEach(function (input) {
      input.addEventListener("change", function () { show(current(), true); });
    });
    var clear = document.getElementById("clear-place");
    if (clear) clear.addEventListener("click", function () { lonInput.value = ""; latInput.value = ""; show(null); });
    show(current(), true);
    window.CityInfoPlace = { map: map, marker: function () { return marker; } };
  };
})();
