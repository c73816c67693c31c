package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/briefing-dev/briefing/internal/build"
	"github.com/briefing-dev/briefing/internal/email"
)

// emailCommand writes the email edition to OUTPUT/email, and sends it
// with --send. Making the message is package email's work; this is the
// command line around it.
type emailCommand struct {
	problems
	out, to, from, subject string
	send, dryRun, quiet    bool
	images                 *imageFlags
}

func (c *emailCommand) usage() string {
	return "briefing email [-o DIR] [--to ADDR,…] [--from ADDR] [--subject TEXT] [--send | --dry-run] [--cache-dir DIR | --no-cache] [--format text|json] [-q] [SITE_DIR]"
}

func (c *emailCommand) summary() string { return "make (and send) the email edition" }

func (c *emailCommand) flags(fs *flag.FlagSet) {
	fs.StringVar(&c.out, "o", "", "output `DIR`; the edition goes to DIR/email (default: output in site.toml)")
	fs.StringVar(&c.out, "out", "", "same as -o `DIR`")
	fs.StringVar(&c.to, "to", "", "recipients, comma-separated (default: to in [email] of site.toml)")
	fs.StringVar(&c.from, "from", "", "sender (default: from in [email])")
	fs.StringVar(&c.subject, "subject", "", "subject (default: subject in [email], else the title and period)")
	fs.BoolVar(&c.send, "send", false, "send the message over SMTP ([email.smtp]; the password comes from the environment)")
	fs.BoolVar(&c.dryRun, "dry-run", false, "print the message that --send would send, and send nothing")
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
	start := time.Now()
	// The email draws its own images: the site's are not needed.
	b, err := e.open(siteDir, build.Options{}, c.images, false)
	if err != nil {
		return err
	}
	defer b.Close()
	msg, err := c.compose(b)
	if err != nil {
		return err
	}
	if err := e.warn(msg.Edition.Warnings, false); err != nil {
		return err
	}
	if c.dryRun { // writes nothing
		return c.deliver(e, b, msg)
	}
	dir, err := writeEdition(b, c.out, msg)
	if err != nil {
		return err
	}
	if c.send {
		return c.deliver(e, b, msg)
	}
	if !c.quiet {
		fmt.Fprintf(e.stdout, "wrote the email edition (%d charts, %d KB) in %s → %s\n",
			len(msg.Edition.Images), len(msg.Message)/1024, since(start), display(dir))
	}
	return nil
}

func (c *emailCommand) compose(b *briefing) (*email.Composed, error) {
	date, err := messageDate()
	if err != nil {
		return nil, err
	}
	r := email.Request{
		Config: b.res.Config, Pages: b.res.SitePages, Expand: b.res.Figures.Expand,
		Draw: b.res.Images, Date: date, From: c.from, Subject: c.subject,
	}
	if c.to != "" {
		r.To = strings.Split(c.to, ",")
	}
	return email.Compose(r)
}

// writeEdition writes the edition to OUTPUT/email and returns that folder.
func writeEdition(b *briefing, out string, msg *email.Composed) (string, error) {
	outAbs, err := outputDir(b.siteAbs, out, b.res.Config.Output)
	if err != nil {
		return "", err
	}
	if err := build.EnsureOutput(outAbs); err != nil {
		return "", err
	}
	dir := filepath.Join(outAbs, "email")
	return dir, build.Write(dir, msg.Files())
}

// deliver sends the message, or with --dry-run prints what it would send.
func (c *emailCommand) deliver(e *env, b *briefing, msg *email.Composed) error {
	cfg := b.res.Config
	smtp, err := email.Transport(cfg, os.Getenv(cfg.Email.SMTP.PasswordEnv), b.root.ReadFile)
	if err != nil {
		return err
	}
	if c.dryRun {
		fmt.Fprintf(e.stderr, "briefing: dry run: %s\n", msg.Summary(smtp))
		_, err := e.stdout.Write(msg.Message)
		return err
	}
	if err := msg.Send(smtp); err != nil {
		return err
	}
	if !c.quiet {
		fmt.Fprintf(e.stdout, "sent %q to %s\n", msg.Header.Subject, strings.Join(msg.Recipients(), ", "))
	}
	return nil
}
