package raster

import (
	"math"
	"strconv"
	"strings"
)

// source is a resolved paint: a solid colour, or a gradient with the
// transform from device pixels to its own space.
type source struct {
	c    [4]float32 // solid: premultiplied, opacity included, 0–255
	grad *gradient
}

const lutSize = 1024

type gradient struct {
	radial         bool
	x1, y1, x2, y2 float64 // linear
	cx, cy, r      float64 // radial, with the focal point at f
	fx, fy         float64
	spread         int
	inv            matrix              // device → gradient space
	tx, ty, t0     float64             // linear: t at device pixel (x, y) is tx·x + ty·y + t0
	lut            [lutSize][4]float32 // premultiplied, opacity included, 0–255
}

const (
	spreadPad = iota
	spreadReflect
	spreadRepeat
)

// source resolves paint p for an element whose user space maps to device
// space by ctm and whose object bounding box is box. ok is false when
// nothing is to be painted.
func (r *renderer) source(p paint, st *style, opacity float64, ctm matrix, box [2]point) (*source, bool) {
	switch p.kind {
	case paintNone:
		return nil, false
	case paintCurrent:
		return solid(st.color, opacity)
	case paintColor:
		return solid(p.color, opacity)
	}
	g := r.doc.ids[p.url]
	if g == nil || (g.name != "linearGradient" && g.name != "radialGradient") {
		if p.fallback {
			return solid(p.color, opacity)
		}
		return nil, false
	}
	return r.gradient(g, opacity, ctm, box)
}

func solid(c rgba, opacity float64) (*source, bool) {
	a := c.a * opacity
	if a <= 0 {
		return nil, false
	}
	return &source{c: [4]float32{
		float32(c.r * a * 255), float32(c.g * a * 255), float32(c.b * a * 255), float32(a * 255),
	}}, true
}

// gradientAttr finds an attribute on a gradient or, through href, on the
// gradients it inherits from.
func (r *renderer) gradientChain(g *node) []*node {
	chain := []*node{g}
	for len(chain) < 8 {
		href := chain[len(chain)-1].attr["href"]
		next := r.doc.ids[strings.TrimPrefix(href, "#")]
		if !strings.HasPrefix(href, "#") || next == nil || (next.name != "linearGradient" && next.name != "radialGradient") {
			break
		}
		chain = append(chain, next)
	}
	return chain
}

func (r *renderer) gradient(g *node, opacity float64, ctm matrix, box [2]point) (*source, bool) {
	chain := r.gradientChain(g)
	attr := func(name string) (string, bool) {
		for _, n := range chain {
			if v, ok := n.attr[name]; ok && (name == "gradientUnits" || name == "spreadMethod" || name == "gradientTransform" || n.name == g.name) {
				return v, true
			}
		}
		return "", false
	}
	var stops []*node
	for _, n := range chain {
		for _, c := range n.children {
			if c.name == "stop" {
				stops = append(stops, c)
			}
		}
		if len(stops) > 0 {
			break
		}
	}
	if len(stops) == 0 {
		return nil, false
	}
	grad := &gradient{radial: g.name == "radialGradient"}
	obb := true
	if v, _ := attr("gradientUnits"); v == "userSpaceOnUse" {
		obb = false
	}
	// coord reads a coordinate: a fraction of the box, or user units
	// (percentages of the viewport).
	coord := func(name string, def string, horizontal bool) float64 {
		v, ok := attr(name)
		if !ok {
			v = def
		}
		pct := strings.HasSuffix(v, "%")
		f, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(v, "%")), 64)
		if err != nil {
			f, _ = strconv.ParseFloat(strings.TrimSuffix(def, "%"), 64)
			pct = strings.HasSuffix(def, "%")
		}
		if !pct {
			return f
		}
		if obb {
			return f / 100
		}
		if horizontal {
			return f / 100 * r.vw
		}
		return f / 100 * r.vh
	}
	if grad.radial {
		grad.cx, grad.cy, grad.r = coord("cx", "50%", true), coord("cy", "50%", false), coord("r", "50%", true)
		if !obb && strings.HasSuffix(attrOr(attr, "r", "50%"), "%") {
			grad.r = coord("r", "50%", true) / r.vw * math.Hypot(r.vw, r.vh) / math.Sqrt2
		}
		_, hasFx := attr("fx")
		_, hasFy := attr("fy")
		grad.fx, grad.fy = grad.cx, grad.cy
		if hasFx {
			grad.fx = coord("fx", "50%", true)
		}
		if hasFy {
			grad.fy = coord("fy", "50%", false)
		}
		if !(grad.r > 0) {
			// A zero radius paints the last stop's colour.
			stops = stops[len(stops)-1:]
		}
	} else {
		grad.x1, grad.y1 = coord("x1", "0%", true), coord("y1", "0%", false)
		grad.x2, grad.y2 = coord("x2", "100%", true), coord("y2", "0%", false)
	}
	switch v, _ := attr("spreadMethod"); v {
	case "reflect":
		grad.spread = spreadReflect
	case "repeat":
		grad.spread = spreadRepeat
	}
	m := ctm
	if obb {
		w, h := box[1].x-box[0].x, box[1].y-box[0].y
		if w <= 0 || h <= 0 {
			return nil, false // SVG: a bounding box without area takes no gradient
		}
		m = m.mul(matrix{w, 0, 0, h, box[0].x, box[0].y})
	}
	if v, ok := attr("gradientTransform"); ok {
		t, _ := parseTransform(v)
		m = m.mul(t)
	}
	inv, ok := m.invert()
	if !ok {
		return nil, false
	}
	grad.inv = inv
	if !grad.radial {
		// t is affine in device coordinates: sample it at pixel centres.
		dx, dy := grad.x2-grad.x1, grad.y2-grad.y1
		dd := dx*dx + dy*dy
		grad.tx = (inv.a*dx + inv.b*dy) / dd
		grad.ty = (inv.c*dx + inv.d*dy) / dd
		grad.t0 = ((inv.e-grad.x1)*dx+(inv.f-grad.y1)*dy)/dd + (grad.tx+grad.ty)/2
	}
	sc := readStops(stops)
	if len(sc) == 1 || (!grad.radial && grad.x1 == grad.x2 && grad.y1 == grad.y2) {
		return solid(sc[len(sc)-1].c, opacity)
	}
	grad.fillLUT(sc, opacity)
	return &source{grad: grad}, true
}

