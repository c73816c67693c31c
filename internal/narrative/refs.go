package narrative

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"github.com/briefing-dev/briefing/internal/diag"
)

// Span is where a reference is written.
type Span struct {
	Arg  string   // everything after the kind, trimmed
	At   diag.Pos // where Arg starts
	Open diag.Pos // where the {{ is
}

// RefSpan returns the span; it makes every reference node a Ref.
func (s *Span) RefSpan() *Span { return s }

// A Ref is a reference node: an Inline one (*FigRef, *RowRef, *IfRef) or a
// Block one (*ChartRef, *TableRef, *PagesRef).
type Ref interface {
	ast.Node
	RefSpan() *Span
}

// An Inline reference sits in a sentence and renders as text: the text
// given to Render at its Slot.
type Inline interface {
	Ref
	TextSlot() int
}

// A Block reference stands on a line of its own and renders as HTML.
type Block interface {
	Ref
	// Name is the chart, table or content file it names.
	RefName() string
}

// Slot numbers the inline references of a document (or of a Text) in the
// order they are written, from 0.
type Slot int

// TextSlot returns the slot.
func (s Slot) TextSlot() int { return int(s) }

// FigRef is {{fig NAME}} or {{fig NAME FORMAT}}.
type FigRef struct {
	ast.BaseInline
	Span
	Slot
	Name   string
	Format string // "" for the figure's own format
}

// RowRef is {{row COLUMN}} or {{row COLUMN FORMAT}}.
type RowRef struct {
	ast.BaseInline
	Span
	Slot
	Column string
	Format string // "" for the column's default format
}

// ChangeRef is {{change NAME}} or {{change NAME FORMAT}}: how a figure
// moved since the previous edition.
type ChangeRef struct {
	ast.BaseInline
	Span
	Slot
	Name   string
	Format string // "" for the kind's own: pp, a relative change, …
}

// PrevRef is {{prev NAME}} or {{prev NAME FORMAT}}: a figure's value in
// the previous edition.
type PrevRef struct {
	ast.BaseInline
	Span
	Slot
	Name   string
	Format string // "" for the figure's own format
}

// EditionRef is {{edition}} (the edition being built) or {{edition prev}}
// (the previous one): its label, such as "Mar 2022".
type EditionRef struct {
	ast.BaseInline
	Span
	Slot
	Prev bool
}

// IfRef is {{if CONDITION then "TEXT" else "OTHER TEXT"}}.
type IfRef struct {
	ast.BaseInline
	Span
	Slot
	Cond
}

// ChartRef is {{chart NAME}}.
type ChartRef struct {
	ast.BaseBlock
	Span
	Name string
}

// TableRef is {{table NAME}}.
type TableRef struct {
	ast.BaseBlock
	Span
	Name string
}

// PagesRef is {{pages NAME}}: links to the pages made from NAME.md.
type PagesRef struct {
	ast.BaseBlock
	Span
	Name string
}

// RefName implements Block.
func (n *ChartRef) RefName() string { return n.Name }

// RefName implements Block.
func (n *TableRef) RefName() string { return n.Name }

// RefName implements Block.
func (n *PagesRef) RefName() string { return n.Name }

// The node kinds, one per reference.
var (
	KindFig     = ast.NewNodeKind("FigRef")
	KindRow     = ast.NewNodeKind("RowRef")
	KindIf      = ast.NewNodeKind("IfRef")
	KindChange  = ast.NewNodeKind("ChangeRef")
	KindPrev    = ast.NewNodeKind("PrevRef")
	KindEdition = ast.NewNodeKind("EditionRef")
	KindChart   = ast.NewNodeKind("ChartRef")
	KindTable   = ast.NewNodeKind("TableRef")
	KindPages   = ast.NewNodeKind("PagesRef")
)

// Kind implements ast.Node.
func (*FigRef) Kind() ast.NodeKind { return KindFig }

