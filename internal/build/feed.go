package build

import (
	"crypto/sha256"
	"encoding/xml"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/briefing-dev/briefing/internal/config"
	"github.com/briefing-dev/briefing/internal/edition"
	"github.com/briefing-dev/briefing/internal/tableview"
)

// feedPath is the Atom feed of a series' editions, beside the archive.
//
// The feed (Atom 1.0, RFC 4287) has one entry per edition the archive
// lists (the recorded ones and the one being built), newest first: its
// title is the edition's label, its date the first day the edition covers
// (from its record, never the clock, so equal builds give equal bytes),
// its summary the headline figures as that edition showed them, and its
// link the edition's page. With base_url the links and IDs are absolute
// URLs; without it the links are relative to the feed's own address
// (which is how a reader resolves them) and the IDs are urn:uuid: names
// made from the site's title and the edition, which stay the same from
// build to build.
const feedPath = "editions/feed.xml"

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Author  atomAuthor  `xml:"author"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomEntry struct {
	ID      string   `xml:"id"`
	Title   string   `xml:"title"`
	Updated string   `xml:"updated"`
	Link    atomLink `xml:"link"`
	Summary string   `xml:"summary"`
}

// feed makes the Atom feed of the editions recs (newest first).
func feed(cfg *config.Site, recs []*edition.Record) ([]byte, error) {
	f := atomFeed{
		ID:     feedID(cfg, feedPath),
		Title:  cfg.Title + ": " + cfg.Editions.Title,
		Author: atomAuthor{Name: cfg.Title},
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: feedLink(cfg, feedPath)},
			{Rel: "alternate", Type: "text/html", Href: feedLink(cfg, archivePath)},
		},
	}
	for _, r := range recs {
		p := editionPath(r.Edition.ID)
		f.Entries = append(f.Entries, atomEntry{
			ID:      feedID(cfg, p),
			Title:   r.Edition.Label + " edition",
			Updated: atomDate(r.Edition.Date),
			Link:    atomLink{Rel: "alternate", Type: "text/html", Href: feedLink(cfg, p)},
			Summary: summary(cfg, r),
		})
	}
	if len(recs) > 0 {
		f.Updated = atomDate(recs[0].Edition.Date)
	}
	b, err := xml.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(append([]byte(xml.Header), b...), '\n'), nil
}

// atomDate is an edition's date as an Atom date: its first day, at
// midnight UTC.
func atomDate(day string) string { return day + "T00:00:00Z" }

// feedLink links a file of the site from the feed: an absolute URL with
// base_url, else a path relative to the feed.
func feedLink(cfg *config.Site, name string) string {
	if cfg.BaseURL != "" {
		return strings.TrimSuffix(cfg.BaseURL, "/") + "/" + name
	}
	rel, _ := strings.CutPrefix(name, path.Dir(feedPath)+"/")
	return rel
}

// feedID is the Atom ID of a file of the site: its URL with base_url,
// else a name-based UUID of the site's title and the file, since an Atom
// ID must be an absolute IRI.
func feedID(cfg *config.Site, name string) string {
	if cfg.BaseURL != "" {
		return feedLink(cfg, name)
	}
	h := sha256.Sum256([]byte("briefing\x00" + cfg.Title + "\x00" + name))
	h[6] = h[6]&0x0f | 0x80 // version 8: a custom, name-based UUID (RFC 9562)
	h[8] = h[8]&0x3f | 0x80 // the RFC 9562 variant
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

// summary is an edition's headline figures as it showed them, then its
// note.
func summary(cfg *config.Site, r *edition.Record) string {
	var parts []string
	for _, name := range cfg.Editions.Headline {
		label := cfg.Labels[name]
		if label == "" {
			label = tableview.Heading(name)
		}
		parts = append(parts, label+": "+headline(r, name))
	}
	s := strings.Join(parts, "; ")
	if s != "" {
		s += "."
	}
	if r.Edition.Note != "" {
		s = strings.TrimSpace(s + " " + r.Edition.Note)
	}
	return s
}

// editionsNewestFirst lists the past editions and the one being built,
// newest first, as the archive page does.
func editionsNewestFirst(series *edition.Series, cur *edition.Record) []*edition.Record {
	recs := append(slices.Clone(series.Past), cur)
	slices.SortStableFunc(recs, func(a, b *edition.Record) int { return compareEditions(b.Edition, a.Edition) })
	return recs
}
