package email

import (
	"bytes"
	"fmt"
	"html"
	"strings"

	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/briefing-dev/briefing/internal/config"
	"github.com/briefing-dev/briefing/internal/site"
)

// The email's HTML is written for the weakest renderer that reads it:
// Outlook for Windows, which lays mail out with Word. Word ignores
// max-width, white-space, table-layout, overflow-wrap and most margins on
// blocks, so the layout rests on what it does honour: nested tables with
// width attributes, a fixed 640 px table that only Outlook sees (inside
// <!--[if mso]>), padding on cells, and text that cannot break where it
// must not (number cells hold no breakable space). Every light-mode style
// is inline. A small <style> adds dark-mode colours for the clients that
// read prefers-color-scheme (Apple Mail, iOS Mail, Outlook for Mac); the
// others show the light email, whose colours are all explicit, and chart
// images sit in a white cell so they read on any background.

const (
	fontStack = "-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif"
	ink       = "#1d2433"
	muted     = "#5b6475"
	rule      = "#dde1e8"
	accent    = "#2f5aa8"
	paper     = "#ffffff"
	canvas    = "#f5f7fa"
	highlight = "#fff4d6"
)

// styles are the inline styles of each element, of each class of the
// email's own markup, and of an element of a class ("table.chart-panel"),
// which replaces the element's own. Email clients drop or rename classes,
// so every rule is written onto the element itself.
var styles = map[string]string{
	"h1":         "font-size:26px;line-height:1.25;margin:0 0 8px;color:" + ink,
	"h2":         "font-size:20px;line-height:1.3;margin:24px 0 8px;color:" + ink,
	"h3":         "font-size:17px;line-height:1.3;margin:20px 0 6px;color:" + ink,
	"p":          "font-size:16px;line-height:1.55;margin:0 0 14px;color:" + ink,
	"ul":         "margin:0 0 14px;padding-left:22px",
	"ol":         "margin:0 0 14px;padding-left:22px",
	"li":         "font-size:16px;line-height:1.55;margin:0 0 6px;color:" + ink,
	"a":          "color:" + accent + ";text-decoration:underline",
	"blockquote": "margin:16px 0;padding:10px 14px;border-left:3px solid " + accent + ";background-color:" + canvas,
	// Prose may break a long word (word-break on the column), a table
	// may not: there it squeezes a header to a letter a line.
	"table":             "border-collapse:collapse;width:100%;margin:8px 0 14px;font-size:14px;word-break:normal",
	"th":                "text-align:left;padding:6px 8px;border-bottom:2px solid " + ink + ";font-size:14px;color:" + ink,
	"td":                "padding:6px 8px;border-bottom:1px solid " + rule + ";font-size:14px;color:" + ink + ";vertical-align:top",
	"img":               "display:block;width:100%;height:auto;border:0",
	"hr":                "border:0;border-top:1px solid " + rule + ";margin:24px 0",
	"code":              "font-family:Menlo,Consolas,monospace;font-size:14px",
	"sup":               "font-size:11px;line-height:0",
	".lede":             "font-size:18px;line-height:1.5;color:" + muted,
	".chart-title":      "font-size:15px;font-weight:bold;margin:22px 0 2px",
	".chart-subtitle":   "font-size:13px;color:" + muted + ";margin:0 0 8px",
	".chart-source":     "font-size:12px;color:" + muted + ";margin:6px 0 14px",
	"table.chart-panel": "border-collapse:collapse;width:100%;margin:0",
	"td.chart-panel":    "padding:0;background-color:" + paper,
	".table-caption":    "font-size:15px;font-weight:bold;margin:18px 0 4px",
	".table-note":       "font-size:12px;color:" + muted + ";margin:0 0 14px",
	".num":              "text-align:right",
	".highlight":        "background-color:" + highlight + ";font-weight:bold",
	".totals":           "font-weight:bold",
	".footnotes":        "font-size:13px;color:" + muted,
}

