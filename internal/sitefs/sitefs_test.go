package sitefs

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/briefing-dev/briefing/internal/diag"
)

// site makes a site folder next to a folder outside it, with the links
// given (name in the site → target), and opens it.
func site(t *testing.T, links map[string]string) *FS {
	t.Helper()
	top := t.TempDir()
	dir := filepath.Join(top, "site")
	for _, d := range []string{"site/content", "outside"} {
		if err := os.MkdirAll(filepath.Join(top, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write(t, filepath.Join(dir, "content/index.md"), "inside")
	write(t, filepath.Join(top, "outside/secret.md"), "SECRET")
	for name, target := range links {
		target = strings.ReplaceAll(target, "$TOP", top)
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	return New(root)
}

func write(t *testing.T, file, text string) {
	t.Helper()
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Every way of reading a link that leaves the site, or leads nowhere, is
// a configuration problem at the link, and nothing outside is read.
func TestRefusedLinks(t *testing.T) {
	fsys := site(t, map[string]string{
		"content/abs.md":  "$TOP/outside/secret.md",
		"content/up.md":   "../../outside/secret.md",
		"content/gone.md": "old.md",
		"content/loop.md": "loop.md",
		"queries":         "../outside",
	})
	tests := []struct{ name, file, msg string }{
		{"content/abs.md", "content/abs.md", "a symbolic link to the absolute path "},
		{"content/up.md", "content/up.md", "a symbolic link to ../../outside/secret.md, which leads outside the site folder"},
		{"content/gone.md", "content/gone.md", "a symbolic link to old.md, which does not exist"},
		{"content/loop.md", "content/loop.md", "a symbolic link to loop.md, which leads round in a loop"},
		{"queries/secret.md", "queries", "a symbolic link to ../outside, which leads outside the site folder (on the way to queries/secret.md)"},
	}
	for _, tt := range tests {
		reads := map[string]func() error{
			"Open":     func() error { _, err := fsys.Open(tt.name); return err },
			"ReadFile": func() error { _, err := fs.ReadFile(fsys, tt.name); return err },
			"Stat":     func() error { _, err := fs.Stat(fsys, tt.name); return err },
			"ReadDir":  func() error { _, err := fs.ReadDir(fsys, tt.name); return err },
		}
		for how, read := range reads {
			err := read()
			var de *diag.Error
			if !errors.As(err, &de) {
				t.Errorf("%s(%s) = %v, want a *diag.Error", how, tt.name, err)
				continue
			}
			if de.Kind != diag.Config || de.Pos.File != tt.file || !strings.HasPrefix(de.Msg, tt.msg) {
				t.Errorf("%s(%s) = %v (%s at %q), want config at %s: %s…", how, tt.name, err, de.Kind, de.Pos.File, tt.file, tt.msg)
			}
			if diag.ExitCode(err) != diag.ExitUsage {
				t.Errorf("%s(%s): exit %d, want %d", how, tt.name, diag.ExitCode(err), diag.ExitUsage)
			}
			if strings.Contains(err.Error(), "SECRET") {
				t.Errorf("%s(%s) shows the outside file: %v", how, tt.name, err)
			}
		}
	}
}

// A link inside the site is followed; a missing file stays a plain
// fs.ErrNotExist, so that optional files (figures.toml) stay optional.
func TestInsideLinksAndMissingFiles(t *testing.T) {
	fsys := site(t, map[string]string{"content/alias.md": "index.md", "pages": "content"})
	for _, name := range []string{"content/alias.md", "pages/index.md", "pages/alias.md"} {
		b, err := fs.ReadFile(fsys, name)
		if err != nil || string(b) != "inside" {
			t.Errorf("ReadFile(%s) = %q, %v; want the linked file", name, b, err)
		}
	}
	if list, err := fs.ReadDir(fsys, "pages"); err != nil || len(list) != 2 {
		t.Errorf("ReadDir(pages) = %d entries, %v; want 2", len(list), err)
	}
	for _, name := range []string{"figures.toml", "content/none.md", "nodir/x.md"} {
		_, err := fs.ReadFile(fsys, name)
		if !errors.Is(err, fs.ErrNotExist) || diag.IsSource(err) {
			t.Errorf("ReadFile(%s) = %v, want a plain not-exist error", name, err)
		}
	}
}
