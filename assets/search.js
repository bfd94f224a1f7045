// Search box: finds goals, objectives, desired outcomes, key activities and
// sections in the index written at build time (search-index.js, which sets
// self.STRATPUB_SEARCH; see internal/search). The index is loaded as a
// script on first use, so search works from disk (file://) and under any
// sub-path. Without this script the form submits to the key activities
// index.
(function () {
  "use strict";
  var form = document.querySelector("form.search[data-index]");
  if (!form) return;
  var input = form.querySelector("input[type=search]");
  var box = form.querySelector(".search-results");
  var status = form.querySelector(".search-status");
  var root = form.getAttribute("data-root") || "";
  var MAX = 20;
  var KINDS = { g: "Goal", o: "Strategic objective", u: "Desired outcome", a: "Key activity", s: "Section" };
  // Kind order breaks ties between equal scores.
  var RANK = { o: 0, g: 1, u: 2, a: 3, s: 4 };
  var docs = null, stop = {}, loading = false, results = [];

  function words(s) {
    return s.toLowerCase().match(/[\p{L}\p{N}]+/gu) || [];
  }

  function load() {
    if (docs || loading) return;
    if (self.STRATPUB_SEARCH) return ready();
    loading = true;
    var s = document.createElement("script");
    s.src = form.getAttribute("data-index");
    var sri = form.getAttribute("data-index-integrity");
    // Browsers refuse integrity-checked scripts from file:// pages.
    if (sri && location.protocol !== "file:") s.integrity = sri;
    s.onload = ready;
    s.onerror = function () { loading = false; say("Search is not available."); };
    document.head.appendChild(s);
  }

  function ready() {
    var ix = self.STRATPUB_SEARCH;
    loading = false;
    if (!ix || ix.v !== 1) { say("Search is not available."); return; }
    ix.stop.forEach(function (w) { stop[w] = true; });
    docs = ix.docs.map(function (d, i) {
      return {
        i: i, kind: d[0], url: d[1], title: d[2], context: d[3], parent: d[4],
        tw: words(d[2]), cw: words(d[3] + " " + d[4]), bw: d[5] ? d[5].split(" ") : [],
        tl: d[2].toLowerCase(), cl: d[3].toLowerCase()
      };
    });
    if (input.value.trim()) search();
  }

  // best returns 2 when a word of list is the term, 1 when a word starts
  // with it, 0 otherwise.
  function best(list, term) {
    var found = 0;
    for (var i = 0; i < list.length; i++) {
      if (list[i] === term) return 2;
      if (found === 0 && list[i].lastIndexOf(term, 0) === 0) found = 1;
    }
    return found;
  }

  function score(d, terms, phrase) {
    var total = 0;
    for (var i = 0; i < terms.length; i++) {
      var t = terms[i], s = 0, m;
      if ((m = best(d.tw, t))) s = 8 + m;
      else if ((m = best(d.cw, t))) s = 4 + m;
      else if (best(d.bw, t)) s = 1;
      else return 0; // every word must be found
      total += s;
    }
    if (phrase && terms.length > 1) {
      if (d.tl.indexOf(phrase) >= 0) total += 20;
      else if (d.cl.indexOf(phrase) >= 0) total += 12;
    }
    return total;
  }

  function search() {
    var q = input.value.trim();
    if (!q) { close(); say(""); return; }
    if (!docs) { load(); return; }
    var terms = words(q).filter(function (w) { return !stop[w]; });
    if (!terms.length) terms = words(q);
    var phrase = words(q).join(" ");
    results = [];
    docs.forEach(function (d) {
      var s = score(d, terms, phrase);
      if (s > 0) results.push({ d: d, s: s });
    });
    results.sort(function (a, b) {
      return b.s - a.s || RANK[a.d.kind] - RANK[b.d.kind] || a.d.i - b.d.i;
    });
    show(terms, q);
  }

  // snippet returns about 160 characters of text around the first match.
  function snippet(text, terms) {
    var lower = text.toLowerCase(), at = -1;
    terms.forEach(function (t) {
      var re = new RegExp("(^|[^\\p{L}\\p{N}])" + t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "u");
      var m = re.exec(lower);
      if (m && (at < 0 || m.index < at)) at = m.index + m[1].length;
    });
    var max = 160;
    if (text.length <= max) return text;
    var start = at < 60 ? 0 : text.indexOf(" ", at - 60) + 1;
    var end = text.lastIndexOf(" ", start + max);
    if (end <= start) end = start + max;
    return (start > 0 ? "…" : "") + text.slice(start, end) + (end < text.length ? "…" : "");
  }

  // marked appends text to el with the words that start with a term in
  // <mark>; text is never parsed as HTML.
  function marked(el, text, terms) {
    var re = /[\p{L}\p{N}]+/gu, last = 0, m;
    while ((m = re.exec(text))) {
      var w = m[0].toLowerCase();
      if (!terms.some(function (t) { return w.lastIndexOf(t, 0) === 0; })) continue;
      el.appendChild(document.createTextNode(text.slice(last, m.index)));
      var mk = document.createElement("mark");
      mk.textContent = m[0];
      el.appendChild(mk);
      last = m.index + m[0].length;
    }
    el.appendChild(document.createTextNode(text.slice(last)));
  }

  function span(cls, text, terms) {
    var s = document.createElement("span");
    s.className = cls;
    if (terms) marked(s, text, terms); else s.textContent = text;
    return s;
  }

  function show(terms, q) {
    box.textContent = "";
    var n = results.length;
    if (!n) {
      var p = document.createElement("p");
      p.className = "no-results";
      p.textContent = "No results for “" + q + "”.";
      box.appendChild(p);
    } else {
      var ol = document.createElement("ol");
      ol.setAttribute("aria-label", "Search results");
      results.slice(0, MAX).forEach(function (r) {
        var d = r.d, li = document.createElement("li"), a = document.createElement("a");
        a.href = root + d.url;
        a.appendChild(span("result-kind", KINDS[d.kind] + (d.parent ? " · " + d.parent : "")));
        a.appendChild(span("result-title", d.title, terms));
        a.appendChild(span("result-context", snippet(d.context, terms), terms));
        li.appendChild(a);
        ol.appendChild(li);
      });
      box.appendChild(ol);
    }
    box.hidden = false;
    input.setAttribute("aria-expanded", "true");
    say(n === 0 ? "No results." : n === 1 ? "1 result." :
      n > MAX ? n + " results, showing the first " + MAX + "." : n + " results.");
  }

  function close() {
    box.hidden = true;
    input.setAttribute("aria-expanded", "false");
  }

  var sayTimer = 0;
  // say updates the live region after typing pauses, so that screen
  // readers announce the count once and not at every key.
  function say(msg) {
    clearTimeout(sayTimer);
    sayTimer = setTimeout(function () { status.textContent = msg; }, 400);
  }

  function links() {
    return Array.prototype.slice.call(box.querySelectorAll("a"));
  }

  function move(from, by) {
    var all = links();
    if (!all.length) return;
    var i = all.indexOf(from) + by;
    if (i < 0) { input.focus(); return; }
    all[Math.min(i, all.length - 1)].focus();
  }

  // aria-expanded is allowed on a combobox, not on a plain search box.
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-controls", box.id);
  input.setAttribute("aria-expanded", "false");
  input.addEventListener("focus", load);
  input.addEventListener("input", search);
  form.addEventListener("submit", function (e) {
    // Enter in the box follows the first result.
    var first = links()[0];
    if (first) { e.preventDefault(); location.href = first.href; return; }
    if (docs) { e.preventDefault(); search(); }
  });
  form.addEventListener("keydown", function (e) {
    var inBox = e.target === input;
    if (e.key === "ArrowDown") {
      if (box.hidden && input.value.trim()) search();
      move(inBox ? null : e.target, 1);
      e.preventDefault();
    } else if (e.key === "ArrowUp") {
      if (!inBox) { move(e.target, -1); e.preventDefault(); }
    } else if (e.key === "Home" && !inBox) {
      move(null, 1); e.preventDefault();
    } else if (e.key === "End" && !inBox) {
      var all = links(); if (all.length) all[all.length - 1].focus(); e.preventDefault();
    } else if (e.key === "Escape") {
      if (!box.hidden) { close(); input.focus(); e.preventDefault(); }
    }
  });
  document.addEventListener("click", function (e) {
    if (!form.contains(e.target)) close();
  });
  form.addEventListener("focusout", function (e) {
    if (e.relatedTarget && !form.contains(e.relatedTarget)) close();
  });
  // A query in the address (from the form without JavaScript, or a link)
  // fills the box.
  var q = new URLSearchParams(location.search).get("q");
  if (q && !input.value) { input.value = q; load(); }
})();
