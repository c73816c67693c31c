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

	"github.com/briefing-dev/briefing/internal/config"
	"github.com/briefing-dev/briefing/internal/diag"
)

// SMTP says how to reach the mail server.
type SMTP struct {
	Host     string
	Port     int
	Username string // empty: no authentication
	Password string
	TLS      string         // starttls or required (the same: TLS or nothing), or none (plaintext)
	RootCAs  *x509.CertPool // nil: the system's
	Timeout  time.Duration
}

// Transport reads [email.smtp] of site.toml: the server, the login, and
// the certificates to trust. password is the secret that password_env
// names, which the caller reads from the environment; readFile reads
// ca_file from the site folder. A ca_file adds to the system's roots.
func Transport(cfg *config.Site, password string, readFile func(name string) ([]byte, error)) (SMTP, error) {
	c := cfg.Email.SMTP
	s := SMTP{Host: c.Host, Port: c.Port, Username: c.Username, Password: password, TLS: c.TLS}
	if c.Host == "" {
		return s, diag.Config.Errorf(keyPos(cfg, "email", "smtp", "host"), "no SMTP server: set host in [email.smtp] of site.toml")
	}
	if c.Username != "" && password == "" {
		return s, diag.Config.Errorf(keyPos(cfg, "email", "smtp", "password_env"), "no SMTP password for %s: set the environment variable %s", c.Username, c.PasswordEnv)
	}
	if c.CAFile == "" {
		return s, nil
	}
	at := keyPos(cfg, "email", "smtp", "ca_file")
	pem, err := readFile(c.CAFile)
	if err != nil {
		return s, diag.Config.Errorf(at, "ca_file: %v", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool() // no system roots here: the file's alone
	}
	if !pool.AppendCertsFromPEM(pem) {
		return s, diag.Config.Errorf(at, "ca_file: no PEM certificate in %s", c.CAFile)
	}
	s.RootCAs = pool
	return s, nil
}

// NoTLSError is a server that offers no STARTTLS to a site that did not
// choose plaintext.
type NoTLSError struct{ Addr string }

func (e *NoTLSError) Error() string {
	return fmt.Sprintf("%s offers no STARTTLS: not sending the briefing in plaintext (set tls = \"none\" in [email.smtp] to allow it)", e.Addr)
}

// Send delivers msg to rcpt. Unless TLS is "none", it upgrades to TLS with
// STARTTLS and refuses to go on without it (a *NoTLSError); it
// authenticates with PLAIN or LOGIN, and names the recipient the server
// refused, if it refuses one.
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
	if cfg.TLS != "none" {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return &NoTLSError{Addr: addr}
		}
		if err := c.StartTLS(&tls.Config{ServerName: cfg.Host, RootCAs: cfg.RootCAs, MinVersion: tls.VersionTLS12}); err != nil {
			return fmt.Errorf("STARTTLS with %s failed: %w", addr, err)
		}
	}
	if cfg.Username != "" {
		if err := authenticate(c, cfg); err != nil {
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

// authenticate logs in; Send has made sure the line is encrypted unless
// the site chose plaintext.
func authenticate(c *smtp.Client, cfg SMTP) error {
	ok, params := c.Extension("AUTH")
	if !ok {
		return fmt.Errorf("%s offers no authentication, but a username is set", cfg.Host)
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

// plainAuth is AUTH PLAIN. net/smtp's own refuses servers without TLS
// other than localhost by name; the TLS decision is made in Send.
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
