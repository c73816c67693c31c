package email

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/briefing-dev/briefing/internal/config"
	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/edition"
	"github.com/briefing-dev/briefing/internal/expr"
	"github.com/briefing-dev/briefing/internal/site"
	"github.com/briefing-dev/briefing/internal/table"
)

// Request is one run of the email edition: the built briefing, how to draw
// its charts, and what the command line overrides in [email].
type Request struct {
	Config  *config.Site
	Pages   []site.Page
	Tables  map[string]*table.Table // the build's tables, for [email] each
	Figures Figures
	Draw    Drawer

	// Overrides; empty means [email] of site.toml.
	To      []string
	From    string
	Subject string // may quote figures
}

// Figures are the briefing's figures as the email reads them (a
// page.Figures is one): quoted in the subject, and in send_if.
type Figures interface {
	// ExpandRow resolves {{fig}}, {{if}} and, with t, {{row}} of row r
	// in a text of site.toml at pos.
	ExpandRow(text string, pos diag.Pos, t *table.Table, r int) (string, error)
	// Env resolves names in conditions: figures, and row.COLUMN of row r
	// of t.
	Env(t *table.Table, r int) expr.Env
	// Show is a figure's display text.
	Show(name string, format ...string) (string, error)
	// Editions compares the figures with the previous edition; nil
	// unless the briefing is a series.
	Editions() *edition.Comparison
}

// Composed is one message of a batch.
type Composed struct {
	Edition *Edition
	Header  Header
	Message []byte   // the MIME message, CRLF line ends; made by Batch.Seal
	Row     int      // the row of [email] each it is for, or -1
	At      diag.Pos // where its recipients come from: an address cell, or to in [email]
	Held    string   // why send_if holds it back, or ""
}

// Batch is what one run sends: one message, or with [email] each one per
// row of that table, in row order.
type Batch struct {
	Messages []*Composed
	PerRow   bool
	Date     time.Time // the messages' Date; set by Seal
	cfg      *config.Site
}

// Compose makes the messages, without their date: Seal finishes them.
// Addresses, whether from site.toml, the request or a table, are checked
// here, so that a bad one is an error at its key or cell rather than a
// failure to send.
func Compose(r Request) (*Batch, error) {
	cfg := r.Config
	b := &Batch{cfg: cfg, PerRow: cfg.Email.Each != ""}
	var t *table.Table
	if b.PerRow {
		var err error
		if t, err = eachTable(cfg, r.Tables); err != nil {
			return nil, err
		}
	}
	cond, err := parseCondition(cfg, r.Figures, t)
	if err != nil {
		return nil, err
	}
	if !b.PerRow {
		m, err := r.composeOne(cond)
		if err != nil {
			return nil, err
		}
		b.Messages = []*Composed{m}
		return b, nil
	}
	if b.Messages, err = r.composeRows(t, cond); err != nil {
		return nil, err
	}
	return b, nil
}

// composeOne makes the message of a site without each.
func (r Request) composeOne(cond *condition) (*Composed, error) {
	cfg := r.Config
	h := Header{From: cfg.Email.From, To: cfg.Email.To, Cc: cfg.Email.Cc}
	if r.From != "" {
		h.From = r.From
	}
	if len(r.To) > 0 {
		h.To = r.To
	}
	if err := checkAddresses(cfg, h, r); err != nil {
		return nil, err
	}
	subject, err := r.subject(nil, -1)
	if err != nil {
		return nil, err
	}
	h.Subject = subject
	ed, err := Make(cfg, r.Pages, subject, r.Draw)
	if err != nil {
		return nil, err
	}
	m := &Composed{Edition: ed, Header: h, Row: -1, At: keyPos(cfg, "email", "to")}
	m.Held, err = cond.hold(r.Figures, nil, -1)
	return m, err
}

// composeRows makes one message per row of t, each from the pages of
// [email] with the row's own page for a page made per row.
func (r Request) composeRows(t *table.Table, cond *condition) ([]*Composed, error) {
	cfg := r.Config
	from := cfg.Email.From
	if r.From != "" {
		from = r.From
	}
	if err := checkAddresses(cfg, Header{From: from, To: []string{"row@example.org"}, Cc: cfg.Email.Cc}, r); err != nil {
		return nil, err
	}
	recips, err := recipients(cfg, t)
	if err != nil {
		return nil, err
	}
	msgs := make([]*Composed, len(recips))
	for i, rc := range recips {
		if msgs[i], err = r.composeRow(t, rc, from, cond); err != nil {
			return nil, err
		}
	}
	return msgs, nil
}

func (r Request) composeRow(t *table.Table, rc recipient, from string, cond *condition) (*Composed, error) {
	cfg := r.Config
	chosen, err := choosePages(cfg, r.Pages, rc.row)
	if err != nil {
		return nil, err
	}
	subject, err := r.subject(t, rc.row)
	if err != nil {
		return nil, err
	}
	ed, err := makeEdition(cfg, chosen, r.Pages, subject, rc.greeting, r.Draw)
	if err != nil {
		return nil, err
	}
	h := Header{From: from, To: []string{rc.addr}, Cc: cfg.Email.Cc, Subject: subject}
	m := &Composed{Edition: ed, Header: h, Row: rc.row, At: rc.at}
	m.Held, err = cond.hold(r.Figures, t, rc.row)
	return m, err
}

