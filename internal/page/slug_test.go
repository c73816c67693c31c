package page

import (
	"strings"
	"testing"
)

// Slug's rule: lower-case ASCII letters and digits are kept, every run of
// anything else becomes one hyphen, and no hyphen leads or trails.
func TestSlug(t *testing.T) {
	tests := []struct{ in, want string }{
		{"TikTok", "tiktok"},
		{"Contoso Bank", "contoso-bank"},
		{"../../etc/passwd", "etc-passwd"},
		{"a/b", "a-b"},
		{"---", ""},
		{"", ""},
		{"...", ""},
		{"a..b", "a-b"},
		{"G42", "g42"},
		{"2022-03", "2022-03"},
		{"Walmart, Inc.", "walmart-inc"},
		{"A & B", "a-b"},
		{"  Leading and trailing  ", "leading-and-trailing"},
		{"-x-", "x"},
		{"a -- b", "a-b"},
		{`C:\Windows\System32`, "c-windows-system32"},
		{"%2e%2e%2fetc", "2e-2e-2fetc"},
		{"x\x00y", "x-y"},
		{"tab\there", "tab-here"},
		{"Zürich", "z-rich"}, // non-ASCII letters are dropped like any other character
		{"café", "caf"},
		{"日本", ""},
		{"Ελλάδα", ""},
		{"naïve café", "na-ve-caf"},
		{"emoji 🙂 here", "emoji-here"},
	}
	for _, tt := range tests {
		if got := Slug(tt.in); got != tt.want {
			t.Errorf("Slug(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// checkSlug holds a slug to its promises: only a-z, 0-9 and single inner
// hyphens, so never a slash, a dot or "..".
func checkSlug(t *testing.T, in string) {
	t.Helper()
	s := Slug(in)
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			t.Errorf("Slug(%q) = %q holds %q", in, s, r)
			return
		}
	}
	if strings.Contains(s, "/") || strings.Contains(s, "..") || strings.Contains(s, "--") ||
		strings.HasPrefix(s, "-") || strings.HasSuffix(s, "-") {
		t.Errorf("Slug(%q) = %q", in, s)
	}
	if again := Slug(s); again != s {
		t.Errorf("Slug(Slug(%q)) = %q, want %q unchanged", in, again, s)
	}
}

// Every string of up to four characters from a hostile alphabet.
func TestSlugSafe(t *testing.T) {
	alphabet := []string{"a", "Z", "0", ".", "/", "\\", "-", " ", "é", "\x00"}
	var walk func(prefix string, n int)
	walk = func(prefix string, n int) {
		checkSlug(t, prefix)
		if n == 0 {
			return
		}
		for _, c := range alphabet {
			walk(prefix+c, n-1)
		}
	}
	walk("", 4)
}

func FuzzSlug(f *testing.F) {
	for _, s := range []string{"TikTok", "../../etc/passwd", "a/b", "---", "Zürich", "..\\..\\x", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(checkSlug)
}
