package table

import (
	"bytes"
	"fmt"
	"slices"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"github.com/briefing-dev/briefing/internal/diag"
)

// Encodings are the text encodings a CSV or TOML source may declare with
// `encoding` in site.toml. Text in any other is refused rather than read
// as something it is not.
var Encodings = []string{"utf-8", "latin1", "windows-1252", "utf-16"}

// CheckEncoding reports whether name is one of Encodings ("" is UTF-8).
func CheckEncoding(name string) error {
	if name == "" || slices.Contains(Encodings, name) {
		return nil
	}
	return fmt.Errorf("unknown encoding %q (want utf-8, latin1, windows-1252 or utf-16)", name)
}

// toUTF8 returns a text file's content as UTF-8 without a byte-order
// mark. UTF-8 content must be valid; the error locates the first bad byte
// at file:line:col (columns count bytes, as the CSV reader's do).
func toUTF8(src []byte, spec Spec) ([]byte, error) {
	var dec *encoding.Decoder
	switch spec.Encoding {
	case "", "utf-8":
		src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
		if i := invalidUTF8(src); i >= 0 {
			line, col := lineCol(src, i)
			return nil, diag.Data.Errorf(diag.Pos{File: spec.File, Line: line, Col: col},
				"text is not valid UTF-8 (byte 0x%02X); if the file was saved as Latin-1 or Windows-1252, set encoding = \"windows-1252\" for table %q in site.toml",
				src[i], spec.Name)
		}
		return src, nil
	case "latin1":
		dec = charmap.ISO8859_1.NewDecoder()
	case "windows-1252":
		dec = charmap.Windows1252.NewDecoder()
	case "utf-16":
		if err := checkUTF16(src, spec.File); err != nil {
			return nil, err
		}
		dec = unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder()
	default:
		return nil, diag.Data.Errorf(spec.keyPos("encoding"), "table %q: %v", spec.Name, CheckEncoding(spec.Encoding))
	}
	out, err := dec.Bytes(src)
	if err != nil {
		return nil, diag.Data.Errorf(diag.Pos{File: spec.File}, "cannot read as %s: %v", spec.Encoding, err)
	}
	return bytes.TrimPrefix(out, []byte("\xef\xbb\xbf")), nil
}

// invalidUTF8 returns the offset of the first byte of src that is not
// part of valid UTF-8, or -1.
func invalidUTF8(src []byte) int {
	if utf8.Valid(src) {
		return -1
	}
	for i := 0; i < len(src); {
		r, n := utf8.DecodeRune(src[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return -1
}

// checkUTF16 refuses what the decoder would silently turn into U+FFFD: an
// odd number of bytes or a surrogate without its pair. The byte order is
// the byte-order mark's, little-endian without one.
func checkUTF16(src []byte, file string) error {
	at := diag.Pos{File: file}
	if len(src)%2 != 0 {
		return diag.Data.Errorf(at, "not UTF-16: the file has an odd number of bytes")
	}
	unit := func(i int) uint16 { return uint16(src[i]) | uint16(src[i+1])<<8 }
	if len(src) >= 2 && src[0] == 0xFE && src[1] == 0xFF {
		unit = func(i int) uint16 { return uint16(src[i])<<8 | uint16(src[i+1]) }
	}
	line, col := 1, 1
	for i := 0; i+1 < len(src); i += 2 {
		u := unit(i)
		switch {
		case utf16.IsSurrogate(rune(u)) && u < 0xDC00 && i+3 < len(src) && unit(i+2) >= 0xDC00 && unit(i+2) <= 0xDFFF:
			i += 2
		case utf16.IsSurrogate(rune(u)):
			return diag.Data.Errorf(diag.Pos{File: file, Line: line, Col: col}, "not UTF-16: unpaired surrogate 0x%04X", u)
		case u == '\n':
			line, col = line+1, 0
		}
		col++
	}
	return nil
}

// lineCol converts a byte offset to a 1-based line and byte column.
func lineCol(src []byte, off int) (int, int) {
	line := 1 + bytes.Count(src[:off], []byte("\n"))
	return line, off - bytes.LastIndexByte(src[:off], '\n')
}
