package narrative

import (
	"net/url"
	"path"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

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
