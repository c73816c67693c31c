package narrative

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/briefing-dev/briefing/internal/diag"
)

var narrativeSeeds = []string{
	"+++\ntitle = \"Overview\"\n+++\n\nTikTok pays {{fig tiktok_spend}} a month.\n\n{{chart spend}}\n",
	"+++\ntitle = \"T\"\neach = \"customers\"\n+++\n{{row name}} {{if concentrated}}high{{end}}\n",
	"+++\ntitle = \"T\"\n+++\n`{{fig code}}` and\n\n    {{fig indented}}\n\n```\n{{chart fenced}}\n```\n",
	"+++\ntitle = \"T\"\n+++\nA sentence with {{chart inline}} inside.\n",
	"+++\ntitle = \"T\"\n+++\n{{fig\n{{ fig spaced }} {{unknown x}} {{fig}} }}{{",
	"+++\ntitle = \"T\"\n+++\n" + strings.Repeat("[a](", 200) + "\n",
	"+++\ntitle = \"T\"\n+++\n" + strings.Repeat("> ", 200) + "{{fig deep}}\n",
	"+++\ntitle = " + strings.Repeat("{a=", 40) + "\n+++\n",
	"+++\ntitle = \"T\"\n",
	"no front matter {{fig x}} [link](other.md#part) <script>alert(1)</script>",
	"+++\r\ntitle = \"T\"\r\n+++\r\n{{table t}}\r\n",
}

// FuzzNarrativeParse: any page parses and renders, or fails with a
// positioned error; every reference lies inside the page, and the text an
// inline reference shows never becomes markup.
func FuzzNarrativeParse(f *testing.F) {
	for _, s := range narrativeSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		d, err := Parse("content/p.md", []byte(src))
		if err != nil {
			var de *diag.Error
			if !errors.As(err, &de) || de.Pos.File != "content/p.md" {
				t.Fatalf("%T %v, want a positioned error in the page", err, err)
			}
			return
		}
		for _, r := range d.Refs() {
			if at := r.RefSpan().Open; at.Line < 1 || at.Line > strings.Count(src, "\n")+1 {
				t.Fatalf("reference %q at %v, outside the page", r.RefSpan().Arg, at)
			}
		}
		texts := make([]string, d.Slots())
		for i := range texts {
			texts[i] = "<b>x</b>"
		}
		block := func(w io.Writer, r Block) error {
			_, err := io.WriteString(w, "<div>"+r.RefName()+"</div>")
			return err
		}
		var b bytes.Buffer
		err = d.Render(&b, block, texts)
		if err == nil && strings.Contains(b.String(), "<b>") {
			t.Fatalf("an inline reference's text became markup: %q", b.String())
		}
		// Released, the page renders the same.
		if err != nil {
			return
		}
		if err := d.Release(); err != nil {
			t.Fatal(err)
		}
		var r bytes.Buffer
		if err := d.Render(&r, block, texts); err != nil || r.String() != b.String() {
			t.Fatalf("released, the page renders\n%q, %v\nwant\n%q", r.String(), err, b.String())
		}
	})
}

// FuzzExpandText: references in a plain string parse, or fail at a
// position within the string.
func FuzzExpandText(f *testing.F) {
	for _, s := range []string{"Briefing: {{fig tiktok_share}} from one customer", "{{", "{{fig}}", "a {{fig x}}{{fig y}} b", "{{ fig x }}", "}}{{fig x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		at := diag.Pos{File: "site.toml", Line: 4, Col: 12}
		_, err := ParseText(s, at)
		var de *diag.Error
		if err != nil && (!errors.As(err, &de) || de.Pos.Line != 4 || de.Pos.Col < 12 || de.Pos.Col > 12+len(s)) {
			t.Fatalf("%q: %v, want an error within the string", s, err)
		}
	})
}