// Kind implements ast.Node.
func (*RowRef) Kind() ast.NodeKind { return KindRow }

// Kind implements ast.Node.
func (*IfRef) Kind() ast.NodeKind { return KindIf }

// Kind implements ast.Node.
func (*ChangeRef) Kind() ast.NodeKind { return KindChange }

// Kind implements ast.Node.
func (*PrevRef) Kind() ast.NodeKind { return KindPrev }

// Kind implements ast.Node.
func (*EditionRef) Kind() ast.NodeKind { return KindEdition }

// Dump implements ast.Node.
func (n *ChangeRef) Dump(src []byte, level int) { dumpRef(n, src, level) }

// Dump implements ast.Node.
func (n *PrevRef) Dump(src []byte, level int) { dumpRef(n, src, level) }

// Dump implements ast.Node.
func (n *EditionRef) Dump(src []byte, level int) { dumpRef(n, src, level) }

// Kind implements ast.Node.
func (*ChartRef) Kind() ast.NodeKind { return KindChart }

// Kind implements ast.Node.
func (*TableRef) Kind() ast.NodeKind { return KindTable }

// Kind implements ast.Node.
func (*PagesRef) Kind() ast.NodeKind { return KindPages }

// Dump implements ast.Node.
func (n *FigRef) Dump(src []byte, level int) { dumpRef(n, src, level) }

// Dump implements ast.Node.
func (n *RowRef) Dump(src []byte, level int) { dumpRef(n, src, level) }

// Dump implements ast.Node.
func (n *IfRef) Dump(src []byte, level int) { dumpRef(n, src, level) }

// Dump implements ast.Node.
func (n *ChartRef) Dump(src []byte, level int) { dumpRef(n, src, level) }

// Dump implements ast.Node.
func (n *TableRef) Dump(src []byte, level int) { dumpRef(n, src, level) }

// Dump implements ast.Node.
func (n *PagesRef) Dump(src []byte, level int) { dumpRef(n, src, level) }

func dumpRef(n Ref, src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"Arg": n.RefSpan().Arg}, nil)
}

// BlockKinds and InlineKinds list the references a page may hold.
var (
	BlockKinds  = []string{"chart", "table", "pages"}
	InlineKinds = []string{"fig", "if", "row", "change", "prev", "edition"}
)

// newBlock makes the node of a block reference; kind is one of BlockKinds.
func newBlock(kind string, sp Span) Block {
	switch kind {
	case "chart":
		return &ChartRef{Span: sp, Name: sp.Arg}
	case "table":
		return &TableRef{Span: sp, Name: sp.Arg}
	}
	return &PagesRef{Span: sp, Name: sp.Arg}
}

// newInline makes the node of an inline reference, or explains why the
// reference is not one. The error is about the argument.
func newInline(kind string, sp Span, slot int) (Inline, error) {
	switch kind {
	case "fig":
		name, format, ok := nameAndFormat(sp.Arg)
		if !ok {
			return nil, fmt.Errorf("write a figure as {{fig NAME}} or {{fig NAME FORMAT}}")
		}
		return &FigRef{Span: sp, Slot: Slot(slot), Name: name, Format: format}, nil
	case "row":
		col, format, ok := nameAndFormat(sp.Arg)
		if !ok {
			return nil, fmt.Errorf("write a row value as {{row COLUMN}} or {{row COLUMN FORMAT}}")
		}
		return &RowRef{Span: sp, Slot: Slot(slot), Column: col, Format: format}, nil
	case "change", "prev":
		name, format, ok := nameAndFormat(sp.Arg)
		if !ok {
			return nil, fmt.Errorf("write it as {{%s NAME}} or {{%s NAME FORMAT}}", kind, kind)
		}
		if kind == "change" {
			return &ChangeRef{Span: sp, Slot: Slot(slot), Name: name, Format: format}, nil
		}
		return &PrevRef{Span: sp, Slot: Slot(slot), Name: name, Format: format}, nil
	case "edition":
		if sp.Arg != "" && sp.Arg != "prev" {
			return nil, fmt.Errorf("write {{edition}} for this edition or {{edition prev}} for the previous one")
		}
		return &EditionRef{Span: sp, Slot: Slot(slot), Prev: sp.Arg == "prev"}, nil
	case "if":
		c, err := ParseCond(sp.Arg)
		if err != nil {
			return nil, err
		}
		return &IfRef{Span: sp, Slot: Slot(slot), Cond: c}, nil
	}
	return nil, nil
}