// keptClass is the class an element keeps, by its class in the page, for
// the rules in clientCSS.
var keptClass = map[string]string{
	"lede": "muted", "chart-subtitle": "muted", "chart-source": "muted",
	"table-note": "muted", "footnotes": "muted", "highlight": "hl", "chart-panel": "panel",
}

// clientCSS serves the clients that read a <style> element: dark-mode
// colours where the reader's system is dark, and tighter margins on a
// phone. It names only the classes the layout and keptClass keep. The
// chart panel keeps its white background, as the images are drawn on
// white.
const clientCSS = `@media (prefers-color-scheme: dark) {
.bg { background-color: #0f1115 !important; }
.card { background-color: #1b1f27 !important; border-color: #394050 !important; }
.card h1, .card h2, .card h3, .card p, .card li, .card td, .card th, .card strong, .card em, .card code { color: #e6e9ef !important; }
.card .muted, .card .muted p, .card .muted li { color: #a9b1c0 !important; }
.card a { color: #9dbcff !important; }
.card td, .card hr { border-color: #394050 !important; }
.card th { border-color: #a9b1c0 !important; }
.card blockquote { background-color: #232833 !important; }
.card .hl td { background-color: #4a3d12 !important; }
.card .panel { background-color: #ffffff !important; }
}
@media (max-width: 480px) {
.outer { padding: 0 !important; }
.card { border-width: 0 !important; }
.pad { padding-left: 14px !important; padding-right: 14px !important; }
.data th, .data td { padding: 5px 4px !important; font-size: 12px !important; }
}`

// styler writes the styles onto the elements of the content.
type styler struct {
	base    string // base_url: where relative links point
	unwound int    // relative links made plain text for want of a base
}

// inlineStyles writes the styles onto the elements, drops classes (but
// those clientCSS names) and ids, and makes links absolute against the
// published site. A link that cannot work in a mailbox (a relative one
// without base_url, or one to an anchor, whose id is gone) becomes plain
// text; it returns how many relative links did for want of a base.
func inlineStyles(fragment []byte, base string, pages []site.Page) ([]byte, int, error) {
	ctx := &xhtml.Node{Type: xhtml.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := xhtml.ParseFragment(bytes.NewReader(fragment), ctx)
	if err != nil {
		return nil, 0, err
	}
	s := &styler{base: base}
	var out bytes.Buffer
	for _, n := range nodes {
		holder := &xhtml.Node{Type: xhtml.ElementNode, Data: "div", DataAtom: atom.Div}
		holder.AppendChild(n)
		s.style(n, "")
		for c := holder.FirstChild; c != nil; c = c.NextSibling {
			if err := xhtml.Render(&out, c); err != nil {
				return nil, 0, err
			}
		}
	}
	return out.Bytes(), s.unwound, nil
}

func (s *styler) style(n *xhtml.Node, rowClass string) {
	if n.Type == xhtml.ElementNode {
		if n.Data == "tr" {
			rowClass = attr(n, "class")
		}
		s.element(n, rowClass)
	}
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling // c may be unwrapped
		s.style(c, rowClass)
		c = next
	}
	if n.Type == xhtml.ElementNode && n.Data == "a" && attr(n, "href") == "" {
		unwrap(n)
	}
}

