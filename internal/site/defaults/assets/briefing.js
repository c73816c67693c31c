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
  // fixed writes y / 10^decimals, y >= 0 already scaled by 10^decimals,
  // rounding half up like math.Round in the Go formatter.
  function fixed(y, decimals) {
    return (Math.round(y) / Math.pow(10, decimals)).toFixed(decimals);
  }
  function signOf(v, s) {
    return v < 0 && /[1-9]/.test(s) ? MINUS : "";
  }
  function group(v, decimals) {
    var s = fixed(Math.abs(v) * Math.pow(10, decimals), decimals);
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
      var div = units[i][0];
      var s = fixed(v / div, 0);
      if (v / div < 10 && i > 0) {
        s = fixed(v / (div / 10), 1);
        if (s === "10.0") s = "10";
      }
      if (parseFloat(s) >= 1000 && i < units.length - 1) { i++; continue; }
      return s + units[i][1];
    }
  }
  function formatter(name, currency) {
    return function (v) {
      if (typeof v !== "number" || !isFinite(v)) return v == null || v === "-" ? "" : String(v);
      switch (name) {
        case "integer": return group(v, 0);
        case "money": var m = compact(Math.abs(v)); return signOf(v, m) + symbol(currency) + m;
        case "money_full": var f = group(Math.abs(v), 0); return signOf(v, f) + symbol(currency) + f;
        case "percent": var p = fixed(Math.abs(v) * 100 * 10, 1).replace(/\.0$/, ""); return signOf(v, p) + p + "%";
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
        if (name === "integer") axes[i].minInterval = 1;
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
