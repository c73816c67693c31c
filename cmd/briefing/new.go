package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/briefing-dev/briefing/internal/build"
	"github.com/briefing-dev/briefing/internal/scaffold"
	"github.com/briefing-dev/briefing/internal/site"
)

const newUsage = "briefing new [--title TEXT] [--templates] [--force] DIR"

// runNew scaffolds a small briefing that builds and serves at once.
func runNew(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("new", newUsage, args, stdout, stderr)
	title := fs.String("title", "", "the briefing's title")
	templates := fs.Bool("templates", false, "also copy the default templates into templates/, to edit")
	force := fs.Bool("force", false, "add the files to a folder that is not empty (never overwriting a file)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	if fs.NArg() != 1 {
		return usageError{"new takes one DIR: " + newUsage}
	}
	opt := scaffold.Options{Title: *title, Force: *force}
	if *templates {
		opt.Templates = site.DefaultTemplates()
	}
	written, err := scaffold.Write(fs.Arg(0), opt)
	if err != nil {
		return usageError{err.Error()}
	}
	dir := fs.Arg(0)
	fmt.Fprintf(stdout, "created %s with %d files: %s\n", dir, len(written), strings.Join(written, ", "))
	fmt.Fprintf(stdout, "next: npm install --prefix %s echarts@%s && briefing serve %s\n", dir, build.EChartsVersion, dir)
	return nil
}
