package tomlpos

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/briefing-dev/briefing/internal/diag"
)

// sample is a document with one of everything the index must find. The
// line numbers on the right are for reading the expectations below.
var sample = strings.Join([]string{
	`title = "Briefing"`, // 1
	`"quoted key" = 1`,   // 2
	`a.b.c = "dotted"`,   // 3
	``,                   // 4
	`[data.customers]`,   // 5
	`file = "x.csv"`,     // 6
	`  sheet = 'S'`,      // 7
	`columns = { month = "month", "spend usd" = "money" }`, // 8
	`notes = """`,              // 9
	`key = "not a key"`,        // 10
	`[not.a.table]`,            // 11
	`"""`,                      // 12
	`after = 2`,                // 13
	``,                         // 14
	`[[series]]`,               // 15
	`name = "A"`,               // 16
	`y = "a"`,                  // 17
	``,                         // 18
	`[[series]]`,               // 19
	`name = "B"`,               // 20
	`axis = "right" # comment`, // 21
	`lit = '''`,                // 22
	`hidden = 1`,               // 23
	`'''`,                      // 24
	``,                         // 25
	`[site."deep"]`,            // 26
	`	x = [1, 2, 3]`,           // 27
	`# commented = 1`,          // 28
	`single = """one line"""`,  // 29
	`after_single = true`,      // 30
}, "\n")

const file = "s.toml"

func pos(line, col int) diag.Pos { return diag.Pos{File: file, Line: line, Col: col} }

var nowhere = diag.Pos{File: file}

func TestSampleParses(t *testing.T) {
	// toml.Decode, not Decode: decoding into a map[string]any the library
	// lists dotted keys (a.b.c) as undecoded, which Decode would report.
	var v map[string]any
	if _, err := toml.Decode(sample, &v); err != nil {
		t.Fatalf("the sample must be valid TOML: %v", err)
	}
}

func TestKeyValue(t *testing.T) {
	ix := New(file, []byte(sample))
	tests := []struct {
		path       []string
		key, value diag.Pos
	}{
		{[]string{"title"}, pos(1, 1), pos(1, 9)},
		{[]string{"quoted key"}, pos(2, 1), pos(2, 16)},
		{[]string{"a", "b", "c"}, pos(3, 1), pos(3, 9)},
		// A table header: the key is the bracket, the value the name.
		{[]string{"data", "customers"}, pos(5, 1), pos(5, 2)},
		{[]string{"data", "customers", "file"}, pos(6, 1), pos(6, 8)},
		{[]string{"data", "customers", "sheet"}, pos(7, 3), pos(7, 11)},
		{[]string{"data", "customers", "columns"}, pos(8, 1), pos(8, 11)},
		{[]string{"data", "customers", "columns", "month"}, pos(8, 13), pos(8, 21)},
		{[]string{"data", "customers", "columns", "spend usd"}, pos(8, 30), pos(8, 44)},
		{[]string{"data", "customers", "notes"}, pos(9, 1), pos(9, 9)},
		{[]string{"data", "customers", "after"}, pos(13, 1), pos(13, 9)},
		{[]string{"series"}, pos(15, 1), pos(15, 3)}, // the first element
		{[]string{"series", "name"}, pos(16, 1), pos(16, 8)},
		{[]string{"series", "axis"}, pos(21, 1), pos(21, 8)},
		{[]string{"series", "lit"}, pos(22, 1), pos(22, 7)},
		{[]string{"site", "deep"}, pos(26, 1), pos(26, 2)},
		{[]string{"site", "deep", "x"}, pos(27, 2), pos(27, 6)},
		{[]string{"site", "deep", "single"}, pos(29, 1), pos(29, 10)},
		{[]string{"site", "deep", "after_single"}, pos(30, 1), pos(30, 16)},

		// Not keys: text inside multi-line strings, comments, missing keys.
		{[]string{"key"}, nowhere, nowhere},
		{[]string{"data", "customers", "key"}, nowhere, nowhere},
		{[]string{"not", "a", "table"}, nowhere, nowhere},
		{[]string{"series", "hidden"}, nowhere, nowhere},
		{[]string{"hidden"}, nowhere, nowhere},
		{[]string{"site", "deep", "commented"}, nowhere, nowhere},
		{[]string{"commented"}, nowhere, nowhere},
		{[]string{"month"}, nowhere, nowhere},
		{[]string{"file"}, nowhere, nowhere}, // only as data.customers.file
		{[]string{"nope"}, nowhere, nowhere},
	}
	for _, tt := range tests {
		if got := ix.Key(tt.path...); got != tt.key {
			t.Errorf("Key(%q) = %v, want %v", tt.path, got, tt.key)
		}
		if got := ix.Value(tt.path...); got != tt.value {
			t.Errorf("Value(%q) = %v, want %v", tt.path, got, tt.value)
		}
	}
}

