package build

import (
	"io/fs"
	"sync"

	"github.com/briefing-dev/briefing/internal/page"
	"github.com/briefing-dev/briefing/internal/site"
	"github.com/briefing-dev/briefing/internal/table"
)

// Cache keeps loaded tables between builds (briefing serve): a table is
// read again only when its source's fingerprint changed, that is its
// content or its definition in site.toml (see table.Source). Touching a
// file without changing it keeps the table; changing it, even within the
// same second and to the same size, reads it again. The zero value is
// ready to use.
type Cache struct {
	mu      sync.Mutex
	entries map[string]cached // by table name
	Hits    int               // tables reused, for tests and measurements

	// The last build's stages, reused while their keys hold (memo.go).
	data  *dataMemo
	rec   *recordMemo
	pages page.Memo
	html  site.Memo
	// Reused counts the stages taken from the last build, over every
	// build; Pages and HTML are the last build's files and pages.
	Reused struct{ Data, Record int }
}

// ReusedPages returns how many content files and pages' HTML the last
// build took from the one before.
func (c *Cache) ReusedPages() (files, html int) {
	return c.pages.Reused, c.html.Reused
}

type cached struct {
	fingerprint string
	t           *table.Table
}

// load returns the table spec describes, from the cache when its source's
// fingerprint is the one the cached table was read under.
func (c *Cache) load(fsys fs.FS, spec table.Spec, lim table.Limits) (*table.Table, error) {
	src, err := table.Open(spec)
	if err != nil {
		return nil, err
	}
	return c.loadSource(fsys, spec.Name, src, lim)
}

// loadSource returns the table called name that src reads, from the
// cache when src's fingerprint is the one the cached table was read under.
// A source without a fingerprint (a live database) is always read.
func (c *Cache) loadSource(fsys fs.FS, name string, src table.Source, lim table.Limits) (*table.Table, error) {
	if c == nil {
		return src.Load(fsys, lim)
	}
	fp, err := src.Fingerprint(fsys, lim)
	if err != nil {
		return src.Load(fsys, lim) // let the loader report it
	}
	c.mu.Lock()
	e, ok := c.entries[name]
	if ok && e.fingerprint == fp {
		c.Hits++
		c.mu.Unlock()
		return e.t, nil
	}
	c.mu.Unlock()
	t, err := src.Load(fsys, lim)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.entries == nil {
		c.entries = map[string]cached{}
	}
	c.entries[name] = cached{fingerprint: fp, t: t}
	c.mu.Unlock()
	return t, nil
}
