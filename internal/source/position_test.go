package source

import "testing"

// An error SQLite words by naming a token is placed at that token when the
// query shows where it is, and at the query's declaration (0) when it
// cannot: never at a word in a comment or a string, nor at a guess.
func TestTokenPosition(t *testing.T) {
	for _, tc := range []struct {
		sql, msg string
		want     int
	}{
		{"SELECT SUM(amout) FROM spend", "no such column: amout", 12},
		{"-- amout is a typo\nSELECT SUM(amout) FROM spend", "no such column: amout", 31},
		{"/* amout */ SELECT 'no such: amout', SUM(amout) FROM spend", "no such column: amout", 42},
		{"SELECT 'it''s amout', amout FROM t", "no such column: amout", 23},
		{"SELECT spend FROM spend", "no such table: spend", 19},
		{"SELECT t.amout FROM spend t", "no such column: t.amout", 10},
		{"SELECT customer\n  FROM spend\n GROUP customer", `near "customer": syntax error`, 0},
		{"SELECT customer FORM spend", `near "spend": syntax error`, 22},
		{"SELECT mystery(x) FROM t", "no such function: mystery", 8},
		{"SELECT 'é', nope FROM t", "no such column: nope", 13}, // characters, not bytes
		{"SELECT 1", "database is locked", 0},
		{"SELECT x FROM t", "no such column: y", 0},
	} {
		if got := tokenPosition(tc.sql, tc.msg); got != tc.want {
			t.Errorf("%q, %q: position %d, want %d", tc.sql, tc.msg, got, tc.want)
		}
	}
}
