package source

import (
	"net/url"
	"regexp"
	"strings"
)

// secrets lists what must never be printed of a connection string: the
// whole string, the password in it (URL or key=value form, and as the
// driver parses it), and a URL's user information.
func secrets(d *Driver, dsn string) []string {
	out := []string{dsn}
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		out = append(out, u.User.String())
		if p, ok := u.User.Password(); ok {
			out = append(out, p, url.QueryEscape(p), url.PathEscape(p))
		}
	}
	for _, m := range passwordKV.FindAllStringSubmatch(dsn, -1) {
		out = append(out, strings.Trim(m[1], "'"))
	}
	if d != nil && d.Secrets != nil {
		out = append(out, d.Secrets(dsn)...)
	}
	return out
}

var passwordKV = regexp.MustCompile(`(?i)password\s*=\s*('(?:[^'\\]|\\.)*'|\S+)`)

// redact replaces every secret in msg with "***", longest first, so
// that no part of a longer secret survives a shorter one's replacement.
func redact(msg string, secrets []string) string {
	byLen := append([]string(nil), secrets...)
	for i := 1; i < len(byLen); i++ {
		for j := i; j > 0 && len(byLen[j]) > len(byLen[j-1]); j-- {
			byLen[j], byLen[j-1] = byLen[j-1], byLen[j]
		}
	}
	for _, s := range byLen {
		if s != "" {
			msg = strings.ReplaceAll(msg, s, "***")
		}
	}
	return msg
}
