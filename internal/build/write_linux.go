package build

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// On Linux the output is written through folders held open (one open
// file a folder, not a path of folders resolved on every write), and a
// file that is byte for byte what the previous output holds is linked
// from it rather than written again (reuse).

// dirs holds the folders of the new output ("new/DIR") and of the
// previous one ("old/DIR") open while the output is written, up to
// maxOpenDirs; past that a folder is opened for each file.
type dirs struct {
	mu  sync.Mutex
	fds map[string]int // -1: the previous output has no such plain folder
}

const maxOpenDirs = 1024

// closeDirs closes the folders held open.
func (o *Output) closeDirs() {
	o.dirs.mu.Lock()
	defer o.dirs.mu.Unlock()
	for _, fd := range o.dirs.fds {
		if fd >= 0 {
			unix.Close(fd)
		}
	}
	o.dirs.fds = nil
}

// dirFD returns the folder dir of the new output (old false) or of the
// previous one (old true), opened one name at a time without following a
// symbolic link, and a function that releases it; fd -1 when the previous
// output has no plain folder there.
func (o *Output) dirFD(old bool, dir string) (fd int, release func(), err error) {
	key := "new/" + dir
	if old {
		key = "old/" + dir
	}
	o.dirs.mu.Lock()
	fd, ok := o.dirs.fds[key]
	o.dirs.mu.Unlock()
	if ok {
		return fd, func() {}, nil
	}
	if dir == "." {
		fd, err = o.topFD(old)
	} else {
		parent, done, perr := o.dirFD(old, path.Dir(dir))
		if perr != nil {
			return -1, nil, perr
		}
		fd = -1
		if parent >= 0 {
			fd, err = unix.Openat(parent, path.Base(dir), unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		}
		done()
	}
	if err != nil {
		if !old {
			return -1, nil, &os.PathError{Op: "open", Path: dir, Err: err}
		}
		fd, err = -1, nil // a file or a link in the previous output: nothing to reuse there
	}
	o.dirs.mu.Lock()
	defer o.dirs.mu.Unlock()
	if prev, ok := o.dirs.fds[key]; ok { // opened meanwhile by another writer
		if fd >= 0 {
			unix.Close(fd)
		}
		return prev, func() {}, nil
	}
	if len(o.dirs.fds) >= maxOpenDirs {
		return fd, func() {
			if fd >= 0 {
				unix.Close(fd)
			}
		}, nil
	}
	if o.dirs.fds == nil {
		o.dirs.fds = map[string]int{}
	}
	o.dirs.fds[key] = fd
	return fd, func() {}, nil
}

// topFD opens the new output's folder, or the previous output's when it
// is a plain folder (-1 when it is not).
func (o *Output) topFD(old bool) (int, error) {
	name := o.tmp
	if old {
		if !o.exists {
			return -1, nil
		}
		name = o.base
	}
	f, err := o.root.Open(name)
	if err != nil {
		return -1, err
	}
	defer f.Close()
	if old {
		fi, ferr := f.Stat()
		li, lerr := o.root.Lstat(name)
		if ferr != nil || lerr != nil || !li.IsDir() || !os.SameFile(fi, li) {
			return -1, nil
		}
	}
	return unix.Dup(int(f.Fd()))
}

// writtenMode is the mode writeFile gives a file: 0644 less the umask,
// read once from /proc (setting the umask to read it would race with
// other goroutines making files). 0644 when /proc does not say.
var writtenMode = sync.OnceValue(func() uint32 {
	b, err := os.ReadFile("/proc/self/status")
	if err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "Umask:"); ok {
				if m, err := strconv.ParseUint(strings.TrimSpace(v), 8, 32); err == nil {
					return 0o644 &^ uint32(m)
				}
			}
		}
	}
	return 0o644
})

// writeFile writes name into the new output, or links it from the
// previous output when that holds data (reuse). The file is created, never
// opened when it exists: a name written twice is unlinked first.
func (o *Output) writeFile(name string, data []byte) error {
	nd, done, err := o.dirFD(false, path.Dir(name))
	if err != nil {
		return err
	}
	defer done()
	base := path.Base(name)
	if o.reuse(nd, path.Dir(name), base, data) {
		return nil
	}
	for attempt := 0; ; attempt++ {
		fd, err := unix.Openat(nd, base, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o644)
		if errors.Is(err, unix.EEXIST) && attempt == 0 {
			_ = unix.Unlinkat(nd, base, 0)
			continue
		}
		if err != nil {
			return &os.PathError{Op: "open", Path: name, Err: err}
		}
		f := os.NewFile(uintptr(fd), name)
		_, werr := f.Write(data)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		return werr
	}
}

// reuse links the previous output's dir/base into the new output's folder
// nd when it is a plain file of the mode a build writes (writtenMode),
// holding exactly data, and reports whether it did. An unchanged page then
// keeps its file (and its modification time, which deployment tools that
// sync by time go by), and a rebuild neither makes nor frees a file for
// it: making 10,000 files right after freeing 10,000 costs ext4 without a
// journal a scan per file (half of a 10,000-page build's CPU on the
// benchmark machine).
//
// Files are never changed in place (writeFile creates, and unlinks a name
// written twice), so the two outputs sharing a file until the swap is
// safe, and a failed build leaves the previous output as it was. The old
// file is reached through folders opened without following links, read
// through the handle it is checked on, and what is linked must be that
// same file: a link, or a file another build swapped in meanwhile, is
// written anew instead.
func (o *Output) reuse(nd int, dir, base string, data []byte) bool {
	if !o.exists {
		return false
	}
	od, done, err := o.dirFD(true, dir)
	if err != nil || od < 0 {
		return false
	}
	defer done()
	fd, err := unix.Openat(od, base, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return false
	}
	f := os.NewFile(uintptr(fd), base)
	defer f.Close()
	var st unix.Stat_t
	if unix.Fstat(fd, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFREG || st.Mode&0o7777 != writtenMode() || st.Size != int64(len(data)) {
		return false
	}
	b := make([]byte, len(data)+1)
	if n, err := io.ReadFull(f, b); err != io.ErrUnexpectedEOF || n != len(data) || !bytes.Equal(b[:n], data) {
		return false
	}
	if unix.Linkat(od, base, nd, base, 0) != nil {
		return false
	}
	var linked unix.Stat_t
	if unix.Fstatat(nd, base, &linked, unix.AT_SYMLINK_NOFOLLOW) != nil || linked.Dev != st.Dev || linked.Ino != st.Ino {
		_ = unix.Unlinkat(nd, base, 0)
		return false
	}
	return true
}
