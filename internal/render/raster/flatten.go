package raster

import (
	"fmt"
	"math"
)

// contour is one flattened subpath.
type contour struct {
	pts    []point
	closed bool
}

// maxSubdivisions bounds the lines one curve becomes.
const maxSubdivisions = 500

// flatten transforms p by m and replaces curves by lines that stray from
// them by at most tol (in the transformed space). budget counts the points
// made, against maxPoints for the whole document.
func (p *path) flatten(m matrix, tol float64, budget *int) ([]contour, error) {
	var out []contour
	var cur *contour
	var start, pen point
	k := 0
	begin := func() {
		if cur == nil {
			out = append(out, contour{pts: []point{start}})
			cur = &out[len(out)-1]
		}
	}
	for _, op := range p.ops {
		before := 0
		if cur != nil {
			before = len(cur.pts)
		}
		switch op {
		case opMove:
			start = m.apply(p.pts[k])
			pen = start
			k++
			out = append(out, contour{pts: []point{start}})
			cur = &out[len(out)-1]
			before = 0
		case opLine:
			begin()
			pen = m.apply(p.pts[k])
			k++
			cur.pts = append(cur.pts, pen)
		case opQuad:
			begin()
			c, e := m.apply(p.pts[k]), m.apply(p.pts[k+1])
			k += 2
			cur.pts = flattenQuad(cur.pts, pen, c, e, tol)
			pen = e
		case opCubic:
			begin()
			c1, c2, e := m.apply(p.pts[k]), m.apply(p.pts[k+1]), m.apply(p.pts[k+2])
			k += 3
			cur.pts = flattenCubic(cur.pts, pen, c1, c2, e, tol)
			pen = e
		case opClose:
			if cur != nil {
				cur.closed = true
			}
			cur = nil
			pen = start
		}
		if cur != nil {
			*budget += len(cur.pts) - before
		}
		if *budget > maxPoints {
			return nil, fmt.Errorf("%w: more than %d points in outlines", ErrLimit, maxPoints)
		}
	}
	return out, nil
}

func subdivisions(dd, k, tol float64) int {
	n := math.Ceil(math.Sqrt(k * dd / tol))
	if !(n >= 1) {
		return 1
	}
	if n > maxSubdivisions {
		return maxSubdivisions
	}
	return int(n)
}

func flattenQuad(pts []point, p0, p1, p2 point, tol float64) []point {
	dd := p0.sub(p1.mul(2)).add(p2).len()
	n := subdivisions(dd, 0.25, tol)
	for i := 1; i < n; i++ {
		t := float64(i) / float64(n)
		a, b := lerp(p0, p1, t), lerp(p1, p2, t)
		pts = append(pts, lerp(a, b, t))
	}
	return append(pts, p2)
}

func flattenCubic(pts []point, p0, p1, p2, p3 point, tol float64) []point {
	dd := math.Max(p0.sub(p1.mul(2)).add(p2).len(), p1.sub(p2.mul(2)).add(p3).len())
	n := subdivisions(dd, 0.75, tol)
	for i := 1; i < n; i++ {
		t := float64(i) / float64(n)
		u := 1 - t
		a, b, c, d := u*u*u, 3*u*u*t, 3*u*t*t, t*t*t
		pts = append(pts, point{
			a*p0.x + b*p1.x + c*p2.x + d*p3.x,
			a*p0.y + b*p1.y + c*p2.y + d*p3.y,
		})
	}
	return append(pts, p3)
}

// bounds returns the bounding box of contours (min, max), and false if
// there are no points.
func bounds(cs []contour) (lo, hi point, ok bool) {
	lo, hi = point{math.Inf(1), math.Inf(1)}, point{math.Inf(-1), math.Inf(-1)}
	for _, c := range cs {
		lo, hi = grow(lo, hi, c.pts)
	}
	return lo, hi, lo.x <= hi.x
}

// polyBounds is bounds for the polygons that are drawn (see sane).
func polyBounds(polys [][]point) (lo, hi point, ok bool) {
	lo, hi = point{math.Inf(1), math.Inf(1)}, point{math.Inf(-1), math.Inf(-1)}
	for _, q := range polys {
		if sane(q) {
			lo, hi = grow(lo, hi, q)
		}
	}
	return lo, hi, lo.x <= hi.x
}

func grow(lo, hi point, pts []point) (point, point) {
	for _, p := range pts {
		lo.x, lo.y = math.Min(lo.x, p.x), math.Min(lo.y, p.y)
		hi.x, hi.y = math.Max(hi.x, p.x), math.Max(hi.y, p.y)
	}
	return lo, hi
}

func (c *contour) transform(m matrix) {
	for i, p := range c.pts {
		c.pts[i] = m.apply(p)
	}
}
