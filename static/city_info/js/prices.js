/* The food prices page: the chosen staple's price per market over the last 30 days (Chart.js, from the
   app's own static files). The same figures are in the table under the chart. */
(function () {
  "use strict";
  var Lapor = window.Lapor, config = Lapor.config, trend = config.trend;
  var english = Lapor.lang === "en";
  var locale = english ? "en-GB" : "id-ID";
  // Distinct for colour-blind readers too (Okabe-Ito), with the site's green first.
  var COLOURS = ["#0b5d4b", "#d55e00", "#0072b2", "#cc79a7", "#e69f00", "#56b4e9"];
  var canvas = document.getElementById("trend-chart");
  if (!trend || !canvas || !window.Chart) return;

  function money(value) { return "Rp " + Number(value).toLocaleString(locale); }

  var labels = trend.labels.map(function (iso) {
    return new Date(iso + "T00:00:00+07:00").toLocaleDateString(locale, { day: "numeric", month: "short", timeZone: "Asia/Jakarta" });
  });
  var unit = (config.strings.price_axis || "%(unit)s").split("%(unit)s").join(config.unit);
  new window.Chart(canvas, {
    type: "line",
    data: {
      labels: labels,
      datasets: trend.series.map(function (series, index) {
        var colour = COLOURS[index % COLOURS.length];
        return {
          label: series.market, data: series.data, borderColor: colour, backgroundColor: colour,
          spanGaps: true, tension: 0.25, pointRadius: 2, borderWidth: 2.5,
          borderDash: index === 2 ? [6, 4] : undefined,
        };
      }),
    },
    options: {
      responsive: true, maintainAspectRatio: false, animation: false,
      interaction: { mode: "index", intersect: false },
      plugins: {
        legend: { position: "bottom", labels: { boxWidth: 14, color: "#1c2526" } },
        tooltip: { callbacks: { label: function (ctx) { return ctx.dataset.label + ": " + money(ctx.parsed.y); } } },
      },
      scales: {
        x: { ticks: { maxTicksLimit: canvas.parentNode.clientWidth < 420 ? 4 : 8, color: "#55605f", maxRotation: 0 }, grid: { display: false } },
        y: { title: { display: true, text: unit, color: "#55605f" }, ticks: { color: "#55605f", callback: function (v) { return Number(v).toLocaleString(locale); } } },
      },
    },
  });
  document.body.dataset.chartDrawn = String(trend.series.length);
})();
