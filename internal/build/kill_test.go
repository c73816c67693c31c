//go:build linux

package build

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/briefing-dev/briefing/internal/site"
)

// version is an output whose every file says which build wrote it.
func version(v string) site.Files {
	files := site.Files{
		"assets/a/style.css": []byte(v + " css"),
		// The same in every version: a rebuild links it from the
		// previous output (Output.reuse), killed or not.
		"assets/a/same.js": []byte("same in every version"),
	}
	for i := range 40 {
		name := fmt.Sprintf("page-%02d.html", i)
		files[name] = []byte(v + " " + name)
	}
	return files
}

// TestKillChild is the child of TestWriteKilled: it writes an output and
// kills itself with SIGKILL at the point BRIEFING_KILL_AT names.
func TestKillChild(t *testing.T) {
	at := os.Getenv("BRIEFING_KILL_AT")
	if at == "" {
		t.Skip("run by TestWriteKilled")
	}
	exchange = os.Getenv("BRIEFING_KILL_EXCHANGE") == "1"
	n := 0
	faultHook = func(point string) {
		if point == "file" {
			n++
			point = fmt.Sprintf("file:%d", n)
		}
		if point == at {
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
			select {}
		}
	}
	err := Write(os.Getenv("BRIEFING_KILL_OUT"), version(os.Getenv("BRIEFING_KILL_VERSION")))
	t.Fatalf("not killed at %s (write: %v)", at, err)
}

// TestWriteKilled kills a process writing the output (SIGKILL, at points
// injected through faultHook, not by timing): during the writing, just
// before the swap, after it, and between the two renames of the swap
// without an atomic exchange. The output is always wholly the previous or
// wholly the new one; the next build, failed or not, leaves no leftover
// folder; and the output is never gone after a build that did not finish.
func TestWriteKilled(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "output")
	want := version("v0")
	var points []string
	faultHook = func(p string) { points = append(points, p) }
	for range 2 {
		if err := Write(out, want); err != nil {
			t.Fatal(err)
		}
	}
	faultHook = nil
	if slices.Contains(points, "between") || !slices.Contains(points, "swapped") {
		t.Errorf("replacing an output went through %q; want an exchange, with no moment between two renames", slices.Compact(points))
	}
	cases := []struct {
		at       string
		exchange bool
		isNew    bool // the killed build's output is in place
	}{
		{"file:1", true, false},
		{"file:20", true, false},
		{"file:41", true, false}, // the last file
		{"swap", true, false},
		{"swapped", true, true},
		{"swap", false, false},
		{"between", false, false}, // restored by the next build
		{"swapped", false, true},
	}
	// With the exchange, no moment lacks the output: the child is never at
	// "between", and its build completes.
	if b, err := childAt(out, "v-exchange", "between", true); err == nil || !strings.Contains(string(b), "not killed at between (write: <nil>)") {
		t.Errorf("a build with the atomic exchange passed between two renames, or failed: %v\n%s", err, b)
	}
	want = version("v-exchange")
	sameOutput(t, "after a build with the exchange", out, want)
	if l := leftovers(t, dir); len(l) > 0 {
		t.Errorf("after a build with the exchange, %v are left", l)
	}
	for i, c := range cases {
		name := fmt.Sprintf("%s exchange=%v", c.at, c.exchange)
		v := fmt.Sprintf("v%d", i+1)
		killChild(t, out, v, c.at, c.exchange)
		if c.isNew {
			want = version(v)
		}
		if c.at != "between" {
			sameOutput(t, name+": after the kill", out, want)
		} else if _, err := os.Lstat(out); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: the output exists between the two renames (the test does not kill where it should)", name)
		}
		if len(leftovers(t, dir)) == 0 {
			t.Errorf("%s: the killed build left nothing behind (the test does not kill where it should)", name)
		}
		// A build that fails puts back what it finds missing and removes
		// what killed builds left.
		o, err := Create(out)
		if err != nil {
			t.Fatalf("%s: next build: %v", name, err)
		}
		if err := o.WriteFile("index.html", []byte("failed")); err != nil {
			t.Fatal(err)
		}
		o.Abort()
		sameOutput(t, name+": after a failed build", out, want)
		if l := leftovers(t, dir); len(l) > 0 {
			t.Errorf("%s: after the next build, %v are left", name, l)
		}
		want = version(v + "-next")
		if err := Write(out, want); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		sameOutput(t, name+": after a good build", out, want)
	}
}

