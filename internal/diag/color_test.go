package diag

import (
	"strings"
	"testing"
)

func TestPrinterColor(t *testing.T) {
	src := func(string) ([]byte, error) { return []byte("{{chart spnd}}\n"), nil }
	err := Join(Content.Errorf(Pos{File: "content/index.md", Line: 1, Col: 9}, "unknown chart"),
		&Error{Kind: Content, Msg: "a link goes nowhere", Warning: true})
	var plain, color strings.Builder
	(&Printer{W: &plain, Prefix: "briefing: ", Source: src}).Report(err)
	(&Printer{W: &color, Prefix: "briefing: ", Source: src, Color: true}).Report(err)
	if strings.Contains(plain.String(), "\x1b") {
		t.Errorf("escapes without Color:\n%q", plain.String())
	}
	want := "\x1b[1;31mbriefing: \x1b[0m\x1b[1mcontent/index.md:1:9:\x1b[0m unknown chart\n" +
		"  1 | {{chart spnd}}\n" +
		"    |         \x1b[1;31m^\x1b[0m\n" +
		"\x1b[1;33mbriefing: warning: \x1b[0ma link goes nowhere\n"
	if color.String() != want {
		t.Errorf("with Color:\n%q\nwant\n%q", color.String(), want)
	}
	// Without the escapes, the text is the same.
	stripped := strings.NewReplacer("\x1b[1;31m", "", "\x1b[1;33m", "", "\x1b[1m", "", "\x1b[0m", "").Replace(color.String())
	if stripped != plain.String() {
		t.Errorf("coloured text differs from plain:\n%q\n%q", stripped, plain.String())
	}
}
