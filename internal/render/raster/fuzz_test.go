package raster

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzRasterize: any document is drawn or refused with an error, never a
// panic, and never onto an image larger than the limits allow.
func FuzzRasterize(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.svg")
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil && len(b) < 64<<10 {
			f.Add(b)
		}
	}
	for _, s := range []string{
		`<svg width="100" height="50"><rect width="10" height="10" fill="#f00"/></svg>`,
		`<svg width="1e9" height="1e9"></svg>`,
		`<svg width="-1" height="NaN"></svg>`,
		`<svg width="10" height="10" viewBox="0 0 0 0"><path d="M0 0 L1e308 1e308 Z" stroke="#000" stroke-width="1e308"/></svg>`,
		`<svg width="10" height="10"><path d="M0 0 A1e9 1e9 0 1 1 5 5 C1 2 3 4 5 6 Q1 1 2 2 z m1 1 l2 2 h3 v3"/></svg>`,
		`<svg width="10" height="10"><g transform="matrix(1e308 0 0 1e308 0 0) rotate(45) scale(0)"><circle r="1e6"/></g></svg>`,
		`<svg width="10" height="10"><text x="1" y="5" font-size="1e9">x</text></svg>`,
		`<svg width="10" height="10"><path d="M0 0` + " L1 1" + `" stroke-dasharray="0.0000001"/></svg>`,
		`<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg width="10" height="10">&a;</svg>`,
		`<svg width="10" height="10"><clipPath id="c"><rect width="5" height="5"/></clipPath><g clip-path="url(#c)"><rect width="9" height="9"/></g></svg>`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, svg []byte) {
		img, err := Rasterize(svg, 1)
		if err != nil {
			return
		}
		if b := img.Bounds(); b.Dx() > MaxSide || b.Dy() > MaxSide {
			t.Fatalf("drew a %v image", b)
		}
	})
}
