package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/briefing-dev/briefing/internal/diag"
)

// A command is one subcommand: a small type whose fields are its flags.
type command interface {
	// usage is the synopsis, summary one line on what the command does.
	usage() string
	summary() string
	// flags declares the command's flags on fs, bound to its fields.
	flags(fs *flag.FlagSet)
	// run does the work with the arguments left after the flags.
	run(e *env, args []string) error
}

// commands lists the subcommands, in the order help shows them.
func commands() []struct {
	name string
	cmd  command
} {
	return []struct {
		name string
		cmd  command
	}{
		{"build", &buildCommand{}},
		{"email", &emailCommand{}},
		{"serve", &serveCommand{}},
		{"check", &checkCommand{}},
		{"describe", &describeCommand{}},
		{"refresh", &refreshCommand{}},
		{"new", &newCommand{}},
		{"version", &versionCommand{}},
		{"help", &helpCommand{}},
	}
}

func lookup(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c.cmd, true
		}
	}
	return nil, false
}

// env is what a command runs with: where to write, and how to print
// problems. A command that reads a briefing sets site, so that problems
// are printed with an excerpt of their source.
type env struct {
	stdout, stderr io.Writer
	json           bool   // --format json
	site           string // absolute site folder; "" until known
}

// run runs the command line args and returns the exit status. Every
// problem, whatever the command, is printed by one printer (see report),
// and the status comes from the problems' kinds (diag.ExitCode).
func run(args []string, stdout, stderr io.Writer) int {
	e := &env{stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		printHelp(stderr)
		return diag.ExitUsage
	}
	name := args[0]
	if name == "-h" || name == "-help" || name == "--help" {
		name = "help"
	}
	c, ok := lookup(name)
	if !ok {
		return e.report(usagef("unknown command %q (run `briefing help`)", name))
	}
	return e.report(e.runCommand(name, c, args[1:]))
}

// runCommand parses a command's flags and runs it. Asked for help (-h),
// it prints the command's usage to stdout.
func (e *env) runCommand(name string, c command, args []string) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // problems are reported by the printer
	c.flags(fs)
	err := fs.Parse(args)
	if f, ok := c.(interface{ jsonOut() bool }); ok {
		e.json = f.jsonOut()
	}
	switch {
	case errors.Is(err, flag.ErrHelp):
		printUsage(e.stdout, c, fs)
		return nil
	case err != nil:
		return usagef("%s: %v (run `briefing help %s`)", name, err, name)
	}
	return c.run(e, fs.Args())
}

// report prints err, if any, and returns the exit status for it.
func (e *env) report(err error) int {
	if err != nil {
		e.printer(e.stderr).Report(err)
	}
	return diag.ExitCode(err)
}

// printer prints problems to w as the command line asked: text with
// source excerpts, or JSON lines.
func (e *env) printer(w io.Writer) *diag.Printer {
	return &diag.Printer{W: w, JSON: e.json, Prefix: "briefing: ", Source: e.readSource}
}

// readSource reads a file of the site for an excerpt, through an os.Root
// so that an excerpt never shows a file outside the site.
func (e *env) readSource(file string) ([]byte, error) {
	if e.site == "" {
		return nil, os.ErrNotExist
	}
	root, err := os.OpenRoot(e.site)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	return root.ReadFile(file)
}

// usagef is a mistake on the command line: a configuration problem with
// no position, exit status 2.
func usagef(format string, args ...any) error {
	return diag.Config.Errorf(diag.Pos{}, format, args...)
}

func printHelp(w io.Writer) {
	fmt.Fprintln(w, "briefing turns a folder of spreadsheets, TOML, markdown and chart definitions into a static briefing site.")
	fmt.Fprintln(w, "\nUsage:\n  briefing COMMAND [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.cmd.summary())
	}
	fmt.Fprintln(w, "\nRun `briefing help COMMAND` or `briefing COMMAND -h` for a command's flags.")
	fmt.Fprintln(w, "Exit codes: 0 success, 1 error in the sources, 2 usage or configuration error, 3 internal or I/O failure, 4 a database source unreachable, refusing the credentials or timing out.")
}

func printUsage(w io.Writer, c command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "Usage: %s\n\n%s.\n", c.usage(), upperFirst(c.summary()))
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n > 0 {
		fmt.Fprint(w, "\nFlags:\n")
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// formatFlag is --format: text (with source excerpts) or json.
type formatFlag string

func (f *formatFlag) String() string { return string(*f) }

func (f *formatFlag) Set(s string) error {
	if s != "text" && s != "json" {
		return errors.New("want text or json")
	}
	*f = formatFlag(s)
	return nil
}

// problems is the --format flag of the commands that read a briefing.
type problems struct{ format formatFlag }

func (p *problems) formatFlag(fs *flag.FlagSet) {
	fs.Var(&p.format, "format", "how to print problems: `text` (with source excerpts) or json (one object per line, for CI annotations)")
}

func (p *problems) jsonOut() bool { return p.format == "json" }

// siteArg returns a command's one optional argument, the site folder
// (default ".").
func siteArg(name string, args []string) (string, error) {
	switch len(args) {
	case 0:
		return ".", nil
	case 1:
		return args[0], nil
	}
	return "", usagef("%s takes one SITE_DIR, got %s", name, strings.Join(args, " "))
}
