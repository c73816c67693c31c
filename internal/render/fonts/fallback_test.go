package fonts

import (
	"os"
	"path/filepath"
	"testing"
)

// cjkFile finds a system font with CJK glyphs (fonts-noto-cjk on Debian),
// skipping the test without one unless BRIEFING_REQUIRE_CJK_FONT=1.
func cjkFile(t *testing.T) string {
	t.Helper()
	for _, dir := range SystemDirs {
		matches, _ := filepath.Glob(filepath.Join(dir, "*", "*", "NotoSansCJK-Regular.tt[cf]"))
		more, _ := filepath.Glob(filepath.Join(dir, "*", "NotoSansCJK-Regular.tt[cf]"))
		if m := append(matches, more...); len(m) > 0 {
			return m[0]
		}
	}
	if os.Getenv("BRIEFING_REQUIRE_CJK_FONT") == "1" {
		t.Fatal("no CJK font in the system font folders (BRIEFING_REQUIRE_CJK_FONT=1): apt-get install fonts-noto-cjk")
	}
	t.Skip("no CJK font in the system font folders: apt-get install fonts-noto-cjk")
	return ""
}

func TestGoFontsCoverEuropeanScripts(t *testing.T) {
	goOnly, err := NewSet(nil, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"Zürich Rück AG", "Москва Банк", "Ελλάδα", "€ £ ¥"} {
		if m := goOnly.Missing(s); len(m) > 0 {
			t.Errorf("the Go fonts lack %q in %q", m, s)
		}
	}
	if m := goOnly.Missing("東京 Logistics"); string(m) != "東京" {
		t.Errorf("Missing = %q, want the two CJK characters", string(m))
	}
	if m := goOnly.Missing("a\u200db\ufe0f c\t"); len(m) > 0 {
		t.Errorf("invisible characters reported missing: %q", m)
	}
}

// Characters the Go fonts lack come from the system's fonts, and are
// measured with them: a CJK character is about one em wide, not the
// width of the Go fonts' box.
func TestSystemFallback(t *testing.T) {
	cjkFile(t)
	s := Default()
	if m := s.Missing("東京 Logistics 서울 がっこう"); len(m) > 0 {
		t.Fatalf("no font found for %q", string(m))
	}
	goOnly, _ := NewSet(nil, false)
	sp := Spec{Size: 20}
	if w := s.Measure("東京", sp); w < 38 || w > 42 {
		t.Errorf("東京 at 20px measures %v, want about two ems", w)
	}
	if s.Measure("東京", sp) == goOnly.Measure("東京", sp) {
		t.Error("the fallback measures the same as the Go fonts' boxes")
	}
	if s.Measure("Revenue", sp) != goOnly.Measure("Revenue", sp) {
		t.Error("Latin text is not measured in the Go fonts")
	}
	var fromGo, other int
	s.Layout("Tokyo 東京", sp, func(g Glyph) {
		if f, _ := Font(sp); g.Font == f {
			fromGo++
		} else {
			other++
		}
	})
	if fromGo != 6 || other != 2 {
		t.Errorf("%d glyphs from the Go fonts and %d from others, want 6 and 2", fromGo, other)
	}
	if s.Fingerprint() == goOnly.Fingerprint() {
		t.Error("the fingerprint does not tell the system fonts apart")
	}
}

// A site's own font file is searched before the system's, and works with
// the system's fonts off.
func TestSiteFonts(t *testing.T) {
	path := cjkFile(t)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSet([]File{{Name: "fonts/cjk.ttc", Data: data}}, false)
	if err != nil {
		t.Fatal(err)
	}
	if m := s.Missing("東京"); len(m) > 0 {
		t.Errorf("the site's font was not used for %q", string(m))
	}
	again, _ := NewSet([]File{{Name: "other name", Data: data}}, false)
	if again != s {
		t.Error("the same font files were parsed twice")
	}
	if _, err := NewSet([]File{{Name: "fonts/bad.ttf", Data: []byte("not a font")}}, true); err == nil {
		t.Error("a file that is not a font was accepted")
	}
}
