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

// FuzzNarrativeParse: any page parses and renders, or fails with a positioned error;
// a reference's text never becomes markup.
func FuzzNarrativeParse(f *testing.F) {
	for _, s := range narrativeSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		var refs []Ref
		d, err := Parse("content/p.md", []byte(src), func(r Ref) error {
			refs = append(refs, r)
			if r.Arg == "bad" {
				return errors.New("refused")
			}
			return nil
		})
		if err != nil {
			var de *diag.Error
			if !errors.As(err, &de) || de.Pos.File != "content/p.md" {
				t.Fatalf("%T %v, want a positioned error in the page", err, err)
			}
			return
		}
		for _, r := range refs {
			if r.Pos.Line < 1 || r.Pos.Line > strings.Count(src, "\n")+1 {
				t.Fatalf("reference %v at %v, outside the page", r, r.Pos)
			}
		}
		var b bytes.Buffer
		err = d.Render(&b,
			func(w io.Writer, r Ref) error { _, err := io.WriteString(w, "<div>block</div>"); return err },
			func(r Ref) (string, error) { return "<b>" + r.Arg + "</b>", nil })
		if err == nil && strings.Contains(b.String(), "<b>") {
			t.Fatalf("an inline reference's text became markup: %q", b.String())
		}
	})
}

// FuzzExpandText: references in a plain string expand, or fail at a
// position within the string.
func FuzzExpandText(f *testing.F) {
	for _, s := range []string{"Briefing: {{fig tiktok_share}} from one customer", "{{", "{{fig}}", "a {{fig x}}{{fig y}} b", "{{ fig x }}", "}}{{fig x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		at := diag.Pos{File: "site.toml", Line: 4, Col: 12}
		_, err := ExpandText(s, at, nil, func(r Ref) (string, error) { return r.Arg, nil })
		var de *diag.Error
		if err != nil && (!errors.As(err, &de) || de.Pos.Line != 4 || de.Pos.Col < 12 || de.Pos.Col > 12+len(s)) {
			t.Fatalf("%q: %v, want an error within the string", s, err)
		}
	})
}
