package page

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// MaxSlug bounds a slug's length in bytes, well under the 255 bytes most
// file systems allow a file name.
const MaxSlug = 80

// Slug makes a file name from a value: lower-case letters and digits, with
// runs of anything else turned into one hyphen. It never contains a slash
// or "..", so a page stays in its folder. A slug longer than MaxSlug is
// cut and ends in a hyphen and 8 hex digits of a hash of the whole slug,
// so long values that share a beginning still get different names.
func Slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
	}
	return bound(b.String())
}

// bound shortens a slug to MaxSlug bytes; a slug within it is unchanged,
// so Slug(Slug(s)) == Slug(s).
func bound(slug string) string {
	if len(slug) <= MaxSlug {
		return slug
	}
	sum := sha256.Sum256([]byte(slug))
	tag := hex.EncodeToString(sum[:4])
	head := strings.TrimRight(slug[:MaxSlug-len(tag)-1], "-")
	return head + "-" + tag
}
