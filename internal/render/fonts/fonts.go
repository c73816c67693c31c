// Package fonts is the one typeface of static charts: the Go fonts
// (BSD-licensed, compiled into the binary), used both to measure text for
// ECharts' layout and to draw it, so that labels land where they were
// measured.
package fonts

import (
	"regexp"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// Spec is a parsed CSS font shorthand: "bold 14px sans-serif".
type Spec struct {
	Size float64 // pixels
	Bold bool
}

var sizeRe = regexp.MustCompile(`(\d+(?:\.\d+)?)px`)

// Parse reads the size and weight of a CSS font shorthand; the family is
// ignored (there is one). The default is 12px regular, ECharts' own.
func Parse(css string) Spec {
	s := Spec{Size: 12}
	if m := sizeRe.FindStringSubmatch(css); m != nil {
		s.Size, _ = strconv.ParseFloat(m[1], 64)
	}
	for _, w := range strings.Fields(css) {
		switch w {
		case "bold", "bolder", "600", "700", "800", "900":
			s.Bold = true
		}
	}
	return s
}

var (
	once          sync.Once
	regular, bold *sfnt.Font
	loadErr       error
)

func load() {
	if regular, loadErr = opentype.Parse(goregular.TTF); loadErr != nil {
		return
	}
	bold, loadErr = opentype.Parse(gobold.TTF)
}

// Font returns the typeface for s.
func Font(s Spec) (*sfnt.Font, error) {
	once.Do(load)
	if loadErr != nil {
		return nil, loadErr
	}
	if s.Bold {
		return bold, nil
	}
	return regular, nil
}

// Measure returns the advance width in pixels of text set in s, kerning
// included.
func Measure(text string, s Spec) float64 {
	f, err := Font(s)
	if err != nil {
		return 0
	}
	var buf sfnt.Buffer
	ppem := fixed.Int26_6(s.Size * 64)
	var width fixed.Int26_6
	prev := sfnt.GlyphIndex(0)
	for i, r := range text {
		g, err := f.GlyphIndex(&buf, r)
		if err != nil {
			continue
		}
		if i > 0 {
			if k, err := f.Kern(&buf, prev, g, ppem, 0); err == nil {
				width += k
			}
		}
		adv, err := f.GlyphAdvance(&buf, g, ppem, 0)
		if err == nil {
			width += adv
		}
		prev = g
	}
	return float64(width) / 64
}

// Metrics returns the ascent and descent in pixels of s.
func Metrics(s Spec) (ascent, descent float64) {
	f, err := Font(s)
	if err != nil {
		return s.Size * 0.8, s.Size * 0.2
	}
	var buf sfnt.Buffer
	m, err := f.Metrics(&buf, fixed.Int26_6(s.Size*64), 0)
	if err != nil {
		return s.Size * 0.8, s.Size * 0.2
	}
	return float64(m.Ascent) / 64, float64(m.Descent) / 64
}
