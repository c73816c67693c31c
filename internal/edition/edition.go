// Package edition makes a briefing a series: every build has a record of
// what it said (Record, written as briefing.json), a briefing with
// [editions] in site.toml dates each build as an edition and keeps the
// records of past editions in the site's editions/ folder, and prose,
// tables, charts and the email compare the figures with the previous
// edition (Comparison).
//
// An edition is dated by a figure (a month, quarter or date: [editions]
// date = "latest_month" makes the edition of March 2022 "2022-03"), or,
// without one, by SOURCE_DATE_EPOCH or the day of the build. Its ID names
// its file, editions/ID.json, and orders it among the others; its label
// ("Mar 2022") is how prose names it.
//
// The previous edition is the latest recorded one dated before the edition
// being built; a record with the same ID is the same edition made again and
// is replaced, not compared with. Nothing but the records in editions/ is
// read, so a fresh checkout with no output compares the same way as the
// machine that built the last edition.
//
// How changes read (Change): a percent moves by percentage points (+1.2
// pp), money by a relative change (+12%; money that was zero then shows
// none, and zero both times is unchanged), a number by its difference in
// the figure's own format (+150; a rank by places, −3), a month, quarter or
// date by a count of them.
// Where there is nothing to compare, the text says why: "no earlier
// edition" in a first edition, "new since Feb 2022" for a figure the last
// edition did not have, "n/a" where either value is missing. Expressions
// (change(), prev(), has_prev(): see package expr) see no change there:
// change() is 0, prev() the current value, has_prev() 0.
package edition

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/figure"
	"github.com/briefing-dev/briefing/internal/format"
	"github.com/briefing-dev/briefing/internal/table"
)

// Dir is the folder of the site that holds the recorded editions.
const Dir = "editions"

// File is the record of the build, in the output.
const File = "briefing.json"

// Edition is one edition of a series.
type Edition struct {
	ID    string `json:"id"`    // 2022-03, 2022-Q1 or 2022-03-31: the file name and the order
	Label string `json:"label"` // Mar 2022: how prose names it
	Date  string `json:"date"`  // the first day it covers, 2022-03-01
	Note  string `json:"note,omitempty"`
}

// before reports whether e comes before o.
func (e *Edition) before(o *Edition) bool {
	if e.Date != o.Date {
		return e.Date < o.Date
	}
	return e.ID < o.ID
}

var idPattern = regexp.MustCompile(`^\d{4}-(\d{2}(-\d{2})?|Q[1-4])$`)

// Dating says how the edition being built is dated.
type Dating struct {
	// Figure names the figure that dates the edition, or "".
	Figure string
	// Pos locates the setting, for errors.
	Pos diag.Pos
	// Now is SOURCE_DATE_EPOCH or the time of the build, for a series
	// dated by neither figure.
	Now time.Time
	// Note is shown next to the edition on the archive page.
	Note string
}

// Date dates the edition being built.
func Date(d Dating, figs *figure.Set, fm *format.Formatter) (*Edition, error) {
	e, err := date(d, figs, fm)
	if err != nil {
		return nil, err
	}
	e.Note = d.Note
	return e, nil
}

func date(d Dating, figs *figure.Set, fm *format.Formatter) (*Edition, error) {
	if d.Figure == "" {
		days := int(d.Now.UTC().Unix() / 86400)
		return dated(table.Date, days, fm), nil
	}
	f, ok := figs.Get(d.Figure)
	switch {
	case !ok:
		return nil, diag.Config.Errorf(d.Pos, "[editions] date = %q: no such figure (figures: %s)", d.Figure, strings.Join(figs.Names(), ", "))
	case f.Missing:
		return nil, diag.Config.Errorf(d.Pos, "[editions] date = %q: the figure has no value, so the edition has no date", d.Figure)
	case f.Kind != table.Month && f.Kind != table.Quarter && f.Kind != table.Date:
		return nil, diag.Config.Errorf(d.Pos, "[editions] date = %q: the figure is %s; an edition is dated by a month, a quarter or a date", d.Figure, f.Kind)
	}
	return dated(f.Kind, int(f.Value.Num), fm), nil
}

