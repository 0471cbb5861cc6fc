/* The header's unread count, kept live: each "notification.new" event (sent to the
   user's own group by notifications.projector) carries the new count. Registers with
   the page's realtime client (Gongzhi.live) whenever that is ready: now, or when it
   announces itself with a "gongzhi:live-ready" event on document. No inline script
   (the Content-Security-Policy runs none). */
(function () {
  "use strict";
  var registered = false;

  function show(count) {
    var badge = document.getElementById("inbox-count");
    var n = parseInt(count, 10);
    if (!badge || isNaN(n) || n < 0) {
      return;
    }
    badge.textContent = n > 99 ? "99+" : String(n);
    badge.hidden = n === 0;
    badge.setAttribute("data-count", String(n));
  }

  function register() {
    var live = window.Gongzhi && window.Gongzhi.live;
    if (registered || !live || typeof live.on !== "function") {
      return registered;
    }
    live.on("notification.", function (event) {
      if (event && event.data) {
        show(event.data.unread);
      }
    });
    registered = true;
    return true;
  }

  if (!register()) {
    document.addEventListener("gongzhi:live-ready", register);
  }
})();
