package chart

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/briefing-dev/briefing/internal/format"
	"github.com/briefing-dev/briefing/internal/table"
)

// The test data. Per customer over the three months (by hand):
//
//	        Jan   Feb   Mar   total
//	A       100   110   120   330
//	B        50    60    40   150
//	C        30     –    35    65   (Feb is an empty cell)
//	D        20    25     –    45   (no Mar row)
//	E         –     5    15    20   (no Jan row; its Mar row comes first)
//	total   200   200   210
//
// Regions: A, C EMEA; B, E AMER; D APAC. Segments: A, B Enterprise; the
// rest SMB.
var testData = fstest.MapFS{
	"data/spend.csv": {Data: []byte(`month,customer,spend
2022-03,E,15
2022-01,A,100
2022-01,B,50
2022-01,C,30
2022-01,D,20
2022-02,A,110
2022-02,B,60
2022-02,C,
2022-02,D,25
2022-02,E,5
2022-03,A,120
2022-03,B,40
2022-03,C,35
`)},
	"data/customers.csv": {Data: []byte(`customer,region,segment
A,EMEA,Enterprise
B,AMER,Enterprise
C,EMEA,SMB
D,APAC,SMB
E,AMER,SMB
`)},
	"data/wins.csv": {Data: []byte(`customer,previous
A,"Google, Amazon"
B,Amazon
C,"Oracle,Google ,Amazon"
D,
`)},
	"data/empty.csv": {Data: []byte("m,v\n")},
	"data/hostile.csv": {Data: []byte(`month,who,spend
2022-01,</script><script>x()</script>,3
2022-01,__f__function(){x()}__f__,2
2022-01,A & B,1
`)},
}

func loadTables(t *testing.T) map[string]*table.Table {
	t.Helper()
	specs := []table.Spec{
		{Name: "spend", File: "data/spend.csv", Columns: map[string]table.Kind{"month": table.Month, "spend": table.Money}},
		{Name: "customers", File: "data/customers.csv"},
		{Name: "wins", File: "data/wins.csv"},
		{Name: "empty", File: "data/empty.csv", Columns: map[string]table.Kind{"v": table.Number}},
		{Name: "hostile", File: "data/hostile.csv", Columns: map[string]table.Kind{"month": table.Month, "spend": table.Money}},
	}
	tables := map[string]*table.Table{}
	for _, s := range specs {
		tb, err := table.Load(testData, s, table.DefaultLimits)
		if err != nil {
			t.Fatalf("loading %s: %v", s.File, err)
		}
		tables[s.Name] = tb
	}
	return tables
}

func bind(t *testing.T, tables map[string]*table.Table, src string) (*Chart, error) {
	t.Helper()
	s, err := ParseSpec("charts/x.toml", []byte(src))
	if err != nil {
		t.Fatalf("ParseSpec: %v", err)
	}
	return Bind(s, tables, format.Default, nil)
}

// option is the part of the ECharts option the tests read.
type option struct {
	Briefing struct {
		Currency      string   `json:"currency"`
		AxisFormats   []string `json:"axisFormats"`
		SeriesFormats []string `json:"seriesFormats"`
		Horizontal    bool     `json:"horizontal"`
	} `json:"briefing"`
	Series []struct {
		Name       string `json:"name"`
		Type       string `json:"type"`
		Stack      string `json:"stack"`
		YAxisIndex int    `json:"yAxisIndex"`
		Data       []struct {
			Name  string `json:"name"`
			Value any    `json:"value"`
		} `json:"data"`
	} `json:"series"`
	XAxis []axis `json:"xAxis"`
	YAxis []axis `json:"yAxis"`
}

type axis struct {
	Type     string   `json:"type"`
	Position string   `json:"position"`
	Inverse  bool     `json:"inverse"`
	Data     []string `json:"data"`
}

func decode(t *testing.T, c *Chart) option {
	t.Helper()
	var o option
	if err := json.Unmarshal(c.Option, &o); err != nil {
		t.Fatalf("option is not JSON: %v\n%s", err, c.Option)
	}
	return o
}

