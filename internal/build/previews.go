package build

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/briefing-dev/briefing/internal/chart"
	"github.com/briefing-dev/briefing/internal/chartimage"
	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/site"
)

// PreviewScale is the scale of the link-preview PNGs: an 800-pixel chart
// becomes 1200 pixels wide, the width Open Graph readers prefer.
const PreviewScale = 1.5

// drawPreviews draws, when the site has a base_url (link previews need
// absolute URLs), the first chart of every page as a PNG under
// assets/previews/, writes each to w once, and returns them by page.
func drawPreviews(in site.Input, images *chartimage.Session, w site.Writer) (map[string]site.Image, error) {
	if in.Config.BaseURL == "" || images == nil || !images.CanDraw() {
		return nil, nil
	}
	var charts []*chart.Chart
	var reqs []chartimage.Request
	byPage := map[string]site.Image{}
	queued := map[string]bool{}
	for _, p := range in.Pages {
		if len(p.Doc.Charts) == 0 {
			continue
		}
		c := p.Charts[p.Doc.Charts[0]]
		sum := sha256.Sum256(c.Option)
		name := fmt.Sprintf("assets/previews/%s-%s.png", c.Name, hex.EncodeToString(sum[:4]))
		byPage[p.Path] = site.Image{Path: name, Width: int(StaticWidth * PreviewScale), Height: int(float64(c.Height) * PreviewScale), Alt: c.Title}
		if !queued[name] {
			queued[name] = true
			charts = append(charts, c)
			reqs = append(reqs, chartimage.Request{Option: c.Option, Width: StaticWidth, Height: c.Height, Scale: PreviewScale})
		}
	}
	pngs, errs := images.Draw(reqs)
	for i, c := range charts {
		if errs[i] != nil {
			return nil, diag.Chart.Wrap(diag.Pos{File: c.File}, fmt.Errorf("drawing chart %q for link previews: %w", c.Name, errs[i]))
		}
		sum := sha256.Sum256(c.Option)
		if err := w.WriteFile(fmt.Sprintf("assets/previews/%s-%s.png", c.Name, hex.EncodeToString(sum[:4])), pngs[i]); err != nil {
			return nil, err
		}
	}
	return byPage, nil
}
