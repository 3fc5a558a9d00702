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

  if (config.token && Lapor.push) Lapor.push.offer(document.getElementById("push-offer"), { report: { id: report.id, token: config.token } });

  // The reporter's token goes in a header, never in an address (it would be in logs and Referers).
  function asReporter(payload) {
    return { method: "POST", json: payload, headers: { "X-Reporter-Token": config.token } };
  }

  function reporterAction(payload, errorId, doneKey) {
    // An earlier error goes as soon as the citizen tries again, and for good once it worked.
    Array.prototype.forEach.call(document.querySelectorAll("#reporter-actions .field-error"), function (slot) { slot.textContent = ""; });
    return Lapor.api(config.api.reports + report.id + "/reporter/", asReporter(payload)).then(function (result) {
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
    }, function () { document.getElementById(errorId).textContent = t("load_failed_short"); });
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

  // "Erase my contact details" (templates/web/_erase_contact.html): asked once more, then done in place.
  var eraseStart = document.getElementById("erase-contact-start");
  if (eraseStart) {
    var erasePanel = document.getElementById("erase-contact-confirm");
    var eraseYes = document.getElementById("erase-contact-yes");
    var eraseError = document.getElementById("error-erase");
    var showPanel = function (open) {
      erasePanel.hidden = !open;
      eraseStart.setAttribute("aria-expanded", String(open));
      (open ? eraseYes : eraseStart).focus();
    };
    eraseStart.addEventListener("click", function () { showPanel(true); });
    document.getElementById("erase-contact-cancel").addEventListener("click", function () { showPanel(false); });
    eraseYes.addEventListener("click", function () {
      eraseYes.disabled = true;
      eraseError.textContent = "";
      var failed = function (body) {
        eraseYes.disabled = false;
        eraseError.textContent = (body && body.detail) || t("load_failed");
      };
      Lapor.api(config.api.reports + report.id + "/reporter/", asReporter({ action: "erase_contact" }))
        .then(function (result) {
          if (!result.ok) { failed(result.body); return; }
          var done = document.getElementById("erase-contact-done");
          document.getElementById("erase-contact-ask").hidden = true;
          done.textContent = done.getAttribute("data-done");
          done.setAttribute("tabindex", "-1");
          done.focus();
        }, function () { failed(null); });
    });
  }
})();