func TestElem(t *testing.T) {
	ix := New(file, []byte(sample))
	elems := []struct {
		table string
		elem  int
		want  diag.Pos
	}{
		{"series", 0, pos(15, 1)},
		{"series", 1, pos(19, 1)},
		{"series", 2, nowhere},
		{"data", 0, nowhere},
	}
	for _, tt := range elems {
		if got := ix.Elem(tt.table, tt.elem); got != tt.want {
			t.Errorf("Elem(%q, %d) = %v, want %v", tt.table, tt.elem, got, tt.want)
		}
	}
	values := []struct {
		table string
		elem  int
		key   string
		want  diag.Pos
	}{
		{"series", 0, "name", pos(16, 8)},
		{"series", 0, "y", pos(17, 5)},
		{"series", 1, "name", pos(20, 8)},
		{"series", 1, "axis", pos(21, 8)},
		{"series", 1, "lit", pos(22, 7)},
		{"series", 0, "axis", nowhere}, // only the second element sets it
		{"series", 1, "y", nowhere},
		{"series", 1, "hidden", nowhere},
		{"series", 2, "name", nowhere},
	}
	for _, tt := range values {
		if got := ix.ElemValue(tt.table, tt.elem, tt.key); got != tt.want {
			t.Errorf("ElemValue(%q, %d, %q) = %v, want %v", tt.table, tt.elem, tt.key, got, tt.want)
		}
	}
}

func TestArrayKeys(t *testing.T) {
	ix := New(file, []byte(sample))
	tests := []struct {
		table string
		want  []string
	}{
		{"series", []string{"name", "y", "name", "axis", "lit"}},
		{"data", nil},
		{"nope", nil},
	}
	for _, tt := range tests {
		if got := ix.ArrayKeys(tt.table); !slices.Equal(got, tt.want) {
			t.Errorf("ArrayKeys(%q) = %q, want %q", tt.table, got, tt.want)
		}
	}
}

func TestArrayKeysInlineAndNested(t *testing.T) {
	src := "[[q]]\nquarter = \"2024-Q1\"\nmeta = { a = 1 }\n\n[[q]]\nrevenue = 3\n\n[other]\nz = 1\n"
	ix := New(file, []byte(src))
	want := []string{"quarter", "meta", "meta.a", "revenue"}
	if got := ix.ArrayKeys("q"); !slices.Equal(got, want) {
		t.Errorf("ArrayKeys(q) = %q, want %q", got, want)
	}
	// [other] ends the array: its keys are not elements of q.
	if got := ix.Key("other", "z"); got != pos(9, 1) {
		t.Errorf("Key(other.z) = %v, want %v", got, pos(9, 1))
	}
	if got := ix.ElemValue("q", 0, "meta.a"); got != pos(3, 14) {
		t.Errorf("ElemValue(q, 0, meta.a) = %v, want %v", got, pos(3, 14))
	}
}

func TestCRLF(t *testing.T) {
	src := strings.ReplaceAll("a = 1\r\n[t]\r\n  b = \"x\"\r\n", "\r\n", "\r\n")
	ix := New(file, []byte(src))
	if got := ix.Value("a"); got != pos(1, 5) {
		t.Errorf("Value(a) = %v, want 1:5", got)
	}
	if got := ix.Value("t", "b"); got != pos(3, 7) {
		t.Errorf("Value(t.b) = %v, want 3:7", got)
	}
}

