package main

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/briefing-dev/briefing/internal/build"
	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/email"
	"github.com/briefing-dev/briefing/internal/site"
)

const emailUsage = "briefing email [-o DIR] [--to ADDR,…] [--from ADDR] [--subject TEXT] [--send | --dry-run] [SITE_DIR]"

func runEmail(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("email", emailUsage, args, stdout, stderr)
	var out, to, from, subject string
	var send, dryRun, quiet bool
	fs.StringVar(&out, "o", "", "output `DIR`; the edition goes to DIR/email (default: output in site.toml)")
	fs.StringVar(&out, "out", "", "same as -o `DIR`")
	fs.StringVar(&to, "to", "", "recipients, comma-separated (default: to in [email] of site.toml)")
	fs.StringVar(&from, "from", "", "sender (default: from in [email])")
	fs.StringVar(&subject, "subject", "", "subject (default: subject in [email], else the title and period)")
	fs.BoolVar(&send, "send", false, "send the message over SMTP ([email.smtp]; the password comes from the environment)")
	fs.BoolVar(&dryRun, "dry-run", false, "print the message that --send would send, and send nothing")
	fs.BoolVar(&quiet, "q", false, "print nothing on success")
	siteDir, err := parseSiteArgs(fs, args)
	if err != nil {
		return err
	}
	start := time.Now()
	// The email draws its own images: the site's are not needed.
	b, err := openBriefing(siteDir, build.Options{}, true, false)
	if err != nil {
		return err
	}
	defer b.Close()
	cfg := b.res.Config
	if to != "" {
		cfg.Email.To = strings.Split(to, ",")
	}
	if from != "" {
		cfg.Email.From = from
	}
	if subject == "" {
		subject = cfg.Email.Subject
	}
	if subject == "" {
		subject = strings.TrimSpace(cfg.Title + " — " + cfg.Period)
		subject = strings.TrimSuffix(subject, " —")
	} else if subject, err = b.res.Figures.Expand(subject, cfg.Pos("email", "subject")); err != nil {
		return err
	}
	if b.renderer == nil {
		return errors.New("static charts need the pinned ECharts in the site (node_modules/echarts); a CDN copy cannot be run here")
	}
	images := chartImages{b.renderer}
	ed, err := email.Make(cfg, b.res.SitePages, subject, images.PNG)
	if err != nil {
		return err
	}
	date, err := messageDate()
	if err != nil {
		return usageError{err.Error()}
	}
	h := email.Header{From: cfg.Email.From, To: cfg.Email.To, Cc: cfg.Email.Cc, Subject: subject, Date: date}
	if h.From == "" {
		return diag.Config.Errorf(cfg.Pos("email"), "the email has no sender: set from in [email] of site.toml or use --from")
	}
	h.MessageID = email.MessageID(ed, date, h.From)
	msg, err := email.Message(ed, h)
	if err != nil {
		return usageError{err.Error()}
	}
	outAbs, err := outputDir(b.siteAbs, out, cfg.Output)
	if err != nil {
		return err
	}
	if err := build.CheckOutput(b.siteAbs, outAbs); err != nil {
		return usageError{err.Error()}
	}
	if err := build.EnsureOutput(outAbs); err != nil {
		return err
	}
	if err := build.Write(filepath.Join(outAbs, "email"), emailFiles(ed, msg)); err != nil {
		return err
	}
	if dryRun || send {
		rcpt, err := email.Recipients(h)
		if err != nil {
			return usageError{err.Error()}
		}
		smtp, err := smtpSettings(b)
		if err != nil {
			return err
		}
		if dryRun {
			fmt.Fprintf(stderr, "briefing: dry run: would send %d bytes from %s to %s via %s:%d\n",
				len(msg), addrOnly(h.From), strings.Join(rcpt, ", "), smtp.Host, smtp.Port)
			_, err := stdout.Write(msg)
			return err
		}
		if err := email.Send(smtp, addrOnly(h.From), rcpt, msg); err != nil {
			return err
		}
		if !quiet {
			fmt.Fprintf(stdout, "sent %q to %s\n", subject, strings.Join(rcpt, ", "))
		}
		return nil
	}
	if !quiet {
		fmt.Fprintf(stdout, "wrote the email edition (%d charts, %d KB) in %s → %s\n", len(ed.Images), len(msg)/1024,
			time.Since(start).Round(time.Millisecond), display(filepath.Join(outAbs, "email")))
	}
	return nil
}

// emailFiles is what briefing email writes: the body, a copy that shows
// the images from files (for a browser), the text part and the message.
func emailFiles(ed *email.Edition, msg []byte) site.Files {
	files := site.Files{
		"index.html":   ed.HTML,
		"index.txt":    ed.Text,
		"briefing.eml": msg,
	}
	preview := ed.HTML
	for _, img := range ed.Images {
		files["images/"+img.Name] = img.PNG
		preview = bytes.ReplaceAll(preview, []byte(`src="cid:`+img.CID+`"`), []byte(`src="images/`+img.Name+`"`))
	}
	files["preview.html"] = preview
	return files
}

// messageDate is now, or SOURCE_DATE_EPOCH when set, so that a rebuild
// gives the same message.
func messageDate() (time.Time, error) {
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		sec, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH %q is not a number of seconds", s)
		}
		return time.Unix(sec, 0).UTC(), nil
	}
	return time.Now(), nil
}

func smtpSettings(b *briefing) (email.SMTP, error) {
	c := b.res.Config.Email.SMTP
	s := email.SMTP{Host: c.Host, Port: c.Port, Username: c.Username, TLS: c.TLS}
	if c.Username != "" {
		s.Password = os.Getenv(c.PasswordEnv)
		if s.Password == "" {
			return s, usageError{fmt.Sprintf("no SMTP password: set the environment variable %s", c.PasswordEnv)}
		}
	}
	if c.CAFile != "" {
		pem, err := b.root.ReadFile(c.CAFile)
		if err != nil {
			return s, diag.Config.Errorf(b.res.Config.Pos("email", "smtp", "ca_file"), "%v", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return s, diag.Config.Errorf(b.res.Config.Pos("email", "smtp", "ca_file"), "no PEM certificate in %s", c.CAFile)
		}
		s.RootCAs = pool
	}
	return s, nil
}

func addrOnly(a string) string {
	if i := strings.LastIndex(a, "<"); i >= 0 {
		return strings.TrimSuffix(a[i+1:], ">")
	}
	return strings.TrimSpace(a)
}
