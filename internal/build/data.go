package build

import (
	"io/fs"

	"github.com/briefing-dev/briefing/internal/config"
	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/query"
	"github.com/briefing-dev/briefing/internal/table"
)

// Data is what a briefing's data stage makes, for `briefing describe`:
// the tables read from its files and the results of its queries, as
// figures, charts and pages would see them.
type Data struct {
	Config   *config.Site
	Tables   map[string]*table.Table // by name: sources and query results
	Sources  []string                // the tables read from files, by name
	Queries  []string                // the query results, in the order they ran
	Warnings []*diag.Error
}

// LoadData reads site.toml, loads the tables and runs the queries, and
// goes no further: a briefing whose pages do not build yet can still show
// its data.
func LoadData(fsys fs.FS, opt Options) (*Data, error) {
	cfg, err := config.Load(fsys)
	if err != nil {
		return nil, err
	}
	d := &Data{Config: cfg, Sources: cfg.TableNames()}
	if d.Tables, err = loadTables(fsys, cfg, opt); err != nil {
		return nil, err
	}
	d.Warnings = tableWarnings(cfg, d.Tables)
	db, err := query.Open(d.Tables)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if err := db.SetLimits(cfg.QueryLimits()); err != nil {
		return nil, err
	}
	before := len(d.Tables)
	if err := runQueries(fsys, db, d.Tables); err != nil {
		return nil, err
	}
	srcs, _ := query.LoadSources(fsys)
	if srcs, err = query.Order(srcs); err == nil && len(d.Tables)-before == len(srcs) {
		for _, s := range srcs {
			d.Queries = append(d.Queries, s.Name)
		}
	}
	return d, nil
}

// tableWarnings collects the loaded tables' warnings, in table order.
func tableWarnings(cfg *config.Site, tables map[string]*table.Table) []*diag.Error {
	var out []*diag.Error
	for _, name := range cfg.TableNames() {
		if t := tables[name]; t != nil {
			out = append(out, t.Warnings...)
		}
	}
	return out
}
