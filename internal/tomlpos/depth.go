package tomlpos

import (
	"github.com/briefing-dev/briefing/internal/diag"
)

// Limits on a TOML source, checked before the decoder sees it.
//
// BurntSushi/toml recurses once per level of nesting and copies the key
// path at every level, so its cost grows with the square of the depth: an
// inline table nested 10,000 deep (40 KB) exhausts memory, and even 2,000
// levels take half a gigabyte. The limits keep every TOML file the tool
// reads well inside a second and a few hundred megabytes.
const (
	// MaxDepth is how deeply a document may nest: the keys of a table
	// header, the parts of a dotted key, and every inline table or array
	// a value opens all count one level. The deepest file the tool itself
	// asks for (a chart's series inside a table) nests 4 levels.
	MaxDepth = 32
	// MaxBytes is the largest TOML source read: site.toml, figures.toml,
	// charts/*.toml, tables/*.toml and a page's front matter. (TOML data
	// files have the data loaders' own, larger limit.)
	MaxBytes = 4 << 20
)

// CheckSize refuses a source larger than MaxBytes.
func CheckSize(kind diag.Kind, file string, size int64) error {
	if size > MaxBytes {
		return kind.Errorf(diag.Pos{File: file}, "file is over the limit of %d bytes for a TOML file", MaxBytes)
	}
	return nil
}

// CheckDepth refuses a document that nests deeper than MaxDepth, at the
// line and column where it first goes too deep. It is a fast pre-scan, not
// a parser: one pass over the bytes that skips strings (basic, literal and
// multi-line) and comments, and it leaves every other fault to the decoder.
// Call it before toml.Decode on any source that may be hostile.
func CheckDepth(kind diag.Kind, file string, src []byte) error {
	s := depthScan{src: src, line: 1, wantKey: true, blank: true}
	if off := s.run(); off >= 0 {
		line, col := s.line, off-s.lineStart+1
		return kind.Errorf(diag.Pos{File: file, Line: line, Col: col},
			"TOML nested more than %d levels deep (the limit); flatten the structure", MaxDepth)
	}
	return nil
}

// depthScan walks a TOML source keeping just enough state to know how deep
// the current point is: the depth of the last table header, the inline
// tables and arrays open, and the dots of the key being read.
type depthScan struct {
	src       []byte
	i         int
	line      int
	lineStart int    // offset of the current line's first byte
	header    int    // parts of the current [table] header
	open      []byte // open '[' (array) and '{' (inline table), innermost last
	dots      int    // dots so far in the key being read
	wantKey   bool   // a key comes next, not a value
	blank     bool   // only blanks so far on this line: a header may start
}

func (s *depthScan) depth() int { return s.header + len(s.open) + s.dots }

// run scans to the end and returns the offset where the source first
// nests too deep, or -1.
func (s *depthScan) run() int {
	for s.i < len(s.src) {
		c := s.src[s.i]
		atStart := s.blank
		if c != ' ' && c != '\t' {
			s.blank = false
		}
		switch {
		case c == '\n':
			s.newline()
		case c == '#':
			s.skipComment()
			continue
		case c == '"' || c == '\'':
			s.skipString()
			continue
		case s.wantKey && len(s.open) == 0 && c == '[' && atStart:
			if off := s.tableHeader(); off >= 0 {
				return off
			}
			continue
		case s.wantKey:
			if off := s.keyByte(c); off >= 0 {
				return off
			}
		default:
			if off := s.valueByte(c); off >= 0 {
				return off
			}
		}
		s.i++
	}
	return -1
}

func (s *depthScan) newline() {
	s.line++
	s.lineStart = s.i + 1
	s.blank = true
	if len(s.open) == 0 {
		s.wantKey, s.dots = true, 0
	}
}

func (s *depthScan) keyByte(c byte) int {
	switch c {
	case '.':
		s.dots++
		if s.depth() > MaxDepth {
			return s.i
		}
	case '=':
		s.wantKey = false
	case '}':
		// An empty inline table, or a trailing comma (TOML 1.1).
		s.wantKey = false
		return s.valueByte(c)
	}
	return -1
}

func (s *depthScan) valueByte(c byte) int {
	switch c {
	case '[', '{':
		s.open = append(s.open, c)
		if s.depth() > MaxDepth {
			return s.i
		}
		if c == '{' {
			s.wantKey, s.dots = true, 0
		}
	case ']', '}':
		if len(s.open) > 0 {
			s.open = s.open[:len(s.open)-1]
		}
	case ',':
		if len(s.open) > 0 && s.open[len(s.open)-1] == '{' {
			s.wantKey, s.dots = true, 0
		}
	}
	return -1
}

// tableHeader reads [a.b] or [[a.b]] and sets the header depth.
func (s *depthScan) tableHeader() int {
	s.header = 0
	parts := 1
	s.i++
	for s.i < len(s.src) {
		switch c := s.src[s.i]; c {
		case '"', '\'':
			s.skipString()
			continue
		case '.':
			parts++
			if parts > MaxDepth {
				return s.i
			}
		case ']', '\n':
			s.header = parts
			return -1
		}
		s.i++
	}
	return -1
}

func (s *depthScan) skipComment() {
	for s.i < len(s.src) && s.src[s.i] != '\n' {
		s.i++
	}
}

// skipString moves past the string that starts at the current byte. An
// unterminated string ends the scan; the decoder reports it.
func (s *depthScan) skipString() {
	q := s.src[s.i]
	if s.i+2 < len(s.src) && s.src[s.i+1] == q && s.src[s.i+2] == q {
		s.skipMultiline(q)
		return
	}
	s.i++
	for s.i < len(s.src) {
		switch c := s.src[s.i]; {
		case c == q:
			s.i++
			return
		case c == '\n':
			return // unterminated: leave the newline to the main loop
		case c == '\\' && q == '"' && s.i+1 < len(s.src) && s.src[s.i+1] != '\n':
			s.i++
		}
		s.i++
	}
}

// skipMultiline moves past a """ or ”' string, counting its lines. Up to
// two more quotes may end it ("""a"""" is a" followed by the close).
func (s *depthScan) skipMultiline(q byte) {
	s.i += 3
	for s.i < len(s.src) {
		c := s.src[s.i]
		switch {
		case c == '\\' && q == '"' && s.i+1 < len(s.src) && s.src[s.i+1] != '\n':
			s.i += 2 // an escape; a backslash before a newline is left to the next case
			continue
		case c == '\n':
			s.newlineInString()
		case c == q && s.i+2 < len(s.src) && s.src[s.i+1] == q && s.src[s.i+2] == q:
			s.i += 3
			for n := 0; n < 2 && s.i < len(s.src) && s.src[s.i] == q; n++ {
				s.i++
			}
			return
		}
		s.i++
	}
}

func (s *depthScan) newlineInString() {
	s.line++
	s.lineStart = s.i + 1
}
