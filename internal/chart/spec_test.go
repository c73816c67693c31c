package chart

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/briefing-dev/briefing/internal/diag"
)

// parseErr parses src as charts/x.toml and returns the error text.
func parseErr(t *testing.T, src string) string {
	t.Helper()
	s, err := ParseSpec("charts/x.toml", []byte(src))
	if err == nil {
		t.Fatalf("ParseSpec succeeded (%+v), want an error", s)
	}
	var de *diag.Error
	if !errors.As(err, &de) {
		t.Fatalf("error %v is %T, want a *diag.Error", err, err)
	}
	return err.Error()
}

const head = "table = \"t\"\nx = \"a\"\ny = \"b\"\n" // lines 1-3 of most cases

func TestParseSpecErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{
			"unknown chart type at the type value",
			"type = \"pi\"\n" + head,
			`charts/x.toml:1:8: chart "x": unknown chart type "pi" (want one of bar, line, area, pie, donut, combo)`,
		},
		{
			"unknown format",
			"type = \"bar\"\n" + head + "format = \"currency\"\n",
			`charts/x.toml:5:10: chart "x": unknown format "currency" (want one of number, integer, money, money_full, percent, change, pp, multiple, ordinal, plain, optionally with :DECIMALS)`,
		},
		{
			"unknown series format",
			"type = \"combo\"\ntable = \"t\"\nx = \"a\"\n[[series]]\ny = \"b\"\n[[series]]\ny = \"c\"\n  format = \"dollars\"\n",
			`charts/x.toml:8:12: chart "x": unknown format "dollars" (want one of number, integer, money, money_full, percent, change, pp, multiple, ordinal, plain, optionally with :DECIMALS)`,
		},
		{
			"combo with one series",
			"type = \"combo\"\ntable = \"t\"\nx = \"a\"\n[[series]]\ny = \"b\"\n",
			`charts/x.toml:1:1: chart "x": a combo chart lists at least two [[series]]`,
		},
		{
			"combo with no series",
			"type = \"combo\"\n" + head,
			`charts/x.toml:1:1: chart "x": a combo chart lists at least two [[series]]`,
		},
		{
			"bad sort",
			"type = \"bar\"\n" + head + "sort = \"up\"\n",
			`charts/x.toml:5:8: chart "x": sort "up": want asc or desc`,
		},
		{
			"missing table",
			"type = \"bar\"\nx = \"a\"\ny = \"b\"\n",
			`charts/x.toml:1:1: chart "x": table is required`,
		},
		{
			"missing y",
			"type = \"bar\"\ntable = \"t\"\nx = \"a\"\n",
			`charts/x.toml:1:1: chart "x": y (the value column) is required`,
		},
		{
			"missing x",
			"type = \"bar\"\ntable = \"t\"\ny = \"b\"\n",
			`charts/x.toml:1:1: chart "x": x (the category column) is required`,
		},
		{
			"series type",
			"type = \"combo\"\ntable = \"t\"\nx = \"a\"\n[[series]]\ny = \"b\"\ntype = \"pie\"\n[[series]]\ny = \"c\"\n",
			`charts/x.toml:6:8: chart "x": series type "pie": want bar or line`,
		},
		{
			"series axis",
			"type = \"combo\"\ntable = \"t\"\nx = \"a\"\n[[series]]\ny = \"b\"\n[[series]]\ny = \"c\"\naxis = \"middle\"\n",
			`charts/x.toml:8:8: chart "x": axis "middle": want left or right`,
		},
		{
			"series without y, at its header",
			"type = \"combo\"\ntable = \"t\"\nx = \"a\"\n[[series]]\ny = \"b\"\n\n[[series]]\nname = \"c\"\n",
			`charts/x.toml:7:1: chart "x": series 2: y is required`,
		},
		{
			"split with series",
			"type = \"bar\"\ntable = \"t\"\nx = \"a\"\nsplit = \"s\"\n[[series]]\ny = \"b\"\n",
			`charts/x.toml:4:1: chart "x": split and [[series]] cannot be combined`,
		},
		{
			"negative top",
			"type = \"bar\"\n" + head + "top = -1\n",
			`charts/x.toml:5:7: chart "x": top must be positive`,
		},
		{
			"height too small",
			"type = \"bar\"\n" + head + "height = 50\n",
			`charts/x.toml:5:10: chart "x": height 50: want 120 to 2000 pixels`,
		},
		{
			"unknown agg",
			"type = \"bar\"\n" + head + "agg = \"median\"\n",
			`charts/x.toml:5:7: chart "x": agg "median": want one of sum, count, mean, last`,
		},
		{
			"unknown series agg",
			"type = \"combo\"\ntable = \"t\"\nx = \"a\"\n[[series]]\ny = \"b\"\n[[series]]\ny = \"c\"\nagg = \"max\"\n",
			`charts/x.toml:8:7: chart "x": agg "max": want one of sum, count, mean, last`,
		},
		{
			"misspelt key",
			"type = \"bar\"\n" + head + "titel = \"T\"\n",
			`charts/x.toml:5:1: unknown key "titel"`,
		},
		{
			"misspelt join key",
			"type = \"bar\"\n" + head + "join = { table = \"u\", column = \"a\" }\n",
			`charts/x.toml:5:23: unknown key "join.column"`,
		},
		{
			"wrong value type",
			"type = \"bar\"\n" + head + "top = \"five\"\n",
			`charts/x.toml:5:7: top: incompatible types: TOML value has type string; destination has type integer`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := parseErr(t, tt.src); got != tt.want {
				t.Errorf("error =\n\t%s\nwant\n\t%s", got, tt.want)
			}
		})
	}
}

