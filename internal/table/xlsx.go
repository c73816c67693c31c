package table

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"golang.org/x/net/html/charset"

	"github.com/briefing-dev/briefing/internal/diag"
)

// loadXLSX streams one worksheet with raw cell values: numbers as written
// (20000000, 0.25), dates as serials, formulas by their cached value,
// shared and inline strings as text. The package is read here, part by
// part, without unpacking it whole: the small parts (relationships, the
// workbook) are decoded at once, the shared strings and the sheet are
// streamed under Limits (see readSharedStrings and readSheet).
func loadXLSX(src []byte, spec Spec, lim Limits) (*Table, error) {
	at := diag.Pos{File: spec.File}
	wb, err := openWorkbook(src, lim)
	if err != nil {
		return nil, diag.Data.Errorf(at, "not a readable workbook: %v", err)
	}
	if len(wb.sheets) == 0 {
		return nil, diag.Data.Errorf(at, "workbook has no worksheets")
	}
	ws := wb.sheets[0]
	sheet := ws.name
	if spec.Sheet != "" {
		sheet = spec.Sheet
		if ws = wb.sheet(sheet); ws.name == "" {
			return nil, diag.Data.Errorf(spec.keyPos("sheet"), "table %q: %s has no sheet %q (sheets: %s)",
				spec.Name, spec.File, sheet, strings.Join(wb.sheetNames(), ", "))
		}
	}
	sst, err := readSharedStrings(wb, spec.File, lim)
	if err != nil {
		return nil, err
	}
	sr := &sheetReader{file: spec.File, sheet: sheet, lim: lim, headerRow: spec.HeaderRow, sst: sst}
	data, err := sr.read(wb, ws.part)
	if err != nil {
		return nil, err
	}
	styles, err := readStyles(wb)
	if err != nil {
		return nil, diag.Data.Errorf(at, "not a readable workbook: %v", err)
	}
	return data.build(spec, lim, sheet, wb.date1904, styles)
}

// workbook is what the package says about its sheets.
type workbook struct {
	zr       *zip.Reader
	sheets   []sheetRef // in the workbook's order
	date1904 bool
	sstPart  string // the shared strings' part, or "" when there is none
	// stylesPart holds the cell styles and number formats, or is "".
	stylesPart string
}

type sheetRef struct{ name, part string }

// sheet returns the sheet called name, compared without case as Excel
// does, or the zero sheetRef.
func (wb *workbook) sheet(name string) sheetRef {
	for _, s := range wb.sheets {
		if strings.EqualFold(s.name, name) {
			return s
		}
	}
	return sheetRef{}
}

func (wb *workbook) sheetNames() []string {
	var names []string
	for _, s := range wb.sheets {
		names = append(names, s.name)
	}
	return names
}

// maxSmallPart bounds the parts decoded whole: relationships and the
// workbook, which hold a few lines per sheet.
const maxSmallPart = 8 << 20

