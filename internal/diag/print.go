package diag

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// List is several independent errors, reported together.
type List []*Error

// Unwrap lets errors.As and errors.Is see each error in the list.
func (l List) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}

func (l List) Error() string {
	lines := make([]string, len(l))
	for i, e := range l {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Join returns nil, the one *Error, or a List of the *Error values in errs,
// in order. An error that holds something other than *Error values (an I/O
// or internal failure) outranks them: the first such error is returned
// instead, as it is.
func Join(errs ...error) error {
	var l List
	var other error
	for _, err := range errs {
		list, rest := split(err)
		if len(rest) > 0 && other == nil {
			other = err
		}
		l = append(l, list...)
	}
	if other != nil {
		return other // an I/O or internal failure outranks source errors
	}
	switch len(l) {
	case 0:
		return nil
	case 1:
		return l[0]
	}
	return l
}

// Flatten lists the *Error values in err, in order: err itself, the
// members of a List, or those found by unwrapping (errors.Join and %w
// included). An *Error's own wrapped error is not searched.
func Flatten(err error) []*Error {
	list, _ := split(err)
	return list
}

// Problems lists every problem in err: its *Error values, then each part
// that holds none (an I/O or internal failure) as an Internal *Error
// without a position. A nil err has none.
func Problems(err error) []*Error {
	list, other := split(err)
	for _, o := range other {
		list = append(list, &Error{Kind: Internal, Msg: o.Error(), Err: o})
	}
	return list
}

// split separates the *Error values in err from the parts that hold none.
// A wrapper around errors that hold *Error values gives those; a wrapper
// around none is kept whole, so its message keeps its context.
func split(err error) (list []*Error, other []error) {
	switch x := err.(type) {
	case nil:
		return nil, nil
	case *Error:
		return []*Error{x}, nil
	case List:
		return x, nil
	case interface{ Unwrap() []error }:
		for _, e := range x.Unwrap() {
			l, o := split(e)
			list, other = append(list, l...), append(other, o...)
		}
		return list, other
	case interface{ Unwrap() error }:
		if l, o := split(x.Unwrap()); len(l) > 0 {
			return l, o
		}
	}
	return nil, []error{err}
}

// Code names the kind of problem, for CI annotations.
func (e *Error) Code() string { return e.Kind.String() }

// Severity is "error" or "warning".
func (e *Error) Severity() string {
	if e.Warning {
		return "warning"
	}
	return "error"
}

// Printer writes problems for people or for machines.
type Printer struct {
	W      io.Writer
	JSON   bool                              // one JSON object per line
	Source func(file string) ([]byte, error) // reads a source file for excerpts; nil for none
	Prefix string                            // before each line for people, e.g. "briefing: "
	// Color marks up the text for a terminal (ANSI escapes): the prefix
	// and the caret red for an error and yellow for a warning, the
	// position bold. The caller decides (a terminal, NO_COLOR unset).
	Color bool
}

// ANSI escapes for Printer.Color.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[1;31m"
	ansiYellow = "\x1b[1;33m"
)

// paint wraps s in the escape code when the printer colours.
func (p *Printer) paint(code, s string) string {
	if !p.Color || s == "" {
		return s
	}
	return code + s + ansiReset
}

// severityColor is the colour of a problem's prefix and caret.
func severityColor(e *Error) string {
	if e.Warning {
		return ansiYellow
	}
	return ansiRed
}

// Report writes every problem in err (see Problems).
func (p *Printer) Report(err error) {
	for _, e := range Problems(err) {
		p.Print(e)
	}
}

// Print writes one problem: a short line and, for people, an excerpt of
// the source with a caret under the column (or the cell's neighbours).
func (p *Printer) Print(e *Error) {
	if p.JSON {
		b, _ := json.Marshal(struct {
			File     string `json:"file"`
			Line     int    `json:"line,omitempty"`
			Col      int    `json:"col,omitempty"`
			Sheet    string `json:"sheet,omitempty"`
			Cell     string `json:"cell,omitempty"`
			Severity string `json:"severity"`
			Code     string `json:"code"`
			Message  string `json:"message"`
		}{e.Pos.File, e.Pos.Line, e.Pos.Col, e.Pos.Sheet, e.Pos.Cell, e.Severity(), e.Code(), e.Msg})
		fmt.Fprintf(p.W, "%s\n", b)
		return
	}
	kind := ""
	if e.Warning {
		kind = "warning: "
	}
	line := e.Msg
	if e.Pos.File != "" {
		line = p.paint(ansiBold, e.Pos.String()+":") + " " + e.Msg
	}
	fmt.Fprintf(p.W, "%s%s\n", p.paint(severityColor(e), p.Prefix+kind), line)
	if x := p.excerpt(e); x != "" {
		fmt.Fprint(p.W, x)
	}
}

func (p *Printer) excerpt(e *Error) string {
	if e.Context != "" {
		return indent(e.Context)
	}
	if p.Source == nil || e.Pos.Line == 0 || e.Pos.Sheet != "" {
		return ""
	}
	src, err := p.Source(e.Pos.File)
	if err != nil {
		return ""
	}
	lines := strings.Split(string(src), "\n")
	if e.Pos.Line > len(lines) {
		return ""
	}
	line := strings.TrimRight(lines[e.Pos.Line-1], "\r")
	num := fmt.Sprint(e.Pos.Line)
	var b strings.Builder
	fmt.Fprintf(&b, "  %s | %s\n", num, strings.ReplaceAll(line, "\t", "    "))
	if e.Pos.Col > 0 && e.Pos.Col <= len(line)+1 {
		pad := strings.ReplaceAll(line[:e.Pos.Col-1], "\t", "    ")
		fmt.Fprintf(&b, "  %s | %s%s\n", strings.Repeat(" ", len(num)), strings.Repeat(" ", len([]rune(pad))), p.paint(severityColor(e), "^"))
	}
	return b.String()
}

func indent(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		b.WriteString("    " + l + "\n")
	}
	return b.String()
}
