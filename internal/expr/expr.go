// Package expr is the small expression language shared by figures,
// conditional text and table highlighting:
//
//	tiktok_spend / total_spend
//	top_share > 20% and hhi >= 1500
//	round(run_rate / 1e9, 1)
//
// Numbers (1.5, 1e6, 20% = 0.2, 1pp = 0.01), strings in double quotes,
// names, the operators + - * / and comparisons (< <= > >= == !=), and, or,
// not, parentheses, and the functions min, max, abs and round. Names are
// looked up by the caller, so the same parser serves figures (names are
// other figures) and table rows (names are columns). Division by zero, NaN
// and comparing a number with text are errors, never silent zeros.
//
// Three functions compare with the briefing's previous edition and take a
// figure's name, not a value (see edition.go): change(share) > 1pp,
// prev(spend), has_prev(share).
//
// An expression may nest at most MaxDepth levels: a number, text or name
// is one level, and each parenthesis, unary operator, function call and
// binary operator around it adds one (a sum of n terms is n levels deep,
// since it is evaluated left to right). Deeper input is refused at the
// token that goes too deep, before it can exhaust the stack.
package expr

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
)

// Value is a number or a text.
type Value struct {
	Num    float64
	Str    string
	IsText bool
}

// Num returns a number value.
func Num(f float64) Value { return Value{Num: f} }

// Text returns a text value.
func Text(s string) Value { return Value{Str: s, IsText: true} }

func (v Value) String() string {
	if v.IsText {
		return strconv.Quote(v.Str)
	}
	return strconv.FormatFloat(v.Num, 'g', -1, 64)
}

// Truthy reports whether v counts as true: a non-zero number or a non-empty
// text.
func (v Value) Truthy() bool {
	if v.IsText {
		return v.Str != ""
	}
	return v.Num != 0
}

// Error is a problem at a byte offset of the expression.
type Error struct {
	Off int
	Msg string
}

func (e *Error) Error() string { return e.Msg }

// Node is a parsed expression.
type Node interface {
	eval(env Env) (Value, error)
	// Names calls f for each name the expression reads.
	names(f func(name string, off int))
	// height is the number of levels of the tree: 1 for a leaf.
	height() int
}

// MaxDepth is how deeply an expression may nest. Parsing and evaluating
// recurse once per level; the longest expression a briefing plausibly
// needs is a few dozen levels.
const MaxDepth = 200

// Env resolves names. It returns ok=false for an unknown name.
type Env func(name string) (Value, bool, error)

// Parse parses an expression.
func Parse(src string) (Node, error) {
	p := &parser{src: src}
	p.next()
	n, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.err != nil {
		return nil, p.err // a bad token after a whole expression: 1 "abc
	}
	if p.tok.kind != tEOF {
		return nil, p.errf("unexpected %s", p.tok.desc())
	}
	return n, nil
}

// Eval evaluates n with names resolved by env.
func Eval(n Node, env Env) (Value, error) { return n.eval(env) }

// Names lists the names n reads, with their offsets, in order. The
// figures that change(), prev() and has_prev() name are not among them:
// EditionRefs lists those.
func Names(n Node) (names []string, offs []int) {
	n.names(func(name string, off int) {
		if _, _, ok := splitEditionName(name); ok {
			return
		}
		names = append(names, name)
		offs = append(offs, off)
	})
	return names, offs
}

// --- lexer

type tokKind int

const (
	tEOF tokKind = iota
	tNum
	tStr
	tName
	tOp
)

type token struct {
	kind tokKind
	text string
	num  float64
	off  int
}

func (t token) desc() string {
	switch t.kind {
	case tEOF:
		return "end of expression"
	case tStr:
		return strconv.Quote(t.text)
	}
	return fmt.Sprintf("%q", t.text)
}

type parser struct {
	src   string
	pos   int
	tok   token
	err   error
	depth int // levels open while parsing: parentheses, unary operators, calls
}

// enter opens a level that starts at off, refusing one too many.
func (p *parser) enter(off int) error {
	p.depth++
	if p.depth > MaxDepth {
		return p.tooDeep(off)
	}
	return nil
}

func (p *parser) leave() { p.depth-- }

func (p *parser) tooDeep(off int) error {
	return &Error{Off: off, Msg: fmt.Sprintf("expression nests more than %d levels deep (the limit); split it into several figures", MaxDepth)}
}

