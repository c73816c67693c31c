package tomlpos

import (
	"errors"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/briefing-dev/briefing/internal/diag"
)

var tomlSeeds = []string{
	sample,
	"a = " + nest("{b=", "}", 40),
	"a = " + nest("[", "]", 40),
	strings.Repeat("a.", 40) + "b = 1",
	"[" + strings.Repeat("a.", 40) + "b]",
	"[[" + strings.Repeat("a.", 40) + "b]]",
	"s = \"\"\"\n{{{{\\\"\"\"\"\"\"\na = [[1]]",
	"s = '''\n[[[\n'''''\n",
	"a = \"\\\"[[[\" # {{{\n",
	"[[s]]\nname = \"x\"\n[[s]]\nname = \"y\"\ncols = { a = 1, \"b.c\" = 2 }\n",
	"a = [\n  1,\n  [2, [3]],\n]\n",
	"a = {}\nb = { c = {} }\n",
	"x = 1\r\n[t]\r\ny = 'lit'\r\n",
	"\"unterminated = [[[\n[[[",
}

// FuzzIndex: indexing any text, and looking up the keys it holds, never
// panics, and every position found is inside the text.
func FuzzIndex(f *testing.F) {
	for _, s := range tomlSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		ix := New(file, []byte(src))
		lines := strings.Count(src, "\n") + 1
		for _, e := range ix.entries {
			for _, p := range []diag.Pos{ix.Key(strings.Split(e.path, ".")...), ix.Value(e.path), ix.ElemValue(e.path, e.elem, "x"), ix.Elem(e.path, e.elem)} {
				if p.Line > lines || p.Line < 0 || p.Col < 0 {
					t.Fatalf("%q: position %v outside the text", src, p)
				}
			}
			ix.ArrayKeys(e.path)
		}
		for n := range lines + 1 {
			ix.Line(n)
		}
	})
}

// FuzzCheckDepth: the scan never panics, puts a refusal inside the text,
// and lets through nothing the decoder reads as deeper than the limit
// allows (an array of tables holds its tables one level down, so a
// decoded value may be up to twice as deep as the scan counts).
func FuzzCheckDepth(f *testing.F) {
	for _, s := range tomlSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		err := CheckDepth(diag.Config, file, []byte(src))
		if err != nil {
			var de *diag.Error
			if !errors.As(err, &de) {
				t.Fatalf("%T %v", err, err)
			}
			if de.Pos.Line < 1 || de.Pos.Line > strings.Count(src, "\n")+1 || de.Pos.Col < 1 {
				t.Fatalf("%q: refused at %v, outside the text", src, de.Pos)
			}
			return
		}
		var v map[string]any
		if _, err := toml.Decode(src, &v); err != nil {
			return
		}
		if d := depthOf(v); d > 2*MaxDepth+1 {
			t.Fatalf("%q: accepted, but decodes %d levels deep", src, d)
		}
	})
}

func depthOf(v any) int {
	d := 0
	switch v := v.(type) {
	case map[string]any:
		for _, x := range v {
			d = max(d, 1+depthOf(x))
		}
	case []map[string]any:
		for _, x := range v {
			d = max(d, 1+depthOf(x))
		}
	case []any:
		for _, x := range v {
			d = max(d, 1+depthOf(x))
		}
	}
	return d
}
