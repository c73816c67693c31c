package page

import (
	"bytes"
	"io"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/figure"
	"github.com/briefing-dev/briefing/internal/format"
	"github.com/briefing-dev/briefing/internal/narrative"
	"github.com/briefing-dev/briefing/internal/query"
	"github.com/briefing-dev/briefing/internal/table"
)

// site is a small briefing: figures, a table of regions loaded from CSV,
// and the content files given (name under content/ → text).
func site(t *testing.T, content map[string]string) (fstest.MapFS, Input) {
	t.Helper()
	fsys := fstest.MapFS{
		"figures.toml":     {Data: []byte("[total]\nexpr = \"1200000 + 800000\"\nformat = \"money\"\n\n[share]\nexpr = \"0.6\"\nformat = \"percent\"\n")},
		"data/regions.csv": {Data: []byte("region,revenue\nNorth,1200000\nSouth,800000\n")},
	}
	for name, src := range content {
		fsys["content/"+name] = &fstest.MapFile{Data: []byte(src)}
	}
	regions, err := table.Load(fsys, table.Spec{Name: "regions", File: "data/regions.csv",
		Columns: map[string]table.Kind{"region": table.Text, "revenue": table.Money}}, table.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	tables := map[string]*table.Table{"regions": regions}
	db, err := query.Open(tables)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	figs, err := figure.Load(fsys, db, func(name string, k table.Kind) error {
		sp, err := format.ParseSpec(name)
		if err != nil {
			return err
		}
		return format.Check(sp, k)
	})
	if err != nil {
		t.Fatal(err)
	}
	fm, err := format.New(format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return fsys, Input{Format: fm, Figures: figs, Tables: tables}
}

func front(title string, extra ...string) string {
	return "+++\ntitle = \"" + title + "\"\n" + strings.Join(extra, "\n") + "\n+++\n"
}

// body renders a page's markdown as a reader would get it, blocks as
// their names.
func body(t *testing.T, p Page) string {
	t.Helper()
	var b bytes.Buffer
	err := p.Doc.Render(&b, func(w io.Writer, r narrative.Block) error {
		_, err := io.WriteString(w, "["+r.RefName()+"]")
		return err
	}, p.Text)
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestPrepareResolves(t *testing.T) {
	fsys, in := site(t, map[string]string{
		"index.md": front("Summary: {{fig total}}", "order = 1") +
			"Total {{fig total}}, North {{fig share percent:1}}.\n\n" +
			"Trend: {{if share > 50% then \"North leads\" else \"South leads\"}}.\n\n{{pages region}}\n",
		"region.md": front("{{row region}} region", "order = 2", `each = "regions"`, `slug = "region"`) +
			"The {{row region}} region brought in {{row revenue}}.\n",
	})
	set, err := Prepare(fsys, in)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, p := range set.Pages {
		paths = append(paths, p.Path)
	}
	if got := strings.Join(paths, " "); got != "index.html region/north.html region/south.html" {
		t.Fatalf("pages = %s", got)
	}
	index := set.Pages[0]
	if index.Title != "Summary: $2M" || !index.InNav {
		t.Errorf("index: title %q, in nav %v", index.Title, index.InNav)
	}
	for _, want := range []string{"Total $2M, North 60.0%.", "Trend: North leads.", "[region]"} {
		if got := body(t, index); !strings.Contains(got, want) {
			t.Errorf("index lacks %q:\n%s", want, got)
		}
	}
	if l := index.Lists["region"]; len(l) != 2 || l[1] != (Link{Title: "South region", Path: "region/south.html"}) {
		t.Errorf("index lists %+v", index.Lists)
	}
	south := set.Pages[2]
	if got := body(t, south); !strings.Contains(got, "The South region brought in $800K.") || south.InNav {
		t.Errorf("south (in nav %v):\n%s", south.InNav, got)
	}
	if got, err := set.Figures.Show("share", "percent:1"); got != "60.0%" || err != nil {
		t.Errorf("Figures.Show = %q, %v", got, err)
	}
	if got, err := set.Figures.Expand("Brief: {{fig total}}", diag.Pos{File: "site.toml", Line: 3, Col: 11}); got != "Brief: $2M" || err != nil {
		t.Errorf("Figures.Expand = %q, %v", got, err)
	}
}

// Every reference error is at the file:line:col of the reference, and
// every bad file is reported.
func TestReferenceErrorsPositioned(t *testing.T) {
	fsys, in := site(t, map[string]string{
		"index.md": front("T") + "Intro.\n\nShare {{fig shar}} and {{row region}}.\n\n{{chart nope}}\n",
		"b.md":     front("B") + "\n  {{table missing}}\n\nIf {{if shares > 1 then \"a\"}}.\n",
		"c.md":     front("C {{fig nope}}") + "Fine.\n",
		"d.md":     front("D", `each = "regionz"`) + "Fine.\n",
		"e.md":     front("E", `each = "regions"`) + "{{row revenu}} and {{fig total month}}\n",
	})
	_, err := Prepare(fsys, in)
	var got []string
	for _, e := range diag.Flatten(err) {
		got = append(got, e.Error())
	}
	want := []string{
		`content/b.md:6:11: unknown table "missing" (tables are the files in tables/, named without .toml)`,
		`content/b.md:8:9: unknown figure "shares" in the condition (did you mean share? figures are declared in figures.toml; a page's row columns are row.NAME)`,
		`content/c.md:2:18: unknown figure "nope" (figures are declared in figures.toml)`,
		`content/d.md:3:8: each = "regionz": no such table or query (tables and queries: regions)`,
		`content/e.md:5:7: unknown column "revenu" in "regions" (did you mean revenue? columns: region, revenue)`,
		`content/e.md:5:26: figure "total": format month does not fit a number value`,
		`content/index.md:7:13: unknown figure "shar" (did you mean share? figures are declared in figures.toml)`,
		`content/index.md:7:30: {{row …}} needs a page made per row (each = TABLE in the front matter)`,
		`content/index.md:9:9: unknown chart "nope" (charts are the files in charts/, named without .toml)`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Links between pages are checked on the parsed markdown, and a warning
// names the link's file:line:col.
func TestLinkWarningsPositioned(t *testing.T) {
	fsys, in := site(t, map[string]string{
		"index.md": front("T") + "See [more](more.md), [gone](gone.md#x)\nand *[also gone](sub/)*.\n\n" +
			"[ok](#top) [web](https://example.com/x.md) [mail](mailto:a@b.c) [file](data.csv)\n",
		"more.md":   front("M") + "Back [home](index.md) or [nowhere](../nowhere.html).\n",
		"region.md": front("R", `each = "regions"`) + "\n\nUp [one](../missing.md).\n",
	})
	set, err := Prepare(fsys, in)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]bool{"data.csv": true}
	for _, p := range set.Pages {
		files[p.Path] = true
	}
	var got []string
	for _, w := range CheckLinks(set.Pages, func(p string) bool { return files[p] }) {
		if !w.Warning {
			t.Errorf("%v is not a warning", w)
		}
		got = append(got, w.Error())
	}
	want := []string{
		"content/index.md:5:22: link to gone.html from index.html: there is no such page or file in the output",
		"content/index.md:6:6: link to sub/ from index.html: there is no such page or file in the output",
		"content/more.md:5:26: link to ../nowhere.html from more.html: there is no such page or file in the output",
		"content/region.md:7:4: link to ../missing.html from region/north.html: there is no such page or file in the output",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Each content file is parsed once, however many pages it makes.
func TestParsedOnce(t *testing.T) {
	fsys, in := site(t, map[string]string{
		"index.md":  front("T") + "{{fig total}}\n\n{{pages region}}\n",
		"region.md": front("{{row region}}", `each = "regions"`) + "{{row region}} {{if row.revenue > 1000000 then \"big\"}}\n",
		"draft.md":  front("D", "draft = true") + "Not published.\n",
	})
	counts := map[string]int{}
	var mu sync.Mutex // files are parsed on all cores
	parse = func(file string, src []byte) (*narrative.Doc, error) {
		mu.Lock()
		defer mu.Unlock()
		counts[file]++
		return narrative.Parse(file, src)
	}
	defer func() { parse = narrative.Parse }()
	set, err := Prepare(fsys, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Pages) != 3 {
		t.Fatalf("%d pages, want 3", len(set.Pages))
	}
	for _, f := range []string{"content/index.md", "content/region.md", "content/draft.md"} {
		if counts[f] != 1 {
			t.Errorf("%s parsed %d times, want once", f, counts[f])
		}
	}
}

// A long value makes a slug of at most MaxSlug bytes that stays unique;
// values that differ only where the slug cannot tell (case) get names of
// their own; the same value twice is an error at the second one's cell.
func TestRowPageSlugBound(t *testing.T) {
	long := strings.Repeat("Contoso Holdings ", 18) // 306 characters
	fsys, in := site(t, map[string]string{"region.md": front("{{row region}}", `each = "regions"`) + "Body.\n"})
	in.Tables["regions"] = csvTable(t, "region,revenue\n"+long+"A,1\n"+long+"B,2\nshort,3\n")
	distinct := func(want int) {
		t.Helper()
		set, err := Prepare(fsys, in)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, p := range set.Pages {
			name := strings.TrimSuffix(strings.TrimPrefix(p.Path, "region/"), ".html")
			if len(name) > MaxSlug || seen[name] {
				t.Errorf("page %s: name of %d bytes (max %d), seen before: %v", p.Path, len(name), MaxSlug, seen[name])
			}
			seen[name] = true
		}
		if len(seen) != want {
			t.Errorf("pages %v, want %d", seen, want)
		}
	}
	distinct(3)
	in.Tables["regions"] = csvTable(t, "region,revenue\nZürich,1\nzurich,2\nZURICH,3\n")
	distinct(3)

	in.Tables["regions"] = csvTable(t, "region,revenue\n"+long+"A,1\nother,2\n"+long+"A,3\n")
	_, err := Prepare(fsys, in)
	if err == nil || !strings.HasPrefix(err.Error(), "data/r.csv:4:1: two rows would make the page region/") || !strings.Contains(err.Error(), "this one and data/r.csv:2:1") {
		t.Errorf("error = %v, want the collision at the second row's cell", err)
	}
}

func csvTable(t *testing.T, csv string) *table.Table {
	t.Helper()
	fsys := fstest.MapFS{"data/r.csv": {Data: []byte(csv)}}
	tb, err := table.Load(fsys, table.Spec{Name: "regions", File: "data/r.csv",
		Columns: map[string]table.Kind{"region": table.Text, "revenue": table.Number}}, table.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	return tb
}