// dated makes the edition of a month, quarter or date value.
func dated(k table.Kind, v int, fm *format.Formatter) *Edition {
	id := table.Format(k, table.Value{F: float64(v)})
	e := &Edition{ID: id}
	switch k {
	case table.Month:
		e.Label, e.Date = fm.Month(v), id+"-01"
	case table.Quarter:
		year, q := v/4, v%4
		e.Label, e.Date = fm.Quarter(v), fmt.Sprintf("%04d-%02d-01", year, q*3+1)
	default:
		e.Label, e.Date = fm.Date(v), id
	}
	return e
}

// Series is the recorded editions of a briefing and the one being built.
type Series struct {
	Current *Edition
	// Past are the recorded editions other than Current, oldest first.
	Past []*Record
	// Previous is the latest of Past dated before Current, or nil in a
	// first edition.
	Previous *Record
}

// Open dates the edition being built and reads the recorded ones.
func Open(fsys fs.FS, cur *Edition) (*Series, error) {
	recs, err := Load(fsys)
	if err != nil {
		return nil, err
	}
	s := &Series{Current: cur}
	for _, r := range recs {
		if r.Edition.ID == cur.ID {
			continue
		}
		s.Past = append(s.Past, r)
		if r.Edition.before(cur) {
			s.Previous = r
		}
	}
	return s, nil
}

// Load reads every record in editions/ (none when there is no such
// folder), oldest first. A record that cannot be read is an error at its
// file; all of them are reported.
func Load(fsys fs.FS) ([]*Record, error) {
	entries, err := fs.ReadDir(fsys, Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, diag.Data.Errorf(diag.Pos{File: Dir}, "cannot read the recorded editions: %v", err)
	}
	var recs []*Record
	var errs []error
	for _, e := range entries {
		if e.IsDir() || path.Ext(e.Name()) != ".json" {
			continue
		}
		r, err := read(fsys, path.Join(Dir, e.Name()))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		recs = append(recs, r)
	}
	if err := diag.Join(errs...); err != nil {
		return nil, err
	}
	slices.SortFunc(recs, func(a, b *Record) int {
		if a.Edition.before(b.Edition) {
			return -1
		}
		return 1
	})
	return recs, nil
}

// read reads one recorded edition and checks that it is one.
func read(fsys fs.FS, file string) (*Record, error) {
	b, err := fs.ReadFile(fsys, file)
	if err != nil {
		return nil, diag.Data.Errorf(diag.Pos{File: file}, "cannot read: %v", err)
	}
	var r Record
	if err := json.Unmarshal(b, &r); err != nil {
		pos := diag.Pos{File: file}
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			pos.Line, pos.Col = diag.LineCol(b, max(int(se.Offset)-1, 0)) // the offset is past the bad byte
		case errors.As(err, &te):
			pos.Line, pos.Col = diag.LineCol(b, int(te.Offset))
		}
		return nil, diag.Data.Errorf(pos, "not a recorded edition: %v", err)
	}
	at := diag.Pos{File: file, Line: 1, Col: 1}
	switch id := strings.TrimSuffix(path.Base(file), ".json"); {
	case r.Version < 1 || r.Version > Version:
		return nil, diag.Data.Errorf(at, "record version %d: this briefing reads versions 1 to %d (a newer briefing wrote it?)", r.Version, Version)
	case r.Edition == nil:
		return nil, diag.Data.Errorf(at, "the record has no edition: record editions with `briefing build --record` in a site with [editions]")
	case r.Edition.ID != id || !idPattern.MatchString(id):
		return nil, diag.Data.Errorf(at, "the record is of edition %q, but the file is named %s; a recorded edition is editions/ID.json", r.Edition.ID, path.Base(file))
	}
	if r.Figures == nil {
		r.Figures = map[string]RecordFigure{}
	}
	return &r, nil
}

// FileName is the site-relative path of an edition's record.
func FileName(id string) string { return path.Join(Dir, id+".json") }
