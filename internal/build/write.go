package build

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/site"
)

// Marker is the file that marks a directory as briefing's own output.
// An output folder is replaced only when it is empty or holds this file.
const Marker = ".briefing-output"

const markerText = "This directory is written by `briefing build` and replaced whole on every build.\n"

// Output is a folder being written: a site.Writer that puts each file into
// a fresh sibling of the output folder (.NAME.new-…) as it arrives, and
// Commit swaps that sibling in. Until Commit the previous output is not
// touched, so a failed or killed build leaves it byte for byte; a build
// killed before Commit leaves its sibling behind, and the next Create
// removes it. Everything is written through an os.Root on the output's
// parent, so no path can leave it.
type Output struct {
	root   *os.Root
	parent string // the output's parent folder, absolute
	base   string // the output folder's name in parent
	tmp    string // the new output's name in parent
	lock   *os.File
	exists bool // the output folder existed when Create looked

	made sync.Map // folders made in tmp
	dirs dirs     // folders held open while writing (write_linux.go)
	mu   sync.Mutex
	tops map[string]bool // first path elements written
	done atomic.Bool
}

// faultHook, when set (by tests only), is called at points of a write:
// "file" after each file, "swap" just before the output is swapped in,
// "between" between the two renames of the fallback swap and "swapped"
// after the swap. A test kills its process there.
var faultHook func(point string)

// exchange swaps two folders atomically where the OS can (renameat2 with
// RENAME_EXCHANGE on Linux); tests turn it off to try the fallback.
var exchange = true

func hook(point string) {
	if faultHook != nil {
		faultHook(point)
	}
}

var tmpSeq atomic.Int64

// Create starts writing the output folder outDir (absolute; its parent
// must exist). It refuses a file, or a non-empty folder without the
// marker, with a diag.Output error, and removes what killed builds left
// next to it.
func Create(outDir string) (*Output, error) {
	parent, base := filepath.Dir(outDir), filepath.Base(outDir)
	root, err := os.OpenRoot(parent)
	if err != nil {
		return nil, diag.Output.Errorf(diag.Pos{}, "output folder %s: cannot open its parent folder: %v", outDir, unwrapPath(err))
	}
	o := &Output{root: root, parent: parent, base: base, tops: map[string]bool{}}
	if err := o.start(); err != nil {
		root.Close()
		return nil, err
	}
	return o, nil
}

func (o *Output) start() error {
	if err := cleanLeftovers(o.root, o.base); err != nil {
		return err
	}
	var err error
	if o.exists, err = checkReplaceable(o.root, o.base, o.full()); err != nil {
		return err
	}
	// The marker goes first and stays locked while this build runs: a
	// folder with an unlocked marker is a dead build's, safe to remove.
	// Until it is locked, the folder is in starting (this process) or
	// named by a live PID (another), and no cleaner takes it.
	o.tmp = fmt.Sprintf(".%s.new-%d-%d", o.base, os.Getpid(), tmpSeq.Add(1))
	starting.Store(o.tmp, true) // until its marker is locked (cleanLeftovers)
	defer starting.Delete(o.tmp)
	if err := o.root.Mkdir(o.tmp, 0o755); err != nil {
		return diag.Internal.Errorf(diag.Pos{}, "output folder %s: cannot create %s: %v", o.full(), o.tmp, unwrapPath(err))
	}
	if o.lock, err = lockMarker(o.root, o.tmp, true); err != nil {
		_ = o.root.RemoveAll(o.tmp)
		return err
	}
	return nil
}

// starting holds the new folders of this process's builds that do not
// have their marker locked yet.
var starting sync.Map

// leftover matches the folders builds of output NAME put next to it:
// .NAME.new-PID-N (being written) and .NAME.old-PID-N (being removed).
func leftover(base, name string) (old bool, pid int, ok bool) {
	m := regexp.MustCompile(`^\.` + regexp.QuoteMeta(base) + `\.(new|old)-(\d+)-\d+$`).FindStringSubmatch(name)
	if m == nil {
		return false, 0, false
	}
	pid, err := strconv.Atoi(m[2])
	return m[1] == "old", pid, err == nil
}

// startedElsewhere reports whether the new folder name, made by process
// pid, may be a build that is starting: made by this process and not yet
// locked, or by another process that is still running. Such a folder is
// empty, or holds a marker not yet locked, for a moment; it is not a dead
// build's.
func startedElsewhere(name string, pid int) bool {
	if _, ok := starting.Load(name); ok {
		return true
	}
	return pid != os.Getpid() && running(pid)
}

func (o *Output) full() string { return filepath.Join(o.parent, o.base) }