// element sets n's attributes: its style, the classes clientCSS names, and the
// table attributes Outlook reads.
func (s *styler) element(n *xhtml.Node, rowClass string) {
	class := attr(n, "class")
	css := elementStyle(n, class, rowClass)
	var kept []xhtml.Attribute
	for _, a := range n.Attr {
		switch a.Key {
		case "class", "id", "style", "role":
		case "href":
			if abs := s.link(a.Val); abs != "" {
				kept = append(kept, xhtml.Attribute{Key: "href", Val: abs})
			}
		default:
			kept = append(kept, a)
		}
	}
	if c := keptClasses(n, class); c != "" {
		kept = append(kept, xhtml.Attribute{Key: "class", Val: c})
	}
	if css != "" {
		kept = append(kept, xhtml.Attribute{Key: "style", Val: css})
	}
	switch {
	case n.Data == "table":
		if hasClass(class, "chart-panel") {
			kept = append(kept, xhtml.Attribute{Key: "role", Val: "presentation"})
		}
		kept = append(kept, xhtml.Attribute{Key: "width", Val: "100%"}, xhtml.Attribute{Key: "cellpadding", Val: "0"},
			xhtml.Attribute{Key: "cellspacing", Val: "0"}, xhtml.Attribute{Key: "border", Val: "0"})
	case n.Data == "td" && hasClass(class, "chart-panel"):
		kept = append(kept, xhtml.Attribute{Key: "bgcolor", Val: paper})
	case (n.Data == "td" || n.Data == "th") && isNumeric(n, class):
		// Word ignores white-space: the cell's text holds no breakable
		// space, and nowrap says the same to the clients that read it.
		kept = append(kept, xhtml.Attribute{Key: "align", Val: "right"})
		if n.Data == "td" {
			kept = append(kept, xhtml.Attribute{Key: "nowrap", Val: ""})
			unbreakable(n)
		}
	}
	n.Attr = kept
}

// elementStyle is n's inline style: its element's (or its element of a
// class's), its classes', and its row's for a cell.
func elementStyle(n *xhtml.Node, class, rowClass string) string {
	css := styles[n.Data]
	for _, c := range strings.Fields(class) {
		if s, ok := styles[n.Data+"."+c]; ok {
			css = s
		}
	}
	for _, c := range strings.Fields(class) {
		css = join(css, styles["."+c])
	}
	if n.Data == "td" || n.Data == "th" {
		for _, c := range strings.Fields(rowClass) {
			css = join(css, styles["."+c])
		}
		if !hasClass(class, "num") && isNumeric(n, class) {
			css = join(css, styles[".num"])
		}
	}
	return css
}

// isNumeric is a cell of numbers: of class num, or right-aligned by the
// markdown table it came from.
func isNumeric(n *xhtml.Node, class string) bool {
	return hasClass(class, "num") || strings.Contains(attr(n, "style"), "text-align:right")
}

// unbreakable makes the spaces and hyphens in n's text unbreakable, so
// that "Q2 FY24" and "−$1.2M" stay on one line in every client.
func unbreakable(n *xhtml.Node) {
	if n.Type == xhtml.TextNode {
		n.Data = strings.NewReplacer(" ", "\u00a0", "-", "\u2011").Replace(n.Data)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		unbreakable(c)
	}
}

// link is href as the email gives it: absolute against the base, or ""
// when it cannot work in a mailbox.
func (s *styler) link(href string) string {
	if strings.HasPrefix(href, "#") {
		return "" // ids do not survive mail clients
	}
	abs := absolute(s.base, href)
	if abs == "" {
		s.unwound++
	}
	return abs
}

// unwrap replaces the element n by its children.
func unwrap(n *xhtml.Node) {
	for c := n.FirstChild; c != nil; c = n.FirstChild {
		n.RemoveChild(c)
		n.Parent.InsertBefore(c, n)
	}
	n.Parent.RemoveChild(n)
}

// keptClasses are the classes n keeps for clientCSS: by its classes in
// the page, and "data" for a table of data.
func keptClasses(n *xhtml.Node, class string) string {
	var out []string
	for _, c := range strings.Fields(class) {
		if k, ok := keptClass[c]; ok {
			out = append(out, k)
		}
	}
	if n.Data == "table" && !hasClass(class, "chart-panel") {
		out = append(out, "data")
	}
	return strings.Join(out, " ")
}

func hasClass(class, name string) bool {
	for _, c := range strings.Fields(class) {
		if c == name {
			return true
		}
	}
	return false
}

