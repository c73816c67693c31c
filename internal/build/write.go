package build

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/site"
)

// Marker is the file that marks a directory as briefing's own output.
// Write replaces only a directory that is empty or holds this file.
const Marker = ".briefing-output"

const markerText = "This directory is written by `briefing build` and replaced whole on every build.\n"

// CheckOutput refuses an output directory that would overwrite or be read
// as the sources: the site root itself, a folder that contains the site,
// or a folder inside one of the source folders. Both paths must be absolute.
func CheckOutput(siteDir, outDir string) error {
	siteDir, outDir = filepath.Clean(siteDir), filepath.Clean(outDir)
	switch {
	case outDir == siteDir:
		return fmt.Errorf("output directory %s is the site folder itself; choose a folder such as %s", outDir, filepath.Join(siteDir, "output"))
	case within(siteDir, outDir):
		return fmt.Errorf("output directory %s contains the site folder %s; replacing it would delete the sources", outDir, siteDir)
	}
	for _, d := range SourceDirs {
		src := filepath.Join(siteDir, d)
		if outDir == src || within(outDir, src) {
			return fmt.Errorf("output directory %s is inside the source folder %s/", outDir, d)
		}
	}
	return nil
}

// within reports whether p lies strictly inside dir.
func within(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != "." && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// Write replaces outDir with files. It writes into a fresh sibling folder
// through an os.Root opened on outDir's parent, and swaps it in only when
// every file is written: a failure leaves the previous output as it was.
// outDir must be absolute and its parent must exist.
func Write(outDir string, files site.Files) error {
	parent, base := filepath.Dir(outDir), filepath.Base(outDir)
	root, err := os.OpenRoot(parent)
	if err != nil {
		return fmt.Errorf("opening the output's parent folder: %w", err)
	}
	defer root.Close()
	exists, err := checkReplaceable(root, base, outDir)
	if err != nil {
		return err
	}
	suffix := strconv.Itoa(os.Getpid())
	tmp := "." + base + ".new-" + suffix
	if err := root.RemoveAll(tmp); err != nil {
		return err
	}
	if err := root.Mkdir(tmp, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", filepath.Join(parent, tmp), err)
	}
	if err := writeAll(root, tmp, files); err != nil {
		_ = root.RemoveAll(tmp)
		return err
	}
	if !exists {
		return root.Rename(tmp, base)
	}
	kept, err := carryOver(root, base, tmp, files)
	undo := func() {
		for _, k := range kept {
			_ = root.Rename(path.Join(tmp, k), path.Join(base, k))
		}
		_ = root.RemoveAll(tmp)
	}
	if err != nil {
		undo()
		return err
	}
	old := "." + base + ".old-" + suffix
	if err := root.Rename(base, old); err != nil {
		undo()
		return fmt.Errorf("moving the previous output aside: %w", err)
	}
	if err := root.Rename(tmp, base); err != nil {
		_ = root.Rename(old, base)
		undo()
		return fmt.Errorf("swapping in the new output: %w", err)
	}
	return root.RemoveAll(old)
}

// carryOver moves into the new output the subfolders that other commands
// wrote there (briefing email writes email/), so that rebuilding the site
// does not delete the email edition. Only folders that carry the marker
// and that the new build does not write itself are moved.
func carryOver(root *os.Root, old, tmp string, files site.Files) (kept []string, err error) {
	entries, err := fs.ReadDir(root.FS(), old)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if _, err := root.Lstat(path.Join(old, e.Name(), Marker)); err != nil {
			continue
		}
		prefix := e.Name() + "/"
		clash := false
		for n := range files {
			if strings.HasPrefix(n, prefix) {
				clash = true
				break
			}
		}
		if clash {
			continue
		}
		if err := root.Rename(path.Join(old, e.Name()), path.Join(tmp, e.Name())); err != nil {
			return kept, fmt.Errorf("keeping %s from the previous output: %w", e.Name(), err)
		}
		kept = append(kept, e.Name())
	}
	return kept, nil
}

// checkReplaceable reports whether name exists, and refuses to replace it
// unless it is a directory that is empty or carries the marker.
func checkReplaceable(root *os.Root, name, full string) (bool, error) {
	info, err := root.Lstat(name)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !info.IsDir() {
		return false, diag.Output.Errorf(diag.Pos{}, "output %s exists and is not a directory", full)
	}
	entries, err := fs.ReadDir(root.FS(), name)
	if err != nil {
		return false, err
	}
	if len(entries) > 0 && !slices.ContainsFunc(entries, func(e fs.DirEntry) bool { return e.Name() == Marker }) {
		return false, diag.Output.Errorf(diag.Pos{}, "output directory %s is not empty and was not written by briefing (no %s file); refusing to replace it", full, Marker)
	}
	return true, nil
}

func writeAll(root *os.Root, dir string, files site.Files) error {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		if !fs.ValidPath(n) {
			return fmt.Errorf("refusing to write %q: not a path inside the output", n)
		}
		p := path.Join(dir, n)
		if err := root.MkdirAll(path.Dir(p), 0o755); err != nil {
			return err
		}
		if err := root.WriteFile(p, files[n], 0o644); err != nil {
			return err
		}
	}
	return root.WriteFile(path.Join(dir, Marker), []byte(markerText), 0o644)
}

// EnsureOutput creates outDir, marked as briefing's own, when it does not
// exist yet, so that another command can write a part of it (email/) and a
// later build may still replace it. An existing folder is left as it is.
func EnsureOutput(outDir string) error {
	parent, base := filepath.Dir(outDir), filepath.Base(outDir)
	root, err := os.OpenRoot(parent)
	if err != nil {
		return fmt.Errorf("opening the output's parent folder: %w", err)
	}
	defer root.Close()
	if _, err := root.Lstat(base); err == nil {
		return nil
	}
	if err := root.Mkdir(base, 0o755); err != nil {
		return err
	}
	return root.WriteFile(path.Join(base, Marker), []byte(markerText), 0o644)
}