func TestParseSpecMissingType(t *testing.T) {
	// No type key: there is no value to point at, so the error is on the
	// file; it must still say which key is wrong and list the types.
	got := parseErr(t, head)
	if !strings.HasPrefix(got, `charts/x.toml`) || !strings.Contains(got, "chart type") || !strings.Contains(got, "bar, line, area, pie, donut, combo") {
		t.Errorf("error = %s", got)
	}
}

func TestParseSpecFileName(t *testing.T) {
	for _, file := range []string{"charts/Bad Name.toml", "charts/_x.toml", "charts/Upper.toml"} {
		_, err := ParseSpec(file, []byte("type = \"bar\"\n"+head))
		name := strings.TrimSuffix(strings.TrimPrefix(file, "charts/"), ".toml")
		want := file + `: chart file name "` + name + `": use lower-case letters, digits, - and _`
		if err == nil || err.Error() != want {
			t.Errorf("ParseSpec(%q) error = %v, want %s", file, err, want)
		}
	}
}

func TestParseSpecGood(t *testing.T) {
	tests := []struct {
		name, src string
	}{
		{"bar", "type = \"bar\"\n" + head},
		{"count without y", "type = \"bar\"\ntable = \"t\"\nx = \"a\"\nagg = \"count\"\n"},
		{"series count without y", "type = \"combo\"\ntable = \"t\"\nx = \"a\"\n[[series]]\nagg = \"count\"\n[[series]]\ny = \"b\"\n"},
		{"every option", "type = \"donut\"\n" + head + "split = \"s\"\nagg = \"mean\"\nstack = true\nhorizontal = true\nsort = \"asc\"\ntop = 3\nlatest = \"a\"\nx_separator = \",\"\nformat = \"percent\"\nheight = 120\njoin = { table = \"u\", on = \"a\" }\n"},
	}
	for _, tt := range tests {
		s, err := ParseSpec("charts/my-chart_2.toml", []byte(tt.src))
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if s.Name() != "my-chart_2" || s.File() != "charts/my-chart_2.toml" {
			t.Errorf("%s: Name, File = %q, %q", tt.name, s.Name(), s.File())
		}
	}
}

func TestLoadSpecs(t *testing.T) {
	def := "type = \"bar\"\n" + head
	fsys := fstest.MapFS{
		"charts/b.toml":      {Data: []byte(def)},
		"charts/a.toml":      {Data: []byte(def)},
		"charts/notes.md":    {Data: []byte("not a chart")},
		"charts/sub/c.toml":  {Data: []byte("not even toml [")},
		"charts/dir.toml/x":  {Data: []byte("")},
		"content/index.toml": {Data: []byte("x")},
	}
	specs, err := LoadSpecs(fsys)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range specs {
		names = append(names, s.Name()+"="+s.File())
	}
	if got, want := strings.Join(names, " "), "a=charts/a.toml b=charts/b.toml"; got != want {
		t.Errorf("LoadSpecs = %s, want %s", got, want)
	}

	specs, err = LoadSpecs(fstest.MapFS{"site.toml": {}})
	if err != nil || specs != nil {
		t.Errorf("LoadSpecs without charts/ = %v, %v; want none and no error", specs, err)
	}

	_, err = LoadSpecs(fstest.MapFS{"charts/bad.toml": {Data: []byte("type = \"pi\"\n" + head)}})
	if err == nil || !strings.HasPrefix(err.Error(), `charts/bad.toml:1:8: chart "bad": unknown chart type "pi"`) {
		t.Errorf("LoadSpecs with a bad chart: error = %v", err)
	}
}