func attr(n *xhtml.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func join(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + ";" + b
}

// layout wraps the content in the email's frame. Outlook for Windows sees
// a fixed 640 px table; other clients see a block of the full width up to
// 640 px (max-width on a div: iOS Mail ignores it on a table), so the
// column narrows on a phone. preheader is hidden text that
// inbox lists show after the subject; Outlook does not read it at all.
func layout(cfg *config.Site, subject, preheader string, content []byte) []byte {
	var b bytes.Buffer
	e := html.EscapeString
	fmt.Fprintf(&b, `<!DOCTYPE html>
<html lang="%s">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="x-apple-disable-message-reformatting" content="">
<meta name="format-detection" content="telephone=no, date=no, address=no, email=no">
<meta name="color-scheme" content="light dark">
<meta name="supported-color-schemes" content="light dark">
<title>%s</title>
<style>
%s
</style>
<!--[if mso]><style>body, table, td, p, li, h1, h2, h3 { font-family: 'Segoe UI', Arial, sans-serif !important; mso-line-height-rule: exactly; }</style><![endif]-->
</head>
<body class="bg" style="margin:0;padding:0;background-color:%s;">
`, e(cfg.Language), e(subject), clientCSS, canvas)
	if preheader != "" {
		fmt.Fprintf(&b, `<!--[if !mso]><!--><div style="display:none;font-size:0;line-height:0;max-height:0;color:%s;">%s%s</div><!--<![endif]-->
`, canvas, e(preheader), strings.Repeat("&zwnj;&nbsp;", 60))
	}
	fmt.Fprintf(&b, `<table role="presentation" class="bg" width="100%%" cellpadding="0" cellspacing="0" border="0" bgcolor="%s" style="background-color:%s;">
<tr><td class="outer" align="center" style="padding:24px 8px;">
<!--[if mso]><table role="presentation" width="%d" align="center" cellpadding="0" cellspacing="0" border="0"><tr><td><![endif]-->
<div style="max-width:%dpx;margin:0 auto;">
<table role="presentation" class="card" width="100%%" cellpadding="0" cellspacing="0" border="0" bgcolor="%s" style="background-color:%s;border:1px solid %s;">
<tr><td class="pad" style="padding:22px 28px 4px;font-family:%s;">
<p style="margin:0;font-size:15px;font-weight:bold;color:%s;">%s</p>
`, canvas, canvas, Width, Width, paper, paper, rule, fontStack, ink, e(cfg.Title))
	if cfg.Period != "" {
		fmt.Fprintf(&b, `<p class="muted" style="margin:2px 0 0;font-size:13px;color:%s;">%s</p>
`, muted, e(cfg.Period))
	}
	fmt.Fprintf(&b, `</td></tr>
<tr><td class="pad" style="padding:16px 28px 8px;font-family:%s;color:%s;word-break:break-word;">
`, fontStack, ink)
	b.Write(content)
	fmt.Fprintf(&b, `
</td></tr>
<tr><td class="pad" style="padding:14px 28px 22px;font-family:%s;font-size:12px;color:%s;border-top:1px solid %s;">
`, fontStack, muted, rule)
	if cfg.BaseURL != "" {
		fmt.Fprintf(&b, `<p class="muted" style="margin:0;font-size:12px;color:%s;">Read the full briefing, with interactive charts, at <a href="%s" style="color:%s;">%s</a>.</p>
`, muted, e(cfg.BaseURL), accent, e(cfg.BaseURL))
	} else {
		fmt.Fprintf(&b, `<p class="muted" style="margin:0;font-size:12px;color:%s;">%s</p>
`, muted, e(cfg.Title))
	}
	b.WriteString(`</td></tr>
</table>
</div>
<!--[if mso]></td></tr></table><![endif]-->
</td></tr>
</table>
</body>
</html>
`)
	return b.Bytes()
}
