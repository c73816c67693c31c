package raster

import (
	"fmt"
	"math"
)

// strokeStyle is what outlining a stroke needs, in the user space the
// path is drawn in.
type strokeStyle struct {
	width      float64
	cap, join  int
	miterLimit float64
	dash       []float64 // even length, or nil for solid
	dashOffset float64
}

// maxDashes bounds the dashes of one path; a finer pattern is drawn
// solid, which is what it would look like anyway.
const maxDashes = 1 << 16

// polyline is a run of points to stroke. dir is the direction of a
// polyline of one point (a zero-length dash or subpath), for its caps.
type polyline struct {
	pts    []point
	closed bool
	dir    point
}

// stroker outlines strokes as a union of simple polygons: one
// quadrilateral per segment, one wedge per join and one piece per cap.
// All pieces are wound the same way, so the rasteriser's non-zero
// accumulation fills their union, and pieces that meet share exact
// vertices, so there are no seams.
type stroker struct {
	strokeStyle
	hw     float64 // half width
	tol    float64 // flattening tolerance for round joins and caps
	out    [][]point
	npts   int
	budget *int
}

// strokeOutline returns the outline of the stroke of cs as polygons.
func strokeOutline(cs []contour, st strokeStyle, tol float64, budget *int) ([][]point, error) {
	s := &stroker{strokeStyle: st, hw: st.width / 2, tol: tol, budget: budget}
	for _, c := range cs {
		if len(c.pts) < 2 && !c.closed {
			continue // a lone moveto strokes nothing
		}
		pl := polyline{pts: dedupe(c.pts, c.closed), closed: c.closed, dir: point{1, 0}}
		if st.dash != nil {
			for _, d := range dashes(pl, st.dash, st.dashOffset) {
				s.polyline(d)
			}
		} else {
			s.polyline(pl)
		}
		if *budget+s.npts > maxPoints {
			return nil, fmt.Errorf("%w: more than %d points in outlines", ErrLimit, maxPoints)
		}
	}
	*budget += s.npts
	return s.out, nil
}

// dedupe drops points equal to the one before (and, for a closed
// contour, a last point equal to the first).
func dedupe(pts []point, closed bool) []point {
	out := make([]point, 0, len(pts))
	for _, p := range pts {
		if len(out) > 0 && p.near(out[len(out)-1], 1e-9) {
			continue
		}
		out = append(out, p)
	}
	if closed && len(out) > 1 && out[len(out)-1].near(out[0], 1e-9) {
		out = out[:len(out)-1]
	}
	return out
}

// add appends a piece, reversed if need be so that every piece winds the
// same way.
func (s *stroker) add(pts ...point) {
	area := 0.0
	for i := range pts {
		area += pts[i].cross(pts[(i+1)%len(pts)])
	}
	if area == 0 {
		return
	}
	piece := make([]point, len(pts))
	copy(piece, pts)
	if area < 0 {
		for i, j := 0, len(piece)-1; i < j; i, j = i+1, j-1 {
			piece[i], piece[j] = piece[j], piece[i]
		}
	}
	s.out = append(s.out, piece)
	s.npts += len(piece)
}

func (s *stroker) polyline(pl polyline) {
	pts := pl.pts
	n := len(pts)
	if n == 0 {
		return
	}
	if n == 1 {
		d := pl.dir
		if l := d.len(); l > 0 {
			d = d.mul(1 / l)
		} else {
			d = point{1, 0}
		}
		nrm := d.perp().mul(s.hw)
		s.addCap(pts[0], d.mul(-1), nrm.mul(-1))
		s.addCap(pts[0], d, nrm)
		return
	}
	nseg := n - 1
	if pl.closed {
		nseg = n
	}
	dirs := make([]point, nseg)
	nrms := make([]point, nseg)
	for i := 0; i < nseg; i++ {
		a, b := pts[i], pts[(i+1)%n]
		d := b.sub(a)
		d = d.mul(1 / d.len())
		dirs[i] = d
		nrms[i] = d.perp().mul(s.hw)
		s.add(a.add(nrms[i]), b.add(nrms[i]), b.sub(nrms[i]), a.sub(nrms[i]))
	}
	for i := 1; i < nseg; i++ {
		s.joinAt(pts[i], dirs[i-1], dirs[i], nrms[i-1], nrms[i])
	}
	if pl.closed {
		s.joinAt(pts[0], dirs[nseg-1], dirs[0], nrms[nseg-1], nrms[0])
		return
	}
	s.addCap(pts[0], dirs[0].mul(-1), nrms[0].mul(-1))
	s.addCap(pts[n-1], dirs[nseg-1], nrms[nseg-1])
}