func nameAndFormat(arg string) (name, format string, ok bool) {
	f := strings.Fields(arg)
	switch len(f) {
	case 1:
		return f[0], "", true
	case 2:
		return f[0], f[1], true
	}
	return "", "", false
}

// misplaced explains a reference that is not an inline one, at its {{.
func misplaced(kind string) string {
	for _, k := range BlockKinds {
		if k == kind {
			return fmt.Sprintf("a %s placement must stand alone on its own line: {{%s NAME}}", kind, kind)
		}
	}
	return fmt.Sprintf("unknown reference {{%s …}} (want {{fig NAME}}, {{if CONDITION then \"…\" else \"…\"}}, {{row COLUMN}}, {{change NAME}}, {{prev NAME}}, {{edition}}, or on a line of its own {{chart NAME}}, {{table NAME}}, {{pages NAME}})", kind)
}

// refMatch is a {{kind arg}} found at the start of some bytes.
type refMatch struct {
	kind, arg string
	kindEnd   int // offset just after the kind
	argOff    int // offset of arg
	end       int // offset just after the closing }}
}

// matchRef reads a reference at the start of b, which begins with "{{":
// spaces, a lower-case kind, spaces, an argument without "}", and "}}".
// close is the offset in b of b's first '}' or -1; the caller keeps it
// from one "{{" to the next, so a line of unclosed references costs
// linear time.
func matchRef(b []byte, close int) (refMatch, bool) {
	i := skipSpace(b, 2)
	k := i
	for i < len(b) && b[i] >= 'a' && b[i] <= 'z' {
		i++
	}
	if i == k || i < len(b) && isWord(b[i]) {
		return refMatch{}, false
	}
	m := refMatch{kind: string(b[k:i]), kindEnd: i}
	i = skipSpace(b, i)
	if close < i || close+1 >= len(b) || b[close+1] != '}' {
		return refMatch{}, false
	}
	m.argOff, m.arg, m.end = i, string(bytes.TrimRight(b[i:close], " \t\n\f\r")), close+2
	return m, true
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\f' || b[i] == '\r') {
		i++
	}
	return i
}

func isWord(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// Refs is the goldmark extension of references: a block parser for the
// placements on a line of their own, an inline parser for the rest, and
// a renderer that asks Render's caller for their HTML and text. Problems
// (an unknown kind, a placement inside a sentence, a figure written with
// three words) are kept in the parser.Context under problemsKey as byte
// offsets; Parse turns them into file:line:col.
type Refs struct{}

// Extend implements goldmark.Extender.
func (Refs) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(
		parser.WithBlockParsers(util.Prioritized(blockParser{}, 50)),
		parser.WithInlineParsers(util.Prioritized(inlineParser{}, 50)),
	)
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(refRenderer{}, 100)))
}

// problem is a syntax problem at a byte offset of the source.
type problem struct {
	off int
	msg string
}

var (
	problemsKey = parser.NewContextKey()
	slotsKey    = parser.NewContextKey()
	closeKey    = parser.NewContextKey()
)

func addProblem(pc parser.Context, off int, msg string) {
	ps, _ := pc.Get(problemsKey).([]problem)
	pc.Set(problemsKey, append(ps, problem{off, msg}))
}

// nextSlot hands out the slots of inline references in document order.
func nextSlot(pc parser.Context) int {
	n, _ := pc.Get(slotsKey).(int)
	pc.Set(slotsKey, n+1)
	return n
}

