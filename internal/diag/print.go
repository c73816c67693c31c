package diag

import (
	"encoding/json"
	"errors"
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

// Join returns nil, the one error, or a List of the errors given, in
// order. Errors that are not *Error are kept as their message.
func Join(errs ...error) error {
	var l List
	var other error
	for _, err := range errs {
		if err == nil {
			continue
		}
		var list List
		var e *Error
		switch {
		case errors.As(err, &list):
			l = append(l, list...)
		case errors.As(err, &e):
			l = append(l, e)
		default:
			if other == nil {
				other = err
			}
		}
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

// Flatten lists the positioned errors in err.
func Flatten(err error) []*Error {
	var l List
	if errors.As(err, &l) {
		return l
	}
	var e *Error
	if errors.As(err, &e) {
		return []*Error{e}
	}
	return nil
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
	fmt.Fprintf(p.W, "%s%s%s\n", p.Prefix, kind, e.Error())
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
		fmt.Fprintf(&b, "  %s | %s^\n", strings.Repeat(" ", len(num)), strings.Repeat(" ", len([]rune(pad))))
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
