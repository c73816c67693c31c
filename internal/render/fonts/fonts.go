// Package fonts is the typeface of static charts, used both to measure text
// for ECharts' layout and to draw it, so that labels land where they were
// measured.
//
// Text is set in the Go fonts (BSD-licensed, compiled into the binary),
// which cover Latin, Greek and Cyrillic. A character they lack is taken
// from the first font of a Set that has it: the site's own font files
// (site.toml [fonts] files), in order, then the fonts in the system's font
// folders (SystemDirs), sans-serif faces before others and the matching
// weight first. A character no font has is drawn as the Go fonts' empty
// box; Missing finds such characters so that the build can say so.
//
// Vertical metrics (ascent, descent) are always the Go fonts', so a label
// sits on the same baseline whatever font draws its characters.
package fonts

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// Spec is a parsed CSS font shorthand: "bold 14px sans-serif".
type Spec struct {
	Size float64 // pixels
	Bold bool
}

var sizeRe = regexp.MustCompile(`(\d+(?:\.\d+)?)px`)

// Parse reads the size and weight of a CSS font shorthand; the family is
// ignored (the Set chooses). The default is 12px regular, ECharts' own.
func Parse(css string) Spec {
	s := Spec{Size: 12}
	if m := sizeRe.FindStringSubmatch(css); m != nil {
		s.Size, _ = strconv.ParseFloat(m[1], 64)
	}
	for _, w := range strings.Fields(css) {
		switch w {
		case "bold", "bolder", "600", "700", "800", "900":
			s.Bold = true
		}
	}
	return s
}

var (
	once          sync.Once
	regular, bold *sfnt.Font
	loadErr       error
)

func load() {
	if regular, loadErr = opentype.Parse(goregular.TTF); loadErr != nil {
		return
	}
	bold, loadErr = opentype.Parse(gobold.TTF)
}

// Font returns the Go font for s: the primary typeface of every Set.
func Font(s Spec) (*sfnt.Font, error) {
	once.Do(load)
	if loadErr != nil {
		return nil, loadErr
	}
	if s.Bold {
		return bold, nil
	}
	return regular, nil
}

// face is one fallback typeface.
type face struct {
	font   *sfnt.Font
	bold   bool // its subfamily says bold (or heavier)
	italic bool // italic or oblique: used only when nothing else has the glyph
}

// File is a font file a site names.
type File struct {
	Name string // for errors
	Data []byte
}

// Set is the typefaces of a site's images: the Go fonts, then its own
// files, then, when system is on, the system's fonts. It is safe for
// concurrent use.
type Set struct {
	own    []face
	system bool
	fp     string

	mu     sync.Mutex
	chosen map[choiceKey]choice // rune and weight → the font that draws it
}

type choiceKey struct {
	r    rune
	bold bool
}

// choice is the font of a rune; font is nil when no font has it.
type choice struct {
	font  *sfnt.Font
	glyph sfnt.GlyphIndex
}

var (
	sets       sync.Map // fingerprint → *Set: a site's fonts are parsed once per process
	defaultSet = &Set{system: true, fp: "go+system", chosen: map[choiceKey]choice{}}
)

// Default is the Go fonts with the system's fonts behind them.
func Default() *Set { return defaultSet }

// NewSet returns the set of the Go fonts, then files in order, then the
// system's fonts when system is true. A file that is not a font is an
// error naming it.
func NewSet(files []File, system bool) (*Set, error) {
	h := sha256.New()
	fmt.Fprintf(h, "system=%v\n", system)
	for _, f := range files {
		sum := sha256.Sum256(f.Data)
		h.Write(sum[:])
	}
	fp := hex.EncodeToString(h.Sum(nil)[:12])
	if len(files) == 0 && system {
		return defaultSet, nil
	}
	if s, ok := sets.Load(fp); ok {
		return s.(*Set), nil
	}
	s := &Set{system: system, fp: fp, chosen: map[choiceKey]choice{}}
	for _, f := range files {
		faces, err := parseFaces(f.Data)
		if err != nil {
			return nil, fmt.Errorf("font file %s is not a TrueType or OpenType font this can read (%w)", f.Name, err)
		}
		s.own = append(s.own, faces...)
	}
	got, _ := sets.LoadOrStore(fp, s)
	return got.(*Set), nil
}

// parseFaces reads a font or a collection.
func parseFaces(data []byte) ([]face, error) {
	c, err := sfnt.ParseCollection(data)
	if err != nil {
		return nil, err
	}
	return collectionFaces(c)
}

func collectionFaces(c *sfnt.Collection) ([]face, error) {
	var faces []face
	var buf sfnt.Buffer
	for i := range c.NumFonts() {
		f, err := c.Font(i)
		if err != nil {
			return nil, err
		}
		sub, _ := f.Name(&buf, sfnt.NameIDSubfamily)
		sub = strings.ToLower(sub)
		faces = append(faces, face{font: f,
			bold:   strings.Contains(sub, "bold") || strings.Contains(sub, "black") || strings.Contains(sub, "heavy"),
			italic: strings.Contains(sub, "italic") || strings.Contains(sub, "oblique")})
	}
	return faces, nil
}

