package raster

import (
	"fmt"
	"github.com/briefing-dev/briefing/internal/render/fonts"
	"image"
	"image/draw"
	"math"
	"strings"

	"golang.org/x/image/vector"
)

// tolerance is how far, in device pixels, flattened curves may stray from
// the real ones.
const tolerance = 0.1

// renderer draws one document onto one image.
type renderer struct {
	doc    *document
	dst    *image.RGBA
	bounds image.Rectangle
	vw, vh float64 // viewport size in user units, for percentages

	z      vector.Rasterizer
	cov    []uint8 // coverage scratch
	points int     // points made, against maxPoints
	work   int     // pixels touched, against max
	max    int
	layers int // opacity layers open
	clips  map[clipKey]*clip
	fonts  *fonts.Set // draws the text
}

func newRenderer(doc *document, dst *image.RGBA) *renderer {
	b := dst.Bounds()
	return &renderer{
		doc: doc, dst: dst, bounds: b,
		max:   workPerPixel*b.Dx()*b.Dy() + workBase,
		clips: map[clipKey]*clip{},
	}
}

// clip is the coverage mask of the clip paths in force, in device pixels.
// Outside r nothing is drawn; nil means no clipping.
type clip struct {
	r     image.Rectangle
	a     []uint8 // r.Dx()×r.Dy(), row by row
	depth int     // how many clips this one is nested in
}

func (c *clip) at(x, y int) uint8 {
	return c.a[(y-c.r.Min.Y)*c.r.Dx()+x-c.r.Min.X]
}

// Elements that draw: groups, which hold others, shapes and text. Every
// other element is skipped with its children; defs, clip paths and
// gradients are looked up by id where they are used.
var (
	groups = map[string]bool{"g": true, "a": true, "switch": true, "svg": true}
	shapes = map[string]bool{
		"path": true, "rect": true, "circle": true, "ellipse": true,
		"line": true, "polyline": true, "polygon": true,
	}
)

func drawable(n *node) bool {
	return (groups[n.name] || shapes[n.name] || n.name == "text") && n.attr["display"] != "none"
}

func (r *renderer) drawChildren(n *node, st *style, ctm matrix, cl *clip, alpha float64) error {
	for _, c := range n.children {
		if err := r.drawNode(c, st, ctm, cl, alpha); err != nil {
			return err
		}
	}
	return nil
}

// drawNode draws n and its children over what is drawn: parent is the
// style it inherits, ctm maps its parent's user space to device pixels,
// cl is the clip in force and alpha the opacity of groups around it that
// were not drawn apart.
func (r *renderer) drawNode(n *node, parent *style, ctm matrix, cl *clip, alpha float64) error {
	if !drawable(n) {
		return nil
	}
	st := inherit(parent, n)
	if t, ok := n.attr["transform"]; ok {
		m, _ := parseTransform(t)
		ctm = ctm.mul(m)
	}
	if n.name == "svg" {
		ctm = ctm.mul(nestedViewport(n, r.vw, r.vh))
	}
	if !ctm.finite() {
		return nil
	}
	own := 1.0
	if v, ok := n.attr["opacity"]; ok {
		if o, ok := parseOpacity(v); ok {
			own = o
		}
	}
	if alpha*own <= 0 {
		return nil
	}
	if v := n.attr["clip-path"]; strings.HasPrefix(v, "url(") {
		c, err := r.clipFor(n, st, v, ctm, cl)
		if err != nil {
			return err
		}
		if c != nil && c.r.Empty() {
			return nil // clipped away entirely
		}
		if c != nil {
			cl = c
		}
	}
	draw := func(alpha float64) error { return r.drawElement(n, st, ctm, cl, alpha) }
	if own < 1 && r.layers < maxLayers && needsLayer(n, st) {
		return r.layer(cl, alpha*own, draw)
	}
	return draw(alpha * own)
}

// needsLayer says whether n's opacity must be applied to n as a whole,
// drawn apart first: a group, or a shape painted with both fill and
// stroke, which overlap. Otherwise multiplying its paint's alpha is the
// same.
func needsLayer(n *node, st *style) bool {
	if groups[n.name] {
		return len(n.children) > 0
	}
	return st.fill.kind != paintNone && st.stroke.kind != paintNone && st.strokeWidth > 0
}

