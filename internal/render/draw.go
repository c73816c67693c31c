package render

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
)

// DrawBuildPath is where `npm ci` writes the drawing build of ECharts,
// relative to the site root: the pinned package's own modules bundled from
// echarts-draw.js (see that file), with only what a static image of a
// briefing chart needs. It draws the same SVG as the whole echarts.min.js
// at about three quarters of the CPU per chart, and compiles in half the
// time.
const DrawBuildPath = "node_modules/.briefing/echarts-draw.js"

// DrawBuildSHA256 pins the drawing build: esbuild and ECharts are pinned
// in package-lock.json, so the bundle is the same file everywhere.
const DrawBuildSHA256 = "e5b9c9f389c949d7eae96e0e9ac0b643f812158cb3ce1674d60b7c5282d14520"

// Drawing returns the ECharts to draw static images with: the drawing
// build read from fsys (a site root) when it is there and is the pinned
// one, else whole, the site's pinned echarts.min.js. Both draw the same
// images; the drawing build only costs less. Its absence is not an error:
// a briefing whose ECharts was installed without this repository's
// package.json draws with the whole file. Without whole (no pinned copy of
// ECharts in the site) it returns nil: nothing is drawn.
//
// beside, when given, is a drawing build found next to an ECharts named
// outside the site (BRIEFING_ECHARTS in a checkout where npm ci ran); it is
// used when the site has none, and only if it is the pinned one.
func Drawing(fsys fs.FS, whole []byte, beside ...[]byte) []byte {
	if whole == nil {
		return nil
	}
	if b, err := fs.ReadFile(fsys, DrawBuildPath); err == nil && pinnedDrawBuild(b) {
		return b
	}
	for _, b := range beside {
		if pinnedDrawBuild(b) {
			return b
		}
	}
	return whole
}

// BesidePath is where npm ci puts the drawing build relative to an
// echarts.min.js it installed (node_modules/echarts/dist/echarts.min.js).
const BesidePath = "../../.briefing/echarts-draw.js"

func pinnedDrawBuild(b []byte) bool {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]) == DrawBuildSHA256
}
