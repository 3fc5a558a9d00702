/* A report's page: its place on a small map, "+1", and the reporter's own actions. */
(function () {
  "use strict";
  var Lapor = window.Lapor, t = Lapor.t, config = Lapor.config;
  var report = config.report;

  window.laporReportPage = function (map) {
    var layer = L.geoJSON(report.geometry, {
      style: { color: "#c92a2a", weight: 5 },
      pointToLayer: function (feature, latlng) { return L.marker(latlng, { icon: Lapor.pinIcon(), title: t("pin_here"), alt: t("pin_here") }); },
    }).addTo(map);
    Lapor.assetHighlight(map, report.asset);
    map.fitBounds(layer.getBounds(), { maxZoom: 17, padding: [20, 20], animate: false });
  };

  var plusOne = document.getElementById("plus-one");
  if (plusOne) {
    plusOne.addEventListener("click", function () {
      plusOne.disabled = true;
      Lapor.api(config.api.reports + report.id + "/support/", { method: "POST", json: { device_id: Lapor.deviceId() } })
        .then(function (result) {
          if (!result.ok) { plusOne.disabled = false; return; }
          document.getElementById("support-count").textContent = result.body.support_count;
          plusOne.textContent = t(result.body.counted ? "plus_one_done" : "plus_one_again");
        });
    });
  }

  function reporterAction(payload, errorId, doneKey) {
    payload.token = config.token;
    return Lapor.api(config.api.reports + report.id + "/reporter/", { method: "POST", json: payload }).then(function (result) {
      if (!result.ok) {
        var errors = (result.body && result.body.errors) || {};
        var first = errors[Object.keys(errors)[0]] || [result.body && result.body.detail];
        document.getElementById(errorId).textContent = [].concat(first)[0] || t("load_failed");
        return;
      }
      var message = document.getElementById("reporter-message");
      message.hidden = false;
      message.textContent = t(doneKey);
      setTimeout(function () { location.reload(); }, 1200);
    });
  }

  var confirm = document.getElementById("confirm-fix");
  if (confirm) confirm.addEventListener("click", function () { reporterAction({ action: "confirm" }, "error-reopen", "confirmed"); });
  var reopen = document.getElementById("reopen-form");
  if (reopen) reopen.addEventListener("submit", function (event) {
    event.preventDefault();
    reporterAction({ action: "reopen", message: document.getElementById("reopen-message").value }, "error-reopen", "reopened");
  });
  var rate = document.getElementById("rate-form");
  if (rate) rate.addEventListener("submit", function (event) {
    event.preventDefault();
    var checked = rate.querySelector("input[name=rating]:checked");
    reporterAction({ action: "rate", rating: checked ? Number(checked.value) : undefined }, "error-rating", "rated");
  });
})();
