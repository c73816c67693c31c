// Package source runs a briefing's source queries in the databases where
// the data lives, and keeps their results as snapshots in the site.
//
// A source is a database named in site.toml ([sources.NAME]): a driver
// (see drivers.go, the one place a database/sql driver is registered) and
// the name of the environment variable that holds its connection string.
// The connection string is never read from a file and never printed: every
// message that could carry part of it is redacted (redact.go).
//
// A source query is SQL sent to one source: a queries/NAME.sql file whose
// leading comments say `-- source: NAME`, or a [data.NAME] table with
// source and sql keys. It runs in a read-only transaction, under the
// source's statement timeout, and may return at most the source's row cap;
// over the cap it fails (aggregate in SQL), it is never cut short. Its
// result is a table like any other, with column kinds from the database's
// types (see kinds.go), overridden by declarations.
//
// Failures are told apart by kind: a server that cannot be reached, a
// refused password and a timeout are diag.Source problems (exit status
// 4), each with its own one-line message; an error in the SQL is a
// diag.Query problem at the query's file, line and column when the
// database gives a position.
//
// Snapshots (snapshot.go) keep every source query's result in the site's
// snapshots/ folder, stamped with when it was taken and a hash of the query
// text. Offline, or when a source set to fall back cannot be reached,
// tables are read from the snapshots; a snapshot of another query text is
// refused. Same snapshots, same tables, so builds from them are
// byte-identical.
package source

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/table"
)

// Config is one database source ([sources.NAME] in site.toml).
type Config struct {
	Name   string
	Driver string // a registered driver: "postgres", "sqlite"
	DSNEnv string // the environment variable holding the connection string
	// Timeout stops a query that runs longer: on the server where the
	// driver supports it (PostgreSQL's statement_timeout), else by
	// cancelling it.
	Timeout time.Duration
	// MaxRows is the most rows one query may return.
	MaxRows int
	// Fallback builds from the snapshots, with a warning, when the source
	// cannot be reached (or DSNEnv is unset).
	Fallback bool
	Where    diag.Pos // the [sources.NAME] header
}

// Defaults for a source whose site.toml entry is silent.
const (
	DefaultTimeout = 60 * time.Second
	DefaultMaxRows = 100_000
)

// Query is one source query.
type Query struct {
	Name   string // the table it makes
	Source string // the source it runs on
	SQL    string // sent as is, so that error positions match File
	File   string
	Line   int // line of the SQL's first byte in File
	Col    int // column of the SQL's first byte on Line
	// Types are declared column kinds; they win over the database's.
	Types map[string]table.Kind
	// Where is the query's declaration, for errors about it as a whole.
	Where diag.Pos
}

// Hash identifies the query text a snapshot was taken from: the source's
// name and the SQL without its leading comment lines (declarations such
// as `-- spend: money` change no result).
func (q Query) Hash() string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s", q.Source, strings.TrimSpace(dropLeadingComments(q.SQL)))
	return hex.EncodeToString(h.Sum(nil))
}

func dropLeadingComments(s string) string {
	for {
		t := strings.TrimLeft(s, " \t\r\n")
		if !strings.HasPrefix(t, "--") {
			return t
		}
		i := strings.IndexByte(t, '\n')
		if i < 0 {
			return ""
		}
		s = t[i+1:]
	}
}

// Options say how source queries get their data.
type Options struct {
	// Env looks up an environment variable (os.LookupEnv in the command).
	Env func(string) (string, bool)
	// Offline reads every source query's table from its snapshot and
	// connects to nothing.
	Offline bool
}

// Set is the sources of one briefing, connected on first use.
type Set struct {
	sources map[string]Config
	opt     Options

	mu       sync.Mutex
	conns    map[string]*conn
	warnings []*diag.Error
}

// conn is an open source, or why it could not be opened.
type conn struct {
	db     *sql.DB
	driver *Driver
	secret []string // strings to redact from any message
	err    error
}

// New returns the set of sources cfgs describe.
func New(cfgs []Config, opt Options) *Set {
	m := make(map[string]Config, len(cfgs))
	for _, c := range cfgs {
		m[c.Name] = c
	}
	return &Set{sources: m, opt: opt, conns: map[string]*conn{}}
}

// Close closes every connection.
func (s *Set) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, name := range slices.Sorted(maps.Keys(s.conns)) {
		if c := s.conns[name]; c.db != nil {
			c.db.Close()
		}
	}
	s.conns = map[string]*conn{}
	return nil
}

// Warnings are the problems worked around so far: sources that could not
// be reached and were read from their snapshots.
func (s *Set) Warnings() []*diag.Error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.warnings)
}

func (s *Set) warn(e *diag.Error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.warnings = append(s.warnings, e)
}

// Table returns q as a table.Source: it runs q on its database, or reads
// its snapshot offline (or, with Fallback, when the database cannot be
// reached).
func (s *Set) Table(q Query) table.Source { return &querySource{set: s, q: q} }

// querySource is a source query seen as a table's source.
type querySource struct {
	set *Set
	q   Query
}

func (qs *querySource) Describe() string {
	return fmt.Sprintf("source query %s on %q", qs.q.Name, qs.q.Source)
}

// Fingerprint digests the query and its snapshot when the table is read
// from the snapshot. A live database has no fingerprint: its content may
// change under the same query, so the table is never kept.
func (qs *querySource) Fingerprint(fsys fs.FS, lim table.Limits) (string, error) {
	if !qs.set.opt.Offline {
		return "", fmt.Errorf("%s: a live database has no fingerprint", qs.Describe())
	}
	csv, meta, err := readSnapshotFiles(fsys, qs.q.Name)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	fmt.Fprintf(h, "snapshot\x00%s\x00%v\x00%+v\x00", qs.q.Hash(), sortedTypes(qs.q.Types), lim)
	h.Write(meta)
	h.Write(csv)
	return hex.EncodeToString(h.Sum(nil)), nil
}

func (qs *querySource) Load(fsys fs.FS, lim table.Limits) (*table.Table, error) {
	if qs.set.opt.Offline {
		return LoadSnapshot(fsys, qs.q, lim)
	}
	r, err := qs.set.Run(qs.q, lim)
	if err == nil {
		return r.Table(qs.q)
	}
	if !qs.set.canFallBack(qs.q, err) {
		return nil, err
	}
	t, serr := LoadSnapshot(fsys, qs.q, lim)
	if serr != nil {
		return nil, diag.Join(err, serr)
	}
	why := "cannot be reached"
	var e *diag.Error
	if asError(err, &e) && e.Err == errNoDSN {
		why = "has no connection string (" + qs.set.sources[qs.q.Source].DSNEnv + " is not set)"
	}
	qs.set.warn(diag.Source.Errorf(qs.q.Where, "source %q %s: table %q read from its snapshot (offline = \"fallback\")", qs.q.Source, why, qs.q.Name))
	return t, nil
}

// canFallBack reports whether err is a source that cannot be reached
// (or has no connection string) and is set to fall back on snapshots.
func (s *Set) canFallBack(q Query, err error) bool {
	c, ok := s.sources[q.Source]
	if !ok || !c.Fallback {
		return false
	}
	var e *diag.Error
	if !asError(err, &e) {
		return false
	}
	return e.Err == errUnreachable || e.Err == errNoDSN
}

func sortedTypes(m map[string]table.Kind) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, k+"="+m[k].String())
	}
	return out
}
