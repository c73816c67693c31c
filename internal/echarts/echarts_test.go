package echarts

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func pinned(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("../../node_modules/echarts/dist/echarts.min.js")
	if err != nil {
		t.Fatalf("ECharts is not installed (%v): run `npm ci` at the repository root", err)
	}
	return b
}

// tgz makes an npm package tarball holding files.
func tgz(t *testing.T, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for name, b := range files {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(b)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write(b)
	}
	tw.Close()
	zw.Close()
	return buf.Bytes()
}

// fakeNPM writes a program that answers `npm pack echarts@VERSION` by
// copying pkg into the working folder, and counts its runs in a file.
func fakeNPM(t *testing.T, pkg []byte) (npm, runs string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the fake npm is a shell script")
	}
	dir := t.TempDir()
	src, runs := filepath.Join(dir, "pkg.tgz"), filepath.Join(dir, "runs")
	if err := os.WriteFile(src, pkg, 0o644); err != nil {
		t.Fatal(err)
	}
	npm = filepath.Join(dir, "npm")
	script := "#!/bin/sh\necho run >> '" + runs + "'\n[ \"$1 $2\" = \"pack echarts@" + Version + "\" ] || exit 9\ncp '" + src + "' echarts-" + Version + ".tgz\n"
	if err := os.WriteFile(npm, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return npm, runs
}

// The first Load fills the user's copy through npm, checked; later ones
// read it without running npm.
func TestUserCopyFills(t *testing.T) {
	js := pinned(t)
	npm, runs := fakeNPM(t, tgz(t, map[string][]byte{"package/dist/echarts.min.js": js, "package/LICENSE": []byte("Apache")}))
	u := UserCopy{Dir: UserDir(t.TempDir()), NPM: npm}
	for range 2 {
		b, err := u.Load()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b, js) {
			t.Fatal("Load returned other bytes than the package's")
		}
	}
	if n, _ := os.ReadFile(runs); strings.Count(string(n), "run") != 1 {
		t.Errorf("npm ran %d times, want once", strings.Count(string(n), "run"))
	}
	if _, err := os.Stat(filepath.Join(u.Dir, "LICENSE")); err != nil {
		t.Errorf("the licence was not kept: %v", err)
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(u.Dir), ".echarts-*"))
	if len(left) > 0 {
		t.Errorf("temporary folders left: %v", left)
	}
}

// A package whose script is not the pinned one is never put in place.
func TestUserCopyRefusesOtherBytes(t *testing.T) {
	npm, _ := fakeNPM(t, tgz(t, map[string][]byte{"package/dist/echarts.min.js": []byte("window.echarts = {}")}))
	u := UserCopy{Dir: UserDir(t.TempDir()), NPM: npm}
	_, err := u.Load()
	if err == nil || !strings.Contains(err.Error(), "not the pinned ECharts 5.6.0") {
		t.Fatalf("Load = %v, want the checksum refused", err)
	}
	if _, err := os.Stat(u.Path()); !os.IsNotExist(err) {
		t.Errorf("a refused copy is at %s: %v", u.Path(), err)
	}
	// A bad copy already in place is replaced, not served.
	if err := os.MkdirAll(u.Dir, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(u.Path(), []byte("tampered"), 0o644)
	u.NPM, _ = fakeNPM(t, tgz(t, map[string][]byte{"package/dist/echarts.min.js": pinned(t)}))
	if _, err := u.Load(); err != nil {
		t.Errorf("Load over a tampered copy: %v", err)
	}
}

// Without npm the error says what to install.
func TestUserCopyWithoutNPM(t *testing.T) {
	u := UserCopy{Dir: UserDir(t.TempDir())}
	_, err := u.Load()
	if err == nil || !strings.Contains(err.Error(), "install Node.js with npm") || !strings.Contains(err.Error(), "BRIEFING_ECHARTS") {
		t.Errorf("Load = %v, want what to install", err)
	}
}

// A failing npm's own words are in the error.
func TestUserCopyNPMFails(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the fake npm is a shell script")
	}
	dir := t.TempDir()
	npm := filepath.Join(dir, "npm")
	os.WriteFile(npm, []byte("#!/bin/sh\necho 'npm error code E404' >&2\nexit 1\n"), 0o755)
	_, err := UserCopy{Dir: UserDir(dir), NPM: npm}.Load()
	if err == nil || !strings.Contains(err.Error(), "npm error code E404") || !strings.Contains(err.Error(), "npm pack echarts@5.6.0") {
		t.Errorf("Load = %v, want npm's error", err)
	}
}

func TestUnpackBounds(t *testing.T) {
	if _, err := unpack(tgz(t, map[string][]byte{"package/README.md": []byte("x")})); err == nil {
		t.Error("a package without dist/echarts.min.js was accepted")
	}
	if _, err := unpack([]byte("not gzip")); err == nil {
		t.Error("a file that is not a tarball was accepted")
	}
}
