//go:build linux

package build

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/briefing-dev/briefing/internal/site"
)

// A name written twice by a build whose first write was linked from the
// previous output: the second write must not go through that link, so the
// previous output stays as it was when the build is abandoned.
func TestWrittenTwiceKeepsPrevious(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "output")
	v0 := version("v0")
	if err := Write(out, v0); err != nil {
		t.Fatal(err)
	}
	o, err := Create(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := o.WriteFile("page-01.html", v0["page-01.html"]); err != nil { // linked
		t.Fatal(err)
	}
	if err := o.WriteFile("page-01.html", []byte("the second write")); err != nil {
		t.Fatal(err)
	}
	if b, err := o.ReadFile("page-01.html"); err != nil || string(b) != "the second write" {
		t.Errorf("the new output holds %q, %v; want the second write", b, err)
	}
	o.Abort()
	sameOutput(t, "after an abandoned build that wrote a name twice", out, v0)
}

// A folder of the previous output that is a link to a folder beside the
// output: its files are not the output's and are never linked into the
// new one.
func TestRebuildIgnoresLinkedFolders(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "output")
	files := site.Files{"index.html": []byte("home"), "img/logo.svg": []byte("<svg/>")}
	if err := Write(out, files); err != nil {
		t.Fatal(err)
	}
	beside := filepath.Join(dir, "static", "img")
	if err := os.MkdirAll(beside, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(beside, "logo.svg"), files["img/logo.svg"], 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(out, "img")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../static/img", filepath.Join(out, "img")); err != nil {
		t.Fatal(err)
	}
	if err := Write(out, files); err != nil {
		t.Fatal(err)
	}
	a, errA := os.Lstat(filepath.Join(out, "img", "logo.svg"))
	b, errB := os.Lstat(filepath.Join(beside, "logo.svg"))
	if errA != nil || errB != nil {
		t.Fatal(errA, errB)
	}
	if os.SameFile(a, b) {
		t.Error("output/img/logo.svg is the file beside the output that a link in the previous output led to")
	}
	sameOutput(t, "after the rebuild", out, files)
}

// Two builds of one output at once, one writing slowly while the other
// swaps in files of the same size and other bytes: the slow one holds
// only its own bytes, never a file the other build made.
func TestConcurrentBuildsDoNotMix(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "output")
	make := func(v byte) site.Files {
		f := site.Files{}
		for i := range 40 {
			f[fmt.Sprintf("p/%03d.html", i)] = bytes.Repeat([]byte{v}, 64<<10)
		}
		return f
	}
	mixed := 0
	for range 20 {
		if err := Write(out, make('a')); err != nil {
			t.Fatal(err)
		}
		slow, err := Create(out)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var fastErr error
		wg.Go(func() { fastErr = Write(out, make('b')) })
		for name, b := range make('a') {
			if err := slow.WriteFile(name, b); err != nil {
				t.Fatal(err)
			}
			time.Sleep(100 * time.Microsecond) // the next page is being rendered
		}
		wg.Wait()
		if fastErr != nil {
			t.Fatal(fastErr)
		}
		for name := range make('a') {
			if b, err := slow.ReadFile(name); err != nil || b[0] != 'a' {
				mixed++
			}
		}
		slow.Abort()
	}
	if mixed > 0 {
		t.Errorf("%d files of the slow build hold the other build's bytes", mixed)
	}
}

// Builds of one output started at the same moment all start: none takes
// another's new folder, still empty or with its marker not yet locked,
// for a dead build's. (They commit one after the other here.)
func TestConcurrentStarts(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "output")
	for round := range 30 {
		outs := make([]*Output, 4)
		errs := make([]error, len(outs))
		var wg sync.WaitGroup
		for i := range outs {
			wg.Go(func() {
				if outs[i], errs[i] = Create(out); errs[i] == nil {
					errs[i] = outs[i].WriteFile("index.html", []byte(fmt.Sprint("build ", i)))
				}
			})
		}
		wg.Wait()
		for i, o := range outs {
			if errs[i] != nil {
				t.Fatalf("round %d, build %d: %v", round, i, errs[i])
			}
			if err := o.Commit(); err != nil {
				t.Fatalf("round %d, build %d: %v", round, i, err)
			}
		}
	}
	sameOutput(t, "after the builds", out, site.Files{"index.html": []byte("build 3")})
	if l := leftovers(t, dir); len(l) > 0 {
		t.Errorf("after the builds, %v are left", l)
	}
}

