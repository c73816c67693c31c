package config

import (
	"testing"
	"time"

	"github.com/briefing-dev/briefing/internal/query"
)

// Without a timeout, queries get the default that grows with the data;
// a site's own timeout is the whole of it.
func TestQueryTimeout(t *testing.T) {
	s, err := Parse([]byte("title = \"T\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := s.QueryLimits(); got != query.DefaultLimits {
		t.Errorf("default limits %+v, want %+v", got, query.DefaultLimits)
	}
	s, err = Parse([]byte("title = \"T\"\n[queries]\ntimeout = \"2s\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := s.QueryLimits(); got.Timeout != 2*time.Second || got.TimeoutPerRow != 0 {
		t.Errorf("timeout = \"2s\": %+v, want 2s and nothing per row", got)
	}
	if _, err := Parse([]byte("title = \"T\"\n[queries]\ntimeout = \"soon\"\n")); err == nil || err.Error() != `site.toml:3:11: timeout "soon": want a duration such as "10s" or "2m"` {
		t.Errorf("bad timeout: %v", err)
	}
}
