package main

import (
	"io"
	"os"
	"os/exec"

	"github.com/briefing-dev/briefing/internal/echarts"
)

// userECharts is the user's copy of the pinned ECharts (package echarts),
// in os.UserCacheDir()/briefing/echarts-VERSION, filled by the npm that
// BRIEFING_NPM names, else the one on PATH. It is nil when the system has
// no cache folder (no HOME).
func userECharts(log io.Writer) *echarts.UserCopy {
	cache, err := os.UserCacheDir()
	if err != nil {
		return nil
	}
	npm := os.Getenv("BRIEFING_NPM")
	if npm == "" {
		npm = "npm"
	}
	if p, err := exec.LookPath(npm); err == nil {
		npm = p
	} else {
		npm = ""
	}
	return &echarts.UserCopy{Dir: echarts.UserDir(cache), NPM: npm, Log: log}
}
