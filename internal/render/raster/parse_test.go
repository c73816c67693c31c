package raster

import (
	"math"
	"testing"
)

func TestParsePathData(t *testing.T) {
	for _, tc := range []struct {
		d    string
		ops  []uint8
		pts  []point
		note string
	}{
		{"M10 20L30 40", []uint8{opMove, opLine}, []point{{10, 20}, {30, 40}}, "absolute"},
		{"m10 20l5 5", []uint8{opMove, opLine}, []point{{10, 20}, {15, 25}}, "relative"},
		{"M0 0 10 0 10 10", []uint8{opMove, opLine, opLine}, []point{{0, 0}, {10, 0}, {10, 10}}, "implicit lineto after moveto"},
		{"m1 1 2 2 3 3", []uint8{opMove, opLine, opLine}, []point{{1, 1}, {3, 3}, {6, 6}}, "implicit relative lineto"},
		{"M0,0H10V5h-3v-1", []uint8{opMove, opLine, opLine, opLine, opLine}, []point{{0, 0}, {10, 0}, {10, 5}, {7, 5}, {7, 4}}, "H V h v"},
		{"M-.5.5-1-2", []uint8{opMove, opLine}, []point{{-0.5, 0.5}, {-1, -2}}, "packed numbers"},
		{"M1e1 2E-1", []uint8{opMove}, []point{{10, 0.2}}, "exponents"},
		{"M0 0Q5 5 10 0T20 0", []uint8{opMove, opQuad, opQuad}, []point{{0, 0}, {5, 5}, {10, 0}, {15, -5}, {20, 0}}, "T reflects"},
		{"M0 0C0 5 10 5 10 0S20 -5 20 0", []uint8{opMove, opCubic, opCubic}, []point{{0, 0}, {0, 5}, {10, 5}, {10, 0}, {10, -5}, {20, -5}, {20, 0}}, "S reflects"},
		{"M0 0S5 5 10 0", []uint8{opMove, opCubic}, []point{{0, 0}, {0, 0}, {5, 5}, {10, 0}}, "S without C"},
		{"M0 0L10 0Zl0 5", []uint8{opMove, opLine, opClose, opLine}, []point{{0, 0}, {10, 0}, {0, 5}}, "relative after Z starts at the subpath start"},
		{"M0 0L10 0L10 x 20", []uint8{opMove, opLine}, []point{{0, 0}, {10, 0}}, "stops at an error"},
		{"L10 10", nil, nil, "must start with moveto"},
		{"M0 0L10", []uint8{opMove}, []point{{0, 0}}, "missing coordinate"},
	} {
		p := parsePathData(tc.d)
		if !equalOps(p.ops, tc.ops) || !equalPts(p.pts, tc.pts) {
			t.Errorf("%s: %q = %v %v, want %v %v", tc.note, tc.d, p.ops, p.pts, tc.ops, tc.pts)
		}
	}
}

func equalOps(a, b []uint8) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func equalPts(a, b []point) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !a[i].near(b[i], 1e-9) {
			return false
		}
	}
	return true
}

