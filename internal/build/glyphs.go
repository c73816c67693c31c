package build

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"

	"github.com/briefing-dev/briefing/internal/chart"
	"github.com/briefing-dev/briefing/internal/config"
	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/render"
	"github.com/briefing-dev/briefing/internal/render/fonts"
)

// loadFonts returns the fonts of the site's images: the Go fonts, the
// files site.toml [fonts] names, and the system's fonts unless it turns
// them off.
func loadFonts(fsys fs.FS, cfg *config.Site) (*fonts.Set, error) {
	var files []fonts.File
	for _, name := range cfg.Fonts.Files {
		b, err := fs.ReadFile(fsys, name)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, diag.Config.Errorf(cfg.Pos("fonts", "files"), "font file %s: no such file in the site", name)
		}
		if err != nil {
			return nil, diag.Config.Errorf(cfg.Pos("fonts", "files"), "font file %s: %v", name, err)
		}
		files = append(files, fonts.File{Name: name, Data: b})
	}
	set, err := fonts.NewSet(files, cfg.SystemFonts())
	if err != nil {
		return nil, diag.Config.Errorf(cfg.Pos("fonts", "files"), "%v", err)
	}
	return set, nil
}

// glyphWarnings names, for each chart drawn as an image, the texts holding
// a character no font has: the image shows an empty box there.
func glyphWarnings(charts map[string]*chart.Chart, drawn func(*chart.Chart) bool, set *fonts.Set) []*diag.Error {
	var out []*diag.Error
	for _, name := range slices.Sorted(maps.Keys(charts)) {
		c := charts[name]
		if !drawn(c) {
			continue
		}
		for _, m := range render.MissingGlyphs(c.Option, set) {
			out = append(out, &diag.Error{Kind: diag.Chart, Pos: diag.Pos{File: c.File}, Warning: true,
				Msg: fmt.Sprintf("chart %q: no font has %s in %q, so its image shows a box there; name a font that has it in site.toml [fonts] files, or install one", c.Name, runeList(m.Runes), m.Text)})
		}
	}
	return out
}

// runeList writes runes as "東" (U+6771), "…".
func runeList(rs []rune) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = fmt.Sprintf("%q (U+%04X)", string(r), r)
	}
	return strings.Join(parts, ", ")
}
