package main

import (
	"flag"
	"fmt"
	"time"

	"github.com/briefing-dev/briefing/internal/build"
	"github.com/briefing-dev/briefing/internal/config"
	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/site"
	"github.com/briefing-dev/briefing/internal/source"
)

// offlineUsage is the --offline flag of the commands that build.
const offlineUsage = "read source queries' tables from snapshots/ and connect to no database"

// buildCommand writes the site.
type buildCommand struct {
	problems
	out, baseURL              string
	quiet, strict, singleFile bool
	offline                   bool
	images                    *imageFlags
}

func (c *buildCommand) usage() string {
	return "briefing build [-o DIR] [--base-url URL] [--single-file] [--strict] [--cache-dir DIR | --no-cache] [--offline] [--format text|json] [-q] [SITE_DIR]"
}

func (c *buildCommand) summary() string { return "build the briefing site" }

func (c *buildCommand) flags(fs *flag.FlagSet) {
	fs.StringVar(&c.out, "o", "", "output `DIR` (default: output in site.toml, else SITE_DIR/output)")
	fs.StringVar(&c.out, "out", "", "same as -o `DIR`")
	fs.StringVar(&c.baseURL, "base-url", "", "`URL` the site is published at (overrides base_url in site.toml)")
	fs.BoolVar(&c.quiet, "q", false, "print nothing on success")
	fs.BoolVar(&c.singleFile, "single-file", false, "write each page with its CSS, scripts and images inside it")
	fs.BoolVar(&c.strict, "strict", false, "treat warnings (values shown with a fallback, broken links) as errors")
	fs.BoolVar(&c.offline, "offline", false, offlineUsage)
	c.images = addImageFlags(fs)
	c.formatFlag(fs)
}

func (c *buildCommand) run(e *env, args []string) error {
	siteDir, err := siteArg("build", args)
	if err != nil {
		return err
	}
	start := time.Now()
	// The build writes each file into the new output as it is made; the
	// output is swapped in only if the build, and --strict, pass.
	var dst *build.Output
	var outAbs string
	opt := build.Options{BaseURL: c.baseURL, Sources: source.Options{Offline: c.offline}, Output: func(cfg *config.Site) (site.Writer, error) {
		var err error
		if outAbs, err = outputDir(e.site, c.out, cfg.Output); err != nil {
			return nil, err
		}
		if dst, err = build.Create(outAbs); err != nil {
			return nil, err
		}
		if c.singleFile {
			return build.NewSingleFile(dst), nil
		}
		return dst, nil
	}}
	defer func() {
		if dst != nil {
			dst.Abort() // does nothing once committed
		}
	}()
	b, err := e.open(siteDir, opt, c.images, true)
	if err != nil {
		return err
	}
	defer b.Close()
	res := b.res
	if err := e.warn(res.Warnings, c.strict); err != nil {
		return err
	}
	if err := dst.Commit(); err != nil {
		return err
	}
	if !c.quiet {
		fmt.Fprintf(e.stdout, "built %d pages, %d charts, %d tables in %s → %s\n",
			res.Pages+res.RowPages, len(res.Charts), len(res.Tables), since(start), display(outAbs))
	}
	return nil
}

// warn prints a build's warnings; under --strict they are errors.
func (e *env) warn(warnings []*diag.Error, strict bool) error {
	if len(warnings) == 0 {
		return nil
	}
	list := make([]error, len(warnings))
	for i, w := range warnings {
		w.Warning = !strict
		list[i] = w
	}
	if strict {
		return diag.Join(list...)
	}
	e.printer(e.stderr).Report(diag.Join(list...))
	return nil
}
