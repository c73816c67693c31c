package config

import (
	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/expr"
)

// validateEmail checks [email] and [email.smtp] as far as site.toml alone
// can: the condition's syntax, the per-row keys that go together, the
// rate, the TLS mode and the login mechanism. Tables and figures are
// checked when the email is made.
func (s *Site) validateEmail() error {
	e := s.Email
	if e.SendIf != "" {
		if _, err := expr.Parse(e.SendIf); err != nil {
			at := s.ix.Value("email", "send_if")
			if xe, ok := err.(*expr.Error); ok && at.Col > 0 {
				at.Col += 1 + xe.Off // past the opening quote
			}
			return diag.Config.Errorf(at, "send_if: %v", err)
		}
	}
	if e.Each == "" && (e.ToColumn != "" || e.NameColumn != "" || e.GreetingColumn != "") {
		return diag.Config.Errorf(s.ix.Key("email"), "to_column, name_column and greeting_column need each = TABLE in [email]: one message per row of that table")
	}
	if e.Each != "" && len(e.To) > 0 {
		return diag.Config.Errorf(s.ix.Key("email", "to"), "to and each exclude each other: with each = %q every message goes to its row's address (to_column)", e.Each)
	}
	if e.Each != "" && e.ToColumn == "" {
		return diag.Config.Errorf(s.ix.Key("email", "each"), "each = %q: set to_column to the column that holds each row's address", e.Each)
	}
	if e.Rate < 1 || e.Rate > 60000 {
		return diag.Config.Errorf(s.ix.Value("email", "rate"), "rate %d: want messages a minute, 1 to 60000", e.Rate)
	}
	switch e.SMTP.TLS {
	case "starttls", "required", "implicit", "none":
	default:
		return diag.Config.Errorf(s.ix.Value("email", "smtp", "tls"), "tls %q: want starttls, required, implicit or none", e.SMTP.TLS)
	}
	switch e.SMTP.Auth {
	case "", "plain", "login":
	case "xoauth2":
		if e.SMTP.Username == "" {
			return diag.Config.Errorf(s.ix.Key("email", "smtp", "auth"), "auth = \"xoauth2\" needs username: the account the token is for")
		}
	default:
		return diag.Config.Errorf(s.ix.Value("email", "smtp", "auth"), "auth %q: want plain, login or xoauth2 (or leave it out: PLAIN, else LOGIN)", e.SMTP.Auth)
	}
	return nil
}
