package page

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// MaxSlug bounds a slug's length in bytes, well under the 255 bytes most
// file systems allow a file name.
const MaxSlug = 80

// Slug makes a file name from a value. Letters and digits of every script
// are kept, lower-cased: "東京 Logistics" → "東京-logistics". Latin letters
// lose their accents, and the few that do not decompose are spelt out, so
// that "Zürich Rück AG" → "zurich-ruck-ag" and "Straße" → "strasse". Runs
// of anything else (spaces, punctuation, symbols, controls) become one
// hyphen, and no hyphen leads or trails.
//
// A slug holds only letters, digits, combining marks that follow a letter
// (scripts such as Devanagari need them) and inner hyphens: never a slash,
// a dot, a backslash or "..", so a page stays in its folder. It is in
// Unicode normal form KC, so two spellings of the same text give the same
// name and full-width letters and digits become plain ones. A slug longer than MaxSlug bytes is cut on a character boundary
// and ends in a hyphen and 8 hex digits of a hash of the whole slug, so
// long values that share a beginning still get different names.
func Slug(s string) string {
	var b strings.Builder
	dash, letter := false, false
	for _, r := range strings.ToLower(norm.NFKD.String(s)) {
		switch {
		case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r):
			// A Latin letter's accent goes; another script's mark stays
			// with the letter it belongs to.
			if letter {
				b.WriteRune(r)
			}
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			t, latin := latinLetter(r)
			b.WriteString(t)
			letter = !latin
		default:
			dash, letter = true, false
		}
	}
	return bound(norm.NFC.String(b.String()))
}

// spelt holds the lower-case Latin letters that do not decompose into a
// base letter and an accent.
var spelt = map[rune]string{
	'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'ł': "l", 'đ': "d", 'ð': "d",
	'þ': "th", 'ı': "i", 'ħ': "h", 'ŋ': "ng", 'ŧ': "t", 'ſ': "s", 'ĸ': "q",
}

// latinLetter returns how r is written in a slug, and whether it is Latin
// (whose following marks are dropped).
func latinLetter(r rune) (string, bool) {
	if r < 0x80 {
		return string(r), true
	}
	if t, ok := spelt[r]; ok {
		return t, true
	}
	return string(r), unicode.Is(unicode.Latin, r)
}

// bound shortens a slug to MaxSlug bytes; a slug within it is unchanged,
// so Slug(Slug(s)) == Slug(s).
func bound(slug string) string {
	if len(slug) <= MaxSlug {
		return slug
	}
	sum := sha256.Sum256([]byte(slug))
	tag := hex.EncodeToString(sum[:4])
	cut := MaxSlug - len(tag) - 1
	for cut > 0 && !startsChar(slug, cut) {
		cut--
	}
	return strings.TrimRight(slug[:cut], "-") + "-" + tag
}

// startsChar reports whether byte i of s starts a character (a rune with
// none of its combining marks after the cut).
func startsChar(s string, i int) bool {
	return i == len(s) || s[i]&0xC0 != 0x80
}

// Slugs names the pages of values, one each, the way Slug does. Values
// that are different but share a slug (Müller and Muller) all get a
// hyphen and 8 hex digits of a hash of their own value, so each keeps a
// name that does not depend on the order of the rows. dup[i] is the index
// of an earlier value equal to values[i] (the same page twice), or -1.
func Slugs(values []string) (slugs []string, dup []int) {
	slugs, dup = make([]string, len(values)), make([]int, len(values))
	first := map[string]int{}     // value (in normal form C) → its first index
	owners := map[string]string{} // slug → the value that has it
	shared := map[string]bool{}   // slugs that distinct values share
	for i, v := range values {
		v = norm.NFC.String(v)
		slugs[i], dup[i] = Slug(v), -1
		if j, ok := first[v]; ok {
			dup[i] = j
			continue
		}
		first[v] = i
		if o, ok := owners[slugs[i]]; ok && o != v {
			shared[slugs[i]] = true
		}
		owners[slugs[i]] = v
	}
	for i, v := range values {
		if shared[slugs[i]] && slugs[i] != "" {
			sum := sha256.Sum256([]byte(norm.NFC.String(v)))
			tag := hex.EncodeToString(sum[:4])
			slugs[i] = bound(strings.TrimSuffix(trimTo(slugs[i], MaxSlug-len(tag)-1), "-") + "-" + tag)
		}
	}
	return slugs, dup
}

// trimTo cuts s to at most n bytes on a character boundary.
func trimTo(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !startsChar(s, n) {
		n--
	}
	return s[:n]
}
