/* The live link of a signed-in page (served by the app itself: no CDN, no inline script).

   - Connects to the event socket with the position the page was rendered at
     (<meta name="gongzhi-live" data-since data-epoch>), so the server replays what
     happened between the render and the connect, and after every reconnect what the page
     missed while the link was down. `reset` (too long away, history pruned, database
     restored) refreshes every live region instead.
   - Reconnects with exponential backoff and jitter: a server restart drops every socket
     at once, and they must not all come back in the same instant.
   - Drops repeats by event id (replay, relay and the channel layer may each bring one).
   - Shows the state of the link in #live-status.
   - Dispatches each event to handlers registered with Gongzhi.live.on(prefix, fn), and
     re-fetches every element with an id and data-live-refresh="<kind prefixes>" whose
     prefix matches, swapping in the fresh copy (the server decides what the user may
     see: an event only says that something changed).
*/
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="gongzhi-live"]');
  if (!meta || !window.WebSocket) { return; }

  var SEEN_KEPT = 2000;
  var REFRESH_DELAY_MS = 400;
  var BACKOFF_MIN_MS = 1000;
  var BACKOFF_MAX_MS = 30000;

  var since = meta.getAttribute("data-since") || "";
  var epoch = meta.getAttribute("data-epoch") || "";
  var path = meta.getAttribute("data-url") || "/ws/events/";
  var statusBox = document.getElementById("live-status");
  var handlers = [];
  var seen = new Set();
  var seenOrder = [];
  var attempts = 0;
  var socket = null;
  var stopped = false;

  function setStatus(state) {
    if (!statusBox) { return; }
    statusBox.setAttribute("data-state", state);
    var text = statusBox.getAttribute("data-text-" + state);
    if (text) {
      statusBox.textContent = text;
      statusBox.title = text;
    }
  }

  function url() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var query = since !== "" ? "?since=" + encodeURIComponent(since) + "&epoch=" + encodeURIComponent(epoch) : "";
    return scheme + location.host + path + query;
  }

  function connect() {
    if (stopped) { return; }
    setStatus(attempts === 0 ? "connecting" : "reconnecting");
    socket = new WebSocket(url());
    socket.onmessage = function (message) { receive(JSON.parse(message.data)); };
    socket.onclose = function (closed) {
      socket = null;
      if (closed.code === 4401) {  // signed out elsewhere: the page is no longer theirs
        stopped = true;
        setStatus("signed-out");
        return;
      }
      setStatus("down");
      attempts += 1;
      var ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * Math.pow(2, attempts - 1));
      var wait = closed.code === 4409 ? 0 : ceiling / 2 + Math.random() * ceiling / 2;
      window.setTimeout(connect, wait);
    };
  }

  function receive(event) {
    if (event.type === "hello") {
      if (epoch && event.epoch !== epoch) { refreshAll(); }
      epoch = event.epoch;
      if (since === "") { since = String(event.last); }
      attempts = 0;
      setStatus("live");
      return;
    }
    if (event.type === "reset") {
      since = "";
      refreshAll();
      return;
    }
    if (event.type === "replay.done") { return; }
    if (event.id === undefined) { return; }
    if (seen.has(event.id)) { return; }
    remember(event.id);
    if (since === "" || event.id > Number(since)) { since = String(event.id); }
    dispatch(event);
  }

  function remember(id) {
    seen.add(id);
    seenOrder.push(id);
    if (seenOrder.length > SEEN_KEPT) { seen.delete(seenOrder.shift()); }
  }

  function dispatch(event) {
    handlers.forEach(function (handler) {
      if (event.type.indexOf(handler.prefix) === 0) {
        try { handler.fn(event); } catch (error) { console.error(error); }
      }
    });
    document.querySelectorAll("[data-live-refresh][id]").forEach(function (region) {
      if (concerns(region, event)) { schedule(region.id); }
    });
    document.dispatchEvent(new CustomEvent("gongzhi:event", { detail: event }));
  }

  // data-live-refresh="case. notice." lists kind prefixes; data-live-where="case=12"
  // narrows a region to one object (a case page cares about its own case only).
  function concerns(region, event) {
    var prefixes = region.getAttribute("data-live-refresh").split(/\s+/);
    if (!prefixes.some(function (prefix) { return prefix && event.type.indexOf(prefix) === 0; })) {
      return false;
    }
    var where = region.getAttribute("data-live-where");
    if (!where) { return true; }
    var pair = where.split("=");
    return event.data && String(event.data[pair[0]]) === pair[1];
  }

  function refreshAll() {
    document.querySelectorAll("[data-live-refresh][id]").forEach(function (region) {
      schedule(region.id);
    });
    document.dispatchEvent(new CustomEvent("gongzhi:reset"));
  }

  // A burst of events costs one fetch of the page, for every region it touched.
  var due = new Set();
  var timer = null;
  function schedule(id) {
    due.add(id);
    if (timer === null) { timer = window.setTimeout(refresh, REFRESH_DELAY_MS); }
  }

  function edited(region) {
    if (region.querySelector("details[open] input, details[open] textarea, details[open] select")) {
      return true;  // a form someone opened is something they are doing
    }
    return Array.prototype.some.call(region.querySelectorAll("input, textarea, select"), function (field) {
      if (field.type === "hidden" || field.type === "submit") { return false; }
      if (field === document.activeElement) { return true; }
      if (field.type === "checkbox" || field.type === "radio") { return field.checked !== field.defaultChecked; }
      if (field.tagName === "SELECT") {
        return Array.prototype.some.call(field.options, function (o) { return o.selected !== o.defaultSelected; });
      }
      return field.type === "file" ? field.files.length > 0 : field.value !== field.defaultValue;
    });
  }

  function refresh() {
    var ids = Array.from(due);
    due.clear();
    timer = null;
    fetch(location.href, { credentials: "same-origin", headers: { "X-Live-Refresh": ids.join(" ") } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html");
        ids.forEach(function (id) { swap(id, fresh.getElementById(id)); });
      })
      .catch(function () { ids.forEach(function (id) { due.add(id); }); });
  }

  function swap(id, fresh) {
    var current = document.getElementById(id);
    if (!fresh || !current) { return; }
    if (edited(current)) {
      // never throw away what someone is typing: say that the page changed instead
      current.setAttribute("data-live-stale", "");
      var note = document.getElementById("live-stale");
      if (note) { note.hidden = false; }
      return;
    }
    current.replaceWith(fresh);
    fresh.classList.add("live-updated");
    document.dispatchEvent(new CustomEvent("gongzhi:refreshed", { detail: { id: id } }));
  }

  window.Gongzhi = window.Gongzhi || {};
  window.Gongzhi.live = {
    on: function (prefix, fn) { handlers.push({ prefix: prefix, fn: fn }); },
    state: function () { return statusBox ? statusBox.getAttribute("data-state") : null; },
    since: function () { return since; }
  };
  document.dispatchEvent(new CustomEvent("gongzhi:live-ready"));
  window.addEventListener("pageshow", function (shown) {
    if (shown.persisted) { location.reload(); }  // back from the cache: its socket is gone
  });
  window.addEventListener("pagehide", function () {
    stopped = true;
    if (socket) { socket.close(1000); }
  });
  connect();
})();
