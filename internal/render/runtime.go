package render

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/rand/v2"

	"github.com/dop251/goja"

	"github.com/briefing-dev/briefing/internal/render/fonts"
)

// glueJS runs after ECharts and the chart script. It gives ECharts the Go
// text measurement and defines the function that renders one chart.
//
// The chart is drawn by the SVG painter's renderToString rather than
// chart.renderToSVGString, which is the same call with hover CSS switched
// on: that CSS is useless in a static image, needs a <style> element, and
// names its classes from a counter that never resets, which would make the
// output depend on what the runtime drew before. The painter's id, which
// prefixes the ids of clip paths and gradients, comes from a counter too;
// it is replaced by one derived from the option.
//
// An image has no use for what the page's chart shows on hover or on
// demand, nor for a description only a DOM can carry: the toolbox (which
// draws an invisible 10×10 hit area), the tooltip (with its axis pointer)
// and aria are left out of the option. ECharts then skips their models and
// views, and the drawing build (echarts-draw.js) need not contain them.
//
// The page's legend scrolls, hiding behind a pager what does not fit on
// one line; an image has no pager, so its legend shows every entry, on as
// many lines as it takes, and the plot moves down by the extra lines.
const glueJS = `
echarts.setPlatformAPI({
	measureText: function (text, font) {
		return { width: __briefingMeasure(String(text), font == null ? "" : String(font)) };
	}
});

function __briefingRender(json, width, height, id, fontFamily) {
	var option = briefingPrepare(JSON.parse(json));
	option.animation = false;
	delete option.toolbox;
	delete option.tooltip;
	delete option.aria;
	var ts = option.textStyle || {};
	ts.fontFamily = fontFamily;
	option.textStyle = ts;
	[].concat(option.legend || []).forEach(function (l) {
		if (l && typeof l === "object") l.type = "plain";
	});
	var chart = echarts.init(null, null, { renderer: "svg", ssr: true, width: width, height: height });
	try {
		var painter = chart.getZr().painter;
		painter._id = id;
		chart.setOption(option);
		var extra = legendExtra(chart);
		if (extra > 0) chart.setOption(makeRoom(option, extra, width, height));
		return painter.renderToString({ cssAnimation: false, cssEmphasis: false, useViewBox: true });
	} finally {
		chart.dispose();
	}
}

// legendExtra returns how much taller than one line the legends are.
function legendExtra(chart) {
	var extra = 0;
	chart.getModel().eachComponent("legend", function (model) {
		var view = chart.getViewOfComponentModel(model);
		var g = view && view.getContentGroup && view.getContentGroup();
		if (!g || !g.childCount()) return;
		var y0 = g.childAt(0).y, first = 0, last = 0;
		g.eachChild(function (item) {
			var r = item.getBoundingRect(), bottom = item.y + r.y + r.height;
			if (item.y === y0) first = Math.max(first, bottom);
			last = Math.max(last, bottom);
		});
		extra = Math.max(extra, last - first);
	});
	return Math.ceil(extra);
}

// makeRoom returns the change to option that moves the plot down by
// extra pixels: the grid's top, and the top edge of each pie.
function makeRoom(option, extra, width, height) {
	var patch = {};
	if (option.grid) {
		patch.grid = [].concat(option.grid).map(function (g) {
			return { top: px(g && g.top, height, 60) + extra };
		});
	}
	patch.series = (option.series || []).map(function (s) {
		if (s.type !== "pie") return {};
		var base = Math.min(width, height) / 2;
		var center = s.center || ["50%", "50%"];
		var radius = [].concat(s.radius == null ? [0, "75%"] : s.radius);
		if (radius.length < 2) radius = [0, radius[0]];
		var inner = px(radius[0], base, 0), outer = px(radius[1], base, base * 0.75);
		var shrunk = Math.max(outer - extra / 2, outer / 2);
		return {
			center: [center[0], px(center[1], height, height / 2) + (outer - shrunk)],
			radius: [inner * shrunk / outer, shrunk]
		};
	});
	return patch;
}

// px reads an ECharts length: a number, "48", or a percentage of whole.
function px(v, whole, def) {
	if (typeof v === "number") return v;
	if (typeof v !== "string" || v === "" || isNaN(parseFloat(v))) return def;
	return v.charAt(v.length - 1) === "%" ? parseFloat(v) / 100 * whole : parseFloat(v);
}
`

