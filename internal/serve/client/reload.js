// Live reload for stratpub serve. The server adds this script to every
// HTML page it serves; pages written by "stratpub build" never contain it.
(function () {
  "use strict";
  var key = "stratpub-scroll:" + location.pathname;

  // Restore the scroll position saved before a reload.
  var saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    var pos = JSON.parse(saved);
    // "instant": a smooth-scrolling stylesheet must not animate this.
    var restore = function () { window.scrollTo({ left: pos[0], top: pos[1], behavior: "instant" }); };
    restore();
    window.addEventListener("load", restore);
  }

  // The error overlay: a modal dialog, so focus moves into it and Escape
  // closes it.
  var showOverlay = function () {
    var dlg = document.getElementById("stratpub-error");
    if (!dlg || dlg.open) { return; }
    dlg.showModal();
    var h = document.getElementById("stratpub-error-title");
    if (h) { h.focus(); }
  };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", showOverlay);
  } else {
    showOverlay();
  }

  var reload = function () {
    sessionStorage.setItem(key, JSON.stringify([window.scrollX, window.scrollY]));
    location.reload();
  };

  // Swap stylesheets in place: each change names the old and the new
  // fingerprinted path and the new integrity value.
  var swapCSS = function (changes) {
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    for (var i = 0; i < links.length; i++) {
      var link = links[i];
      var path = new URL(link.href, location.href).pathname.replace(/^\//, "");
      for (var j = 0; j < changes.length; j++) {
        if (changes[j].old !== path) { continue; }
        var next = link.cloneNode(false);
        next.setAttribute("integrity", changes[j].sri);
        next.setAttribute("href", new URL("/" + changes[j].new, location.href).href);
        next.addEventListener("load", (function (old) {
          return function () { old.remove(); };
        })(link));
        link.after(next);
      }
    }
  };

  var events = new EventSource("/_stratpub/events");
  // The server greets each subscriber; from then on no change is missed.
  events.addEventListener("hello", function () { window.stratpubLive = true; });
  events.addEventListener("reload", reload);
  events.addEventListener("css", function (e) { swapCSS(JSON.parse(e.data)); });
  window.addEventListener("pagehide", function () { events.close(); });
})();
