package page

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// Slug's rule: letters and digits of every script are kept, lower-cased;
// Latin letters lose their accents; every run of anything else becomes one
// hyphen, and no hyphen leads or trails.
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
		{"emoji 🙂 here", "emoji-here"},
		// Latin letters are transliterated.
		{"Zürich Rück AG", "zurich-ruck-ag"},
		{"café", "cafe"},
		{"naïve café", "naive-cafe"},
		{"Straße", "strasse"},
		{"Ørsted A/S", "orsted-a-s"},
		{"Łódź", "lodz"},
		{"Æther Œuvre", "aether-oeuvre"},
		{"İstanbul", "istanbul"},
		{"ﬁnance", "finance"},      // a ligature is its letters
		{"ＡＢＣ　１２３", "abc-123"},     // full-width forms are plain ones
		{"Zu\u0308rich", "zurich"}, // decomposed input, same name
		{"São Paulo", "sao-paulo"},
		// Other scripts keep their letters.
		{"東京 Logistics", "東京-logistics"},
		{"日本", "日本"},
		{"Ελλάδα", "ελλάδα"},
		{"Москва Банк", "москва-банк"},
		{"서울", "서울"},
		{"がっこう", "がっこう"},     // the voiced mark stays with its kana
		{"हिन्दी", "हिन्दी"}, // Devanagari's vowel signs stay
		{"שלום עולם", "שלום-עולם"},
		{"東京/../大阪", "東京-大阪"},
		{"a\u202eb", "a-b"}, // a bidi override is not a letter
	}
	for _, tt := range tests {
		if got := Slug(tt.in); got != tt.want {
			t.Errorf("Slug(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// A slug over MaxSlug bytes is cut on a character boundary, never inside
// a multi-byte letter, and long names sharing a beginning stay apart.
func TestSlugBoundScripts(t *testing.T) {
	long := strings.Repeat("東京", 40) // 240 bytes
	a, b := Slug(long+"一"), Slug(long+"二")
	for _, s := range []string{a, b} {
		if len(s) > MaxSlug || !utf8.ValidString(s) {
			t.Errorf("Slug = %q (%d bytes): not a valid bounded name", s, len(s))
		}
	}
	if a == b {
		t.Errorf("two long names share the slug %q", a)
	}
}

// checkSlug holds a slug to its promises: letters, digits, marks and
// single inner hyphens only, so never a slash, a dot, a backslash or "..";
// valid UTF-8 within MaxSlug bytes; unchanged by a second Slug.
func checkSlug(t *testing.T, in string) {
	t.Helper()
	s := Slug(in)
	for _, r := range s {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.M, r) || r == '-') || unicode.IsUpper(r) {
			t.Errorf("Slug(%q) = %q holds %q", in, s, r)
			return
		}
	}
	if !utf8.ValidString(s) || len(s) > MaxSlug {
		t.Errorf("Slug(%q) = %q: invalid or longer than %d bytes", in, s, MaxSlug)
	}
	if strings.ContainsAny(s, `/\.`) || strings.Contains(s, "--") ||
		strings.HasPrefix(s, "-") || strings.HasSuffix(s, "-") {
		t.Errorf("Slug(%q) = %q", in, s)
	}
	if again := Slug(s); again != s {
		t.Errorf("Slug(Slug(%q)) = %q, want %q unchanged", in, again, s)
	}
}

// Every string of up to four characters from a hostile alphabet.
func TestSlugSafe(t *testing.T) {
	alphabet := []string{"a", "Z", "0", ".", "/", "\\", "-", " ", "é", "\x00", "東", "\u0301", "／", "．"}
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

// Values that differ but share a slug each get a name of their own, the
// same whatever the order of the rows; the same value twice is reported.
func TestSlugsUnique(t *testing.T) {
	values := []string{"Müller GmbH", "Acme", "Muller GmbH", "東京", "MÜLLER GMBH"}
	slugs, dup := Slugs(values)
	if slugs[1] != "acme" || slugs[3] != "東京" {
		t.Errorf("names that do not collide changed: %q", slugs)
	}
	seen := map[string]int{}
	for i, s := range slugs {
		if !strings.HasPrefix(s, "muller-gmbh") && i != 1 && i != 3 {
			t.Errorf("slug %q of %q lost its readable part", s, values[i])
		}
		if j, ok := seen[s]; ok {
			t.Errorf("%q and %q share the slug %q", values[j], values[i], s)
		}
		seen[s] = i
		checkSlug(t, s)
		if dup[i] != -1 {
			t.Errorf("dup[%d] = %d for distinct values", i, dup[i])
		}
	}
	rev := []string{values[4], values[3], values[2], values[1], values[0]}
	again, _ := Slugs(rev)
	for i := range values {
		if again[len(values)-1-i] != slugs[i] {
			t.Errorf("%q is named %q in one order and %q in the other", values[i], slugs[i], again[len(values)-1-i])
		}
	}
	_, dup = Slugs([]string{"Zürich", "Acme", "Zu\u0308rich"})
	if dup[2] != 0 || dup[0] != -1 || dup[1] != -1 {
		t.Errorf("the same value, spelt two ways: dup = %v, want [-1 -1 0]", dup)
	}
}

func FuzzSlug(f *testing.F) {
	for _, s := range []string{"TikTok", "../../etc/passwd", "a/b", "---", "Zürich", "..\\..\\x", "\xff\xfe", "東京 Logistics", "हिन्दी"} {
		f.Add(s)
	}
	f.Fuzz(checkSlug)
}
