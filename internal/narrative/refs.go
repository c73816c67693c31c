package narrative

import (
	"fmt"
	"html"
	"io"
	"net/url"
	"path"
	"regexp"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"github.com/briefing-dev/briefing/internal/diag"
)

// A Ref is a {{KIND ARG}} reference in a page. Block kinds (chart, table,
// pages) stand on a line of their own and render as HTML; inline kinds
// (fig, if, row) sit in a sentence and render as text.
type Ref struct {
	Kind  string
	Arg   string   // everything after the kind, trimmed
	Pos   diag.Pos // where the argument starts
	Open  diag.Pos // where the {{ is
	Block bool
}

func (r Ref) String() string { return "{{" + r.Kind + " " + r.Arg + "}}" }

// BlockKinds and InlineKinds list the references a page may hold.
var (
	BlockKinds  = []string{"chart", "table", "pages"}
	InlineKinds = []string{"fig", "if", "row"}
)

// IsBlock reports whether kind is a block reference.
func IsBlock(kind string) bool {
	for _, k := range BlockKinds {
		if k == kind {
			return true
		}
	}
	return false
}

// CheckFunc validates a reference when a page is parsed; its error is
// reported at the reference's position.
type CheckFunc func(Ref) error

// BlockFunc writes the HTML of a block reference.
type BlockFunc func(w io.Writer, r Ref) error

// InlineFunc returns the text of an inline reference; Render escapes it.
type InlineFunc func(r Ref) (string, error)

// ChartChecker accepts chart references to known charts and nothing else.
func ChartChecker(known func(name string) bool) CheckFunc {
	return func(r Ref) error {
		if r.Kind == "chart" && !known(r.Arg) {
			return fmt.Errorf("unknown chart %q (charts are the files in charts/, named without .toml)", r.Arg)
		}
		if r.Kind != "chart" {
			return fmt.Errorf("unknown reference {{%s}} (this page allows {{chart NAME}})", r.Kind)
		}
		return nil
	}
}

// RefNode is a reference in the document tree.
type RefNode struct {
	ast.BaseInline
	R Ref
}

// BlockRefNode is a block reference in the document tree.
type BlockRefNode struct {
	ast.BaseBlock
	R Ref
}

var (
	kindRef      = ast.NewNodeKind("Ref")
	kindBlockRef = ast.NewNodeKind("BlockRef")
)

// Kind implements ast.Node.
func (*RefNode) Kind() ast.NodeKind { return kindRef }

// Kind implements ast.Node.
func (*BlockRefNode) Kind() ast.NodeKind { return kindBlockRef }

// Dump implements ast.Node.
func (n *RefNode) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"Ref": n.R.String()}, nil)
}

// Dump implements ast.Node.
func (n *BlockRefNode) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"Ref": n.R.String()}, nil)
}

var (
	blockLine = regexp.MustCompile(`^\{\{\s*([a-z]+)\s+([^}]*?)\s*\}\}\s*$`)
	refAt     = regexp.MustCompile(`^\{\{\s*([a-z]+)\b\s*([^}]*?)\s*\}\}`)
)

// blockParser recognises a line that holds only a block reference.
type blockParser struct{ file string }

func (blockParser) Trigger() []byte { return []byte{'{'} }

func (p blockParser) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	line, seg := reader.PeekLine()
	pos := pc.BlockOffset()
	if pos < 0 {
		return nil, parser.NoChildren
	}
	m := blockLine.FindSubmatchIndex(line[pos:])
	if m == nil || !IsBlock(string(line[pos+m[2]:pos+m[3]])) {
		return nil, parser.NoChildren
	}
	n := &BlockRefNode{R: Ref{
		Kind:  string(line[pos+m[2] : pos+m[3]]),
		Arg:   string(line[pos+m[4] : pos+m[5]]),
		Block: true,
	}}
	// Byte offsets for now; check turns them into positions.
	n.R.Pos.Col = seg.Start - seg.Padding + pos + m[4]
	n.R.Open.Col = seg.Start - seg.Padding + pos
	reader.Advance(seg.Len() - 1)
	return n, parser.NoChildren
}