// values writes a series' data as text: numbers as Go prints them and a
// missing value as ECharts' "-".
func (o option) values(i int) []string {
	var out []string
	for _, d := range o.Series[i].Data {
		out = append(out, fmt.Sprint(d.Value))
	}
	return out
}

// categories returns the category axis (or, for a pie, the slice names).
func (o option) categories() []string {
	if len(o.XAxis) > 0 && o.XAxis[0].Type == "category" {
		return o.XAxis[0].Data
	}
	if len(o.YAxis) > 0 && o.YAxis[0].Type == "category" {
		return o.YAxis[0].Data
	}
	var names []string
	for _, d := range o.Series[0].Data {
		names = append(names, d.Name)
	}
	return names
}

type wantSeries struct {
	name   string
	values string // space-separated
}

func TestBindShapes(t *testing.T) {
	months := "Jan 2022,Feb 2022,Mar 2022"
	tests := []struct {
		name   string
		src    string
		cats   string // comma-separated
		series []wantSeries
	}{
		{
			"one series, month categories in time order",
			"type = \"line\"\ntable = \"spend\"\nx = \"month\"\ny = \"spend\"\ntitle = \"Total spend\"\n",
			months, []wantSeries{{"Total spend", "200 200 210"}},
		},
		{
			"series named after y without a title",
			"type = \"area\"\ntable = \"spend\"\nx = \"month\"\ny = \"spend\"\n",
			months, []wantSeries{{"spend", "200 200 210"}},
		},
		{
			"split: series in order of appearance, gaps as -",
			"type = \"bar\"\ntable = \"spend\"\nx = \"month\"\ny = \"spend\"\nsplit = \"customer\"\n",
			months, []wantSeries{{"E", "- 5 15"}, {"A", "100 110 120"}, {"B", "50 60 40"}, {"C", "30 - 35"}, {"D", "20 25 -"}},
		},
		{
			"split top 2: C, D and E folded into Other",
			"type = \"bar\"\ntable = \"spend\"\nx = \"month\"\ny = \"spend\"\nsplit = \"customer\"\ntop = 2\n",
			months, []wantSeries{{"A", "100 110 120"}, {"B", "50 60 40"}, {"Other", "50 30 50"}},
		},
		{
			"split top 4: only E folded, its gap kept",
			"type = \"bar\"\ntable = \"spend\"\nx = \"month\"\ny = \"spend\"\nsplit = \"customer\"\ntop = 4\n",
			months, []wantSeries{{"A", "100 110 120"}, {"B", "50 60 40"}, {"C", "30 - 35"}, {"D", "20 25 -"}, {"Other", "- 5 15"}},
		},
		{
			"split top 5: nothing to fold",
			"type = \"bar\"\ntable = \"spend\"\nx = \"month\"\ny = \"spend\"\nsplit = \"customer\"\ntop = 5\n",
			months, []wantSeries{{"E", "- 5 15"}, {"A", "100 110 120"}, {"B", "50 60 40"}, {"C", "30 - 35"}, {"D", "20 25 -"}},
		},
		{
			"pie of the latest month, top 2: Other is C + E",
			"type = \"pie\"\ntable = \"spend\"\nx = \"customer\"\ny = \"spend\"\nlatest = \"month\"\nsort = \"desc\"\ntop = 2\n",
			"A,B,Other", []wantSeries{{"spend", "120 40 50"}},
		},
		{
			"latest keeps only March",
			"type = \"donut\"\ntable = \"spend\"\nx = \"customer\"\ny = \"spend\"\nlatest = \"month\"\n",
			"E,A,B,C", []wantSeries{{"spend", "15 120 40 35"}},
		},
		{
			"latest on a bar chart by month",
			"type = \"bar\"\ntable = \"spend\"\nx = \"month\"\ny = \"spend\"\nlatest = \"month\"\n",
			"Mar 2022", []wantSeries{{"spend", "210"}},
		},
		{
			"text categories in order of appearance",
			"type = \"bar\"\ntable = \"spend\"\nx = \"customer\"\ny = \"spend\"\n",
			"E,A,B,C,D", []wantSeries{{"spend", "20 330 150 65 45"}},
		},
		{
			"sort desc",
			"type = \"bar\"\ntable = \"spend\"\nx = \"customer\"\ny = \"spend\"\nsort = \"desc\"\n",
			"A,B,C,D,E", []wantSeries{{"spend", "330 150 65 45 20"}},
		},
		{
			"sort asc",
			"type = \"bar\"\ntable = \"spend\"\nx = \"customer\"\ny = \"spend\"\nsort = \"asc\"\n",
			"E,D,C,B,A", []wantSeries{{"spend", "20 45 65 150 330"}},
		},
		{
			"top 3 without sort: the largest first, D + E in Other",
			"type = \"bar\"\ntable = \"spend\"\nx = \"customer\"\ny = \"spend\"\ntop = 3\n",
			"A,B,C,Other", []wantSeries{{"spend", "330 150 65 65"}},
		},
		{
			"top 2 sorted asc still keeps the two largest",
			"type = \"bar\"\ntable = \"spend\"\nx = \"customer\"\ny = \"spend\"\nsort = \"asc\"\ntop = 2\n",
			"B,A,Other", []wantSeries{{"spend", "150 330 130"}},
		},
		{
			"join: region of the latest month",
			"type = \"bar\"\ntable = \"spend\"\nx = \"region\"\ny = \"spend\"\nlatest = \"month\"\njoin = { table = \"customers\", on = \"customer\" }\n",
			"AMER,EMEA", []wantSeries{{"spend", "55 155"}},
		},
		{
			"join: segment over all months, sorted",
			"type = \"bar\"\ntable = \"spend\"\nx = \"segment\"\ny = \"spend\"\nsort = \"desc\"\njoin = { table = \"customers\", on = \"customer\" }\n",
			"Enterprise,SMB", []wantSeries{{"spend", "480 130"}},
		},
		{
			"x_separator with count",
			"type = \"bar\"\ntable = \"wins\"\nx = \"previous\"\nx_separator = \",\"\nagg = \"count\"\n",
			"Google,Amazon,Oracle", []wantSeries{{"", "2 3 1"}},
		},
		{
			"x_separator with count, sorted",
			"type = \"bar\"\ntable = \"wins\"\nx = \"previous\"\nx_separator = \",\"\nagg = \"count\"\nsort = \"desc\"\ntitle = \"Wins\"\n",
			"Amazon,Google,Oracle", []wantSeries{{"Wins", "3 2 1"}},
		},
		{
			"mean skips the empty cell",
			"type = \"line\"\ntable = \"spend\"\nx = \"month\"\ny = \"spend\"\nagg = \"mean\"\n",
			months, []wantSeries{{"spend", "50 50 52.5"}},
		},
		{
			"last in file order",
			"type = \"line\"\ntable = \"spend\"\nx = \"month\"\ny = \"spend\"\nagg = \"last\"\n",
			months, []wantSeries{{"spend", "20 5 35"}},
		},
		{
			"count of a column skips the empty cell",
			"type = \"line\"\ntable = \"spend\"\nx = \"customer\"\ny = \"spend\"\nagg = \"count\"\n",
			"E,A,B,C,D", []wantSeries{{"spend", "2 3 3 2 2"}},
		},
	}
	tables := loadTables(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := bind(t, tables, tt.src)
			if err != nil {
				t.Fatalf("Bind: %v", err)
			}
			o := decode(t, c)
			if got := strings.Join(o.categories(), ","); got != tt.cats {
				t.Errorf("categories = %s, want %s", got, tt.cats)
			}
			if len(o.Series) != len(tt.series) {
				t.Fatalf("%d series, want %d:\n%s", len(o.Series), len(tt.series), c.Option)
			}
			for i, want := range tt.series {
				if want.name != "" && o.Series[i].Name != want.name {
					t.Errorf("series %d name = %q, want %q", i, o.Series[i].Name, want.name)
				}
				if got := strings.Join(o.values(i), " "); got != want.values {
					t.Errorf("series %d (%s) = %s, want %s", i, o.Series[i].Name, got, want.values)
				}
			}
		})
	}
}

