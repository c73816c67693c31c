package build

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"time"

	"github.com/briefing-dev/briefing/internal/config"
	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/query"
	"github.com/briefing-dev/briefing/internal/source"
	"github.com/briefing-dev/briefing/internal/table"
)

func (opt Options) limits() table.Limits {
	if opt.Limits != nil {
		return *opt.Limits
	}
	return table.DefaultLimits
}

// runSourceQueries runs the queries/*.sql files that name a source (or
// reads their snapshots), adds their tables, and returns the other
// queries, which run on the loaded tables.
func runSourceQueries(fsys fs.FS, srcs []query.Source, db *query.DB, tables map[string]*table.Table, sources *source.Set, opt Options) ([]query.Source, error) {
	var local []query.Source
	var errs []error
	for _, s := range srcs {
		if s.Source == "" {
			local = append(local, s)
			continue
		}
		t, err := opt.Cache.loadSource(fsys, s.Name, sources.Table(fileQuery(s)), opt.limits())
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if err := db.Add(t); err != nil {
			return nil, err
		}
		tables[s.Name] = t
	}
	return local, diag.Join(distinct(errs)...)
}

// fileQuery is the source query of a queries/*.sql file: its whole text
// goes to the database, so that positions in errors are the file's.
func fileQuery(s query.Source) source.Query {
	return source.Query{Name: s.Name, Source: s.Source, SQL: s.SQL, File: s.File, Line: 1, Col: 1,
		Types: s.Types, Where: diag.Pos{File: s.File, Line: 1, Col: 1}}
}

// SourceQueries lists the briefing's source queries: [data.NAME] tables
// with a source, then queries/*.sql files that name one, by name.
func SourceQueries(fsys fs.FS, cfg *config.Site) ([]source.Query, error) {
	var out []source.Query
	for _, name := range cfg.TableNames() {
		if cfg.IsSourceTable(name) {
			out = append(out, cfg.SourceQuery(name))
		}
	}
	srcs, err := query.LoadSources(fsys)
	if err != nil {
		return nil, err
	}
	for _, s := range srcs {
		if s.Source != "" {
			out = append(out, fileQuery(s))
		}
	}
	return out, nil
}

// Refresh runs the source queries named in names (a query's name, or a
// source's for all of its queries; every one when names is empty) and
// returns their snapshots, taken at now. It returns snapshots only when
// every query succeeded, so that the caller writes all or none.
func Refresh(fsys fs.FS, opt Options, names []string, now time.Time) ([]*source.Snapshot, error) {
	cfg, err := config.Load(fsys)
	if err != nil {
		return nil, err
	}
	all, err := SourceQueries(fsys, cfg)
	if err != nil {
		return nil, err
	}
	qs, err := selectQueries(all, names)
	if err != nil {
		return nil, err
	}
	set := source.New(cfg.SourceConfigs(), source.Options{Env: opt.Sources.Env})
	defer set.Close()
	var snaps []*source.Snapshot
	var errs []error
	for _, q := range qs {
		r, err := set.Run(q, opt.limits())
		if err == nil {
			_, err = r.Table(q) // a result the build could not read is not kept
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		snaps = append(snaps, source.Take(q, r, now))
	}
	if err := diag.Join(distinct(errs)...); err != nil {
		return nil, err
	}
	return snaps, nil
}

// selectQueries picks the queries names asks for.
func selectQueries(all []source.Query, names []string) ([]source.Query, error) {
	if len(names) == 0 {
		if len(all) == 0 {
			return nil, diag.Config.Errorf(diag.Pos{File: config.File}, "no source queries to refresh: declare a [sources.NAME] and a query that names it")
		}
		return all, nil
	}
	var out []source.Query
	for _, n := range names {
		found := false
		for _, q := range all {
			if (q.Name == n || q.Source == n) && !slices.ContainsFunc(out, func(o source.Query) bool { return o.Name == q.Name }) {
				out = append(out, q)
				found = true
			} else if q.Name == n || q.Source == n {
				found = true
			}
		}
		if !found {
			var known []string
			for _, q := range all {
				known = append(known, q.Name)
			}
			return nil, diag.Config.Errorf(diag.Pos{}, "refresh: %q is neither a source query nor a source (source queries: %s)", n, strings.Join(known, ", "))
		}
	}
	return out, nil
}

// distinct drops repeats of the same problem: every query on a source
// that cannot be reached returns that one error.
func distinct(errs []error) []error {
	var out []error
	seen := map[*diag.Error]bool{}
	for _, err := range errs {
		var e *diag.Error
		if errors.As(err, &e) && fmt.Sprint(err) == e.Error() {
			if seen[e] {
				continue
			}
			seen[e] = true
		}
		out = append(out, err)
	}
	return out
}
