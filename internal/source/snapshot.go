package source

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/sitefs"
	"github.com/briefing-dev/briefing/internal/table"
)

// SnapshotDir is the site folder that keeps source queries' results.
//
// Each source query NAME has two files there: NAME.csv, the result (a
// header of column names, then one line per row, every value in its
// canonical text: 1234.5, 2022-03-31; an empty field is null), and
// NAME.toml, its stamp: the source, when it was taken, the SHA-256 of the
// query text, the kinds of the columns, the row count and the SHA-256 of
// NAME.csv. CSV because a refreshed snapshot then reads as a diff of
// figures in review, opens in a spreadsheet, and needs no library to
// check; the results are aggregates, small enough that Parquet's
// compression buys nothing.
const SnapshotDir = "snapshots"

// Snapshot is a source query's result with its stamp.
type Snapshot struct {
	Name      string
	Source    string
	QueryHash string
	TakenAt   time.Time
	Result    *Result
}

// stamp is NAME.toml.
type stamp struct {
	Source      string        `toml:"source"`
	QuerySHA256 string        `toml:"query_sha256"`
	TakenAt     time.Time     `toml:"taken_at"`
	Rows        int           `toml:"rows"`
	DataSHA256  string        `toml:"data_sha256"`
	Columns     []stampColumn `toml:"columns"`
}

type stampColumn struct {
	Name string `toml:"name"`
	Kind string `toml:"kind"`
}

// Take makes q's snapshot from its result.
func Take(q Query, r *Result, at time.Time) *Snapshot {
	return &Snapshot{Name: q.Name, Source: q.Source, QueryHash: q.Hash(), TakenAt: at.UTC().Truncate(time.Second), Result: r}
}

// Files returns the snapshot's two files, CSV and stamp, named under
// SnapshotDir. The same snapshot always encodes to the same bytes.
func (s *Snapshot) Files() (csvName string, csvData []byte, stampName string, stampData []byte, err error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.Write(s.Result.Columns); err != nil {
		return "", nil, "", nil, err
	}
	for _, row := range s.Result.Cells {
		if len(row) == 1 && row[0] == "" {
			w.Flush() // a lone empty field would be a blank line, which CSV skips
			buf.WriteString("\"\"\n")
			continue
		}
		if err := w.Write(row); err != nil {
			return "", nil, "", nil, err
		}
	}
	if w.Flush(); w.Error() != nil {
		return "", nil, "", nil, w.Error()
	}
	sum := sha256.Sum256(buf.Bytes())
	var st strings.Builder
	fmt.Fprintf(&st, "# The stamp of %s.csv, the result of a source query, written by `briefing refresh`.\n", s.Name)
	fmt.Fprintf(&st, "# A build from snapshots refuses it when the query text or the CSV no longer match.\n")
	fmt.Fprintf(&st, "source = %s\nquery_sha256 = %q\ntaken_at = %s\nrows = %d\ndata_sha256 = %q\n",
		strconv.Quote(s.Source), s.QueryHash, s.TakenAt.UTC().Format(time.RFC3339), len(s.Result.Cells), hex.EncodeToString(sum[:]))
	for i, c := range s.Result.Columns {
		fmt.Fprintf(&st, "\n[[columns]]\nname = %s\nkind = %q\n", strconv.Quote(c), s.Result.Kinds[i].String())
	}
	return path.Join(SnapshotDir, s.Name+".csv"), buf.Bytes(), path.Join(SnapshotDir, s.Name+".toml"), []byte(st.String()), nil
}

// readSnapshotFiles reads NAME.csv and NAME.toml.
func readSnapshotFiles(fsys fs.FS, name string) (csvData, stampData []byte, err error) {
	if csvData, err = fs.ReadFile(fsys, path.Join(SnapshotDir, name+".csv")); err != nil {
		return nil, nil, err
	}
	if stampData, err = fs.ReadFile(fsys, path.Join(SnapshotDir, name+".toml")); err != nil {
		return nil, nil, err
	}
	return csvData, stampData, nil
}

