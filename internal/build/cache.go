package build

import (
	"fmt"
	"io/fs"
	"slices"
	"sync"
	"time"

	"github.com/briefing-dev/briefing/internal/table"
)

// Cache keeps loaded tables between builds (briefing serve): a table is
// read again only when its file's size or modification time, or its
// definition in site.toml, changed. The zero value is ready to use.
type Cache struct {
	mu      sync.Mutex
	entries map[string]cached
	Hits    int // tables reused, for tests and measurements
}

type cached struct {
	size  int64
	mtime time.Time
	t     *table.Table
}

// load returns the table spec describes, from the cache when its file has
// not changed.
func (c *Cache) load(fsys fs.FS, spec table.Spec, lim table.Limits) (*table.Table, error) {
	if c == nil {
		return table.Load(fsys, spec, lim)
	}
	info, err := fs.Stat(fsys, spec.File)
	if err != nil {
		return table.Load(fsys, spec, lim) // let the loader report it
	}
	key := specKey(spec)
	c.mu.Lock()
	e, ok := c.entries[key]
	c.mu.Unlock()
	if ok && e.size == info.Size() && e.mtime.Equal(info.ModTime()) {
		c.mu.Lock()
		c.Hits++
		c.mu.Unlock()
		return e.t, nil
	}
	t, err := table.Load(fsys, spec, lim)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.entries == nil {
		c.entries = map[string]cached{}
	}
	c.entries[key] = cached{size: info.Size(), mtime: info.ModTime(), t: t}
	c.mu.Unlock()
	return t, nil
}

// specKey identifies a table definition: the same file read another way
// is another table.
func specKey(s table.Spec) string {
	cols := make([]string, 0, len(s.Columns))
	for name, k := range s.Columns {
		cols = append(cols, name+"="+k.String())
	}
	slices.Sort(cols)
	return fmt.Sprint(s.Name, "\x00", s.File, "\x00", s.Sheet, "\x00", s.Key, "\x00", s.HeaderRow, "\x00", cols)
}
