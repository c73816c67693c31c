// Package email makes the email edition of a briefing: an HTML body that
// survives Gmail and Outlook (one column of at most 640 px, table layout,
// every style inline, system fonts, no script, no external request), a
// plain-text part written from the same narrative, and the charts as PNG
// images attached by Content-ID. Message assembles them into a MIME message
// and Send delivers it over SMTP.
package email

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"io"
	"net/url"
	"path"
	"strings"

	"github.com/briefing-dev/briefing/internal/chart"
	"github.com/briefing-dev/briefing/internal/chartimage"
	"github.com/briefing-dev/briefing/internal/config"
	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/narrative"
	"github.com/briefing-dev/briefing/internal/site"
	"github.com/briefing-dev/briefing/internal/tableview"
)

// Width is the width of the email's column, and of its chart images, in
// CSS pixels.
const (
	Width      = 640
	ChartWidth = 584
)

// Image is one chart image.
type Image struct {
	CID    string // Content-ID, without angle brackets
	Name   string // file name, e.g. chart-spend-share.png
	PNG    []byte
	Width  int // CSS pixels; the PNG is drawn at twice this
	Height int
}

// Edition is a finished email edition.
type Edition struct {
	Subject string
	HTML    []byte // the body; images as cid: URLs
	Text    []byte
	Images  []Image
	// Warnings are problems the edition worked around, such as links
	// made plain text because the site has no base_url.
	Warnings []*diag.Error
}

// Drawer makes chart images (package chartimage): images[i] answers
// reqs[i], or errs[i] says why not. A chartimage.Session is one.
type Drawer interface {
	Draw(reqs []chartimage.Request) (images [][]byte, errs []error)
}

// Scale is the scale of the charts' PNGs: twice the CSS size, for sharp
// images on high-density screens.
const Scale = 2

// Make builds the edition from the site's pages. Pages are chosen by
// cfg.Email.Pages, as paths under content/ without .md.
func Make(cfg *config.Site, pages []site.Page, subject string, draw Drawer) (*Edition, error) {
	chosen, err := choosePages(cfg, pages, -1)
	if err != nil {
		return nil, err
	}
	return makeEdition(cfg, chosen, pages, subject, "", draw)
}

// choosePages picks the pages of cfg.Email.Pages. A page made per row of
// [email] each is row's page; row is -1 for the one message of a site
// without each.
func choosePages(cfg *config.Site, pages []site.Page, row int) ([]site.Page, error) {
	chosen := make([]site.Page, len(cfg.Email.Pages))
	for i, name := range cfg.Email.Pages {
		p, err := pickPage(cfg, pages, name, row)
		if err != nil {
			return nil, err
		}
		chosen[i] = p
	}
	return chosen, nil
}

func pickPage(cfg *config.Site, pages []site.Page, name string, row int) (site.Page, error) {
	if p, ok := findPage(pages, name); ok {
		return p, nil
	}
	at := cfg.Pos("email", "pages")
	file := "content/" + name + ".md"
	for _, p := range pages {
		if p.Doc.File != file {
			continue
		}
		each := p.Doc.Meta.Each
		switch {
		case cfg.Email.Each == "":
			return p, diag.Config.Errorf(at, "email page %q is made per row of %q: set each = %q in [email] to send one message per row", name, each, each)
		case each != cfg.Email.Each:
			return p, diag.Config.Errorf(at, "email page %q is made per row of %q, but the messages are made per row of %q (each in [email])", name, each, cfg.Email.Each)
		case p.Row == row:
			return p, nil
		}
	}
	return site.Page{}, diag.Config.Errorf(at, "email page %q: no such page (pages are content files without .md: %s)", name, pageNames(pages))
}

