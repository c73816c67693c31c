package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/briefing-dev/briefing/internal/diag"
)

// TestEmailSendIfChange holds the example's email back on a condition over
// the change since the last recorded edition: exit 0, the reason quotes the
// change as the prose does, and no SMTP server is asked for (the example
// configures none, so any attempt to send would fail). A misspelt figure in
// change() is an error at its column.
func TestEmailSendIfChange(t *testing.T) {
	echarts, err := filepath.Abs("../../node_modules/echarts/dist/echarts.min.js")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("BRIEFING_ECHARTS", echarts)
	t.Setenv("BRIEFING_CACHE_DIR", t.TempDir())
	site := filepath.Join(t.TempDir(), "site")
	for _, d := range []string{"content", "data", "charts", "tables", "queries", "templates", "editions"} {
		if err := os.CopyFS(filepath.Join(site, d), os.DirFS(filepath.Join("../..", d))); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"figures.toml"} {
		b, err := os.ReadFile(filepath.Join("../..", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(site, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := os.ReadFile("../../site.toml")
	if err != nil {
		t.Fatal(err)
	}
	setSendIf := func(cond string) {
		s := strings.Replace(string(cfg), "\n[email]\n", "\n[email]\nsend_if = \""+cond+"\"\n", 1)
		if s == string(cfg) {
			t.Fatal("the example's site.toml has no [email] table")
		}
		if err := os.WriteFile(filepath.Join(site, "site.toml"), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	setSendIf("abs(change(tiktok_share)) > 50pp")
	var stdout, stderr bytes.Buffer
	code := run([]string{"email", "--send", "-o", filepath.Join(t.TempDir(), "out"), site}, &stdout, &stderr)
	out := stdout.String() + stderr.String()
	if code != diag.ExitOK || !strings.Contains(out, "not sending") || !strings.Contains(out, "change(tiktok_share) = +") || !strings.Contains(out, " since ") {
		t.Errorf("exit %d, output:\n%s\nwant exit 0, nothing sent, and the change quoted as prose shows it", code, out)
	}

	setSendIf("abs(change(tiktok_shar)) > 50pp")
	stdout.Reset()
	stderr.Reset()
	code = run([]string{"email", "--send", "-o", filepath.Join(t.TempDir(), "out"), site}, &stdout, &stderr)
	first, _, _ := strings.Cut(stderr.String(), "\n")
	if code != diag.ExitUsage || !strings.Contains(first, `send_if: unknown figure "tiktok_shar" in change()`) || !strings.Contains(first, "site.toml:") {
		t.Errorf("exit %d, first line %q; want exit 2 at the name in site.toml", code, first)
	}
}
