package config

import (
	"strings"
	"testing"
)

func TestChartsAndCache(t *testing.T) {
	s, err := Parse([]byte("title = \"T\"\n[charts]\nstatic = false\n[cache]\ndir = \".briefing-cache\"\nmax_mb = 64\n"))
	if err != nil {
		t.Fatal(err)
	}
	if s.StaticCharts() || s.Cache.Dir != ".briefing-cache" || s.Cache.MaxMB != 64 {
		t.Errorf("static %v, cache %+v", s.StaticCharts(), s.Cache)
	}
	if s, _ := Parse([]byte("title = \"T\"\n")); !s.StaticCharts() {
		t.Error("charts have no static image by default")
	}
}

func TestCacheDirRefused(t *testing.T) {
	for _, c := range []struct{ toml, want string }{
		{`dir = "content/cache"`, `site.toml:3:7: cache dir "content/cache" is inside a source or output folder`},
		{`dir = "static"`, `site.toml:3:7: cache dir "static" is inside a source or output folder`},
		{`dir = "output/cache"`, `site.toml:3:7: cache dir "output/cache" is inside a source or output folder`},
		{`dir = "../elsewhere"`, `site.toml:3:7: cache dir "../elsewhere" must be a folder inside the site`},
		{`dir = "."`, `site.toml:3:7: cache dir "." must be a folder inside the site`},
		{`max_mb = -1`, `site.toml:3:10: max_mb must be positive`},
	} {
		_, err := Parse([]byte("title = \"T\"\n[cache]\n" + c.toml + "\n"))
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %s…", c.toml, err, c.want)
		}
	}
	if _, err := Parse([]byte("title = \"T\"\n[cache]\ndir = \"/var/cache/briefing\"\n")); err != nil {
		t.Errorf("an absolute cache dir: %v", err)
	}
}