// layer draws into a transparent image the size of the clip (or the
// canvas), then composites that image with opacity alpha.
func (r *renderer) layer(cl *clip, alpha float64, draw func(float64) error) error {
	lr := r.bounds
	if cl != nil {
		lr = lr.Intersect(cl.r)
	}
	if lr.Empty() {
		return nil
	}
	r.work += 2 * lr.Dx() * lr.Dy()
	if r.work > r.max {
		return fmt.Errorf("%w: drawing touches more than %d pixels", ErrLimit, r.max)
	}
	dst, bounds := r.dst, r.bounds
	r.dst, r.bounds = image.NewRGBA(lr), lr
	r.layers++
	err := draw(1)
	r.layers--
	layer := r.dst
	r.dst, r.bounds = dst, bounds
	if err != nil {
		return err
	}
	a := float32(alpha)
	for y := lr.Min.Y; y < lr.Max.Y; y++ {
		src := layer.Pix[layer.PixOffset(lr.Min.X, y):][:4*lr.Dx()]
		pix := r.dst.Pix[r.dst.PixOffset(lr.Min.X, y):][:4*lr.Dx()]
		for i := 0; i < len(src); i += 4 {
			if src[i+3] == 0 {
				continue
			}
			inv := 1 - float32(src[i+3])*a/255
			for c := 0; c < 4; c++ {
				pix[i+c] = uint8(float32(src[i+c])*a + float32(pix[i+c])*inv + 0.5)
			}
		}
	}
	return nil
}

// drawElement draws n itself, its opacity and clip already in place.
func (r *renderer) drawElement(n *node, st *style, ctm matrix, cl *clip, alpha float64) error {
	switch {
	case n.name == "switch":
		// Only the first child is drawn (every child qualifies here).
		for _, c := range n.children {
			if drawable(c) {
				return r.drawNode(c, st, ctm, cl, alpha)
			}
		}
		return nil
	case groups[n.name]:
		return r.drawChildren(n, st, ctm, cl, alpha)
	case n.name == "text":
		if !st.visible {
			return nil
		}
		return r.drawText(n, st, ctm, cl, alpha)
	}
	if !st.visible {
		return nil
	}
	p := shapePath(n, st.fontSize)
	if p == nil || len(p.ops) == 0 {
		return nil
	}
	return r.drawPath(p, st, ctm, cl, alpha, nil)
}

// drawPath fills and strokes p, given in user space. box, if not nil, is
// the object bounding box for gradients; otherwise the path's own.
func (r *renderer) drawPath(p *path, st *style, ctm matrix, cl *clip, alpha float64, box *[2]point) error {
	scale := ctm.maxScale()
	if !(scale > 0) {
		return nil
	}
	cs, err := p.flatten(identity, tolerance/scale, &r.points)
	if err != nil {
		return err
	}
	if box == nil {
		lo, hi, ok := bounds(cs)
		if !ok {
			return nil
		}
		box = &[2]point{lo, hi}
	}
	fill := func() error {
		src, ok := r.source(st.fill, st, st.fillOpacity*alpha, ctm, *box)
		if !ok {
			return nil
		}
		polys := make([][]point, 0, len(cs))
		for _, c := range cs {
			if len(c.pts) < 3 {
				continue
			}
			q := make([]point, len(c.pts))
			for i, pt := range c.pts {
				q[i] = ctm.apply(pt)
			}
			polys = append(polys, q)
		}
		return r.fill(polys, src, cl)
	}
	stroke := func() error {
		if st.strokeWidth <= 0 {
			return nil
		}
		src, ok := r.source(st.stroke, st, st.strokeOpacity*alpha, ctm, *box)
		if !ok {
			return nil
		}
		ss := strokeStyle{
			width: st.strokeWidth, cap: st.lineCap, join: st.lineJoin,
			miterLimit: st.miterLimit, dash: st.dash, dashOffset: st.dashOffset,
		}
		polys, err := strokeOutline(cs, ss, tolerance/scale, &r.points)
		if err != nil {
			return err
		}
		for _, q := range polys {
			for i, pt := range q {
				q[i] = ctm.apply(pt)
			}
		}
		return r.fill(polys, src, cl)
	}
	first, second := fill, stroke
	if st.strokeFirst {
		first, second = stroke, fill
	}
	if err := first(); err != nil {
		return err
	}
	return second()
}

// rasterize computes the coverage of polys (device space, non-zero) within
// the device rectangle dr into r.cov, dr.Dx() bytes a row.
func (r *renderer) rasterize(polys [][]point, dr image.Rectangle) []uint8 {
	w, h := dr.Dx(), dr.Dy()
	r.z.Reset(w, h)
	r.z.DrawOp = draw.Src
	ox, oy := float64(dr.Min.X), float64(dr.Min.Y)
	lim := [4]float64{-1, -1, float64(w) + 1, float64(h) + 1}
	var buf []point
	for _, q := range polys {
		if !sane(q) {
			continue
		}
		buf = buf[:0]
		for _, p := range q {
			buf = append(buf, point{p.x - ox, p.y - oy})
		}
		pts := clipPolygon(buf, lim)
		if len(pts) < 3 {
			continue
		}
		r.z.MoveTo(float32(pts[0].x), float32(pts[0].y))
		for _, p := range pts[1:] {
			r.z.LineTo(float32(p.x), float32(p.y))
		}
		r.z.ClosePath()
	}
	if n := w * h; cap(r.cov) < n {
		r.cov = make([]uint8, n)
	} else {
		r.cov = r.cov[:n]
	}
	mask := &image.Alpha{Pix: r.cov, Stride: w, Rect: image.Rect(0, 0, w, h)}
	r.z.Draw(mask, mask.Bounds(), image.Opaque, image.Point{})
	return r.cov
}

