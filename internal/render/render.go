// Package render draws charts as static SVG images, for print, readers
// without JavaScript and email, with ECharts itself running in goja (a
// JavaScript engine in pure Go): no browser, no cgo.
//
// An image shows what the page shows. The option is the chart's JSON as
// internal/chart built it, and the chart script (briefing.js) turns its
// "briefing" meta into ECharts formatter functions, exactly as it does in
// the browser, so axis labels and values carry the same formats.
//
// Text is laid out with package fonts (the Go fonts, and fallback fonts
// for the characters they lack): ECharts asks Go for the width of every
// label, so the layout fits the fonts that the PNG renderer draws with.
// The SVG names the Go font as FontFamily. MissingGlyphs finds the text
// that no font can draw.
//
// ECharts is whatever file New is given. Builds give it Drawing's choice:
// the drawing build that `npm ci` bundles from the pinned package's modules
// (echarts-draw.js: only what a static image needs), else the whole
// echarts.min.js. Both draw byte-identical SVGs; the drawing build compiles
// in half the time and draws a chart with about a quarter less CPU.
//
// Rendering is deterministic: the same option and size give the same
// bytes. Math.random is reseeded before every chart, ECharts' hover CSS
// (whose class names come from a counter that never resets) is left out,
// and the ids ECharts gives clip paths and gradients are derived from the
// option and size, so several images can be inlined in one page without
// their ids colliding.
//
// Output is checked before it is returned. ECharts escapes text but writes
// attribute values as they are, so colours and fonts in the option are
// validated first (see CheckOption), and every SVG must pass Sanitize: only
// drawing elements and presentation attributes, nothing that runs script
// or loads anything.
package render

import (
	"errors"
	"fmt"
	"sync"

	"github.com/dop251/goja"

	"github.com/briefing-dev/briefing/internal/render/fonts"
)

// FontFamily is the font family the SVG names for all text. The width of
// every label is measured with the Go fonts (package fonts); a viewer
// without them falls back to its sans-serif.
const FontFamily = "Go, sans-serif"

// MaxSize bounds the width and height of an image, in pixels.
const MaxSize = 8192

// Renderer renders chart options to SVG with ECharts itself running in
// goja. It is safe for concurrent use: each goja runtime is used by one
// goroutine at a time, and at most workers of them exist.
type Renderer struct {
	echarts, script, glue *goja.Program // compiled once, shared by every runtime

	slots chan struct{} // one per worker: held while rendering
	mu    sync.Mutex
	idle  []*runtime // runtimes ready for use
	done  bool       // Close was called
}

// New compiles echartsJS (echarts.min.js) and chartScript (briefing.js)
// once. Runtimes are created when first needed, up to workers of them
// (at least one).
func New(echartsJS, chartScript []byte, workers int) (*Renderer, error) {
	if len(echartsJS) == 0 {
		return nil, errors.New("render: no ECharts script")
	}
	if workers < 1 {
		workers = 1
	}
	ec, err := goja.Compile("echarts.min.js", string(echartsJS), false)
	if err != nil {
		return nil, fmt.Errorf("render: compiling echarts.min.js: %w", err)
	}
	cs, err := goja.Compile("briefing.js", string(chartScript), false)
	if err != nil {
		return nil, fmt.Errorf("render: compiling the chart script: %w", err)
	}
	glue, err := goja.Compile("render.js", glueJS, true)
	if err != nil {
		return nil, fmt.Errorf("render: compiling the glue: %w", err)
	}
	r := &Renderer{echarts: ec, script: cs, glue: glue, slots: make(chan struct{}, workers)}
	return r, nil
}

// SVG renders option, a chart's ECharts option as built by internal/chart
// (with its "briefing" meta), at width × height pixels. It returns an
// error, never an image, when the option is refused (CheckOption) or the
// result fails Sanitize.
func (r *Renderer) SVG(option []byte, width, height int) ([]byte, error) {
	return r.SVGWith(option, width, height, nil)
}

// SVGWith is SVG with the text measured in set (nil: fonts.Default), the
// set that will draw it.
func (r *Renderer) SVGWith(option []byte, width, height int, set *fonts.Set) ([]byte, error) {
	if set == nil {
		set = fonts.Default()
	}
	if width < 1 || height < 1 || width > MaxSize || height > MaxSize {
		return nil, fmt.Errorf("render: size %d×%d is outside 1–%d pixels", width, height, MaxSize)
	}
	if err := CheckOption(option); err != nil {
		return nil, err
	}
	rt, err := r.acquire()
	if err != nil {
		return nil, err
	}
	svg, err := rt.render(option, width, height, set)
	r.release(rt, err == nil)
	if err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	if err := Sanitize(svg); err != nil {
		return nil, fmt.Errorf("render: unsafe SVG: %w", err)
	}
	return fitText(svg, set), nil
}

// Close releases the runtimes. SVG fails after Close; renders already
// under way finish.
func (r *Renderer) Close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.done = true
	r.idle = nil
}

var errClosed = errors.New("render: renderer is closed")

// acquire waits for a worker slot and returns an idle runtime, or a new
// one when none is idle.
func (r *Renderer) acquire() (*runtime, error) {
	r.slots <- struct{}{}
	r.mu.Lock()
	if r.done {
		r.mu.Unlock()
		<-r.slots
		return nil, errClosed
	}
	if n := len(r.idle); n > 0 {
		rt := r.idle[n-1]
		r.idle = r.idle[:n-1]
		r.mu.Unlock()
		return rt, nil
	}
	r.mu.Unlock()
	rt, err := newRuntime(r.echarts, r.script, r.glue)
	if err != nil {
		<-r.slots
		return nil, err
	}
	return rt, nil
}

// release returns rt to the pool; a runtime whose render failed is dropped
// (a script error may have left it half way through a chart) and a fresh
// one is made when next needed.
func (r *Renderer) release(rt *runtime, ok bool) {
	r.mu.Lock()
	if ok && !r.done {
		r.idle = append(r.idle, rt)
	}
	r.mu.Unlock()
	<-r.slots
}
