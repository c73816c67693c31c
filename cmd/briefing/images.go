package main

import (
	"flag"
	"os"
	"path/filepath"
	"runtime"

	"github.com/briefing-dev/briefing/internal/chartimage"
)

// imageFlags are the flags of the chart-image cache, shared by the
// commands that draw charts.
type imageFlags struct {
	dir string // --cache-dir
	off bool   // --no-cache
}

func addImageFlags(fs *flag.FlagSet) *imageFlags {
	f := &imageFlags{}
	fs.StringVar(&f.dir, "cache-dir", "", "chart image cache `DIR` (default: BRIEFING_CACHE_DIR, else [cache] dir in site.toml, else the user cache folder/briefing)")
	fs.BoolVar(&f.off, "no-cache", false, "draw every chart image; read and write no cache")
	return f
}

// service makes the chart-image service for the site in siteAbs. The
// cache folder is --cache-dir, else BRIEFING_CACHE_DIR, else [cache] dir
// in site.toml (the build passes it), else os.UserCacheDir()/briefing.
func (f *imageFlags) service(siteAbs string) *chartimage.Service {
	dir := f.dir
	if dir == "" {
		dir = os.Getenv("BRIEFING_CACHE_DIR")
	}
	if dir != "" {
		if abs, err := filepath.Abs(dir); err == nil {
			dir = abs
		}
	}
	def := ""
	if d, err := os.UserCacheDir(); err == nil {
		def = filepath.Join(d, "briefing")
	}
	return chartimage.New(chartimage.Options{Dir: dir, Default: def, Site: siteAbs, Off: f.off, Workers: runtime.NumCPU()})
}