// WriteFile writes one file of the new output; it is safe for concurrent
// use. A name written twice holds the second write: the first is unlinked,
// never opened again, so a file linked from the previous output (reuse)
// is never written through.
func (o *Output) WriteFile(name string, data []byte) error {
	if !fs.ValidPath(name) || name == "." || name == Marker {
		return diag.Internal.Errorf(diag.Pos{}, "refusing to write %q: not a path inside the output", name)
	}
	if err := o.mkdirs(path.Dir(name)); err != nil {
		return err
	}
	if err := o.writeFile(name, data); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	top, _, _ := strings.Cut(name, "/")
	o.mu.Lock()
	o.tops[top] = true
	o.mu.Unlock()
	hook("file")
	return nil
}

// ReadFile reads back a file written before.
func (o *Output) ReadFile(name string) ([]byte, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "read", Path: name, Err: fs.ErrInvalid}
	}
	return o.root.ReadFile(path.Join(o.tmp, name))
}

// mkdirs makes a folder of the new output, once.
func (o *Output) mkdirs(dir string) error {
	if dir == "." {
		return nil
	}
	if _, ok := o.made.Load(dir); ok {
		return nil
	}
	if err := o.root.MkdirAll(path.Join(o.tmp, dir), 0o755); err != nil {
		return fmt.Errorf("creating %s in the output: %w", dir, err)
	}
	o.made.Store(dir, true)
	return nil
}

// Abort removes the new output and leaves the previous one as it was. It
// does nothing after Commit.
func (o *Output) Abort() {
	if o.done.Swap(true) {
		return
	}
	o.closeDirs()
	_ = o.root.RemoveAll(o.tmp)
	o.close()
}

func (o *Output) close() {
	o.closeDirs()
	if o.lock != nil {
		o.lock.Close()
	}
	o.root.Close()
}

// Commit swaps the new output in for the previous one, carrying over the
// parts other commands wrote (email/), and removes the previous one.
func (o *Output) Commit() error {
	if o.done.Swap(true) {
		return errors.New("output already committed or aborted")
	}
	defer o.close()
	o.closeDirs()
	held, err := lockParent(o.root, true)
	if err != nil {
		_ = o.root.RemoveAll(o.tmp)
		return diag.Internal.Errorf(diag.Pos{}, "output folder %s: cannot lock its parent folder: %v", o.full(), unwrapPath(err))
	}
	defer held.Close()
	if !o.exists {
		hook("swap")
		err := o.root.Rename(o.tmp, o.base)
		if err == nil {
			return nil
		}
		// Another build made the output meanwhile: replace it as any
		// previous output, if it may be replaced.
		if exists, cerr := checkReplaceable(o.root, o.base, o.full()); cerr != nil || !exists {
			_ = o.root.RemoveAll(o.tmp)
			if cerr != nil {
				return cerr
			}
			return diag.Internal.Errorf(diag.Pos{}, "output folder %s: cannot move the new output in: %v", o.full(), unwrapPath(err))
		}
		o.exists = true
	}
	if err := o.carryOver(); err != nil {
		_ = o.root.RemoveAll(o.tmp)
		return err
	}
	hook("swap")
	old, err := o.swap()
	if err != nil {
		_ = o.root.RemoveAll(o.tmp)
		return diag.Internal.Errorf(diag.Pos{}, "output folder %s: cannot swap in the new output: %v", o.full(), unwrapPath(err))
	}
	hook("swapped")
	return o.root.RemoveAll(old)
}

// swap puts tmp in the place of base and returns where the previous
// output went: one atomic exchange where the OS has it, else two renames
// (between which base does not exist).
func (o *Output) swap() (old string, err error) {
	if exchange {
		switch done, err := exchangeDirs(o.root, o.tmp, o.base); {
		case err != nil:
			return "", err
		case done:
			return o.tmp, nil
		}
	}
	old = strings.Replace(o.tmp, ".new-", ".old-", 1)
	if err := o.root.Rename(o.base, old); err != nil {
		return "", err
	}
	hook("between")
	if err := o.root.Rename(o.tmp, o.base); err != nil {
		_ = o.root.Rename(old, o.base)
		return "", err
	}
	return old, nil
}

// carryOver copies into the new output the subfolders that other commands
// wrote in the previous one (briefing email writes email/), so that
// rebuilding the site does not delete the email edition. Only folders
// that carry the marker and that this build did not write are copied;
// copying, not moving, leaves the previous output whole until the swap.
func (o *Output) carryOver() error {
	entries, err := fs.ReadDir(o.root.FS(), o.base)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") || o.tops[e.Name()] {
			continue
		}
		if _, err := o.root.Lstat(path.Join(o.base, e.Name(), Marker)); err != nil {
			continue
		}
		if err := copyTree(o.root, path.Join(o.base, e.Name()), path.Join(o.tmp, e.Name())); err != nil {
			return fmt.Errorf("keeping %s from the previous output: %w", e.Name(), err)
		}
	}
	return nil
}