// Builds of one output that commit at the same moment all succeed, one
// after the other: the output is one build's whole, and nothing is left
// beside it.
func TestConcurrentCommits(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "output")
	commitAtOnce(t, dir, out, "v", 20)
}

// commitAtOnce runs rounds of 4 builds of out that commit at once: every
// build succeeds, the output is then one build's whole, and nothing is
// left beside it in dir.
func commitAtOnce(t *testing.T, dir, out, prefix string, rounds int) {
	t.Helper()
	versions := make([]site.Files, 4)
	for i := range versions {
		versions[i] = version(fmt.Sprint(prefix, i))
	}
	for round := range rounds {
		errs := make([]error, len(versions))
		var wg sync.WaitGroup
		for i := range versions {
			wg.Go(func() { errs[i] = Write(out, versions[i]) })
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("round %d, build %d: %v", round, i, err)
			}
		}
		got := readTree(t, out)
		delete(got, Marker)
		whole := false
		for _, v := range versions {
			if len(got) == len(v) && string(got["page-00.html"]) == string(v["page-00.html"]) {
				sameFiles(t, fmt.Sprint("round ", round), v, got)
				whole = true
			}
		}
		if !whole {
			t.Fatalf("round %d: the output is no build's whole output", round)
		}
	}
	if l := leftovers(t, dir); len(l) > 0 {
		t.Errorf("after the builds, %v are left", l)
	}
}

// A rebuild keeps each unchanged file of the previous output (the same
// file, linked), writes the changed ones anew, and never takes over a
// symbolic link or a file of another size that the previous output holds
// under a page's name.
func TestRebuildReusesUnchanged(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "output")
	v0 := version("v0")
	v0["page-01.html"] = []byte("unchanged")
	if err := Write(out, v0); err != nil {
		t.Fatal(err)
	}
	before := map[string]os.FileInfo{}
	for _, n := range []string{"page-01.html", "page-03.html", "assets/a/same.js"} {
		fi, err := os.Stat(filepath.Join(out, n))
		if err != nil {
			t.Fatal(err)
		}
		before[n] = fi
	}
	// page-02.html is a link to a file beside the output holding what the
	// next build writes there, and whose size is the link's: the next
	// build must write a file of its own.
	outside := filepath.Join(dir, "outside.html")
	target := "../outside.html"
	if err := os.WriteFile(outside, []byte(target), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(out, "page-02.html")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, filepath.Join(out, "page-02.html")); err != nil {
		t.Fatal(err)
	}
	v1 := version("v1")
	v1["page-01.html"] = v0["page-01.html"]
	v1["page-02.html"] = []byte(target)
	if err := Write(out, v1); err != nil {
		t.Fatal(err)
	}
	sameOutput(t, "after the rebuild", out, v1)
	for n, old := range before {
		fi, err := os.Lstat(filepath.Join(out, n))
		if err != nil {
			t.Fatal(err)
		}
		if !fi.Mode().IsRegular() {
			t.Errorf("%s is %v after the rebuild; want a plain file", n, fi.Mode())
		}
		reused := os.SameFile(old, fi)
		if want := n == "page-01.html" || n == "assets/a/same.js"; reused != want {
			t.Errorf("%s: same file as before the rebuild = %v; want %v", n, reused, want)
		}
	}
	if fi, err := os.Lstat(filepath.Join(out, "page-02.html")); err != nil {
		t.Error(err)
	} else if !fi.Mode().IsRegular() {
		t.Errorf("page-02.html is %v after the rebuild; want a plain file", fi.Mode())
	}
	if b, err := os.ReadFile(outside); err != nil || string(b) != target {
		t.Errorf("the file outside the output is %q, %v; want it untouched", b, err)
	}
}

