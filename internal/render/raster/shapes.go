package raster

import "math"

// shapePath returns the outline of a basic shape or path element in its
// own user space, or nil if it draws nothing (including a negative or zero
// size, which SVG treats as not rendering the element).
func shapePath(n *node, fontSize float64) *path {
	num := func(name string) float64 {
		v, ok := parseLength(n.attr[name], fontSize)
		if !ok {
			return 0
		}
		return v
	}
	switch n.name {
	case "path":
		return parsePathData(n.attr["d"])
	case "rect":
		return rectPath(n, num)
	case "circle":
		r := num("r")
		if r <= 0 {
			return nil
		}
		return ellipsePath(num("cx"), num("cy"), r, r)
	case "ellipse":
		rx, ry := num("rx"), num("ry")
		_, hasRx := n.attr["rx"]
		_, hasRy := n.attr["ry"]
		if !hasRx || n.attr["rx"] == "auto" {
			rx = ry
		}
		if !hasRy || n.attr["ry"] == "auto" {
			ry = rx
		}
		if rx <= 0 || ry <= 0 {
			return nil
		}
		return ellipsePath(num("cx"), num("cy"), rx, ry)
	case "line":
		p := &path{}
		p.moveTo(point{num("x1"), num("y1")})
		p.lineTo(point{num("x2"), num("y2")})
		return p
	case "polyline", "polygon":
		return polyPath(n.attr["points"], n.name == "polygon")
	}
	return nil
}

func rectPath(n *node, num func(string) float64) *path {
	x, y, w, h := num("x"), num("y"), num("width"), num("height")
	if w <= 0 || h <= 0 {
		return nil
	}
	rx, ry := num("rx"), num("ry")
	_, hasRx := n.attr["rx"]
	_, hasRy := n.attr["ry"]
	if !hasRx {
		rx = ry
	}
	if !hasRy {
		ry = rx
	}
	rx = math.Min(math.Max(rx, 0), w/2)
	ry = math.Min(math.Max(ry, 0), h/2)
	p := &path{}
	if rx == 0 || ry == 0 {
		p.moveTo(point{x, y})
		p.lineTo(point{x + w, y})
		p.lineTo(point{x + w, y + h})
		p.lineTo(point{x, y + h})
		p.close()
		return p
	}
	p.moveTo(point{x + rx, y})
	p.lineTo(point{x + w - rx, y})
	p.arcTo(point{x + w - rx, y}, rx, ry, 0, false, true, point{x + w, y + ry})
	p.lineTo(point{x + w, y + h - ry})
	p.arcTo(point{x + w, y + h - ry}, rx, ry, 0, false, true, point{x + w - rx, y + h})
	p.lineTo(point{x + rx, y + h})
	p.arcTo(point{x + rx, y + h}, rx, ry, 0, false, true, point{x, y + h - ry})
	p.lineTo(point{x, y + ry})
	p.arcTo(point{x, y + ry}, rx, ry, 0, false, true, point{x + rx, y})
	p.close()
	return p
}

// ellipsePath starts at the rightmost point and runs clockwise on screen,
// as SVG specifies (it matters for dashes).
func ellipsePath(cx, cy, rx, ry float64) *path {
	p := &path{}
	p.moveTo(point{cx + rx, cy})
	p.arcTo(point{cx + rx, cy}, rx, ry, 0, false, true, point{cx, cy + ry})
	p.arcTo(point{cx, cy + ry}, rx, ry, 0, false, true, point{cx - rx, cy})
	p.arcTo(point{cx - rx, cy}, rx, ry, 0, false, true, point{cx, cy - ry})
	p.arcTo(point{cx, cy - ry}, rx, ry, 0, false, true, point{cx + rx, cy})
	p.close()
	return p
}

// polyPath reads a points list; an odd number of coordinates drops the
// last one, as browsers do.
func polyPath(points string, closed bool) *path {
	v, _ := parseNumberList(points)
	if len(v) < 2 {
		return nil
	}
	p := &path{}
	p.moveTo(point{v[0], v[1]})
	for i := 2; i+1 < len(v); i += 2 {
		p.lineTo(point{v[i], v[i+1]})
	}
	if closed {
		p.close()
	}
	return p
}
