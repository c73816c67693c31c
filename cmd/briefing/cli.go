package main

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/briefing-dev/briefing/internal/build"
	"github.com/briefing-dev/briefing/internal/config"
	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/render"
	"github.com/briefing-dev/briefing/internal/site"
)

// Exit codes.
const (
	exitOK       = diag.ExitOK
	exitSource   = diag.ExitSource
	exitUsage    = diag.ExitUsage
	exitInternal = diag.ExitInternal
)

// usageError is a mistake on the command line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

type command struct {
	name    string
	summary string
	usage   string
	run     func(args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"build", "build the briefing site", "briefing build [-o DIR] [--base-url URL] [--single-file] [--strict] [-q] [SITE_DIR]", runBuild},
		{"email", "make (and send) the email edition", emailUsage, runEmail},
		{"serve", "preview the briefing, rebuilding as sources change", serveUsage, runServe},
		{"check", "validate the briefing without writing anything", checkUsage, runCheck},
		{"new", "create a small working briefing in a new folder", newUsage, runNew},
		{"version", "print the version", "briefing version", runVersion},
		{"help", "show help for a command", "briefing help [COMMAND]", nil},
	}
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		printHelp(stderr)
		return exitUsage
	}
	name, rest := args[0], args[1:]
	if name == "help" || name == "-h" || name == "--help" {
		if len(rest) > 0 {
			for _, c := range commands() {
				if c.name == rest[0] && c.run != nil {
					return exitCode(c.run([]string{"-h"}, stdout, stdout), stderr)
				}
			}
			fmt.Fprintf(stderr, "briefing: unknown command %q\n", rest[0])
			return exitUsage
		}
		printHelp(stdout)
		return exitOK
	}
	for _, c := range commands() {
		if c.name == name && c.run != nil {
			return exitCode(c.run(rest, stdout, stderr), stderr)
		}
	}
	fmt.Fprintf(stderr, "briefing: unknown command %q (run `briefing help`)\n", name)
	return exitUsage
}

func printHelp(w io.Writer) {
	fmt.Fprintln(w, "briefing turns a folder of spreadsheets, TOML, markdown and chart definitions into a static briefing site.")
	fmt.Fprintln(w, "\nUsage:\n  briefing COMMAND [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun `briefing help COMMAND` or `briefing COMMAND -h` for a command's flags.")
	fmt.Fprintln(w, "Exit codes: 0 success, 1 error in the sources, 2 usage or configuration error, 3 internal or I/O failure.")
}

func exitCode(err error, stderr io.Writer) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	var pr printed
	if errors.As(err, &pr) && len(diag.Flatten(pr.err)) > 0 {
		p := pr.printer(stderr)
		for _, e := range diag.Flatten(pr.err) {
			p.Print(e)
		}
	} else {
		fmt.Fprintf(stderr, "briefing: %v\n", err)
	}
	var ue usageError
	if errors.As(err, &ue) {
		return exitUsage
	}
	return diag.ExitCode(err)
}

// printed is an error from a briefing's sources, with what is needed to
// print it: the site folder (for source excerpts) and the format.
type printed struct {
	err     error
	siteAbs string
	json    bool
}

func (p printed) Error() string { return p.err.Error() }
func (p printed) Unwrap() error { return p.err }

func (p printed) printer(w io.Writer) *diag.Printer {
	return &diag.Printer{W: w, JSON: p.json, Prefix: "briefing: ", Source: func(file string) ([]byte, error) {
		root, err := os.OpenRoot(p.siteAbs)
		if err != nil {
			return nil, err
		}
		defer root.Close()
		return root.ReadFile(file)
	}}
}

// parseSiteArgs parses a command's flags and returns its one optional
// argument, the site folder (default ".").
func parseSiteArgs(fs *flag.FlagSet, args []string) (string, error) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return "", err
		}
		return "", usageError{err.Error()}
	}
	switch fs.NArg() {
	case 0:
		return ".", nil
	case 1:
		return fs.Arg(0), nil
	}
	return "", usageError{fs.Name() + " takes one SITE_DIR, got " + strings.Join(fs.Args(), " ")}
}

