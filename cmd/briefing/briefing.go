package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/briefing-dev/briefing/internal/build"
	"github.com/briefing-dev/briefing/internal/chartimage"
	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/render"
	"github.com/briefing-dev/briefing/internal/sitefs"
)

// briefing is a built briefing and what it was built from.
type briefing struct {
	root    *os.Root
	siteAbs string
	res     *build.Result
	images  *chartimage.Service // nil when the command draws no charts
}

// Close releases the site folder and the chart-image service.
func (b *briefing) Close() {
	if b.images != nil {
		b.images.Close()
	}
	b.root.Close()
}

// open builds the briefing in siteDir for a command, and points the
// command's printer at the site for source excerpts.
func (e *env) open(siteDir string, opt build.Options, images *imageFlags, pages bool) (*briefing, error) {
	abs, err := filepath.Abs(siteDir)
	if err != nil {
		return nil, err
	}
	e.site = abs
	if opt.UserECharts == nil {
		opt.UserECharts = userECharts(e.stderr)
	}
	return openBriefing(abs, opt, images, pages)
}

// openBriefing builds the briefing in siteDir, reading it through an
// os.Root. BRIEFING_ECHARTS names an echarts.min.js to use instead of the
// site's own. With images, the build gets the chart-image service (package
// chartimage), which res.Images then serves; with pages as well, the build
// draws every chart on the pages as an SVG image.
func openBriefing(siteDir string, opt build.Options, images *imageFlags, pages bool) (*briefing, error) {
	siteAbs, err := filepath.Abs(siteDir)
	if err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(siteAbs)
	if err != nil {
		return nil, usagef("cannot open the site folder: %v", err)
	}
	if p := os.Getenv("BRIEFING_ECHARTS"); p != "" {
		if opt.ECharts, err = os.ReadFile(p); err != nil {
			root.Close()
			return nil, usagef("BRIEFING_ECHARTS: %v", err)
		}
		// npm ci beside it may have made the smaller drawing build.
		opt.DrawECharts, _ = os.ReadFile(filepath.Join(filepath.Dir(p), filepath.FromSlash(render.BesidePath)))
	}
	if opt.Now == nil {
		t, err := messageDate()
		if err != nil {
			root.Close()
			return nil, err
		}
		opt.Now = func() time.Time { return t }
	}
	if opt.Sources.Env == nil {
		opt.Sources.Env = os.LookupEnv // source queries' connection strings
	}
	b := &briefing{root: root, siteAbs: siteAbs}
	if images != nil {
		b.images = images.service(siteAbs)
		opt.Images, opt.SkipStatic = b.images, !pages
	}
	res, err := build.Build(sitefs.New(root), opt)
	if err != nil {
		b.Close()
		return nil, err
	}
	b.res = res
	return b, nil
}

// messageDate is now, or SOURCE_DATE_EPOCH when set, so that a rebuild
// gives the same bytes.
func messageDate() (time.Time, error) {
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		sec, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, usagef("SOURCE_DATE_EPOCH %q is not a number of seconds", s)
		}
		return time.Unix(sec, 0).UTC(), nil
	}
	return time.Now(), nil
}

// outputDir resolves -o (relative to the working directory) or the
// configured output (relative to the site), and refuses a folder that
// would overwrite or be read as the sources.
func outputDir(siteAbs, flagOut, cfgOut string) (string, error) {
	out, err := resolveOutput(siteAbs, flagOut, cfgOut)
	if err != nil {
		return "", err
	}
	if err := build.CheckOutput(siteAbs, out); err != nil {
		return "", diag.Output.Wrap(diag.Pos{}, err)
	}
	return out, nil
}

func resolveOutput(siteAbs, flagOut, cfgOut string) (string, error) {
	if flagOut != "" {
		return filepath.Abs(flagOut)
	}
	if cfgOut == "" {
		cfgOut = "output"
	}
	if filepath.IsAbs(cfgOut) {
		return filepath.Clean(cfgOut), nil
	}
	return filepath.Join(siteAbs, filepath.FromSlash(cfgOut)), nil
}

// display shortens p to a path relative to the working directory when it
// lies below it.
func display(p string) string {
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(rel, "..") {
			return rel
		}
	}
	return p
}

// since is the time taken, for the one line a command prints on success.
func since(start time.Time) string {
	return fmt.Sprint(time.Since(start).Round(time.Millisecond))
}
