package pdf

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"time"
)

// Normalize makes a PDF that Chromium printed the same bytes on every
// print of the same document: the creation and modification dates in its
// document information dictionary become date, the ids of the structure
// elements of a tagged PDF (node00000078: numbers of DOM nodes, which a
// print may count differently) are numbered from 1 in the same order, and
// its trailer gets a document ID made from its content (Chromium writes
// none). The file is
// otherwise kept as it is; the cross-reference table is rewritten with
// the offsets that moved. A file not laid out as Chromium (Skia) writes
// it, with one classic cross-reference table, is an error.
func Normalize(b []byte, date time.Time) ([]byte, error) {
	f, err := parseTail(b)
	if err != nil {
		return nil, fmt.Errorf("normalizing the PDF: %v", err)
	}
	start, end, err := f.object(b, f.info)
	if err != nil {
		return nil, fmt.Errorf("normalizing the PDF: %v", err)
	}
	d := []byte(pdfDate(date))
	info := pdfDateRE.ReplaceAll(b[start:end], append([]byte("$1("), append(d, ')')...))
	delta := int64(len(info) - (end - start))
	b = renumberNodes(b) // same length: offsets stay
	var out bytes.Buffer
	out.Write(b[:start])
	out.Write(info)
	out.Write(b[end:f.xref])
	xref := int64(out.Len())
	f.writeXref(&out, int64(start), delta)
	sum := sha256.Sum256(out.Bytes())
	id := hex.EncodeToString(sum[:16])
	fmt.Fprintf(&out, "trailer\n<<%s\n/ID [<%s> <%s>]>>\nstartxref\n%d\n%%%%EOF\n", f.trailer, id, id, xref)
	return out.Bytes(), nil
}

// nodeRE is a structure element's id as Skia writes it.
var nodeRE = regexp.MustCompile(`\(node(\d{8})\)`)

// renumberNodes numbers the distinct node ids 1, 2, … in the order of
// their numbers, keeping their width, so that the name tree that lists
// them stays sorted and no offset moves.
func renumberNodes(b []byte) []byte {
	var ids []string
	seen := map[string]bool{}
	for _, m := range nodeRE.FindAllSubmatch(b, -1) {
		if id := string(m[1]); !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	slices.Sort(ids) // fixed width: text order is number order
	next := make(map[string]string, len(ids))
	for i, id := range ids {
		next[id] = fmt.Sprintf("%08d", i+1)
	}
	return nodeRE.ReplaceAllFunc(b, func(m []byte) []byte {
		return []byte("(node" + next[string(m[5:13])] + ")")
	})
}

var pdfDateRE = regexp.MustCompile(`(?m)^(/(?:CreationDate|ModDate) *)\((?:[^()\\]|\\.)*\)`)

// pdfDate formats t as a PDF date: D:YYYYMMDDHHmmSS+00'00', in UTC.
func pdfDate(t time.Time) string {
	return "D:" + t.UTC().Format("20060102150405") + "+00'00'"
}

// tail is what Normalize reads from the end of the file.
type tail struct {
	xref    int     // offset of "xref"
	offsets []int64 // object number → offset; -1 for a free entry
	gens    []string
	trailer []byte // the trailer dictionary's entries, without << >> and without /ID
	info    int    // object number of the document information dictionary
}

var (
	startxrefRE = regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`)
	trailerRE   = regexp.MustCompile(`(?s)^trailer\s*<<(.*)>>\s*startxref`)
	infoRE      = regexp.MustCompile(`/Info\s+(\d+)\s+0\s+R`)
	idRE        = regexp.MustCompile(`\s*/ID\s*\[[^\]]*\]`)
)

func parseTail(b []byte) (*tail, error) {
	m := startxrefRE.FindSubmatch(b)
	if m == nil {
		return nil, fmt.Errorf("no startxref at the end")
	}
	x, err := strconv.Atoi(string(m[1]))
	if err != nil || x < 0 || x >= len(b) || !bytes.HasPrefix(b[x:], []byte("xref")) {
		return nil, fmt.Errorf("startxref %s does not point at a cross-reference table", m[1])
	}
	f := &tail{xref: x}
	rest, err := f.readXref(b[x+len("xref"):])
	if err != nil {
		return nil, err
	}
	t := trailerRE.FindSubmatch(rest)
	if t == nil {
		return nil, fmt.Errorf("no trailer after the cross-reference table")
	}
	f.trailer = idRE.ReplaceAll(t[1], nil)
	im := infoRE.FindSubmatch(f.trailer)
	if im == nil {
		return nil, fmt.Errorf("the trailer has no /Info")
	}
	if f.info, err = strconv.Atoi(string(im[1])); err != nil || f.info >= len(f.offsets) || f.offsets[f.info] < 0 {
		return nil, fmt.Errorf("the trailer's /Info %s is not in the cross-reference table", im[1])
	}
	return f, nil
}

// readXref reads the table's subsections and returns what follows them.
func (f *tail) readXref(b []byte) ([]byte, error) {
	for {
		b = bytes.TrimLeft(b, " \r\n")
		if bytes.HasPrefix(b, []byte("trailer")) {
			return b, nil
		}
		nl := bytes.IndexByte(b, '\n')
		if nl < 0 {
			return nil, fmt.Errorf("cross-reference table ends early")
		}
		var first, count int
		if _, err := fmt.Sscanf(string(b[:nl]), "%d %d", &first, &count); err != nil || first != len(f.offsets) || count < 0 || count > len(b)/20 {
			return nil, fmt.Errorf("cross-reference subsection %q is not one this reads", b[:nl])
		}
		b = b[nl+1:]
		for range count {
			if len(b) < 20 {
				return nil, fmt.Errorf("cross-reference table ends early")
			}
			off, err := strconv.ParseInt(string(b[:10]), 10, 64)
			if err != nil {
				return nil, fmt.Errorf("cross-reference entry %q: %v", b[:18], err)
			}
			if b[17] == 'f' {
				off = -1
			}
			f.offsets = append(f.offsets, off)
			f.gens = append(f.gens, string(b[11:16]))
			b = b[20:]
		}
	}
}

// object returns where object n's "N 0 obj … endobj" starts and ends.
func (f *tail) object(b []byte, n int) (int, int, error) {
	start := int(f.offsets[n])
	head := fmt.Sprintf("%d 0 obj", n)
	if start >= len(b) || !bytes.HasPrefix(b[start:], []byte(head)) {
		return 0, 0, fmt.Errorf("object %d is not at offset %d", n, start)
	}
	e := bytes.Index(b[start:], []byte("endobj"))
	if e < 0 {
		return 0, 0, fmt.Errorf("object %d has no endobj", n)
	}
	return start, start + e + len("endobj"), nil
}

// writeXref writes the table with every offset after changed moved by
// delta.
func (f *tail) writeXref(w *bytes.Buffer, changed, delta int64) {
	fmt.Fprintf(w, "xref\n0 %d\n", len(f.offsets))
	for i, off := range f.offsets {
		if off < 0 {
			fmt.Fprintf(w, "%010d %s f \n", 0, f.gens[i])
			continue
		}
		if off > changed {
			off += delta
		}
		fmt.Fprintf(w, "%010d %s n \n", off, f.gens[i])
	}
}