// parseAndOpen parses a command's flags and builds the briefing in its
// SITE_DIR, drawing static charts when pages is set. format is where the
// --format flag was bound; problems come back ready to print in it.
func parseAndOpen(fs *flag.FlagSet, args []string, format *string, opt build.Options, pages bool) (*briefing, error) {
	siteDir, err := parseSiteArgs(fs, args)
	if err != nil {
		return nil, err
	}
	if err := checkFormat(*format); err != nil {
		return nil, err
	}
	b, err := openBriefing(siteDir, opt, pages, pages)
	if err != nil {
		return nil, printed{err, absOr(siteDir), *format == "json"}
	}
	return b, nil
}

// formatFlag adds --format to a command.
func formatFlag(fs *flag.FlagSet) *string {
	return fs.String("format", "text", "how to print problems: text (with source excerpts) or json (one object per line, for CI annotations)")
}

func checkFormat(f string) error {
	if f != "text" && f != "json" {
		return usageError{fmt.Sprintf("--format %q: want text or json", f)}
	}
	return nil
}

// newFlags makes a command's flag set. Asked for help, it prints to
// stdout; complaining about a bad flag, to stderr.
func newFlags(name, usage string, args []string, stdout, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	for _, a := range args {
		if a == "-h" || a == "-help" || a == "--help" {
			fs.SetOutput(stdout)
		}
	}
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: %s\n\nFlags:\n", usage)
		fs.PrintDefaults()
	}
	return fs
}

func runBuild(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("build", commands()[0].usage, args, stdout, stderr)
	var out, baseURL string
	var quiet, strict, singleFile bool
	fs.StringVar(&out, "o", "", "output `DIR` (default: output in site.toml, else SITE_DIR/output)")
	fs.StringVar(&out, "out", "", "same as -o `DIR`")
	fs.StringVar(&baseURL, "base-url", "", "`URL` the site is published at (overrides base_url in site.toml)")
	fs.BoolVar(&quiet, "q", false, "print nothing on success")
	fs.BoolVar(&singleFile, "single-file", false, "write each page with its CSS, scripts and images inside it")
	fs.BoolVar(&strict, "strict", false, "treat warnings (values shown with a fallback, broken links) as errors")
	format := formatFlag(fs)
	start := time.Now()
	// The build writes each file into the new output as it is made; the
	// output is swapped in only if the build, and --strict, pass.
	var dst *build.Output
	var outAbs string
	opt := build.Options{BaseURL: baseURL, Output: func(cfg *config.Site) (site.Writer, error) {
		siteAbs := absOr(cmp.Or(fs.Arg(0), "."))
		var err error
		if outAbs, err = outputDir(siteAbs, out, cfg.Output); err != nil {
			return nil, err
		}
		if err := build.CheckOutput(siteAbs, outAbs); err != nil {
			return nil, err
		}
		if dst, err = build.Create(outAbs); err != nil {
			return nil, err
		}
		if singleFile {
			return build.NewSingleFile(dst), nil
		}
		return dst, nil
	}}
	b, err := parseAndOpen(fs, args, format, opt, true)
	defer func() {
		if dst != nil {
			dst.Abort() // nothing once committed
		}
	}()
	if err != nil {
		return err
	}
	defer b.Close()
	res := b.res
	if err := warn(res, b.siteAbs, *format == "json", strict, stderr); err != nil {
		return err
	}
	if err := dst.Commit(); err != nil {
		return printed{err, b.siteAbs, *format == "json"}
	}
	if !quiet {
		fmt.Fprintf(stdout, "built %d pages, %d charts, %d tables in %s → %s\n",
			res.Pages+res.RowPages, len(res.Charts), len(res.Tables), time.Since(start).Round(time.Millisecond), display(outAbs))
	}
	return nil
}

