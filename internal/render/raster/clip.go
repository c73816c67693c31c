package raster

import (
	"fmt"
	"image"
	"strings"
)

// clipFor returns the clip in force inside n, whose clip-path attribute is
// v: the clip path's coverage, drawn in n's user space (ctm), intersected
// with the outer clip cl. It returns nil (no change) when v names no
// <clipPath>, which browsers ignore, and an empty clip when nothing is
// left.
func (r *renderer) clipFor(n *node, st *style, v string, ctm matrix, cl *clip) (*clip, error) {
	end := strings.IndexByte(v, ')')
	if end < 0 {
		return nil, nil
	}
	id := strings.TrimPrefix(strings.Trim(strings.TrimSpace(v[4:end]), `'"`), "#")
	cp := r.doc.ids[id]
	if cp == nil || cp.name != "clipPath" {
		return nil, nil
	}
	if cl != nil && cl.depth >= maxClipDepth {
		return nil, fmt.Errorf("%w: clip paths nested more than %d deep", ErrLimit, maxClipDepth)
	}
	key := clipKey{id, ctm, cl, r.bounds}
	if c, ok := r.clips[key]; ok {
		return c, nil
	}
	c, err := r.makeClip(n, st, cp, ctm, cl)
	if err != nil {
		return nil, err
	}
	if cp.attr["clipPathUnits"] == "objectBoundingBox" {
		return c, nil // depends on n's box too
	}
	if len(r.clips) >= maxCachedClips {
		clear(r.clips)
	}
	r.clips[key] = c
	return c, nil
}

// clipKey identifies a clip already made: ECharts wraps each series in a
// group per clip, with the same clip path and transform.
type clipKey struct {
	id     string
	ctm    matrix
	outer  *clip
	bounds image.Rectangle // the canvas, or the layer being drawn
}

// maxCachedClips bounds the masks kept for reuse.
const maxCachedClips = 4

func (r *renderer) makeClip(n *node, st *style, cp *node, ctm matrix, cl *clip) (*clip, error) {
	m := ctm
	if cp.attr["clipPathUnits"] == "objectBoundingBox" {
		lo, hi, ok := r.userBBox(n, st, identity, 0)
		if !ok || hi.x <= lo.x || hi.y <= lo.y {
			return &clip{}, nil
		}
		m = m.mul(matrix{hi.x - lo.x, 0, 0, hi.y - lo.y, lo.x, lo.y})
	}
	if t, ok := cp.attr["transform"]; ok {
		tm, _ := parseTransform(t)
		m = m.mul(tm)
	}
	cst := inherit(rootStyle(), cp)
	limit := r.bounds
	if cl != nil {
		limit = limit.Intersect(cl.r)
	}
	var out *clip
	for _, c := range cp.children {
		polys, err := r.clipChildPolygons(c, cst, m)
		if err != nil {
			return nil, err
		}
		if len(polys) == 0 {
			continue
		}
		dr, err := r.area(polys, &clip{r: limit})
		if err != nil {
			return nil, err
		}
		if dr.Empty() {
			continue
		}
		cov := r.rasterize(polys, dr)
		out = union(out, dr, cov)
	}
	if out == nil {
		return &clip{}, nil // an empty clip path hides everything
	}
	if cl != nil {
		out = intersect(out, cl)
		out.depth = cl.depth + 1
	}
	return out, nil
}

// clipChildPolygons returns the device-space outline of one child of a
// clip path: a shape or text, never its stroke.
func (r *renderer) clipChildPolygons(c *node, parent *style, m matrix) ([][]point, error) {
	if !drawable(c) || groups[c.name] {
		return nil, nil
	}
	st := inherit(parent, c)
	if !st.visible {
		return nil, nil
	}
	if t, ok := c.attr["transform"]; ok {
		tm, _ := parseTransform(t)
		m = m.mul(tm)
	}
	if !m.finite() {
		return nil, nil
	}
	var p *path
	if c.name == "text" {
		p, _ = r.textPath(c, st)
	} else {
		p = shapePath(c, st.fontSize)
	}
	if p == nil {
		return nil, nil
	}
	cs, err := p.flatten(m, tolerance, &r.points)
	if err != nil {
		return nil, err
	}
	var polys [][]point
	for _, c := range cs {
		if len(c.pts) >= 3 {
			polys = append(polys, c.pts)
		}
	}
	return polys, nil
}

// union adds coverage cov over dr to the clip c (nil for none yet).
func union(c *clip, dr image.Rectangle, cov []uint8) *clip {
	if c == nil {
		a := make([]uint8, len(cov))
		copy(a, cov)
		return &clip{r: dr, a: a}
	}
	u := &clip{r: c.r.Union(dr)}
	u.a = make([]uint8, u.r.Dx()*u.r.Dy())
	for y := c.r.Min.Y; y < c.r.Max.Y; y++ {
		for x := c.r.Min.X; x < c.r.Max.X; x++ {
			u.a[(y-u.r.Min.Y)*u.r.Dx()+x-u.r.Min.X] = c.at(x, y)
		}
	}
	w := dr.Dx()
	for y := dr.Min.Y; y < dr.Max.Y; y++ {
		for x := dr.Min.X; x < dr.Max.X; x++ {
			i := (y-u.r.Min.Y)*u.r.Dx() + x - u.r.Min.X
			a, b := uint32(u.a[i]), uint32(cov[(y-dr.Min.Y)*w+x-dr.Min.X])
			u.a[i] = uint8(a + b - (a*b+127)/255)
		}
	}
	return u
}

// intersect multiplies two clips.
func intersect(c, outer *clip) *clip {
	r := c.r.Intersect(outer.r)
	out := &clip{r: r}
	if r.Empty() {
		return out
	}
	out.a = make([]uint8, r.Dx()*r.Dy())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			out.a[(y-r.Min.Y)*r.Dx()+x-r.Min.X] = uint8((uint32(c.at(x, y))*uint32(outer.at(x, y)) + 127) / 255)
		}
	}
	return out
}

// userBBox is the bounding box of n's geometry in the space m maps its
// user space to, strokes and clipping ignored.
func (r *renderer) userBBox(n *node, st *style, m matrix, depth int) (lo, hi point, ok bool) {
	if depth > MaxDepth || !drawable(n) {
		return
	}
	if depth > 0 {
		st = inherit(st, n)
		if t, has := n.attr["transform"]; has {
			tm, _ := parseTransform(t)
			m = m.mul(tm)
		}
	}
	var p *path
	switch {
	case groups[n.name]:
		first := true
		for _, c := range n.children {
			clo, chi, cok := r.userBBox(c, st, m, depth+1)
			if !cok {
				continue
			}
			if first {
				lo, hi, first = clo, chi, false
			} else {
				lo = point{min(lo.x, clo.x), min(lo.y, clo.y)}
				hi = point{max(hi.x, chi.x), max(hi.y, chi.y)}
			}
			ok = true
		}
		return
	case n.name == "text":
		p, _ = r.textPath(n, st)
	default:
		p = shapePath(n, st.fontSize)
	}
	if p == nil {
		return
	}
	cs, err := p.flatten(m, tolerance, &r.points)
	if err != nil {
		return
	}
	return bounds(cs)
}
