package render

import (
	"bytes"
	"html"
	"regexp"
	"strconv"
	"strings"

	"github.com/briefing-dev/briefing/internal/render/fonts"
)

// textElem matches one <text …>content</text> of ECharts' SVG, whose text
// holds no markup (ECharts writes one element a line, content escaped).
var textElem = regexp.MustCompile(`<text ([^>]*)>([^<]*)</text>`)

var styleAttr = regexp.MustCompile(`style="([^"]*)"`)

// fitText gives every text element the width it was laid out at
// (textLength, with spacing and glyphs adjusted), so that a browser
// drawing the image with another font than the one that measured it
// (print, <noscript>, the PDF) keeps labels where ECharts put them
// instead of running them into their neighbours. Our own rasteriser draws
// with the measuring fonts and ignores the attribute.
func fitText(svg []byte, set *fonts.Set) []byte {
	return textElem.ReplaceAllFunc(svg, func(m []byte) []byte {
		sub := textElem.FindSubmatch(m)
		attrs, content := sub[1], sub[2]
		if len(content) == 0 || bytes.Contains(attrs, []byte("textLength=")) {
			return m
		}
		sp := fonts.Spec{Size: 12}
		if st := styleAttr.FindSubmatch(attrs); st != nil {
			sp = fonts.Parse(fontOf(string(st[1])))
		}
		w := set.Measure(html.UnescapeString(string(content)), sp)
		if w <= 0 {
			return m
		}
		var b bytes.Buffer
		b.WriteString("<text ")
		b.Write(attrs)
		b.WriteString(` textLength="`)
		b.WriteString(strconv.FormatFloat(w, 'f', 2, 64))
		b.WriteString(`" lengthAdjust="spacingAndGlyphs">`)
		b.Write(content)
		b.WriteString("</text>")
		return b.Bytes()
	})
}

// fontOf turns the font declarations of a style attribute
// ("font-size:12px;font-weight:bold;") into the shorthand fonts.Parse
// reads ("12px bold").
func fontOf(style string) string {
	var parts []string
	for _, decl := range strings.Split(style, ";") {
		k, v, ok := strings.Cut(decl, ":")
		switch strings.TrimSpace(k) {
		case "font", "font-size", "font-weight":
			if ok {
				parts = append(parts, strings.TrimSpace(v))
			}
		}
	}
	return strings.Join(parts, " ")
}
