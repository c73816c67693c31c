package edition

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/briefing-dev/briefing/internal/chart"
	"github.com/briefing-dev/briefing/internal/format"
	"github.com/briefing-dev/briefing/internal/table"
	"github.com/briefing-dev/briefing/internal/tableview"
)

// hostile is text from a spreadsheet that must stay text.
const hostile = "</script><img src=x onerror=alert(1)> AT&T \"q\" \\ \u2028end"

// recordInput is a small build: figures of every kind, a table and a chart.
func recordInput(t *testing.T) RecordInput {
	figs := figures(t, fmt.Sprintf(`[share]
expr = "25.3%%"
type = "percent"

[spend]
expr = "112000000"
type = "money"

[latest]
expr = "%v"
type = "month"

[name]
expr = %q

[gone]
sql = "SELECT 1 AS v WHERE 0"
fallback = %q
`, month(2022, 3), `"`+strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(hostile)+`"`, hostile))
	view := &tableview.View{
		Name:    "customers",
		Caption: hostile,
		Header:  []tableview.Cell{{Text: "Customer"}, {Text: "Spend & more"}, {Text: "Month"}},
		Columns: []string{"customer", "spend", "month"},
		Kinds:   []table.Kind{table.Text, table.Money, table.Month},
		Rows: []tableview.Row{{
			Cells:     []tableview.Cell{{Text: hostile}, {Text: "$5M"}, {Text: "Mar 2022"}},
			Values:    []table.Value{{S: hostile}, {F: 5e6}, {F: month(2022, 3)}},
			Highlight: true,
		}, {
			Cells:  []tableview.Cell{{Text: "Acme"}, {Text: ""}, {Text: "Feb 2022"}},
			Values: []table.Value{{S: "Acme"}, {Null: true}, {F: month(2022, 2)}},
		}},
	}
	ch := &chart.Chart{Name: "trend", Type: "line", Title: hostile, Categories: []string{"Feb", "Mar"},
		Series: []chart.Series{
			{Name: "Spend", Format: "money", Values: []float64{1.5e6, math.NaN()}},
			{Name: "Spend (Feb 2022)", Format: "money", Values: []float64{1, 2}, Previous: true},
		}}
	return RecordInput{
		Title:      hostile,
		Edition:    &Edition{ID: "2022-03", Label: "Mar 2022", Date: "2022-03-01"},
		Figures:    figs,
		Format:     format.Default,
		Placements: []Placement{{Page: "index.html", Tables: []*tableview.View{view}, Charts: []*chart.Chart{ch}}},
		Sources: map[string]RecordSource{
			"zeta":  {Source: "data/z.csv", Fingerprint: "22"},
			"alpha": {Source: "data/a.xlsx", Fingerprint: "11"},
		},
	}
}

func encode(t *testing.T, in RecordInput) []byte {
	t.Helper()
	r, err := NewRecord(in)
	if err != nil {
		t.Fatal(err)
	}
	b, err := r.JSON()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRecordBytes makes the same record twice, each from fresh maps, and
// encodes one twice: the bytes are the same.
func TestRecordBytes(t *testing.T) {
	in := recordInput(t)
	a, b := encode(t, in), encode(t, recordInput(t))
	if !bytes.Equal(a, b) {
		t.Fatalf("two records of the same build differ:\n%s\n%s", a, b)
	}
	r, _ := NewRecord(in)
	c, _ := r.JSON()
	d, _ := r.JSON()
	if !bytes.Equal(c, d) || !bytes.Equal(a, c) {
		t.Fatal("one record encodes differently twice")
	}
	if !bytes.HasSuffix(a, []byte("}\n")) || !bytes.HasPrefix(a, []byte("{\n  \"version\": 1,\n")) {
		t.Errorf("the record is not indented JSON ending in a newline:\n%s", a)
	}
	// What a later build reads back encodes to the same bytes.
	var back Record
	if err := json.Unmarshal(a, &back); err != nil {
		t.Fatal(err)
	}
	again, err := back.JSON()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, again) {
		t.Errorf("the record read back encodes differently:\n%s\n%s", a, again)
	}
}

// TestRecordKeyOrder pins the order of every object's keys: struct fields
// in declaration order, maps by key.
func TestRecordKeyOrder(t *testing.T) {
	keys := objectKeys(t, encode(t, recordInput(t)))
	for path, want := range map[string][]string{
		"":                    {"version", "title", "edition", "figures", "tables", "charts", "sources"},
		".edition":            {"id", "label", "date"},
		".figures":            {"gone", "latest", "name", "share", "spend"},
		".figures.share":      {"kind", "value", "text", "format", "expr"},
		".figures.gone":       {"kind", "value", "text", "format", "sql", "missing"},
		".tables[]":           {"name", "page", "caption", "columns", "rows"},
		".tables[].columns[]": {"name", "kind", "header"},
		".tables[].rows[]":    {"values", "text", "highlight"},
		".charts[]":           {"name", "page", "title", "type", "categories", "series"},
		".charts[].series[]":  {"name", "format", "values"},
		".sources":            {"alpha", "zeta"},
		".sources.alpha":      {"source", "fingerprint"},
	} {
		if got := keys[path]; !slices.Equal(got, want) {
			t.Errorf("keys of %q: %q, want %q", path, got, want)
		}
	}
}

// objectKeys lists the keys of the objects in a JSON document, by path
// (array elements share the path NAME[]); the first object at a path
// counts.
func objectKeys(t *testing.T, b []byte) map[string][]string {
	t.Helper()
	var v any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	out := map[string][]string{}
	var walk func(path string)
	walk = func(path string) {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		switch tok {
		case json.Delim('{'):
			_, seen := out[path]
			var ks []string
			for dec.More() {
				k, _ := dec.Token()
				ks = append(ks, k.(string))
				walk(path + "." + k.(string))
			}
			dec.Token()
			if !seen {
				out[path] = ks
			}
		case json.Delim('['):
			for dec.More() {
				walk(path + "[]")
			}
			dec.Token()
		}
	}
	walk("")
	if dec.Decode(&v) == nil {
		t.Fatal("more than one JSON value")
	}
	return out
}

