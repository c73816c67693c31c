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
// inside MaxBytes (40,000 unclosed "[a](" on one line: 11–18 s; 1 MiB of
// "> " or "[a](": minutes), so these are checked before or while parsing.
const (
	// MaxBytes bounds a content file.
	MaxBytes = 1 << 20
	// MaxBracketWork bounds the sum, over a page's lines, of the number of
	// "[" on the line times the line's length: goldmark reads the rest of
	// the line for every link it tries to close.
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
	var para [][2]int // the lines of the current run of non-blank lines
	for start := 0; start <= len(body); {
		end := bytes.IndexByte(body[start:], '\n')
		if end < 0 {
			end = len(body)
		} else {
			end += start
		}
		line := body[start:end]
		if n := bytes.Count(line, []byte("[")); n > 0 {
			if work += n * len(line); work > MaxBracketWork {
				return start + bytes.IndexByte(line, '['), fmt.Sprintf(
					"too many links for the length of their lines: this line has %d \"[\" in %d bytes, and a page's \"[\" times the length of their lines may not pass %d (markdown reads the rest of the line for each); break long lines or use fewer brackets",
					n, len(line), MaxBracketWork)
			}
		}
		if len(bytes.TrimSpace(line)) > 0 {
			para = append(para, [2]int{start, end})
		}
		if len(bytes.TrimSpace(line)) == 0 || end == len(body) {
			if off, msg := checkTables(body, para); msg != "" {
				return off, msg
			}
			para = para[:0]
		}
		start = end + 1
	}
	return 0, ""
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
