package main

import (
	"flag"
	"fmt"
	"time"

	"github.com/briefing-dev/briefing/internal/build"
	"github.com/briefing-dev/briefing/internal/source"
)

// checkCommand loads and validates everything a build would (data,
// queries, figures, charts, tables, content, templates, links between
// pages) and writes nothing.
type checkCommand struct {
	problems
	strict, quiet bool
	offline       bool
}

func (c *checkCommand) usage() string {
	return "briefing check [--strict] [--offline] [--format text|json] [-q] [SITE_DIR]"
}

func (c *checkCommand) summary() string { return "validate the briefing without writing anything" }

func (c *checkCommand) flags(fs *flag.FlagSet) {
	fs.BoolVar(&c.strict, "strict", false, "treat warnings as errors")
	fs.BoolVar(&c.quiet, "q", false, "print nothing when all is well")
	fs.BoolVar(&c.offline, "offline", false, offlineUsage)
	c.formatFlag(fs)
}

func (c *checkCommand) run(e *env, args []string) error {
	siteDir, err := siteArg("check", args)
	if err != nil {
		return err
	}
	start := time.Now()
	b, err := e.open(siteDir, build.Options{Sources: source.Options{Offline: c.offline}}, nil, false)
	if err != nil {
		return err
	}
	defer b.Close()
	res := b.res
	if err := e.warn(res.Warnings, c.strict); err != nil {
		return err
	}
	if !c.quiet && !e.json {
		fmt.Fprintf(e.stdout, "ok: %d pages, %d charts, %d tables, %d warnings in %s\n", res.Pages+res.RowPages,
			len(res.Charts), len(res.Tables), len(res.Warnings), since(start))
	}
	return nil
}
