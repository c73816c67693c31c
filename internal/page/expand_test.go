package page

import (
	"strings"
	"testing"

	"github.com/briefing-dev/briefing/internal/chart"
	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/tableview"
)

// withDefs parses chart and table definitions into in.
func withDefs(t *testing.T, in Input, charts, views map[string]string) Input {
	t.Helper()
	in.Charts, in.Views = map[string]*chart.Spec{}, map[string]*tableview.Spec{}
	for name, src := range charts {
		s, err := chart.ParseSpec("charts/"+name+".toml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		in.Charts[name] = s
	}
	for name, src := range views {
		s, err := tableview.ParseSpec("tables/"+name+".toml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		in.Views[name] = s
	}
	return in
}

// References in a chart's title, subtitle and source, and in a table's
// caption, note and headers, read as the prose does: on a page per row,
// {{row}} is that page's row.
func TestDefinitionsExpandReferences(t *testing.T) {
	fsys, in := site(t, map[string]string{
		"index.md":  front("Summary") + "{{chart revenue}}\n\n{{table regions}}\n",
		"region.md": front("{{row region}}", `each = "regions"`, `slug = "region"`) + "{{chart revenue}}\n",
	})
	in = withDefs(t, in, map[string]string{
		"revenue": "type = \"bar\"\ntable = \"regions\"\nx = \"region\"\ny = \"revenue\"\n" +
			"title = \"Revenue: {{fig total}}{{if share > 50% then \\\", North ahead\\\"}}\"\n" +
			"subtitle = '''{{fig share percent:0}} from the North'''\n" +
			"source = \"\"\"\nIllustrative; {{fig total money_full}} in all\"\"\"\n",
	}, map[string]string{
		"regions": "source = \"regions\"\ncaption = \"Regions, {{fig total}} in all\"\nnote = \"North: {{fig share}}\"\n" +
			"[headers]\nrevenue = \"Revenue ({{fig share}} North)\"\nregion = \"{{x\"\n",
	})
	_, err := Prepare(fsys, in)
	// A header that opens {{ without closing it: an error at its place,
	// not text.
	if err == nil || !strings.HasPrefix(err.Error(), "tables/regions.toml:6:11: ") {
		t.Fatalf("unclosed {{ in a header: %v, want an error at tables/regions.toml:6:11", err)
	}
	in = withDefs(t, in, map[string]string{"revenue": strings.Join([]string{
		`type = "bar"`, `table = "regions"`, `x = "region"`, `y = "revenue"`,
		`title = "{{row region}}: {{row revenue}} of {{fig total}}"`,
	}, "\n")}, map[string]string{
		"regions": "source = \"regions\"\ncaption = \"Regions, {{fig total}} in all\"\nnote = \"North: {{fig share}}\"\n" +
			"[headers]\nrevenue = \"Revenue ({{fig share}} North)\"\n",
	})
	// {{row}} in the title of a chart placed on a page with no row.
	_, err = Prepare(fsys, in)
	if err == nil || !strings.HasPrefix(err.Error(), "charts/revenue.toml:5:16: {{row …}} needs a page made per row") {
		t.Fatalf("{{row}} off a row page: %v", err)
	}
	fsys["content/index.md"].Data = []byte(front("Summary") + "{{table regions}}\n")
	set, err := Prepare(fsys, in)
	if err != nil {
		t.Fatal(err)
	}
	v := set.Pages[0].Tables["regions"]
	if v.Caption != "Regions, $2M in all" || v.Note != "North: 60%" {
		t.Errorf("caption %q, note %q", v.Caption, v.Note)
	}
	if got := v.Header[0].Text + "|" + v.Header[1].Text; got != "Region|Revenue (60% North)" {
		t.Errorf("headers %q", got)
	}
	if c := set.Pages[2].Charts["revenue"]; c.Title != "South: $800K of $2M" {
		t.Errorf("south's chart title %q", c.Title)
	}

	// All three fields of a chart on a page without a row.
	in = withDefs(t, in, map[string]string{
		"revenue": "type = \"bar\"\ntable = \"regions\"\nx = \"region\"\ny = \"revenue\"\n" +
			"title = \"Revenue: {{fig total}}{{if share > 50% then \\\", North ahead\\\"}}\"\n" +
			"subtitle = '''{{fig share percent:0}} from the North'''\n" +
			"source = \"\"\"\nIllustrative; {{fig total money_full}} in all\"\"\"\n",
	}, nil)
	fsys["content/index.md"].Data = []byte(front("Summary") + "{{chart revenue}}\n")
	fsys["content/region.md"].Data = []byte(front("{{row region}}", `each = "regions"`))
	set, err = Prepare(fsys, in)
	if err != nil {
		t.Fatal(err)
	}
	c := set.Pages[0].Charts["revenue"]
	if c.Title != "Revenue: $2M, North ahead" || c.Subtitle != "60% from the North" || c.Source != "Illustrative; $2,000,000 in all" {
		t.Errorf("title %q, subtitle %q, source %q", c.Title, c.Subtitle, c.Source)
	}

	// An unknown figure in a source note on its second line: at the name.
	in = withDefs(t, in, map[string]string{
		"revenue": "type = \"bar\"\ntable = \"regions\"\nx = \"region\"\ny = \"revenue\"\nsource = \"\"\"\nIllustrative;\n  see {{fig totl}}\"\"\"\n",
	}, nil)
	_, err = Prepare(fsys, in)
	if d := diag.Flatten(err); len(d) != 1 || d[0].Pos != (diag.Pos{File: "charts/revenue.toml", Line: 7, Col: 13}) || !strings.Contains(d[0].Msg, `unknown figure "totl"`) {
		t.Errorf("unknown figure in a source note: %v", err)
	}
}
