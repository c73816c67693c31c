package render

import (
	"testing"
	"time"
)

// ReportCPU reports the process's CPU time since start, per op and per
// item (a chart) when items > 0, as cpu-ms/op and cpu-ms/chart. On a
// shared machine it varies less than wall time.
func ReportCPU(b *testing.B, start time.Duration, items int) {
	b.Helper()
	ms := float64(ProcessCPU()-start) / float64(time.Millisecond) / float64(b.N)
	b.ReportMetric(ms, "cpu-ms/op")
	if items > 0 {
		b.ReportMetric(ms/float64(items), "cpu-ms/chart")
	}
}
