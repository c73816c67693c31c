package chart

import "testing"

func TestStaticKey(t *testing.T) {
	base := "type = \"bar\"\ntable = \"t\"\nx = \"a\"\ny = \"b\"\n"
	for _, c := range []struct {
		extra       string
		siteDefault bool
		want        bool
	}{
		{"", true, true},
		{"", false, false},
		{"static = false\n", true, false},
		{"static = true\n", false, true},
	} {
		s, err := ParseSpec("charts/c.toml", []byte(base+c.extra))
		if err != nil {
			t.Fatal(err)
		}
		if got := s.StaticImage(c.siteDefault); got != c.want {
			t.Errorf("%q with site default %v: %v, want %v", c.extra, c.siteDefault, got, c.want)
		}
	}
	if _, err := ParseSpec("charts/c.toml", []byte(base+"static = \"no\"\n")); err == nil {
		t.Error("static = \"no\" was accepted")
	}
}
