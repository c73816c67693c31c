package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/briefing-dev/briefing/internal/build"
	"github.com/briefing-dev/briefing/internal/config"
	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/edition"
	"github.com/briefing-dev/briefing/internal/site"
	"github.com/briefing-dev/briefing/internal/source"
)

// offlineUsage is the --offline flag of the commands that build.
const offlineUsage = "read source queries' tables from snapshots/ and connect to no database"

// buildCommand writes the site.
type buildCommand struct {
	problems
	out, baseURL, note                string
	quiet, strict, singleFile, record bool
	offline                           bool
	images                            *imageFlags
}

func (c *buildCommand) usage() string {
	return "briefing build [-o DIR] [--base-url URL] [--single-file] [--strict] [--record [--note TEXT]] [--cache-dir DIR | --no-cache] [--offline] [--format text|json] [-q] [SITE_DIR]"
}

func (c *buildCommand) summary() string { return "build the briefing site" }

func (c *buildCommand) flags(fs *flag.FlagSet) {
	fs.StringVar(&c.out, "o", "", "output `DIR` (default: output in site.toml, else SITE_DIR/output)")
	fs.StringVar(&c.out, "out", "", "same as -o `DIR`")
	fs.StringVar(&c.baseURL, "base-url", "", "`URL` the site is published at (overrides base_url in site.toml)")
	fs.BoolVar(&c.quiet, "q", false, "print nothing on success")
	fs.BoolVar(&c.singleFile, "single-file", false, "write each page with its CSS, scripts and images inside it")
	fs.BoolVar(&c.strict, "strict", false, "treat warnings (values shown with a fallback, broken links) as errors")
	fs.BoolVar(&c.record, "record", false, "keep this edition's record in SITE_DIR/editions/ID.json, for the next edition to compare with (a series: [editions] in site.toml)")
	fs.StringVar(&c.note, "note", "", "`TEXT` shown next to this edition on the archive page (a series)")
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
	opt := build.Options{BaseURL: c.baseURL, EditionNote: c.note, Sources: source.Options{Offline: c.offline}, Output: func(cfg *config.Site) (site.Writer, error) {
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
	if c.record && res.Series == nil {
		return usagef("build --record: the briefing is not a series; add [editions] to site.toml")
	}
	if err := dst.Commit(); err != nil {
		return err
	}
	if c.record {
		if err := recordEdition(b.root, res); err != nil {
			return err
		}
		if !c.quiet {
			fmt.Fprintf(e.stdout, "recorded edition %s → %s\n", res.Series.Current.ID, edition.FileName(res.Series.Current.ID))
		}
	}
	if !c.quiet {
		fmt.Fprintf(e.stdout, "built %d pages, %d charts, %d tables in %s → %s\n",
			res.Pages+res.RowPages, len(res.Charts), len(res.Tables), since(start), display(outAbs))
	}
	return nil
}

// recordEdition writes the record of the edition just built to
// editions/ID.json in the site, the one file a build writes outside its
// output, and only when asked (--record): through a temporary file in the
// same folder and a rename, so a killed run leaves the previous record.
func recordEdition(root *os.Root, res *build.Result) error {
	name := edition.FileName(res.Series.Current.ID)
	if err := root.MkdirAll(edition.Dir, 0o755); err != nil {
		return diag.Output.Errorf(diag.Pos{File: edition.Dir}, "cannot create the editions folder: %v", err)
	}
	tmp := name + ".tmp"
	if err := root.WriteFile(tmp, res.RecordJSON, 0o644); err != nil {
		return diag.Output.Errorf(diag.Pos{File: name}, "cannot record the edition: %v", err)
	}
	if err := root.Rename(tmp, name); err != nil {
		_ = root.Remove(tmp)
		return diag.Output.Errorf(diag.Pos{File: name}, "cannot record the edition: %v", err)
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
