//go:build !unix

package render

import "time"

// ProcessCPU is not measured here: benchmarks report 0 ms of CPU.
func ProcessCPU() time.Duration { return 0 }
