package pdf

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// chromiumLike writes a small PDF laid out as Chromium writes one: the
// information dictionary first, dated stamp, a classic cross-reference
// table, and a trailer without /ID.
func chromiumLike(stamp string, node int) []byte {
	objs := []string{
		"<</Title (A \\(b\\) /ModDate)\n/Producer (Skia/PDF m156)\n/CreationDate (" + stamp + ")\n/ModDate (" + stamp + ")>>",
		fmt.Sprintf("<</Type /Catalog\n/Pages 3 0 R\n/Names [(node%08d) 3 0 R (node%08d) 3 0 R]>>", node, node+3),
		"<</Type /Pages\n/Count 0\n/Kids []>>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offs := []int{}
	for i, o := range objs {
		offs = append(offs, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	x := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<</Size %d\n/Root 2 0 R\n/Info 1 0 R>>\nstartxref\n%d\n%%%%EOF", len(objs)+1, x)
	return b.Bytes()
}

// checkOffsets fails unless startxref and every cross-reference entry point
// where they should.
func checkOffsets(t *testing.T, b []byte) {
	t.Helper()
	m := regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n?$`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("no startxref at the end:\n%s", b)
	}
	x, _ := strconv.Atoi(string(m[1]))
	if !bytes.HasPrefix(b[x:], []byte("xref\n")) {
		t.Fatalf("startxref %d points at %q", x, b[x:min(len(b), x+10)])
	}
	lines := strings.Split(string(b[x:]), "\n")
	n, _ := strconv.Atoi(strings.Fields(lines[1])[1])
	for i := 1; i < n; i++ {
		off, _ := strconv.Atoi(lines[2+i][:10])
		if want := fmt.Sprintf("%d 0 obj", i); !bytes.HasPrefix(b[off:], []byte(want)) {
			t.Errorf("entry %d: offset %d points at %q", i, off, b[off:min(len(b), off+12)])
		}
	}
}

func TestNormalize(t *testing.T) {
	date := time.Date(2023, 11, 14, 22, 13, 20, 0, time.UTC)
	// Chromium stamps the time of printing, in any zone; the two prints
	// differ in length too.
	a, err := Normalize(chromiumLike("D:20261127132819+00'00'", 78), date)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Normalize(chromiumLike("D:20261127132820Z", 79), date)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Errorf("two prints normalise to different bytes:\n%s\n---\n%s", a, b)
	}
	for _, want := range []string{"/CreationDate (D:20231114221320+00'00')", "/ModDate (D:20231114221320+00'00')", "/Title (A \\(b\\) /ModDate)", "/Names [(node00000001) 3 0 R (node00000002) 3 0 R]"} {
		if !bytes.Contains(a, []byte(want)) {
			t.Errorf("no %s in\n%s", want, a)
		}
	}
	if !regexp.MustCompile(`/ID \[<[0-9a-f]{32}> <[0-9a-f]{32}>\]>>`).Match(a) {
		t.Errorf("no document ID in the trailer:\n%s", a)
	}
	checkOffsets(t, a)
	again, err := Normalize(a, date)
	if err != nil || !bytes.Equal(again, a) {
		t.Errorf("normalising twice changed the file (err %v)", err)
	}
	other, _ := Normalize(chromiumLike("D:20261127132819+00'00'", 78), date.Add(time.Hour))
	if bytes.Equal(other, a) {
		t.Error("another date gave the same bytes")
	}
}

func TestNormalizeRefuses(t *testing.T) {
	good := chromiumLike("D:20261127132819+00'00'", 78)
	for name, b := range map[string][]byte{
		"no startxref":   bytes.TrimSuffix(good, []byte("%%EOF")),
		"xref stream":    bytes.Replace(good, []byte("xref\n0 4"), []byte("xrex\n0 4"), 1),
		"no info":        bytes.Replace(good, []byte("/Info 1 0 R"), []byte("/Inf0 1 0 R"), 1),
		"info elsewhere": bytes.Replace(good, []byte("1 0 obj"), []byte("9 0 obj"), 1),
	} {
		if _, err := Normalize(b, time.Unix(0, 0)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