// subject is the request's, else [email] subject, else the title and the
// period; figures (and a row's columns) in the first two are quoted.
func (r Request) subject(t *table.Table, row int) (string, error) {
	cfg := r.Config
	switch {
	case r.Subject != "":
		return r.Figures.ExpandRow(r.Subject, diag.Pos{File: "--subject"}, t, row)
	case cfg.Email.Subject != "":
		return r.Figures.ExpandRow(cfg.Email.Subject, cfg.Pos("email", "subject"), t, row)
	}
	s := strings.TrimSpace(cfg.Title + " — " + cfg.Period)
	return strings.TrimSuffix(s, " —"), nil
}

// checkAddresses refuses a message without a sender or a recipient, and
// an address that does not parse, naming where it was set.
func checkAddresses(cfg *config.Site, h Header, r Request) error {
	where := func(flag, key string, overridden bool) (diag.Pos, string) {
		if overridden {
			return diag.Pos{}, flag
		}
		return keyPos(cfg, "email", key), key + " in [email] of site.toml"
	}
	at, name := where("--from", "from", r.From != "")
	if h.From == "" {
		return diag.Config.Errorf(keyPos(cfg, "email"), "the email has no sender: set from in [email] of site.toml or use --from")
	}
	if _, err := mail.ParseAddress(h.From); err != nil {
		return diag.Config.Errorf(at, "%s: address %q: %v", name, h.From, err)
	}
	if len(h.To) == 0 {
		return diag.Config.Errorf(keyPos(cfg, "email"), "the email has no recipient: set to in [email] of site.toml or use --to")
	}
	var errs []error
	check := func(list []string, at diag.Pos, name string) {
		for _, a := range list {
			if _, err := mail.ParseAddress(a); err != nil {
				errs = append(errs, diag.Config.Errorf(at, "%s: address %q: %v", name, a, err))
			}
		}
	}
	at, name = where("--to", "to", len(r.To) > 0)
	check(h.To, at, name)
	check(h.Cc, keyPos(cfg, "email", "cc"), "cc in [email] of site.toml")
	return diag.Join(errs...)
}

// keyPos is where a key of site.toml is, or the nearest table around it
// that is there, or the file.
func keyPos(cfg *config.Site, path ...string) diag.Pos {
	for n := len(path); n > 0; n-- {
		if p := cfg.Pos(path[:n]...); p.Line > 0 {
			return p
		}
	}
	return diag.Pos{File: config.File}
}

// Key identifies the batch's content, whatever its date: senders,
// recipients, subjects and bodies. The journal keeps the date of each
// key, so that a run started again makes the same messages.
func (b *Batch) Key() string {
	h := sha256.New()
	for _, m := range b.Messages {
		fmt.Fprintf(h, "%s\x00%q\x00%q\x00%s\x00", m.Header.From, m.Header.To, m.Header.Cc, m.Header.Subject)
		h.Write(m.Edition.HTML)
		h.Write([]byte{0})
		h.Write(m.Edition.Text)
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// Seal dates the messages and makes their bytes and Message-IDs.
func (b *Batch) Seal(date time.Time) error {
	b.Date = date
	for _, m := range b.Messages {
		m.Header.Date = date
		m.Header.MessageID = MessageID(m.Edition, m.Header)
		var err error
		if m.Message, err = Message(m.Edition, m.Header); err != nil {
			return err
		}
	}
	return nil
}

// Sender is the envelope sender: the address of From.
func (m *Composed) Sender() string {
	a, err := mail.ParseAddress(m.Header.From)
	if err != nil {
		return m.Header.From // Compose checked it
	}
	return a.Address
}

// Recipients are the envelope recipients: the addresses of To and Cc.
func (m *Composed) Recipients() []string {
	rcpt, _ := Recipients(m.Header) // Compose checked them
	return rcpt
}

// Name is the message's file name in the edition: briefing.eml, or with
// each messages/NNNN.eml, numbered from 1 in row order.
func (b *Batch) Name(i int) string {
	if !b.PerRow {
		return "briefing.eml"
	}
	return fmt.Sprintf("messages/%04d.eml", i+1)
}

// Files is what the email edition writes. One message: the body, a copy
// that shows the images from files (to open in a browser), the text part,
// the images and the message. One per row: every message, as
// messages/NNNN.eml.
func (b *Batch) Files() site.Files {
	if b.PerRow {
		files := site.Files{}
		for i, m := range b.Messages {
			files[b.Name(i)] = m.Message
		}
		return files
	}
	m := b.Messages[0]
	ed := m.Edition
	files := site.Files{
		"index.html":   ed.HTML,
		"index.txt":    ed.Text,
		"briefing.eml": m.Message,
	}
	preview := ed.HTML
	for _, img := range ed.Images {
		files["images/"+img.Name] = img.PNG
		preview = bytes.ReplaceAll(preview, []byte(`src="cid:`+img.CID+`"`), []byte(`src="images/`+img.Name+`"`))
	}
	files["preview.html"] = preview
	return files
}

// Summary is the line --dry-run prints for message i.
func (b *Batch) Summary(i int, s SMTP) string {
	m := b.Messages[i]
	line := fmt.Sprintf("would send %s (%d bytes) from %s to %s via %s:%d",
		b.Name(i), len(m.Message), m.Sender(), strings.Join(m.Recipients(), ", "), s.Host, s.Port)
	if m.Held != "" {
		line = fmt.Sprintf("would hold back %s for %s: %s", b.Name(i), strings.Join(m.Recipients(), ", "), m.Held)
	}
	return line
}