// LoadSnapshot reads q's table from its snapshot, refusing a snapshot of
// another query text or whose CSV does not match its stamp.
func LoadSnapshot(fsys fs.FS, q Query, lim table.Limits) (*table.Table, error) {
	csvName := path.Join(SnapshotDir, q.Name+".csv")
	stName := path.Join(SnapshotDir, q.Name+".toml")
	st, err := readStamp(fsys, stName, lim)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, diag.Query.Errorf(q.Where, "query %q has no snapshot (%s); run `briefing refresh %s` where source %q can be reached", q.Name, stName, q.Name, q.Source)
		}
		return nil, err
	}
	if st.QuerySHA256 != q.Hash() || st.Source != q.Source {
		return nil, diag.Query.Errorf(q.Where, "query %q changed since its snapshot was taken (%s): the snapshot is of another query text; run `briefing refresh %s` to take a new one",
			q.Name, st.TakenAt.UTC().Format(time.RFC3339), q.Name)
	}
	b, err := readBounded(fsys, csvName, lim)
	if err != nil {
		return nil, diag.Data.Errorf(diag.Pos{File: csvName}, "cannot read the snapshot: %v", unwrapPath(err))
	}
	if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != st.DataSHA256 {
		return nil, diag.Data.Errorf(diag.Pos{File: csvName}, "the snapshot does not match its stamp in %s (edited by hand, or a refresh was cut off); run `briefing refresh %s`", stName, q.Name)
	}
	r, err := st.result(b, csvName, lim)
	if err != nil {
		return nil, err
	}
	return r.Table(q)
}

func readStamp(fsys fs.FS, name string, lim table.Limits) (*stamp, error) {
	b, err := readBounded(fsys, name, lim)
	if err != nil {
		return nil, err
	}
	var st stamp
	if _, err := toml.Decode(string(b), &st); err != nil {
		return nil, diag.Data.Errorf(diag.Pos{File: name}, "not a snapshot stamp: %v", err)
	}
	return &st, nil
}

// result parses the CSV of a snapshot whose checksum matched.
func (st *stamp) result(b []byte, file string, lim table.Limits) (*Result, error) {
	r := &Result{}
	for _, c := range st.Columns {
		k, err := table.ParseKind(c.Kind)
		if err != nil {
			return nil, diag.Data.Errorf(diag.Pos{File: file}, "stamp: column %q: %v", c.Name, err)
		}
		r.Columns, r.Kinds = append(r.Columns, c.Name), append(r.Kinds, k)
	}
	cr := csv.NewReader(bytes.NewReader(b))
	cr.FieldsPerRecord = len(r.Columns)
	header, err := cr.Read()
	if err != nil || strings.Join(header, "\x00") != strings.Join(r.Columns, "\x00") {
		return nil, diag.Data.Errorf(diag.Pos{File: file, Line: 1}, "the header does not name the stamp's columns")
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, diag.Data.Errorf(diag.Pos{File: file}, "%v", err)
		}
		if len(r.Cells) >= lim.MaxRows {
			return nil, diag.Data.Errorf(diag.Pos{File: file}, "more than %d rows", lim.MaxRows)
		}
		r.Cells = append(r.Cells, rec)
	}
	if len(r.Cells) != st.Rows {
		return nil, diag.Data.Errorf(diag.Pos{File: file}, "%d rows, but its stamp says %d", len(r.Cells), st.Rows)
	}
	return r, nil
}

func readBounded(fsys fs.FS, name string, lim table.Limits) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, lim.MaxFileBytes+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > lim.MaxFileBytes {
		return nil, diag.Data.Errorf(diag.Pos{File: name}, "file is over the limit of %d bytes", lim.MaxFileBytes)
	}
	return b, nil
}

// WriteSnapshots writes snaps into root's SnapshotDir: every file to a
// temporary name first, synced, and only when all are written, each
// renamed over the old one (the CSV before its stamp, so that a stamp
// never vouches for data not yet in place). A failure before the renames
// leaves every old snapshot as it was.
func WriteSnapshots(root *os.Root, snaps []*Snapshot) error {
	if err := root.MkdirAll(SnapshotDir, 0o755); err != nil {
		return err
	}
	type move struct{ tmp, final string }
	var moves []move
	cleanup := func() {
		for _, m := range moves {
			root.Remove(m.tmp)
		}
	}
	for _, s := range snaps {
		csvName, csvData, stName, stData, err := s.Files()
		if err != nil {
			cleanup()
			return err
		}
		for _, f := range []struct {
			name string
			data []byte
		}{{csvName, csvData}, {stName, stData}} {
			tmp := path.Join(SnapshotDir, "."+path.Base(f.name)+".new")
			moves = append(moves, move{tmp, f.name})
			if err := sitefs.WriteSynced(root, tmp, os.O_TRUNC, f.data); err != nil {
				cleanup()
				return err
			}
		}
	}
	for _, m := range moves {
		if err := root.Rename(m.tmp, m.final); err != nil {
			cleanup()
			return err
		}
	}
	if d, err := root.Open(SnapshotDir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