// makeEdition renders the chosen pages as one email; greeting, if any,
// opens it.
func makeEdition(cfg *config.Site, chosen, all []site.Page, subject, greeting string, draw Drawer) (*Edition, error) {
	ed := &Edition{Subject: subject}
	images, err := ed.drawImages(chosen, draw)
	if err != nil {
		return nil, err
	}
	var body bytes.Buffer
	for i, p := range chosen {
		if i > 0 {
			body.WriteString(`<hr style="border:0;border-top:1px solid #dde1e8;margin:28px 0">`)
		}
		fmt.Fprintf(&body, "<h1>%s</h1>\n", html.EscapeString(p.Title))
		if p.Description != "" {
			fmt.Fprintf(&body, "<p class=\"lede\">%s</p>\n", html.EscapeString(p.Description))
		}
		block := func(w io.Writer, r narrative.Block) error {
			return ed.block(w, p, r, images)
		}
		if err := p.Doc.Render(&body, block, p.Text); err != nil {
			return nil, err
		}
	}
	content, unwound, err := inlineStyles(body.Bytes(), cfg.BaseURL, all)
	if err != nil {
		return nil, err
	}
	if unwound > 0 {
		ed.Warnings = append(ed.Warnings, &diag.Error{Kind: diag.Config, Pos: keyPos(cfg, "base_url"), Warning: true,
			Msg: fmt.Sprintf("base_url is not set, so %s plain text (set base_url to the published briefing's address to keep links)",
				plural(unwound, "link in the email edition is", "links in the email edition are"))})
	}
	pre := preheader(cfg, content) // from the briefing, not the greeting
	if greeting != "" {
		opening, _, _ := inlineStyles([]byte("<p>"+html.EscapeString(greeting)+"</p>\n"), "", nil)
		content = append(opening, content...)
	}
	ed.HTML = layout(cfg, subject, pre, content)
	ed.Text = plainText(cfg, subject, content)
	return ed, nil
}

// plural is "1 link is" or "3 links are".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func findPage(pages []site.Page, name string) (site.Page, bool) {
	for _, p := range pages {
		if p.InNav && strings.TrimSuffix(p.Path, ".html") == name {
			return p, true
		}
	}
	return site.Page{}, false
}

func pageNames(pages []site.Page) string {
	var names []string
	for _, p := range pages {
		if p.InNav {
			names = append(names, strings.TrimSuffix(p.Path, ".html"))
		}
	}
	return strings.Join(names, ", ")
}

// block renders a chart as an image, a table as a table, and a page list
// as links.
func (ed *Edition) block(w io.Writer, p site.Page, r narrative.Block, images map[string]Image) error {
	switch r.(type) {
	case *narrative.ChartRef:
		c := p.Charts[r.RefName()]
		img := images[c.Name]
		fmt.Fprintf(w, `<div class="chart"><p class="chart-title">%s</p>`, html.EscapeString(c.Title))
		if c.Subtitle != "" {
			fmt.Fprintf(w, `<p class="chart-subtitle">%s</p>`, html.EscapeString(c.Subtitle))
		}
		// The image sits in a white cell: it reads the same in dark mode.
		fmt.Fprintf(w, `<table class="chart-panel"><tr><td class="chart-panel"><img src="cid:%s" width="%d" height="%d" alt="%s"></td></tr></table>`,
			img.CID, img.Width, img.Height, html.EscapeString(AltText(c)))
		if c.Source != "" {
			fmt.Fprintf(w, `<p class="chart-source">%s</p>`, html.EscapeString(c.Source))
		}
		fmt.Fprint(w, "</div>\n")
	case *narrative.TableRef:
		writeTable(w, p.Tables[r.RefName()])
	case *narrative.PagesRef:
		fmt.Fprint(w, "<ul>")
		for _, l := range p.Lists[r.RefName()] {
			fmt.Fprintf(w, `<li><a href="%s">%s</a></li>`, html.EscapeString(l.Path), html.EscapeString(l.Title))
		}
		fmt.Fprint(w, "</ul>\n")
	}
	return nil
}

// drawImages draws, all at once, one PNG per chart the pages place (the
// first placing of a name wins), in the order a reader meets them, and
// returns them by chart name. The pages are walked once without output to
// find what they place: a chart inside a false {{if}} is not drawn.
func (ed *Edition) drawImages(pages []site.Page, draw Drawer) (map[string]Image, error) {
	images := map[string]Image{}
	var charts []*chart.Chart
	var reqs []chartimage.Request
	for _, p := range pages {
		find := func(_ io.Writer, r narrative.Block) error {
			if _, ok := r.(*narrative.ChartRef); !ok {
				return nil
			}
			c := p.Charts[r.RefName()]
			if c == nil || images[c.Name].CID != "" {
				return nil
			}
			height := c.Height * ChartWidth / 640
			images[c.Name] = Image{CID: "chart-" + c.Name + "@briefing", Name: "chart-" + c.Name + ".png", Width: ChartWidth, Height: height}
			charts = append(charts, c)
			reqs = append(reqs, chartimage.Request{Option: c.Option, Width: ChartWidth, Height: height, Scale: Scale})
			return nil
		}
		if err := p.Doc.Render(io.Discard, find, p.Text); err != nil {
			return nil, err
		}
	}
	if len(reqs) == 0 {
		return images, nil
	}
	if draw == nil {
		return nil, fmt.Errorf("the email edition has charts but nothing to draw them with")
	}
	pngs, errs := draw.Draw(reqs)
	for i, c := range charts {
		if errs[i] != nil {
			return nil, diag.Config.Wrap(diag.Pos{File: c.File}, fmt.Errorf("drawing chart %q: %w", c.Name, errs[i]))
		}
		img := images[c.Name]
		img.PNG = pngs[i]
		images[c.Name] = img
		ed.Images = append(ed.Images, img)
	}
	return images, nil
}