// joinAt fills the wedge on the outer side of the corner at p between a
// segment going d1 and the next going d2 (n1, n2: their normals, half the
// width long).
func (s *stroker) joinAt(p, d1, d2, n1, n2 point) {
	cross := d1.cross(d2)
	if math.Abs(cross) < 1e-12 && d1.dot(d2) > 0 {
		return // straight on
	}
	sgn := 1.0
	if cross > 0 {
		sgn = -1
	}
	o1, o2 := n1.mul(sgn), n2.mul(sgn)
	p1, p2 := p.add(o1), p.add(o2)
	switch s.join {
	case joinRound:
		s.fan(p, o1, o2)
	case joinMiter:
		u := o1.add(o2).mul(1 / s.hw) // sum of unit normals, length 2cos(θ/2)
		ul := u.len()
		if ul > 1e-12 && 2/ul <= s.miterLimit {
			m := p.add(u.mul(2 * s.hw / (ul * ul)))
			s.add(p, p1, m, p2)
			return
		}
		s.add(p, p1, p2)
	default:
		s.add(p, p1, p2)
	}
}

// addCap adds the cap at end point p of a line leaving in direction d (unit),
// whose normal there is nrm (half the width long).
func (s *stroker) addCap(p, d, nrm point) {
	switch s.cap {
	case capSquare:
		ext := d.mul(s.hw)
		s.add(p.add(nrm), p.add(nrm).add(ext), p.sub(nrm).add(ext), p.sub(nrm))
	case capRound:
		// Two quarter fans through the tip, so the arc bulges along d.
		tip := d.mul(s.hw)
		s.fan(p, nrm, tip)
		s.fan(p, tip, nrm.mul(-1))
	}
}

// fan adds the circular sector centred on c from offset a to offset b
// (both of length hw), the short way round.
func (s *stroker) fan(c, a, b point) {
	a0 := math.Atan2(a.y, a.x)
	delta := math.Atan2(a.cross(b), a.dot(b))
	step := 2 * math.Acos(math.Max(-1, 1-s.tol/math.Max(s.hw, 1e-12)))
	n := 1
	if step > 0 {
		n = int(math.Ceil(math.Abs(delta) / step))
	}
	if n < 1 {
		n = 1
	}
	if n > 256 {
		n = 256
	}
	pts := make([]point, 0, n+2)
	pts = append(pts, c, c.add(a))
	for i := 1; i < n; i++ {
		sn, cs := math.Sincos(a0 + delta*float64(i)/float64(n))
		pts = append(pts, point{c.x + s.hw*cs, c.y + s.hw*sn})
	}
	pts = append(pts, c.add(b))
	s.add(pts...)
}

// dashes cuts a polyline into its dashes. pattern has an even length and
// a positive sum.
func dashes(pl polyline, pattern []float64, offset float64) []polyline {
	pts := pl.pts
	n := len(pts)
	nseg := n - 1
	if pl.closed {
		nseg = n
	}
	total, period := 0.0, 0.0
	for i := 0; i < nseg; i++ {
		total += pts[(i+1)%n].sub(pts[i]).len()
	}
	for _, d := range pattern {
		period += d
	}
	if total/period*float64(len(pattern)) > maxDashes {
		return []polyline{pl}
	}
	// Find where in the pattern the path starts.
	pos := math.Mod(offset, period)
	if pos < 0 {
		pos += period
	}
	idx := 0
	for pos > 0 && pos >= pattern[idx] {
		pos -= pattern[idx]
		idx = (idx + 1) % len(pattern)
	}
	rem := pattern[idx] - pos // left in the current dash or gap
	on := idx%2 == 0
	var out []polyline
	var cur []point
	if on && n > 0 {
		cur = []point{pts[0]}
	}
	for i := 0; i < nseg; i++ {
		a, b := pts[i], pts[(i+1)%n]
		seg := b.sub(a)
		l := seg.len()
		t := 0.0
		for l-t > rem {
			t += rem
			q := lerp(a, b, t/l)
			if on {
				cur = append(cur, q)
				out = append(out, polyline{pts: cur, dir: seg})
				cur = nil
			} else {
				cur = []point{q}
			}
			on = !on
			idx = (idx + 1) % len(pattern)
			rem = pattern[idx]
		}
		rem -= l - t
		if on {
			cur = append(cur, b)
		}
	}
	if on && len(cur) > 0 {
		if pl.closed && len(out) > 0 && out[0].pts[0].eq(pts[0]) {
			// The dash running over the start of a closed path is one dash.
			out[0].pts = append(cur, out[0].pts[1:]...)
		} else {
			out = append(out, polyline{pts: cur, dir: point{1, 0}})
		}
	}
	for i := range out {
		out[i].pts = dedupe(out[i].pts, false)
	}
	return out
}
