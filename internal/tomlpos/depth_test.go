package tomlpos

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/briefing-dev/briefing/internal/diag"
)

func nest(open, close string, n int) string {
	return strings.Repeat(open, n) + "1" + strings.Repeat(close, n)
}

// Hostile documents: each nests one level past MaxDepth, or far past it,
// and must be refused where it first goes too deep.
func TestCheckDepthRefuses(t *testing.T) {
	deep := MaxDepth + 1
	tests := []struct {
		name string
		src  string
		want diag.Pos
	}{
		// The (MaxDepth+1)-th "{b=" starts at column 5+3*MaxDepth.
		{"inline tables", "a = " + nest("{b=", "}", deep), pos(1, 5+3*MaxDepth)},
		{"inline tables 10,000 deep", "a = " + nest("{b=", "}", 10_000), pos(1, 5+3*MaxDepth)},
		{"arrays", "a = " + nest("[", "]", deep), pos(1, 5+MaxDepth)},
		{"arrays 1,000,000 deep", "a = " + nest("[", "]", 1_000_000), pos(1, 5+MaxDepth)},
		{"dotted key", strings.Repeat("a.", deep) + "b = 1", pos(1, 2*deep)},
		// A header's parts are tables, as a dotted key's dots are: the
		// (MaxDepth+1)-th part is the level too many.
		{"table header", "[" + strings.Repeat("a.", deep) + "b]", pos(1, 1+2*MaxDepth)},
		{"array of tables header", "[[" + strings.Repeat("a.", deep) + "b]]", pos(1, 2+2*MaxDepth)},
		// Each kind of level adds to the others: a header of MaxDepth-1
		// parts, an inline table, and a dotted key inside it.
		{"levels add up", "x = 1\n[" + strings.Repeat("h.", MaxDepth-2) + "h]\nv = {k.j = 1}", pos(3, 7)},
		{"arrays in a multi-line array", "a = [\n  1,\n  " + nest("[", "]", deep), pos(3, 3+MaxDepth-1)},
		{"after a multi-line string", "s = \"\"\"\n{{{{\n\"\"\"\na = " + nest("[", "]", deep), pos(4, 5+MaxDepth)},
		{"after a literal multi-line string", "s = '''\n[[[\n'''\na = " + nest("[", "]", deep), pos(4, 5+MaxDepth)},
		{"inside an inline table in an array", "a = [{b = " + nest("[", "]", deep), pos(1, 11+MaxDepth-2)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckDepth(diag.Chart, file, []byte(tc.src))
			var de *diag.Error
			if !errors.As(err, &de) {
				t.Fatalf("got %v, want a *diag.Error", err)
			}
			if de.Pos != tc.want || de.Kind != diag.Chart {
				t.Errorf("got %v (kind %v), want %v (kind chart)", de.Pos, de.Kind, tc.want)
			}
			if !strings.Contains(de.Msg, "32 levels") {
				t.Errorf("message %q does not name the limit", de.Msg)
			}
		})
	}
}

// What looks like nesting inside strings and comments is text.
func TestCheckDepthSkipsTextAndComments(t *testing.T) {
	many := strings.Repeat("[{", 100)
	docs := map[string]string{
		"sample":                  sample,
		"basic string":            `a = "` + many + `"`,
		"escaped quote":           `a = "\"` + many + `\""`,
		"escaped backslash":       `a = "\\" # ` + many,
		"literal string":          `a = '` + many + `\'`,
		"multi-line basic":        "a = \"\"\"\n" + many + "\\\"\"\"\n" + many + "\"\"\"\"\"",
		"multi-line literal":      "a = '''\n" + many + "\n'''''",
		"comment":                 "# " + many + "\na = 1",
		"comment after value":     "a = [1, 2] # " + many,
		"quoted key with dots":    `"` + strings.Repeat("a.", 100) + `" = 1`,
		"quoted header with dots": `["` + strings.Repeat("a.", 100) + `"]`,
		"dots in values":          "a = [" + strings.Repeat("1.5, ", 1000) + "2.5]\nb = 1979-05-27T07:32:00.999Z",
		"exactly the limit":       "a = " + nest("[", "]", MaxDepth),
		"many shallow tables":     strings.Repeat("a = {b = {c = [1, [2]]}}\n[t.u]\nx.y = 1\n", 1000),
	}
	for name, src := range docs {
		if err := CheckDepth(diag.Config, file, []byte(src)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// The scan is one pass with a bounded stack: a million levels cost a
// handful of allocations, not one per level.
func TestCheckDepthBoundedWork(t *testing.T) {
	src := []byte("a = " + nest("[", "]", 1_000_000))
	allocs := testing.AllocsPerRun(1, func() { _ = CheckDepth(diag.Config, file, src) })
	if allocs > 20 {
		t.Errorf("%v allocations for a million levels", allocs)
	}
}

func TestDecodeRefusesDeepAndLarge(t *testing.T) {
	var v map[string]any
	_, err := Decode(diag.Figure, file, []byte("a = "+nest("{b=", "}", 10_000)), &v)
	var de *diag.Error
	if !errors.As(err, &de) || de.Pos != pos(1, 5+3*MaxDepth) || de.Kind != diag.Figure {
		t.Errorf("deep: got %v", err)
	}
	big := []byte("a = 1\n" + strings.Repeat("# padding\n", MaxBytes/10))
	_, err = Decode(diag.Figure, file, big, &v)
	if !errors.As(err, &de) || de.Pos != nowhere || !strings.Contains(de.Msg, "4194304 bytes") {
		t.Errorf("large: got %v", err)
	}
}

func TestReadFileStopsPastTheLimit(t *testing.T) {
	fsys := fstest.MapFS{"big.toml": {Data: make([]byte, 3*MaxBytes)}, "small.toml": {Data: []byte("a = 1")}}
	b, err := ReadFile(fsys, "big.toml")
	if err != nil || len(b) != MaxBytes+1 {
		t.Errorf("big: read %d bytes, %v; want %d", len(b), err, MaxBytes+1)
	}
	if b, err := ReadFile(fsys, "small.toml"); err != nil || string(b) != "a = 1" {
		t.Errorf("small: %q, %v", b, err)
	}
}

func TestLine(t *testing.T) {
	ix := New(file, []byte("a = 1\r\nb = 2\n\nc = 3"))
	for n, want := range map[int]string{0: "", 1: "a = 1", 2: "b = 2", 3: "", 4: "c = 3", 5: ""} {
		if got := ix.Line(n); got != want {
			t.Errorf("Line(%d) = %q, want %q", n, got, want)
		}
	}
}

// Lookups in a large array of tables find the right element's key.
func TestElemValueManyElements(t *testing.T) {
	var b strings.Builder
	for i := range 5000 {
		b.WriteString("[[s]]\nname = \"x\"\n")
		if i%2 == 0 {
			b.WriteString("y = 1\n")
		}
	}
	ix := New(file, []byte(b.String()))
	// Element 4999 (odd) has no y; element 4998 starts at line 1+5*2499.
	if got, want := ix.ElemValue("s", 4998, "y"), pos(5*2499+3, 5); got != want {
		t.Errorf("ElemValue(4998) = %v, want %v", got, want)
	}
	if got := ix.ElemValue("s", 4999, "y"); got != nowhere {
		t.Errorf("ElemValue(4999) = %v, want the file alone", got)
	}
}
