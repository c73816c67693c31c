package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/briefing-dev/briefing/internal/chart"
	"github.com/briefing-dev/briefing/internal/config"
	"github.com/briefing-dev/briefing/internal/tableview"
)

// repoRoot is the repository's folder, where README.md and the example
// are.
var repoRoot, _ = filepath.Abs("../..")

// readmeBlock is one fenced code block of README.md.
type readmeBlock struct {
	line int    // of the opening fence
	lang string // the info string: sh, toml, markdown … or ""
	text string
}

// first is the block's first line, which names it in readmeSkipped.
func (b readmeBlock) first() string {
	line, _, _ := strings.Cut(strings.TrimSpace(b.text), "\n")
	return strings.TrimSpace(line)
}

func (b readmeBlock) String() string { return fmt.Sprintf("README.md:%d (```%s)", b.line, b.lang) }

var fence = regexp.MustCompile("^(\\s*)(```+|~~~+)\\s*([^`\\s]*)\\s*$")

// readmeBlocks reads the fenced code blocks of README.md, their
// indentation (list items) removed.
func readmeBlocks(t *testing.T) []readmeBlock {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(src), "\n")
	var out []readmeBlock
	for i := 0; i < len(lines); i++ {
		m := fence.FindStringSubmatch(lines[i])
		if m == nil {
			continue
		}
		b := readmeBlock{line: i + 1, lang: m[3]}
		var body []string
		for i++; i < len(lines) && strings.TrimSpace(lines[i]) != m[2]; i++ {
			body = append(body, strings.TrimPrefix(lines[i], m[1]))
		}
		if i == len(lines) {
			t.Fatalf("%s: the block is not closed", b)
		}
		b.text = strings.Join(body, "\n") + "\n"
		out = append(out, b)
	}
	return out
}

// readmeSkipped lists, by the start of their first line, the README blocks that are neither a
// command nor a file (output shown as an example, folder layouts), or
// that cannot run here, with the reason. Any other block must be one the
// test knows how to exercise, so a new block cannot go untested.
var readmeSkipped = map[string]string{
	"monthly_spend: data/customers.xlsx, sheet MonthlySpend, A1:D61, 60 rows":                                                                                                           "output of briefing describe; describe_test.go checks the command's output",
	`briefing: content/index.md:7:9: unknown chart "spnd" (charts are the files in charts/, named without .toml)`:                                                                       "an example of problems as printed; TestExitCodes pins the printer",
	`{"file":"charts/a.toml","line":1,"col":8,"severity":"error","code":"chart","message":"chart \"a\": unknown chart type \"pi\" (…)"}`:                                                "an example of a JSON problem line; TestExitCodes pins the printer",
	"site.toml          title, period, currency, data sources, output":                                                                                                                  "the layout of a briefing folder, with globs, not a file",
	"data/branches.csv:3:2: text is not valid UTF-8 (byte 0xFC); if the file was saved as Latin-1 or Windows-1252, set encoding = \"windows-1252\" for table \"branches\" in site.toml": "an example of an error message; internal/table's encoding tests pin it",
	"-- share: percent":    "a fragment of a query (its SELECT list is elided with …); the example's queries/ use the same comments",
	"-- source: warehouse": "a source query needs a PostgreSQL server; source_test.go runs the same kind of query against one",
	"output/":              "the layout of the output folder, not a file",
	"email/index.html ":    "the layout of the email output, not a file",
	`not sending: send_if "tiktok_share > 30%" is false (tiktok_share = 24.1%) (--force sends anyway)`: "output of briefing email --send; email_recipients_test.go (TestEmailSendIf) checks it",
}

// skipped finds the entry of readmeSkipped for b.
func skipped(b readmeBlock) (key, reason string, ok bool) {
	for key, reason := range readmeSkipped {
		if strings.HasPrefix(b.first(), key) {
			return key, reason, true
		}
	}
	return "", "", false
}

// siteTables are the tables site.toml may have: a toml block that starts
// with one of them is a part of site.toml.
var siteTables = map[string]bool{"data": true, "sources": true, "email": true, "editions": true, "labels": true,
	"assets": true, "charts": true, "fonts": true, "cache": true, "params": true, "queries": true}

