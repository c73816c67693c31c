package main

import "errors"

// rasterPNG turns a chart's SVG into a PNG. The pure-Go rasteriser is not
// in place yet.
var rasterPNG = func(svg []byte, scale float64) ([]byte, error) {
	return nil, errors.New("PNG rendering is not available yet")
}
