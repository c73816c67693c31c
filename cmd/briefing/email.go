package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/briefing-dev/briefing/internal/build"
	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/email"
	"github.com/briefing-dev/briefing/internal/sitefs"
)

// emailCommand writes the email edition to OUTPUT/email, and sends it
// with --send. Making the messages and sending them is package email's
// work; this is the command line around it, and the journal's file.
type emailCommand struct {
	problems
	out, to, from, subject     string
	send, dryRun, force, quiet bool
	images                     *imageFlags
}

func (c *emailCommand) usage() string {
	return "briefing email [-o DIR] [--to ADDR,…] [--from ADDR] [--subject TEXT] [--send [--force] | --dry-run] [--cache-dir DIR | --no-cache] [--format text|json] [-q] [SITE_DIR]"
}

func (c *emailCommand) summary() string { return "make (and send) the email edition" }

func (c *emailCommand) flags(fs *flag.FlagSet) {
	fs.StringVar(&c.out, "o", "", "output `DIR`; the edition goes to DIR/email (default: output in site.toml)")
	fs.StringVar(&c.out, "out", "", "same as -o `DIR`")
	fs.StringVar(&c.to, "to", "", "recipients, comma-separated (default: to in [email] of site.toml)")
	fs.StringVar(&c.from, "from", "", "sender (default: from in [email])")
	fs.StringVar(&c.subject, "subject", "", "subject (default: subject in [email], else the title and period)")
	fs.BoolVar(&c.send, "send", false, "send the messages over SMTP ([email.smtp]; secrets come from the environment)")
	fs.BoolVar(&c.force, "force", false, "with --send: send even when send_if is false, and again what the journal records as sent")
	fs.BoolVar(&c.dryRun, "dry-run", false, "show what --send would send, and send nothing")
	fs.BoolVar(&c.quiet, "q", false, "print nothing on success")
	c.images = addImageFlags(fs)
	c.formatFlag(fs)
}

func (c *emailCommand) run(e *env, args []string) error {
	siteDir, err := siteArg("email", args)
	if err != nil {
		return err
	}
	if c.send && c.dryRun {
		return usagef("email: --send and --dry-run exclude each other")
	}
	if c.force && !c.send {
		return usagef("email: --force goes with --send")
	}
	start := time.Now()
	// The email draws its own images: the site's are not needed.
	b, err := e.open(siteDir, build.Options{}, c.images, false)
	if err != nil {
		return err
	}
	defer b.Close()
	if b.res.Config.Email.Each != "" && c.to != "" {
		return usagef("email: --to cannot replace the recipients of each = %q in [email] (one message per row)", b.res.Config.Email.Each)
	}
	batch, err := c.compose(b)
	if err != nil {
		return err
	}
	if err := e.warn(editionWarnings(batch), false); err != nil {
		return err
	}
	// A dry run of one message prints it and writes nothing; messages
	// made per row are written, for the reader to open.
	readOnly := c.dryRun && !batch.PerRow
	ed, err := openEdition(b, c.out, readOnly)
	if err != nil {
		return err
	}
	defer ed.close()
	date, err := messageDate()
	if err != nil {
		return err
	}
	if err := batch.SealFor(ed.journal, date, c.force); err != nil {
		return err
	}
	if !readOnly {
		if err := ed.write(batch); err != nil {
			return err
		}
	}
	switch {
	case c.dryRun:
		return c.dryRunReport(e, b, ed, batch)
	case c.send:
		return c.deliver(e, b, ed, batch)
	}
	if !c.quiet {
		fmt.Fprintf(e.stdout, "wrote the email edition (%d messages, %d KB) in %s → %s\n",
			len(batch.Messages), size(batch)/1024, since(start), display(ed.dir))
	}
	return nil
}

func (c *emailCommand) compose(b *briefing) (*email.Batch, error) {
	r := email.Request{
		Config: b.res.Config, Pages: b.res.SitePages, Tables: b.res.Tables, Figures: b.res.Figures,
		Draw: b.res.Images, From: c.from, Subject: c.subject,
	}
	if c.to != "" {
		r.To = strings.Split(c.to, ",")
	}
	return email.Compose(r)
}

// editionWarnings are the warnings of the batch's messages, each once.
func editionWarnings(b *email.Batch) []*diag.Error {
	var out []*diag.Error
	seen := map[string]bool{}
	for _, m := range b.Messages {
		for _, w := range m.Edition.Warnings {
			if !seen[w.Error()] {
				seen[w.Error()] = true
				out = append(out, w)
			}
		}
	}
	return out
}

func size(b *email.Batch) int {
	n := 0
	for _, m := range b.Messages {
		n += len(m.Message)
	}
	return n
}

// mailFolder is the folder OUTPUT/email and the journal kept in it.
type mailFolder struct {
	out, dir string // the output folder, and its email/
	journal  *email.Journal
	kept     []byte // the journal file as it was
	unlock   func() // ends the run's hold on the output (build.LockOutput)
}

