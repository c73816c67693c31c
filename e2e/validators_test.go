package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// Validators no one here wrote check the example's output: the Nu HTML
// checker (vnu, Java) on every page and on the email, and doiuse-email
// (caniemail's data, Node) on the email. Both come from npm (package.json);
// Java from Debian's default-jre-headless.

const (
	vnuJar       = "node_modules/vnu-jar/build/dist/vnu.jar"
	doiuseCLI    = "node_modules/doiuse-email/bin/cli.js"
	requireVNU   = "BRIEFING_REQUIRE_VNU"
	requireNPM   = "BRIEFING_REQUIRE_NPM"
	installVNU   = "apt-get install default-jre-headless, and npm ci at the repository root"
	installNode  = "install Node.js, and npm ci at the repository root"
	emailClients = "outlook.windows,gmail.*,apple-mail.*"
)

// tool returns the path of exe and of file under the repository root, or
// skips the test (fails it when the env variable require is 1).
func tool(t *testing.T, exe, file, require, install string) (string, string) {
	t.Helper()
	path, err := exec.LookPath(exe)
	abs, _ := filepath.Abs(filepath.Join(exampleDir, filepath.FromSlash(file)))
	if err == nil {
		_, err = os.Stat(abs)
	}
	if err != nil {
		msg := fmt.Sprintf("%v (%s)", err, install)
		if os.Getenv(require) == "1" {
			t.Fatalf("%s; %s=1 requires it", msg, require)
		}
		t.Skipf("%s; set %s=1 to make this a failure", msg, require)
	}
	return path, abs
}

// vnuMessage is one message of vnu's JSON output.
type vnuMessage struct {
	Type     string `json:"type"` // "error", "info" (subType "warning"), "non-document-error"
	SubType  string `json:"subType"`
	URL      string `json:"url"`
	LastLine int    `json:"lastLine"`
	Message  string `json:"message"`
	Extract  string `json:"extract"`
}

// runVNU checks files in one Java process and returns its errors.
func runVNU(t *testing.T, files []string) []vnuMessage {
	t.Helper()
	java, jar := tool(t, "java", vnuJar, requireVNU, installVNU)
	cmd := exec.Command(java, append([]string{"-jar", jar, "--format", "json", "--errors-only"}, files...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var out struct {
		Messages []vnuMessage `json:"messages"`
	}
	if jerr := json.Unmarshal(stderr.Bytes(), &out); jerr != nil {
		t.Fatalf("vnu: %v; its output is not JSON (%v):\n%s", err, jerr, stderr.Bytes())
	}
	if err != nil && len(out.Messages) == 0 {
		t.Fatalf("vnu failed without a message: %v", err)
	}
	return out.Messages
}

// TestVNU runs the Nu HTML checker over every page of the example, as
// `briefing build` writes it, and over its email edition: no errors.
func TestVNU(t *testing.T) {
	tool(t, "java", vnuJar, requireVNU, installVNU) // before building: skip at once
	b := exampleStaticSite(t)
	mail := exampleEmail(t)
	var files []string
	for _, p := range b.Pages {
		files = append(files, filepath.Join(b.Out, filepath.FromSlash(p)))
	}
	files = append(files, filepath.Join(mail.Dir, "index.html"), filepath.Join(mail.Dir, "preview.html"))
	msgs := runVNU(t, files)
	for _, m := range msgs {
		t.Errorf("%s:%d: %s: %s\n\t%s", strings.TrimPrefix(m.URL, "file:"), m.LastLine, m.Type, m.Message, m.Extract)
	}
	t.Logf("vnu: %d files (%d site pages, 2 email), %d errors", len(files), len(b.Pages), len(msgs))
	// The checker must see the files: a page it could not read is a
	// "non-document-error", counted above; a run that checked nothing
	// would pass, so check that it reports a known error.
	bad := filepath.Join(t.TempDir(), "bad.html")
	err := os.WriteFile(bad, []byte(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="x-apple-disable-message-reformatting"><title>t</title></head><body></body></html>`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if got := runVNU(t, []string{bad}); len(got) != 1 {
		t.Errorf("vnu on a page with a meta without content: %d errors, want 1: %v", len(got), got)
	}
}

// mailProperties are the CSS properties issue 14 found unsupported in
// Outlook for Windows and Gmail: the email must not use them at all.
var mailProperties = []string{"white-space", "table-layout", "overflow-wrap", "word-wrap", "max-width"}

// mailAllowed are the caniemail errors the email keeps on purpose, and why.
var mailAllowed = map[string]string{
	"@media": "the dark-mode colours are in @media (prefers-color-scheme: dark); " +
		"Outlook for Windows and Gmail's mobile web client ignore it and show the light email, whose colours are all inline",
	"display:none": "the hidden preheader; Gmail's mobile web client shows it at font-size 0 and max-height 0, " +
		"which hide it as well; Outlook never reads it (<!--[if !mso]>)",
}

// doiuseError is "`FEATURE` is not supported by `CLIENT`".
var doiuseError = regexp.MustCompile("^`([^`]+)` is not supported by `([^`]+)`")

// TestDoIUseEmail checks the example's email against caniemail's data
// for Outlook for Windows, Gmail and Apple Mail: none of the properties in
// mailProperties is an error, and every other error is one of mailAllowed.
func TestDoIUseEmail(t *testing.T) {
	node, cli := tool(t, "node", doiuseCLI, requireNPM, installNode)
	mail := exampleEmail(t)
	out, err := exec.Command(node, cli, "--email-clients", emailClients, filepath.Join(mail.Dir, "index.html")).Output()
	if err != nil {
		t.Fatalf("doiuse-email: %v", err)
	}
	var res struct {
		Errors   []string `json:"errors"`
		Warnings []string `json:"warnings"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("doiuse-email: %v:\n%s", err, out)
	}
	if len(res.Warnings) == 0 {
		t.Fatal("doiuse-email gave no warning at all: it did not read the email") // margins and padding always warn
	}
	kept := map[string][]string{}
	for _, e := range res.Errors {
		m := doiuseError.FindStringSubmatch(e)
		if m == nil {
			t.Errorf("doiuse-email: %s", e)
			continue
		}
		feature, client := m[1], m[2]
		switch {
		case slices.Contains(mailProperties, feature):
			t.Errorf("%s is not supported by %s, and the email uses it", feature, client)
		case mailAllowed[feature] == "":
			t.Errorf("doiuse-email: %s", e)
		default:
			kept[feature] = append(kept[feature], client)
		}
	}
	for f, clients := range kept {
		t.Logf("kept on purpose: %s (%s): %s", f, strings.Join(clients, ", "), mailAllowed[f])
	}
	t.Logf("doiuse-email (%s): %d errors, %d warnings", emailClients, len(res.Errors), len(res.Warnings))
}
