package email

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wneessen/go-mail/smtp"

	"github.com/briefing-dev/briefing/internal/config"
	"github.com/briefing-dev/briefing/internal/diag"
)

// SMTP says how to reach the mail server.
type SMTP struct {
	Host     string
	Port     int
	Username string // empty: no authentication
	Password string // the password, or with Auth "xoauth2" the access token
	// TLS is starttls or required (the same: STARTTLS or nothing),
	// implicit (TLS from the first byte, port 465), or none (plaintext).
	TLS     string
	Auth    string         // "" (PLAIN, else LOGIN), plain, login or xoauth2
	RootCAs *x509.CertPool // nil: the system's
	Timeout time.Duration
}

// Transport reads [email.smtp] of site.toml: the server, the login, and
// the certificates to trust. getenv reads the environment variable that
// password_env (or, for auth = "xoauth2", token_env) names; readFile
// reads ca_file from the site folder. A ca_file adds to the system's
// roots.
func Transport(cfg *config.Site, getenv func(string) string, readFile func(name string) ([]byte, error)) (SMTP, error) {
	c := cfg.Email.SMTP
	s := SMTP{Host: c.Host, Port: c.Port, Username: c.Username, TLS: c.TLS, Auth: c.Auth}
	if c.Host == "" {
		return s, diag.Config.Errorf(keyPos(cfg, "email", "smtp", "host"), "no SMTP server: set host in [email.smtp] of site.toml")
	}
	secretKey, secretEnv, what := "password_env", c.PasswordEnv, "password"
	if c.Auth == "xoauth2" {
		secretKey, secretEnv, what = "token_env", c.TokenEnv, "OAuth 2 access token"
	}
	s.Password = getenv(secretEnv)
	if c.Username != "" && s.Password == "" {
		return s, diag.Config.Errorf(keyPos(cfg, "email", "smtp", secretKey), "no SMTP %s for %s: set the environment variable %s", what, c.Username, secretEnv)
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

// Addr is the server's host:port.
func (s SMTP) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

func (s SMTP) tlsConfig() *tls.Config {
	return &tls.Config{ServerName: s.Host, RootCAs: s.RootCAs, MinVersion: tls.VersionTLS12}
}

func (s SMTP) timeout() time.Duration {
	if s.Timeout == 0 {
		return 30 * time.Second
	}
	return s.Timeout
}

// NoTLSError is a server that offers no STARTTLS to a site that did not
// choose plaintext.
type NoTLSError struct{ Addr string }

func (e *NoTLSError) Error() string {
	return fmt.Sprintf("%s offers no STARTTLS: not sending the briefing in plaintext (set tls = \"none\" in [email.smtp] to allow it)", e.Addr)
}

// RefusedError is a message the server would not take for some of its
// recipients. Nothing was sent: the transaction was reset.
type RefusedError struct {
	Rcpt []string
	Err  error // the server's answer to the first
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("the server refused the recipient %s: %v", strings.Join(e.Rcpt, ", "), e.Err)
}

func (e *RefusedError) Unwrap() error { return e.Err }

// Conn is an open, authenticated session with the mail server, for one
// message or many. The SMTP protocol is go-mail's (package
// github.com/wneessen/go-mail/smtp); the message bytes are ours.
type Conn struct {
	c   *smtp.Client
	cfg SMTP
}

// Dial connects, secures and logs in. Unless TLS is "none", the line is
// encrypted before anything else is said: from the first byte with
// "implicit", else by STARTTLS, and a server without STARTTLS gets
// nothing (a *NoTLSError). It authenticates with PLAIN or LOGIN, or with
// XOAUTH2 when Auth asks for it.
func Dial(cfg SMTP) (*Conn, error) {
	if cfg.Host == "" {
		return nil, errors.New("no SMTP server: set host in [email.smtp] of site.toml")
	}
	addr := cfg.Addr()
	conn, err := dialConn(cfg)
	if err != nil {
		return nil, err
	}
	c, err := smtp.NewClient(conn, cfg.Host)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("%s: %w", addr, err)
	}
	sc := &Conn{c: c, cfg: cfg}
	if err := sc.open(); err != nil {
		c.Close()
		return nil, err
	}
	return sc, nil
}

// dialConn opens the TCP connection, in TLS from the start for
// "implicit".
func dialConn(cfg SMTP) (net.Conn, error) {
	addr := cfg.Addr()
	ctx, cancel := context.WithTimeout(context.Background(), cfg.timeout())
	defer cancel()
	nd := &net.Dialer{}
	var conn net.Conn
	var err error
	if cfg.TLS == "implicit" {
		conn, err = (&tls.Dialer{NetDialer: nd, Config: cfg.tlsConfig()}).DialContext(ctx, "tcp", addr)
		if err != nil {
			return nil, fmt.Errorf("TLS with %s failed: %w", addr, err)
		}
	} else if conn, err = nd.DialContext(ctx, "tcp", addr); err != nil {
		return nil, fmt.Errorf("connecting to %s: %w", addr, err)
	}
	_ = conn.SetDeadline(time.Now().Add(cfg.timeout()))
	return conn, nil
}

// open greets the server, upgrades to TLS and logs in.
func (sc *Conn) open() error {
	cfg, addr := sc.cfg, sc.cfg.Addr()
	if err := sc.c.Hello("localhost"); err != nil {
		return fmt.Errorf("%s: %w", addr, err)
	}
	if cfg.TLS != "none" && cfg.TLS != "implicit" {
		if ok, _ := sc.c.Extension("STARTTLS"); !ok {
			return &NoTLSError{Addr: addr}
		}
		if err := sc.c.StartTLS(cfg.tlsConfig()); err != nil {
			return fmt.Errorf("STARTTLS with %s failed: %w", addr, err)
		}
	}
	if cfg.Username == "" {
		return nil
	}
	return sc.authenticate()
}

// authenticate logs in; open has made sure the line is encrypted unless
// the site chose plaintext, so go-mail's own refusal of unencrypted
// logins is turned off.
func (sc *Conn) authenticate() error {
	cfg := sc.cfg
	ok, params := sc.c.Extension("AUTH")
	if !ok {
		return fmt.Errorf("%s offers no authentication, but a username is set", cfg.Host)
	}
	mechs := strings.Fields(strings.ToUpper(params))
	want := strings.ToUpper(cfg.Auth)
	offers := func(m string) bool { return slices.Contains(mechs, m) && (want == "" || want == m) }
	var a smtp.Auth
	switch {
	case offers("XOAUTH2") && want == "XOAUTH2":
		a = smtp.XOAuth2Auth(cfg.Username, cfg.Password)
	case offers("PLAIN"):
		a = smtp.PlainAuth("", cfg.Username, cfg.Password, cfg.Host, true)
	case offers("LOGIN"):
		a = smtp.LoginAuth(cfg.Username, cfg.Password, cfg.Host, true)
	case want != "":
		return fmt.Errorf("%s offers authentication by %s, not %s (auth in [email.smtp])", cfg.Host, params, want)
	default:
		return fmt.Errorf("%s offers authentication by %s; briefing speaks PLAIN, LOGIN and XOAUTH2 (auth in [email.smtp])", cfg.Host, params)
	}
	if err := sc.c.Auth(a); err != nil {
		return fmt.Errorf("authentication as %s failed: %w", cfg.Username, err)
	}
	return nil
}

// Send sends msg, exactly these bytes, from the envelope sender to rcpt.
// A recipient the server refuses is a *RefusedError, after which the
// connection can send the next message; any other error leaves the
// connection unusable.
func (sc *Conn) Send(from string, rcpt []string, msg []byte) error {
	addr := sc.cfg.Addr()
	_ = sc.c.UpdateDeadline(5 * sc.cfg.timeout())
	if err := sc.c.Mail(from); err != nil {
		return fmt.Errorf("the server refused the sender %s: %w", from, err)
	}
	var refused *RefusedError
	for _, r := range rcpt {
		if err := sc.c.Rcpt(r); err != nil {
			if !isReply(err) {
				return fmt.Errorf("%s: %w", addr, err)
			}
			if refused == nil {
				refused = &RefusedError{Err: err}
			}
			refused.Rcpt = append(refused.Rcpt, r)
		}
	}
	if refused != nil {
		if err := sc.c.Reset(); err != nil {
			return fmt.Errorf("%v; then %s: %w", refused, addr, err)
		}
		return refused
	}
	w, err := sc.c.Data()
	if err != nil {
		return fmt.Errorf("%s: %w", addr, err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("sending the message: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("the server did not accept the message: %w", err)
	}
	return nil
}

// isReply reports whether err is the server's refusal (a reply code), not
// a broken connection.
func isReply(err error) bool {
	var te *textproto.Error
	return errors.As(err, &te) && te.Code >= 400
}

// Close says goodbye and closes the connection.
func (sc *Conn) Close() error {
	err := sc.c.Quit()
	sc.c.Close()
	return err
}

// Send delivers one message over a connection of its own: Dial, Send,
// Close.
func Send(cfg SMTP, from string, rcpt []string, msg []byte) error {
	c, err := Dial(cfg)
	if err != nil {
		return err
	}
	if err := c.Send(from, rcpt, msg); err != nil {
		c.c.Close()
		return err
	}
	return c.Close()
}
