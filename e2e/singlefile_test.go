package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// offline makes every request of the tab that could reach a network fail.
var offline = chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
	// The conditions with no URL pattern apply to every request.
	_, err := cdp.Call(ctx, tgt, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
		MatchedNetworkConditions: []*network.Conditions{{Offline: true, DownloadThroughput: -1, UploadThroughput: -1}},
	})
	if err != nil {
		return err
	}
	_, err = cdp.Call(ctx, tgt, network.OverrideNetworkState, network.OverrideNetworkStateParams{
		Offline: true, DownloadThroughput: -1, UploadThroughput: -1,
	})
	return err
})

// TestBrowserSingleFile opens each single-file page of the example from
// disk, alone in an empty folder, with the browser's network switched off,
// and checks that every chart draws and nothing is requested.
func TestBrowserSingleFile(t *testing.T) {
	browserCtx := browser(t)
	files := singleFile(t, exampleSite(t))
	for name := range files {
		if strings.HasPrefix(name, "assets/") {
			t.Errorf("single-file output still has %s", name)
		}
	}
	pages := []string{"index.html", "customers.html", "customer/tiktok.html"}
	// Each page alone in a folder of its own.
	paths := map[string]string{}
	for _, page := range pages {
		file := filepath.Join(t.TempDir(), "page.html")
		if err := os.WriteFile(file, files[page], 0o644); err != nil {
			t.Fatal(err)
		}
		paths[page] = file
	}
	tabs := openPages(t, browserCtx, pages, func(page string) string { return "file://" + paths[page] }, offline)
	for _, tb := range tabs {
		page, file := tb.name, paths[tb.name]
		t.Run(page, func(t *testing.T) {
			tb.use(t)
			states := waitForCharts(t, tb)
			want := strings.Count(string(files[page]), `class="chart-canvas"`)
			if len(states) != want || want == 0 {
				t.Errorf("%s: %d charts drew, the page has %d", page, len(states), want)
			}
			problems, _, requests := tb.rec.snapshot()
			for _, p := range problems {
				t.Errorf("%s: %s", page, p)
			}
			for _, r := range requests {
				if !strings.HasPrefix(r, "file://"+file) && !strings.HasPrefix(r, "data:") && !strings.HasPrefix(r, "about:") {
					t.Errorf("%s: requested %s; a single-file page needs nothing else", page, r)
				}
			}
			t.Logf("%s: %d charts drew offline from a lone file of %d KB", page, len(states), len(files[page])/1024)
		})
	}
}
