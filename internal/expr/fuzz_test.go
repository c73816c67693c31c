package expr

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParse: any text parses or fails with an *Error inside the text;
// what parses can be listed and evaluated without a panic.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"tiktok_spend / total_spend",
		"top_share > 20% and hhi >= 1500",
		"round(run_rate / 1e9, 1)",
		`"a" + 1`, `not not 1`, "-(-1)", "1e400", "1 / 0", "min()", "max(1, \"x\")",
		"1_000.5e-3%", `"unclosed`, "a.b.c", "(((", "abs(", "1 == \"1\"",
		strings.Repeat("(", 1000) + "1",
		strings.Repeat("-", 1000) + "1",
		strings.Repeat("not ", 300) + "1",
		"1" + strings.Repeat("+1", 300),
		strings.Repeat("abs(", 300) + "1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		n, err := Parse(src)
		if err != nil {
			var ee *Error
			if !errors.As(err, &ee) {
				t.Fatalf("Parse(%q): %T %v, want an *Error", src, err, err)
			}
			if ee.Off < 0 || ee.Off > len(src) {
				t.Fatalf("Parse(%q): error at %d, outside the text", src, ee.Off)
			}
			return
		}
		if n.height() > MaxDepth+1 {
			t.Fatalf("Parse(%q): a tree %d levels deep", src, n.height())
		}
		Names(n)
		_, err = Eval(n, func(name string) (Value, bool, error) {
			if strings.HasPrefix(name, "t") {
				return Text(name), true, nil
			}
			return Num(float64(len(name))), true, nil
		})
		var ee *Error
		if err != nil && (!errors.As(err, &ee) || ee.Off < 0 || ee.Off > len(src)) {
			t.Fatalf("Eval(%q): %v, want an *Error inside the text", src, err)
		}
	})
}