// preludeJS stands in for the browser functions ECharts reaches for
// without a DOM. Timers never fire: with animation off, setOption draws
// synchronously. window and document stay undefined, so that ECharts and
// the chart script take their server-side paths.
const preludeJS = `
var setTimeout = function () { return 0; };
var clearTimeout = function () {};
var setInterval = function () { return 0; };
var clearInterval = function () {};
var console = { log: function () {}, info: function () {}, warn: function () {}, error: function () {}, debug: function () {} };
`

// seed is the state of Math.random at the start of every chart.
const seed = 0x6272696566696e67 // "briefing"

// runtime is one goja runtime with ECharts loaded. It is not safe for
// concurrent use.
type runtime struct {
	vm    *goja.Runtime
	rng   *rand.PCG
	draw  goja.Callable
	fonts *fonts.Set // measures the text of the chart being drawn
}

func newRuntime(echarts, script, glue *goja.Program) (*runtime, error) {
	vm := goja.New()
	rt := &runtime{vm: vm, rng: rand.NewPCG(seed, seed)}
	rnd := rand.New(rt.rng)
	vm.SetRandSource(rnd.Float64)
	if _, err := vm.RunString(preludeJS); err != nil {
		return nil, fmt.Errorf("render: prelude: %w", err)
	}
	specs := map[string]fonts.Spec{} // ECharts asks with a handful of fonts
	measure := func(call goja.FunctionCall) goja.Value {
		text, font := call.Argument(0).String(), call.Argument(1).String()
		sp, ok := specs[font]
		if !ok {
			sp = fonts.Parse(font)
			specs[font] = sp
		}
		return vm.ToValue(rt.fonts.Measure(text, sp))
	}
	if err := vm.Set("__briefingMeasure", measure); err != nil {
		return nil, err
	}
	for _, p := range []struct {
		name string
		prog *goja.Program
	}{{"echarts.min.js", echarts}, {"the chart script", script}, {"the glue", glue}} {
		if _, err := vm.RunProgram(p.prog); err != nil {
			return nil, fmt.Errorf("render: running %s: %w", p.name, err)
		}
	}
	if fn, ok := goja.AssertFunction(vm.Get("briefingPrepare")); !ok || fn == nil {
		return nil, fmt.Errorf("render: the chart script does not define briefingPrepare")
	}
	fn, ok := goja.AssertFunction(vm.Get("__briefingRender"))
	if !ok {
		return nil, fmt.Errorf("render: the glue does not define __briefingRender")
	}
	rt.draw = fn
	return rt, nil
}

// render draws one chart. Math.random restarts from the same seed, so the
// output depends only on the arguments.
func (rt *runtime) render(option []byte, width, height int, set *fonts.Set) ([]byte, error) {
	rt.rng.Seed(seed, seed)
	rt.fonts = set
	v, err := rt.draw(goja.Undefined(),
		rt.vm.ToValue(string(option)), rt.vm.ToValue(width), rt.vm.ToValue(height),
		rt.vm.ToValue(chartID(option, width, height)), rt.vm.ToValue(FontFamily))
	if err != nil {
		return nil, err
	}
	s, ok := v.Export().(string)
	if !ok {
		return nil, fmt.Errorf("ECharts returned %s, not an SVG string", v)
	}
	return []byte(s), nil
}

// chartID names the chart's clip paths and gradients (ID-c0, ID-g0, …):
// the same for the same chart, different between charts, so that images
// inlined into one page do not share ids.
func chartID(option []byte, width, height int) string {
	h := sha256.New()
	var size [16]byte
	binary.BigEndian.PutUint64(size[:8], uint64(width))
	binary.BigEndian.PutUint64(size[8:], uint64(height))
	h.Write(size[:])
	h.Write(option)
	return "c" + hex.EncodeToString(h.Sum(nil)[:6])
}
