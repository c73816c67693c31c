package preview

import (
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/briefing-dev/briefing/internal/build"
	"github.com/briefing-dev/briefing/internal/exampletest"
)

// BenchmarkEditToReload measures, on the example briefing, the time from
// saving a text edit in content/index.md to the reload event reaching an
// open page: the watcher's pause for editors, the rebuild, and the event.
func BenchmarkEditToReload(b *testing.B) {
	dir := exampletest.Copy(b, "../..")
	srv, err := New(dir, build.Options{ECharts: echarts(b)})
	if err != nil {
		b.Fatal(err)
	}
	if err := srv.Build(); err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	defer srv.Close() // first: end the event streams, or ts.Close waits for them
	stop := make(chan struct{})
	defer close(stop)
	go srv.Watch(stop)
	time.Sleep(100 * time.Millisecond)
	events := stream(b, ts.URL)
	index := filepath.Join(dir, "content/index.md")
	src, _ := os.ReadFile(index)
	var worst time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		edited := strings.Replace(string(src), "## How big, how fast", fmt.Sprintf("## How big, how fast (%d)", i), 1)
		start := time.Now()
		if err := os.WriteFile(index, []byte(edited), 0o644); err != nil {
			b.Fatal(err)
		}
		if ev := next(b, events); !strings.HasPrefix(ev, "reload: ") {
			b.Fatalf("got %q, want reload", ev)
		}
		worst = max(worst, time.Since(start))
	}
	b.ReportMetric(float64(worst.Microseconds())/1000, "worst-ms")
}