// TestRecordValues pins how values are recorded: numbers as numbers,
// months as their canonical text, no value as null, a chart's gap as null,
// and a chart's marker of the last edition left out.
func TestRecordValues(t *testing.T) {
	var r struct {
		Figures map[string]struct {
			Kind    string
			Value   any
			Text    string
			Missing bool
		}
		Tables []struct{ Rows []struct{ Values []any } }
		Charts []struct {
			Series []struct {
				Name   string
				Values []any
			}
		}
	}
	if err := json.Unmarshal(encode(t, recordInput(t)), &r); err != nil {
		t.Fatal(err)
	}
	rec, err := NewRecord(recordInput(t))
	if err != nil {
		t.Fatal(err)
	}
	if v := rec.Charts[0].Series[0].Values[1]; !v.Null {
		t.Errorf("a chart's gap is recorded as %+v, want null", v)
	}
	for name, want := range map[string]struct {
		kind  string
		value any
		text  string
	}{
		"share":  {"percent", 0.253, "25.3%"},
		"spend":  {"money", 112e6, "$112M"},
		"latest": {"month", "2022-03", "Mar 2022"},
		"name":   {"text", hostile, hostile},
		"gone":   {"text", nil, hostile},
	} {
		f := r.Figures[name]
		if f.Kind != want.kind || f.Value != want.value || f.Text != want.text || f.Missing != (name == "gone") {
			t.Errorf("figure %s: %+v, want %+v", name, f, want)
		}
	}
	if got := r.Tables[0].Rows[1].Values; len(got) != 3 || got[0] != "Acme" || got[1] != nil || got[2] != "2022-02" {
		t.Errorf("table row values %v, want [Acme <nil> 2022-02]", got)
	}
	if s := r.Charts[0].Series; len(s) != 1 || s[0].Name != "Spend" || len(s[0].Values) != 2 || s[0].Values[0] != 1.5e6 || s[0].Values[1] != nil {
		t.Errorf("chart series %+v, want only Spend with [1.5e6 null]", s)
	}
}

// TestRecordHostileText: text from the data stays data. The record is
// written as a file of its own (briefing.json, editions/ID.json) and never
// placed in markup, so it is encoded without HTML escaping: <, > and & stay
// as they are, the same in every field (Text and a text Value alike), and
// reading the record gives back exactly the text that was written.
// Quotes, backslashes and the line separators U+2028/U+2029 (which end a
// line in JavaScript) are escaped.
func TestRecordHostileText(t *testing.T) {
	b := encode(t, recordInput(t))
	if !json.Valid(b) {
		t.Fatal("the record is not valid JSON")
	}
	lit, _ := marshal(hostile) // the one encoding every field uses
	if !bytes.Contains(lit, []byte(`"</script><img src=x onerror=alert(1)> AT&T \"q\" \\ \u2028end"`)) {
		t.Fatalf("text encodes as %s", lit)
	}
	// The title, the caption, a cell's value and text, a chart's title, a
	// figure's value, text and fallback: each is the one literal.
	if n := bytes.Count(b, lit); n != 8 {
		t.Errorf("the hostile text appears %d times as %s, want 8:\n%s", n, lit, b)
	}
	if bytes.Contains(b, []byte(`\u003c`)) || bytes.Contains(b, []byte(`\u0026`)) || !bytes.Contains(b, []byte(`"Spend & more"`)) {
		t.Errorf("the record mixes HTML-escaped and plain text:\n%s", b)
	}
	if bytes.ContainsRune(b, '\u2028') {
		t.Error("a raw U+2028 in the record")
	}
	var back Record
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	f := back.Figures["name"]
	if back.Title != hostile || f.Text != hostile || f.Value.Str != hostile || !f.Value.IsText ||
		back.Tables[0].Rows[0].Text[0] != hostile || back.Figures["gone"].Text != hostile {
		t.Errorf("the text read back differs: %q, %+v", back.Title, f)
	}
}

// TestValueJSON pins a recorded value's encoding both ways (as the record
// writes it: json.Marshal would add its HTML escaping on top).
func TestValueJSON(t *testing.T) {
	for _, c := range []struct {
		v    Value
		json string
	}{
		{Value{Num: 0.241}, `0.241`},
		{Value{Num: 58000000}, `58000000`},
		{Value{Num: -3}, `-3`},
		{Value{Str: "2022-03", IsText: true}, `"2022-03"`},
		{Value{Str: "", IsText: true}, `""`},
		{Value{Str: "a<b&c", IsText: true}, `"a<b&c"`},
		{Value{Null: true}, `null`},
	} {
		b, err := c.v.MarshalJSON()
		if err != nil || string(b) != c.json {
			t.Errorf("%+v encodes as %s (%v), want %s", c.v, b, err, c.json)
		}
		var back Value
		if err := json.Unmarshal([]byte(c.json), &back); err != nil || back != c.v {
			t.Errorf("%s reads as %+v (%v), want %+v", c.json, back, err, c.v)
		}
	}
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if b, err := (Value{Num: v}).MarshalJSON(); err != nil || string(b) != "null" {
			t.Errorf("%v encodes as %s (%v), want null", v, b, err)
		}
	}
	var v Value
	if err := json.Unmarshal([]byte(`true`), &v); err == nil {
		t.Errorf("true reads as %+v, want an error", v)
	}
}
