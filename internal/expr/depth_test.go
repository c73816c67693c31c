package expr

import (
	"errors"
	"strings"
	"testing"
)

func sumOf(n int) string { return "1" + strings.Repeat("+1", n-1) }

// Each hostile expression is refused at the token that goes one level past
// MaxDepth, however far past the limit the text goes.
func TestParseRefusesDeepNesting(t *testing.T) {
	tests := []struct {
		name string
		src  string
		off  int
	}{
		{"parentheses", strings.Repeat("(", MaxDepth+1) + "1" + strings.Repeat(")", MaxDepth+1), MaxDepth},
		{"parentheses 1,000,000 deep", strings.Repeat("(", 1_000_000) + "1", MaxDepth},
		{"minus signs 1,000,000 deep", strings.Repeat("-", 1_000_000) + "1", MaxDepth},
		{"not 100,000 deep", strings.Repeat("not ", 100_000) + "1", 4 * MaxDepth},
		{"calls 100,000 deep", strings.Repeat("abs(", 100_000) + "1", 4 * MaxDepth},
		// The (MaxDepth+1)-th term's "+" sits at 2*MaxDepth-1.
		{"a sum of MaxDepth+1 terms", sumOf(MaxDepth + 1), 2*MaxDepth - 1},
		{"a sum of 1,000,000 terms", sumOf(1_000_000), 2*MaxDepth - 1},
		{"a sum inside parentheses", strings.Repeat("(", MaxDepth-1) + "1+1", MaxDepth},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.src)
			var ee *Error
			if !errors.As(err, &ee) {
				t.Fatalf("got %v, want an *Error", err)
			}
			if ee.Off != tc.off || !strings.Contains(ee.Msg, "200 levels") {
				t.Errorf("got %q at %d, want the limit named at %d", ee.Msg, ee.Off, tc.off)
			}
		})
	}
}

func TestParseAcceptsTheLimit(t *testing.T) {
	for _, src := range []string{
		strings.Repeat("(", MaxDepth) + "1" + strings.Repeat(")", MaxDepth),
		strings.Repeat("-", MaxDepth-1) + "1",
		sumOf(MaxDepth),
		"min(" + strings.Repeat("1, ", 100_000) + "1)", // wide, not deep
	} {
		n, err := Parse(src)
		if err != nil {
			t.Fatalf("%.40s…: %v", src, err)
		}
		if _, err := Eval(n, env(nil)); err != nil {
			t.Errorf("%.40s…: %v", src, err)
		}
	}
}

// Refusing a million levels costs about what the first MaxDepth do: work is
// bounded by the limit, not by the input.
func TestParseDeepBoundedWork(t *testing.T) {
	deep := strings.Repeat("(", 1_000_000) + "1"
	atLimit := strings.Repeat("(", MaxDepth+1) + "1"
	a := testing.AllocsPerRun(1, func() { _, _ = Parse(deep) })
	b := testing.AllocsPerRun(1, func() { _, _ = Parse(atLimit) })
	if a > b+5 {
		t.Errorf("a million levels: %v allocations; %d levels: %v", a, MaxDepth+1, b)
	}
}
