package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// ECharts writes colours and fonts into SVG attributes unescaped (fill="…",
// style="font-family:…"), so a value holding a quote could add attributes
// or elements. CheckOption refuses such values before ECharts sees them;
// Sanitize checks the result as well.
var (
	colourRe = regexp.MustCompile(`^(?:` +
		`#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})` + // #rgb, #rgba, #rrggbb, #rrggbbaa
		`|rgba?\(\s*` + num + `\s*,\s*` + num + `\s*,\s*` + num + `\s*(?:,\s*` + num + `\s*)?\)` +
		`|[a-zA-Z]{1,32}` + // a name: red, transparent, inherit, auto
		`)?$`)
	// Font values become part of a style attribute: letters, digits,
	// spaces, commas, dots, hyphens, underscores and single quotes (for
	// family names) only.
	fontRe = regexp.MustCompile(`^[A-Za-z0-9 ,.\-_']{0,200}$`)
)

const num = `[0-9]{1,3}(?:\.[0-9]+)?%?`

// fontKeys are the option keys whose values ECharts writes into a text's
// style attribute.
var fontKeys = map[string]bool{"fontFamily": true, "fontStyle": true, "fontWeight": true, "fontSize": true, "font": true}

// CheckOption reports an error when option is not a JSON object, or when
// a colour (any key whose name contains "color") is not #hex, rgb(),
// rgba() or a plain name, or a font value holds anything but letters,
// digits and simple punctuation. The error names the value's path, e.g.
// option.series[0].itemStyle.color.
func CheckOption(option []byte) error {
	dec := json.NewDecoder(bytes.NewReader(option))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return fmt.Errorf("render: option is not JSON: %w", err)
	}
	if dec.More() {
		return fmt.Errorf("render: option has data after its end")
	}
	if _, ok := v.(map[string]any); !ok {
		return fmt.Errorf("render: option is not a JSON object")
	}
	return checkValue("option", v)
}

func checkValue(path string, v any) error {
	switch v := v.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(v)) { // the first fault, always the same one
			x := v[k]
			p := path + "." + k
			var err error
			switch {
			case strings.Contains(strings.ToLower(k), "color"):
				err = checkColour(p, x)
			case fontKeys[k]:
				err = checkFont(p, x)
			default:
				err = checkValue(p, x)
			}
			if err != nil {
				return err
			}
		}
	case []any:
		for i, x := range v {
			if err := checkValue(path+"["+strconv.Itoa(i)+"]", x); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkColour accepts a colour string, a list of them (a palette), or an
// object such as a gradient, whose own colours are checked in turn.
func checkColour(path string, v any) error {
	switch v := v.(type) {
	case string:
		if !colourRe.MatchString(v) {
			return fmt.Errorf("render: %s: %q is not a colour (#hex, rgb(), rgba() or a name)", path, v)
		}
	case []any:
		for i, x := range v {
			if err := checkColour(path+"["+strconv.Itoa(i)+"]", x); err != nil {
				return err
			}
		}
	default:
		return checkValue(path, v)
	}
	return nil
}

func checkFont(path string, v any) error {
	if s, ok := v.(string); ok && !fontRe.MatchString(s) {
		return fmt.Errorf("render: %s: %q is not a font value", path, s)
	}
	return checkValue(path, v)
}