// childAt runs TestKillChild to write version v to out, killed at at.
func childAt(out, v, at string, exchange bool) ([]byte, error) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestKillChild$")
	cmd.Env = append(os.Environ(), "BRIEFING_KILL_AT="+at, "BRIEFING_KILL_OUT="+out, "BRIEFING_KILL_VERSION="+v,
		"BRIEFING_KILL_EXCHANGE="+map[bool]string{true: "1"}[exchange])
	return cmd.CombinedOutput()
}

func killChild(t *testing.T, out, v, at string, exchange bool) {
	t.Helper()
	b, err := childAt(out, v, at, exchange)
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("child killed at %s: %v\n%s", at, err, b)
	}
	if ws, ok := ee.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("child to be killed at %s ended with %v:\n%s", at, err, b)
	}
}

// sameOutput checks that out holds exactly want and the marker.
func sameOutput(t *testing.T, what, out string, want site.Files) {
	t.Helper()
	got := readTree(t, out)
	if _, ok := got[Marker]; !ok {
		t.Errorf("%s: the output has no marker", what)
	}
	delete(got, Marker)
	sameFiles(t, what, want, got)
}

// leftovers lists what is next to the output in dir.
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if e.Name() != "output" {
			names = append(names, e.Name())
		}
	}
	return names
}

// TestWriteConcurrent starts two builds of one output: the second does not
// take the first's new folder for a leftover, and both can finish.
func TestWriteConcurrent(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "output")
	if err := Write(out, version("v0")); err != nil {
		t.Fatal(err)
	}
	a, err := Create(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.WriteFile("page-00.html", []byte("a")); err != nil {
		t.Fatal(err)
	}
	b, err := Create(out)
	if err != nil {
		t.Fatal(err)
	}
	if got := leftovers(t, dir); len(got) != 2 {
		t.Errorf("two running builds, next to the output: %v; want their two folders", got)
	}
	for _, o := range []*Output{a, b} {
		for name, data := range version("v1") {
			if err := o.WriteFile(name, data); err != nil {
				t.Fatal(err)
			}
		}
		if err := o.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	sameOutput(t, "after two builds", out, version("v1"))
	if l := leftovers(t, dir); len(l) > 0 {
		t.Errorf("after two builds, %v are left", l)
	}
}

// TestCheckOutputSymlinks compares folders by what they are: an output
// folder named through a symlink to the site is refused where the site's
// own path would be.
func TestCheckOutputSymlinks(t *testing.T) {
	dir := t.TempDir()
	siteDir := filepath.Join(dir, "brief")
	for _, d := range []string{"content", "static"} {
		if err := os.MkdirAll(filepath.Join(siteDir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	link := filepath.Join(dir, "L")
	up := filepath.Join(dir, "up")
	if err := os.Symlink(siteDir, link); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(dir, up); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		out string
		ok  bool
	}{
		{"L/output", true},
		{"L/public/site", true},
		{"brief-out", true},
		{"L/static", false},
		{"L/static/out", false},
		{"L/content", false},
		{"L/data/x", false}, // data/ does not exist: refused by name
		{"L", false},
		{"L/.", false},
		{"up", false},
		{"up/brief/charts", false},
	} {
		err := CheckOutput(siteDir, filepath.Join(dir, tc.out))
		if (err == nil) != tc.ok {
			t.Errorf("CheckOutput(%s) = %v; want ok=%v", tc.out, err, tc.ok)
		}
		if err != nil && !strings.Contains(err.Error(), filepath.Join(dir, tc.out)) {
			t.Errorf("CheckOutput(%s) = %q; want it to name the folder", tc.out, err)
		}
	}
	// The site given through the symlink, the output by its real path.
	if err := CheckOutput(link, filepath.Join(siteDir, "static")); err == nil {
		t.Errorf("the site through a symlink, the output inside static/ by its real path: accepted")
	}
}