func (p *parser) errf(f string, args ...any) error {
	return &Error{Off: p.tok.off, Msg: fmt.Sprintf(f, args...)}
}

func (p *parser) next() {
	s := p.src
	for p.pos < len(s) && (s[p.pos] == ' ' || s[p.pos] == '\t' || s[p.pos] == '\n' || s[p.pos] == '\r') {
		p.pos++
	}
	start := p.pos
	if p.pos >= len(s) {
		p.tok = token{kind: tEOF, off: start}
		return
	}
	c := s[p.pos]
	switch {
	case c >= '0' && c <= '9' || c == '.' && p.pos+1 < len(s) && s[p.pos+1] >= '0' && s[p.pos+1] <= '9':
		end := p.pos
		for end < len(s) && (s[end] >= '0' && s[end] <= '9' || s[end] == '.' || s[end] == '_' ||
			(s[end] == 'e' || s[end] == 'E') || ((s[end] == '+' || s[end] == '-') && end > 0 && (s[end-1] == 'e' || s[end-1] == 'E'))) {
			end++
		}
		text := strings.ReplaceAll(s[p.pos:end], "_", "")
		f, err := strconv.ParseFloat(text, 64)
		if err != nil {
			p.tok = token{kind: tOp, text: s[p.pos:end], off: start}
			p.err = &Error{Off: start, Msg: fmt.Sprintf("bad number %q", s[p.pos:end])}
			p.pos = end
			return
		}
		if end < len(s) && s[end] == '%' {
			f /= 100
			end++
		} else if strings.HasPrefix(s[end:], "pp") && !(end+2 < len(s) && isNameByte(s[end+2])) {
			f /= 100 // percentage points: 1pp is 0.01, as 1% is
			end += 2
		}
		p.pos = end
		p.tok = token{kind: tNum, num: f, text: s[start:end], off: start}
	case c == '"':
		end := p.pos + 1
		var b strings.Builder
		for end < len(s) && s[end] != '"' {
			if s[end] == '\\' && end+1 < len(s) {
				end++
			}
			b.WriteByte(s[end])
			end++
		}
		if end >= len(s) {
			p.err = &Error{Off: start, Msg: "text is not closed: add a \""}
			p.pos = len(s)
			p.tok = token{kind: tEOF, off: start}
			return
		}
		p.pos = end + 1
		p.tok = token{kind: tStr, text: b.String(), off: start}
	case c == '_' || unicode.IsLetter(rune(c)):
		end := p.pos
		for end < len(s) && (s[end] == '_' || s[end] == '.' || unicode.IsLetter(rune(s[end])) || unicode.IsDigit(rune(s[end]))) {
			end++
		}
		p.pos = end
		p.tok = token{kind: tName, text: s[start:end], off: start}
	default:
		for _, op := range []string{"<=", ">=", "==", "!=", "<", ">", "+", "-", "*", "/", "(", ")", ","} {
			if strings.HasPrefix(s[p.pos:], op) {
				p.pos += len(op)
				p.tok = token{kind: tOp, text: op, off: start}
				return
			}
		}
		p.err = &Error{Off: start, Msg: fmt.Sprintf("unexpected character %q", c)}
		p.pos++
		p.tok = token{kind: tOp, text: string(c), off: start}
	}
}

func (p *parser) is(text string) bool {
	return (p.tok.kind == tOp || p.tok.kind == tName) && p.tok.text == text
}

// --- grammar: or → and → not → cmp → sum → product → unary → primary

func (p *parser) or() (Node, error) {
	return p.binary(p.and, "or")
}

func (p *parser) and() (Node, error) {
	return p.binary(p.not, "and")
}

func (p *parser) not() (Node, error) {
	if p.is("not") {
		return p.prefix(p.not)
	}
	return p.cmp()
}

func (p *parser) cmp() (Node, error) {
	return p.binary(p.sum, "<", "<=", ">", ">=", "==", "!=")
}

func (p *parser) sum() (Node, error) {
	return p.binary(p.product, "+", "-")
}

func (p *parser) product() (Node, error) {
	return p.binary(p.unaryMinus, "*", "/")
}