// TestReadmeBlocks exercises every code block of README.md that is a
// command or a file: site.toml and its parts through config.Parse, chart
// and table definitions through their loaders, figures and pages with the
// example's data through `briefing check`, every `briefing …` command line
// against the command's real flags (and check, describe, version and new
// run for real on a copy of the example), and the command synopsis
// against each command's usage.
func TestReadmeBlocks(t *testing.T) {
	blocks := readmeBlocks(t)
	if len(blocks) < 20 {
		t.Fatalf("found %d code blocks in README.md; is the fence pattern right?", len(blocks))
	}
	var fragments []string
	seen := map[string]bool{}
	for _, b := range blocks {
		if key, reason, ok := skipped(b); ok {
			seen[key] = true
			t.Logf("%s skipped: %s", b, reason)
			continue
		}
		switch kind := classify(b); kind {
		case "commands":
			for _, line := range strings.Split(b.text, "\n") {
				if line = strings.TrimSpace(line); line != "" {
					checkCommandLine(t, b, line)
				}
			}
		case "workflow":
			checkWorkflow(t, b)
		case "synopsis":
			checkSynopsis(t, b)
		case "packages":
			checkPackages(t, b)
		case "site.toml":
			if _, err := config.Parse([]byte(b.text)); err != nil {
				t.Errorf("%s: site.toml does not load: %v", b, err)
			}
		case "site.toml part":
			fragments = append(fragments, b.text)
		case "chart":
			if _, err := chart.ParseSpec("charts/readme.toml", []byte(b.text)); err != nil {
				t.Errorf("%s: the chart definition does not load: %v", b, err)
			}
		case "table":
			if _, err := tableview.ParseSpec("tables/readme.toml", []byte(b.text)); err != nil {
				t.Errorf("%s: the table definition does not load: %v", b, err)
			}
		case "figures":
			checkFigures(t, b)
		case "page":
			checkPage(t, b)
		default:
			t.Errorf("%s: a code block the test cannot classify (%q): exercise it, or list it in readmeSkipped with the reason", b, b.first())
		}
	}
	// The parts of site.toml shown one by one go together into one file
	// (a source query's table needs its [sources]).
	if len(fragments) > 0 {
		all := "title = \"README\"\n" + strings.Join(fragments, "\n")
		if _, err := config.Parse([]byte(all)); err != nil {
			t.Errorf("README's parts of site.toml do not load together: %v\n%s", err, all)
		}
	}
	for first := range readmeSkipped {
		if !seen[first] {
			t.Errorf("readmeSkipped lists %q, which is no longer a README block", first)
		}
	}
}

// classify says what a block is, by its language and its first line.
func classify(b readmeBlock) string {
	first := b.first()
	switch b.lang {
	case "sh":
		return "commands"
	case "yaml":
		return "workflow"
	case "markdown":
		return "page"
	case "toml":
		if strings.HasPrefix(first, "title =") {
			return "site.toml"
		}
		if strings.HasPrefix(first, "[") {
			table, _, _ := strings.Cut(strings.Trim(strings.Fields(first)[0], "[]"), ".")
			if siteTables[table] {
				return "site.toml part"
			}
			return "figures"
		}
		key, _, _ := strings.Cut(first, "=")
		switch strings.TrimSpace(key) {
		case "type":
			return "chart"
		case "source":
			return "table"
		}
	case "":
		switch {
		case strings.HasPrefix(first, "briefing ") && strings.Count(b.text, "briefing ") == strings.Count(strings.TrimSpace(b.text), "\n")+1:
			return "synopsis"
		case strings.HasPrefix(first, "go test "):
			return "commands"
		case strings.HasPrefix(first, "cmd/briefing "):
			return "packages"
		}
	}
	return ""
}

