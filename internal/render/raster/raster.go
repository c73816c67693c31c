// Package raster draws the SVG that ECharts' server-side renderer writes
// as a PNG, in pure Go, for email and other places where an SVG will not
// do.
//
// It is not a general SVG renderer. It draws the subset ECharts 5.6 emits
// and a little more: <svg> with width, height and viewBox; <g> (nested,
// with transform, opacity and clip-path); <path> with every path command,
// relative and implicit ones included, arcs too; <rect> (with rx/ry),
// <circle>, <ellipse>, <line>, <polyline>, <polygon>; <text> (text
// content only; <tspan> contributes its characters but not its
// positions). Paint is a colour (#rgb, #rrggbb, #rgba, #rrggbbaa, rgb(),
// rgba(), hsl(), hsla(), CSS names, transparent, currentColor) or a
// <linearGradient>/<radialGradient> from anywhere in the document, in
// objectBoundingBox or userSpaceOnUse units, with gradientTransform and
// spreadMethod. Presentation attributes and the style attribute are both
// read (style wins), with SVG's inheritance.
//
// Fills use the non-zero rule (fill-rule and clip-rule are ignored;
// ECharts writes neither). Strokes are outlined here (x/image/vector
// only fills): curves are flattened, each segment becomes a quadrilateral,
// joins are miter (with the miter limit), round or bevel, caps butt, round
// or square, and dash arrays with an offset are honoured. paint-order
// decides whether fill or stroke goes first, which is how ECharts draws
// the white halo around pie labels.
//
// Text is set through package fonts, the same faces and the same advance
// widths ECharts measured with when it laid the chart out (the Go fonts,
// and for characters they lack the first fallback font that has them), so
// labels land where they were measured. Glyphs are drawn as
// outlines, so they follow any transform. text-anchor uses fonts.Measure;
// dominant-baseline "central" (all ECharts writes) puts the point halfway
// between ascent and descent on y, as Chromium does; "middle" puts the
// middle of the em box there, as canvas's textBaseline "middle" does;
// "hanging" puts 0.8 of the ascent there (Chromium's rule), and
// "text-before-edge" all of it, "ideographic" and "text-after-edge" the
// descent, and anything else the alphabetic baseline. font-family is
// ignored; bold and weights of 600 and more use Go Bold (and a bold
// fallback face where there is one); italic is slanted upright glyphs.
//
// The opacity of a group, or of a shape with both fill and stroke, is
// applied to it as a whole, by drawing it apart first (ECharts folds
// opacity into fill-opacity and stroke-opacity itself). Filters (ECharts'
// shadows), patterns (decals), images, <use>, markers and masks are not
// drawn; elements the package does not know are skipped with their
// children.
//
// Hostile input is bounded: the document size, element count, nesting
// depth, canvas size and the total drawing work are all limited, and
// exceeding a limit is an error wrapping ErrLimit. Malformed XML, a root
// that is not <svg> and a size that cannot be read are errors too. Bad
// data inside a path stops the path there, as in browsers.
package raster

import (
	"bytes"

	"errors"
	"fmt"
	"github.com/briefing-dev/briefing/internal/render/fonts"
	"image"
	"image/png"
	"math"
)

// Limits on what one call may ask for.
const (
	MaxSide     = 4000     // pixels, width or height of the image after scaling
	MaxBytes    = 32 << 20 // size of the SVG document
	MaxElements = 200000   // elements in the document
	MaxDepth    = 256      // element nesting
	MaxScale    = 16

	// workPerPixel bounds the drawing work: the pixels touched by all
	// elements together may be at most this many times the canvas (plus
	// workBase). The sample charts touch 0.1–2 times theirs.
	workPerPixel = 32
	workBase     = 1 << 24
	// maxPoints bounds the points of flattened curves and stroke outlines
	// over the whole document (the sample charts make 3,000–21,000).
	maxPoints = 1 << 22
	// maxClipDepth bounds the nesting of clip paths, each of which holds a
	// coverage mask while its content is drawn.
	maxClipDepth = 8
	// maxLayers bounds the nesting of groups drawn apart for their
	// opacity, each an image the size of the canvas; deeper groups
	// multiply their opacity into their content's instead.
	maxLayers = 2
)

// ErrLimit is wrapped by errors returned for documents that exceed a
// limit.
var ErrLimit = errors.New("raster: SVG exceeds a limit")

// PNG rasterises an SVG as ECharts' server-side renderer writes it, at
// scale (2 for crisp email images), onto a white background, with the
// default fonts (fonts.Default).
func PNG(svg []byte, scale float64) ([]byte, error) { return PNGWith(svg, scale, nil) }

// PNGWith is PNG with the text set in set (nil: fonts.Default), which
// should be the set ECharts measured the text with.
func PNGWith(svg []byte, scale float64, set *fonts.Set) ([]byte, error) {
	img, err := RasterizeWith(svg, scale, set)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("raster: encoding PNG: %w", err)
	}
	return buf.Bytes(), nil
}

// Rasterize draws svg at scale onto a white image of the SVG's width and
// height times scale, rounded up, with the default fonts.
func Rasterize(svg []byte, scale float64) (*image.RGBA, error) { return RasterizeWith(svg, scale, nil) }

// RasterizeWith is Rasterize with the text set in set (nil:
// fonts.Default).
func RasterizeWith(svg []byte, scale float64, set *fonts.Set) (*image.RGBA, error) {
	if !(scale > 0) || scale > MaxScale || math.IsInf(scale, 0) {
		return nil, fmt.Errorf("raster: scale %v is outside (0, %d]", scale, MaxScale)
	}
	if len(svg) > MaxBytes {
		return nil, fmt.Errorf("%w: document is %d bytes, more than %d", ErrLimit, len(svg), MaxBytes)
	}
	doc, err := parse(svg)
	if err != nil {
		return nil, err
	}
	vp, err := rootViewport(doc.root)
	if err != nil {
		return nil, err
	}
	w, h := math.Ceil(vp.width*scale-1e-9), math.Ceil(vp.height*scale-1e-9)
	if w > MaxSide || h > MaxSide {
		return nil, fmt.Errorf("%w: image would be %.0f×%.0f pixels, more than %d on a side", ErrLimit, w, h, MaxSide)
	}
	if w < 1 || h < 1 {
		return nil, fmt.Errorf("raster: image would be %.0f×%.0f pixels", w, h)
	}
	img := image.NewRGBA(image.Rect(0, 0, int(w), int(h)))
	img.Pix[0] = 0xff // white, opaque: fill by doubling
	for n := 1; n < len(img.Pix); n *= 2 {
		copy(img.Pix[n:], img.Pix[:n])
	}
	r := newRenderer(doc, img)
	r.vw, r.vh = vp.userW, vp.userH
	if r.fonts = set; set == nil {
		r.fonts = fonts.Default()
	}
	ctm := scaling(scale, scale).mul(vp.transform)
	alpha := 1.0
	if o, ok := parseOpacity(doc.root.attr["opacity"]); ok {
		alpha = o
	}
	if err := r.drawChildren(doc.root, inherit(rootStyle(), doc.root), ctm, nil, alpha); err != nil {
		return nil, err
	}
	return img, nil
}
