package config

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/source"
	"github.com/briefing-dev/briefing/internal/table"
)

// validateSources checks [sources.NAME] and fills its defaults.
func (s *Site) validateSources() error {
	for _, name := range slices.Sorted(maps.Keys(s.Sources)) {
		src := s.Sources[name]
		at := func(key string) diag.Pos { return s.ix.Value("sources", name, key) }
		switch {
		case !validName(name):
			return diag.Config.Errorf(s.ix.Key("sources", name), "source name %q: use letters, digits and underscores", name)
		case src.DSN != "":
			return diag.Config.Errorf(s.ix.Key("sources", name, "dsn"), "source %q: connection strings are never read from site.toml; set dsn_env to the name of an environment variable that holds it", name)
		case !slices.Contains(source.DriverNames(), src.Driver):
			return diag.Config.Errorf(s.ix.Key("sources", name), "source %q: driver %q: want one of %s", name, src.Driver, strings.Join(source.DriverNames(), ", "))
		case src.DSNEnv == "":
			return diag.Config.Errorf(s.ix.Key("sources", name), "source %q: dsn_env is required: the name of the environment variable that holds the connection string", name)
		case src.MaxRows < 0:
			return diag.Config.Errorf(at("max_rows"), "max_rows must be 1 or more")
		case src.Offline != "" && src.Offline != "fallback" && src.Offline != "refuse":
			return diag.Config.Errorf(at("offline"), "offline %q: want fallback or refuse", src.Offline)
		}
		if src.Timeout != "" {
			if d, err := time.ParseDuration(src.Timeout); err != nil || d <= 0 {
				return diag.Config.Errorf(at("timeout"), "timeout %q: want a duration such as \"60s\" or \"5m\"", src.Timeout)
			}
		}
	}
	return nil
}

// validateSourceTable checks a [data.NAME] table made by a source query.
func (s *Site) validateSourceTable(name string, d *Data) error {
	switch {
	case d.Source == "":
		return diag.Config.Errorf(s.ix.Key("data", name, "sql"), "table %q: sql needs source, the [sources.NAME] it runs on", name)
	case s.Sources[d.Source] == nil:
		return diag.Config.Errorf(s.ix.Value("data", name, "source"), "table %q: no source %q (declare it as [sources.%s])", name, d.Source, d.Source)
	case strings.TrimSpace(d.SQL) == "":
		return diag.Config.Errorf(s.ix.Key("data", name), "table %q: a source table needs sql, the query to run", name)
	case d.File != "" || d.Sheet != "" || d.Key != "" || d.HeaderRow != 0 || d.Encoding != "":
		return diag.Config.Errorf(s.ix.Key("data", name), "table %q: a source table has sql, not file, sheet, key, header_row or encoding", name)
	}
	for col, kind := range d.Columns {
		if _, err := table.ParseKind(kind); err != nil {
			return diag.Config.Errorf(s.ix.Value("data", name, "columns", col), "table %q: column %q: %v", name, col, err)
		}
	}
	return nil
}

// SourceConfigs returns the declared sources, in name order, with their
// defaults, for a validated Site.
func (s *Site) SourceConfigs() []source.Config {
	var out []source.Config
	for _, name := range slices.Sorted(maps.Keys(s.Sources)) {
		src := s.Sources[name]
		c := source.Config{Name: name, Driver: src.Driver, DSNEnv: src.DSNEnv, Timeout: source.DefaultTimeout,
			MaxRows: source.DefaultMaxRows, Fallback: src.Offline == "fallback", Where: s.ix.Key("sources", name)}
		if src.Timeout != "" {
			c.Timeout, _ = time.ParseDuration(src.Timeout)
		}
		if src.MaxRows > 0 {
			c.MaxRows = src.MaxRows
		}
		out = append(out, c)
	}
	return out
}

// IsSourceTable reports whether the table called name is a source query.
func (s *Site) IsSourceTable(name string) bool {
	d := s.Data[name]
	return d != nil && d.Source != ""
}

// SourceQuery returns the source query of the table called name, with the
// position of its SQL's first byte in site.toml.
func (s *Site) SourceQuery(name string) source.Query {
	d := s.Data[name]
	start := s.ix.TextStart("data", name, "sql")
	types := make(map[string]table.Kind, len(d.Columns))
	for c, k := range d.Columns {
		types[c], _ = table.ParseKind(k)
	}
	return source.Query{Name: name, Source: d.Source, SQL: d.SQL, File: File, Line: start.Line, Col: start.Col,
		Types: types, Where: s.ix.Key("data", name)}
}