// blockParser recognises a line that holds only a block reference.
type blockParser struct{}

func (blockParser) Trigger() []byte { return []byte{'{'} }

func (blockParser) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	line, seg := reader.PeekLine()
	pos := pc.BlockOffset()
	if pos < 0 || !bytes.HasPrefix(line[pos:], []byte("{{")) {
		return nil, parser.NoChildren
	}
	b := line[pos:]
	m, ok := matchRef(b, bytes.IndexByte(b, '}'))
	if !ok || m.argOff == m.kindEnd || len(bytes.TrimSpace(b[m.end:])) > 0 || !isBlockKind(m.kind) {
		return nil, parser.NoChildren
	}
	start := seg.Start - seg.Padding + pos
	sp := Span{Arg: m.arg}
	sp.At.Col, sp.Open.Col = start+m.argOff, start // byte offsets until Parse positions them
	reader.Advance(seg.Len() - 1)
	return newBlock(m.kind, sp), parser.NoChildren
}

func (blockParser) Continue(ast.Node, text.Reader, parser.Context) parser.State { return parser.Close }
func (blockParser) Close(ast.Node, text.Reader, parser.Context)                 {}
func (blockParser) CanInterruptParagraph() bool                                 { return true }
func (blockParser) CanAcceptIndentedLine() bool                                 { return false }

func isBlockKind(kind string) bool {
	for _, k := range BlockKinds {
		if k == kind {
			return true
		}
	}
	return false
}

// inlineParser recognises {{kind arg}} inside a paragraph.
type inlineParser struct{}

func (inlineParser) Trigger() []byte { return []byte{'{'} }

// closeMemo remembers the next '}' of a line, so that each "{{" of a line
// does not search the rest of the line again.
type closeMemo struct{ from, at, stop int }

func (inlineParser) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, seg := block.PeekLine()
	if !bytes.HasPrefix(line, []byte("{{")) {
		return nil
	}
	memo, _ := pc.Get(closeKey).(*closeMemo)
	if memo == nil || memo.stop != seg.Stop || seg.Start < memo.from || memo.at >= 0 && seg.Start > memo.at {
		memo = &closeMemo{from: seg.Start, at: -1, stop: seg.Stop}
		if i := bytes.IndexByte(line, '}'); i >= 0 {
			memo.at = seg.Start + i
		}
		pc.Set(closeKey, memo)
	}
	close := -1
	if memo.at >= 0 {
		close = memo.at - seg.Start
	}
	m, ok := matchRef(line, close)
	if !ok {
		return nil
	}
	sp := Span{Arg: m.arg}
	sp.At.Col, sp.Open.Col = seg.Start+m.argOff, seg.Start
	block.Advance(m.end)
	n, err := newInline(m.kind, sp, nextSlot(pc))
	switch {
	case err != nil:
		addProblem(pc, sp.At.Col, err.Error())
	case n == nil:
		addProblem(pc, sp.Open.Col, misplaced(m.kind))
	default:
		return n
	}
	return ast.NewString(nil) // the reference is refused: it renders as nothing
}

// refWriter carries what Render's caller gives to the reference renderer
// through goldmark's writer, so that one goldmark instance serves every
// page.
type refWriter struct {
	util.BufWriter
	block BlockFunc
	text  []string

	// With record (Doc.Release), the HTML is cut into segments at each
	// reference instead.
	record bool
	buf    *bytes.Buffer
	segs   []segment
}

// cut ends a segment at a reference (block, or inline slot ≥ 0).
func (rw *refWriter) cut(b Block, slot int) {
	_ = rw.Flush()
	rw.segs = append(rw.segs, segment{html: rw.buf.String(), block: b, slot: slot})
	rw.buf.Reset()
}

// BlockFunc writes the HTML of a block reference.
type BlockFunc func(w io.Writer, ref Block) error