// checkSynopsis checks the list of commands against each command's own
// usage line: every command, in help's order, exactly as `briefing help
// COMMAND` prints it.
func checkSynopsis(t *testing.T, b readmeBlock) {
	var want []string
	for _, c := range commands() {
		want = append(want, c.cmd.usage())
	}
	got := strings.Split(strings.TrimSpace(b.text), "\n")
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s: the commands differ from their usage lines:\n%s\nwant\n%s", b, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// checkPackages checks that every folder the list names exists.
func checkPackages(t *testing.T, b readmeBlock) {
	for _, line := range strings.Split(strings.TrimSpace(b.text), "\n") {
		dir := strings.Fields(line)[0]
		if fi, err := os.Stat(filepath.Join(repoRoot, dir)); err != nil || !fi.IsDir() {
			t.Errorf("%s: %s is not a folder of the repository", b, dir)
		}
	}
}

// envPrefix is the environment assignments before a command:
// SOURCE_DATE_EPOCH=$(git log -1 --format=%ct) briefing build.
var envPrefix = regexp.MustCompile(`^([A-Z_]+=(\$\([^)]*\)|\S+)\s+)+`)

// checkCommandLine checks one shell line: each command of it, split at &&.
func checkCommandLine(t *testing.T, b readmeBlock, line string) {
	for _, cmd := range strings.Split(line, "&&") {
		args := shellWords(envPrefix.ReplaceAllString(strings.TrimSpace(cmd), ""))
		switch {
		case len(args) == 0:
			t.Errorf("%s: an empty command in %q", b, line)
		case args[0] == "briefing":
			checkBriefing(t, b, args[1:])
		case len(args) > 2 && args[0] == "go" && args[1] == "run" && args[2] == "./cmd/briefing":
			checkBriefing(t, b, args[3:])
		case len(args) > 1 && args[0] == "go" && args[1] == "test":
			checkGoTest(t, b, args[2:])
		case len(args) == 3 && args[0] == "go" && args[1] == "install":
			if mod := modulePath(t); args[2] != mod+"/cmd/briefing@latest" {
				t.Errorf("%s: go install %s; the command is %s/cmd/briefing", b, args[2], mod)
			}
		case strings.Join(args, " ") == "npm ci":
			if _, err := os.Stat(filepath.Join(repoRoot, "package-lock.json")); err != nil {
				t.Errorf("%s: npm ci needs package-lock.json: %v", b, err)
			}
		default:
			t.Errorf("%s: a command the test does not know: %q", b, cmd)
		}
	}
}

// shellWords splits a command line as sh would, for the quoting README
// uses: single and double quotes, no escapes.
func shellWords(s string) []string {
	var words []string
	var w strings.Builder
	in, quote := false, rune(0)
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			w.WriteRune(r)
		case r == '\'' || r == '"':
			quote, in = r, true
		case r == ' ' || r == '\t':
			if in {
				words, in = append(words, w.String()), false
				w.Reset()
			}
		default:
			w.WriteRune(r)
			in = true
		}
	}
	if in {
		words = append(words, w.String())
	}
	return words
}

func modulePath(t *testing.T) string {
	b, err := os.ReadFile(filepath.Join(repoRoot, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	line, _, _ := strings.Cut(string(b), "\n")
	return strings.TrimPrefix(line, "module ")
}

// checkGoTest checks a go test line: its packages exist, and a -fuzz or
// -run pattern naming one test or fuzz target (^Name$) names one there.
func checkGoTest(t *testing.T, b readmeBlock, args []string) {
	var pkgs []string
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "-fuzz" || a == "-run" || a == "-bench":
			if i+1 < len(args) {
				name := strings.TrimSuffix(strings.TrimPrefix(args[i+1], "^"), "$")
				if regexp.MustCompile(`^[A-Z]\w*$`).MatchString(name) {
					checkTestFunc(t, b, pkgs, name)
				}
			}
			i++
		case strings.HasPrefix(a, "-"):
			if a == "-fuzztime" || a == "-fuzzminimizetime" {
				i++
			}
		default:
			pkgs = append(pkgs, a)
			if dir := strings.TrimSuffix(a, "/..."); dir != "." {
				if _, err := os.Stat(filepath.Join(repoRoot, dir)); err != nil {
					t.Errorf("%s: go test %s: no such package", b, a)
				}
			}
		}
	}
}

func checkTestFunc(t *testing.T, b readmeBlock, pkgs []string, name string) {
	for _, p := range pkgs {
		files, _ := filepath.Glob(filepath.Join(repoRoot, p, "*_test.go"))
		for _, f := range files {
			src, _ := os.ReadFile(f)
			if bytes.Contains(src, []byte("func "+name+"(")) {
				return
			}
		}
	}
	t.Errorf("%s: no %s in %v", b, name, pkgs)
}

