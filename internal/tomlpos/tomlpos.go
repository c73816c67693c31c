// Package tomlpos finds where keys sit in a TOML document.
//
// BurntSushi/toml reports syntax errors with a position but keeps the
// positions of decoded keys private, so an unknown key or a bad value found
// after decoding would otherwise be reported without a line. This package
// scans the source once and maps every key path to its line and column. It
// assumes the document already parsed; it is a locator, not a parser.
package tomlpos

import (
	"errors"
	"io"
	"io/fs"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/briefing-dev/briefing/internal/diag"
)

// Index maps the keys of one TOML file to positions. A lookup costs the
// same however many keys the file has, and an Index is safe for use by
// several goroutines: it is not changed after New.
type Index struct {
	file    string
	src     string
	lines   []int // offset of the start of each line
	entries []entry
	first   map[string]int  // key path → its first entry
	byElem  map[elemKey]int // key path and array element → its first entry
}

type elemKey struct {
	path string
	elem int
}

type entry struct {
	path   string // dotted key path, array indexes left out
	elem   int    // index within the innermost array of tables, or -1
	line   int
	keyCol int
	valCol int
}

// New indexes src, which is the content of file.
func New(file string, src []byte) *Index {
	ix := &Index{file: file, src: string(src)}
	table, elem := "", -1
	counts := map[string]int{}
	lines := strings.Split(ix.src, "\n")
	ix.lines = make([]int, len(lines))
	for i, off := 1, 0; i < len(lines); i++ {
		off += len(lines[i-1]) + 1
		ix.lines[i] = off
	}
	inMulti := ""
	for i, raw := range lines {
		line := strings.TrimRight(raw, "\r")
		if inMulti != "" {
			if strings.Contains(line, inMulti) {
				inMulti = ""
			}
			continue
		}
		trim := strings.TrimLeft(line, " \t")
		indent := len(line) - len(trim)
		switch {
		case trim == "" || trim[0] == '#':
			continue
		case strings.HasPrefix(trim, "[["):
			end := strings.Index(trim, "]]")
			if end < 0 {
				continue
			}
			table = joinKey(splitKey(trim[2:end]))
			elem = counts[table]
			counts[table]++
			ix.entries = append(ix.entries, entry{table, elem, i + 1, indent + 1, indent + 3})
			continue
		case trim[0] == '[':
			end := strings.Index(trim, "]")
			if end < 0 {
				continue
			}
			table, elem = joinKey(splitKey(trim[1:end])), -1
			ix.entries = append(ix.entries, entry{table, -1, i + 1, indent + 1, indent + 2})
			continue
		}
		eq := indexUnquoted(trim, '=')
		if eq < 0 {
			continue
		}
		key := joinKey(splitKey(trim[:eq]))
		val := strings.TrimLeft(trim[eq+1:], " \t")
		valCol := indent + len(trim) - len(val) + 1
		full := join(table, key)
		ix.entries = append(ix.entries, entry{full, elem, i + 1, indent + 1, valCol})
		for _, q := range []string{`"""`, `'''`} {
			if strings.HasPrefix(val, q) && !strings.Contains(val[3:], q) {
				inMulti = q
			}
		}
		if strings.HasPrefix(val, "{") {
			ix.inline(full, elem, i+1, valCol, val)
		}
	}
	ix.group()
	return ix
}

var inlineKey = regexp.MustCompile(`[{,]\s*("[^"]*"|'[^']*'|[A-Za-z0-9_.-]+)\s*=\s*`)

// inline records the keys of a one-line inline table.
func (ix *Index) inline(prefix string, elem, line, col int, val string) {
	for _, m := range inlineKey.FindAllStringSubmatchIndex(val, -1) {
		key := joinKey(splitKey(val[m[2]:m[3]]))
		ix.entries = append(ix.entries, entry{join(prefix, key), elem, line, col + m[2], col + m[1]})
	}
}

// Key returns the position of the key at path, or the file alone when the
// key is not found.
func (ix *Index) Key(path ...string) diag.Pos {
	return ix.find(path, -1, false)
}

// Value returns the position of the value of the key at path.
func (ix *Index) Value(path ...string) diag.Pos {
	return ix.find(path, -1, true)
}

// ElemValue returns the position of the value of key in element elem of the
// array of tables named table.
func (ix *Index) ElemValue(table string, elem int, key string) diag.Pos {
	return ix.find([]string{table, key}, elem, true)
}

// Elem returns the position of the header of element elem of the array of
// tables named table.
func (ix *Index) Elem(table string, elem int) diag.Pos {
	return ix.find([]string{table}, elem, false)
}

// Line returns the text of 1-based line n, without its line ending, or ""
// when the file has no such line.
func (ix *Index) Line(n int) string {
	if n < 1 || n > len(ix.lines) {
		return ""
	}
	end := len(ix.src)
	if n < len(ix.lines) {
		end = ix.lines[n] - 1
	}
	return strings.TrimRight(ix.src[ix.lines[n-1]:end], "\r")
}

