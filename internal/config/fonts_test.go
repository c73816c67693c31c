package config

import "testing"

func TestFontsAndLabels(t *testing.T) {
	s, err := Parse([]byte("title = \"t\"\n[labels]\nrevenue_usd = \"Revenue, $\"\n[fonts]\nfiles = [\"fonts/Noto Sans Thai.ttf\", \"fonts/x.OTF\"]\nsystem = false\n"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Labels["revenue_usd"] != "Revenue, $" || len(s.Fonts.Files) != 2 || s.SystemFonts() {
		t.Errorf("labels %v, fonts %+v, system %v", s.Labels, s.Fonts, s.SystemFonts())
	}
	if s, _ := Parse([]byte("title = \"t\"\n")); !s.SystemFonts() {
		t.Error("system fonts are off by default")
	}
	for src, want := range map[string]string{
		"title = \"t\"\n[fonts]\nfiles = [\"../x.ttf\"]\n":      `site.toml:3:9: font file "../x.ttf" must be a relative path inside the site`,
		"title = \"t\"\n[fonts]\nfiles = [\"fonts/x.woff2\"]\n": `site.toml:3:9: font file "fonts/x.woff2": want a TrueType or OpenType font (.ttf, .otf, .ttc, .otc)`,
		"title = \"t\"\n[fonts]\nfile = [\"x.ttf\"]\n":          `site.toml:3:1: unknown key "fonts.file"`,
		"title = \"t\"\n[labels]\nx = \" \"\n":                  `site.toml:3:5: label of "x" is empty`,
	} {
		if _, err := Parse([]byte(src)); err == nil || err.Error() != want {
			t.Errorf("Parse(%q) = %v, want %s", src, err, want)
		}
	}
}
