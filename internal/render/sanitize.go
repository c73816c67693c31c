package render

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

const (
	svgNS   = "http://www.w3.org/2000/svg"
	xlinkNS = "http://www.w3.org/1999/xlink"
	xmlNS   = "http://www.w3.org/XML/1998/namespace" // the xml: prefix, as encoding/xml reports it
)

// safeElements are the SVG elements a static chart may contain: shapes,
// text, gradients and clip paths. Not script, style, image, use,
// foreignObject, a, animate or anything else that runs, loads or links.
var safeElements = map[string]bool{
	"svg": true, "g": true, "path": true, "rect": true, "circle": true, "ellipse": true,
	"line": true, "polyline": true, "polygon": true, "text": true, "tspan": true,
	"defs": true, "linearGradient": true, "radialGradient": true, "stop": true,
	"clipPath": true, "title": true, "desc": true,
}

// safeAttributes are the presentation and geometry attributes ECharts'
// SVG renderer writes, plus its ecmeta_* data attributes (checked apart).
var safeAttributes = map[string]bool{
	"id": true, "class": true, "style": true, "transform": true,
	"width": true, "height": true, "viewBox": true, "version": true, "baseProfile": true,
	"x": true, "y": true, "x1": true, "y1": true, "x2": true, "y2": true,
	"cx": true, "cy": true, "r": true, "rx": true, "ry": true, "fx": true, "fy": true,
	"d": true, "points": true, "offset": true,
	"fill": true, "fill-opacity": true, "fill-rule": true, "stroke": true, "stroke-width": true,
	"stroke-opacity": true, "stroke-dasharray": true, "stroke-dashoffset": true,
	"stroke-linecap": true, "stroke-linejoin": true, "stroke-miterlimit": true,
	"opacity": true, "paint-order": true, "vector-effect": true, "pointer-events": true,
	"stop-color": true, "stop-opacity": true, "gradientUnits": true, "gradientTransform": true,
	"clip-path": true, "clipPathUnits": true,
	"dominant-baseline": true, "text-anchor": true, "font-family": true, "font-size": true,
	"font-style": true, "font-weight": true, "textLength": true, "lengthAdjust": true,
}

// Sanitize reports an error unless svg is well-formed XML holding one svg
// element in the SVG namespace, whose elements and attributes are all in
// the safe sets above, with no attribute named on…, and no attribute value
// that refers to anything outside the image (url() other than url(#id),
// javascript:, expression(), @import, CSS escapes). Text content is
// unrestricted: it is only ever text.
func Sanitize(svg []byte) error {
	dec := xml.NewDecoder(bytes.NewReader(svg))
	depth, roots := 0, 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
				if roots > 1 || t.Name.Local != "svg" {
					return fmt.Errorf("line %d: <%s> outside the svg element", line(dec), t.Name.Local)
				}
			}
			depth++
			if err := checkElement(t); err != nil {
				return fmt.Errorf("line %d: %w", line(dec), err)
			}
		case xml.EndElement:
			depth--
		case xml.CharData:
			if depth == 0 && len(bytes.TrimSpace(t)) > 0 {
				return fmt.Errorf("line %d: text outside the svg element", line(dec))
			}
		case xml.Comment:
			// harmless
		case xml.ProcInst:
			if t.Target != "xml" || depth > 0 || roots > 0 {
				return fmt.Errorf("line %d: processing instruction <?%s?>", line(dec), t.Target)
			}
		case xml.Directive:
			return fmt.Errorf("line %d: directive <!%s>", line(dec), firstWord(string(t)))
		}
	}
	if roots != 1 {
		return errors.New("no svg element")
	}
	return nil
}

func checkElement(t xml.StartElement) error {
	name := t.Name.Local
	if t.Name.Space != svgNS {
		return fmt.Errorf("element <%s> is not in the SVG namespace", name)
	}
	if !safeElements[name] {
		return fmt.Errorf("element <%s> is not allowed", name)
	}
	for _, a := range t.Attr {
		if err := checkAttr(name, a); err != nil {
			return fmt.Errorf("<%s>: %w", name, err)
		}
	}
	return nil
}

func checkAttr(elem string, a xml.Attr) error {
	local := a.Name.Local
	switch {
	case strings.HasPrefix(strings.ToLower(local), "on"):
		return fmt.Errorf("event attribute %s", local)
	case a.Name.Space == "" && local == "xmlns":
		if a.Value != svgNS {
			return fmt.Errorf("xmlns=%q", a.Value)
		}
		return nil
	case a.Name.Space == "xmlns":
		if elem != "svg" || local != "xlink" || a.Value != xlinkNS {
			return fmt.Errorf("namespace declaration xmlns:%s=%q", local, a.Value)
		}
		return nil
	case a.Name.Space == xmlNS && local == "space":
		if a.Value != "preserve" && a.Value != "default" {
			return fmt.Errorf("xml:space=%q", a.Value)
		}
		return nil
	case a.Name.Space != "":
		return fmt.Errorf("attribute %s:%s is not allowed", a.Name.Space, local)
	case strings.HasPrefix(local, "ecmeta_"):
		if !plainValue(a.Value) {
			return fmt.Errorf("attribute %s=%q", local, a.Value)
		}
		return nil
	case !safeAttributes[local]:
		return fmt.Errorf("attribute %s is not allowed", local)
	}
	if !safeValue(a.Value) {
		return fmt.Errorf("attribute %s=%q refers outside the image", local, a.Value)
	}
	return nil
}

// safeValue rejects references to anything outside the image, and CSS
// escapes that could hide one.
func safeValue(v string) bool {
	l := strings.ToLower(v)
	if strings.ContainsAny(l, `\<>`) || strings.Contains(l, "javascript:") ||
		strings.Contains(l, "expression(") || strings.Contains(l, "@import") {
		return false
	}
	for rest := l; ; {
		i := strings.Index(rest, "url(")
		if i < 0 {
			return true
		}
		rest = strings.TrimLeft(rest[i+len("url("):], " \t\n\r'\"")
		if !strings.HasPrefix(rest, "#") {
			return false
		}
	}
}

// plainValue allows the letters, digits and underscores of ECharts' data
// attributes (series index, data index, ssr type).
func plainValue(v string) bool {
	for _, c := range v {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

func line(dec *xml.Decoder) int {
	l, _ := dec.InputPos()
	return l
}

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return ""
}
