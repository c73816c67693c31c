package main

import (
	"fmt"
	"io"
	"time"

	"github.com/briefing-dev/briefing/internal/build"
)

const checkUsage = "briefing check [--format text|json] [--strict] [SITE_DIR]"

// runCheck loads and validates everything a build would (data, queries,
// figures, charts, tables, content, templates, links between pages) and
// writes nothing.
func runCheck(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("check", checkUsage, args, stdout, stderr)
	strict := fs.Bool("strict", false, "treat warnings as errors")
	quiet := fs.Bool("q", false, "print nothing when all is well")
	format := formatFlag(fs)
	start := time.Now()
	b, err := parseAndOpen(fs, args, format, build.Options{}, nil)
	if err != nil {
		return err
	}
	defer b.Close()
	if err := warn(b.res, b.siteAbs, *format == "json", *strict, stderr); err != nil {
		return err
	}
	if !*quiet && *format == "text" {
		fmt.Fprintf(stdout, "ok: %d pages, %d charts, %d tables, %d warnings in %s\n", b.res.Pages+b.res.RowPages,
			len(b.res.Charts), len(b.res.Tables), len(b.res.Warnings), time.Since(start).Round(time.Millisecond))
	}
	return nil
}
