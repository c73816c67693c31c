package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"

	"github.com/briefing-dev/briefing/internal/render/fonts"
)

// Missing is a text of a chart that no font of the set can draw fully.
type Missing struct {
	Text  string // the text as the option holds it
	Runes []rune // its characters that no font has
}

// maxMissing bounds the texts MissingGlyphs reports for one chart.
const maxMissing = 20

// MissingGlyphs returns the texts of option (string values, in the order
// they appear, each once) that hold a character no font of set has (nil:
// fonts.Default), which an image would draw as an empty box. The values
// are checked whether or not the chart shows them; labels that ECharts
// formats from numbers are made of digits and signs, which the Go fonts
// have.
func MissingGlyphs(option []byte, set *fonts.Set) []Missing {
	if set == nil {
		set = fonts.Default()
	}
	var out []Missing
	seen := map[string]bool{}
	eachValue(option, func(s string) bool {
		if seen[s] || isASCII(s) {
			return true
		}
		seen[s] = true
		if rs := set.Missing(s); len(rs) > 0 {
			out = append(out, Missing{Text: s, Runes: rs})
		}
		return len(out) < maxMissing
	})
	return out
}

// eachValue calls f with every string value (not object key) of the JSON
// document, in order, until f returns false.
func eachValue(doc []byte, f func(string) bool) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	var inObject []bool // per open container: an object?
	key := false        // the next token in the current object is a key
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) || err != nil {
			return
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				inObject = append(inObject, t == '{')
				key = t == '{'
				continue
			default:
				inObject = inObject[:len(inObject)-1]
			}
		case string:
			if key {
				key = false
				continue
			}
			if !f(t) {
				return
			}
		}
		key = len(inObject) > 0 && inObject[len(inObject)-1]
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
