package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/briefing-dev/briefing/internal/build"
	"github.com/briefing-dev/briefing/internal/source"
)

// refreshCommand re-runs source queries and rewrites their snapshots, all
// or none.
type refreshCommand struct {
	problems
	site  string
	quiet bool
}

func (c *refreshCommand) usage() string {
	return "briefing refresh [--site SITE_DIR] [--format text|json] [-q] [NAME…]"
}

func (c *refreshCommand) summary() string {
	return "re-run source queries in their databases and rewrite their snapshots"
}

func (c *refreshCommand) flags(fs *flag.FlagSet) {
	fs.StringVar(&c.site, "site", ".", "the briefing's `SITE_DIR`")
	fs.BoolVar(&c.quiet, "q", false, "print nothing on success")
	c.formatFlag(fs)
}

// run refreshes the queries or sources named in args (all without args).
// The snapshots are written only when every query succeeded.
func (c *refreshCommand) run(e *env, args []string) error {
	abs, err := filepath.Abs(c.site)
	if err != nil {
		return err
	}
	e.site = abs
	root, err := os.OpenRoot(abs)
	if err != nil {
		return usagef("cannot open the site folder: %v", err)
	}
	defer root.Close()
	start := time.Now()
	now, err := messageDate()
	if err != nil {
		return err
	}
	snaps, err := build.Refresh(root.FS(), build.Options{Sources: source.Options{Env: os.LookupEnv}}, args, now)
	if err != nil {
		return err
	}
	if err := source.WriteSnapshots(root, snaps); err != nil {
		return fmt.Errorf("writing %s/: %w", source.SnapshotDir, err)
	}
	if !c.quiet {
		rows := 0
		for _, s := range snaps {
			rows += len(s.Result.Cells)
		}
		fmt.Fprintf(e.stdout, "refreshed %d snapshots (%d rows) in %s → %s\n", len(snaps), rows, since(start), display(filepath.Join(abs, source.SnapshotDir)))
	}
	return nil
}
