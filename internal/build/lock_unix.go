//go:build unix

package build

import (
	"os"

	"golang.org/x/sys/unix"
)

// tryLock takes an exclusive advisory lock on f without waiting. The
// kernel releases it when the process ends, however it ends.
func tryLock(f *os.File) error {
	return unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
}

// running reports whether the process pid exists.
func running(pid int) bool {
	err := unix.Kill(pid, 0)
	return err == nil || err == unix.EPERM
}

// waitLock takes an exclusive advisory lock on f, waiting for it.
func waitLock(f *os.File) error {
	return unix.Flock(int(f.Fd()), unix.LOCK_EX)
}
