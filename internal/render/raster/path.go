package raster

import (
	"math"
	"strconv"
)

type point struct{ x, y float64 }

func (p point) add(q point) point      { return point{p.x + q.x, p.y + q.y} }
func (p point) sub(q point) point      { return point{p.x - q.x, p.y - q.y} }
func (p point) mul(k float64) point    { return point{p.x * k, p.y * k} }
func (p point) dot(q point) float64    { return p.x*q.x + p.y*q.y }
func (p point) cross(q point) float64  { return p.x*q.y - p.y*q.x }
func (p point) len() float64           { return math.Hypot(p.x, p.y) }
func lerp(p, q point, t float64) point { return point{p.x + (q.x-p.x)*t, p.y + (q.y-p.y)*t} }
func (p point) perp() point            { return point{-p.y, p.x} }
func (p point) eq(q point) bool        { return p.x == q.x && p.y == q.y }
func (p point) near(q point, e float64) bool {
	return math.Abs(p.x-q.x) <= e && math.Abs(p.y-q.y) <= e
}

// Path operations. Arcs are converted to cubics as they are read.
const (
	opMove = iota
	opLine
	opQuad
	opCubic
	opClose
)

// path is an outline in absolute coordinates. Each operation takes its
// points from pts in order: move and line one, quad two, cubic three,
// close none.
type path struct {
	ops []uint8
	pts []point
}

func (p *path) moveTo(a point) { p.ops = append(p.ops, opMove); p.pts = append(p.pts, a) }
func (p *path) lineTo(a point) { p.ops = append(p.ops, opLine); p.pts = append(p.pts, a) }
func (p *path) quadTo(c, a point) {
	p.ops = append(p.ops, opQuad)
	p.pts = append(p.pts, c, a)
}
func (p *path) cubicTo(c1, c2, a point) {
	p.ops = append(p.ops, opCubic)
	p.pts = append(p.pts, c1, c2, a)
}
func (p *path) close() { p.ops = append(p.ops, opClose) }

// arcTo adds an SVG elliptical arc from cur to end as cubic Béziers,
// following the SVG implementation notes (F.6.5, F.6.6): out-of-range
// radii are scaled up, a zero radius makes a line, and an arc to the
// current point is nothing.
func (p *path) arcTo(cur point, rx, ry, rotDeg float64, large, sweep bool, end point) {
	if cur.eq(end) {
		return
	}
	rx, ry = math.Abs(rx), math.Abs(ry)
	if rx == 0 || ry == 0 {
		p.lineTo(end)
		return
	}
	sinPhi, cosPhi := math.Sincos(rotDeg * math.Pi / 180)
	dx, dy := (cur.x-end.x)/2, (cur.y-end.y)/2
	x1 := cosPhi*dx + sinPhi*dy
	y1 := -sinPhi*dx + cosPhi*dy
	if l := x1*x1/(rx*rx) + y1*y1/(ry*ry); l > 1 {
		s := math.Sqrt(l)
		rx, ry = rx*s, ry*s
	}
	num := rx*rx*ry*ry - rx*rx*y1*y1 - ry*ry*x1*x1
	den := rx*rx*y1*y1 + ry*ry*x1*x1
	k := 0.0
	if den > 0 && num > 0 {
		k = math.Sqrt(num / den)
	}
	if large == sweep {
		k = -k
	}
	cx1, cy1 := k*rx*y1/ry, -k*ry*x1/rx
	cx := cosPhi*cx1 - sinPhi*cy1 + (cur.x+end.x)/2
	cy := sinPhi*cx1 + cosPhi*cy1 + (cur.y+end.y)/2
	theta1 := math.Atan2((y1-cy1)/ry, (x1-cx1)/rx)
	theta2 := math.Atan2((-y1-cy1)/ry, (-x1-cx1)/rx)
	delta := theta2 - theta1
	if sweep && delta < 0 {
		delta += 2 * math.Pi
	} else if !sweep && delta > 0 {
		delta -= 2 * math.Pi
	}
	// At most a quarter turn per cubic.
	n := int(math.Ceil(math.Abs(delta)/(math.Pi/2) - 1e-9))
	if n < 1 {
		n = 1
	}
	step := delta / float64(n)
	kappa := 4.0 / 3 * math.Tan(step/4)
	onEllipse := func(t float64) (point, point) {
		s, c := math.Sincos(t)
		pos := point{cx + rx*c*cosPhi - ry*s*sinPhi, cy + rx*c*sinPhi + ry*s*cosPhi}
		der := point{-rx*s*cosPhi - ry*c*sinPhi, -rx*s*sinPhi + ry*c*cosPhi}
		return pos, der
	}
	t := theta1
	from, d1 := onEllipse(t)
	for i := 0; i < n; i++ {
		to, d2 := onEllipse(t + step)
		if i == n-1 {
			to = end
		}
		p.cubicTo(from.add(d1.mul(kappa)), to.sub(d2.mul(kappa)), to)
		t += step
		from, d1 = to, d2
	}
}