func (p *parser) binary(sub func() (Node, error), ops ...string) (Node, error) {
	x, err := sub()
	if err != nil {
		return nil, err
	}
	for {
		op := ""
		for _, o := range ops {
			if p.is(o) {
				op = o
			}
		}
		if op == "" {
			return x, nil
		}
		off := p.tok.off
		p.next()
		y, err := sub()
		if err != nil {
			return nil, err
		}
		h := max(x.height(), y.height()) + 1
		if p.depth+h > MaxDepth {
			return nil, p.tooDeep(off)
		}
		x = &binary{op: op, x: x, y: y, off: off, h: h}
	}
}

func (p *parser) unaryMinus() (Node, error) {
	if p.is("-") {
		return p.prefix(p.unaryMinus)
	}
	return p.primary()
}

// prefix parses a unary operator (not, -) and its operand.
func (p *parser) prefix(operand func() (Node, error)) (Node, error) {
	op, off := p.tok.text, p.tok.off
	if err := p.enter(p.tok.off); err != nil {
		return nil, err
	}
	defer p.leave()
	p.next()
	x, err := operand()
	if err != nil {
		return nil, err
	}
	return &unary{op: op, x: x, off: off, h: x.height() + 1}, nil
}

func (p *parser) primary() (Node, error) {
	if p.err != nil {
		return nil, p.err
	}
	t := p.tok
	switch {
	case t.kind == tNum:
		p.next()
		return &lit{v: Num(t.num)}, nil
	case t.kind == tStr:
		p.next()
		return &lit{v: Text(t.text)}, nil
	case t.kind == tOp && t.text == "(":
		if err := p.enter(p.tok.off); err != nil {
			return nil, err
		}
		defer p.leave()
		p.next()
		x, err := p.or()
		if err != nil {
			return nil, err
		}
		if !p.is(")") {
			return nil, p.errf("expected ) but found %s", p.tok.desc())
		}
		p.next()
		return x, nil
	case t.kind == tName && t.text != "and" && t.text != "or" && t.text != "not":
		p.next()
		if p.is("(") && isEditionFunc(t.text) {
			return p.editionCall(t)
		}
		if p.is("(") {
			return p.call(t)
		}
		return &name{name: t.text, off: t.off}, nil
	}
	return nil, p.errf("expected a number, text, name or ( but found %s", t.desc())
}

func (p *parser) call(fn token) (Node, error) {
	if _, ok := funcs[fn.text]; !ok {
		return nil, &Error{Off: fn.off, Msg: fmt.Sprintf("unknown function %q (have min, max, abs, round, change, prev, has_prev)", fn.text)}
	}
	if err := p.enter(fn.off); err != nil {
		return nil, err
	}
	defer p.leave()
	p.next() // (
	c := &call{fn: fn.text, off: fn.off, h: 1}
	for !p.is(")") {
		a, err := p.or()
		if err != nil {
			return nil, err
		}
		c.args = append(c.args, a)
		c.h = max(c.h, a.height()+1)
		if p.is(",") {
			p.next()
		} else if !p.is(")") {
			return nil, p.errf("expected , or ) but found %s", p.tok.desc())
		}
	}
	p.next()
	return c, nil
}

// --- nodes

type lit struct{ v Value }

func (n *lit) eval(Env) (Value, error) { return n.v, nil }
func (n *lit) names(func(string, int)) {}
func (n *lit) height() int             { return 1 }

type name struct {
	name string
	off  int
}

func (n *name) eval(env Env) (Value, error) {
	v, ok, err := env(n.name)
	if err != nil {
		return Value{}, err
	}
	if !ok {
		return Value{}, &Error{Off: n.off, Msg: fmt.Sprintf("unknown name %q", n.name)}
	}
	return v, nil
}
func (n *name) names(f func(string, int)) { f(n.name, n.off) }
func (n *name) height() int               { return 1 }

type unary struct {
	op  string
	x   Node
	off int
	h   int
}

func (n *unary) eval(env Env) (Value, error) {
	x, err := n.x.eval(env)
	if err != nil {
		return Value{}, err
	}
	if n.op == "not" {
		return boolean(!x.Truthy()), nil
	}
	if x.IsText {
		return Value{}, &Error{Off: n.off, Msg: "cannot negate text"}
	}
	return Num(-x.Num), nil
}
func (n *unary) names(f func(string, int)) { n.x.names(f) }
func (n *unary) height() int               { return n.h }

type binary struct {
	op   string
	x, y Node
	off  int
	h    int
}

