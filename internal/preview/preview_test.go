package preview

import (
	"bufio"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/briefing-dev/briefing/internal/build"
)

func echarts(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("../../node_modules/echarts/dist/echarts.min.js")
	if err != nil {
		t.Fatalf("ECharts is not installed (%v): run `npm ci`", err)
	}
	return b
}

// copySite copies a site into a temporary folder that the test may edit.
func copySite(t testing.TB, from string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "site")
	if err := os.CopyFS(dir, os.DirFS(from)); err != nil {
		t.Fatal(err)
	}
	return dir
}

// stream reads server-sent events into a channel of "name: data" lines.
func stream(t testing.TB, url string) <-chan string {
	t.Helper()
	resp, err := http.Get(url + "/_briefing/events")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	ch := make(chan string, 16)
	go func() {
		s := bufio.NewScanner(resp.Body)
		name := ""
		for s.Scan() {
			line := s.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				ch <- name + ": " + strings.TrimPrefix(line, "data: ")
			}
		}
		close(ch)
	}()
	// The stream sends a comment first; wait until the server has the
	// subscriber registered before anything changes.
	time.Sleep(50 * time.Millisecond)
	return ch
}

func next(t testing.TB, ch <-chan string) string {
	t.Helper()
	select {
	case ev := <-ch:
		return ev
	case <-time.After(10 * time.Second):
		t.Fatal("no event from the server within 10s")
	}
	return ""
}

func get(t testing.TB, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestServe(t *testing.T) {
	dir := copySite(t, "../build/testdata/golden/site")
	srv, err := New(dir, build.Options{ECharts: echarts(t)})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Build(); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	defer srv.Close() // first: end the event streams, or ts.Close waits for them
	stop := make(chan struct{})
	defer close(stop)
	go srv.Watch(stop)
	time.Sleep(100 * time.Millisecond) // let the watcher register its folders

	code, page := get(t, ts.URL+"/")
	if code != 200 || !strings.Contains(page, "<h1>Summary</h1>") || !strings.Contains(page, `<script src="/_briefing/live.js"></script></body>`) {
		t.Fatalf("GET / = %d, want the index page with the live-reload script:\n%s", code, page)
	}
	if code, _ := get(t, ts.URL+"/nope.html"); code != 404 {
		t.Errorf("GET /nope.html = %d, want 404", code)
	}
	events := stream(t, ts.URL)

	// A text edit reloads the page, with the new text.
	index := filepath.Join(dir, "content/index.md")
	src, _ := os.ReadFile(index)
	os.WriteFile(index, []byte(strings.Replace(string(src), "Revenue rose in the North.", "Revenue rose in the North, again.", 1)), 0o644)
	if ev := next(t, events); !strings.HasPrefix(ev, "reload: ") {
		t.Fatalf("after an edit the server sent %q, want reload", ev)
	}
	if _, page := get(t, ts.URL+"/index.html"); !strings.Contains(page, "Revenue rose in the North, again.") {
		t.Error("the edit does not show after the reload")
	}
	hitsBefore := srv.cache.Hits

	// A broken page: the server says where, and keeps the last good pages.
	os.WriteFile(index, []byte(strings.Replace(string(src), "{{chart revenue}}", "{{chart revenu}}", 1)), 0o644)
	ev := next(t, events)
	if !strings.HasPrefix(ev, "problem: ") || !strings.Contains(ev, `content/index.md:20:9: unknown chart \"revenu\"`) || !strings.Contains(ev, "^") {
		t.Fatalf("after a bad edit the server sent %q, want the positioned problem with an excerpt", ev)
	}
	code, page = get(t, ts.URL+"/index.html")
	if code != 200 || !strings.Contains(page, "Revenue rose in the North, again.") || !strings.Contains(page, `id="briefing-problem"`) ||
		!strings.Contains(page, "unknown chart &#34;revenu&#34;") {
		t.Errorf("during the error GET /index.html = %d; want the last good page with the overlay", code)
	}

	// Fixed again: reload, and no overlay.
	os.WriteFile(index, src, 0o644)
	if ev := next(t, events); !strings.HasPrefix(ev, "reload: ") {
		t.Fatalf("after the fix the server sent %q, want reload", ev)
	}
	if _, page := get(t, ts.URL+"/index.html"); strings.Contains(page, "briefing-problem") {
		t.Error("the overlay stays after a good build")
	}
	// The CSV did not change, so no rebuild read it again.
	if srv.cache.Hits <= hitsBefore {
		t.Errorf("table cache hits %d → %d: unchanged data was read again", hitsBefore, srv.cache.Hits)
	}
}