// refRenderer renders block references through BlockFunc and inline ones
// as their text, escaped.
type refRenderer struct{}

func (refRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	for _, k := range []ast.NodeKind{KindChart, KindTable, KindPages} {
		reg.Register(k, renderBlock)
	}
	for _, k := range []ast.NodeKind{KindFig, KindRow, KindIf, KindChange, KindPrev, KindEdition} {
		reg.Register(k, renderInline)
	}
}

func renderBlock(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	rw, ok := w.(*refWriter)
	if entering && ok && rw.record {
		rw.cut(n.(Block), -1)
		return ast.WalkContinue, nil
	}
	if !entering || !ok || rw.block == nil {
		return ast.WalkContinue, nil
	}
	ref := n.(Block)
	if err := rw.block(w, ref); err != nil {
		return ast.WalkStop, positioned(ref.RefSpan().At, err)
	}
	return ast.WalkContinue, nil
}

func renderInline(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	rw, ok := w.(*refWriter)
	if !entering || !ok {
		return ast.WalkContinue, nil
	}
	slot := n.(Inline).TextSlot()
	if rw.record {
		rw.cut(nil, slot)
		return ast.WalkContinue, nil
	}
	if slot >= len(rw.text) {
		return ast.WalkContinue, nil
	}
	_, err := w.WriteString(html.EscapeString(rw.text[slot]))
	return ast.WalkContinue, err
}

// A Text is a plain string with inline references, such as a front-matter
// title: Lit[0], Refs[0], Lit[1], … , Lit[len(Refs)].
type Text struct {
	Lit  []string
	Refs []Inline // slots count from 0 within the Text
}

// ParseText reads the inline references in s; at is the position of s's
// first character (its column is counted on, so s should be one line).
func ParseText(s string, at diag.Pos) (Text, error) {
	var t Text
	b := []byte(s)
	for off := 0; ; {
		i := bytes.Index(b, []byte("{{"))
		if i < 0 {
			t.Lit = append(t.Lit, string(b))
			return t, nil
		}
		t.Lit = append(t.Lit, string(b[:i]))
		pos := textPos(at, s, off+i)
		// Each search for '}' ends where the reference does: linear in s.
		m, ok := matchRef(b[i:], bytes.IndexByte(b[i:], '}'))
		if !ok {
			return t, diag.Content.Errorf(pos, "{{ is not closed: write a reference as {{fig NAME}}")
		}
		sp := Span{Arg: m.arg, At: textPos(at, s, off+i+m.argOff), Open: pos}
		n, err := newInline(m.kind, sp, len(t.Refs))
		switch {
		case err != nil:
			return t, diag.Content.Errorf(pos, "%v", err)
		case n == nil:
			return t, diag.Content.Errorf(pos, "%s", misplaced(m.kind))
		}
		t.Refs = append(t.Refs, n)
		b = b[i+m.end:]
		off += i + m.end
	}
}

// textPos is the position of byte off of s, a text that begins at at: on
// at's line, or on a later line of a text that spans several (a TOML
// multi-line string). A position without a column stays as it is.
func textPos(at diag.Pos, s string, off int) diag.Pos {
	if at.Col <= 0 {
		return at
	}
	nl := strings.LastIndexByte(s[:off], '\n')
	if nl < 0 {
		at.Col += off
		return at
	}
	at.Line += strings.Count(s[:off], "\n")
	at.Col = off - nl
	return at
}

// Fill joins the literal parts of t with the texts of its references.
func (t Text) Fill(texts []string) string {
	var b strings.Builder
	for i, l := range t.Lit {
		b.WriteString(l)
		if i < len(texts) && i < len(t.Refs) {
			b.WriteString(texts[i])
		}
	}
	return b.String()
}

// positioned puts err at pos unless it already carries a position.
func positioned(pos diag.Pos, err error) error {
	if diag.IsSource(err) {
		return err
	}
	return diag.Content.Wrap(pos, err)
}
