// Package narrative turns the briefing's markdown into HTML.
//
// A content file starts with TOML front matter between +++ lines (title,
// order, description, draft, and for a page per row: each, slug),
// followed by markdown: GitHub-flavoured, with footnotes and heading
// anchors. Raw HTML in markdown is dropped and javascript: links are
// neutralised.
//
// References in double braces bring in the briefing's data. On a line of
// their own:
//
//	{{chart spend-share}}     a chart from charts/spend-share.toml
//	{{table top-customers}}   a table from tables/top-customers.toml
//	{{pages customer}}        links to the pages made from customer.md
//
// and inside a sentence:
//
//	{{fig tiktok_share}}                      a figure, in its own format
//	{{fig tiktok_share percent:1}}            … or in another
//	{{if top_share > 20% then "high" else "moderate"}}
//	{{row customer}}                          a column of this page's row
//
// This package finds and positions references; the caller checks them
// (an unknown name is an error at its file:line:col) and renders them.
// Links to other content files (customers.md) become links to their pages.
package narrative

import (
	"bytes"
	"errors"
	"io"
	"slices"
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
	// Each makes the file a template: one page per row of this table.
	Each string `toml:"each"`
	// Slug names the column that gives each row's page its file name.
	Slug string `toml:"slug"`
}

// Doc is a parsed content file.
type Doc struct {
	File   string
	Meta   Meta
	Charts []string // chart names in the order they are placed
	src    []byte
	root   ast.Node
	fm     *tomlpos.Index
}

// Parse reads a content file. check validates every reference; its error
// is reported at the reference's file:line:col.
func Parse(file string, src []byte, check CheckFunc) (*Doc, error) {
	if len(src) > MaxBytes {
		return nil, diag.Content.Errorf(diag.Pos{File: file}, "file is %d bytes, over the limit of %d", len(src), MaxBytes)
	}
	d := &Doc{File: file}
	body, err := d.frontMatter(src)
	if err != nil {
		return nil, err
	}
	d.src = body
	d.root = newMarkdown(refRenderer{}).Parser().Parse(text.NewReader(body))
	return d, d.check(check)
}

// frontMatter decodes the +++ block and returns the source with that block
// blanked out line for line, so positions in the markdown stay true.
func (d *Doc) frontMatter(src []byte) ([]byte, error) {
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	if !bytes.HasPrefix(src, []byte("+++\n")) && !bytes.HasPrefix(src, []byte("+++\r\n")) {
		return nil, diag.Content.Errorf(diag.Pos{File: d.File, Line: 1, Col: 1}, "expected front matter: a +++ line, TOML (title = \"…\"), and a closing +++ line")
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
		return nil, diag.Content.Errorf(diag.Pos{File: d.File, Line: 1, Col: 1}, "front matter is not closed: add a +++ line after it")
	}
	fm := src[start:end]
	d.fm = tomlpos.New(d.File, fm)
	if _, err := tomlpos.Decode(diag.Content, d.File, fm, &d.Meta); err != nil {
		var de *diag.Error
		if errors.As(err, &de) && de.Pos.Line > 0 {
			de.Pos.Line++ // the opening +++ line
		}
		return nil, err
	}
	if strings.TrimSpace(d.Meta.Title) == "" {
		return nil, diag.Content.Errorf(diag.Pos{File: d.File, Line: 2, Col: 1}, "front matter needs a title")
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

// check positions every reference, validates it, and reports a block
// reference written inside a sentence.
func (d *Doc) check(check CheckFunc) error {
	var first error
	fail := func(err error) {
		if first == nil {
			first = err
		}
	}
	_ = ast.Walk(d.root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		var r *Ref
		switch n := n.(type) {
		case *BlockRefNode:
			r = &n.R
		case *RefNode:
			r = &n.R
		case *ast.CodeSpan, *ast.FencedCodeBlock, *ast.CodeBlock:
			return ast.WalkSkipChildren, nil
		default:
			return ast.WalkContinue, nil
		}
		r.Pos, r.Open = d.pos(r.Pos.Col), d.pos(r.Open.Col)
		switch {
		case !r.Block && IsBlock(r.Kind):
			fail(diag.Content.Errorf(r.Open, "a %s placement must stand alone on its own line: {{%s NAME}}", r.Kind, r.Kind))
			return ast.WalkContinue, nil
		case !r.Block && !slices.Contains(InlineKinds, r.Kind):
			fail(diag.Content.Errorf(r.Open, "unknown reference {{%s …}} (want {{fig NAME}}, {{if CONDITION then \"…\" else \"…\"}}, {{row COLUMN}}, or on a line of its own {{chart NAME}}, {{table NAME}}, {{pages NAME}})", r.Kind))
			return ast.WalkContinue, nil
		}
		if r.Kind == "chart" {
			d.Charts = append(d.Charts, r.Arg)
		}
		if check != nil {
			if err := check(*r); err != nil {
				fail(positioned(r.Pos, err))
			}
		}
		return ast.WalkContinue, nil
	})
	return first
}

// Refs lists the document's references in order.
func (d *Doc) Refs() []Ref {
	var refs []Ref
	_ = ast.Walk(d.root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			switch n := n.(type) {
			case *BlockRefNode:
				refs = append(refs, n.R)
			case *RefNode:
				refs = append(refs, n.R)
			}
		}
		return ast.WalkContinue, nil
	})
	return refs
}

// FrontMatterPos locates a front-matter key's value in the file.
func (d *Doc) FrontMatterPos(key string) diag.Pos {
	p := d.fm.Value(key)
	if p.Line > 0 {
		p.Line++ // the opening +++ line
	}
	p.File = d.File
	return p
}

func (d *Doc) pos(off int) diag.Pos {
	line, col := diag.LineCol(d.src, off)
	return diag.Pos{File: d.File, Line: line, Col: col}
}

// Render writes the page body as HTML: block writes each block reference
// and inline gives the text of each inline one.
func (d *Doc) Render(w io.Writer, block BlockFunc, inline InlineFunc) error {
	if err := newMarkdown(refRenderer{block, inline}).Renderer().Render(w, d.src, d.root); err != nil {
		return positioned(diag.Pos{File: d.File}, err)
	}
	return nil
}

// newMarkdown configures goldmark with the reference syntax.
func newMarkdown(refs refRenderer) goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(extension.GFM, extension.Footnote),
		goldmark.WithParserOptions(
			parser.WithAutoHeadingID(),
			parser.WithBlockParsers(util.Prioritized(blockParser{}, 50)),
			parser.WithInlineParsers(util.Prioritized(inlineParser{}, 50)),
			parser.WithASTTransformers(util.Prioritized(linkRewriter{}, 100)),
		),
		goldmark.WithRendererOptions(renderer.WithNodeRenderers(util.Prioritized(refs, 100))),
	)
}
