package raster

import (
	"math"
	"strings"
)

// matrix is an affine transform, as SVG writes it: a point (x, y) maps to
// (a·x + c·y + e, b·x + d·y + f).
type matrix struct{ a, b, c, d, e, f float64 }

var identity = matrix{1, 0, 0, 1, 0, 0}

func translation(x, y float64) matrix { return matrix{1, 0, 0, 1, x, y} }
func scaling(x, y float64) matrix     { return matrix{x, 0, 0, y, 0, 0} }

func rotation(deg float64) matrix {
	s, c := math.Sincos(deg * math.Pi / 180)
	return matrix{c, s, -s, c, 0, 0}
}

// mul returns m·n: n applied first, then m.
func (m matrix) mul(n matrix) matrix {
	return matrix{
		a: m.a*n.a + m.c*n.b,
		b: m.b*n.a + m.d*n.b,
		c: m.a*n.c + m.c*n.d,
		d: m.b*n.c + m.d*n.d,
		e: m.a*n.e + m.c*n.f + m.e,
		f: m.b*n.e + m.d*n.f + m.f,
	}
}

func (m matrix) apply(p point) point {
	return point{m.a*p.x + m.c*p.y + m.e, m.b*p.x + m.d*p.y + m.f}
}

func (m matrix) det() float64 { return m.a*m.d - m.b*m.c }

// invert returns the inverse, and false if m is singular.
func (m matrix) invert() (matrix, bool) {
	det := m.det()
	if det == 0 || math.IsNaN(det) || math.IsInf(det, 0) {
		return matrix{}, false
	}
	return matrix{
		a: m.d / det,
		b: -m.b / det,
		c: -m.c / det,
		d: m.a / det,
		e: (m.c*m.f - m.d*m.e) / det,
		f: (m.b*m.e - m.a*m.f) / det,
	}, true
}

// maxScale is the largest factor by which m stretches a length: its
// largest singular value.
func (m matrix) maxScale() float64 {
	p := (m.a*m.a + m.b*m.b + m.c*m.c + m.d*m.d) / 2
	q := m.det()
	return math.Sqrt(p + math.Sqrt(math.Max(p*p-q*q, 0)))
}

func (m matrix) finite() bool {
	for _, v := range [...]float64{m.a, m.b, m.c, m.d, m.e, m.f} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// parseTransform reads a transform list. An error in it makes the whole
// attribute count as absent (identity), as browsers do.
func parseTransform(s string) (matrix, bool) {
	m := identity
	sc := scanner{s: s}
	for {
		sc.skipSpaceComma()
		if sc.done() {
			return m, true
		}
		start := sc.i
		for !sc.done() && (isLetter(sc.s[sc.i])) {
			sc.i++
		}
		name := sc.s[start:sc.i]
		sc.skipSpace()
		if sc.done() || sc.s[sc.i] != '(' {
			return identity, false
		}
		sc.i++
		end := strings.IndexByte(sc.s[sc.i:], ')')
		if end < 0 {
			return identity, false
		}
		args, ok := parseNumberList(sc.s[sc.i : sc.i+end])
		sc.i += end + 1
		if !ok {
			return identity, false
		}
		t, ok := transformFunc(name, args)
		if !ok {
			return identity, false
		}
		m = m.mul(t)
	}
}

func transformFunc(name string, v []float64) (matrix, bool) {
	n := len(v)
	switch name {
	case "matrix":
		if n == 6 {
			return matrix{v[0], v[1], v[2], v[3], v[4], v[5]}, true
		}
	case "translate":
		if n == 1 {
			return translation(v[0], 0), true
		}
		if n == 2 {
			return translation(v[0], v[1]), true
		}
	case "scale":
		if n == 1 {
			return scaling(v[0], v[0]), true
		}
		if n == 2 {
			return scaling(v[0], v[1]), true
		}
	case "rotate":
		if n == 1 {
			return rotation(v[0]), true
		}
		if n == 3 {
			return translation(v[1], v[2]).mul(rotation(v[0])).mul(translation(-v[1], -v[2])), true
		}
	case "skewX":
		if n == 1 {
			return matrix{1, 0, math.Tan(v[0] * math.Pi / 180), 1, 0, 0}, true
		}
	case "skewY":
		if n == 1 {
			return matrix{1, math.Tan(v[0] * math.Pi / 180), 0, 1, 0, 0}, true
		}
	}
	return identity, false
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// parseNumberList reads numbers separated by spaces and commas.
func parseNumberList(s string) ([]float64, bool) {
	sc := scanner{s: s}
	var out []float64
	for {
		sc.skipSpaceComma()
		if sc.done() {
			return out, true
		}
		f, ok := sc.number()
		if !ok {
			return out, false
		}
		out = append(out, f)
	}
}
