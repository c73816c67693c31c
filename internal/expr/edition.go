package expr

import (
	"fmt"
	"strings"
)

// The edition functions compare a figure with the briefing's previous
// edition (package edition computes the values):
//
//	change(NAME)    how NAME moved: a difference for percents (compare with
//	                1pp), a relative change for money (compare with 10%)
//	prev(NAME)      NAME's value in the previous edition
//	has_prev(NAME)  1 when the previous edition has a value for NAME, else 0
//
// Their argument is a name, not an expression. They are resolved through
// the same Env as names: the Env is asked for "change(NAME)", "prev(NAME)"
// or "has_prev(NAME)" (EditionName). An Env that knows no editions answers
// not found, and the call is an error that says so.
var editionFuncs = []string{"change", "prev", "has_prev"}

func isEditionFunc(name string) bool {
	for _, f := range editionFuncs {
		if f == name {
			return true
		}
	}
	return false
}

// EditionName is the name under which Env resolves fn(figure).
func EditionName(fn, figure string) string { return fn + "(" + figure + ")" }

// splitEditionName undoes EditionName.
func splitEditionName(s string) (fn, figure string, ok bool) {
	fn, rest, found := strings.Cut(s, "(")
	if !found || !isEditionFunc(fn) || !strings.HasSuffix(rest, ")") {
		return "", "", false
	}
	return fn, strings.TrimSuffix(rest, ")"), true
}

// SplitEditionName reports whether an Env is asked for fn(figure), and
// for which.
func SplitEditionName(s string) (fn, figure string, ok bool) { return splitEditionName(s) }

// EditionRef is a call of an edition function in an expression.
type EditionRef struct {
	Func   string // change, prev or has_prev
	Figure string // the name it takes
	Off    int    // offset of the figure's name
}

// EditionRefs lists the edition functions n calls, in order.
func EditionRefs(n Node) []EditionRef {
	var refs []EditionRef
	n.names(func(name string, off int) {
		if fn, fig, ok := splitEditionName(name); ok {
			refs = append(refs, EditionRef{Func: fn, Figure: fig, Off: off})
		}
	})
	return refs
}

// editionCall is change(NAME), prev(NAME) or has_prev(NAME).
type editionCall struct {
	fn, name string
	off      int // of the name
}

func (p *parser) editionCall(fn token) (Node, error) {
	if err := p.enter(fn.off); err != nil {
		return nil, err
	}
	defer p.leave()
	p.next() // (
	arg := p.tok
	if arg.kind != tName || arg.text == "and" || arg.text == "or" || arg.text == "not" {
		return nil, p.errf("%s takes the name of a figure, such as %s(share); found %s", fn.text, fn.text, arg.desc())
	}
	p.next()
	if !p.is(")") {
		return nil, p.errf("%s takes one figure name; expected ) but found %s", fn.text, p.tok.desc())
	}
	p.next()
	return &editionCall{fn: fn.text, name: arg.text, off: arg.off}, nil
}

func (n *editionCall) eval(env Env) (Value, error) {
	v, ok, err := env(EditionName(n.fn, n.name))
	if err != nil {
		return Value{}, err
	}
	if !ok {
		return Value{}, &Error{Off: n.off, Msg: fmt.Sprintf("%s(%s) compares with the previous edition, which only prose, tables and the email have (set [editions] in site.toml)", n.fn, n.name)}
	}
	return v, nil
}

func (n *editionCall) names(f func(string, int)) { f(EditionName(n.fn, n.name), n.off) }
func (n *editionCall) height() int               { return 2 }

// isNameByte reports whether c may continue a name.
func isNameByte(c byte) bool {
	return c == '_' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
