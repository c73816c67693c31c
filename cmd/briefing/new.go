package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/scaffold"
	"github.com/briefing-dev/briefing/internal/site"
)

// newCommand scaffolds a small briefing that builds and serves at once.
type newCommand struct {
	title            string
	templates, force bool
}

func (c *newCommand) usage() string { return "briefing new [--title TEXT] [--templates] [--force] DIR" }

func (c *newCommand) summary() string { return "create a small working briefing in a new folder" }

func (c *newCommand) flags(fs *flag.FlagSet) {
	fs.StringVar(&c.title, "title", "", "the briefing's title")
	fs.BoolVar(&c.templates, "templates", false, "also copy the default templates into templates/, to edit")
	fs.BoolVar(&c.force, "force", false, "add the files to a folder that is not empty (never overwriting a file)")
}

func (c *newCommand) run(e *env, args []string) error {
	if len(args) != 1 {
		return usagef("new takes one DIR: %s", c.usage())
	}
	dir := args[0]
	opt := scaffold.Options{Title: c.title, Force: c.force}
	if c.templates {
		opt.Templates = site.DefaultTemplates()
	}
	written, err := scaffold.Write(dir, opt)
	if err != nil {
		return diag.Output.Wrap(diag.Pos{}, err) // the folder is refused, or cannot be written
	}
	fmt.Fprintf(e.stdout, "created %s with %d files: %s\n", dir, len(written), strings.Join(written, ", "))
	fmt.Fprintf(e.stdout, "next: briefing serve %s\n", dir)
	return nil
}
