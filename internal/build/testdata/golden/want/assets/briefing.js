// briefing chart script: draws every chart on the page from the JSON
// option embedded next to it. Options are data only; number formats are
// named in option.briefing and resolved to the functions below, which
// follow the same rules as the Go formatter (internal/format).
(function () {
  "use strict";
  var MINUS = "\u2212";

  function symbol(cur) {
    return { "": "$", USD: "$", EUR: "\u20ac", GBP: "\u00a3", JPY: "\u00a5" }[cur] || cur + " ";
  }
  function group(v, decimals) {
    var s = Math.abs(v).toFixed(decimals);
    var parts = s.split(".");
    var out = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    if (parts[1]) out += "." + parts[1];
    if (v < 0 && /[1-9]/.test(out)) out = MINUS + out;
    return out;
  }
  function compact(v) {
    var units = [[1, ""], [1e3, "K"], [1e6, "M"], [1e9, "B"], [1e12, "T"]];
    var i = 0;
    while (i < units.length - 1 && v >= units[i + 1][0]) i++;
    for (;;) {
      var x = v / units[i][0];
      var s = x.toFixed(x < 10 && i > 0 ? 1 : 0);
      if (parseFloat(s) >= 1000 && i < units.length - 1) { i++; continue; }
      return s + units[i][1];
    }
  }
  function trimZero(s) {
    if (/\.0$/.test(s)) s = s.slice(0, -2);
    if (s === "-0") return "0";
    return s.replace("-", MINUS);
  }
  function formatter(name, currency) {
    return function (v) {
      if (typeof v !== "number" || !isFinite(v)) return v == null || v === "-" ? "" : String(v);
      switch (name) {
        case "integer": return group(v, 0);
        case "money": return (v < 0 ? MINUS : "") + symbol(currency) + compact(Math.abs(v));
        case "money_full": return (v < 0 ? MINUS : "") + symbol(currency) + group(Math.abs(v), 0);
        case "percent": return trimZero((v * 100).toFixed(1)) + "%";
        case "plain": return String(v);
        default: return v === Math.trunc(v) ? group(v, 0) : group(v, 1);
      }
    };
  }

  function prepare(option) {
    var meta = option.briefing || {};
    delete option.briefing;
    var cur = meta.currency || "";
    var seriesFormats = meta.seriesFormats || [];
    (option.series || []).forEach(function (s, i) {
      var f = formatter(seriesFormats[i] || "number", cur);
      s.tooltip = s.tooltip || {};
      s.tooltip.valueFormatter = f;
      if (s.type === "pie") {
        var pct = formatter("percent", cur);
        s.label = { formatter: function (p) { return p.name + " " + pct(p.percent / 100); } };
      }
    });
    var axes = meta.horizontal ? option.xAxis : option.yAxis;
    (meta.axisFormats || []).forEach(function (name, i) {
      if (axes && axes[i] && name) {
        axes[i].axisLabel = axes[i].axisLabel || {};
        axes[i].axisLabel.formatter = formatter(name, cur);
      }
    });
    return option;
  }

  function draw(el) {
    var src = document.getElementById(el.getAttribute("data-chart"));
    if (!src || typeof echarts === "undefined") return;
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(prepare(JSON.parse(src.textContent)));
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-chart]"), draw);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