// checkBriefing checks a briefing command line against the command's
// real flags (parsed by its own FlagSet), and runs the cheap commands on
// a copy of the example.
func checkBriefing(t *testing.T, b readmeBlock, args []string) {
	if len(args) == 0 {
		t.Errorf("%s: briefing with no command", b)
		return
	}
	c, ok := lookup(args[0])
	if !ok {
		t.Errorf("%s: briefing %s: no such command", b, args[0])
		return
	}
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c.flags(fs)
	if err := fs.Parse(args[1:]); err != nil {
		t.Errorf("%s: briefing %s: %v", b, strings.Join(args, " "), err)
		return
	}
	for _, a := range fs.Args() {
		if strings.HasPrefix(a, "-") {
			t.Errorf("%s: briefing %s: %s comes after an argument, where it is not read as a flag", b, strings.Join(args, " "), a)
		}
	}
	switch args[0] {
	case "check", "describe", "version", "new":
		t.Run(fmt.Sprintf("line%d/%s", b.line, args[0]), func(t *testing.T) {
			t.Chdir(exampleCopy(t)) // the command line as written, run in the example's folder
			if _, stderr, code := runCLI(t, args...); code != 0 {
				t.Errorf("%s: briefing %s on the example: exit %d\n%s", b, strings.Join(args, " "), code, stderr)
			}
		})
	}
}

// checkWorkflow checks the briefing commands of a CI workflow's run:
// steps.
func checkWorkflow(t *testing.T, b readmeBlock) {
	n := 0
	for _, line := range strings.Split(b.text, "\n") {
		cmd, ok := strings.CutPrefix(strings.TrimSpace(line), "- run: ")
		if !ok || !strings.Contains(cmd, "briefing ") || strings.HasPrefix(cmd, "go ") {
			continue
		}
		checkCommandLine(t, b, cmd)
		n++
	}
	if n == 0 {
		t.Errorf("%s: a workflow with no briefing command", b)
	}
}

// exampleCopy copies the example briefing (its sources, not its output)
// to a new folder, and points the build at the installed ECharts and a
// scratch image cache.
func exampleCopy(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "example")
	for _, name := range []string{"site.toml", "figures.toml", "data", "content", "charts", "tables", "queries", "editions", "templates", "static"} {
		src := filepath.Join(repoRoot, name)
		fi, err := os.Stat(src)
		switch {
		case os.IsNotExist(err):
			continue
		case err != nil:
			t.Fatal(err)
		case fi.IsDir():
			err = os.CopyFS(filepath.Join(dir, name), os.DirFS(src))
		default:
			var data []byte
			if data, err = os.ReadFile(src); err == nil {
				os.MkdirAll(dir, 0o755)
				err = os.WriteFile(filepath.Join(dir, name), data, 0o644)
			}
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	echarts, err := filepath.Abs(filepath.Join(repoRoot, "node_modules/echarts/dist/echarts.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("BRIEFING_ECHARTS", echarts)
	t.Setenv("BRIEFING_CACHE_DIR", t.TempDir())
	return dir
}

// checkFigures checks a figures.toml block with the example's data: its
// figures replace the example's of the same names, and `briefing check`
// computes them all.
func checkFigures(t *testing.T, b readmeBlock) {
	dir := exampleCopy(t)
	own := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^\[(\w+)\]`).FindAllStringSubmatch(b.text, -1) {
		own[m[1]] = true
	}
	src, err := os.ReadFile(filepath.Join(dir, "figures.toml"))
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	for _, section := range regexp.MustCompile(`(?m)^\[`).Split(string(src), -1)[1:] {
		name, _, _ := strings.Cut(section, "]")
		if !own[name] {
			kept = append(kept, "["+section)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "figures.toml"), []byte(b.text+"\n"+strings.Join(kept, "")), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := runCLI(t, "check", dir); code != 0 {
		t.Errorf("%s: the figures do not compute with the example's data: exit %d\n%s", b, code, stderr)
	}
}

// checkPage checks a page example with the example's data: added as a
// content file, it passes `briefing check`.
func checkPage(t *testing.T, b readmeBlock) {
	dir := exampleCopy(t)
	name := fmt.Sprintf("content/readme-%d.md", b.line)
	if err := os.WriteFile(filepath.Join(dir, name), []byte(b.text), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := runCLI(t, "check", dir); code != 0 {
		t.Errorf("%s: the page does not build with the example's data (as %s): exit %d\n%s", b, name, code, stderr)
	}
}
