// Package scaffold writes a small working briefing for `briefing new`:
// site.toml, one data file, one query, figures, one chart, one page, and,
// when asked, the default templates to edit.
package scaffold

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"
)

//go:embed all:files
var files embed.FS

// Options for Write.
type Options struct {
	Title     string // the briefing's title
	Force     bool   // write into a non-empty folder (never over an existing file)
	Templates fs.FS  // the default templates to copy into templates/, or nil
}

// Write creates the briefing in dir through an os.Root on it. It refuses
// a non-empty folder unless opt.Force, and never overwrites a file.
func Write(dir string, opt Options) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	if len(entries) > 0 && !opt.Force {
		return nil, fmt.Errorf("%s is not empty; choose an empty folder, or add --force to add the files beside what is there", dir)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	var written []string
	write := func(name string, data []byte) error {
		if err := root.MkdirAll(path.Dir(name), 0o755); err != nil {
			return err
		}
		f, err := root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s already exists; not overwriting it", name)
		}
		if err != nil {
			return err
		}
		if _, err := f.Write(data); err != nil {
			f.Close()
			return err
		}
		written = append(written, name)
		return f.Close()
	}
	title := opt.Title
	if title == "" {
		title = "Quarterly briefing"
	}
	err = fs.WalkDir(files, "files", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "files/")
		if name == "site.toml" {
			b = []byte(strings.Replace(string(b), "TITLE", strings.ReplaceAll(title, `"`, `\\"`), 1))
		}
		return write(strings.TrimSuffix(name, ".txt"), b)
	})
	if err != nil {
		return written, err
	}
	if opt.Templates != nil {
		err = fs.WalkDir(opt.Templates, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := fs.ReadFile(opt.Templates, p)
			if err != nil {
				return err
			}
			return write(path.Join("templates", p), b)
		})
	}
	return written, err
}