func TestBindCombo(t *testing.T) {
	tables := loadTables(t)
	c, err := bind(t, tables, `type = "combo"
table = "spend"
x = "month"
title = "Spend and run-rate"
subtitle = "Sub"
source = "Source note"
height = 400
[[series]]
name = "Monthly spend"
y = "spend"
type = "bar"
[[series]]
name = "Annual run-rate"
y = "spend"
type = "line"
axis = "right"
scale = 12
format = "money_full"
`)
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "x" || c.File != "charts/x.toml" || c.Type != "combo" || c.Title != "Spend and run-rate" ||
		c.Subtitle != "Sub" || c.Source != "Source note" || c.Height != 400 {
		t.Errorf("chart fields = %+v", c)
	}
	o := decode(t, c)
	if o.Briefing.Currency != "USD" {
		t.Errorf("currency = %q", o.Briefing.Currency)
	}
	if want := []string{"money", "money_full"}; !slices.Equal(o.Briefing.AxisFormats, want) {
		t.Errorf("axisFormats = %q, want %q", o.Briefing.AxisFormats, want)
	}
	if want := []string{"money", "money_full"}; !slices.Equal(o.Briefing.SeriesFormats, want) {
		t.Errorf("seriesFormats = %q, want %q", o.Briefing.SeriesFormats, want)
	}
	if len(o.YAxis) != 2 || o.YAxis[1].Position != "right" {
		t.Errorf("yAxis = %+v, want a second axis on the right", o.YAxis)
	}
	if len(o.Series) != 2 || o.Series[0].Type != "bar" || o.Series[0].YAxisIndex != 0 ||
		o.Series[1].Type != "line" || o.Series[1].YAxisIndex != 1 {
		t.Errorf("series = %+v, want a bar on axis 0 and a line on axis 1", o.Series)
	}
	wantTable := DataTable{
		Header: []string{"Month", "Monthly spend", "Annual run-rate"},
		Rows: [][]string{
			{"Jan 2022", "$200", "$2,400"},
			{"Feb 2022", "$200", "$2,400"},
			{"Mar 2022", "$210", "$2,520"},
		},
	}
	checkTable(t, c.Data, wantTable)
}