// group fills the lookup maps; the first entry of a path wins.
func (ix *Index) group() {
	ix.first = make(map[string]int, len(ix.entries))
	ix.byElem = map[elemKey]int{}
	for i, e := range ix.entries {
		if _, ok := ix.first[e.path]; !ok {
			ix.first[e.path] = i
		}
		k := elemKey{e.path, e.elem}
		if _, ok := ix.byElem[k]; !ok && e.elem >= 0 {
			ix.byElem[k] = i
		}
	}
}

func (ix *Index) find(path []string, elem int, value bool) diag.Pos {
	i, ok := ix.first[joinKey(path)]
	if elem >= 0 {
		i, ok = ix.byElem[elemKey{joinKey(path), elem}]
	}
	if !ok {
		return diag.Pos{File: ix.file}
	}
	e := ix.entries[i]
	col := e.keyCol
	if value {
		col = e.valCol
	}
	return diag.Pos{File: ix.file, Line: e.line, Col: col}
}

// Decode decodes src into v and turns every failure into a positioned
// *diag.Error: syntax errors, values of the wrong type, and keys that v
// does not have (a misspelt key is an error, not something to ignore).
// The errors are of the given kind: the kind of file the caller reads.
// A source over MaxBytes or nested deeper than MaxDepth is refused before
// the decoder sees it.
func Decode(kind diag.Kind, file string, src []byte, v any) (toml.MetaData, error) {
	if err := CheckSize(kind, file, int64(len(src))); err != nil {
		return toml.MetaData{}, err
	}
	if err := CheckDepth(kind, file, src); err != nil {
		return toml.MetaData{}, err
	}
	md, err := toml.Decode(string(src), v)
	if err != nil {
		return md, fromDecodeError(kind, file, src, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		ix := New(file, src)
		k := und[0]
		return md, kind.Errorf(ix.Key(k...), "unknown key %q", k.String())
	}
	return md, nil
}

var lineInMsg = regexp.MustCompile(`^toml: line (\d+) \(last key "([^"]*)"\): `)

func fromDecodeError(kind diag.Kind, file string, src []byte, err error) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		return kind.Errorf(diag.Pos{File: file, Line: pe.Position.Line, Col: pe.Position.Col}, "%s", pe.Message)
	}
	// Type mismatches arrive as text only; the library prints the line.
	msg := err.Error()
	if m := lineInMsg.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		pos := New(file, src).Value(strings.Split(m[2], ".")...)
		if pos.Line != line {
			pos = diag.Pos{File: file, Line: line}
		}
		return kind.Errorf(pos, "%s: %s", m[2], strings.TrimPrefix(msg, m[0]))
	}
	return kind.Errorf(diag.Pos{File: file}, "%s", strings.TrimPrefix(msg, "toml: "))
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

func joinKey(parts []string) string { return strings.Join(parts, ".") }

// splitKey splits a dotted TOML key, removing quotes and spaces.
func splitKey(s string) []string {
	var parts []string
	var cur strings.Builder
	quote := byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			cur.WriteByte(c)
		case c == '"' || c == '\'':
			quote = c
		case c == '.':
			parts = append(parts, cur.String())
			cur.Reset()
		case c == ' ' || c == '\t':
		default:
			cur.WriteByte(c)
		}
	}
	return append(parts, cur.String())
}

func indexUnquoted(s string, want byte) int {
	quote := byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
		case c == '"' || c == '\'':
			quote = c
		case c == want:
			return i
		}
	}
	return -1
}

// ArrayKeys lists, in order of appearance, the keys set directly inside the
// elements of the array of tables named table.
func (ix *Index) ArrayKeys(table string) []string {
	var keys []string
	prefix := table + "."
	for _, e := range ix.entries {
		if e.elem >= 0 && len(e.path) > len(prefix) && e.path[:len(prefix)] == prefix {
			keys = append(keys, e.path[len(prefix):])
		}
	}
	return keys
}

// EachFile reads every DIR/*.toml in fsys, in name order, and hands each to
// parse. Problems in the files' content (a *diag.Error) are collected so
// that every bad file is reported at once; a missing folder is no files.
// Files are read with ReadFile, so parse sees at most MaxBytes+1 bytes.
func EachFile(fsys fs.FS, dir string, parse func(file string, src []byte) error) error {
	entries, err := fs.ReadDir(fsys, dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var errs []error
	for _, e := range entries {
		if e.IsDir() || path.Ext(e.Name()) != ".toml" {
			continue
		}
		file := path.Join(dir, e.Name())
		src, err := ReadFile(fsys, file)
		if err != nil {
			return err
		}
		if err := parse(file, src); err != nil {
			if diag.Flatten(err) == nil {
				return err
			}
			errs = append(errs, err)
		}
	}
	return diag.Join(errs...)
}

// ReadFile reads file from fsys, but no more than MaxBytes+1 bytes of it:
// enough for Decode to refuse a file over the limit without the whole of
// it in memory.
func ReadFile(fsys fs.FS, file string) ([]byte, error) {
	f, err := fsys.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, MaxBytes+1))
}
