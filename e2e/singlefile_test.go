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

	"github.com/briefing-dev/briefing/internal/build"
)

// TestBrowserSingleFile opens each single-file page of the example from
// disk, alone in an empty folder, with the browser's network switched off,
// and checks that every chart draws and nothing is requested.
func TestBrowserSingleFile(t *testing.T) {
	browserCtx := startBrowser(t)
	b := buildSite(t, exampleDir, build.Options{})
	files, err := build.SingleFile(b.Result.Files)
	if err != nil {
		t.Fatal(err)
	}
	for name := range files {
		if strings.HasPrefix(name, "assets/") {
			t.Errorf("single-file output still has %s", name)
		}
	}
	for _, page := range []string{"index.html", "customers.html", "customer/tiktok.html"} {
		t.Run(page, func(t *testing.T) {
			dir := t.TempDir()
			file := filepath.Join(dir, "page.html")
			if err := os.WriteFile(file, files[page], 0o644); err != nil {
				t.Fatal(err)
			}
			rec := &recorder{}
			timeoutCtx, cancel := context.WithTimeout(browserCtx, pageTimeout)
			defer cancel()
			ctx, cancelTab := chromedp.NewContext(timeoutCtx, chromedp.WithListener(rec.listen))
			defer cancelTab()
			err := chromedp.Do(ctx,
				chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
					if _, err := cdp.Call(ctx, tgt, network.Enable, network.EnableParams{}); err != nil {
						return err
					}
					// Every request that could reach a network fails: the
					// conditions with no URL pattern apply to all of them.
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
				}),
				chromedp.Navigate("file://"+file),
			)
			if err != nil {
				t.Fatalf("loading %s: %v", file, err)
			}
			tb := &tab{ctx: ctx, rec: rec, url: "file://" + file, name: page}
			states := waitForCharts(t, tb)
			want := strings.Count(string(files[page]), `class="chart-canvas"`)
			if len(states) != want || want == 0 {
				t.Errorf("%s: %d charts drew, the page has %d", page, len(states), want)
			}
			problems, _, requests := rec.snapshot()
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
