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
  // fixed writes y / 10^d with d decimals, where y is already scaled by
  // 10^d; Math.round rounds halves up, as the Go side does.
  function fixed(y, d) {
    return (Math.round(y) / Math.pow(10, d)).toFixed(d);
  }
  function isZero(s) { return !/[1-9]/.test(s); }
  function sign(v, s) { return v < 0 && !isZero(s) ? MINUS : ""; }
  function signed(v, s) { return isZero(s) ? "" : v < 0 ? MINUS : "+"; }

  function Formatter(meta) {
    this.cur = meta.currency || "";
    this.group = meta.group || ",";
    this.dec = meta.decimal || ".";
  }
  Formatter.prototype.local = function (s) {
    return this.dec === "." ? s : s.replace(".", this.dec);
  };
  Formatter.prototype.grouped = function (v, d) {
    var s = fixed(Math.abs(v) * Math.pow(10, d), d);
    var parts = s.split(".");
    // Groups are joined after the decimal point is placed, so that a
    // locale grouping with "." keeps its decimal comma: 1.234,5.
    var out = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, this.group);
    if (parts[1]) out += this.dec + parts[1];
    if (v < 0 && !isZero(parts[0] + (parts[1] || ""))) out = MINUS + out;
    return out;
  };
  Formatter.prototype.trimmed = function (v, d, def) {
    if (d >= 0) return this.local(fixed(v * Math.pow(10, d), d));
    return this.local(fixed(v * Math.pow(10, def), def).replace(/\.0$/, ""));
  };
  var UNITS = [[1, ""], [1e3, "K"], [1e6, "M"], [1e9, "B"], [1e12, "T"]];
  function unitOf(v) {
    var i = 0;
    while (i < UNITS.length - 1 && v >= UNITS[i + 1][0]) i++;
    return i;
  }
  // compact: three significant figures in the largest unit reached,
  // trailing zeros dropped (4.26M, 47.5M, 20M); whole units below a
  // thousand; a value that rounds up to 1000 units moves up a unit.
  // Divisors are exact (div / 100), as on the Go side, so ties round alike.
  function compact(v) {
    for (var i = unitOf(v); ; i++) {
      var div = UNITS[i][0];
      var s = fixed(v / div, 0);
      if (i > 0) {
        var x = v / div, d = x < 10 ? 2 : x < 100 ? 1 : 0;
        s = trimZeros(fixed(v / (div / Math.pow(10, d)), d));
      }
      if (parseFloat(s) < 1000 || i === UNITS.length - 1) return [s, UNITS[i][1]];
    }
  }
  function trimZeros(s) {
    return s.indexOf(".") < 0 ? s : s.replace(/0+$/, "").replace(/\.$/, "");
  }
  // hasCents: a non-zero fraction at hundredths; none from 2^53 hundredths.
  function hasCents(v) {
    var h = Math.abs(v) * 100;
    return h < 9007199254740992 && Math.round(h) % 100 !== 0;
  }
  function compactFixed(v, d) {
    for (var i = unitOf(v); ; i++) {
      var s = fixed(v / UNITS[i][0] * Math.pow(10, d), d);
      if (parseFloat(s) < 1000 || i === UNITS.length - 1) return [s, UNITS[i][1]];
    }
  }
  function ordinal(v) {
    var n = (v < 0 ? -1 : 1) * Math.round(Math.abs(v)), m = Math.abs(n) % 100, suffix = "th";
    if (m < 11 || m > 13) suffix = { 1: "st", 2: "nd", 3: "rd" }[Math.abs(n) % 10] || "th";
    return String(n).replace("-", MINUS) + suffix;
  }
  Formatter.prototype.number = function (spec, v) {
    var parts = String(spec || "number").split(":");
    var name = parts[0], d = parts.length > 1 ? parseInt(parts[1], 10) : -1;
    var s, c;
    switch (name) {
      case "integer": return this.grouped(v, 0);
      case "money":
        c = d >= 0 ? compactFixed(Math.abs(v), d) : compact(Math.abs(v));
        s = this.local(c[0]) + c[1];
        return sign(v, c[0]) + symbol(this.cur) + s;
      case "money_full":
        s = this.grouped(Math.abs(v), d >= 0 ? d : hasCents(v) ? 2 : 0);
        return sign(v, s) + symbol(this.cur) + s;
      case "percent":
        s = this.trimmed(Math.abs(v) * 100, d, 1);
        return sign(v, s) + s + "%";
      case "change":
        s = this.trimmed(Math.abs(v) * 100, d, 1);
        return signed(v, s) + s + "%";
      case "pp":
        s = this.trimmed(Math.abs(v) * 100, d, 1);
        return signed(v, s) + s + " pp";
      case "multiple": return this.grouped(v, d >= 0 ? d : 1) + "\u00d7";
      case "ordinal": return ordinal(v);
      case "plain": return d >= 0 ? v.toFixed(d) : String(v);
      default:
        if (d >= 0) return this.grouped(v, d);
        return this.grouped(v, v === Math.trunc(v) ? 0 : 1);
    }
  };
  Formatter.prototype.fn = function (spec) {
    var self = this;
    return function (v) {
      if (typeof v !== "number" || !isFinite(v)) return v == null || v === "-" ? "" : String(v);
      return self.number(spec, v);
    };
  };

  function prepare(option) {
    var meta = option.briefing || {};
    delete option.briefing;
    var fm = new Formatter(meta);
    var seriesFormats = meta.seriesFormats || [];
    (option.series || []).forEach(function (s, i) {
      var f = fm.fn(seriesFormats[i] || "number");
      s.tooltip = s.tooltip || {};
      s.tooltip.valueFormatter = f;
      if (s.type === "pie") {
        // The share is computed from the values, not from ECharts' own
        // rounded percent, so that it matches the prose to the digit.
        var pct = fm.fn("percent");
        var total = (s.data || []).reduce(function (t, d) {
          var v = d && typeof d === "object" ? d.value : d;
          return t + (typeof v === "number" ? v : 0);
        }, 0);
        s.label = { formatter: function (p) { return p.name + " " + (total ? pct(p.value / total) : ""); } };
      }
    });
    var axes = meta.horizontal ? option.xAxis : option.yAxis;
    (meta.axisFormats || []).forEach(function (name, i) {
      if (axes && axes[i] && name) {
        axes[i].axisLabel = axes[i].axisLabel || {};
        axes[i].axisLabel.formatter = fm.fn(name);
        if (name === "integer") axes[i].minInterval = 1;
      }
    });
    // ECharts' aria module names the chart's series and their types (bar,
    // line, pie) in words. On the page that text joins the chart's
    // description (see keepName); the static renderer has no DOM and
    // writes none. It leaves the values out: ECharts would read them raw
    // (0.2069, 58000000), while the template's summary and the data table
    // give them formatted. No decal patterns: the legends and the data
    // table name every series.
    option.aria = {
      enabled: true,
      decal: { show: false },
      label: {
        general: { withTitle: "{title}. ", withoutTitle: "" },
        series: {
          maxCount: 20,
          single: { prefix: "", withName: "{seriesName} ({seriesType})", withoutName: "{seriesType}" },
          multiple: {
            prefix: "{seriesCount} series: ",
            withName: "{seriesName} ({seriesType})",
            withoutName: "{seriesType}",
            separator: { middle: "; ", end: "." }
          }
        },
        data: { allData: "", partialData: "", withName: "", withoutName: "", separator: { middle: "", end: "" } }
      }
    };
    return option;
  }

  function query(q) {
    return typeof window !== "undefined" && window.matchMedia ? window.matchMedia(q) : null;
  }
  var darkScheme = query("(prefers-color-scheme: dark)");
  var reducedMotion = query("(prefers-reduced-motion: reduce)");
  function matches(q) { return !!(q && q.matches); }

  // keepName keeps the chart's title as the container's accessible name.
  // ECharts' aria module writes its generated description into the
  // container's aria-label each time it draws; that text moves to the
  // element the container's aria-describedby names (ID-aria), after the
  // template's own summary. A template without that element gets both in
  // the label; one that gives the container no name keeps ECharts' label.
  function keepName(el) {
    if (!el.setAttribute || typeof MutationObserver === "undefined") return;
    var name = el.getAttribute("aria-label"), joined = null;
    if (!name) return;
    var desc = document.getElementById(el.getAttribute("data-chart").replace(/-option$/, "-aria"));
    function sync() {
      var label = el.getAttribute("aria-label");
      if (label === name || label === joined) return;
      label = (label || "").trim();
      if (desc) {
        if (label) desc.textContent = label;
        el.setAttribute("aria-label", name);
      } else {
        joined = label ? name + ". " + label : name;
        el.setAttribute("aria-label", joined);
      }
    }
    new MutationObserver(sync).observe(el, { attributes: true, attributeFilter: ["aria-label"] });
  }

  // fitNarrow makes a pie readable on a phone. Its labels sit outside it,
  // and at a phone's width they get too little room and are cut short
  // ("G…", or nothing). There, the legend names the slices instead, each
  // with its share, over as many lines as it needs, above a smaller pie.
  function fitNarrow(option, width) {
    if (!(width > 0 && width < 560)) return;
    var pies = (option.series || []).filter(function (s) { return s.type === "pie"; });
    if (pies.length !== 1) return;
    var s = pies[0], label = s.label && s.label.formatter, values = {};
    (s.data || []).forEach(function (d) { if (d && typeof d === "object") values[d.name] = d.value; });
    s.radius = Array.isArray(s.radius) ? ["33%", "55%"] : "55%";
    s.center = ["50%", "62%"];
    s.label = { show: false };
    s.labelLine = { show: false };
    [].concat(option.legend || []).forEach(function (l) {
      if (!l || typeof l !== "object") return;
      l.type = "plain";
      if (label) l.formatter = function (name) { return label({ name: name, value: values[name] }); };
    });
  }

  var drawn = []; // [element, chart]

  function draw(el) {
    var src = document.getElementById(el.getAttribute("data-chart"));
    if (!src || typeof echarts === "undefined") return;
    var dark = matches(darkScheme);
    var option = prepare(JSON.parse(src.textContent));
    // The dark theme's colours, on the page's own background.
    if (dark) option.backgroundColor = "transparent";
    if (matches(reducedMotion)) option.animation = false;
    fitNarrow(option, el.clientWidth);
    var chart = echarts.init(el, dark ? "dark" : null, { renderer: "canvas" });
    if (el.setAttribute) el.setAttribute("data-theme", dark ? "dark" : "light");
    chart.setOption(option);
    drawn.push([el, chart]);
  }

  // redraw draws every chart again, in the theme the reader's system now
  // asks for: ECharts 5 sets a theme only when a chart is made.
  function redraw() {
    var els = drawn.map(function (d) { d[1].dispose(); return d[0]; });
    drawn = [];
    els.forEach(draw);
  }

  // openData opens every closed data table for printing and closes them
  // again afterwards (the stylesheet shows them too, where the browser
  // supports ::details-content).
  var opened = [];
  function openData() {
    Array.prototype.forEach.call(document.querySelectorAll("details.chart-data:not([open])"), function (d) {
      d.open = true;
      opened.push(d);
    });
  }
  function closeData() {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-chart]"), function (el) {
      keepName(el);
      draw(el);
    });
    window.addEventListener("resize", function () {
      drawn.forEach(function (d) { d[1].resize(); });
    });
    window.addEventListener("beforeprint", openData);
    window.addEventListener("afterprint", closeData);
    if (darkScheme && darkScheme.addEventListener) darkScheme.addEventListener("change", redraw);
  }
  // The static renderer (no DOM) calls briefingPrepare on each option, so
  // that images carry the same formats as the page.
  if (typeof document === "undefined") {
    this.briefingPrepare = prepare;
    return;
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
}).call(this);