// TestBindSeriesFormatsMatchSeries lists a line before two bars. ECharts
// receives the bars first (go-echarts overlaps lines after bars); the
// chart script pairs seriesFormats[i] with series[i], so each format must
// land on its own series whatever the order.
func TestBindSeriesFormatsMatchSeries(t *testing.T) {
	c, err := bind(t, loadTables(t), `type = "combo"
table = "spend"
x = "month"
[[series]]
name = "Run-rate"
y = "spend"
type = "line"
axis = "right"
scale = 12
format = "money_full"
[[series]]
name = "Spend"
y = "spend"
type = "bar"
[[series]]
name = "Customers"
y = "customer"
agg = "count"
`)
	if err != nil {
		t.Fatal(err)
	}
	o := decode(t, c)
	want := map[string]struct {
		typ, format, values string
		axis                int
	}{
		"Run-rate":  {"line", "money_full", "2400 2400 2520", 1},
		"Spend":     {"bar", "money", "200 200 210", 0},
		"Customers": {"bar", "integer", "4 5 4", 0},
	}
	if len(o.Series) != len(want) || len(o.Briefing.SeriesFormats) != len(o.Series) {
		t.Fatalf("%d series, %d formats; want %d of each:\n%s", len(o.Series), len(o.Briefing.SeriesFormats), len(want), c.Option)
	}
	for i, sr := range o.Series {
		w, ok := want[sr.Name]
		if !ok {
			t.Errorf("unexpected series %q", sr.Name)
			continue
		}
		if got := o.Briefing.SeriesFormats[i]; got != w.format {
			t.Errorf("series %d %q has format %q, want %q", i, sr.Name, got, w.format)
		}
		if sr.Type != w.typ || sr.YAxisIndex != w.axis {
			t.Errorf("series %q: type %s on axis %d, want %s on axis %d", sr.Name, sr.Type, sr.YAxisIndex, w.typ, w.axis)
		}
		if got := strings.Join(o.values(i), " "); got != w.values {
			t.Errorf("series %q = %s, want %s", sr.Name, got, w.values)
		}
	}
	if want := []string{"money", "money_full"}; !slices.Equal(o.Briefing.AxisFormats, want) {
		t.Errorf("axisFormats = %q, want %q", o.Briefing.AxisFormats, want)
	}
	// The accessible table keeps the order of the definition.
	checkTable(t, c.Data, DataTable{
		Header: []string{"Month", "Run-rate", "Spend", "Customers"},
		Rows: [][]string{
			{"Jan 2022", "$2,400", "$200", "4"},
			{"Feb 2022", "$2,400", "$200", "5"},
			{"Mar 2022", "$2,520", "$210", "4"},
		},
	})
}

