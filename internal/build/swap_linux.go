package build

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// exchangeDirs swaps the folders a and b in root in one step, so that b
// always exists. It reports false, and changes nothing, when the kernel or
// the file system cannot exchange.
func exchangeDirs(root *os.Root, a, b string) (bool, error) {
	dir, err := root.Open(".")
	if err != nil {
		return false, err
	}
	defer dir.Close()
	fd := int(dir.Fd())
	err = unix.Renameat2(fd, a, fd, b, unix.RENAME_EXCHANGE)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, unix.ENOSYS), errors.Is(err, unix.EINVAL), errors.Is(err, unix.ENOTSUP):
		return false, nil
	}
	return false, &os.LinkError{Op: "renameat2", Old: a, New: b, Err: err}
}
