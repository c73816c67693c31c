package main

import "github.com/briefing-dev/briefing/internal/render/raster"

// rasterPNG turns a chart's SVG into a PNG, in pure Go.
var rasterPNG = raster.PNG
