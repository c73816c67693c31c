package raster

import (
	"fmt"
	"strings"
)

// viewport is the size of an <svg> element and the transform from its
// content's coordinates (its viewBox) to its own.
type viewport struct {
	width, height float64
	userW, userH  float64 // the size in user units, which percentages refer to
	transform     matrix
}

// rootViewport reads the root's width, height and viewBox. A missing or
// relative size comes from the viewBox, else from SVG's default 300×150.
func rootViewport(n *node) (viewport, error) {
	vb, hasVB := parseViewBox(n.attr["viewBox"])
	size := func(name string, fromVB, def float64) (float64, error) {
		v, ok := n.attr[name]
		if !ok || v == "auto" || strings.HasSuffix(v, "%") {
			if hasVB {
				return fromVB, nil
			}
			return def, nil
		}
		f, ok := parseLength(v, 16)
		if !ok || f < 0 {
			return 0, fmt.Errorf("raster: <svg %s=%q> is not a size", name, v)
		}
		return f, nil
	}
	w, err := size("width", vb[2], 300)
	if err != nil {
		return viewport{}, err
	}
	h, err := size("height", vb[3], 150)
	if err != nil {
		return viewport{}, err
	}
	vp := viewport{width: w, height: h, userW: w, userH: h, transform: identity}
	if hasVB {
		vp.userW, vp.userH = vb[2], vb[3]
		vp.transform = viewBoxTransform(vb, w, h, n.attr["preserveAspectRatio"])
	}
	return vp, nil
}

// nestedViewport is the transform a nested <svg> adds: its position and
// its viewBox.
func nestedViewport(n *node, outerW, outerH float64) matrix {
	num := func(name string, def float64) float64 {
		v, ok := n.attr[name]
		if !ok {
			return def
		}
		if strings.HasSuffix(v, "%") {
			f, ok := parseLength(strings.TrimSuffix(v, "%"), 16)
			if !ok {
				return def
			}
			if name == "x" || name == "width" {
				return f / 100 * outerW
			}
			return f / 100 * outerH
		}
		f, ok := parseLength(v, 16)
		if !ok {
			return def
		}
		return f
	}
	m := translation(num("x", 0), num("y", 0))
	if vb, ok := parseViewBox(n.attr["viewBox"]); ok {
		m = m.mul(viewBoxTransform(vb, num("width", outerW), num("height", outerH), n.attr["preserveAspectRatio"]))
	}
	return m
}

func parseViewBox(v string) ([4]float64, bool) {
	f, ok := parseNumberList(v)
	if !ok || len(f) != 4 || f[2] <= 0 || f[3] <= 0 {
		return [4]float64{}, false
	}
	return [4]float64{f[0], f[1], f[2], f[3]}, true
}

// viewBoxTransform maps viewBox vb onto a w×h viewport following
// preserveAspectRatio (default xMidYMid meet).
func viewBoxTransform(vb [4]float64, w, h float64, par string) matrix {
	sx, sy := w/vb[2], h/vb[3]
	f := strings.Fields(par)
	align, slice := "xMidYMid", false
	if len(f) > 0 {
		align = f[0]
	}
	if len(f) > 1 && f[1] == "slice" {
		slice = true
	}
	if align == "none" {
		return scaling(sx, sy).mul(translation(-vb[0], -vb[1]))
	}
	s := min(sx, sy)
	if slice {
		s = max(sx, sy)
	}
	tx, ty := -vb[0]*s, -vb[1]*s
	free := func(avail, used float64, pos string) float64 {
		switch pos {
		case "Mid":
			return (avail - used) / 2
		case "Max":
			return avail - used
		}
		return 0
	}
	if len(align) == 8 {
		tx += free(w, vb[2]*s, align[1:4])
		ty += free(h, vb[3]*s, align[5:8])
	}
	return matrix{s, 0, 0, s, tx, ty}
}