func checkTable(t *testing.T, got, want DataTable) {
	t.Helper()
	if !slices.Equal(got.Header, want.Header) {
		t.Errorf("data header = %q, want %q", got.Header, want.Header)
	}
	if len(got.Rows) != len(want.Rows) {
		t.Fatalf("data rows = %q, want %q", got.Rows, want.Rows)
	}
	for i := range want.Rows {
		if !slices.Equal(got.Rows[i], want.Rows[i]) {
			t.Errorf("data row %d = %q, want %q", i, got.Rows[i], want.Rows[i])
		}
	}
}

func TestBindSplitTopDataTable(t *testing.T) {
	c, err := bind(t, loadTables(t), "type = \"bar\"\ntable = \"spend\"\nx = \"month\"\ny = \"spend\"\nsplit = \"customer\"\ntop = 2\nstack = true\n")
	if err != nil {
		t.Fatal(err)
	}
	if c.Height != 360 {
		t.Errorf("default height = %d, want 360", c.Height)
	}
	checkTable(t, c.Data, DataTable{
		Header: []string{"Month", "A", "B", "Other"},
		Rows: [][]string{
			{"Jan 2022", "$100", "$50", "$50"},
			{"Feb 2022", "$110", "$60", "$30"},
			{"Mar 2022", "$120", "$40", "$50"},
		},
	})
	o := decode(t, c)
	for i, s := range o.Series {
		if s.Stack != "stack-0" {
			t.Errorf("series %d stack = %q, want stack-0", i, s.Stack)
		}
	}
	if want := []string{"money", "money", "money"}; !slices.Equal(o.Briefing.SeriesFormats, want) {
		t.Errorf("seriesFormats = %q, want %q", o.Briefing.SeriesFormats, want)
	}
}

func TestBindGapsInDataTable(t *testing.T) {
	c, err := bind(t, loadTables(t), "type = \"line\"\ntable = \"spend\"\nx = \"month\"\ny = \"spend\"\nsplit = \"customer\"\nformat = \"money_full\"\n")
	if err != nil {
		t.Fatal(err)
	}
	checkTable(t, c.Data, DataTable{
		Header: []string{"Month", "E", "A", "B", "C", "D"},
		Rows: [][]string{
			{"Jan 2022", "", "$100", "$50", "$30", "$20"},
			{"Feb 2022", "$5", "$110", "$60", "", "$25"},
			{"Mar 2022", "$15", "$120", "$40", "$35", ""},
		},
	})
}

func TestBindCountFormat(t *testing.T) {
	c, err := bind(t, loadTables(t), "type = \"bar\"\ntable = \"wins\"\nx = \"previous\"\nx_separator = \",\"\nagg = \"count\"\nsort = \"desc\"\nhorizontal = true\n")
	if err != nil {
		t.Fatal(err)
	}
	o := decode(t, c)
	if want := []string{"integer"}; !slices.Equal(o.Briefing.SeriesFormats, want) {
		t.Errorf("seriesFormats = %q, want %q", o.Briefing.SeriesFormats, want)
	}
	if !o.Briefing.Horizontal {
		t.Error("briefing.horizontal is not set")
	}
	if len(o.YAxis) == 0 || o.YAxis[0].Type != "category" || !slices.Equal(o.YAxis[0].Data, []string{"Amazon", "Google", "Oracle"}) {
		t.Errorf("horizontal chart: yAxis = %+v, want the categories", o.YAxis)
	}
	if c.Data.Header[0] != "Previous" {
		t.Errorf("data header = %q, want the x column first, as Previous", c.Data.Header)
	}
	want := [][]string{{"Amazon", "3"}, {"Google", "2"}, {"Oracle", "1"}}
	if !slices.EqualFunc(c.Data.Rows, want, slices.Equal) {
		t.Errorf("data rows = %q, want %q", c.Data.Rows, want)
	}
}