// scanner reads SVG numbers and flags.
type scanner struct {
	s string
	i int
}

func (sc *scanner) done() bool { return sc.i >= len(sc.s) }

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

func (sc *scanner) skipSpace() {
	for sc.i < len(sc.s) && isSpace(sc.s[sc.i]) {
		sc.i++
	}
}

func (sc *scanner) skipSpaceComma() {
	sc.skipSpace()
	if sc.i < len(sc.s) && sc.s[sc.i] == ',' {
		sc.i++
		sc.skipSpace()
	}
}

// number reads one number: [+-] digits [. digits] [e [+-] digits], where
// "1.5.5" is two numbers and "-1-2" two more.
func (sc *scanner) number() (float64, bool) {
	s, i := sc.s, sc.i
	start := i
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
			digits++
		}
	}
	if digits == 0 {
		return 0, false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		k := j
		for k < len(s) && '0' <= s[k] && s[k] <= '9' {
			k++
		}
		if k > j {
			i = k
		}
	}
	f, err := strconv.ParseFloat(s[start:i], 64)
	if err != nil && !isRangeErr(err) {
		return 0, false
	}
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	sc.i = i
	return f, true
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

func (sc *scanner) flag() (bool, bool) {
	if sc.done() {
		return false, false
	}
	switch sc.s[sc.i] {
	case '0':
		sc.i++
		return false, true
	case '1':
		sc.i++
		return true, true
	}
	return false, false
}

// parsePathData reads the d attribute. At the first error it stops and
// returns what came before, as SVG asks.
func parsePathData(d string) *path {
	p := &path{}
	sc := scanner{s: d}
	var cur, start, ctrl point // ctrl: last control point, for S and T
	var cmd, prev byte
	for {
		sc.skipSpace()
		if sc.done() {
			return p
		}
		if c := sc.s[sc.i]; isLetter(c) {
			cmd = c
			sc.i++
		} else if cmd == 0 {
			return p
		} else if cmd == 'M' || cmd == 'm' {
			cmd -= 'M' - 'L' // implicit lineto after a moveto
		} else if cmd == 'Z' || cmd == 'z' {
			return p // numbers after Z
		}
		if len(p.ops) == 0 && cmd != 'M' && cmd != 'm' {
			return p
		}
		rel := cmd >= 'a'
		base := point{}
		if rel {
			base = cur
		}
		args, ok := pathArgs(&sc, cmd)
		if !ok {
			return p
		}
		at := func(i int) point { return point{args[i], args[i+1]}.add(base) }
		switch cmd | 0x20 { // lower case
		case 'm':
			cur = at(0)
			start = cur
			p.moveTo(cur)
		case 'l':
			cur = at(0)
			p.lineTo(cur)
		case 'h':
			cur = point{args[0] + base.x, cur.y}
			p.lineTo(cur)
		case 'v':
			cur = point{cur.x, args[0] + base.y}
			p.lineTo(cur)
		case 'c':
			c1, c2, e := at(0), at(2), at(4)
			p.cubicTo(c1, c2, e)
			ctrl, cur = c2, e
		case 's':
			c1 := cur
			if prev|0x20 == 'c' || prev|0x20 == 's' {
				c1 = cur.mul(2).sub(ctrl)
			}
			c2, e := at(0), at(2)
			p.cubicTo(c1, c2, e)
			ctrl, cur = c2, e
		case 'q':
			c, e := at(0), at(2)
			p.quadTo(c, e)
			ctrl, cur = c, e
		case 't':
			c := cur
			if prev|0x20 == 'q' || prev|0x20 == 't' {
				c = cur.mul(2).sub(ctrl)
			}
			e := at(0)
			p.quadTo(c, e)
			ctrl, cur = c, e
		case 'a':
			e := at(5)
			p.arcTo(cur, args[0], args[1], args[2], args[3] != 0, args[4] != 0, e)
			cur = e
		case 'z':
			p.close()
			cur = start
		default:
			return p
		}
		prev = cmd
	}
}

// pathArgs reads the arguments of one command (arcs' flags as 0 or 1).
func pathArgs(sc *scanner, cmd byte) ([]float64, bool) {
	var n int
	switch cmd | 0x20 {
	case 'z':
		return nil, true
	case 'h', 'v':
		n = 1
	case 'm', 'l', 't':
		n = 2
	case 's', 'q':
		n = 4
	case 'c':
		n = 6
	case 'a':
		n = 7
	default:
		return nil, false
	}
	args := make([]float64, n)
	for i := 0; i < n; i++ {
		if i > 0 {
			sc.skipSpaceComma()
		} else {
			sc.skipSpace()
		}
		if cmd|0x20 == 'a' && (i == 3 || i == 4) {
			f, ok := sc.flag()
			if !ok {
				return nil, false
			}
			if f {
				args[i] = 1
			}
			continue
		}
		f, ok := sc.number()
		if !ok {
			return nil, false
		}
		args[i] = f
	}
	sc.skipSpaceComma()
	return args, true
}
