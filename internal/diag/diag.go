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
	"errors"
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

// Error is a problem in the briefing's sources at a known position.
type Error struct {
	Pos Pos
	Msg string
	Err error // the underlying error, when this one wraps another
	// Context, when set, is shown under the message instead of the source
	// line: for a spreadsheet cell, its neighbours in the row.
	Context string
	// Warning marks a problem the build worked around (a fallback shown).
	Warning bool
}

// Wrap places err at pos, keeping err for errors.Is and errors.As.
func Wrap(pos Pos, err error) *Error { return &Error{Pos: pos, Msg: err.Error(), Err: err} }

// Unwrap returns the wrapped error, if any.
func (e *Error) Unwrap() error { return e.Err }

func (e *Error) Error() string {
	if e.Pos.File == "" {
		return e.Msg
	}
	return e.Pos.String() + ": " + e.Msg
}

// Errorf returns an *Error at pos.
func Errorf(pos Pos, format string, args ...any) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// IsSource reports whether err (or any error it joins) is a problem in the
// sources rather than an I/O or internal failure.
func IsSource(err error) bool {
	var e *Error
	return errors.As(err, &e)
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