func TestBindZeroIsAValue(t *testing.T) {
	tables := loadTables(t)
	zero, err := table.Load(fstest.MapFS{"z.csv": {Data: []byte("k,v\na,0\nb,\nc,2\n")}},
		table.Spec{Name: "z", File: "z.csv", Columns: map[string]table.Kind{"v": table.Number}}, table.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	tables["z"] = zero
	c, err := bind(t, tables, "type = \"bar\"\ntable = \"z\"\nx = \"k\"\ny = \"v\"\n")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(decode(t, c).values(0), " "); got != "0 - 2" {
		t.Errorf("values = %s, want 0 - 2 (zero is data, the empty cell is missing)", got)
	}
	checkTable(t, c.Data, DataTable{Header: []string{"K", "v"}, Rows: [][]string{{"a", "0"}, {"b", ""}, {"c", "2"}}})
}

func TestBindHostileNames(t *testing.T) {
	c, err := bind(t, loadTables(t), "type = \"bar\"\ntable = \"hostile\"\nx = \"month\"\ny = \"spend\"\nsplit = \"who\"\ntitle = \"</title><script>t()</script>\"\n")
	if err != nil {
		t.Fatal(err)
	}
	raw := string(c.Option)
	for _, bad := range []string{"<", ">", "&"} {
		if strings.Contains(raw, bad) {
			t.Errorf("option contains a raw %q:\n%s", bad, raw)
		}
	}
	for _, want := range []string{
		`"name":"\u003c/script\u003e\u003cscript\u003ex()\u003c/script\u003e"`,
		`"name":"__f__function(){x()}__f__"`,
		`"name":"A \u0026 B"`,
	} {
		if !strings.Contains(raw, want) {
			t.Errorf("option lacks %s:\n%s", want, raw)
		}
	}
	// Decoded, the names are the data, unchanged, and plain strings.
	o := decode(t, c)
	want := []string{"</script><script>x()</script>", "__f__function(){x()}__f__", "A & B"}
	var got []string
	for _, s := range o.Series {
		got = append(got, s.Name)
	}
	if !slices.Equal(got, want) {
		t.Errorf("series names = %q, want %q", got, want)
	}
	var generic map[string]any
	if err := json.Unmarshal(c.Option, &generic); err != nil {
		t.Fatal(err)
	}
	if _, ok := generic["series"].([]any)[1].(map[string]any)["name"].(string); !ok {
		t.Error("the __f__ series name is not a JSON string")
	}
	if !slices.Equal(c.Data.Header[1:], want) {
		t.Errorf("data header = %q: names must reach the table as text, escaped later by the template", c.Data.Header)
	}
}

func TestBindErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{
			"unknown table, at the table value",
			"type = \"bar\"\ntable = \"sale\"\nx = \"month\"\ny = \"spend\"\n",
			`charts/x.toml:2:9: chart "x": unknown table "sale" (tables: customers, empty, hostile, spend, wins)`,
		},
		{
			"unknown x column",
			"type = \"bar\"\ntable = \"spend\"\nx = \"mnth\"\ny = \"spend\"\n",
			`charts/x.toml:3:5: chart "x": unknown column "mnth" in table "spend" (columns: month, customer, spend)`,
		},
		{
			"unknown y column",
			"type = \"bar\"\ntable = \"spend\"\nx = \"month\"\n  y = \"spnd\"\n",
			`charts/x.toml:4:7: chart "x": unknown column "spnd" in table "spend" (columns: month, customer, spend)`,
		},
		{
			"unknown split column",
			"type = \"bar\"\ntable = \"spend\"\nx = \"month\"\ny = \"spend\"\nsplit = \"cust\"\n",
			`charts/x.toml:5:9: chart "x": unknown column "cust" in table "spend" (columns: month, customer, spend)`,
		},
		{
			"unknown series column, in its element",
			"type = \"combo\"\ntable = \"spend\"\nx = \"month\"\n[[series]]\ny = \"spend\"\n[[series]]\ny = \"spent\"\n",
			`charts/x.toml:7:5: chart "x": unknown column "spent" in table "spend" (columns: month, customer, spend)`,
		},
		{
			"unknown latest column",
			"type = \"bar\"\ntable = \"spend\"\nx = \"month\"\ny = \"spend\"\nlatest = \"date\"\n",
			`charts/x.toml:5:10: chart "x": unknown column "date" in table "spend" (columns: month, customer, spend)`,
		},
		{
			"latest on text",
			"type = \"bar\"\ntable = \"spend\"\nx = \"month\"\ny = \"spend\"\nlatest = \"customer\"\n",
			`charts/x.toml:5:10: chart "x": latest needs a date, month, quarter or number column; "customer" is text`,
		},
		{
			"sum of text",
			"type = \"bar\"\ntable = \"spend\"\nx = \"month\"\ny = \"customer\"\n",
			`charts/x.toml:4:5: chart "x": column "customer" is text; sum needs a number, money or percent column`,
		},
		{
			"join to an unknown table",
			"type = \"bar\"\ntable = \"spend\"\nx = \"region\"\ny = \"spend\"\njoin = { table = \"cust\", on = \"customer\" }\n",
			`charts/x.toml:5:18: chart "x": unknown table "cust" (tables: customers, empty, hostile, spend, wins)`,
		},
		{
			"join on a column one side lacks",
			"type = \"bar\"\ntable = \"spend\"\nx = \"region\"\ny = \"spend\"\njoin = { table = \"customers\", on = \"region\" }\n",
			`charts/x.toml:5:36: chart "x": join column "region" must be in both "spend" and "customers"`,
		},
		{
			"unknown column lists the joined columns too",
			"type = \"bar\"\ntable = \"spend\"\nx = \"country\"\ny = \"spend\"\njoin = { table = \"customers\", on = \"customer\" }\n",
			`charts/x.toml:3:5: chart "x": unknown column "country" in table "spend" (columns: month, customer, spend, customer, region, segment)`,
		},
		{
			"no rows",
			"type = \"bar\"\ntable = \"empty\"\nx = \"m\"\ny = \"v\"\n",
			`charts/x.toml:2:9: chart "x": no data to chart: table "empty" has no rows with a value in "m"`,
		},
	}
	tables := loadTables(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := bind(t, tables, tt.src)
			if err == nil {
				t.Fatalf("Bind succeeded: %s", c.Option)
			}
			if err.Error() != tt.want {
				t.Errorf("error =\n\t%s\nwant\n\t%s", err, tt.want)
			}
		})
	}
}