// Fingerprint names the set's fonts: the same for the same files and
// system fonts, for cache keys.
func (s *Set) Fingerprint() string {
	if s == nil {
		s = defaultSet
	}
	if s.system {
		return s.fp + "+" + systemIndex().fingerprint
	}
	return s.fp
}

// glyph returns the font and glyph that draw r: the Go font's when it has
// r, else the first fallback's, the matching weight first; ok is false
// when no font has r, and then the Go font's empty box is returned.
func (s *Set) glyph(buf *sfnt.Buffer, r rune, sp Spec) (*sfnt.Font, sfnt.GlyphIndex, bool) {
	primary, err := Font(sp)
	if err != nil {
		return nil, 0, false
	}
	if g, err := primary.GlyphIndex(buf, r); err == nil && g != 0 {
		return primary, g, true
	}
	if s == nil {
		s = defaultSet
	}
	k := choiceKey{r, sp.Bold}
	s.mu.Lock()
	c, ok := s.chosen[k]
	s.mu.Unlock()
	if !ok {
		c = s.fallback(buf, r, sp.Bold)
		s.mu.Lock()
		s.chosen[k] = c
		s.mu.Unlock()
	}
	if c.font == nil {
		return primary, 0, false
	}
	return c.font, c.glyph, true
}

// fallback searches the site's fonts, then the system's.
func (s *Set) fallback(buf *sfnt.Buffer, r rune, bold bool) choice {
	if c, ok := pick(buf, s.own, r, bold); ok {
		return c
	}
	if s.system {
		return systemIndex().find(r, bold)
	}
	return choice{}
}

// pick returns the first face of faces with r: of the wanted weight and
// upright if there is one, else upright of the other weight, else any.
func pick(buf *sfnt.Buffer, faces []face, r rune, bold bool) (choice, bool) {
	var second, third choice
	for _, f := range faces {
		g, err := f.font.GlyphIndex(buf, r)
		if err != nil || g == 0 {
			continue
		}
		c := choice{f.font, g}
		switch {
		case !f.italic && f.bold == bold:
			return c, true
		case !f.italic && second.font == nil:
			second = c
		case third.font == nil:
			third = c
		}
	}
	if second.font != nil {
		return second, true
	}
	return third, third.font != nil
}

// Glyph is one glyph of a laid-out text.
type Glyph struct {
	Font  *sfnt.Font
	Index sfnt.GlyphIndex
	X     float64 // pen position in pixels from the start of the text
	Size  float64 // pixels per em
}

// Layout walks text set in sp, calling each (when not nil) with every
// glyph, and returns the advance width in pixels, kerning within a font
// included.
func (s *Set) Layout(text string, sp Spec, each func(Glyph)) float64 {
	var buf sfnt.Buffer
	ppem := fixed.Int26_6(sp.Size * 64)
	var pen fixed.Int26_6
	var prevFont *sfnt.Font
	prev := sfnt.GlyphIndex(0)
	for _, r := range text {
		f, g, _ := s.glyph(&buf, r, sp)
		if f == nil {
			continue
		}
		if f == prevFont {
			if k, err := f.Kern(&buf, prev, g, ppem, 0); err == nil {
				pen += k
			}
		}
		if each != nil {
			each(Glyph{Font: f, Index: g, X: float64(pen) / 64, Size: sp.Size})
		}
		if adv, err := f.GlyphAdvance(&buf, g, ppem, 0); err == nil {
			pen += adv
		}
		prevFont, prev = f, g
	}
	return float64(pen) / 64
}

// Measure returns the advance width in pixels of text set in sp.
func (s *Set) Measure(text string, sp Spec) float64 { return s.Layout(text, sp, nil) }

// Missing returns the characters of text, in order and once each, that no
// font of the set has. Spaces, controls and invisible formatting
// characters need no glyph.
func (s *Set) Missing(text string) []rune {
	var buf sfnt.Buffer
	var out []rune
	for _, r := range text {
		if invisible(r) || strings.ContainsRune(string(out), r) {
			continue
		}
		if _, _, ok := s.glyph(&buf, r, Spec{Size: 12}); !ok {
			out = append(out, r)
		}
	}
	return out
}

func invisible(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) ||
		unicode.Is(unicode.Variation_Selector, r)
}

// Measure returns the advance width in pixels of text set in s by the
// default set.
func Measure(text string, s Spec) float64 { return defaultSet.Measure(text, s) }

// Metrics returns the ascent and descent in pixels of s.
func Metrics(s Spec) (ascent, descent float64) {
	f, err := Font(s)
	if err != nil {
		return s.Size * 0.8, s.Size * 0.2
	}
	var buf sfnt.Buffer
	m, err := f.Metrics(&buf, fixed.Int26_6(s.Size*64), 0)
	if err != nil {
		return s.Size * 0.8, s.Size * 0.2
	}
	return float64(m.Ascent) / 64, float64(m.Descent) / 64
}
