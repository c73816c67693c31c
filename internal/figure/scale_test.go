package figure

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/briefing-dev/briefing/internal/expr"
)

// manyFigures is a figures.toml of n expression figures, each computed from
// one declared before it, some with a multi-line expression.
func manyFigures(n int) fstest.MapFS {
	var b strings.Builder
	b.WriteString("[f0]\nexpr = \"1\"\n\n")
	for i := 1; i < n; i++ {
		if i%10 == 0 {
			fmt.Fprintf(&b, "[f%d]\nexpr = \"\"\"\nf%d * 2\n  + 1\"\"\"\nformat = \"number\"\n\n", i, i/2)
			continue
		}
		fmt.Fprintf(&b, "[f%d]\nexpr = \"f%d + %d\"\n\n", i, i/2, i)
	}
	return fstest.MapFS{File: {Data: []byte(b.String())}}
}

func allocated(t *testing.T, fsys fstest.MapFS) uint64 {
	t.Helper()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	set, err := Load(fsys, nil, checkFormat)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if f, ok := set.Get("f10"); !ok || f.Value.Num != 19 {
		t.Fatalf("f10 = %+v, want 19 (f1 = 2, f2 = 4, f5 = 9)", f)
	}
	return after.TotalAlloc - before.TotalAlloc
}

// Finding each figure's position reads an index built once, not the whole
// file again: twice the figures cost about twice the memory. (Re-splitting
// figures.toml per figure made it four times.)
func TestLoadScalesLinearly(t *testing.T) {
	small := allocated(t, manyFigures(2_000))
	large := allocated(t, manyFigures(4_000))
	if large > 3*small {
		t.Errorf("2,000 figures allocate %d bytes, 4,000 allocate %d: more than linear", small, large)
	}
}

// A position inside an expression far down a large file is still exact.
func TestLoadErrorPositionInLargeFile(t *testing.T) {
	fsys := manyFigures(5_000)
	src := string(fsys[File].Data) + "[bad]\nexpr = \"\"\"\nf1 +\n  nope\"\"\"\n"
	fsys[File].Data = []byte(src)
	_, err := Load(fsys, nil, checkFormat)
	line := strings.Count(src, "\n") // "  nope" is the last line
	want := fmt.Sprintf("figures.toml:%d:3: figure \"bad\": unknown figure \"nope\"", line)
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %s", err, want)
	}
}

// BenchmarkLoad20000 checks and computes 20,000 expression figures.
// Measured on the 2-core CI machine: 0.34 s/op, 76 MB/op (it was 28 s when
// figures.toml was split again for every figure's position).
func BenchmarkLoad20000(b *testing.B) {
	fsys := manyFigures(20_000)
	for b.Loop() {
		if _, err := Load(fsys, nil, checkFormat); err != nil {
			b.Fatal(err)
		}
	}
}

// An expression nested a million levels deep is refused at the level that
// goes too deep, as an error at its place in figures.toml.
func TestDeepExpressionRefused(t *testing.T) {
	src := "[deep]\nexpr = \"" + strings.Repeat("(", 1_000_000) + "1\"\n"
	_, err := Load(fstest.MapFS{File: {Data: []byte(src)}}, nil, checkFormat)
	want := fmt.Sprintf("figures.toml:2:%d: figure \"deep\": expression nests more than", len(`expr = "`)+1+expr.MaxDepth)
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error = %v, want %s…", err, want)
	}
}
