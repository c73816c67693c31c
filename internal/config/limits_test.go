package config

import (
	"runtime"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/query"
)

// A site.toml nested 10,000 deep (40 KB) is refused before the decoder,
// which would need gigabytes for it, sees it; one far over the size limit
// is refused without being read whole.
func TestLoadRefusesDeepAndLarge(t *testing.T) {
	deep := "title = \"t\"\n[params]\nx = " + strings.Repeat("{a=", 10_000) + "1" + strings.Repeat("}", 10_000)
	_, err := Load(fstest.MapFS{"site.toml": {Data: []byte(deep)}})
	if err == nil || !strings.HasPrefix(err.Error(), "site.toml:3:") || diag.ExitCode(err) != diag.ExitUsage {
		t.Errorf("deep: error = %v", err)
	}
	big := make([]byte, 64<<20)
	copy(big, "title = \"t\"\n")
	for i := 12; i < len(big); i++ {
		big[i] = '\n'
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err = Load(fstest.MapFS{"site.toml": {Data: big}})
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "over the limit") {
		t.Errorf("large: error = %v", err)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 16<<20 {
		t.Errorf("large: %d bytes allocated to refuse it", n)
	}
}

func TestQueryLimits(t *testing.T) {
	s, err := Parse([]byte("title = \"t\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := s.QueryLimits(); got != query.DefaultLimits {
		t.Errorf("defaults: %+v, want %+v", got, query.DefaultLimits)
	}
	s, err = Parse([]byte("title = \"t\"\n[queries]\ntimeout = \"1m30s\"\nmax_rows = 500\nmax_memory = \"2GiB\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := query.Limits{Timeout: 90 * time.Second, MaxRows: 500, MaxBytes: 2 << 30}
	if got := s.QueryLimits(); got != want {
		t.Errorf("set: %+v, want %+v", got, want)
	}
}

func TestQueryLimitsErrors(t *testing.T) {
	for body, want := range map[string]string{
		`timeout = "10"`:        `site.toml:3:11: timeout "10": want a duration`,
		`timeout = "-1s"`:       `site.toml:3:11: timeout "-1s": want a duration`,
		`max_rows = 0`:          `site.toml:3:12: max_rows must be 1 or more`,
		`max_memory = "256"`:    `site.toml:3:14: max_memory "256": want a size of at least 1MiB`,
		`max_memory = "2 TiB"`:  `site.toml:3:14: max_memory "2 TiB": want a size`,
		`max_memory = "lots"`:   `site.toml:3:14: max_memory "lots": want a size`,
		`max_memory = "1e9MiB"`: `site.toml:3:14: max_memory "1e9MiB": want a size`,
		`max_memry = "1GiB"`:    `site.toml:3:1: unknown key "queries.max_memry"`,
	} {
		_, err := Parse([]byte("title = \"t\"\n[queries]\n" + body + "\n"))
		if err == nil || !strings.HasPrefix(err.Error(), want) || diag.ExitCode(err) != diag.ExitUsage {
			t.Errorf("%s: error = %v, want %s…", body, err, want)
		}
	}
}

func TestParseBytes(t *testing.T) {
	for s, want := range map[string]int64{"256MiB": 256 << 20, "500MB": 500e6, "1048576": 1 << 20, "1 GiB": 1 << 30, "3KB": 3000} {
		if got, err := parseBytes(s); err != nil || got != want {
			t.Errorf("parseBytes(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"", "MiB", "-1MiB", "1.5GiB", "99999999999999999999", "9223372036854775807GiB"} {
		if _, err := parseBytes(s); err == nil {
			t.Errorf("parseBytes(%q) accepted", s)
		}
	}
}
