package build

import (
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"slices"
	"strings"

	"github.com/briefing-dev/briefing/internal/config"
	"github.com/briefing-dev/briefing/internal/edition"
	"github.com/briefing-dev/briefing/internal/figure"
	"github.com/briefing-dev/briefing/internal/page"
	"github.com/briefing-dev/briefing/internal/table"
)

// What a Cache keeps from one build to the next besides tables, so that
// briefing serve redoes only what an edit reaches. Every stage is reused
// only under a key that covers all it reads; what is not covered is
// redone:
//
//   - the data stage (queries, figures) while site.toml, figures.toml,
//     queries/ and every table are unchanged (the tables by identity: the
//     table cache reads a changed source anew);
//   - a content file's parsed, checked and bound pages while its bytes and
//     the data stage are unchanged, and so are charts/, tables/,
//     editions/ and the drafts switch (page.Memo);
//   - a page's HTML while its prepared page is the one reused and the
//     templates, static/, site.toml, the top bar and the other inputs
//     every page shares are unchanged (site.Memo);
//   - the record (briefing.json) while the data stage and what every page
//     places are unchanged.
//
// A briefing with database sources reads them live on every build and
// keeps nothing but tables. Queries that read the clock (SQLite's
// date('now')) are run again only when something above changes.

// dataMemo is the data stage of the last build.
type dataMemo struct {
	key    string
	tables map[string]*table.Table // loaded tables and query results
	figs   *figure.Set
}

// recordMemo is the record of the last build.
type recordMemo struct {
	key  string
	rec  *edition.Record
	json []byte
}

// dataKey is the key of the data stage: "" when it must not be reused.
func dataKey(fsys fs.FS, cfg *config.Site, tables map[string]*table.Table) string {
	if len(cfg.SourceConfigs()) > 0 {
		return ""
	}
	h := sha256.New()
	hashFiles(h, fsys, "site.toml", "figures.toml")
	hashTree(h, fsys, "queries")
	for _, name := range slices.Sorted(maps.Keys(tables)) {
		fmt.Fprintf(h, "table %q %p\n", name, tables[name])
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// worldKey extends a key with the folders that pages and their HTML are
// made from, the options that change them and, in a series, the edition
// being built (dated by the clock, it can change with nothing edited).
func worldKey(fsys fs.FS, key string, opt Options, series *edition.Series, dirs ...string) string {
	if key == "" {
		return ""
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s drafts=%v base=%q\n", key, opt.Drafts, opt.BaseURL)
	if series != nil { // the recorded editions are editions/, hashed below
		fmt.Fprintf(h, "edition %q %q %q %q\n", series.Current.ID, series.Current.Label, series.Current.Date, series.Current.Note)
	}
	for _, d := range dirs {
		hashTree(h, fsys, d)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// hashFiles writes each file's name and bytes (or why it could not be
// read) to h.
func hashFiles(h io.Writer, fsys fs.FS, names ...string) {
	for _, n := range names {
		writeFile(h, fsys, n)
	}
}

// hashTree writes the name and bytes of every file under dir to h.
func hashTree(h io.Writer, fsys fs.FS, dir string) {
	_ = fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			fmt.Fprintf(h, "%s: %v\n", p, err)
			return nil
		}
		if !d.IsDir() {
			writeFile(h, fsys, p)
		}
		return nil
	})
}

func writeFile(h io.Writer, fsys fs.FS, name string) {
	b, err := fs.ReadFile(fsys, name)
	fmt.Fprintf(h, "%s %d %v\n", name, len(b), err)
	h.Write(b)
}

// placementKey names what the pages place, by identity: reused pages
// place the same charts and tables.
func placementKey(pages []page.Page) string {
	var b strings.Builder
	for _, p := range pages {
		fmt.Fprintf(&b, "%s", p.Path)
		for _, ref := range p.Doc.Blocks() {
			fmt.Fprintf(&b, " %s=%p/%p", ref.RefName(), p.Charts[ref.RefName()], p.Tables[ref.RefName()])
		}
		b.WriteByte('\n')
	}
	sum := sha256.Sum256([]byte(b.String()))
	return fmt.Sprintf("%x", sum)
}

// dataStage returns the last build's data stage when it was made under
// key; nil on a nil cache or an empty key.
func (c *Cache) dataStage(key string) *dataMemo {
	if c == nil || key == "" {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.data == nil || c.data.key != key {
		return nil
	}
	c.Reused.Data++
	return c.data
}

// keepData keeps the data stage made under key.
func (c *Cache) keepData(key string, tables map[string]*table.Table, figs *figure.Set) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.data = nil
	if key != "" {
		c.data = &dataMemo{key: key, tables: maps.Clone(tables), figs: figs}
	}
}

// record returns the record make makes, or the last build's when it was
// made under world from pages that place the same charts and tables.
func (c *Cache) record(world string, pages []page.Page, make func() (*edition.Record, []byte, error)) (*edition.Record, []byte, error) {
	if c == nil || world == "" {
		return make()
	}
	key := world + placementKey(pages)
	c.mu.Lock()
	m := c.rec
	c.mu.Unlock()
	if m != nil && m.key == key {
		c.mu.Lock()
		c.Reused.Record++
		c.mu.Unlock()
		return m.rec, m.json, nil
	}
	rec, b, err := make()
	c.mu.Lock()
	c.rec = nil
	if err == nil {
		c.rec = &recordMemo{key: key, rec: rec, json: b}
	}
	c.mu.Unlock()
	return rec, b, err
}
