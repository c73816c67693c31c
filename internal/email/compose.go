package email

import (
	"bytes"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/briefing-dev/briefing/internal/config"
	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/site"
)

// Request is one run of the email edition: the built briefing, how to draw
// its charts, and what the command line overrides in [email].
type Request struct {
	Config *config.Site
	Pages  []site.Page
	// Expand quotes figures in the subject ({{fig NAME}}), as the build
	// does in prose; it reports problems at the position it is given.
	Expand func(text string, at diag.Pos) (string, error)
	Draw   Drawer
	Date   time.Time // the message's Date, and part of its Message-ID

	// Overrides; empty means [email] of site.toml.
	To      []string
	From    string
	Subject string // may quote figures
}

// Composed is an edition made into a message, ready to write and send.
type Composed struct {
	Edition *Edition
	Header  Header
	Message []byte // the MIME message, CRLF line ends
	cfg     *config.Site
}

// Compose makes the edition and its message. Addresses, whether from
// site.toml or from the request, are checked here, so that a bad one is a
// configuration error at its key rather than a failure to send.
func Compose(r Request) (*Composed, error) {
	cfg := r.Config
	h := Header{From: cfg.Email.From, To: cfg.Email.To, Cc: cfg.Email.Cc, Date: r.Date}
	if r.From != "" {
		h.From = r.From
	}
	if len(r.To) > 0 {
		h.To = r.To
	}
	if err := checkAddresses(cfg, h, r); err != nil {
		return nil, err
	}
	subject, err := r.subject()
	if err != nil {
		return nil, err
	}
	h.Subject = subject
	ed, err := Make(cfg, r.Pages, subject, r.Draw)
	if err != nil {
		return nil, err
	}
	h.MessageID = MessageID(ed, r.Date, h.From)
	msg, err := Message(ed, h)
	if err != nil {
		return nil, err
	}
	return &Composed{Edition: ed, Header: h, Message: msg, cfg: cfg}, nil
}

// subject is the request's, else [email] subject, else the title and the
// period; figures in the first two are quoted.
func (r Request) subject() (string, error) {
	cfg := r.Config
	switch {
	case r.Subject != "":
		return r.Expand(r.Subject, diag.Pos{File: "--subject"})
	case cfg.Email.Subject != "":
		return r.Expand(cfg.Email.Subject, cfg.Pos("email", "subject"))
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

// Sender is the envelope sender: the address of From.
func (c *Composed) Sender() string {
	a, err := mail.ParseAddress(c.Header.From)
	if err != nil {
		return c.Header.From // Compose checked it
	}
	return a.Address
}

// Recipients are the envelope recipients: the addresses of To and Cc.
func (c *Composed) Recipients() []string {
	rcpt, _ := Recipients(c.Header) // Compose checked them
	return rcpt
}

// Files is what the email edition writes: the body, a copy that shows the
// images from files (to open in a browser), the text part, the images and
// the message.
func (c *Composed) Files() site.Files {
	ed := c.Edition
	files := site.Files{
		"index.html":   ed.HTML,
		"index.txt":    ed.Text,
		"briefing.eml": c.Message,
	}
	preview := ed.HTML
	for _, img := range ed.Images {
		files["images/"+img.Name] = img.PNG
		preview = bytes.ReplaceAll(preview, []byte(`src="cid:`+img.CID+`"`), []byte(`src="images/`+img.Name+`"`))
	}
	files["preview.html"] = preview
	return files
}

// Send delivers the message over s. A server that cannot give the TLS the
// site asks for is a configuration error at tls in [email.smtp]: sending
// in plaintext must be chosen there, with tls = "none".
func (c *Composed) Send(s SMTP) error {
	err := Send(s, c.Sender(), c.Recipients(), c.Message)
	if nt, ok := err.(*NoTLSError); ok {
		return diag.Config.Wrap(keyPos(c.cfg, "email", "smtp", "tls"), nt)
	}
	return err
}

// Summary is the line --dry-run prints before the message.
func (c *Composed) Summary(s SMTP) string {
	return fmt.Sprintf("would send %d bytes from %s to %s via %s:%d",
		len(c.Message), c.Sender(), strings.Join(c.Recipients(), ", "), s.Host, s.Port)
}
