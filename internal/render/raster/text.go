package raster

import (
	"strings"
	"sync"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"github.com/briefing-dev/briefing/internal/render/fonts"
)

// maxTextRunes bounds the characters of one <text>.
const maxTextRunes = 10000

// italicSlant is the shear of synthetic italics, as browsers make them
// for a face that has no italic.
const italicSlant = 0.2

// glyphKey names a glyph outline in the cache.
type glyphKey struct {
	font  *sfnt.Font
	glyph sfnt.GlyphIndex
}

// glyphs caches outlines in font units (y down), shared by all renders.
// It holds the glyphs of the characters drawn so far: a few hundred for
// Latin text, more for CJK; fonts.NewSet gives a site the same fonts on
// every build, so a long-running server does not fill it with copies.
var glyphs sync.Map // glyphKey → *path

func glyphOutline(f *sfnt.Font, g sfnt.GlyphIndex, buf *sfnt.Buffer) *path {
	k := glyphKey{f, g}
	if p, ok := glyphs.Load(k); ok {
		return p.(*path)
	}
	upem := fixed.Int26_6(f.UnitsPerEm()) << 6
	segs, err := f.LoadGlyph(buf, g, upem, nil)
	p := &path{}
	if err == nil {
		pt := func(q fixed.Point26_6) point { return point{float64(q.X) / 64, float64(q.Y) / 64} }
		open := false
		for _, s := range segs {
			switch s.Op {
			case sfnt.SegmentOpMoveTo:
				if open {
					p.close()
				}
				p.moveTo(pt(s.Args[0]))
				open = true
			case sfnt.SegmentOpLineTo:
				p.lineTo(pt(s.Args[0]))
			case sfnt.SegmentOpQuadTo:
				p.quadTo(pt(s.Args[0]), pt(s.Args[1]))
			case sfnt.SegmentOpCubeTo:
				p.cubicTo(pt(s.Args[0]), pt(s.Args[1]), pt(s.Args[2]))
			}
		}
		if open {
			p.close()
		}
	}
	glyphs.Store(k, p)
	return p
}

// textContent applies SVG's white-space rules: by default newlines go,
// tabs become spaces, runs of spaces shrink to one and the ends are
// trimmed; with xml:space="preserve" newlines and tabs become spaces.
func textContent(s string, preserve bool) string {
	if preserve {
		return strings.Map(func(r rune) rune {
			if r == '\n' || r == '\r' || r == '\t' {
				return ' '
			}
			return r
		}, s)
	}
	s = strings.NewReplacer("\r\n", "", "\n", "", "\r", "", "\t", " ").Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

// textPath lays out a <text> in the renderer's fonts and returns the glyph
// outlines in the element's user space, and the box from the start of the
// line to its end, ascent to descent (for gradients).
func (r *renderer) textPath(n *node, st *style) (*path, [2]point) {
	text := textContent(n.text, st.preserveSpace)
	if text == "" {
		return nil, [2]point{}
	}
	if runes := []rune(text); len(runes) > maxTextRunes {
		text = string(runes[:maxTextRunes])
	}
	spec := fonts.Spec{Size: st.fontSize, Bold: st.bold}
	first := func(name string) float64 {
		v, _ := parseNumberList(n.attr[name])
		if len(v) == 0 {
			return 0
		}
		return v[0]
	}
	x, y := first("x")+first("dx"), first("y")+first("dy")
	width := r.fonts.Measure(text, spec)
	switch st.anchor {
	case anchorMiddle:
		x -= width / 2
	case anchorEnd:
		x -= width
	}
	asc, desc := fonts.Metrics(spec)
	baseline := y + baselineShift(st.baseline, st.fontSize, asc, desc)

	// The same walk as Measure, so the advances are those ECharts laid
	// the text out with.
	var buf sfnt.Buffer
	p := &path{}
	r.fonts.Layout(text, spec, func(g fonts.Glyph) {
		k := g.Size / float64(g.Font.UnitsPerEm())
		appendGlyph(p, glyphOutline(g.Font, g.Index, &buf), x+g.X, baseline, k, st.italic)
	})
	return p, [2]point{{x, baseline - asc}, {x + width, baseline + desc}}
}

// appendGlyph adds glyph outline g (font units) to p, scaled by k with its
// origin at (ox, oy).
func appendGlyph(p *path, g *path, ox, oy, k float64, italic bool) {
	p.ops = append(p.ops, g.ops...)
	for _, q := range g.pts {
		x, y := q.x*k, q.y*k
		if italic {
			x -= y * italicSlant
		}
		p.pts = append(p.pts, point{ox + x, oy + y})
	}
}

// baselineShift is where the alphabetic baseline sits below y for a
// dominant-baseline value.
func baselineShift(v string, size, asc, desc float64) float64 {
	switch v {
	case "central":
		// Halfway between ascent and descent, as Chromium places SVG text
		// (measured: within 0.1 px at 12 and 18 px). ECharts writes every
		// label with central.
		return (asc - desc) / 2
	case "middle":
		// The middle of the em box, with the box split between ascent and
		// descent in their proportion: how canvas sets textBaseline
		// "middle", about half a pixel higher than central at 12 px.
		return size*asc/(asc+desc) - size/2
	case "hanging":
		return asc * 0.8 // Chromium's, for a font without a BASE table
	case "text-before-edge", "text-top", "before-edge":
		return asc
	case "ideographic", "text-after-edge", "text-bottom", "after-edge":
		return -desc
	case "mathematical":
		return asc / 2
	}
	return 0
}

func (r *renderer) drawText(n *node, st *style, ctm matrix, cl *clip, alpha float64) error {
	p, box := r.textPath(n, st)
	if p == nil || len(p.ops) == 0 {
		return nil
	}
	return r.drawPath(p, st, ctm, cl, alpha, &box)
}
