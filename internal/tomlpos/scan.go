package tomlpos

import "strings"

// scanner walks a TOML source once, token by token, and records where
// every key and value sits: keys of tables and arrays of tables, keys of
// inline tables (on one line or several), and the elements of arrays (on
// one line or several). Strings, multi-line strings and comments are
// skipped whole, so nothing inside them is taken for a key. It assumes the
// document parsed; on text that does not, it resynchronises at the next
// line and never fails.
type scanner struct {
	ix        *Index
	src       string
	i         int
	line      int // 1-based line of src[i]
	lineStart int // offset of the first byte of that line
	table     string
	elem      int // index of the current [[table]] element, or -1
	counts    map[string]int
}

func (s *scanner) run() {
	s.elem = -1
	s.counts = map[string]int{}
	for s.i < len(s.src) {
		s.blank(true)
		if s.i >= len(s.src) {
			break
		}
		if s.src[s.i] == '[' {
			s.header()
		} else {
			s.keyValue(s.table, s.elem)
		}
		s.blank(false)
		if s.i < len(s.src) && s.src[s.i] != '\n' {
			s.skipLine() // not TOML: go on at the next line
		}
	}
}

// col is the 1-based column of src[i].
func (s *scanner) col() int { return s.i - s.lineStart + 1 }

func (s *scanner) newline() {
	s.i++
	s.line++
	s.lineStart = s.i
}

// blank skips spaces and tabs, and with lines also line ends and
// comments.
func (s *scanner) blank(lines bool) {
	for s.i < len(s.src) {
		switch c := s.src[s.i]; {
		case c == ' ' || c == '\t' || c == '\r':
			s.i++
		case c == '#':
			if !lines {
				s.skipComment()
				return
			}
			s.skipComment()
		case c == '\n' && lines:
			s.newline()
		default:
			return
		}
	}
}

func (s *scanner) skipComment() {
	if j := strings.IndexByte(s.src[s.i:], '\n'); j >= 0 {
		s.i += j
	} else {
		s.i = len(s.src)
	}
}

func (s *scanner) skipLine() {
	s.skipComment()
	if s.i < len(s.src) {
		s.newline()
	}
}

// header reads [table] or [[array]].
func (s *scanner) header() {
	line, col := s.line, s.col()
	double := strings.HasPrefix(s.src[s.i:], "[[")
	s.i++
	if double {
		s.i++
	}
	s.table = joinKey(s.key())
	if !double {
		s.elem = -1
		s.ix.entries = append(s.ix.entries, entry{s.table, -1, line, col, col + 1})
	} else {
		s.elem = s.counts[s.table]
		s.counts[s.table]++
		s.ix.entries = append(s.ix.entries, entry{s.table, s.elem, line, col, col + 2})
	}
	s.blank(false)
	for s.i < len(s.src) && s.src[s.i] == ']' {
		s.i++
	}
}

// keyValue reads KEY = VALUE and records it under prefix.
func (s *scanner) keyValue(prefix string, elem int) {
	line, keyCol := s.line, s.col()
	parts := s.key()
	if len(parts) == 0 || s.i >= len(s.src) || s.src[s.i] != '=' {
		return
	}
	s.i++
	s.blank(false)
	full := join(prefix, joinKey(parts))
	s.ix.entries = append(s.ix.entries, entry{full, elem, line, keyCol, s.col()})
	s.value(full, elem)
}

// key reads a dotted key, bare or quoted, and the blanks after it.
func (s *scanner) key() []string {
	var parts []string
	for {
		s.blank(false)
		if s.i >= len(s.src) {
			return parts
		}
		switch c := s.src[s.i]; c {
		case '"', '\'':
			start := s.i
			s.skipString()
			parts = append(parts, unquote(s.src[start:s.i]))
		default:
			j := s.i
			for j < len(s.src) && !strings.ContainsRune(" \t\r\n.=[]{},#\"'", rune(s.src[j])) {
				j++
			}
			if j == s.i {
				return parts
			}
			parts = append(parts, s.src[s.i:j])
			s.i = j
		}
		s.blank(false)
		if s.i >= len(s.src) || s.src[s.i] != '.' {
			return parts
		}
		s.i++
	}
}