// Without the atomic exchange (macOS, file systems that refuse it), a
// commit's two renames leave a moment with no output: the output's parent
// is locked all through it, so a briefing email run (LockOutput) or
// another commit waits, and builds committing at once take turns.
func TestCommitsTakeTurnsWithoutExchange(t *testing.T) {
	exchange = false
	defer func() { exchange = true }()
	dir := t.TempDir()
	out := filepath.Join(dir, "output")
	if err := Write(out, version("v0")); err != nil {
		t.Fatal(err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	checked := false
	faultHook = func(point string) {
		if point != "between" {
			return
		}
		checked = true
		if l, err := lockParent(root, false); err == nil {
			l.Close()
			t.Error("between the two renames, the output's parent could be locked: an email run or another commit would not wait")
		}
	}
	err = Write(out, version("v1"))
	faultHook = nil
	if err != nil || !checked {
		t.Fatalf("Write: %v; the swap between its renames was seen: %v", err, checked)
	}
	sameOutput(t, "after the commit", out, version("v1"))
	commitAtOnce(t, dir, out, "w", 10)
}

// What a killed build leaves is removed by the next: a new folder that has
// lost its marker (killed while the previous output was being removed,
// whose marker may go first) as well as one with an unlocked marker. The
// folders of another output whose name starts the same are not touched.
func TestLeftoversWithoutMarker(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "output")
	if err := Write(out, version("v0")); err != nil {
		t.Fatal(err)
	}
	dead := filepath.Join(dir, fmt.Sprintf(".output.new-%d-999999", os.Getpid()))
	other := filepath.Join(dir, fmt.Sprintf(".output.new-design.new-%d-1", os.Getpid()))
	for _, d := range []string{dead, other} {
		if err := os.MkdirAll(filepath.Join(d, "part"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "part", "page.html"), []byte("half removed"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := Write(out, version("v1")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dead); !os.IsNotExist(err) {
		t.Errorf("the dead build's folder without a marker is still there (%v)", err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("another output's folder was removed: %v", err)
	}
}

// briefing email may lock an output folder briefing did not write, or one
// named through a symbolic link, as it always could use them.
func TestLockOutputAnyFolder(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain")
	if err := os.MkdirAll(plain, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(plain, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(plain, link); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{plain, link, filepath.Join(dir, "not-yet")} {
		unlock, err := LockOutput(p)
		if err != nil {
			t.Errorf("LockOutput(%s): %v", p, err)
			continue
		}
		unlock()
	}
}

// Under a stricter umask (027: files are 0640), unchanged files are still
// reused. Run in a child process, whose umask and whose reading of it
// (writtenMode, once a process) are its own.
func TestReuseUnderUmask(t *testing.T) {
	if os.Getenv("BRIEFING_UMASK_CHILD") == "" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestReuseUnderUmask$", "-test.v")
		cmd.Env = append(os.Environ(), "BRIEFING_UMASK_CHILD=1")
		if out, err := cmd.CombinedOutput(); err != nil || !bytes.Contains(out, []byte("--- PASS")) {
			t.Fatalf("the child: %v\n%s", err, out)
		}
		return
	}
	unix.Umask(0o027)
	out := filepath.Join(t.TempDir(), "output")
	files := version("v0")
	if err := Write(out, files); err != nil {
		t.Fatal(err)
	}
	before, err := os.Stat(filepath.Join(out, "page-01.html"))
	if err != nil {
		t.Fatal(err)
	}
	if before.Mode().Perm() != 0o640 {
		t.Fatalf("a file is written %v under umask 027; want 0640", before.Mode().Perm())
	}
	if err := Write(out, files); err != nil {
		t.Fatal(err)
	}
	after, err := os.Stat(filepath.Join(out, "page-01.html"))
	if err != nil || !os.SameFile(before, after) {
		t.Errorf("under umask 027 an unchanged file is written anew (%v)", err)
	}
}