// area returns the device rectangle polys may touch, within the image and
// the clip, and charges it to the work budget.
func (r *renderer) area(polys [][]point, cl *clip) (image.Rectangle, error) {
	lo, hi, ok := polyBounds(polys)
	if !ok {
		return image.Rectangle{}, nil
	}
	dr := r.bounds
	if cl != nil {
		dr = dr.Intersect(cl.r)
	}
	dr = dr.Intersect(image.Rect(
		int(math.Max(math.Floor(lo.x), -1<<30)), int(math.Max(math.Floor(lo.y), -1<<30)),
		int(math.Min(math.Ceil(hi.x), 1<<30)), int(math.Min(math.Ceil(hi.y), 1<<30))))
	if dr.Empty() {
		return image.Rectangle{}, nil
	}
	r.work += dr.Dx() * dr.Dy()
	if r.work > r.max {
		return image.Rectangle{}, fmt.Errorf("%w: drawing touches more than %d pixels", ErrLimit, r.max)
	}
	return dr, nil
}

// fill paints polys (device space) with src through the clip.
func (r *renderer) fill(polys [][]point, src *source, cl *clip) error {
	dr, err := r.area(polys, cl)
	if err != nil || dr.Empty() {
		return err
	}
	cov := r.rasterize(polys, dr)
	w := dr.Dx()
	for y := dr.Min.Y; y < dr.Max.Y; y++ {
		row := cov[(y-dr.Min.Y)*w : (y-dr.Min.Y+1)*w]
		pix := r.dst.Pix[r.dst.PixOffset(dr.Min.X, y):]
		var crow []uint8
		if cl != nil {
			off := (y-cl.r.Min.Y)*cl.r.Dx() + dr.Min.X - cl.r.Min.X
			crow = cl.a[off : off+w]
		}
		src.row(pix, row, crow, dr.Min.X, y)
	}
	return nil
}

// farAway is where device coordinates stop making sense; a polygon that
// reaches it (or holds an infinity or NaN, from an overflowing transform)
// is not drawn, so that clipping stays finite.
const farAway = 1e15

func sane(q []point) bool {
	for _, p := range q {
		if !(math.Abs(p.x) < farAway && math.Abs(p.y) < farAway) {
			return false
		}
	}
	return true
}

// clipPolygon clips a closed polygon to the rectangle lim (x0, y0, x1, y1)
// when it reaches outside it, so that far-away coordinates neither lose
// float32 precision nor make the rasteriser walk millions of rows. Area
// inside lim is unchanged.
func clipPolygon(pts []point, lim [4]float64) []point {
	inside := true
	for _, p := range pts {
		if p.x < lim[0] || p.y < lim[1] || p.x > lim[2] || p.y > lim[3] {
			inside = false
			break
		}
	}
	if inside {
		return pts
	}
	for edge := 0; edge < 4; edge++ {
		in := func(p point) bool {
			switch edge {
			case 0:
				return p.x >= lim[0]
			case 1:
				return p.y >= lim[1]
			case 2:
				return p.x <= lim[2]
			}
			return p.y <= lim[3]
		}
		cross := func(a, b point) point {
			var t float64
			switch edge {
			case 0:
				t = (lim[0] - a.x) / (b.x - a.x)
			case 1:
				t = (lim[1] - a.y) / (b.y - a.y)
			case 2:
				t = (lim[2] - a.x) / (b.x - a.x)
			default:
				t = (lim[3] - a.y) / (b.y - a.y)
			}
			q := lerp(a, b, t)
			switch edge { // exactly on the line, whatever the rounding
			case 0:
				q.x = lim[0]
			case 1:
				q.y = lim[1]
			case 2:
				q.x = lim[2]
			default:
				q.y = lim[3]
			}
			return q
		}
		var out []point
		for i := range pts {
			a, b := pts[i], pts[(i+1)%len(pts)]
			ina, inb := in(a), in(b)
			if ina {
				out = append(out, a)
			}
			if ina != inb {
				out = append(out, cross(a, b))
			}
		}
		pts = out
		if len(pts) == 0 {
			return nil
		}
	}
	return pts
}
