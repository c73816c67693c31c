package preview

import (
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/briefing-dev/briefing/internal/build"
	"github.com/briefing-dev/briefing/internal/chartimage"
)

// TestServeStaticImages: serve draws the charts' images through the
// image service and its cache, as briefing build does; a rebuild (and a
// later server on the same cache) draws nothing again.
func TestServeStaticImages(t *testing.T) {
	dir, cache := copySite(t, "../build/testdata/golden/site"), t.TempDir()
	serve := func() (*Server, *chartimage.Service) {
		svc := chartimage.New(chartimage.Options{Dir: cache, Workers: 2})
		t.Cleanup(svc.Close)
		srv, err := New(dir, build.Options{ECharts: echarts(t), Images: svc})
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.Build(); err != nil {
			t.Fatal(err)
		}
		return srv, svc
	}
	srv, svc := serve()
	ts := httptest.NewServer(srv)
	defer ts.Close()
	defer srv.Close()
	_, page := get(t, ts.URL+"/index.html")
	src := regexp.MustCompile(`class="chart-print" src="(assets/charts/[^"]+\.svg)"`).FindStringSubmatch(page)
	if src == nil {
		t.Fatal("the served page has no static chart image")
	}
	if code, svg := get(t, ts.URL+"/"+src[1]); code != 200 || !strings.HasPrefix(svg, "<svg") {
		t.Errorf("GET %s = %d %.40q, want the SVG", src[1], code, svg)
	}
	drawn := svc.Stats().Drawn
	if drawn == 0 {
		t.Fatal("nothing drawn on the first build")
	}
	if err := srv.Build(); err != nil {
		t.Fatal(err)
	}
	if st := svc.Stats(); st.Drawn != drawn || st.Compiles != 1 || st.Hits != drawn {
		t.Errorf("rebuild: %+v, want every image from the cache", st)
	}
	_, again := serve()
	if st := again.Stats(); st.Compiles != 0 || st.Hits != drawn {
		t.Errorf("a new server on the same cache: %+v, want no JavaScript engine", st)
	}
}