// copyTree copies the regular files and folders under src to dst.
func copyTree(root *os.Root, src, dst string) error {
	return fs.WalkDir(root.FS(), src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		to := path.Join(dst, strings.TrimPrefix(p, src))
		switch {
		case d.IsDir():
			return root.MkdirAll(to, 0o755)
		case d.Type().IsRegular():
			b, err := root.ReadFile(p)
			if err != nil {
				return err
			}
			return root.WriteFile(to, b, 0o644)
		}
		return nil
	})
}

// cleanLeftovers removes what builds killed before they finished left next
// to the output: .NAME.new-… and .NAME.old-… folders whose marker no
// running build holds. When the output itself is missing (a build died
// between the two renames of the fallback swap), the previous output is
// first put back.
func cleanLeftovers(root *os.Root, base string) error {
	// A commit or a briefing email run under way holds the parent: its
	// folders are not leftovers, and the next build cleans what is.
	held, err := lockParent(root, false)
	if err != nil {
		return nil
	}
	defer held.Close()
	entries, err := fs.ReadDir(root.FS(), ".")
	if err != nil {
		return diag.Internal.Errorf(diag.Pos{}, "output folder %s: cannot list its parent folder: %v", base, unwrapPath(err))
	}
	_, statErr := root.Lstat(base)
	restore := errors.Is(statErr, fs.ErrNotExist)
	for _, e := range entries {
		name := e.Name()
		isOld, pid, ok := leftover(base, name)
		if !e.IsDir() || !ok || !isOld && startedElsewhere(name, pid) {
			continue
		}
		l, err := lockMarker(root, name, false)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			// No marker: a dead build's folder that was being removed
			// (the marker may go first), or one that never got its marker.
			_ = root.RemoveAll(name)
			continue
		case err != nil:
			continue // a running build's
		}
		if isOld && restore && root.Rename(name, base) == nil {
			restore = false
		} else {
			_ = root.RemoveAll(name)
		}
		l.Close()
	}
	return nil
}

