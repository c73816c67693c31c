// Package narrative reads the briefing's markdown: a content file's front
// matter and body, parsed once into a goldmark tree whose references are
// typed nodes, and rendered to HTML by whoever holds the values.
//
// A content file starts with TOML front matter between +++ lines (title,
// order, description, draft, and for a page per row: each, slug),
// followed by markdown: GitHub-flavoured, with footnotes and heading
// anchors. Raw HTML in markdown is dropped and javascript: links are
// neutralised. Links to other content files (customers.md) become links
// to their pages; Doc.Links lists every link with its position.
//
// References in double braces bring in the briefing's data. On a line of
// their own (Block: *ChartRef, *TableRef, *PagesRef):
//
//	{{chart spend-share}}     a chart from charts/spend-share.toml
//	{{table top-customers}}   a table from tables/top-customers.toml
//	{{pages customer}}        links to the pages made from customer.md
//
// and inside a sentence (Inline: *FigRef, *IfRef, *RowRef, *ChangeRef,
// *PrevRef, *EditionRef):
//
//	{{fig tiktok_share}}                      a figure, in its own format
//	{{fig tiktok_share percent:1}}            … or in another
//	{{if top_share > 20% then "high" else "moderate"}}
//	{{row customer}}                          a column of this page's row
//	{{change tiktok_share}}                   "+1.2 pp since Feb 2022" (a series' previous edition)
//	{{prev tiktok_share}}                     the figure in the previous edition
//	{{edition}} {{edition prev}}              the edition's label, the previous one's
//
// One goldmark extension (Refs) makes these nodes. Parse reports how a
// reference is written wrongly (an unknown kind, a placement inside a
// sentence, a malformed condition) at its file:line:col; whether the
// names exist is the page stage's to check (package page). Render asks
// its caller for each block's HTML and takes each inline reference's
// text by its slot.
//
// Some markdown costs goldmark time in proportion to the square of its
// size; Parse refuses it first, at the place a limit is passed (see
// MaxBytes, MaxBracketWork, MaxNesting, MaxTableCells).
package narrative

import (
	"bufio"
	"bytes"
	"errors"
	"html"
	"io"
	"sort"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/tomlpos"
)

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
	root   ast.Node  // nil once released
	body   []segment // the rendered markdown, once released
	blocks []Block   // the block references, once released
	fm     *tomlpos.Index
	lines  lineIndex
}

// A segment is a run of rendered HTML followed by the reference written
// after it: a block, an inline slot, or neither (the last segment).
type segment struct {
	html  string
	block Block // detached from the tree
	slot  int   // an inline reference's slot, or -1
}

// Parse reads a content file: its front matter and its markdown, with
// every reference as a typed node. Problems with how a reference is
// written are reported at its file:line:col (all of them, up to
// maxProblems); whether the names it uses exist is for the caller.
func Parse(file string, src []byte) (*Doc, error) {
	if len(src) > MaxBytes {
		return nil, diag.Content.Errorf(diag.Pos{File: file}, "file is %d bytes, over the limit of %d", len(src), MaxBytes)
	}
	d := &Doc{File: file}
	body, err := d.frontMatter(src)
	if err != nil {
		return nil, err
	}
	d.src, d.lines = body, newLineIndex(body)
	if off, msg := checkBounds(body); msg != "" {
		return nil, diag.Content.Errorf(d.pos(off), "%s", msg)
	}
	pc := parser.NewContext()
	d.root = parseMarkdown(body, pc)
	var errs []error
	ps, _ := pc.Get(problemsKey).([]problem)
	for _, p := range ps[:min(len(ps), maxProblems)] {
		errs = append(errs, diag.Content.Errorf(d.pos(p.off), "%s", p.msg))
	}
	if err := diag.Join(errs...); err != nil {
		return nil, err
	}
	d.position()
	return d, nil
}

// parseMarkdown runs goldmark; tests watch it.
var parseMarkdown = func(body []byte, pc parser.Context) ast.Node {
	return markdown.Parser().Parse(text.NewReader(body), parser.WithContext(pc))
}

// maxProblems bounds the syntax problems reported for one file.
const maxProblems = 20

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

// position turns the byte offsets the parsers left in reference nodes
// into positions, and lists the charts placed.
func (d *Doc) position() {
	for _, r := range refs(d.root) {
		d.positionRef(r)
		if c, ok := r.(*ChartRef); ok {
			d.Charts = append(d.Charts, c.Name)
		}
	}
}

func (d *Doc) positionRef(r Ref) {
	sp := r.RefSpan()
	sp.At, sp.Open = d.pos(sp.At.Col), d.pos(sp.Open.Col)
}

