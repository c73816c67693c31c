// Package narrative turns the briefing's markdown into HTML.
//
// A content file starts with TOML front matter between +++ lines (title,
// order, description, draft), followed by markdown: GitHub-flavoured, with
// footnotes and heading anchors. Raw HTML in markdown is dropped and
// javascript: links are neutralised. A chart is placed by a line of its own:
//
//	{{chart spend-share}}
//
// An unknown chart name, or a placement that does not stand on its own
// line, is an error at the file:line:col where it was written. Links to
// other content files (customers.md) become links to their pages.
package narrative

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/tomlpos"
)

// MaxBytes bounds a content file: some markdown inputs take quadratic time.
const MaxBytes = 1 << 20

// Meta is a page's front matter.
type Meta struct {
	Title       string `toml:"title"`
	Order       int    `toml:"order"`
	Description string `toml:"description"`
	Draft       bool   `toml:"draft"`
}

// Doc is a parsed content file.
type Doc struct {
	File   string
	Meta   Meta
	Charts []string // chart names in the order they are placed
	src    []byte
	root   ast.Node
}

// PlaceFunc writes the HTML of the named chart.
type PlaceFunc func(w io.Writer, name string) error

// Parse reads a content file. known reports whether a chart exists.
func Parse(file string, src []byte, known func(name string) bool) (*Doc, error) {
	if len(src) > MaxBytes {
		return nil, diag.Errorf(diag.Pos{File: file}, "file is %d bytes, over the limit of %d", len(src), MaxBytes)
	}
	d := &Doc{File: file}
	body, err := d.frontMatter(src)
	if err != nil {
		return nil, err
	}
	d.src = body
	d.root = newMarkdown(nil).Parser().Parse(text.NewReader(body))
	return d, d.check(known)
}

// frontMatter decodes the +++ block and returns the source with that block
// blanked out line for line, so positions in the markdown stay true.
func (d *Doc) frontMatter(src []byte) ([]byte, error) {
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	if !bytes.HasPrefix(src, []byte("+++\n")) && !bytes.HasPrefix(src, []byte("+++\r\n")) {
		return nil, diag.Errorf(diag.Pos{File: d.File, Line: 1, Col: 1}, "expected front matter: a +++ line, TOML (title = \"…\"), and a closing +++ line")
	}
	start := bytes.IndexByte(src, '\n') + 1
	end := -1
	for off := start; off < len(src); {
		nl := bytes.IndexByte(src[off:], '\n')
		line := src[off:]
		if nl >= 0 {
			line = src[off : off+nl]
		}
		if string(bytes.TrimRight(line, "\r ")) == "+++" {
			end = off
			break
		}
		if nl < 0 {
			break
		}
		off += nl + 1
	}
	if end < 0 {
		return nil, diag.Errorf(diag.Pos{File: d.File, Line: 1, Col: 1}, "front matter is not closed: add a +++ line after it")
	}
	fm := src[start:end]
	if _, err := tomlpos.Decode(d.File, fm, &d.Meta); err != nil {
		var de *diag.Error
		if errors.As(err, &de) && de.Pos.Line > 0 {
			de.Pos.Line++ // the opening +++ line
		}
		return nil, err
	}
	if strings.TrimSpace(d.Meta.Title) == "" {
		return nil, diag.Errorf(diag.Pos{File: d.File, Line: 2, Col: 1}, "front matter needs a title")
	}
	body := make([]byte, len(src))
	copy(body, src)
	closeEnd := end + bytes.IndexByte(append(src[end:], '\n'), '\n') + 1
	for i := 0; i < closeEnd && i < len(body); i++ {
		if body[i] != '\n' {
			body[i] = ' '
		}
	}
	return body, nil
}

var strayPlacement = regexp.MustCompile(`\{\{\s*chart\b`)

// check verifies every placement: a known chart, on a line of its own.
func (d *Doc) check(known func(string) bool) error {
	var errs []error
	err := ast.Walk(d.root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ChartNode:
			if !known(n.Name) {
				errs = append(errs, diag.Errorf(d.pos(n.Offset), "unknown chart %q (charts are the files in charts/, named without .toml)", n.Name))
			}
			d.Charts = append(d.Charts, n.Name)
		case *ast.CodeSpan:
			return ast.WalkSkipChildren, nil // `{{chart x}}` shows the syntax
		case *ast.Text:
			seg := n.Segment
			if loc := strayPlacement.FindIndex(seg.Value(d.src)); loc != nil {
				errs = append(errs, diag.Errorf(d.pos(seg.Start+loc[0]), "a chart placement must stand alone on its own line: {{chart NAME}}"))
			}
		}
		return ast.WalkContinue, nil
	})
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		return errs[0]
	}
	return nil
}

func (d *Doc) pos(off int) diag.Pos {
	line, col := diag.LineCol(d.src, off)
	return diag.Pos{File: d.File, Line: line, Col: col}
}

// Render writes the page body as HTML; place writes each chart.
func (d *Doc) Render(w io.Writer, place PlaceFunc) error {
	if err := newMarkdown(place).Renderer().Render(w, d.src, d.root); err != nil {
		return fmt.Errorf("%s: %w", d.File, err)
	}
	return nil
}

// newMarkdown configures goldmark; place renders chart placements.
func newMarkdown(place PlaceFunc) goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(extension.GFM, extension.Footnote),
		goldmark.WithParserOptions(
			parser.WithAutoHeadingID(),
			parser.WithBlockParsers(util.Prioritized(chartParser{}, 50)),
			parser.WithASTTransformers(util.Prioritized(linkRewriter{}, 100)),
		),
		goldmark.WithRendererOptions(renderer.WithNodeRenderers(util.Prioritized(chartRenderer{place}, 100))),
	)
}