// lockParent takes an exclusive lock on the folder that holds the output,
// waiting for it when wait is set, else failing at once when it is held:
// commits of outputs in one folder, and briefing email runs, take turns.
// The lock is on the parent, which a commit does not move, not on
// anything in the output, which it does.
func lockParent(root *os.Root, wait bool) (*os.File, error) {
	f, err := root.Open(".")
	if err != nil {
		return nil, err
	}
	lock := tryLock
	if wait {
		lock = waitLock
	}
	if err := lock(f); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

func empty(root *os.Root, dir string) bool {
	entries, err := fs.ReadDir(root.FS(), dir)
	return err == nil && len(entries) == 0
}

// lockMarker opens the marker in dir (writing it first when create is set)
// and takes an exclusive lock on it without waiting: it fails when the
// marker is missing or a running build holds it.
func lockMarker(root *os.Root, dir string, create bool) (*os.File, error) {
	name := path.Join(dir, Marker)
	if create {
		if err := root.WriteFile(name, []byte(markerText), 0o644); err != nil {
			return nil, diag.Internal.Errorf(diag.Pos{}, "writing %s: %v", name, unwrapPath(err))
		}
	}
	f, err := root.OpenFile(name, os.O_RDWR, 0)
	if err != nil {
		return nil, err
	}
	if err := tryLock(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s is in use by a running build", dir)
	}
	return f, nil
}

// checkReplaceable reports whether name exists, and refuses to replace it
// unless it is a directory that is empty or carries the marker.
func checkReplaceable(root *os.Root, name, full string) (bool, error) {
	var entries []fs.DirEntry
	for attempt := 0; ; attempt++ {
		info, err := root.Lstat(name)
		if errors.Is(err, fs.ErrNotExist) {
			return false, nil
		}
		if err != nil {
			return false, diag.Internal.Errorf(diag.Pos{}, "output folder %s: %v", full, unwrapPath(err))
		}
		if !info.IsDir() {
			return false, diag.Output.Errorf(diag.Pos{}, "output folder %s exists and is not a folder; refusing to replace it", full)
		}
		entries, err = fs.ReadDir(root.FS(), name)
		if errors.Is(err, fs.ErrNotExist) && attempt < 10 {
			continue // another build swapped it out and removed it meanwhile: look again
		}
		if err != nil {
			return false, diag.Internal.Errorf(diag.Pos{}, "output folder %s: %v", full, unwrapPath(err))
		}
		break
	}
	if len(entries) > 0 && !slices.ContainsFunc(entries, func(e fs.DirEntry) bool { return e.Name() == Marker }) {
		return false, diag.Output.Errorf(diag.Pos{}, "output folder %s is not empty and was not written by briefing (no %s file); refusing to replace it", full, Marker)
	}
	return true, nil
}

// unwrapPath drops the operation and path of a *fs.PathError, which name
// files relative to the root, and keeps the reason.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Write replaces outDir with files, atomically (see Output).
func Write(outDir string, files site.Files) error {
	o, err := Create(outDir)
	if err != nil {
		return err
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		if err := o.WriteFile(n, files[n]); err != nil {
			o.Abort()
			return err
		}
	}
	return o.Commit()
}

// EnsureOutput creates outDir, marked as briefing's own, when it does not
// exist yet, so that another command can write a part of it (email/) and a
// later build may still replace it. An existing folder is left as it is.
func EnsureOutput(outDir string) error {
	parent, base := filepath.Dir(outDir), filepath.Base(outDir)
	root, err := os.OpenRoot(parent)
	if err != nil {
		return diag.Output.Errorf(diag.Pos{}, "output folder %s: cannot open its parent folder: %v", outDir, unwrapPath(err))
	}
	defer root.Close()
	if _, err := root.Lstat(base); err == nil {
		// An empty folder (made a moment ago by another run, which is
		// about to write the marker) gets the marker; any other is left
		// as it is.
		if _, err := root.Lstat(path.Join(base, Marker)); err == nil || !empty(root, base) {
			return nil
		}
	} else if err := root.Mkdir(base, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return root.WriteFile(path.Join(base, Marker), []byte(markerText), 0o644)
}

// LockOutput waits until no build is committing the output folder outDir
// (nor another output beside it) and no other briefing email works there,
// and keeps them waiting until unlock is called: it takes the lock on the
// output's parent folder that Commit takes. outDir need not exist yet.
func LockOutput(outDir string) (unlock func(), err error) {
	if real, err := filepath.EvalSymlinks(outDir); err == nil {
		outDir = real
	}
	root, err := os.OpenRoot(filepath.Dir(outDir))
	if err != nil {
		return nil, diag.Output.Errorf(diag.Pos{}, "output folder %s: cannot open its parent folder: %v", outDir, unwrapPath(err))
	}
	held, err := lockParent(root, true)
	if err != nil {
		root.Close()
		return nil, diag.Internal.Errorf(diag.Pos{}, "output folder %s: cannot lock its parent folder: %v", outDir, unwrapPath(err))
	}
	return func() {
		held.Close()
		root.Close()
	}, nil
}

// CheckOutput refuses an output folder that would overwrite or be read as
// the sources: the site folder itself, a folder that contains it, or a
// folder inside one of the source folders. Folders are compared by what
// they are, not by how they are spelt: through symlinks (after resolving
// them) and by device and inode. Both paths must be absolute. The error
// is a diag.Output.
func CheckOutput(siteDir, outDir string) error {
	siteReal, err := filepath.EvalSymlinks(siteDir)
	if err != nil {
		siteReal = filepath.Clean(siteDir)
	}
	outReal := resolve(outDir)
	refuse := func(format string, args ...any) error {
		return diag.Output.Errorf(diag.Pos{}, "output folder %s "+format, append([]any{outDir}, args...)...)
	}
	switch {
	case sameDir(outReal, siteReal):
		return refuse("is the site folder itself; choose a folder such as %s", filepath.Join(siteDir, "output"))
	case within(siteReal, outReal) || containsByIdentity(outReal, siteReal):
		return refuse("contains the site folder %s; replacing it would delete the sources", siteDir)
	}
	for _, d := range SourceDirs {
		src := filepath.Join(siteReal, d)
		if sameDir(outReal, src) || within(outReal, src) || containsByIdentity(src, outReal) {
			return refuse("is inside the source folder %s/", d)
		}
	}
	return nil
}

// resolve returns p with the symlinks of its longest existing prefix
// resolved; the rest, which does not exist yet, is kept as written.
func resolve(p string) string {
	p = filepath.Clean(p)
	var rest []string
	for {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			return filepath.Join(append([]string{real}, rest...)...)
		}
		parent := filepath.Dir(p)
		if parent == p {
			return filepath.Join(append([]string{p}, rest...)...)
		}
		rest = append([]string{filepath.Base(p)}, rest...)
		p = parent
	}
}

// sameDir reports whether a and b are the same folder: the same path, or
// the same device and inode.
func sameDir(a, b string) bool {
	if a == b {
		return true
	}
	x, err1 := os.Stat(a)
	y, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(x, y)
}

// containsByIdentity reports whether a folder that is the same as dir
// (by device and inode) is an ancestor of p.
func containsByIdentity(dir, p string) bool {
	d, err := os.Stat(dir)
	if err != nil {
		return false
	}
	for a := filepath.Dir(p); ; a = filepath.Dir(a) {
		if info, err := os.Stat(a); err == nil && os.SameFile(info, d) {
			return true
		}
		if filepath.Dir(a) == a {
			return false
		}
	}
}

// within reports whether p lies strictly inside dir.
func within(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != "." && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
