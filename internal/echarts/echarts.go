// Package echarts is the pinned ECharts: its version and checksum, and the
// one copy of it kept for every briefing of a user.
//
// A build looks for echarts.min.js in this order (see internal/build):
// BRIEFING_ECHARTS, [assets] echarts in site.toml, the site's
// node_modules/echarts, and then the user's copy,
//
//	os.UserCacheDir()/briefing/echarts-5.6.0/echarts.min.js
//
// ($XDG_CACHE_HOME or ~/.cache on Linux, ~/Library/Caches on macOS,
// %LocalAppData% on Windows). When the user's copy is missing, UserCopy
// fills it once with the user's own npm (`npm pack echarts@5.6.0`, so
// npm's configured registry, proxy and cache apply), takes
// package/dist/echarts.min.js (and the licence) out of the package, checks
// it against the pinned SHA-256 and only then moves it into place. Every
// copy, wherever it was found, is checked against the pin on every read.
//
// Two builds filling the folder at once each work in a temporary folder of
// their own and rename the checked file into place, so a reader sees
// either no file or the whole one.
package echarts

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// The pin: package.json names the version, and only a file with this
// checksum is used, so every site ships exactly the code that was tested.
const (
	Version = "5.6.0"
	SHA256  = "bf4a223524e40b77c304bec67e1222cf551f14880cf42c69dc046558e11c07b1"
	// File is the name of the script, in the user's copy and in the output.
	File = "echarts.min.js"
)

// Verify checks b against the pin.
func Verify(b []byte) error {
	sum := sha256.Sum256(b)
	if got := hex.EncodeToString(sum[:]); got != SHA256 {
		return fmt.Errorf("echarts.min.js has sha256 %s, not the pinned ECharts %s (%s)", got[:12], Version, SHA256[:12])
	}
	return nil
}

// UserDir is the folder of the user's copy under cacheDir (normally
// os.UserCacheDir()): cacheDir/briefing/echarts-5.6.0.
func UserDir(cacheDir string) string {
	return filepath.Join(cacheDir, "briefing", "echarts-"+Version)
}

// UserCopy is the user's copy of the pinned ECharts.
type UserCopy struct {
	// Dir is the folder that holds it (UserDir).
	Dir string
	// NPM is the npm program that fills it, or "" when there is none.
	NPM string
	// Log, when set, is told before npm runs (it may take a while).
	Log io.Writer
}

// Path is where the copy's echarts.min.js is.
func (u UserCopy) Path() string { return filepath.Join(u.Dir, File) }

// Load returns the user's echarts.min.js, checked against the pin, and
// fills the folder with npm first when it holds no good copy.
func (u UserCopy) Load() ([]byte, error) {
	if b, err := os.ReadFile(u.Path()); err == nil && Verify(b) == nil {
		return b, nil
	}
	if u.NPM == "" {
		return nil, fmt.Errorf("ECharts %s is not installed, and npm, which would fetch it once into %s for every briefing, was not found: install Node.js with npm (https://nodejs.org, or `apt install npm`, `brew install node`), or set BRIEFING_ECHARTS to a copy of echarts.min.js %s", Version, u.Dir, Version)
	}
	if err := u.fill(); err != nil {
		return nil, err
	}
	b, err := os.ReadFile(u.Path())
	if err != nil {
		return nil, err
	}
	return b, Verify(b)
}

// fill fetches the package with npm into a temporary folder beside Dir,
// checks it, and renames its files into Dir.
func (u UserCopy) fill() error {
	parent := filepath.Dir(u.Dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("ECharts %s: cannot make the user's copy: %w", Version, err)
	}
	tmp, err := os.MkdirTemp(parent, ".echarts-*")
	if err != nil {
		return fmt.Errorf("ECharts %s: cannot make the user's copy: %w", Version, err)
	}
	defer os.RemoveAll(tmp)
	if u.Log != nil {
		fmt.Fprintf(u.Log, "fetching ECharts %s with npm into %s (once for every briefing)\n", Version, u.Dir)
	}
	tgz, err := u.pack(tmp)
	if err != nil {
		return err
	}
	files, err := unpack(tgz)
	if err != nil {
		return fmt.Errorf("ECharts %s: the package npm fetched: %w", Version, err)
	}
	if err := Verify(files[File]); err != nil {
		return fmt.Errorf("ECharts %s: the package npm fetched: %w; check npm's registry (`npm config get registry`)", Version, err)
	}
	if err := os.MkdirAll(u.Dir, 0o755); err != nil {
		return err
	}
	for _, name := range []string{"LICENSE", "NOTICE", File} { // the script last: it marks a whole copy
		b, ok := files[name]
		if !ok {
			continue
		}
		if err := os.WriteFile(filepath.Join(tmp, name), b, 0o644); err != nil {
			return err
		}
		if err := os.Rename(filepath.Join(tmp, name), filepath.Join(u.Dir, name)); err != nil {
			return err
		}
	}
	return nil
}

// pack runs `npm pack echarts@VERSION` in dir and returns the tarball.
func (u UserCopy) pack(dir string) ([]byte, error) {
	cmd := exec.Command(u.NPM, "pack", "echarts@"+Version, "--ignore-scripts", "--silent")
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("ECharts %s is not installed, and `npm pack echarts@%s` failed (%v): %s; fix npm's access to its registry, or set BRIEFING_ECHARTS to a copy of echarts.min.js %s", Version, Version, err, lastLines(out.String(), 3), Version)
	}
	b, err := os.ReadFile(filepath.Join(dir, "echarts-"+Version+".tgz"))
	if err != nil {
		return nil, fmt.Errorf("ECharts %s: npm pack made no echarts-%s.tgz: %s", Version, Version, lastLines(out.String(), 3))
	}
	return b, nil
}

// maxFile bounds a file taken out of the package; echarts.min.js is about
// 1 MB.
const maxFile = 32 << 20

// unpack returns the files of the package that the copy keeps.
func unpack(tgz []byte) (map[string][]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(tgz))
	if err != nil {
		return nil, err
	}
	want := map[string]string{"package/dist/" + File: File, "package/LICENSE": "LICENSE", "package/NOTICE": "NOTICE"}
	files := map[string][]byte{}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		name, ok := want[h.Name]
		if !ok || h.Typeflag != tar.TypeReg {
			continue
		}
		b, err := io.ReadAll(io.LimitReader(tr, maxFile+1))
		if err != nil {
			return nil, err
		}
		if len(b) > maxFile {
			return nil, fmt.Errorf("%s is larger than %d bytes", h.Name, maxFile)
		}
		files[name] = b
	}
	if files[File] == nil {
		return nil, fmt.Errorf("no package/dist/%s in it", File)
	}
	return files, nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " / ")
}
