package main

import (
	"github.com/briefing-dev/briefing/internal/chart"
	"github.com/briefing-dev/briefing/internal/render"
)

// chartImages draws charts as PNG: ECharts renders the option to SVG in
// goja, and the SVG is rasterised in Go at twice the CSS size.
type chartImages struct{ r *render.Renderer }

func (c chartImages) PNG(ch *chart.Chart, width, height int) ([]byte, error) {
	svg, err := c.r.SVG(ch.Option, width, height)
	if err != nil {
		return nil, err
	}
	return rasterPNG(svg, 2)
}