// decodeTarget is a small schema: a known key set, so that everything else
// is an unknown key.
type decodeTarget struct {
	Title string `toml:"title"`
	Data  map[string]*struct {
		File    string            `toml:"file"`
		Columns map[string]string `toml:"columns"`
	} `toml:"data"`
	Height int      `toml:"height"`
	Tags   []string `toml:"tags"`
	Series []struct {
		Name string `toml:"name"`
		Y    string `toml:"y"`
	} `toml:"series"`
	Join *struct {
		Table string `toml:"table"`
	} `toml:"join"`
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string // the whole error text; "" for success
		pos  diag.Pos
	}{
		{
			name: "ok",
			src:  "title = \"t\"\n[data.x]\nfile = \"a.csv\"\ncolumns = { a = \"money\" }\n",
		},
		{
			name: "misspelt nested key",
			src:  "title = \"t\"\n\n[data.x]\nfile = \"a.csv\"\n  colums = { a = \"money\" }\n",
			want: `s.toml:5:3: unknown key "data.x.colums"`,
			pos:  pos(5, 3),
		},
		{
			name: "misspelt table header",
			src:  "title = \"t\"\n[data.x]\nfile = \"a.csv\"\n[data.x.colums]\na = \"money\"\n",
			want: `s.toml:4:1: unknown key "data.x.colums"`,
			pos:  pos(4, 1),
		},
		{
			name: "unknown top-level key",
			src:  "title = \"t\"\ntitel = \"u\"\n",
			want: `s.toml:2:1: unknown key "titel"`,
			pos:  pos(2, 1),
		},
		{
			name: "unknown key in second array element",
			src:  "[[series]]\nname = \"a\"\ny = \"v\"\n[[series]]\nname = \"b\"\n why = \"v\"\n",
			want: `s.toml:6:2: unknown key "series.why"`,
			pos:  pos(6, 2),
		},
		{
			name: "unknown key in inline table",
			src:  "join = { table = \"a\", on = \"b\" }\n",
			want: `s.toml:1:23: unknown key "join.on"`,
			pos:  pos(1, 23),
		},
		{
			name: "syntax error",
			src:  "title = \"t\"\nheight = = 3\n",
			pos:  pos(2, 10),
		},
		{
			name: "unterminated string", // at the newline that ends it
			src:  "title = \"t\nheight = 3\n",
			pos:  pos(1, 11),
		},
		{
			name: "type mismatch",
			src:  "title = \"t\"\n\nheight = \"tall\"\n",
			pos:  pos(3, 10),
		},
		{
			name: "type mismatch in second array element",
			src:  "[[series]]\nname = \"a\"\n[[series]]\nname = 3\n",
			pos:  pos(4, 8),
		},
		{
			name: "type mismatch in a multi-line inline array",
			src:  "title = \"t\"\nheight = 3\ntags = [\n  \"a\",\n  # a comment, with \"quotes\" ] 3\n  \"b\", 3,\n]\n",
			want: `s.toml:6:8: tags: incompatible types: TOML value has type int64; destination has type string`,
			pos:  pos(6, 8),
		},
		{
			name: "type mismatch in a multi-line inline table in an array",
			src:  "series = [\n  { name = \"a\", y = \"v\" },\n  { name = \"b\",\n    y = 4 },\n]\n",
			want: `s.toml:4:9: series.y: incompatible types: TOML value has type int64; destination has type string`,
			pos:  pos(4, 9),
		},
		{
			name: "type mismatch in the second inline table of a one-line array",
			src:  "series = [{ name = \"a\" }, { name = 5 }]\n",
			pos:  pos(1, 36),
		},
		{
			name: "unknown key in a multi-line inline table in an array",
			src:  "series = [\n  { name = \"a\" },\n  {\n    name = \"b\",\n    colour = \"red\",\n  },\n]\n",
			want: `s.toml:5:5: unknown key "series.colour"`,
			pos:  pos(5, 5),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v decodeTarget
			_, err := Decode(diag.Config, file, []byte(tt.src), &v)
			if tt.pos == (diag.Pos{}) {
				if err != nil {
					t.Fatalf("Decode: %v", err)
				}
				return
			}
			var de *diag.Error
			if !errors.As(err, &de) {
				t.Fatalf("Decode error = %v (%T), want a *diag.Error", err, err)
			}
			if de.Pos != tt.pos {
				t.Errorf("error %q at %v, want %v", err, de.Pos, tt.pos)
			}
			if tt.want != "" && err.Error() != tt.want {
				t.Errorf("error = %q, want %q", err, tt.want)
			}
		})
	}
}