// AltText states a chart's key numbers: its title and its first values,
// for readers who see no image.
func AltText(c *chart.Chart) string {
	var b strings.Builder
	b.WriteString(c.Title)
	d := c.Data
	if len(d.Rows) == 0 || len(d.Header) < 2 {
		return b.String()
	}
	b.WriteString(". ")
	rows := d.Rows
	if len(d.Header) > 2 && len(rows) > 0 {
		// Several series: the latest category, every series.
		last := rows[len(rows)-1]
		b.WriteString(last[0] + ": ")
		for i := 1; i < len(last) && i < 7; i++ {
			if i > 1 {
				b.WriteString(", ")
			}
			b.WriteString(d.Header[i] + " " + last[i])
		}
		return b.String()
	}
	for i, r := range rows {
		if i == 6 {
			fmt.Fprintf(&b, ", and %d more", len(rows)-6)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(r[0] + " " + r[1])
	}
	return b.String()
}

func writeTable(w io.Writer, v *tableview.View) {
	if v.Caption != "" {
		fmt.Fprintf(w, `<p class="table-caption">%s</p>`, html.EscapeString(v.Caption))
	}
	fmt.Fprint(w, "<table><thead><tr>")
	for _, h := range v.Header {
		fmt.Fprintf(w, `<th%s>%s</th>`, numClass(h.Numeric), html.EscapeString(h.Text))
	}
	fmt.Fprint(w, "</tr></thead><tbody>")
	highlighted := false
	for _, r := range v.Rows {
		if r.Highlight {
			fmt.Fprint(w, `<tr class="highlight">`)
		} else {
			fmt.Fprint(w, "<tr>")
		}
		for i, c := range r.Cells {
			text := html.EscapeString(c.Text)
			if r.Highlight && i == 0 {
				text = "★ " + text // not colour alone: the mark survives any client and the text part
			}
			fmt.Fprintf(w, `<td%s>%s</td>`, numClass(c.Numeric), text)
		}
		fmt.Fprint(w, "</tr>")
		if r.Highlight {
			highlighted = true
		}
	}
	fmt.Fprint(w, "</tbody>")
	if v.Totals != nil {
		fmt.Fprint(w, `<tfoot><tr class="totals">`)
		for _, c := range v.Totals {
			fmt.Fprintf(w, `<td%s>%s</td>`, numClass(c.Numeric), html.EscapeString(c.Text))
		}
		fmt.Fprint(w, "</tr></tfoot>")
	}
	fmt.Fprint(w, "</table>\n")
	if highlighted {
		fmt.Fprint(w, `<p class="table-note">★ marks a highlighted row.</p>`)
	}
	if v.Note != "" {
		fmt.Fprintf(w, `<p class="table-note">%s</p>`, html.EscapeString(v.Note))
	}
}

func numClass(num bool) string {
	if num {
		return ` class="num"`
	}
	return ""
}

// absolute resolves a link in a page at the site root against base.
func absolute(base, link string) string {
	u, err := url.Parse(link)
	if err != nil || u.IsAbs() || strings.HasPrefix(link, "#") || strings.HasPrefix(link, "mailto:") {
		return link
	}
	if base == "" {
		return ""
	}
	b, err := url.Parse(strings.TrimSuffix(base, "/") + "/")
	if err != nil {
		return ""
	}
	u.Path = path.Clean("/" + u.Path)[1:]
	return b.ResolveReference(u).String()
}

// MessageID is a stable id for the message: the same edition, header and
// date give the same id, so rebuilds stay byte-identical, and two
// recipients of the same text get two ids.
func MessageID(ed *Edition, h Header) string {
	h2 := sha256.New()
	h2.Write(ed.HTML)
	h2.Write(ed.Text)
	fmt.Fprintf(h2, "\x00%s\x00%q\x00%q\x00%s\x00%d", h.From, h.To, h.Cc, h.Subject, h.Date.Unix())
	domain := "briefing.invalid"
	if i := strings.LastIndex(h.From, "@"); i >= 0 {
		domain = strings.TrimRight(h.From[i+1:], "> ")
	}
	return "<" + hex.EncodeToString(h2.Sum(nil))[:24] + "@" + domain + ">"
}
