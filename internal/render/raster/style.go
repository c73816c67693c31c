package raster

import (
	"strconv"
	"strings"

	"github.com/briefing-dev/briefing/internal/render/fonts"
)

// Line caps and joins.
const (
	capButt = iota
	capRound
	capSquare
)

const (
	joinMiter = iota
	joinRound
	joinBevel
)

// Text anchors.
const (
	anchorStart = iota
	anchorMiddle
	anchorEnd
)

// paintKind says what a fill or stroke is.
type paintKind uint8

const (
	paintNone paintKind = iota
	paintColor
	paintURL
	paintCurrent // currentColor, resolved when drawing
)

type paint struct {
	kind     paintKind
	color    rgba   // paintColor, and the fallback of paintURL
	url      string // paintURL: the id
	fallback bool   // paintURL: color is a fallback to use if url is missing
}

// style is the computed style of an element: inherited properties from its
// ancestors with its own attributes applied.
type style struct {
	fill, stroke               paint
	color                      rgba // currentColor
	fillOpacity, strokeOpacity float64
	strokeWidth                float64
	dash                       []float64
	dashOffset                 float64
	lineCap, lineJoin          int
	miterLimit                 float64
	fontSize                   float64
	bold, italic               bool
	anchor                     int
	baseline                   string
	strokeFirst                bool // paint-order puts stroke before fill
	visible                    bool
	preserveSpace              bool // xml:space="preserve"
}

func rootStyle() *style {
	return &style{
		fill:          paint{kind: paintColor, color: rgba{0, 0, 0, 1}},
		color:         rgba{0, 0, 0, 1},
		fillOpacity:   1,
		strokeOpacity: 1,
		strokeWidth:   1,
		miterLimit:    4,
		fontSize:      16, // CSS's medium; ECharts always sets a size
		visible:       true,
	}
}

// inherit computes n's style from its parent's. Invalid values are
// ignored, as CSS ignores an invalid declaration.
func inherit(parent *style, n *node) *style {
	s := *parent
	s.textProps(n.attr, parent.fontSize) // first: em lengths need the size
	s.paints(n.attr)
	s.strokeProps(n.attr)
	if v, ok := n.attr["paint-order"]; ok {
		s.strokeFirst = strokeFirst(v)
	}
	switch n.attr["visibility"] {
	case "hidden", "collapse":
		s.visible = false
	case "visible":
		s.visible = true
	}
	return &s
}

func (s *style) paints(a map[string]string) {
	if v, ok := a["color"]; ok {
		if c, ok := parseColor(v); ok {
			s.color = c
		}
	}
	if v, ok := a["fill"]; ok {
		if p, ok := parsePaint(v); ok {
			s.fill = p
		}
	}
	if v, ok := a["stroke"]; ok {
		if p, ok := parsePaint(v); ok {
			s.stroke = p
		}
	}
	s.fillOpacity = opacityAttr(a, "fill-opacity", s.fillOpacity)
	s.strokeOpacity = opacityAttr(a, "stroke-opacity", s.strokeOpacity)
}

func (s *style) strokeProps(a map[string]string) {
	if v, ok := a["stroke-width"]; ok {
		if w, ok := parseLength(v, s.fontSize); ok && w >= 0 {
			s.strokeWidth = w
		}
	}
	if v, ok := a["stroke-dasharray"]; ok {
		if d, ok := parseDashArray(v); ok {
			s.dash = d
		}
	}
	if v, ok := a["stroke-dashoffset"]; ok {
		if o, ok := parseLength(v, s.fontSize); ok {
			s.dashOffset = o
		}
	}
	switch a["stroke-linecap"] {
	case "butt":
		s.lineCap = capButt
	case "round":
		s.lineCap = capRound
	case "square":
		s.lineCap = capSquare
	}
	switch a["stroke-linejoin"] {
	case "miter", "miter-clip", "arcs":
		s.lineJoin = joinMiter
	case "round":
		s.lineJoin = joinRound
	case "bevel":
		s.lineJoin = joinBevel
	}
	if v, ok := a["stroke-miterlimit"]; ok {
		if m, err := strconv.ParseFloat(v, 64); err == nil && m >= 1 {
			s.miterLimit = m
		}
	}
}

func (s *style) textProps(a map[string]string, parentSize float64) {
	if v, ok := a["font-size"]; ok {
		if f, ok := parseFontSize(v, parentSize); ok {
			s.fontSize = f
		}
	}
	switch a["font-weight"] {
	case "bold", "bolder", "600", "700", "800", "900":
		s.bold = true
	case "normal", "lighter", "100", "200", "300", "400", "500":
		s.bold = false
	}
	switch a["font-style"] {
	case "italic", "oblique":
		s.italic = true
	case "normal":
		s.italic = false
	}
	switch a["text-anchor"] {
	case "start":
		s.anchor = anchorStart
	case "middle":
		s.anchor = anchorMiddle
	case "end":
		s.anchor = anchorEnd
	}
	for _, name := range []string{"dominant-baseline", "alignment-baseline"} {
		if v, ok := a[name]; ok && v != "inherit" {
			s.baseline = v
		}
	}
	switch a["xml:space"] {
	case "preserve":
		s.preserveSpace = true
	case "default":
		s.preserveSpace = false
	}
}

