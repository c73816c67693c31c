package narrative

import (
	"bytes"
	"fmt"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// Limits on what a page may ask of the markdown parser. Measured on
// goldmark 1.8.7, its time grows with the square of some inputs well
// inside the former 1 MiB limit (40,000 unclosed "[a](" on one line:
// 11–18 s; 1 MiB of "> " or "[a](": minutes), so these are checked before
// or while parsing; what they let through costs time in proportion to
// the page's size, at worst about 3 s a MiB (lists of lists), hence
// MaxBytes.
const (
	// MaxBytes bounds a content file: about 40,000 words.
	MaxBytes = 256 << 10
	// MaxBracketWork bounds the sum, over a page's lines and paragraphs,
	// of the number of "[" in each times its length in bytes (a line) or
	// lines (a paragraph): for every link it tries to close, goldmark
	// reads the rest of the line and walks the lines of the paragraph.
	MaxBracketWork = 1 << 25
	// MaxNesting bounds blocks opened inside each other: quotes, lists,
	// list items and footnotes.
	MaxNesting = 32
	// MaxTableCells bounds a table's columns times its rows: GFM pads
	// every row to the header's columns, so a short row costs as much as
	// a full one.
	MaxTableCells = 100_000
)

// checkBounds refuses a body that would cost the markdown parser more
// than the limits allow, with the offset where the limit is passed.
func checkBounds(body []byte) (off int, msg string) {
	work := 0
	var para [][2]int       // the lines of the current run of non-blank lines
	brackets, lines := 0, 0 // "[" and lines in the current paragraph
	itemStart := 0          // where that paragraph starts
	flush := func() bool {
		work += brackets * lines
		brackets, lines = 0, 0
		return work > MaxBracketWork
	}
	for start := 0; start <= len(body); {
		end := bytes.IndexByte(body[start:], '\n')
		if end < 0 {
			end = len(body)
		} else {
			end += start
		}
		line := body[start:end]
		blank := len(bytes.TrimSpace(line)) == 0
		if startsItem(line) && lines > 0 {
			// A bullet starts a new block: goldmark's paragraph ends.
			if n, l := brackets, lines; flush() {
				return itemStart, bracketLimit(fmt.Sprintf("this paragraph has %d \"[\" in %d lines", n, l))
			}
		}
		if lines == 0 {
			itemStart = start
		}
		if n := bytes.Count(line, []byte("[")); n > 0 {
			brackets += n
			if work += n * len(line); work > MaxBracketWork {
				return start + bytes.IndexByte(line, '['), bracketLimit(fmt.Sprintf("this line has %d \"[\" in %d bytes", n, len(line)))
			}
		}
		if !blank {
			para, lines = append(para, [2]int{start, end}), lines+1
		}
		if (blank || end == len(body)) && len(para) > 0 {
			if n, l := brackets, lines; flush() {
				return itemStart, bracketLimit(fmt.Sprintf("this paragraph has %d \"[\" in %d lines", n, l))
			}
			if off, msg := checkTables(body, para); msg != "" {
				return off, msg
			}
			para = para[:0]
		}
		start = end + 1
	}
	return 0, ""
}

// startsItem reports whether a line is a bullet list item with text,
// indented by at most three spaces: a line that always starts a block.
func startsItem(line []byte) bool {
	i := 0
	for i < len(line) && i < 3 && line[i] == ' ' {
		i++
	}
	if i+2 >= len(line) || !bytes.ContainsRune([]byte("-*+"), rune(line[i])) || line[i+1] != ' ' && line[i+1] != '\t' {
		return false
	}
	return len(bytes.TrimSpace(line[i+2:])) > 0
}

func bracketLimit(what string) string {
	return fmt.Sprintf("too many links for the size of their lines and paragraphs: %s; markdown takes time in proportion to each product, and a page's sum of them may not pass %d; break long lines and paragraphs (with a blank line), or use fewer brackets", what, MaxBracketWork)
}

// checkTables bounds the tables a run of non-blank lines may hold: a
// delimiter row (|---|:--:|) makes the lines after it rows.
func checkTables(body []byte, para [][2]int) (off int, msg string) {
	for i, l := range para {
		cols := delimiterColumns(body[l[0]:l[1]])
		if rows := len(para) - i; cols > 0 && cols*rows > MaxTableCells {
			return l[0], fmt.Sprintf("table of %d columns and up to %d rows: a table may have at most %d cells (columns times rows)", cols, rows, MaxTableCells)
		}
	}
	return 0, ""
}

// delimiterColumns counts the columns of a line that may be a table's
// delimiter row, or returns 0.
func delimiterColumns(line []byte) int {
	if bytes.IndexByte(line, '|') < 0 || bytes.IndexByte(line, '-') < 0 {
		return 0
	}
	cols := 0
	for i, c := range line {
		switch c {
		case '-':
			if i == 0 || line[i-1] != '-' {
				cols++
			}
		case '|', ':', ' ', '\t', '\r', '>':
		default:
			return 0
		}
	}
	return cols
}

// nestingLimit refuses a block that would open deeper than MaxNesting. It
// runs before the parsers of quotes, lists and footnotes, and swallows the
// rest of the line, so goldmark never nests deeper.
type nestingLimit struct{}

var nestingKey = parser.NewContextKey()

func (nestingLimit) Trigger() []byte { return []byte(">-*+0123456789[") }

func (nestingLimit) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	depth := 0
	for n := parent; n != nil && n.Kind() != ast.KindDocument; n = n.Parent() {
		depth++
	}
	if depth < MaxNesting {
		return nil, parser.NoChildren
	}
	_, seg := reader.PeekLine()
	if pc.Get(nestingKey) == nil {
		pc.Set(nestingKey, true)
		addProblem(pc, seg.Start-seg.Padding+max(pc.BlockOffset(), 0), fmt.Sprintf("blocks nested %d deep: quotes, lists and footnotes may nest at most %d deep", depth+1, MaxNesting))
	}
	reader.Advance(seg.Len() - 1)
	return &refused{}, parser.NoChildren
}

func (nestingLimit) Continue(ast.Node, text.Reader, parser.Context) parser.State { return parser.Close }
func (nestingLimit) Close(ast.Node, text.Reader, parser.Context)                 {}
func (nestingLimit) CanInterruptParagraph() bool                                 { return true }
func (nestingLimit) CanAcceptIndentedLine() bool                                 { return true }

// refused stands for a line the parser refused; the page fails, so it
// renders as nothing.
type refused struct{ ast.BaseBlock }

var kindRefused = ast.NewNodeKind("Refused")

func (*refused) Kind() ast.NodeKind           { return kindRefused }
func (n *refused) Dump(src []byte, level int) { ast.DumpHelper(n, src, level, nil, nil) }
