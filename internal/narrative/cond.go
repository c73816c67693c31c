package narrative

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/briefing-dev/briefing/internal/expr"
)

// Cond is the argument of {{if}}: a condition and the texts to show when
// it holds and when it does not.
type Cond struct {
	Expr expr.Node
	Then string
	Else string // "" when the reference has no else
}

// ParseCond reads `CONDITION then "A" else "B"` (else optional).
func ParseCond(arg string) (Cond, error) {
	var c Cond
	i := indexWord(arg, "then")
	if i < 0 {
		return c, errors.New(`write a condition as {{if CONDITION then "TEXT" else "OTHER TEXT"}}`)
	}
	var err error
	if c.Expr, err = expr.Parse(arg[:i]); err != nil {
		var ee *expr.Error
		if errors.As(err, &ee) {
			return c, fmt.Errorf("in the condition: %s", ee.Msg)
		}
		return c, err
	}
	rest := strings.TrimSpace(arg[i+len("then"):])
	if c.Then, rest, err = quoted(rest); err != nil {
		return c, err
	}
	rest = strings.TrimSpace(rest)
	if rest == "" {
		return c, nil
	}
	after, ok := strings.CutPrefix(rest, "else")
	if !ok {
		return c, fmt.Errorf(`expected else "…" after the text, found %q`, rest)
	}
	if c.Else, rest, err = quoted(strings.TrimSpace(after)); err != nil {
		return c, err
	}
	if strings.TrimSpace(rest) != "" {
		return c, fmt.Errorf("unexpected %q after the else text", strings.TrimSpace(rest))
	}
	return c, nil
}

// quoted reads a leading "…" string.
func quoted(s string) (text, rest string, err error) {
	if !strings.HasPrefix(s, `"`) {
		return "", "", fmt.Errorf(`expected text in double quotes, found %q`, s)
	}
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			t, err := strconv.Unquote(s[:i+1])
			return t, s[i+1:], err
		}
	}
	return "", "", errors.New(`text is not closed: add a "`)
}

// indexWord finds word standing alone outside double quotes.
func indexWord(s, word string) int {
	in := false
	for i := 0; i+len(word) <= len(s); i++ {
		switch {
		case s[i] == '"':
			in = !in
		case !in && s[i:i+len(word)] == word &&
			(i == 0 || s[i-1] == ' ') && (i+len(word) == len(s) || s[i+len(word)] == ' '):
			return i
		}
	}
	return -1
}
