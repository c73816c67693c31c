// Package diag holds the one position type every input kind shares and the
// positioned error that every stage of the build returns.
//
// A position prints the way an editor or CI log can jump to it:
//
//	content/index.md:12:5          markdown, TOML, CSV (line and column, 1-based)
//	data/customers.xlsx: Spend!C7  spreadsheet cell
//	site.toml                      whole file
package diag

import (
	"fmt"
	"strconv"
	"strings"
)

// Pos is a place in a source file.
type Pos struct {
	File  string // slash-separated path relative to the site root
	Line  int    // 1-based line; 0 when unknown or for spreadsheets
	Col   int    // 1-based column in bytes; 0 when unknown
	Sheet string // worksheet name, for spreadsheets
	Cell  string // cell reference such as "C7", for spreadsheets
}

// String formats the position as file:line:col or file: Sheet!C7.
func (p Pos) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	switch {
	case p.Sheet != "":
		b.WriteString(": ")
		b.WriteString(p.Sheet)
		if p.Cell != "" {
			b.WriteString("!")
			b.WriteString(p.Cell)
		}
	case p.Line > 0:
		b.WriteString(":")
		b.WriteString(strconv.Itoa(p.Line))
		if p.Col > 0 {
			b.WriteString(":")
			b.WriteString(strconv.Itoa(p.Col))
		}
	}
	return b.String()
}

// Kind says which part of a briefing a problem is in. It is set where the
// error is made, and it alone decides the error's code in JSON output and
// the command's exit status (see ExitCode).
type Kind uint8

// The kinds of problem.
const (
	Unknown  Kind = iota // never set on purpose; reported as "briefing"
	Config               // site.toml, flags' values, the environment, installed assets
	Data                 // a data file: xlsx, CSV, TOML tables
	Query                // queries/*.sql and figures' SQL
	Figure               // figures.toml
	Chart                // charts/*.toml
	Table                // tables/*.toml
	Content              // content/*.md
	Template             // templates/*.html
	Output               // an output folder refused: it would overwrite the sources, or a folder briefing did not write
	Internal             // a failure of the tool or the machine (I/O, such as an output folder that cannot be written)
	Source               // a database source that cannot be reached, refused the credentials, or timed out
)

var kindNames = [...]string{"briefing", "config", "data", "query", "figure", "chart", "table", "content", "template", "output", "internal", "source"}

// String is the kind's code, as printed in JSON diagnostics.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "briefing"
}

// Exit codes, one contract for every command.
const (
	ExitOK       = 0
	ExitSource   = 1 // a problem in the briefing's sources
	ExitUsage    = 2 // the command line, site.toml, or a refused output folder
	ExitInternal = 3 // an I/O or internal failure
	ExitDatabase = 4 // a database source unreachable, refusing the credentials, or timing out
)

// ExitCode is the exit status for a problem of this kind.
func (k Kind) ExitCode() int {
	switch k {
	case Config, Output:
		return ExitUsage
	case Internal:
		return ExitInternal
	case Source:
		return ExitDatabase
	}
	return ExitSource
}

// Errorf returns an *Error of this kind at pos.
func (k Kind) Errorf(pos Pos, format string, args ...any) *Error {
	return &Error{Kind: k, Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// Wrap places err at pos as a problem of this kind, keeping err for
// errors.Is and errors.As.
func (k Kind) Wrap(pos Pos, err error) *Error {
	return &Error{Kind: k, Pos: pos, Msg: err.Error(), Err: err}
}

// Error is a problem in the briefing's sources at a known position.
type Error struct {
	Kind Kind
	Pos  Pos
	Msg  string
	Err  error // the underlying error, when this one wraps another
	// Context, when set, is shown under the message instead of the source
	// line: for a spreadsheet cell, its neighbours in the row.
	Context string
	// Warning marks a problem the build worked around (a fallback shown).
	Warning bool
}

// Unwrap returns the wrapped error, if any.
func (e *Error) Unwrap() error { return e.Err }

func (e *Error) Error() string {
	if e.Pos.File == "" {
		return e.Msg
	}
	return e.Pos.String() + ": " + e.Msg
}

// ExitCode is the exit status for err: 0 for nil, else the worst of the
// kinds of the problems it holds (see Problems).
func ExitCode(err error) int {
	code := ExitOK
	for _, e := range Problems(err) {
		code = max(code, e.Kind.ExitCode())
	}
	return code
}

// CellRef returns the A1-style reference of a 1-based column and row.
func CellRef(col, row int) string {
	return ColumnName(col) + strconv.Itoa(row)
}

// ColumnName returns the spreadsheet letters of a 1-based column number.
func ColumnName(col int) string {
	var b []byte
	for col > 0 {
		col--
		b = append([]byte{byte('A' + col%26)}, b...)
		col /= 26
	}
	return string(b)
}

// LineCol returns the 1-based line and column of byte offset off in src.
func LineCol(src []byte, off int) (line, col int) {
	line, col = 1, 1
	for i := 0; i < off && i < len(src); i++ {
		if src[i] == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}

// IsSource reports whether err holds at least one *Error: a problem
// already placed in the briefing's files, which needs no further position.
// It looks through wrapping, List and errors.Join. The kind is not
// consulted: an Internal *Error counts too.
func IsSource(err error) bool { return len(Flatten(err)) > 0 }
