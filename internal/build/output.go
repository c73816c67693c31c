package build

import (
	"html/template"
	"io/fs"
	"slices"

	"github.com/briefing-dev/briefing/internal/chart"
	"github.com/briefing-dev/briefing/internal/page"
	"github.com/briefing-dev/briefing/internal/site"
)

// write sends the output to its writer as it is made, in an order a
// single-file writer can use: the charts' images, static/, the assets, and
// the pages last (rendered on all cores). Links between pages are checked
// against the names written, on the parsed documents (page.CheckLinks).
func write(fsys fs.FS, tmpl *template.Template, in site.Input, specs map[string]*chart.Spec, opt Options, r *Result) error {
	var w site.Writer
	mem := &site.Memory{}
	if opt.Output == nil {
		w = mem
	} else {
		var err error
		if w, err = opt.Output(in.Config); err != nil {
			return err
		}
	}
	for _, p := range in.Pages { // a chart kept from the last build (Cache) may carry its image
		for _, c := range p.Charts {
			c.Static = ""
		}
	}
	var images []string
	if !opt.SkipStatic {
		var err error
		if images, err = drawStatic(in.Pages, specs, in.Config.StaticCharts(), r.Images, w); err != nil {
			return err
		}
	}
	names := map[string]bool{}
	for _, n := range append(append(site.Names(in), images...), recordNames(r.Series)...) {
		names[n] = true
	}
	static, err := addStatic(fsys, w, names)
	if err != nil {
		return err
	}
	for _, n := range static {
		names[n] = true
	}
	in.Taken = func(n string) bool { return slices.Contains(static, n) }
	if !opt.SkipStatic {
		var err error
		if in.Images, err = drawPreviews(in, r.Images, w); err != nil {
			return err
		}
	}
	if err := site.Render(tmpl, in, w); err != nil {
		return err
	}
	if err := writeRecord(w, r, r.Series); err != nil {
		return err
	}
	for _, n := range site.ConventionNames(in) {
		names[n] = true
	}
	if opt.Output == nil {
		r.Files = mem.Files()
	}
	r.Warnings = append(r.Warnings, page.CheckLinks(in.Pages, func(p string) bool { return names[p] })...)
	return nil
}

// pageRank sorts pages (.html) after other files.
func pageRank(name string) int {
	if isPage(name) {
		return 1
	}
	return 0
}