// unquote strips the quotes of a quoted key. Escapes are kept as written:
// keys that need them are rare, and the index only has to match.
func unquote(q string) string {
	if len(q) >= 2 && q[len(q)-1] == q[0] {
		return q[1 : len(q)-1]
	}
	return strings.TrimLeft(q, `"'`)
}

// value reads one value; the keys of inline tables in it are recorded
// under path.
func (s *scanner) value(path string, elem int) {
	if s.i >= len(s.src) {
		return
	}
	switch s.src[s.i] {
	case '"', '\'':
		s.skipString()
	case '{':
		s.inlineTable(path, elem)
	case '[':
		s.array(path, elem)
	default:
		// A number, boolean or date: up to what ends a value. (A date
		// may hold a space: 1979-05-27 07:32:00.)
		for s.i < len(s.src) && !strings.ContainsRune(",]}#\n", rune(s.src[s.i])) {
			s.i++
		}
	}
}

// inlineTable reads { k = v, … }, over several lines if need be.
func (s *scanner) inlineTable(path string, elem int) {
	s.i++ // {
	for s.i < len(s.src) {
		s.blank(true)
		if s.i >= len(s.src) {
			return
		}
		switch s.src[s.i] {
		case '}':
			s.i++
			return
		case ',':
			s.i++
		default:
			from := s.i
			s.keyValue(path, elem)
			if s.i == from {
				s.i++ // not a key: step over it
			}
		}
	}
}

// array reads [ v, … ], over several lines if need be, recording where
// each element starts. The keys of an inline table that is an element are
// recorded with the element's index, like those of [[path]] tables.
func (s *scanner) array(path string, elem int) {
	s.i++ // [
	k := elemKey{path, elem}
	_, seen := s.ix.items[k]
	var items []entry
	for s.i < len(s.src) {
		s.blank(true)
		if s.i >= len(s.src) {
			break
		}
		switch s.src[s.i] {
		case ']':
			s.i++
			if !seen {
				s.ix.items[k] = items
			}
			return
		case ',':
			s.i++
		default:
			from := s.i
			items = append(items, entry{path, len(items), s.line, s.col(), s.col()})
			if s.src[s.i] == '{' {
				s.inlineTable(path, len(items)-1)
			} else {
				s.value(path+"[]", -1) // an array in an array: its elements are not looked up
			}
			if s.i == from {
				s.i++
			}
		}
	}
	if !seen {
		s.ix.items[k] = items
	}
}

// skipString steps over a string of any of the four kinds.
func (s *scanner) skipString() {
	q := s.src[s.i]
	multi := strings.HasPrefix(s.src[s.i:], strings.Repeat(string(q), 3))
	if multi {
		s.i += 3
	} else {
		s.i++
	}
	for s.i < len(s.src) {
		c := s.src[s.i]
		switch {
		case c == '\\' && q == '"':
			if s.i+1 < len(s.src) && s.src[s.i+1] == '\n' {
				s.i++ // a line-ending backslash: the newline is counted below
				continue
			}
			s.i += 2
		case c == '\n':
			if !multi {
				return // unterminated: the line ends it
			}
			s.newline()
		case c == q && !multi:
			s.i++
			return
		case c == q && strings.HasPrefix(s.src[s.i:], strings.Repeat(string(q), 3)):
			// Up to two more quotes may close it: """a"""""
			s.i += 3
			for n := 0; n < 2 && s.i < len(s.src) && s.src[s.i] == q; n++ {
				s.i++
			}
			return
		default:
			s.i++
		}
	}
	s.i = min(s.i, len(s.src))
}