// strokeFirst reads paint-order: is the stroke painted before the fill?
func strokeFirst(v string) bool {
	for _, w := range strings.Fields(v) {
		switch w {
		case "stroke":
			return true
		case "fill":
			return false
		}
	}
	return false
}

func opacityAttr(a map[string]string, name string, def float64) float64 {
	v, ok := a[name]
	if !ok {
		return def
	}
	o, ok := parseOpacity(v)
	if !ok {
		return def
	}
	return o
}

// parseOpacity reads a number or a percentage, clamped to [0, 1].
func parseOpacity(v string) (float64, bool) {
	pct := strings.HasSuffix(v, "%")
	f, err := strconv.ParseFloat(strings.TrimSuffix(v, "%"), 64)
	if err != nil || f != f {
		return 0, false
	}
	if pct {
		f /= 100
	}
	return clamp01(f), true
}

func clamp01(f float64) float64 {
	if f < 0 {
		return 0
	}
	if f > 1 {
		return 1
	}
	return f
}

// parsePaint reads a fill or stroke value.
func parsePaint(v string) (paint, bool) {
	switch v {
	case "none":
		return paint{kind: paintNone}, true
	case "currentColor", "currentcolor":
		return paint{kind: paintCurrent}, true
	}
	if strings.HasPrefix(v, "url(") {
		end := strings.IndexByte(v, ')')
		if end < 0 {
			return paint{}, false
		}
		ref := strings.Trim(strings.TrimSpace(v[4:end]), `'"`)
		p := paint{kind: paintURL, url: strings.TrimPrefix(ref, "#")}
		if rest := strings.TrimSpace(v[end+1:]); rest != "" {
			if rest == "none" {
				p.fallback = true
				p.color = rgba{}
			} else if c, ok := parseColor(rest); ok {
				p.fallback, p.color = true, c
			}
		}
		return p, true
	}
	c, ok := parseColor(v)
	if !ok {
		return paint{}, false
	}
	return paint{kind: paintColor, color: c}, true
}

// parseDashArray reads stroke-dasharray. A list that sums to zero, or
// "none", means a solid line (nil); a negative value makes the whole list
// invalid.
func parseDashArray(v string) ([]float64, bool) {
	if v == "none" {
		return nil, true
	}
	var d []float64
	sum := 0.0
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r' }) {
		x, ok := parseLength(f, 16)
		if !ok || x < 0 {
			return nil, false
		}
		d = append(d, x)
		sum += x
	}
	if sum <= 0 {
		return nil, true
	}
	if len(d)%2 == 1 {
		d = append(d, d...)
	}
	return d, true
}

// parseLength reads a number with an optional absolute unit, in user
// units (CSS pixels). em is relative to fontSize; percentages, which would
// need the viewport, are read as user units.
func parseLength(v string, fontSize float64) (float64, bool) {
	v = strings.TrimSpace(v)
	mul := 1.0
	for _, u := range []struct {
		suffix string
		mul    float64
	}{{"px", 1}, {"pt", 4.0 / 3}, {"pc", 16}, {"mm", 96 / 25.4}, {"cm", 96 / 2.54}, {"in", 96}, {"em", fontSize}, {"%", 1}} {
		if strings.HasSuffix(v, u.suffix) {
			v, mul = strings.TrimSpace(strings.TrimSuffix(v, u.suffix)), u.mul
			break
		}
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f != f || f > 1e15 || f < -1e15 {
		return 0, false
	}
	return f * mul, true
}

// parseFontSize reads font-size; a bare number is pixels, and em and
// percentages are relative to the parent's size.
func parseFontSize(v string, parent float64) (float64, bool) {
	if strings.HasSuffix(v, "%") {
		f, err := strconv.ParseFloat(strings.TrimSuffix(v, "%"), 64)
		if err != nil || !(f > 0) {
			return 0, false
		}
		return f / 100 * parent, true
	}
	f, ok := parseLength(v, parent)
	if !ok || !(f > 0) || f > 10000 {
		return 0, false
	}
	return f, true
}

// expandFont writes the CSS font shorthand as font-size, font-weight and
// font-style. Size and weight are read by fonts.Parse, as they were when
// ECharts measured the text.
func expandFont(m map[string]string, v string) {
	sp := fonts.Parse(v)
	m["font-size"] = strconv.FormatFloat(sp.Size, 'g', -1, 64)
	if sp.Bold {
		m["font-weight"] = "bold"
	} else {
		m["font-weight"] = "normal"
	}
	m["font-style"] = "normal"
	for _, w := range strings.Fields(v) {
		if w == "italic" || w == "oblique" {
			m["font-style"] = "italic"
		}
	}
}