// openWorkbook reads the package's directory and its small parts. The
// sizes its directory declares are checked against lim.MaxUnzipped before
// anything is inflated; archive/zip refuses a part that inflates to more
// than its declared size, so a lying header cannot get past that check.
func openWorkbook(src []byte, lim Limits) (*workbook, error) {
	zr, err := zip.NewReader(bytes.NewReader(src), int64(len(src)))
	if err != nil {
		return nil, err
	}
	var total uint64
	for _, zf := range zr.File {
		total += zf.UncompressedSize64
	}
	if total > uint64(lim.MaxUnzipped) {
		return nil, fmt.Errorf("it unpacks to %d bytes, over the limit of %d", total, lim.MaxUnzipped)
	}
	wb := &workbook{zr: zr}
	var root rels
	if err := wb.decodePart("_rels/.rels", &root); err != nil {
		return nil, err
	}
	wbPath := ""
	for _, r := range root.Rel {
		if strings.HasSuffix(r.Type, "/officeDocument") {
			wbPath = strings.TrimPrefix(r.Target, "/")
			break
		}
	}
	if wbPath == "" {
		return nil, errors.New("the workbook has no main part")
	}
	var doc struct {
		Pr struct {
			Date1904 string `xml:"date1904,attr"`
		} `xml:"workbookPr"`
		Sheets []struct {
			Name  string     `xml:"name,attr"`
			Attrs []xml.Attr `xml:",any,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := wb.decodePart(wbPath, &doc); err != nil {
		return nil, err
	}
	wb.date1904 = doc.Pr.Date1904 == "1" || doc.Pr.Date1904 == "true"
	dir := path.Dir(wbPath)
	var wbRels rels
	if err := wb.decodePart(strings.TrimPrefix(path.Join(dir, "_rels", path.Base(wbPath)+".rels"), "/"), &wbRels); err != nil {
		return nil, err
	}
	target := map[string]string{}
	for _, r := range wbRels.Rel {
		target[r.ID] = resolvePart(dir, r.Target)
		if strings.HasSuffix(r.Type, "/sharedStrings") {
			wb.sstPart = target[r.ID]
		}
		if strings.HasSuffix(r.Type, "/styles") {
			wb.stylesPart = target[r.ID]
		}
	}
	if wb.sstPart == "" && findPart(zr, "xl/sharedStrings.xml", true) != nil {
		wb.sstPart = "xl/sharedStrings.xml"
	}
	for _, s := range doc.Sheets {
		id := ""
		for _, a := range s.Attrs {
			if a.Name.Local == "id" && a.Name.Space != "" {
				id = a.Value
			}
		}
		wb.sheets = append(wb.sheets, sheetRef{name: s.Name, part: target[id]})
	}
	return wb, nil
}

type rels struct {
	Rel []struct {
		ID     string `xml:"Id,attr"`
		Type   string `xml:"Type,attr"`
		Target string `xml:"Target,attr"`
	} `xml:"Relationship"`
}

// resolvePart turns a relationship's target into a part name.
func resolvePart(dir, target string) string {
	target = strings.ReplaceAll(target, "\\", "/")
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(path.Clean(target), "/")
	}
	return strings.TrimPrefix(path.Clean(dir+"/"+target), "/")
}

// decodePart decodes a small part whole into v.
func (wb *workbook) decodePart(name string, v any) error {
	zf := findPart(wb.zr, name, false)
	if zf == nil {
		return fmt.Errorf("the workbook has no part %s", name)
	}
	if zf.UncompressedSize64 > maxSmallPart {
		return fmt.Errorf("part %s is %d bytes, over the limit of %d for it", name, zf.UncompressedSize64, maxSmallPart)
	}
	rc, err := zf.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	d.CharsetReader = charset.NewReaderLabel
	if err := d.Decode(v); err != nil {
		return fmt.Errorf("reading %s: %v", name, err)
	}
	return nil
}

// findPart returns the zip entry called name, or nil. Names use forward
// slashes; fold compares them case-insensitively, as excelize does for
// the shared strings.
func findPart(zr *zip.Reader, name string, fold bool) *zip.File {
	for _, zf := range zr.File {
		n := strings.ReplaceAll(zf.Name, "\\", "/")
		if n == name || fold && strings.EqualFold(n, name) {
			return zf
		}
	}
	return nil
}

// streamPart opens a part for streaming through a tokenGuard.
func (wb *workbook) streamPart(name string, lim Limits) (*xml.Decoder, *tokenGuard, func(), error) {
	zf := findPart(wb.zr, name, true)
	if zf == nil {
		return nil, nil, nil, fmt.Errorf("the workbook has no part %s", name)
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, nil, nil, err
	}
	g := &tokenGuard{r: rc, max: int64(lim.MaxTextRun)}
	d := xml.NewDecoder(g)
	d.CharsetReader = charset.NewReaderLabel
	return d, g, func() { rc.Close() }, nil
}

// tokenGuard sits between a part and its XML decoder and refuses the part
// once the decoder holds more than max bytes of one token: encoding/xml
// buffers a whole text run, tag or comment before returning it, so an
// unbounded run would otherwise be read whole into memory first. The
// reader of the tokens sets start to the decoder's InputOffset before
// asking for each token.
type tokenGuard struct {
	r     io.Reader
	read  int64 // bytes handed to the decoder
	start int64 // where the token being read starts
	max   int64
}

// errLongRun is what the decoder returns when the guard refused.
type errLongRun struct{ max int64 }

func (e *errLongRun) Error() string {
	return fmt.Sprintf("more than %d bytes of XML in one piece (a text run, tag or comment), the limit per run", e.max)
}

func (g *tokenGuard) Read(p []byte) (int, error) {
	if g.read-g.start > g.max {
		return 0, &errLongRun{g.max}
	}
	if len(p) > 32<<10 {
		p = p[:32<<10]
	}
	n, err := g.r.Read(p)
	g.read += int64(n)
	return n, err
}

// maxXMLDepth bounds the nesting of elements in a streamed part; the
// deepest a spreadsheet program writes is about seven
// (worksheet/sheetData/row/c/is/r/t).
const maxXMLDepth = 64

// sharedStrings is the workbook's table of shared strings, stored as one
// text with the end of each string, so that a table of millions of tiny
// strings costs four bytes a string. A string longer than the cell limit
// is kept cut just past it, which is enough to refuse a cell that uses it.
type sharedStrings struct {
	text string
	end  []uint32
}

func (s *sharedStrings) len() int { return len(s.end) }

func (s *sharedStrings) get(i int) string {
	start := uint32(0)
	if i > 0 {
		start = s.end[i-1]
	}
	return s.text[start:s.end[i]]
}

// readSharedStrings streams the shared strings. It refuses a part that
// declares a DTD: encoding/xml does not expand its entities, and no
// spreadsheet program writes one, so it is either damaged or hostile.
func readSharedStrings(wb *workbook, file string, lim Limits) (*sharedStrings, error) {
	sst := &sharedStrings{}
	if wb.sstPart == "" {
		return sst, nil
	}
	at := diag.Pos{File: file}
	d, g, done, err := wb.streamPart(wb.sstPart, lim)
	if err != nil {
		return nil, diag.Data.Errorf(at, "not a readable workbook: %v", err)
	}
	defer done()
	var text strings.Builder
	var buf []byte
	depth, inSI, inT, rPh := 0, false, false, 0
	for {
		g.start = d.InputOffset()
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			line, _ := d.InputPos()
			return nil, diag.Data.Errorf(at, "not a readable workbook: shared strings, line %d: %v", line, err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			return nil, diag.Data.Errorf(at, "refusing workbook: its shared strings declare a DTD or entities, which spreadsheet programs never write")
		case xml.StartElement:
			if depth++; depth > maxXMLDepth {
				return nil, diag.Data.Errorf(at, "not a readable workbook: shared strings nest deeper than %d elements", maxXMLDepth)
			}
			switch t.Name.Local {
			case "si":
				inSI, buf = true, buf[:0]
			case "rPh":
				rPh++
			case "t":
				inT = inSI && rPh == 0
			}
		case xml.CharData:
			if inT && len(buf) <= lim.MaxCellBytes {
				buf = append(buf, t[:min(len(t), lim.MaxCellBytes+1-len(buf))]...)
			}
		case xml.EndElement:
			depth--
			switch t.Name.Local {
			case "si":
				if len(buf) <= lim.MaxCellBytes {
					buf = decodeEscapes(buf)
				}
				text.Write(buf)
				if text.Len() > 1<<32-1 {
					return nil, diag.Data.Errorf(at, "not a readable workbook: shared strings too large")
				}
				sst.end = append(sst.end, uint32(text.Len()))
				inSI = false
			case "rPh":
				rPh--
			case "t":
				inT = false
			}
		}
	}
	sst.text = text.String()
	return sst, nil
}

// decodeEscapes turns the _xHHHH_ escapes that Office writes for
// characters XML 1.0 cannot carry (_x000D_ for a carriage return, _x005F_
// for an underscore) back into characters, as excelize does.
func decodeEscapes(s []byte) []byte {
	if !bytes.Contains(s, []byte("_x")) {
		return s
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		if r, ok := escapeAt(s[i:]); ok {
			out = append(out, string(r)...)
			i += 7
			continue
		}
		out = append(out, s[i])
		i++
	}
	return out
}

func escapeAt(s []byte) (rune, bool) {
	if len(s) < 7 || s[0] != '_' || s[1] != 'x' || s[6] != '_' {
		return 0, false
	}
	var r rune
	for _, c := range s[2:6] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	if r >= 0xD800 && r <= 0xDFFF {
		return 0, false
	}
	return r, true
}