// Release renders the markdown once and lets the parsed tree go: Render
// then writes the HTML kept between the references and asks for the
// references' HTML and texts as before, so a file made into a page per
// row is rendered by goldmark once, not once a row, and the page stage
// holds each page's HTML (a few KB) rather than its tree (ten times
// that). Refs and Links are for before Release; Blocks works after.
func (d *Doc) Release() error {
	if d.root == nil {
		return nil
	}
	var buf bytes.Buffer
	rw := &refWriter{BufWriter: bufio.NewWriter(&buf), record: true, buf: &buf}
	if err := markdown.Renderer().Render(rw, d.src, d.root); err != nil {
		return positioned(diag.Pos{File: d.File}, err)
	}
	rw.cut(nil, -1)
	for _, s := range rw.segs {
		if s.block != nil {
			if p := s.block.Parent(); p != nil {
				p.RemoveChild(p, s.block)
			}
			d.blocks = append(d.blocks, s.block)
		}
	}
	d.body, d.root, d.src = rw.segs, nil, nil
	return nil
}

// Blocks lists the document's block references in the order they are
// written, before or after Release.
func (d *Doc) Blocks() []Block {
	if d.root == nil {
		return d.blocks
	}
	var bs []Block
	for _, r := range d.Refs() {
		if b, ok := r.(Block); ok {
			bs = append(bs, b)
		}
	}
	return bs
}

// Refs lists the document's references in the order they are written.
// Code shows the syntax as text: it holds none.
func (d *Doc) Refs() []Ref { return refs(d.root) }

func refs(root ast.Node) []Ref {
	var refs []Ref
	if root == nil {
		return nil
	}
	_ = ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if r, ok := n.(Ref); ok && entering {
			refs = append(refs, r)
		}
		return ast.WalkContinue, nil
	})
	return refs
}

// Slots is the number of inline references: the length of the texts that
// Render wants.
func (d *Doc) Slots() int {
	n := 0
	for _, r := range d.Refs() {
		if _, ok := r.(Inline); ok {
			n++
		}
	}
	return n
}

// A Link is a link written in the markdown, to another page or a file.
type Link struct {
	Dest string   // destination, with links to .md files pointed at their pages
	Pos  diag.Pos // where the link starts: its [
}

// Links lists the document's links in the order they are written.
func (d *Doc) Links() []Link {
	var links []Link
	if d.root == nil {
		return nil
	}
	_ = ast.Walk(d.root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if l, ok := n.(*ast.Link); ok && entering {
			links = append(links, Link{Dest: string(l.Destination), Pos: d.pos(l.Pos())})
		}
		return ast.WalkContinue, nil
	})
	return links
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
	if off < 0 {
		return diag.Pos{File: d.File}
	}
	line, col := d.lines.lineCol(off)
	return diag.Pos{File: d.File, Line: line, Col: col}
}

// lineIndex finds the line and column of an offset in a source.
type lineIndex []int // offsets where lines start

func newLineIndex(src []byte) lineIndex {
	starts := lineIndex{0}
	for i, c := range src {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// lineCol returns 1-based line and column (in bytes) of off.
func (l lineIndex) lineCol(off int) (line, col int) {
	i := sort.SearchInts(l, off+1) - 1
	return i + 1, off - l[i] + 1
}

// Render writes the page body as HTML: block writes each block reference,
// and inline reference i shows texts[i], escaped.
func (d *Doc) Render(w io.Writer, block BlockFunc, texts []string) error {
	if d.root == nil {
		return d.renderBody(w, block, texts)
	}
	rw := &refWriter{BufWriter: bufio.NewWriter(w), block: block, text: texts}
	if err := markdown.Renderer().Render(rw, d.src, d.root); err != nil {
		return positioned(diag.Pos{File: d.File}, err)
	}
	return nil
}

// renderBody is Render after Release: the same HTML, from the segments.
func (d *Doc) renderBody(w io.Writer, block BlockFunc, texts []string) error {
	bw := bufio.NewWriter(w)
	for _, s := range d.body {
		bw.WriteString(s.html)
		switch {
		case s.block != nil && block != nil:
			if err := block(bw, s.block); err != nil {
				return positioned(s.block.RefSpan().At, err)
			}
		case s.slot >= 0 && s.slot < len(texts):
			bw.WriteString(html.EscapeString(texts[s.slot]))
		}
	}
	return bw.Flush()
}

// markdown is goldmark with the reference syntax and the bounds; one
// instance parses and renders every page.
var markdown = goldmark.New(
	goldmark.WithExtensions(extension.GFM, extension.Footnote, Refs{}),
	goldmark.WithParserOptions(
		parser.WithAutoHeadingID(),
		parser.WithBlockParsers(util.Prioritized(nestingLimit{}, 0)),
		parser.WithASTTransformers(util.Prioritized(linkRewriter{}, 100)),
	),
)
