package site

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/briefing-dev/briefing/internal/chart"
	"github.com/briefing-dev/briefing/internal/narrative"
)

// manyPages is the three pages of siteInput plus n more; the pages at the
// indexes in broken place a chart that was not prepared, so they fail.
func manyPages(t *testing.T, n int, broken ...int) Input {
	t.Helper()
	in := siteInput(t, "")
	for i := range n {
		src := fmt.Sprintf("+++\ntitle = \"Page %d\"\n+++\nText of page %d.\n", i, i)
		for _, b := range broken {
			if b == i {
				src += fmt.Sprintf("\n{{chart missing-%d}}\n", i)
			}
		}
		file := fmt.Sprintf("content/p/%03d.md", i)
		doc, err := narrative.Parse(file, []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		in.Pages = append(in.Pages, Page{Doc: doc, Path: PagePath(file), Title: doc.Meta.Title, InNav: i%2 == 0, Charts: map[string]*chart.Chart{}})
	}
	return in
}

// countingWriter keeps the files and counts how often each is written.
type countingWriter struct {
	Memory
	mu     sync.Mutex
	writes map[string]int
}

func (w *countingWriter) WriteFile(name string, data []byte) error {
	w.mu.Lock()
	if w.writes == nil {
		w.writes = map[string]int{}
	}
	w.writes[name]++
	w.mu.Unlock()
	return w.Memory.WriteFile(name, data)
}

// TestRenderWorkers renders the same pages on one and on many goroutines:
// every page is written once, with the same bytes.
func TestRenderWorkers(t *testing.T) {
	in := manyPages(t, 60)
	var one countingWriter
	in.Workers = 1
	if err := Render(defaultTemplates(t), in, &one); err != nil {
		t.Fatal(err)
	}
	want := one.Files()
	if n := len(Names(in)) + len(ConventionNames(in)); len(want) != n {
		t.Fatalf("one worker wrote %d files; Names and ConventionNames list %d", len(want), n)
	}
	for _, workers := range []int{2, 7} {
		var many countingWriter
		in.Workers = workers
		if err := Render(defaultTemplates(t), in, &many); err != nil {
			t.Fatal(err)
		}
		for name, n := range many.writes {
			if n != 1 {
				t.Errorf("%d workers wrote %s %d times", workers, name, n)
			}
		}
		got := many.Files()
		if len(got) != len(want) {
			t.Errorf("%d workers wrote %d files, one worker %d", workers, len(got), len(want))
		}
		for name, b := range want {
			if !bytes.Equal(got[name], b) {
				t.Errorf("%s differs between one and %d workers", name, workers)
			}
		}
	}
	if page := string(want["p/059.html"]); !strings.Contains(page, "Text of page 59.") {
		t.Errorf("p/059.html does not show its text:\n%s", page)
	}
}

// TestRenderFirstError makes several pages fail: whatever the number of
// workers, the error reported is the first failing page's.
func TestRenderFirstError(t *testing.T) {
	in := manyPages(t, 40, 31, 7, 23)
	for _, workers := range []int{1, 2, 3, 8} {
		in.Workers = workers
		err := Render(defaultTemplates(t), in, &Memory{})
		if err == nil || !strings.Contains(err.Error(), `"missing-7"`) {
			t.Errorf("%d workers: error = %v; want the one of the first failing page, missing-7", workers, err)
		}
	}
}
