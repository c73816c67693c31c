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
	first   map[string]int      // key path → its first entry
	byElem  map[elemKey]int     // key path and array element → its first entry
	items   map[elemKey][]entry // array value → where each element starts
}

type elemKey struct {
	path string
	elem int
}

type entry struct {
	path   string // dotted key path, array indexes left out
	elem   int    // index within the innermost array of tables (or array of inline tables), or -1
	line   int
	keyCol int
	valCol int
}

// New indexes src, which is the content of file.
func New(file string, src []byte) *Index {
	ix := &Index{file: file, src: string(src), items: map[elemKey][]entry{}}
	lines := strings.Split(ix.src, "\n")
	ix.lines = make([]int, len(lines))
	for i, off := 1, 0; i < len(lines); i++ {
		off += len(lines[i-1]) + 1
		ix.lines[i] = off
	}
	sc := &scanner{ix: ix, src: ix.src, line: 1}
	sc.run()
	ix.group()
	return ix
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

// Item returns the position of element i of the array value at path (an
// array written on one line or several), or the file alone when there is
// no such element.
func (ix *Index) Item(i int, path ...string) diag.Pos {
	return ix.item(joinKey(path), -1, i)
}

// ElemItem returns the position of element i of the array value of key in
// element elem of the array of tables named table.
func (ix *Index) ElemItem(table string, elem int, key string, i int) diag.Pos {
	return ix.item(table+"."+key, elem, i)
}

func (ix *Index) item(path string, elem, i int) diag.Pos {
	items := ix.items[elemKey{path, elem}]
	if i < 0 || i >= len(items) {
		return diag.Pos{File: ix.file}
	}
	return diag.Pos{File: ix.file, Line: items[i].line, Col: items[i].valCol}
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

var (
	lineInMsg = regexp.MustCompile(`^toml: (?:line (\d+) )?\(last key "([^"]*)"\): `)
	typeInMsg = regexp.MustCompile(`TOML value has type ([^;]+);`)
	integer   = regexp.MustCompile(`^(?:[+-]?[0-9_]+|0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+)$`)
)

func fromDecodeError(kind diag.Kind, file string, src []byte, err error) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		return kind.Errorf(diag.Pos{File: file, Line: pe.Position.Line, Col: pe.Position.Col}, "%s", pe.Message)
	}
	// Type mismatches arrive as text only; the library prints the line of
	// the key, and the key.
	msg := err.Error()
	m := lineInMsg.FindStringSubmatch(msg)
	if m == nil {
		return kind.Errorf(diag.Pos{File: file}, "%s", strings.TrimPrefix(msg, "toml: "))
	}
	line, _ := strconv.Atoi(m[1])
	rest := strings.TrimPrefix(msg, m[0])
	return kind.Errorf(New(file, src).mismatch(m[2], line, rest), "%s: %s", m[2], rest)
}

// mismatch places a type mismatch of the value of key reported on line
// (0: no line): at the value of the wrong type, or at the element of the
// wrong type in an array value (written on one line or several); at the
// key's value when the type cannot be told, and at the line alone when
// the key is not found there.
func (ix *Index) mismatch(key string, line int, msg string) diag.Pos {
	var found []entry
	for _, e := range ix.entries {
		if e.path == key && (line == 0 || e.line == line) {
			found = append(found, e)
		}
	}
	if len(found) == 0 {
		return diag.Pos{File: ix.file, Line: line}
	}
	at := func(e entry) diag.Pos { return diag.Pos{File: ix.file, Line: e.line, Col: e.valCol} }
	if t := typeInMsg.FindStringSubmatch(msg); t != nil {
		for _, e := range found {
			if ix.literalType(e) == t[1] {
				return at(e)
			}
			for _, it := range ix.items[elemKey{key, e.elem}] {
				if ix.literalType(it) == t[1] {
					return at(it)
				}
			}
		}
	}
	return at(found[0])
}

// literalType names the type of the value that starts at e as the
// decoder's messages do.
func (ix *Index) literalType(e entry) string {
	off := ix.lines[e.line-1] + e.valCol - 1
	if off >= len(ix.src) {
		return ""
	}
	v := ix.src[off:]
	if end := strings.IndexAny(v, ",]}#\n"); end >= 0 {
		v = v[:end]
	}
	v = strings.TrimSpace(v)
	switch {
	case v == "":
		return ""
	case v[0] == '"' || v[0] == '\'':
		return "string"
	case v[0] == '[':
		return "[]any"
	case v[0] == '{':
		return "map[string]any"
	case v == "true" || v == "false":
		return "bool"
	case len(v) >= 5 && (v[4] == '-' || v[2] == ':'):
		return "time.Time"
	case integer.MatchString(v):
		return "int64"
	}
	return "float64"
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

func joinKey(parts []string) string { return strings.Join(parts, ".") }

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

// TextStart returns where the text of the string value at path begins:
// just past the opening quote, or at the start of the next line when the
// opening quotes of a multi-line string end their line (TOML drops that
// newline). It is the value's position when that is not a string.
func (ix *Index) TextStart(path ...string) diag.Pos {
	return ix.textStart(ix.Value(path...))
}

// ElemTextStart is TextStart for key in element elem of the array of
// tables (or of inline tables) named table.
func (ix *Index) ElemTextStart(table string, elem int, key string) diag.Pos {
	return ix.textStart(ix.ElemValue(table, elem, key))
}

func (ix *Index) textStart(p diag.Pos) diag.Pos {
	if p.Line < 1 || p.Col < 1 {
		return p
	}
	line := ix.Line(p.Line)
	if p.Col > len(line) {
		return p
	}
	rest := line[p.Col-1:]
	for _, q := range []string{`"""`, "'''"} {
		if rest == q {
			return diag.Pos{File: p.File, Line: p.Line + 1, Col: 1}
		}
		if strings.HasPrefix(rest, q) {
			p.Col += len(q)
			return p
		}
	}
	if rest[0] == '"' || rest[0] == '\'' {
		p.Col++
	}
	return p
}

// Within returns the position of byte off of a text that begins at start
// (a TextStart): on start's line, or on a later line of a multi-line
// string.
func Within(start diag.Pos, text string, off int) diag.Pos {
	if start.Col < 1 {
		return start
	}
	line, col := diag.LineCol([]byte(text), off)
	if line == 1 {
		start.Col += col - 1
	} else {
		start.Line, start.Col = start.Line+line-1, col
	}
	return start
}

// NoReference refuses a reference ({{fig …}} and the like) in a string
// value that is shown as it is: it would be printed literally. The error,
// of the given kind, is at the {{; start is where the text begins (see
// TextStart) and what names the value ("a series name").
func NoReference(kind diag.Kind, text string, start diag.Pos, what string) error {
	i := strings.Index(text, "{{")
	if i < 0 {
		return nil
	}
	return kind.Errorf(Within(start, text, i), "%s is shown as written: {{…}} is not expanded here (references work in chart titles, subtitles and sources, table captions, notes and headers, the email subject and the pages)", what)
}
