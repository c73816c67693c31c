package config

import (
	"errors"
	"testing"

	"github.com/briefing-dev/briefing/internal/diag"
)

// Port 465 speaks TLS from the first byte unless tls says otherwise.
func TestEmailImplicitTLSOn465(t *testing.T) {
	for _, c := range []struct{ toml, want string }{
		{"[email.smtp]\nhost = \"h\"\nport = 465\n", "implicit"},
		{"[email.smtp]\nhost = \"h\"\nport = 465\ntls = \"none\"\n", "none"},
		{"[email.smtp]\nhost = \"h\"\n", "starttls"},
	} {
		s, err := Parse([]byte("title = \"T\"\n" + c.toml))
		if err != nil {
			t.Fatal(err)
		}
		if s.Email.SMTP.TLS != c.want {
			t.Errorf("%q: tls %q, want %q", c.toml, s.Email.SMTP.TLS, c.want)
		}
	}
}

func TestEmailKeysErrors(t *testing.T) {
	for _, c := range []struct{ toml, want string }{
		{"[email]\nsend_if = \"a >\"\n", `site.toml:3:15: send_if: expected a number, text, name or ( but found end of expression`},
		{"[email]\neach = \"t\"\n", `site.toml:3:1: each = "t": set to_column to the column that holds each row's address`},
		{"[email]\nto_column = \"mail\"\n", `site.toml:2:1: to_column, name_column and greeting_column need each = TABLE in [email]: one message per row of that table`},
		{"[email]\nto = [\"a@example.org\"]\neach = \"t\"\nto_column = \"m\"\n", `site.toml:3:1: to and each exclude each other: with each = "t" every message goes to its row's address (to_column)`},
		{"[email]\nrate = 0\n", `site.toml:3:8: rate 0: want messages a minute, 1 to 60000`},
		{"[email.smtp]\nauth = \"cram\"\n", `site.toml:3:8: auth "cram": want plain, login or xoauth2 (or leave it out: PLAIN, else LOGIN)`},
		{"[email.smtp]\nauth = \"xoauth2\"\n", `site.toml:3:1: auth = "xoauth2" needs username: the account the token is for`},
		{"[email.smtp]\ntls = \"ssl\"\n", `site.toml:3:7: tls "ssl": want starttls, required, implicit or none`},
	} {
		_, err := Parse([]byte("title = \"T\"\n" + c.toml))
		var de *diag.Error
		if !errors.As(err, &de) || de.Kind != diag.Config || err.Error() != c.want {
			t.Errorf("%q:\n got %v\nwant %s", c.toml, err, c.want)
		}
	}
}