func attrOr(attr func(string) (string, bool), name, def string) string {
	if v, ok := attr(name); ok {
		return v
	}
	return def
}

type stop struct {
	off float64
	c   rgba
}

// readStops reads offsets (clamped, never decreasing), colours and
// opacities.
func readStops(ns []*node) []stop {
	var out []stop
	last := 0.0
	for _, n := range ns {
		off, ok := parseOpacity(n.attr["offset"]) // a number or percentage in [0, 1]
		if !ok {
			off = 0
		}
		off = math.Max(off, last)
		last = off
		c := rgba{0, 0, 0, 1}
		if v, ok := n.attr["stop-color"]; ok {
			if pc, ok := parseColor(v); ok {
				c = pc
			}
		}
		if v, ok := n.attr["stop-opacity"]; ok {
			if o, ok := parseOpacity(v); ok {
				c.a *= o
			}
		}
		out = append(out, stop{off, c})
	}
	return out
}

// fillLUT samples the stops into the lookup table, interpolating
// unpremultiplied colours as SVG does.
func (g *gradient) fillLUT(stops []stop, opacity float64) {
	for i := range g.lut {
		t := float64(i) / (lutSize - 1)
		c := colorAt(stops, t)
		a := c.a * opacity
		g.lut[i] = [4]float32{float32(c.r * a * 255), float32(c.g * a * 255), float32(c.b * a * 255), float32(a * 255)}
	}
}

func colorAt(stops []stop, t float64) rgba {
	if t <= stops[0].off {
		return stops[0].c
	}
	for i := 1; i < len(stops); i++ {
		if t < stops[i].off {
			a, b := stops[i-1], stops[i]
			k := (t - a.off) / (b.off - a.off)
			return rgba{
				a.c.r + (b.c.r-a.c.r)*k, a.c.g + (b.c.g-a.c.g)*k,
				a.c.b + (b.c.b-a.c.b)*k, a.c.a + (b.c.a-a.c.a)*k,
			}
		}
	}
	return stops[len(stops)-1].c
}

// at returns the gradient's parameter at device pixel centre (x, y).
func (g *gradient) at(x, y float64) float64 {
	var t float64
	if !g.radial {
		t = g.tx*x + g.ty*y + g.t0
	} else {
		p := g.inv.apply(point{x + 0.5, y + 0.5})
		// The point lies on the circle centred f + t(c − f) with radius
		// t·r; solve for t (SVG 1.1, focal point inside the circle).
		ex, ey := g.cx-g.fx, g.cy-g.fy
		if l := math.Hypot(ex, ey); l > g.r*0.999 {
			k := g.r * 0.999 / l
			ex, ey = ex*k, ey*k
		}
		dx, dy := p.x-(g.cx-ex), p.y-(g.cy-ey)
		a := ex*ex + ey*ey - g.r*g.r
		de := dx*ex + dy*ey
		t = (de - math.Sqrt(math.Max(de*de-a*(dx*dx+dy*dy), 0))) / a
	}
	switch g.spread {
	case spreadRepeat:
		t -= math.Floor(t)
	case spreadReflect:
		t = math.Mod(math.Abs(t), 2)
		if t > 1 {
			t = 2 - t
		}
	}
	return t
}

func (g *gradient) color(x, y int) [4]float32 {
	t := g.at(float64(x), float64(y))
	i := int(t*(lutSize-1) + 0.5)
	if i < 0 || t != t {
		i = 0
	} else if i >= lutSize {
		i = lutSize - 1
	}
	return g.lut[i]
}

// row composites one row: cov is the shape's coverage, clip the clip's
// (nil for none), pix the destination from x0.
func (s *source) row(pix []uint8, cov, clip []uint8, x0, y int) {
	c := s.c
	for i, k := range cov {
		if k == 0 {
			continue
		}
		f := float32(k) / 255
		if clip != nil {
			if clip[i] == 0 {
				continue
			}
			f *= float32(clip[i]) / 255
		}
		if s.grad != nil {
			c = s.grad.color(x0+i, y)
		}
		sa := c[3] * f
		if sa <= 0 {
			continue
		}
		inv := 1 - sa/255
		p := pix[4*i : 4*i+4 : 4*i+4]
		p[0] = uint8(c[0]*f + float32(p[0])*inv + 0.5)
		p[1] = uint8(c[1]*f + float32(p[1])*inv + 0.5)
		p[2] = uint8(c[2]*f + float32(p[2])*inv + 0.5)
		p[3] = uint8(sa + float32(p[3])*inv + 0.5)
	}
}
