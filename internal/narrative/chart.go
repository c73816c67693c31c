package narrative

import (
	"net/url"
	"path"
	"regexp"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// KindChart is the node kind of a chart placement.
var KindChart = ast.NewNodeKind("Chart")

// ChartNode is a {{chart NAME}} line.
type ChartNode struct {
	ast.BaseBlock
	Name   string
	Offset int // byte offset of the name in the source
}

// Kind implements ast.Node.
func (*ChartNode) Kind() ast.NodeKind { return KindChart }

// Dump implements ast.Node.
func (n *ChartNode) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"Name": n.Name}, nil)
}

var placement = regexp.MustCompile(`^\{\{\s*chart\s+([^\s}]+)\s*\}\}\s*$`)

type chartParser struct{}

func (chartParser) Trigger() []byte { return []byte{'{'} }

func (chartParser) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	line, seg := reader.PeekLine()
	// The line may be indented by up to three spaces, as any block may;
	// pos is where the {{ starts (goldmark does not call this parser for
	// a line indented as code).
	pos := pc.BlockOffset()
	if pos < 0 {
		return nil, parser.NoChildren
	}
	m := placement.FindSubmatchIndex(line[pos:])
	if m == nil {
		return nil, parser.NoChildren
	}
	n := &ChartNode{Name: string(line[pos+m[2] : pos+m[3]]), Offset: seg.Start - seg.Padding + pos + m[2]}
	reader.Advance(seg.Len() - 1)
	return n, parser.NoChildren
}

func (chartParser) Continue(ast.Node, text.Reader, parser.Context) parser.State { return parser.Close }
func (chartParser) Close(ast.Node, text.Reader, parser.Context)                 {}
func (chartParser) CanInterruptParagraph() bool                                 { return true }
func (chartParser) CanAcceptIndentedLine() bool                                 { return false }

type chartRenderer struct{ place PlaceFunc }

func (r chartRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(KindChart, func(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering || r.place == nil {
			return ast.WalkContinue, nil
		}
		return ast.WalkContinue, r.place(w, n.(*ChartNode).Name)
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
