package raster

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// node is one element of the document. Its attributes hold presentation
// attributes with the declarations of its style attribute written over
// them, so that style wins as in CSS.
type node struct {
	name     string
	attr     map[string]string
	children []*node
	text     string // character data, for <text>; tspans' is appended
	line     int    // line in the document, for errors
}

type document struct {
	root *node
	ids  map[string]*node // first element with each id
}

// parse reads the document into a tree, bounded by MaxElements and
// MaxDepth.
func parse(svg []byte) (*document, error) {
	d := xml.NewDecoder(bytes.NewReader(svg))
	d.Strict = true
	d.Entity = xml.HTMLEntity // &nbsp; and friends, as inline SVG allows
	doc := &document{ids: map[string]*node{}}
	var stack []*node
	count := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("raster: malformed SVG: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if count++; count > MaxElements {
				return nil, fmt.Errorf("%w: more than %d elements", ErrLimit, MaxElements)
			}
			if len(stack) >= MaxDepth {
				return nil, fmt.Errorf("%w: elements nested more than %d deep", ErrLimit, MaxDepth)
			}
			line, _ := d.InputPos()
			n := &node{name: t.Name.Local, attr: attributes(t.Attr), line: line}
			if id := n.attr["id"]; id != "" && doc.ids[id] == nil {
				doc.ids[id] = n
			}
			if len(stack) == 0 {
				if doc.root != nil {
					return nil, errors.New("raster: malformed SVG: more than one root element")
				}
				doc.root = n
			} else {
				p := stack[len(stack)-1]
				p.children = append(p.children, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			// Text belongs to the innermost <text>, tspans included.
			for i := len(stack) - 1; i >= 0; i-- {
				if stack[i].name == "text" {
					stack[i].text += string(t)
					break
				}
			}
		}
	}
	if doc.root == nil {
		return nil, errors.New("raster: malformed SVG: no root element")
	}
	if doc.root.name != "svg" {
		return nil, fmt.Errorf("raster: root element is <%s>, not <svg>", doc.root.name)
	}
	return doc, nil
}

// attributes maps local names to values, then applies the style
// attribute's declarations.
func attributes(as []xml.Attr) map[string]string {
	m := make(map[string]string, len(as))
	style := ""
	for _, a := range as {
		name := a.Name.Local
		if a.Name.Space == "xml" || a.Name.Space == "http://www.w3.org/XML/1998/namespace" {
			name = "xml:" + name
		}
		if name == "style" {
			style = a.Value
			continue
		}
		m[name] = strings.TrimSpace(a.Value)
	}
	if style != "" {
		applyStyle(m, style)
	}
	return m
}

// applyStyle writes the declarations of a style attribute into m. The
// font shorthand is expanded into font-size, font-weight and font-style.
func applyStyle(m map[string]string, style string) {
	for _, decl := range splitDeclarations(style) {
		k, v, ok := strings.Cut(decl, ":")
		if !ok {
			continue
		}
		k = strings.ToLower(strings.TrimSpace(k))
		v = strings.TrimSpace(v)
		v = strings.TrimSpace(strings.TrimSuffix(v, "!important"))
		if k == "" || v == "" {
			continue
		}
		if k == "font" {
			expandFont(m, v)
			continue
		}
		m[k] = v
	}
}

// splitDeclarations splits at semicolons outside parentheses and quotes.
func splitDeclarations(s string) []string {
	var out []string
	depth, start := 0, 0
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '(':
			depth++
		case c == ')':
			if depth > 0 {
				depth--
			}
		case c == ';' && depth == 0:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}