// The data table under a chart gives the amounts in full, whatever the
// chart's axis and tooltip show compactly: a reader who wants the digits
// finds them there. Cents appear in a series that has them, in every row.
func TestBindDataTableInFull(t *testing.T) {
	fsys := fstest.MapFS{"data/rev.csv": {Data: []byte("quarter,revenue,cost\nQ1,20412345,4255000.5\nQ2,8833000,318000\n")}}
	tb, err := table.Load(fsys, table.Spec{Name: "rev", File: "data/rev.csv", Columns: map[string]table.Kind{"revenue": table.Money, "cost": table.Money}}, table.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	c, err := bind(t, map[string]*table.Table{"rev": tb}, `type = "combo"
table = "rev"
x = "quarter"
[[series]]
name = "Revenue"
y = "revenue"
[[series]]
name = "Cost"
y = "cost"
type = "line"
`)
	if err != nil {
		t.Fatal(err)
	}
	checkTable(t, c.Data, DataTable{
		Header: []string{"Quarter", "Revenue", "Cost"},
		Rows: [][]string{
			{"Q1", "$20,412,345", "$4,255,000.50"},
			{"Q2", "$8,833,000", "$318,000.00"},
		},
	})
	if got := decode(t, c).Briefing.SeriesFormats; !slices.Equal(got, []string{"money", "money"}) {
		t.Errorf("seriesFormats = %q: the chart itself still shows compact money", got)
	}
}