func (blockParser) Continue(ast.Node, text.Reader, parser.Context) parser.State { return parser.Close }
func (blockParser) Close(ast.Node, text.Reader, parser.Context)                 {}
func (blockParser) CanInterruptParagraph() bool                                 { return true }
func (blockParser) CanAcceptIndentedLine() bool                                 { return false }

// inlineParser recognises {{kind arg}} inside a paragraph.
type inlineParser struct{}

func (inlineParser) Trigger() []byte { return []byte{'{'} }

func (inlineParser) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, seg := block.PeekLine()
	m := refAt.FindSubmatchIndex(line)
	if m == nil {
		return nil
	}
	n := &RefNode{R: Ref{Kind: string(line[m[2]:m[3]]), Arg: string(line[m[4]:m[5]])}}
	n.R.Pos.Col = seg.Start + m[4]
	n.R.Open.Col = seg.Start
	block.Advance(m[1])
	return n
}

// refRenderer renders references through the functions given to Render.
type refRenderer struct {
	block  BlockFunc
	inline InlineFunc
}

func (r refRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindBlockRef, func(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering || r.block == nil {
			return ast.WalkContinue, nil
		}
		ref := n.(*BlockRefNode).R
		if err := r.block(w, ref); err != nil {
			return ast.WalkStop, positioned(ref.Pos, err)
		}
		return ast.WalkContinue, nil
	})
	reg.Register(kindRef, func(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering || r.inline == nil {
			return ast.WalkContinue, nil
		}
		ref := n.(*RefNode).R
		s, err := r.inline(ref)
		if err != nil {
			return ast.WalkStop, positioned(ref.Pos, err)
		}
		_, err = w.WriteString(html.EscapeString(s))
		return ast.WalkContinue, err
	})
}

// linkRewriter points links to content files (other.md, ../a/b.md#x) at
// the pages made from them.
type linkRewriter struct{}

func (linkRewriter) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if l, ok := n.(*ast.Link); ok && entering {
			l.Destination = []byte(PageLink(string(l.Destination)))
		}
		return ast.WalkContinue, nil
	})
}

// PageLink rewrites a relative link to a .md file into one to its .html
// page; any other link is returned unchanged.
func PageLink(dest string) string {
	u, err := url.Parse(dest)
	if err != nil || u.Scheme != "" || u.Host != "" || path.Ext(u.Path) != ".md" {
		return dest
	}
	u.Path = strings.TrimSuffix(u.Path, ".md") + ".html"
	return u.String()
}

// ExpandText replaces the inline references in a plain string, such as a
// front-matter title. at is the position of the string's first character.
func ExpandText(s string, at diag.Pos, check CheckFunc, inline InlineFunc) (string, error) {
	var b strings.Builder
	for {
		i := strings.Index(s, "{{")
		if i < 0 {
			b.WriteString(s)
			return b.String(), nil
		}
		b.WriteString(s[:i])
		m := refAt.FindStringSubmatchIndex(s[i:])
		pos := at
		if pos.Col > 0 {
			pos.Col += i
		}
		at.Col += i
		if m == nil {
			return "", diag.Content.Errorf(pos, "{{ is not closed: write a reference as {{fig NAME}}")
		}
		r := Ref{Kind: s[i+m[2] : i+m[3]], Arg: s[i+m[4] : i+m[5]], Pos: pos}
		if check != nil {
			if err := check(r); err != nil {
				return "", positioned(pos, err)
			}
		}
		if inline != nil {
			out, err := inline(r)
			if err != nil {
				return "", positioned(pos, err)
			}
			b.WriteString(out)
		}
		s = s[i+m[1]:]
		at.Col += m[1]
	}
}

// positioned puts err at pos unless it already carries a position.
func positioned(pos diag.Pos, err error) error {
	if diag.IsSource(err) {
		return err
	}
	return diag.Content.Wrap(pos, err)
}