func TestDecodeMessages(t *testing.T) {
	var v decodeTarget
	_, err := Decode(diag.Config, file, []byte("title = \"t\"\n\nheight = \"tall\"\n"), &v)
	// The key and both types must be named; the "toml: line N" prefix of
	// the library is replaced by the position.
	msg := err.Error()
	for _, want := range []string{"s.toml:3:10: height: ", "string", "integer"} {
		if !strings.Contains(msg, want) {
			t.Errorf("type error %q does not contain %q", msg, want)
		}
	}
	if strings.Contains(msg, "toml: line") {
		t.Errorf("type error %q keeps the library's line prefix", msg)
	}

	_, err = Decode(diag.Config, file, []byte("title = \"t\"\nheight = = 3\n"), &v)
	if msg := err.Error(); !strings.HasPrefix(msg, "s.toml:2:10: ") || strings.Contains(msg, "toml: ") {
		t.Errorf("syntax error = %q, want it to start with s.toml:2:10: and no library prefix", msg)
	}
}

// Inline arrays and inline tables written over several lines: every key
// and every element is found at its own line and column, and text in
// strings and comments is not taken for one.
func TestMultiLineInline(t *testing.T) {
	src := strings.Join([]string{
		`columns = [`,                           // 1
		`  "customer",   # a comment ] { x = 1`, // 2
		`  "monthly_spend_usd", "share",`,       // 3
		`]`,                                     // 4
		`series = [`,                            // 5
		`  { name = "Spend", y = "spend" },`,    // 6
		`  {`,                                   // 7
		`    name = "Share, ] }",`,              // 8
		`    y = 'share',`,                      // 9
		`    format = "percent" },`,             // 10
		`]`,                                     // 11
		`join = {`,                              // 12
		`  table = "customers",`,                // 13
		`  on = """customer"""`,                 // 14
		`}`,                                     // 15
		`height = 3`,                            // 16
	}, "\n")
	var v map[string]any
	if _, err := toml.Decode(src, &v); err != nil {
		t.Fatalf("the source must be valid TOML: %v", err)
	}
	ix := New(file, []byte(src))
	for _, c := range []struct {
		what      string
		got, want diag.Pos
	}{
		{"columns[0]", ix.Item(0, "columns"), pos(2, 3)},
		{"columns[1]", ix.Item(1, "columns"), pos(3, 3)},
		{"columns[2]", ix.Item(2, "columns"), pos(3, 24)},
		{"columns[3]", ix.Item(3, "columns"), nowhere},
		{"series[1]", ix.Item(1, "series"), pos(7, 3)},
		{"series 0 y", ix.ElemValue("series", 0, "y"), pos(6, 25)},
		{"series 1 name", ix.ElemValue("series", 1, "name"), pos(8, 12)},
		{"series 1 y", ix.ElemValue("series", 1, "y"), pos(9, 9)},
		{"series 1 format key", ix.Key("series", "format"), pos(10, 5)},
		{"series 1 format", ix.ElemValue("series", 1, "format"), pos(10, 14)},
		{"series 0 format", ix.ElemValue("series", 0, "format"), nowhere},
		{"join.on", ix.Value("join", "on"), pos(14, 8)},
		{"join.table", ix.Key("join", "table"), pos(13, 3)},
		{"height", ix.Value("height"), pos(16, 10)},
		{"x in a comment", ix.Key("columns", "x"), nowhere},
	} {
		if c.got != c.want {
			t.Errorf("%s at %v, want %v", c.what, c.got, c.want)
		}
	}
	if got, want := ix.ArrayKeys("series"), []string{"name", "y", "name", "y", "format"}; !slices.Equal(got, want) {
		t.Errorf("ArrayKeys(series) = %q, want %q", got, want)
	}
}