// flat flattens d finely in user space.
func flat(t *testing.T, d string) []contour {
	t.Helper()
	n := 0
	cs, err := parsePathData(d).flatten(identity, 0.001, &n)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func TestArcs(t *testing.T) {
	for _, tc := range []struct {
		d              string
		cx, cy, rx, ry float64
		end            point
		minX, maxX     float64 // x range the arc covers, to tell the four arcs apart
	}{
		// From (0,0) to (20,0) on a circle of radius 10: the flags choose
		// the upper or lower half (both halves are "small" here).
		{"M0 0A10 10 0 0 1 20 0", 10, 0, 10, 10, point{20, 0}, 0, 20},
		{"M0 0A10 10 0 0 0 20 0", 10, 0, 10, 10, point{20, 0}, 0, 20},
		// Radius too small: scaled up to fit.
		{"M0 0A1 1 0 0 1 20 0", 10, 0, 10, 10, point{20, 0}, 0, 20},
		// Relative, large arc: three quarters of a circle of radius 10
		// centred at (10, 10) from (10, 0) to (0, 10)... clockwise.
		{"M10 0a10 10 0 1 1 -10 10", 10, 10, 10, 10, point{0, 10}, 0, 20},
		// Flags packed without separators.
		{"M10 0a10 10 0 11-10 10", 10, 10, 10, 10, point{0, 10}, 0, 20},
	} {
		cs := flat(t, tc.d)
		if len(cs) != 1 {
			t.Fatalf("%q: %d contours", tc.d, len(cs))
		}
		pts := cs[0].pts
		if !pts[len(pts)-1].near(tc.end, 1e-9) {
			t.Errorf("%q ends at %v, want %v", tc.d, pts[len(pts)-1], tc.end)
		}
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, p := range pts {
			r := math.Hypot((p.x-tc.cx)/tc.rx, (p.y-tc.cy)/tc.ry)
			if math.Abs(r-1) > 0.002 {
				t.Errorf("%q: %v is off the ellipse (%v)", tc.d, p, r)
				break
			}
			lo, hi = math.Min(lo, p.x), math.Max(hi, p.x)
		}
		if math.Abs(lo-tc.minX) > 0.01 || math.Abs(hi-tc.maxX) > 0.01 {
			t.Errorf("%q spans x %v–%v, want %v–%v", tc.d, lo, hi, tc.minX, tc.maxX)
		}
	}
	// Sweep decides the side: sweep=1 goes clockwise on screen (through
	// y < 0 when going right from (0,0) to (20,0)), sweep=0 the other way.
	up, down := flat(t, "M0 0A10 10 0 0 1 20 0")[0].pts, flat(t, "M0 0A10 10 0 0 0 20 0")[0].pts
	if mid := up[len(up)/2]; mid.y > -9 {
		t.Errorf("sweep=1 passes through %v, want y ≈ -10", mid)
	}
	if mid := down[len(down)/2]; mid.y < 9 {
		t.Errorf("sweep=0 passes through %v, want y ≈ 10", mid)
	}
	// A rotated ellipse: x-axis-rotation 90 swaps the radii.
	for _, p := range flat(t, "M0 0A20 10 90 0 1 0 40")[0].pts {
		if r := math.Hypot(p.x/10, (p.y-20)/20); math.Abs(r-1) > 0.002 {
			t.Errorf("rotated arc: %v is off the ellipse", p)
			break
		}
	}
	// Zero radius is a line; an arc to the current point is nothing.
	if p := parsePathData("M0 0A0 5 0 0 1 10 10"); !equalOps(p.ops, []uint8{opMove, opLine}) {
		t.Errorf("zero radius: %v", p.ops)
	}
	if p := parsePathData("M5 5A5 5 0 0 1 5 5"); !equalOps(p.ops, []uint8{opMove}) {
		t.Errorf("arc to itself: %v", p.ops)
	}
	// ECharts' circle symbol: two arcs through (1, 0) and (1, -0.1), on
	// the unit circle centred on (1 - √0.9975, -0.05).
	cx := 1 - math.Sqrt(0.9975)
	for _, p := range flat(t, "M1 0A1 1 0 1 1 1 -0.1A1 1 0 0 1 1 0")[0].pts {
		if r := math.Hypot(p.x-cx, p.y+0.05); math.Abs(r-1) > 0.002 {
			t.Errorf("symbol circle: %v at radius %v", p, r)
			break
		}
	}
}

func TestParseTransform(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want matrix
		ok   bool
	}{
		{"matrix(2,0,0,2,240,222)", matrix{2, 0, 0, 2, 240, 222}, true},
		{"translate(210.46 5)", matrix{1, 0, 0, 1, 210.46, 5}, true},
		{"translate(7)", matrix{1, 0, 0, 1, 7, 0}, true},
		{"scale(2)", matrix{2, 0, 0, 2, 0, 0}, true},
		{"scale(2, 3)", matrix{2, 0, 0, 3, 0, 0}, true},
		{"rotate(90)", matrix{0, 1, -1, 0, 0, 0}, true},
		{"rotate(90 10 10)", matrix{0, 1, -1, 0, 20, 0}, true},
		{"translate(10,20) scale(2)", matrix{2, 0, 0, 2, 10, 20}, true},
		{"scale(2),translate(10,20)", matrix{2, 0, 0, 2, 20, 40}, true},
		{"skewX(45)", matrix{1, 0, 1, 1, 0, 0}, true},
		{"skewY(45)", matrix{1, 1, 0, 1, 0, 0}, true},
		{"  ", identity, true},
		{"translate(10", identity, false},
		{"spin(3)", identity, false},
		{"matrix(1 2 3)", identity, false},
	} {
		got, ok := parseTransform(tc.s)
		if ok != tc.ok || !nearMatrix(got, tc.want) {
			t.Errorf("parseTransform(%q) = %v, %v; want %v, %v", tc.s, got, ok, tc.want, tc.ok)
		}
	}
	m := matrix{2, 1, -1, 3, 5, 7}
	inv, ok := m.invert()
	if !ok || !nearMatrix(m.mul(inv), identity) {
		t.Errorf("m·m⁻¹ = %v", m.mul(inv))
	}
	if _, ok := (matrix{1, 2, 2, 4, 0, 0}).invert(); ok {
		t.Error("a singular matrix inverted")
	}
	if s := scaling(2, 3).mul(rotation(30)).maxScale(); math.Abs(s-3) > 1e-9 {
		t.Errorf("maxScale = %v, want 3", s)
	}
}

