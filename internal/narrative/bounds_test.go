package narrative

import (
	"fmt"
	"strings"
	"testing"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
)

// watch counts goldmark's runs and measures the trees it makes.
type watch struct {
	runs, nodes, depth int
}

func watching(t *testing.T) *watch {
	w := &watch{}
	orig := parseMarkdown
	parseMarkdown = func(body []byte, pc parser.Context) ast.Node {
		w.runs++
		root := orig(body, pc)
		_ = ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
			if entering {
				w.nodes++
				d := 0
				for p := n.Parent(); p != nil; p = p.Parent() {
					d++
				}
				w.depth = max(w.depth, d)
			}
			return ast.WalkContinue, nil
		})
		return root
	}
	t.Cleanup(func() { parseMarkdown = orig })
	return w
}

const head = "+++\ntitle = \"T\"\n+++\n"

// fill repeats unit up to size bytes of page.
func fill(unit string, size int) string {
	return head + strings.Repeat(unit, (size-len(head))/len(unit))
}

// Pages that goldmark would take seconds to minutes on are refused at
// the place the limit is passed, naming the limit; the work done is
// bounded by counts: goldmark does not run at all, or makes a tree no
// deeper than MaxNesting.
func TestMarkdownBounds(t *testing.T) {
	tests := []struct {
		name, src string
		want      string // the error's start
		runs      int    // goldmark runs
	}{
		{"40,000 unclosed [a]( on a line (the issue's 156 KB page)", head + strings.Repeat("[a](", 40000),
			`content/a.md:4:1: too many links for the size of their lines and paragraphs: this line has 40000 "[" in 160000 bytes;`, 0},
		{"unclosed ![a]( on a line", fill("![a](", 200_000),
			`content/a.md:4:2: too many links`, 0},
		{"[a]( on lines of one paragraph", "+++\ntitle = \"T\"\n+++\nIntro.\n\n" + strings.Repeat("[a](\n", 40000),
			`content/a.md:6:1: too many links for the size of their lines and paragraphs: this paragraph has 40000 "[" in 40000 lines;`, 0},
		{"[a]( in one quote", fill("> [a](\n", 200_000),
			`content/a.md:4:1: too many links`, 0},
		{"text, then items that continue it", head + "Text\n" + strings.Repeat("2. [a](\n", 20000),
			`content/a.md:4:1: too many links`, 0},
		{"> nested on a line", fill("> ", 200_000),
			fmt.Sprintf("content/a.md:4:%d: blocks nested %d deep: quotes, lists and footnotes may nest at most %d deep", 2*MaxNesting+1, MaxNesting+1, MaxNesting), 1},
		{"ordered lists nested on a line", fill("1. ", 200_000),
			"content/a.md:4:49: blocks nested 33 deep", 1},
		{"quotes and lists", fill("> - ", 200_000),
			"content/a.md:4:43: blocks nested 33 deep", 1},
		{"lists nested by indentation", head + nestedList(200),
			"content/a.md:20:33: blocks nested 33 deep", 1}, // 16 lists of one item each
		{"a line of links just over the limit", head + strings.Repeat("[a]", 3345) + "\n",
			`content/a.md:4:1: too many links for the size of their lines and paragraphs: this line has 3345 "[" in 10035 bytes; markdown takes time in proportion to each product, and a page's sum of them may not pass 33554432;`, 0},
		{"short rows padded to a wide header", head + "|" + strings.Repeat("a|", 2000) + "\n|" + strings.Repeat("-|", 2000) + "\n" + strings.Repeat("|a\n", 2000),
			"content/a.md:5:1: table of 2000 columns and up to 2001 rows: a table may have at most 100000 cells (columns times rows)", 0},
		{"over the size limit", fill("a", MaxBytes+10),
			fmt.Sprintf("content/a.md: file is %d bytes, over the limit of %d", MaxBytes+10, MaxBytes), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := watching(t)
			_, err := Parse(file, []byte(tt.src))
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("error = %v\nwant it to start with %s", err, tt.want)
			}
			if w.runs != tt.runs {
				t.Errorf("goldmark ran %d times, want %d", w.runs, tt.runs)
			}
			if w.depth > MaxNesting+2 { // the document, and the leaf under the deepest block
				t.Errorf("goldmark's tree is %d deep, over the limit of %d", w.depth, MaxNesting)
			}
		})
	}
}

func nestedList(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(strings.Repeat("  ", i) + "- a\n")
	}
	return b.String()
}

// Just inside every limit, a page is read.
func TestMarkdownWithinBounds(t *testing.T) {
	tests := []struct{ name, src string }{
		{"quotes nested 32 deep", head + strings.Repeat("> ", MaxNesting) + "deep\n"},
		{"lists by indentation, 16 deep", head + nestedList(MaxNesting/2)},
		{"a line of links just within the limit", head + strings.Repeat("[a]", 3343) + "\n"}, // 3343 × 10029 + 3343 × 1 line
		{"a long list of links", head + strings.Repeat("- see [a](a.md), [b](b.md) and [c](c.md).\n", 5000)},
		{"a table of 100,000 cells", head + "|" + strings.Repeat("a|", 100) + "\n|" + strings.Repeat("-|", 100) + "\n" + strings.Repeat("|a|b\n", 998)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := watching(t)
			if _, err := Parse(file, []byte(tt.src)); err != nil {
				t.Fatal(err)
			}
			if w.runs != 1 {
				t.Errorf("goldmark ran %d times", w.runs)
			}
		})
	}
}