// openEdition finds the output folder and reads the journal of earlier
// runs; readOnly makes no output folder where there is none.
func openEdition(b *briefing, out string, readOnly bool) (*mailFolder, error) {
	outAbs, err := outputDir(b.siteAbs, out, b.res.Config.Output)
	if err != nil {
		return nil, err
	}
	ed := &mailFolder{out: outAbs, dir: filepath.Join(outAbs, "email")}
	if _, err := os.Stat(outAbs); readOnly && errors.Is(err, fs.ErrNotExist) {
		ed.journal = email.ReadJournal(nil)
		return ed, nil
	}
	// One email run at a time in an output, and no build swapping the
	// output meanwhile: the journal read here is the one sends are
	// checked against and appended to until the run ends.
	if ed.unlock, err = build.LockOutput(outAbs); err != nil {
		return nil, err
	}
	if err := build.EnsureOutput(outAbs); err != nil {
		ed.close()
		return nil, err
	}
	root, err := os.OpenRoot(outAbs)
	if err != nil {
		ed.close()
		return nil, diag.Internal.Errorf(diag.Pos{}, "output folder %s: %v", outAbs, err)
	}
	defer root.Close()
	ed.kept, err = root.ReadFile(path.Join("email", email.JournalFile))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		ed.close()
		return nil, diag.Internal.Errorf(diag.Pos{}, "the email journal: %v", err)
	}
	ed.journal = email.ReadJournal(ed.kept)
	return ed, nil
}

// close ends the run's hold on the output folder.
func (ed *mailFolder) close() {
	if ed.unlock != nil {
		ed.unlock()
	}
}

// write writes the messages to OUTPUT/email, keeping the journal.
func (ed *mailFolder) write(batch *email.Batch) error {
	files := batch.Files()
	if len(ed.kept) > 0 {
		files[email.JournalFile] = ed.kept
	}
	return build.Write(ed.dir, files)
}

// record appends a line to the journal and syncs it to disk before the
// next message goes.
func (ed *mailFolder) record(line []byte) error {
	root, err := os.OpenRoot(ed.dir)
	if err != nil {
		return err
	}
	defer root.Close()
	return sitefs.WriteSynced(root, email.JournalFile, os.O_APPEND, line)
}

// dryRunReport says what --send would do. The one message of a site
// without each is printed to stdout; messages made per row are in
// OUTPUT/email/messages, one .eml each.
func (c *emailCommand) dryRunReport(e *env, b *briefing, ed *mailFolder, batch *email.Batch) error {
	smtp, err := email.Transport(b.res.Config, os.Getenv, b.root.ReadFile)
	if err != nil {
		return err
	}
	for i, m := range batch.Messages {
		state := ""
		if ed.journal.Sent(m.Header.MessageID) {
			state = " (sent before: --send skips it)"
		}
		fmt.Fprintf(e.stderr, "briefing: dry run: %s%s\n", batch.Summary(i, smtp), state)
	}
	if !batch.PerRow {
		_, err := e.stdout.Write(batch.Messages[0].Message)
		return err
	}
	if !c.quiet {
		fmt.Fprintf(e.stdout, "wrote %d messages to %s, one .eml each; sent nothing\n", len(batch.Messages), display(filepath.Join(ed.dir, "messages")))
	}
	return nil
}

// deliver sends what is to be sent, and reports refused recipients last.
func (c *emailCommand) deliver(e *env, b *briefing, ed *mailFolder, batch *email.Batch) error {
	cfg := b.res.Config
	if held := allHeld(batch); held != "" && !c.force {
		// Before any connection: the server hears nothing.
		if !c.quiet {
			fmt.Fprintf(e.stdout, "not sending: %s (--force sends anyway)\n", held)
		}
		return nil
	}
	smtp, err := email.Transport(cfg, os.Getenv, b.root.ReadFile)
	if err != nil {
		return err
	}
	d := &email.Delivery{
		Dial: func() (email.Sender, error) {
			conn, err := email.Dial(smtp)
			if err != nil {
				return nil, err // not a nil *Conn in the interface
			}
			return conn, nil
		},
		Journal: ed.journal, Record: ed.record, Force: c.force, Rate: cfg.Email.Rate,
		Now: time.Now, Sleep: time.Sleep,
	}
	if !c.quiet && !batch.PerRow {
		d.Sent = func(_ int, m *email.Composed) {
			fmt.Fprintf(e.stdout, "sent %q to %s\n", m.Header.Subject, strings.Join(m.Recipients(), ", "))
		}
	}
	out, err := d.Run(batch)
	if err != nil {
		return diag.Join(append(out.Refused, err)...)
	}
	if !c.quiet && (batch.PerRow || out.Sent == 0) {
		fmt.Fprintf(e.stdout, "%s\n", batch.Report(out))
	}
	return diag.Join(out.Refused...)
}

// allHeld is the reason send_if holds back every message, or "" when at
// least one is to go.
func allHeld(b *email.Batch) string {
	for _, m := range b.Messages {
		if m.Held == "" {
			return ""
		}
	}
	if !b.PerRow {
		return b.Messages[0].Held
	}
	return fmt.Sprintf("send_if is false for all %d rows", len(b.Messages))
}
