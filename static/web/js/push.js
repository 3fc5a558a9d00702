/* Web Push for the pages: turn notifications on or off in this browser for a target, either a
   report (the reporter, holding its private link: {report: {id: 123, token: "…"}}) or the signed-in
   staff member ({staff: true}: their assignments and, for supervisors, overdue reports).

     Lapor.push.supported()                       → true when this browser can take pushes
     Lapor.push.subscribe(registration, target)   → Promise of {ok, created, message} or {ok: false, reason, message}
     Lapor.push.unsubscribe(registration, target) → Promise of {ok, message} or {ok: false, reason, message}
     Lapor.push.isOn(target)                      → whether this browser turned it on for the target

   `registration` is the service worker's (navigator.serviceWorker.ready). A promise never rejects:
   `reason` is "unsupported", "denied" or "failed", and `message` is the text to show (the page's
   strings, "push.*"). subscribe() must be called from a user's tap: browsers ask for permission only
   then. One browser subscription serves every target, so unsubscribe() only tells the server to stop
   for that target and leaves the browser's subscription for the others. The server answers with
   nothing of the subscription; this file keeps only a per-target "on" mark, never the endpoint. */
(function () {
  "use strict";
  var Lapor = window.Lapor;
  var KEY_URL = "/api/push/key/";
  var STAFF_URL = "/api/push/subscriptions/";

  function t(key) { return Lapor.t("push." + key); }

  function supported() {
    return window.isSecureContext !== false && "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  }

  function targetUrl(target) {
    if (target && target.report) return "/api/reports/" + encodeURIComponent(target.report.id) + "/push/";
    if (target && target.staff) return STAFF_URL;
    throw new Error("Lapor.push: the target is {report: {id, token}} or {staff: true}");
  }

  function mark(target) {
    return target.report ? "lapor-push:report:" + target.report.id : "lapor-push:staff";
  }

  function remember(target, on) {
    try {
      if (on) localStorage.setItem(mark(target), "1");
      else localStorage.removeItem(mark(target));
    } catch (e) { /* private mode: nothing remembered */ }
  }

  function isOn(target) {
    try { return localStorage.getItem(mark(target)) === "1"; } catch (e) { return false; }
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function send(url, method, body) {
    var headers = { "Accept": "application/json", "Accept-Language": Lapor.lang };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    var csrf = csrfToken();
    if (csrf) headers["X-CSRFToken"] = csrf;  // the staff's session; the reporter's token needs none
    return fetch(url, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "same-origin" })
      .then(function (response) {
        return response.json().catch(function () { return null; }).then(function (data) {
          return { ok: response.ok, status: response.status, body: data };
        });
      }, function () { return { ok: false, status: 0, body: null }; });
  }

  // The server's message for a refusal (in the page's language), else the general one.
  function problem(result) {
    var body = result.body || {};
    return body.detail || t("failed");
  }

  function keyBytes(base64url) {
    var base64 = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(base64), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function sameKey(buffer, bytes) {
    if (!buffer) return false;
    var other = new Uint8Array(buffer);
    if (other.length !== bytes.length) return false;
    for (var i = 0; i < bytes.length; i++) if (other[i] !== bytes[i]) return false;
    return true;
  }

  // The browser's subscription made with the server's key (an older one, made with another key, is replaced).
  function browserSubscription(registration, key) {
    return registration.pushManager.getSubscription().then(function (existing) {
      if (existing && sameKey(existing.options && existing.options.applicationServerKey, key)) return existing;
      var dropped = existing ? existing.unsubscribe() : Promise.resolve();
      return dropped.then(function () {
        return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
      });
    });
  }

  function permission() {
    if (Notification.permission === "granted" || Notification.permission === "denied") return Promise.resolve(Notification.permission);
    return new Promise(function (resolve) {
      var asked = Notification.requestPermission(resolve);  // older browsers take a callback
      if (asked && asked.then) asked.then(resolve);
    });
  }

  function subscribe(registration, target) {
    if (!supported() || !registration || !registration.pushManager) {
      return Promise.resolve({ ok: false, reason: "unsupported", message: t("unsupported") });
    }
    var url = targetUrl(target);
    return permission().then(function (answer) {
      if (answer !== "granted") return { ok: false, reason: "denied", message: t("denied") };
      return send(KEY_URL, "GET").then(function (key) {
        if (!key.ok || !key.body || !key.body.public_key) return { ok: false, reason: "failed", message: problem(key) };
        return browserSubscription(registration, keyBytes(key.body.public_key)).then(function (subscription) {
          var body = { subscription: subscription.toJSON(), language: Lapor.lang === "en" ? "en" : "id" };
          if (target.report) body.token = target.report.token;
          return send(url, "POST", body).then(function (result) {
            if (!result.ok) return { ok: false, reason: "failed", message: problem(result) };
            remember(target, true);
            return { ok: true, created: result.status === 201, message: t(target.report ? "on_report" : "on_staff") };
          });
        });
      });
    }).catch(function () {
      return { ok: false, reason: "failed", message: t("failed") };
    });
  }

  function unsubscribe(registration, target) {
    var url = targetUrl(target);
    if (!supported() || !registration || !registration.pushManager) {
      remember(target, false);
      return Promise.resolve({ ok: true, message: t("off") });
    }
    return registration.pushManager.getSubscription().then(function (subscription) {
      if (!subscription) {
        remember(target, false);
        return { ok: true, message: t("off") };
      }
      var body = { endpoint: subscription.endpoint };
      if (target.report) body.token = target.report.token;
      return send(url, "DELETE", body).then(function (result) {
        if (!result.ok) return { ok: false, reason: "failed", message: problem(result) };
        remember(target, false);
        return { ok: true, message: t("off") };
      });
    }).catch(function () {
      return { ok: false, reason: "failed", message: t("failed") };
    });
  }

  // A page's offer (templates/web/_push_offer.html): one button that turns notifications on or off
  // for `target`, and a line saying what happened. Hidden where the browser cannot take pushes.
  function offer(element, target) {
    if (!element || !supported()) return;
    var button = element.querySelector("[data-push-toggle]"), label = button.querySelector("span");
    var message = element.querySelector("[data-push-message]");
    function show(on) {
      label.textContent = t(on ? "turn_off" : "turn_on");
      button.setAttribute("aria-pressed", on ? "true" : "false");
    }
    show(isOn(target));
    element.hidden = false;
    button.addEventListener("click", function () {
      var on = isOn(target);
      button.disabled = true;
      message.textContent = "";
      navigator.serviceWorker.ready.then(function (registration) {
        return on ? unsubscribe(registration, target) : subscribe(registration, target);
      }).then(function (result) {
        button.disabled = false;
        show(isOn(target));
        message.textContent = result.message;
        message.classList.toggle("error", !result.ok);
      });
    });
  }

  Lapor.push = { supported: supported, subscribe: subscribe, unsubscribe: unsubscribe, isOn: isOn, offer: offer };

  // Staff pages carry a staff offer: their assignments and, for supervisors, overdue reports.
  document.addEventListener("DOMContentLoaded", function () {
    offer(document.querySelector("[data-push-offer=staff]"), { staff: true });
  });
})();
