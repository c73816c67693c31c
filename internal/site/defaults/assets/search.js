// briefing search: a search box over the pages' titles and descriptions.
// The index (assets/search-index.js) is loaded on first use, as a script,
// so that search works from disk too; it calls window.briefingSearch with
// the entries. Results are built as elements with textContent: a title
// is never markup.
(function () {
  "use strict";
  var box = document.querySelector(".site-search");
  if (!box) return;
  var input = box.querySelector("input");
  var list = box.querySelector("ul");
  var root = box.getAttribute("data-root") || "";
  var entries = null, loading = false;
  var MAX = 20;

  function fold(s) {
    return String(s || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  // score: every word of the query must occur; a title match ranks above
  // a description match, and a title that starts with the query above all.
  function score(e, words, q) {
    var t = fold(e.title), d = fold(e.description), s = 0;
    for (var i = 0; i < words.length; i++) {
      if (t.indexOf(words[i]) >= 0) s += 2;
      else if (d.indexOf(words[i]) >= 0) s += 1;
      else return 0;
    }
    if (t.indexOf(q) === 0) s += 3;
    return s;
  }
  function show() {
    var q = fold(input.value).trim();
    list.textContent = "";
    if (!q || !entries) { list.hidden = true; return; }
    var words = q.split(/\s+/), hits = [];
    for (var i = 0; i < entries.length; i++) {
      var s = score(entries[i], words, q);
      if (s > 0) hits.push({ e: entries[i], s: s, i: i });
    }
    hits.sort(function (a, b) { return b.s - a.s || a.i - b.i; });
    if (hits.length === 0) {
      var none = document.createElement("li");
      none.textContent = "No page matches.";
      list.appendChild(none);
    }
    for (var j = 0; j < Math.min(hits.length, MAX); j++) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = root + hits[j].e.path;
      a.textContent = hits[j].e.title;
      li.appendChild(a);
      list.appendChild(li);
    }
    list.hidden = false;
  }
  window.briefingSearch = function (index) {
    entries = Array.isArray(index) ? index : [];
    show();
  };
  function load() {
    if (entries || loading) return;
    loading = true;
    var s = document.createElement("script");
    s.src = box.getAttribute("data-index");
    document.head.appendChild(s);
  }
  input.addEventListener("focus", load);
  input.addEventListener("input", function () { load(); show(); });
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") { input.value = ""; show(); }
  });
})();
