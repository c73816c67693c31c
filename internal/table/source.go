package table

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/briefing-dev/briefing/internal/diag"
)

// A Source is where one table's data comes from: a file in the site today,
// a database query or a Parquet file tomorrow. Each kind of source is one
// implementation of Source, registered in sourceKinds.
type Source interface {
	// Describe names the source for people: "CSV file data/q.csv".
	Describe() string
	// Fingerprint digests everything Load would read under lim: the
	// table's definition and its content (a file's bytes; for a database,
	// the query text and the snapshot it reads). Equal fingerprints mean
	// Load would return an equal table, so a cache may keep the table
	// under its fingerprint. Modification times play no part.
	Fingerprint(fsys fs.FS, lim Limits) (string, error)
	// Load reads the table, refusing anything over lim with a positioned
	// error.
	Load(fsys fs.FS, lim Limits) (*Table, error)
}

// sourceKinds is the one place a kind of source is registered. Open asks
// each in turn; the first whose open recognises the spec reads it.
var sourceKinds = []sourceKind{
	fileKind("xlsx", loadXLSX, false, ".xlsx", ".xlsm"),
	fileKind("CSV", loadCSV, true, ".csv"),
	fileKind("TOML", loadTOML, true, ".toml"),
	fileKind("Parquet", loadParquet, false, ".parquet"),
}

// sourceKind is one kind of source.
type sourceKind struct {
	name string
	// exts are the file extensions it reads; the first is named in the
	// message for a file no kind reads.
	exts []string
	// open returns the source spec describes, or nil when spec is not of
	// this kind.
	open func(spec Spec) Source
}

// Open returns the source that spec describes.
func Open(spec Spec) (Source, error) {
	if spec.HeaderRow == 0 {
		spec.HeaderRow = 1
	}
	for _, k := range sourceKinds {
		if src := k.open(spec); src != nil {
			return src, nil
		}
	}
	var exts []string
	for _, k := range sourceKinds {
		if len(k.exts) > 0 {
			exts = append(exts, k.exts[0])
		}
	}
	want := strings.Join(exts[:len(exts)-1], ", ") + " or " + exts[len(exts)-1]
	return nil, diag.Data.Errorf(spec.keyPos("file"), "table %q: %s: unsupported file type (want %s)", spec.Name, spec.File, want)
}

// Load reads the table that spec describes from fsys.
func Load(fsys fs.FS, spec Spec, lim Limits) (*Table, error) {
	src, err := Open(spec)
	if err != nil {
		return nil, err
	}
	return src.Load(fsys, lim)
}

// fileSource is a table read from one file of the site.
type fileSource struct {
	kind string
	spec Spec
	// text says the file is text in spec.Encoding (CSV, TOML), to be
	// checked and converted to UTF-8 before read sees it.
	text bool
	read func(src []byte, spec Spec, lim Limits) (*Table, error)
}

func fileKind(name string, read func([]byte, Spec, Limits) (*Table, error), text bool, exts ...string) sourceKind {
	return sourceKind{name: name, exts: exts, open: func(spec Spec) Source {
		if !slices.Contains(exts, strings.ToLower(path.Ext(spec.File))) {
			return nil
		}
		return &fileSource{kind: name, spec: spec, text: text, read: read}
	}}
}

func (s *fileSource) Describe() string { return s.kind + " file " + s.spec.File }

func (s *fileSource) Fingerprint(fsys fs.FS, lim Limits) (string, error) {
	b, err := s.readFile(fsys, lim)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	fmt.Fprintf(h, "file\x00%s\x00%+v\x00", s.spec.identity(), lim)
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil)), nil
}

func (s *fileSource) Load(fsys fs.FS, lim Limits) (*Table, error) {
	lim = lim.withDefaults()
	if s.spec.Encoding != "" && !s.text {
		return nil, diag.Data.Errorf(s.spec.keyPos("encoding"), "table %q: encoding applies to CSV and TOML files; a %s file declares its own", s.spec.Name, s.kind)
	}
	b, err := s.readFile(fsys, lim)
	if err != nil {
		return nil, err
	}
	if s.text {
		if b, err = toUTF8(b, s.spec); err != nil {
			return nil, err
		}
	}
	return s.read(b, s.spec, lim)
}

// readFile reads the whole file, refusing one over lim.MaxFileBytes
// whatever its size claimed when it was opened.
func (s *fileSource) readFile(fsys fs.FS, lim Limits) ([]byte, error) {
	at := diag.Pos{File: s.spec.File}
	f, err := fsys.Open(s.spec.File)
	if diag.IsSource(err) {
		return nil, err // a link out of the site (package sitefs)
	}
	if err != nil {
		return nil, diag.Data.Errorf(s.spec.keyPos("file"), "table %q: cannot read %s: %v", s.spec.Name, s.spec.File, unwrapPath(err))
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, diag.Data.Errorf(at, "%v", unwrapPath(err))
	}
	if info.Size() > lim.MaxFileBytes {
		return nil, diag.Data.Errorf(at, "file is %d bytes, over the limit of %d", info.Size(), lim.MaxFileBytes)
	}
	var buf bytes.Buffer
	buf.Grow(int(info.Size()) + bytes.MinRead)
	if _, err := buf.ReadFrom(io.LimitReader(f, lim.MaxFileBytes+1)); err != nil {
		return nil, diag.Data.Errorf(at, "%v", unwrapPath(err))
	}
	b := buf.Bytes()
	if int64(len(b)) > lim.MaxFileBytes {
		return nil, diag.Data.Errorf(at, "file is over the limit of %d bytes", lim.MaxFileBytes)
	}
	return b, nil
}

// identity is everything in a spec that changes what is read: the same
// file read another way is another table. Positions are left out.
func (s Spec) identity() string {
	cols := make([]string, 0, len(s.Columns))
	for _, name := range slices.Sorted(maps.Keys(s.Columns)) {
		cols = append(cols, name+"="+s.Columns[name].String())
	}
	return fmt.Sprint(s.Name, "\x00", s.File, "\x00", s.Sheet, "\x00", s.Key, "\x00", s.HeaderRow, "\x00", s.Encoding, "\x00", cols,
		"\x00", s.Currency, "\x00", s.Unpivot, "\x00", s.SkipRows, "\x00", s.SkipColumns)
}

// withDefaults fills limits added after callers wrote their own Limits.
func (lim Limits) withDefaults() Limits {
	if lim.MaxTextRun <= 0 {
		lim.MaxTextRun = DefaultLimits.MaxTextRun
	}
	return lim
}

func unwrapPath(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}
