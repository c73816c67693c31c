//go:build unix

package render

import (
	"syscall"
	"time"
)

// ProcessCPU is the CPU time the test process has used so far, user and
// system, on every thread (goja's and the garbage collector's).
func ProcessCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