func (n *binary) names(f func(string, int)) { n.x.names(f); n.y.names(f) }
func (n *binary) height() int               { return n.h }

func (n *binary) eval(env Env) (Value, error) {
	x, err := n.x.eval(env)
	if err != nil {
		return Value{}, err
	}
	switch n.op { // short-circuit
	case "and":
		if !x.Truthy() {
			return boolean(false), nil
		}
	case "or":
		if x.Truthy() {
			return boolean(true), nil
		}
	}
	y, err := n.y.eval(env)
	if err != nil {
		return Value{}, err
	}
	if (n.op == "==" || n.op == "!=") && x.IsText != y.IsText {
		return Value{}, &Error{Off: n.off, Msg: fmt.Sprintf("cannot use %s between %v and %v: one is a number, the other text", n.op, x, y)}
	}
	switch n.op {
	case "and", "or":
		return boolean(y.Truthy()), nil
	case "==":
		return boolean(x == y), nil
	case "!=":
		return boolean(x != y), nil
	}
	if x.IsText || y.IsText {
		if x.IsText && y.IsText && n.op != "+" && n.op != "-" && n.op != "*" && n.op != "/" {
			return compareText(n.op, x.Str, y.Str), nil
		}
		return Value{}, &Error{Off: n.off, Msg: fmt.Sprintf("cannot use %s between %v and %v: it needs two numbers", n.op, x, y)}
	}
	var r float64
	switch n.op {
	case "+":
		r = x.Num + y.Num
	case "-":
		r = x.Num - y.Num
	case "*":
		r = x.Num * y.Num
	case "/":
		if y.Num == 0 {
			return Value{}, &Error{Off: n.off, Msg: "division by zero"}
		}
		r = x.Num / y.Num
	default:
		return compareNum(n.op, x.Num, y.Num), nil
	}
	if math.IsNaN(r) || math.IsInf(r, 0) {
		return Value{}, &Error{Off: n.off, Msg: fmt.Sprintf("%v %s %v is not a finite number", x, n.op, y)}
	}
	return Num(r), nil
}

func boolean(b bool) Value {
	if b {
		return Num(1)
	}
	return Num(0)
}

func compareNum(op string, a, b float64) Value {
	switch op {
	case "<":
		return boolean(a < b)
	case "<=":
		return boolean(a <= b)
	case ">":
		return boolean(a > b)
	}
	return boolean(a >= b)
}

func compareText(op, a, b string) Value {
	return compareNum(op, float64(strings.Compare(a, b)), 0)
}

type call struct {
	fn   string
	args []Node
	off  int
	h    int
}

func (n *call) height() int { return n.h }

func (n *call) names(f func(string, int)) {
	for _, a := range n.args {
		a.names(f)
	}
}

var funcs = map[string]func(args []float64) (float64, error){
	"min": func(a []float64) (float64, error) { return fold(a, math.Min) },
	"max": func(a []float64) (float64, error) { return fold(a, math.Max) },
	"abs": func(a []float64) (float64, error) {
		if len(a) != 1 {
			return 0, fmt.Errorf("abs takes one number")
		}
		return math.Abs(a[0]), nil
	},
	"round": func(a []float64) (float64, error) {
		if len(a) < 1 || len(a) > 2 {
			return 0, fmt.Errorf("round takes a number and, optionally, the decimals to keep")
		}
		d := 0.0
		if len(a) == 2 {
			d = a[1]
		}
		p := math.Pow(10, d)
		return math.Round(a[0]*p) / p, nil
	},
}

func fold(a []float64, f func(x, y float64) float64) (float64, error) {
	if len(a) == 0 {
		return 0, fmt.Errorf("needs at least one number")
	}
	r := a[0]
	for _, x := range a[1:] {
		r = f(r, x)
	}
	return r, nil
}

func (n *call) eval(env Env) (Value, error) {
	args := make([]float64, len(n.args))
	for i, a := range n.args {
		v, err := a.eval(env)
		if err != nil {
			return Value{}, err
		}
		if v.IsText {
			return Value{}, &Error{Off: n.off, Msg: fmt.Sprintf("%s needs numbers, got %v", n.fn, v)}
		}
		args[i] = v.Num
	}
	r, err := funcs[n.fn](args)
	if err != nil {
		return Value{}, &Error{Off: n.off, Msg: n.fn + ": " + err.Error()}
	}
	return Num(r), nil
}
