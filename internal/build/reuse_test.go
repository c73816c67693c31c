package build

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

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
