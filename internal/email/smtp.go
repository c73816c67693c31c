package email

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// SMTP says how to reach the mail server.
type SMTP struct {
	Host     string
	Port     int
	Username string // empty: no authentication
	Password string
	TLS      string // starttls, required or none
	RootCAs  *x509.CertPool
	Timeout  time.Duration
}

// Send delivers msg to rcpt. It upgrades to TLS with STARTTLS when the
// server offers it (and refuses to go on without it when TLS is
// "required"), authenticates with PLAIN or LOGIN, and names the recipient
// the server refused, if it refuses one.
func Send(cfg SMTP, from string, rcpt []string, msg []byte) error {
	if cfg.Host == "" {
		return errors.New("no SMTP server: set host in [email.smtp] of site.toml")
	}
	addr := net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port))
	timeout := cfg.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	conn, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		return fmt.Errorf("connecting to %s: %w", addr, err)
	}
	_ = conn.SetDeadline(time.Now().Add(5 * timeout))
	c, err := smtp.NewClient(conn, cfg.Host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("%s: %w", addr, err)
	}
	defer c.Close()
	if err := c.Hello("localhost"); err != nil {
		return fmt.Errorf("%s: %w", addr, err)
	}
	tlsOn := false
	if ok, _ := c.Extension("STARTTLS"); ok && cfg.TLS != "none" {
		if err := c.StartTLS(&tls.Config{ServerName: cfg.Host, RootCAs: cfg.RootCAs, MinVersion: tls.VersionTLS12}); err != nil {
			return fmt.Errorf("STARTTLS with %s failed: %w", addr, err)
		}
		tlsOn = true
	}
	if cfg.TLS == "required" && !tlsOn {
		return fmt.Errorf("%s does not offer STARTTLS, and tls = \"required\": not sending", addr)
	}
	if cfg.Username != "" {
		if err := authenticate(c, cfg, tlsOn); err != nil {
			return err
		}
	}
	if err := c.Mail(from); err != nil {
		return fmt.Errorf("the server refused the sender %s: %w", from, err)
	}
	for _, r := range rcpt {
		if err := c.Rcpt(r); err != nil {
			return fmt.Errorf("the server refused the recipient %s: %w", r, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("%s: %w", addr, err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("sending the message: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("the server did not accept the message: %w", err)
	}
	return c.Quit()
}

func authenticate(c *smtp.Client, cfg SMTP, tlsOn bool) error {
	ok, params := c.Extension("AUTH")
	if !ok {
		return fmt.Errorf("%s offers no authentication, but a username is set", cfg.Host)
	}
	if !tlsOn && cfg.TLS != "none" && !isLoopback(cfg.Host) {
		return fmt.Errorf("refusing to send the password to %s without TLS (set tls = \"none\" to allow it)", cfg.Host)
	}
	mechs := strings.Fields(strings.ToUpper(params))
	var a smtp.Auth
	switch {
	case slices.Contains(mechs, "PLAIN"):
		a = plainAuth{cfg.Username, cfg.Password}
	case slices.Contains(mechs, "LOGIN"):
		a = &loginAuth{user: cfg.Username, pass: cfg.Password}
	default:
		return fmt.Errorf("%s offers authentication by %s; briefing speaks PLAIN and LOGIN", cfg.Host, params)
	}
	if err := c.Auth(a); err != nil {
		return fmt.Errorf("authentication as %s failed: %w", cfg.Username, err)
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// plainAuth is AUTH PLAIN. net/smtp's own refuses loopback servers
// without TLS only by name; the TLS decision is made in authenticate.
type plainAuth struct{ user, pass string }

func (a plainAuth) Start(*smtp.ServerInfo) (string, []byte, error) {
	return "PLAIN", []byte("\x00" + a.user + "\x00" + a.pass), nil
}

func (a plainAuth) Next(_ []byte, more bool) ([]byte, error) {
	if more {
		return nil, errors.New("unexpected server challenge")
	}
	return nil, nil
}

// loginAuth is AUTH LOGIN: username, then password, each on request.
type loginAuth struct {
	user, pass string
	step       int
}

func (a *loginAuth) Start(*smtp.ServerInfo) (string, []byte, error) { return "LOGIN", nil, nil }

func (a *loginAuth) Next(challenge []byte, more bool) ([]byte, error) {
	if !more {
		return nil, nil
	}
	a.step++
	switch strings.ToLower(strings.TrimSpace(string(challenge))) {
	case "username:":
		return []byte(a.user), nil
	case "password:":
		return []byte(a.pass), nil
	}
	if a.step == 1 {
		return []byte(a.user), nil
	}
	return []byte(a.pass), nil
}