func nearMatrix(a, b matrix) bool {
	for _, d := range [...]float64{a.a - b.a, a.b - b.b, a.c - b.c, a.d - b.d, a.e - b.e, a.f - b.f} {
		if math.Abs(d) > 1e-9 {
			return false
		}
	}
	return true
}

func TestParseColor(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want rgba
		ok   bool
	}{
		{"#fff", rgba{1, 1, 1, 1}, true},
		{"#5470c6", rgba{0x54 / 255.0, 0x70 / 255.0, 0xc6 / 255.0, 1}, true},
		{"#E0E6F1", rgba{0xe0 / 255.0, 0xe6 / 255.0, 0xf1 / 255.0, 1}, true},
		{"#f008", rgba{1, 0, 0, 0x88 / 255.0}, true},
		{"#ff000080", rgba{1, 0, 0, 0x80 / 255.0}, true},
		{"rgb(255,0,0)", rgba{1, 0, 0, 1}, true},
		{"rgb( 0 , 128 , 255 )", rgba{0, 128 / 255.0, 1, 1}, true},
		{"rgba(0,0,0,0.5)", rgba{0, 0, 0, 0.5}, true},
		{"rgb(100%, 50%, 0%)", rgba{1, 127.5 / 255, 0, 1}, true},
		{"rgb(0 0 0 / 25%)", rgba{0, 0, 0, 0.25}, true},
		{"hsl(120, 100%, 50%)", rgba{0, 1, 0, 1}, true},
		{"hsla(0, 100%, 50%, 0.3)", rgba{1, 0, 0, 0.3}, true},
		{"red", rgba{1, 0, 0, 1}, true},
		{"RebeccaPurple", rgba{0x66 / 255.0, 0x33 / 255.0, 0x99 / 255.0, 1}, true},
		{"transparent", rgba{}, true},
		{"#12", rgba{}, false},
		{"#ggg", rgba{}, false},
		{"rgb(1,2)", rgba{}, false},
		{"bluish", rgba{}, false},
		{"url(#x)", rgba{}, false},
		{"", rgba{}, false},
	} {
		got, ok := parseColor(tc.s)
		if ok != tc.ok || math.Abs(got.r-tc.want.r) > 1e-9 || math.Abs(got.g-tc.want.g) > 1e-9 ||
			math.Abs(got.b-tc.want.b) > 1e-9 || math.Abs(got.a-tc.want.a) > 1e-9 {
			t.Errorf("parseColor(%q) = %v, %v; want %v, %v", tc.s, got, ok, tc.want, tc.ok)
		}
	}
	for _, tc := range []struct {
		s    string
		kind paintKind
	}{
		{"none", paintNone}, {"currentColor", paintCurrent}, {"#000", paintColor},
		{"url(#zr0-g0)", paintURL}, {"url('#a') red", paintURL},
	} {
		if p, ok := parsePaint(tc.s); !ok || p.kind != tc.kind {
			t.Errorf("parsePaint(%q) = %v, %v", tc.s, p, ok)
		}
	}
	if p, _ := parsePaint("url(#a) red"); !p.fallback || p.url != "a" || p.color != (rgba{1, 0, 0, 1}) {
		t.Errorf("fallback paint: %+v", p)
	}
}

func TestStyleAttribute(t *testing.T) {
	m := map[string]string{"fill": "#000", "font-size": "10"}
	applyStyle(m, "font-size:12px;font-family:Go, sans-serif;font-weight:bold; fill : url(#a;b) ")
	if m["font-size"] != "12px" || m["font-weight"] != "bold" || m["fill"] != "url(#a;b)" {
		t.Errorf("style declarations: %v", m)
	}
	m = map[string]string{}
	applyStyle(m, "font: italic bold 14px Microsoft YaHei")
	st := inherit(rootStyle(), &node{attr: m})
	if st.fontSize != 14 || !st.bold || !st.italic {
		t.Errorf("font shorthand: size %v bold %v italic %v", st.fontSize, st.bold, st.italic)
	}
	if d, ok := parseDashArray("4,2"); !ok || len(d) != 2 {
		t.Errorf("dasharray 4,2: %v", d)
	}
	if d, ok := parseDashArray("5"); !ok || len(d) != 2 || d[1] != 5 {
		t.Errorf("odd dasharray is repeated: %v", d)
	}
	if _, ok := parseDashArray("4,-2"); ok {
		t.Error("a negative dash was accepted")
	}
	if d, ok := parseDashArray("0 0"); !ok || d != nil {
		t.Errorf("zero dasharray: %v %v", d, ok)
	}
}
