package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/briefing-dev/briefing/internal/diag"
)

// TestOutputRefusedExitCode runs briefing build with each output folder it
// must refuse: the exit status is 2, the first line names the folder, and
// nothing is written there.
func TestOutputRefusedExitCode(t *testing.T) {
	echarts, err := filepath.Abs("../../node_modules/echarts/dist/echarts.min.js")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("BRIEFING_ECHARTS", echarts)
	dir := t.TempDir()
	siteDir := filepath.Join(dir, "site")
	write := writer(t, dir)
	write("site/site.toml", "title = \"Refusals\"\n")
	write("site/content/index.md", "+++\ntitle = \"Home\"\n+++\nHello.\n")
	write("site/static/robots.txt", "User-agent: *\n")
	write("mine/notes.txt", "precious\n")
	write("a-file", "not a folder\n")
	if err := os.Symlink(siteDir, filepath.Join(dir, "L")); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ out, why string }{
		{"mine", "is not empty and was not written by briefing"},
		{"a-file", "exists and is not a folder"},
		{"site/content/out", "is inside the source folder content/"},
		{"site/static", "is inside the source folder static/"},
		{"L/static", "is inside the source folder static/"},
		{"L/static/out", "is inside the source folder static/"},
		{"site", "is the site folder itself"},
		{"L", "is the site folder itself"},
		{".", "contains the site folder"},
	} {
		out := filepath.Join(dir, tc.out)
		var stdout, stderr bytes.Buffer
		code := run([]string{"build", "-q", "-o", out, siteDir}, &stdout, &stderr)
		first, _, _ := strings.Cut(stderr.String(), "\n")
		if code != diag.ExitUsage {
			t.Errorf("-o %s: exit %d, want %d; stderr:\n%s", tc.out, code, diag.ExitUsage, stderr.String())
		}
		if want := "briefing: output folder " + out + " "; !strings.HasPrefix(first, want) {
			t.Errorf("-o %s: first line %q; want it to start with %q", tc.out, first, want)
		}
		if !strings.Contains(first, tc.why) {
			t.Errorf("-o %s: first line %q; want %q", tc.out, first, tc.why)
		}
		if _, err := os.Stat(filepath.Join(out, "index.html")); err == nil {
			t.Errorf("-o %s: a page was written into the refused folder", tc.out)
		}
	}
	entries, _ := os.ReadDir(filepath.Join(siteDir, "static"))
	if len(entries) != 1 {
		t.Errorf("static/ holds %d files after the refusals, want its one", len(entries))
	}

	// In JSON, the refusal is one object with the code "output".
	var stdout, stderr bytes.Buffer
	if code := run([]string{"build", "--format", "json", "-o", filepath.Join(dir, "L/static"), siteDir}, &stdout, &stderr); code != diag.ExitUsage {
		t.Errorf("--format json: exit %d, want %d", code, diag.ExitUsage)
	}
	var obj struct{ Code, Message string }
	if err := json.Unmarshal(bytes.TrimSpace(stderr.Bytes()), &obj); err != nil || obj.Code != "output" {
		t.Errorf("--format json: stderr %q; want one object with code output (%v)", stderr.String(), err)
	}

	// The symlinked site's own output folder is fine.
	stdout.Reset()
	stderr.Reset()
	if code := run([]string{"build", "-q", "-o", filepath.Join(dir, "L/output"), siteDir}, &stdout, &stderr); code != diag.ExitOK {
		t.Errorf("-o L/output: exit %d:\n%s", code, stderr.String())
	}
	if _, err := os.Stat(filepath.Join(siteDir, "output", "index.html")); err != nil {
		t.Errorf("-o L/output wrote no index.html in the site's output/: %v", err)
	}
}

// writer returns a function that writes a file under dir.
func writer(t *testing.T, dir string) func(name, text string) {
	return func(name, text string) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestBuildFailureKeepsOutput makes builds fail after they started writing
// the new output (a template that fails on a page, a warning under
// --strict): the previous output stays as it was, with nothing beside it.
func TestBuildFailureKeepsOutput(t *testing.T) {
	echarts, err := filepath.Abs("../../node_modules/echarts/dist/echarts.min.js")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("BRIEFING_ECHARTS", echarts)
	dir := t.TempDir()
	write := writer(t, dir)
	write("site.toml", "title = \"Kept\"\n")
	write("content/index.md", "+++\ntitle = \"Home\"\n+++\nFirst version.\n")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"build", "-q", dir}, &stdout, &stderr); code != diag.ExitOK {
		t.Fatalf("first build: exit %d:\n%s", code, stderr.String())
	}
	before, err := os.ReadFile(filepath.Join(dir, "output", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	write("content/index.md", "+++\ntitle = \"Home\"\n+++\nSecond version, see [the missing page](nowhere.md).\n")
	for _, tc := range []struct {
		name string
		args []string
		tmpl string
	}{
		{"template", []string{"build", "-q", dir}, "<article>{{.Nope}}</article>"},
		{"strict", []string{"build", "-q", "--strict", dir}, ""},
	} {
		if tc.tmpl != "" {
			write("templates/page.html", tc.tmpl)
		} else {
			os.Remove(filepath.Join(dir, "templates", "page.html"))
		}
		stderr.Reset()
		if code := run(tc.args, &stdout, &stderr); code != diag.ExitSource {
			t.Errorf("%s: exit %d, want %d:\n%s", tc.name, code, diag.ExitSource, stderr.String())
		}
		after, err := os.ReadFile(filepath.Join(dir, "output", "index.html"))
		if err != nil || !bytes.Equal(after, before) {
			t.Errorf("%s: the failed build changed output/index.html (%v)", tc.name, err)
		}
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".output.") {
				t.Errorf("%s: the failed build left %s", tc.name, e.Name())
			}
		}
	}
}
