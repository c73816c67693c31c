// Package sitefs is the site folder as the build reads it: an fs.FS over
// an os.Root, so that no path and no symbolic link leads outside the site,
// whose refusals are positioned problems.
//
// os.Root already refuses a symbolic link that leads outside the root, but
// with a bare "openat content/evil.md: path escapes from parent": no kind,
// so an internal failure (exit 3). This FS finds which part of the path is
// the link and reports it as a configuration problem (exit 2) at that file:
//
//	content/evil.md: a symbolic link to the absolute path /etc/passwd: briefing follows only relative links that stay inside the site folder
//	queries/up.sql: a symbolic link to ../../x.sql, which leads outside the site folder: briefing reads only files inside it
//	queries/gone.sql: a symbolic link to old.sql, which does not exist
//
// Links that stay inside the site are followed as before. A dangling link
// is a problem too, not an absent file: a site that links a source in
// expects it to be read.
package sitefs

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/briefing-dev/briefing/internal/diag"
)

// FS reads the files under root. It implements fs.StatFS, fs.ReadFileFS
// and fs.ReadDirFS, as root.FS() does.
type FS struct {
	root *os.Root
	fsys fs.FS // root.FS()
}

// New returns the site folder open at root.
func New(root *os.Root) *FS {
	return &FS{root: root, fsys: root.FS()}
}

// Open opens the named file.
func (s *FS) Open(name string) (fs.File, error) {
	f, err := s.fsys.Open(name)
	if err != nil {
		return nil, s.explain(name, err)
	}
	return f, nil
}

// ReadFile reads the named file.
func (s *FS) ReadFile(name string) ([]byte, error) {
	b, err := fs.ReadFile(s.fsys, name)
	if err != nil {
		return nil, s.explain(name, err)
	}
	return b, nil
}

// ReadDir reads the named folder, its entries sorted by name.
func (s *FS) ReadDir(name string) ([]fs.DirEntry, error) {
	list, err := fs.ReadDir(s.fsys, name)
	if err != nil {
		return list, s.explain(name, err)
	}
	return list, nil
}

// Stat describes the named file, following links that stay inside.
func (s *FS) Stat(name string) (fs.FileInfo, error) {
	fi, err := fs.Stat(s.fsys, name)
	if err != nil {
		return nil, s.explain(name, err)
	}
	return fi, nil
}

// explain turns err, from reading name, into a *diag.Error at the first
// symbolic link on the way to name that cannot be followed. An error with
// no such link is returned as it is: a missing file stays fs.ErrNotExist.
func (s *FS) explain(name string, err error) error {
	if !fs.ValidPath(name) || name == "." {
		return err
	}
	parts := strings.Split(name, "/")
	for i := range parts {
		p := path.Join(parts[:i+1]...)
		fi, lerr := s.root.Lstat(p)
		if lerr != nil {
			return err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			continue
		}
		if _, serr := s.root.Stat(p); serr != nil {
			return s.refuse(p, name, serr)
		}
	}
	return err
}

// refuse is the problem with the link at p, met reading name; serr is
// what following the link gave.
func (s *FS) refuse(p, name string, serr error) error {
	target, _ := s.root.Readlink(p)
	at := diag.Pos{File: p}
	via := ""
	if p != name {
		via = " (on the way to " + name + ")"
	}
	if errors.Is(serr, fs.ErrNotExist) {
		return diag.Config.Errorf(at, "a symbolic link to %s, which does not exist%s", target, via)
	}
	if errors.Is(serr, syscall.ELOOP) {
		return diag.Config.Errorf(at, "a symbolic link to %s, which leads round in a loop%s", target, via)
	}
	if errors.Is(serr, fs.ErrPermission) {
		return diag.Config.Errorf(at, "a symbolic link to %s, which cannot be read%s", target, via)
	}
	if filepath.IsAbs(target) {
		return diag.Config.Errorf(at, "a symbolic link to the absolute path %s%s: briefing follows only relative links that stay inside the site folder", target, via)
	}
	return diag.Config.Errorf(at, "a symbolic link to %s, which leads outside the site folder%s: briefing reads only files inside it", target, via)
}
