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

const (
	fontStack = "-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif"
	ink       = "#1d2433"
	muted     = "#5b6475"
	rule      = "#dde1e8"
	accent    = "#2f5aa8"
)

// styles are the inline styles of each element, and of each class used by
// the email's own markup. Email clients drop <style> elements and ignore
// classes, so every rule is written onto the element itself.
var styles = map[string]string{
	"h1":              "font-size:26px;line-height:1.25;margin:0 0 8px;color:" + ink,
	"h2":              "font-size:20px;line-height:1.3;margin:24px 0 8px;color:" + ink,
	"h3":              "font-size:17px;line-height:1.3;margin:20px 0 6px;color:" + ink,
	"p":               "font-size:16px;line-height:1.55;margin:0 0 14px;color:" + ink,
	"ul":              "margin:0 0 14px;padding-left:22px",
	"ol":              "margin:0 0 14px;padding-left:22px",
	"li":              "font-size:16px;line-height:1.55;margin:0 0 6px;color:" + ink,
	"a":               "color:" + accent + ";text-decoration:underline",
	"blockquote":      "margin:16px 0;padding:10px 14px;border-left:3px solid " + accent + ";background:#f5f7fa",
	"table":           "border-collapse:collapse;width:100%;margin:8px 0 14px;font-size:14px",
	"th":              "text-align:left;padding:6px 8px;border-bottom:2px solid " + ink + ";font-size:14px;color:" + ink,
	"td":              "padding:6px 8px;border-bottom:1px solid " + rule + ";font-size:14px;color:" + ink + ";vertical-align:top",
	"img":             "display:block;width:100%;max-width:" + fmt.Sprint(ChartWidth) + "px;height:auto;border:0",
	"hr":              "border:0;border-top:1px solid " + rule + ";margin:24px 0",
	"code":            "font-family:Menlo,Consolas,monospace;font-size:14px",
	"sup":             "font-size:11px;line-height:0",
	".lede":           "font-size:18px;line-height:1.5;color:" + muted,
	".chart":          "margin:22px 0",
	".chart-title":    "font-size:15px;font-weight:bold;margin:0 0 2px",
	".chart-subtitle": "font-size:13px;color:" + muted + ";margin:0 0 8px",
	".chart-source":   "font-size:12px;color:" + muted + ";margin:6px 0 0",
	".table-caption":  "font-size:15px;font-weight:bold;margin:18px 0 4px",
	".table-note":     "font-size:12px;color:" + muted + ";margin:0 0 14px",
	".num":            "text-align:right;white-space:nowrap",
	".highlight":      "background:#fff4d6;font-weight:bold",
	".totals":         "font-weight:bold",
	".footnotes":      "font-size:13px;color:" + muted,
}

// inlineStyles writes the styles onto the elements, drops classes and ids,
// and makes links absolute against the published site (or plain text when
// there is no base_url: a relative link means nothing in a mailbox).
func inlineStyles(fragment []byte, base string, pages []site.Page) ([]byte, error) {
	ctx := &xhtml.Node{Type: xhtml.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := xhtml.ParseFragment(bytes.NewReader(fragment), ctx)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	for _, n := range nodes {
		style(n, base, "")
		if err := xhtml.Render(&out, n); err != nil {
			return nil, err
		}
	}
	return out.Bytes(), nil
}

func style(n *xhtml.Node, base, rowClass string) {
	if n.Type == xhtml.ElementNode {
		class := attr(n, "class")
		css := styles[n.Data]
		for _, c := range strings.Fields(class) {
			if s, ok := styles["."+c]; ok {
				css = join(css, s)
			}
		}
		if n.Data == "tr" {
			rowClass = class
		}
		if n.Data == "td" || n.Data == "th" {
			for _, c := range strings.Fields(rowClass) {
				css = join(css, styles["."+c])
			}
			if a := attr(n, "style"); strings.Contains(a, "text-align:right") {
				css = join(css, styles[".num"])
			}
		}
		var kept []xhtml.Attribute
		for _, a := range n.Attr {
			switch a.Key {
			case "class", "id", "style", "role":
			case "href":
				if abs := absolute(base, a.Val); abs != "" {
					kept = append(kept, xhtml.Attribute{Key: "href", Val: abs})
				}
			default:
				kept = append(kept, a)
			}
		}
		if css != "" {
			kept = append(kept, xhtml.Attribute{Key: "style", Val: css})
		}
		if n.Data == "table" {
			kept = append(kept, xhtml.Attribute{Key: "width", Val: "100%"}, xhtml.Attribute{Key: "cellpadding", Val: "0"},
				xhtml.Attribute{Key: "cellspacing", Val: "0"}, xhtml.Attribute{Key: "border", Val: "0"})
		}
		n.Attr = kept
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		style(c, base, rowClass)
	}
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

// layout wraps the content in the email's frame: nested tables, one column
// at most 640 px wide, every style inline.
func layout(cfg *config.Site, subject string, content []byte) []byte {
	var b bytes.Buffer
	e := html.EscapeString
	fmt.Fprintf(&b, `<!DOCTYPE html>
<html lang="%s">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="x-apple-disable-message-reformatting">
<title>%s</title>
</head>
<body style="margin:0;padding:0;background:#f5f7fa;">
<table role="presentation" width="100%%" cellpadding="0" cellspacing="0" border="0" style="background:#f5f7fa;">
<tr><td align="center" style="padding:24px 8px;">
<table role="presentation" width="%d" cellpadding="0" cellspacing="0" border="0" style="width:100%%;max-width:%dpx;table-layout:fixed;background:#ffffff;border:1px solid %s;">
<tr><td style="padding:22px 28px 4px;font-family:%s;">
<p style="margin:0;font-size:15px;font-weight:bold;color:%s;">%s</p>
`, e(cfg.Language), e(subject), Width, Width, rule, fontStack, ink, e(cfg.Title))
	if cfg.Period != "" {
		fmt.Fprintf(&b, `<p style="margin:2px 0 0;font-size:13px;color:%s;">%s</p>
`, muted, e(cfg.Period))
	}
	fmt.Fprintf(&b, `</td></tr>
<tr><td style="padding:16px 28px 8px;font-family:%s;color:%s;overflow-wrap:break-word;">
`, fontStack, ink)
	b.Write(content)
	fmt.Fprintf(&b, `
</td></tr>
<tr><td style="padding:14px 28px 22px;font-family:%s;font-size:12px;color:%s;border-top:1px solid %s;">
`, fontStack, muted, rule)
	if cfg.BaseURL != "" {
		fmt.Fprintf(&b, `<p style="margin:0;font-size:12px;color:%s;">Read the full briefing, with interactive charts, at <a href="%s" style="color:%s;">%s</a>.</p>
`, muted, e(cfg.BaseURL), accent, e(cfg.BaseURL))
	} else {
		fmt.Fprintf(&b, `<p style="margin:0;font-size:12px;color:%s;">%s</p>
`, muted, e(cfg.Title))
	}
	b.WriteString(`</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`)
	return b.Bytes()
}