// warn prints the build's warnings; under --strict they fail the build.
func warn(res *build.Result, siteAbs string, json, strict bool, stderr io.Writer) error {
	if len(res.Warnings) == 0 {
		return nil
	}
	list := make([]error, len(res.Warnings))
	for i, w := range res.Warnings {
		list[i] = w
	}
	if strict {
		for _, w := range res.Warnings {
			w.Warning = false
		}
		return printed{diag.Join(list...), siteAbs, json}
	}
	p := printed{siteAbs: siteAbs, json: json}.printer(stderr)
	for _, w := range res.Warnings {
		w.Warning = true
		p.Print(w)
	}
	return nil
}

func absOr(dir string) string {
	if abs, err := filepath.Abs(dir); err == nil {
		return abs
	}
	return dir
}

// briefing is a built briefing and what it was built from.
type briefing struct {
	root     *os.Root
	siteAbs  string
	res      *build.Result
	echarts  []byte
	renderer *render.Renderer // nil without static charts
}

// Close releases the site folder and the renderer.
func (b *briefing) Close() {
	if b.renderer != nil {
		b.renderer.Close()
	}
	b.root.Close()
}

// openBriefing builds the briefing in siteDir, reading it through an
// os.Root. BRIEFING_ECHARTS names an echarts.min.js to use instead of the
// site's own.
// With static, the briefing gets a chart renderer (package render); with
// pages, the build also draws every chart on the pages as an SVG image.
func openBriefing(siteDir string, opt build.Options, static, pages bool) (*briefing, error) {
	siteAbs, err := filepath.Abs(siteDir)
	if err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(siteAbs)
	if err != nil {
		return nil, usageError{fmt.Sprintf("cannot open site folder: %v", err)}
	}
	if p := os.Getenv("BRIEFING_ECHARTS"); p != "" {
		if opt.ECharts, err = os.ReadFile(p); err != nil {
			root.Close()
			return nil, usageError{fmt.Sprintf("BRIEFING_ECHARTS: %v", err)}
		}
	}
	if opt.Now == nil {
		t, err := messageDate()
		if err != nil {
			root.Close()
			return nil, usageError{err.Error()}
		}
		opt.Now = func() time.Time { return t }
	}
	b := &briefing{root: root, siteAbs: siteAbs, echarts: opt.ECharts}
	if b.echarts == nil {
		// The renderer needs ECharts before the build reads it; read it the
		// way the build does (and let the build report a missing copy).
		b.echarts, _ = fs.ReadFile(root.FS(), build.EChartsDefault)
	}
	if static && b.echarts != nil && build.VerifyECharts(b.echarts, "") == nil {
		r, err := render.New(b.echarts, site.ChartScript(), runtime.NumCPU())
		if err != nil {
			root.Close()
			return nil, err
		}
		b.renderer = r
		if pages {
			opt.Static = r.SVG
		}
	}
	res, err := build.Build(root.FS(), opt)
	if err != nil {
		b.Close()
		return nil, err
	}
	b.res = res
	return b, nil
}

// outputDir resolves -o (relative to the working directory) or the
// configured output (relative to the site).
func outputDir(siteAbs, flagOut, cfgOut string) (string, error) {
	if flagOut != "" {
		return filepath.Abs(flagOut)
	}
	if cfgOut == "" {
		cfgOut = "output"
	}
	if filepath.IsAbs(cfgOut) {
		return filepath.Clean(cfgOut), nil
	}
	return filepath.Join(siteAbs, filepath.FromSlash(cfgOut)), nil
}

func display(p string) string {
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(rel, "..") {
			return rel
		}
	}
	return p
}

func runVersion(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("version", "briefing version", args, stdout, stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	v := "(devel)"
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
		v = info.Main.Version
	}
	fmt.Fprintf(stdout, "briefing %s (ECharts %s)\n", v, build.EChartsVersion)
	return nil
}
