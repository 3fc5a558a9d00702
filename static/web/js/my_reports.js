/* "Laporan saya": the reports this phone sent (kept on the phone by outbox.js), each with its current
   status from the server (or, offline, as last seen, with its time), its page and its private link;
   and those still waiting for a signal, which go by themselves. */
(function () {
  "use strict";
  var Lapor = window.Lapor, el = Lapor.el, t = Lapor.t, config = Lapor.config;

  function when(ms) {
    return new Date(ms).toLocaleString(Lapor.lang === "en" ? "en-GB" : "id-ID", {
      day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZone: "Asia/Jakarta",
    });
  }

  function badge(status) {
    var group = config.groups[status] || "open";
    return el("span", { className: "badge " + group, text: t("status." + status) });
  }

  function renderWaiting(entries) {
    var list = document.getElementById("waiting-list");
    list.textContent = "";
    document.getElementById("waiting-section").hidden = entries.length === 0;
    entries.forEach(function (entry) {
      var refused = entry.state === "refused";
      var item = el("li", { className: "my-item" + (refused ? " refused" : ""), "data-key": entry.key },
        el("p", { className: "my-title" }, el("strong", { text: entry.title }), " · ", el("span", { className: "muted", text: when(entry.created) })),
        el("p", { className: refused ? "field-error" : "waiting-note", text: refused ? t("mine_refused") : t("mine_waiting") }));
      if (entry.place) item.appendChild(el("p", { className: "muted", text: entry.place }));
      var remove = el("button", { type: "button", className: "link-button", text: t("mine_discard") });
      remove.addEventListener("click", function () {
        if (!window.confirm(t("mine_discard_confirm"))) return;
        Lapor.outbox.remove(entry.key).then(load);
      });
      item.appendChild(el("p", {}, remove));
      list.appendChild(item);
    });
  }

  function renderSent(reports) {
    var list = document.getElementById("sent-list");
    list.textContent = "";
    document.getElementById("loading-mine").hidden = true;
    document.getElementById("no-reports").hidden = reports.length > 0;
    reports.forEach(function (report) {
      var privateLink = report.token ? location.origin + report.page + "?t=" + encodeURIComponent(report.token) : null;
      var status = el("span", { className: "my-status" }, badge(report.status || "submitted"));
      var item = el("li", { className: "my-item", "data-code": report.code },
        el("p", { className: "my-title" }, el("strong", { text: report.category }), " · ", el("span", { className: "tracking-small", text: report.code })),
        el("p", { className: "muted", text: t("mine_sent", { time: when(report.sent || report.created) }) + (report.place ? " · " + report.place : "") }),
        el("p", {}, status),
        el("p", { className: "my-links" },
          privateLink ? el("a", { className: "button small", href: privateLink, text: t("mine_open") }) : null,
          report.public && !privateLink ? el("a", { className: "button small secondary", href: report.page, text: t("view_report") }) : null));
      var forget = el("button", { type: "button", className: "link-button", text: t("mine_forget") });
      forget.addEventListener("click", function () {
        if (!window.confirm(t("mine_forget_confirm"))) return;
        Lapor.outbox.forget(report.code).then(load);
      });
      item.appendChild(el("p", {}, forget));
      list.appendChild(item);
      // The status now (through the worker: offline, the last one seen, and the page says how old).
      // The token in a header: an address with it would be written in the server's log.
      var url = config.api.reports + "track/" + encodeURIComponent(report.code) + "/";
      Lapor.api(url, report.token ? { headers: { "X-Reporter-Token": report.token } } : {}).then(function (result) {
        if (!result.ok || !result.body) return;
        var now = result.body.properties.status;
        status.textContent = "";
        status.appendChild(badge(now));
        if (now !== report.status) { report.status = now; Lapor.outbox.keep(report); }
      }).catch(function () { /* offline and never seen: the status kept on the phone stays */ });
    });
  }

  function load() {
    return Promise.all([Lapor.outbox.waiting(), Lapor.outbox.reports()]).then(function (lists) {
      renderWaiting(lists[0]);
      renderSent(lists[1]);
      document.body.dataset.mineLoaded = String(lists[1].length);
    });
  }

  Lapor.outbox.listen(function () { load(); });
  load();
})();
