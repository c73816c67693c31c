package table

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/parquet-go/parquet-go"
)

// pqRow has a column of each logical type the loader reads.
type pqRow struct {
	Month    int32     `parquet:"month,date"`
	Customer string    `parquet:"customer"`
	Spend    int64     `parquet:"spend,decimal(2:18)"`
	Share    float64   `parquet:"share"`
	Deals    int32     `parquet:"deals"`
	Day      time.Time `parquet:"day,timestamp(millisecond)"`
	Stamp    time.Time `parquet:"stamp,timestamp(microsecond)"`
	Note     *string   `parquet:"note,optional"`
	Active   bool      `parquet:"active"`
}

func writeParquet(t testing.TB, rows []pqRow) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[pqRow](&buf, parquet.Compression(&parquet.Snappy))
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func pqRows(n int) []pqRow {
	note := "renewal due"
	rows := make([]pqRow, n)
	for i := range rows {
		day := time.Date(2022, time.Month(1+i%12), 1, 0, 0, 0, 0, time.UTC)
		rows[i] = pqRow{Month: int32(day.Unix() / 86400), Customer: fmt.Sprintf("Customer %d", i%7), Spend: int64(1234567 + i),
			Share: 0.25, Deals: int32(i), Day: day, Stamp: day.Add(90 * time.Minute), Active: i%2 == 0}
		if i%3 == 0 {
			rows[i].Note = &note
		}
	}
	return rows
}

func loadPQ(src []byte, cols map[string]Kind, lim Limits) (*Table, error) {
	fsys := fstest.MapFS{"data/f.parquet": {Data: src}}
	return Load(fsys, Spec{Name: "f", File: "data/f.parquet", Columns: cols}, lim)
}

func TestParquetKinds(t *testing.T) {
	tb, err := loadPQ(writeParquet(t, pqRows(30)), map[string]Kind{"share": Percent}, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Kind{"month": Date, "customer": Text, "spend": Number, "share": Percent, "deals": Number,
		"day": Date, "stamp": Text, "note": Text, "active": Text}
	if len(tb.Columns) != len(want) || len(tb.Rows) != 30 {
		t.Fatalf("columns %v, %d rows", tb.Columns, len(tb.Rows))
	}
	for _, c := range tb.Columns {
		if want[c.Name] != c.Kind {
			t.Errorf("column %s is %s, want %s", c.Name, c.Kind, want[c.Name])
		}
	}
	row := func(r int, col string) string { return Format(tb.Columns[tb.Col(col)].Kind, tb.Rows[r][tb.Col(col)]) }
	checks := []struct{ col, want string }{
		{"month", "2022-02-01"}, {"day", "2022-02-01"}, {"stamp", "2022-02-01 01:30:00"},
		{"spend", "12345.68"}, {"share", "0.25"}, {"customer", "Customer 1"}, {"note", ""}, {"active", "false"},
	}
	for _, c := range checks {
		if got := row(1, c.col); got != c.want {
			t.Errorf("row 2, %s = %q, want %q", c.col, got, c.want)
		}
	}
	if !tb.Rows[1][tb.Col("note")].Null || tb.Rows[0][tb.Col("note")].S != "renewal due" {
		t.Errorf("optional column: %+v %+v", tb.Rows[0][tb.Col("note")], tb.Rows[1][tb.Col("note")])
	}
}

// heapDuring runs f and returns how many bytes it allocated.
func heapDuring(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

// A truncated or lying file is refused having allocated little more than
// its own size, whatever it claims.
func TestParquetHostile(t *testing.T) {
	good := writeParquet(t, pqRows(2000))
	footerLen := int(binary.LittleEndian.Uint32(good[len(good)-8:]))
	footer := good[len(good)-8-footerLen : len(good)-8]
	body := good[:len(good)-8-footerLen]

	// withFooter rebuilds the file around another footer.
	withFooter := func(f []byte) []byte {
		out := append(append([]byte(nil), body...), f...)
		out = binary.LittleEndian.AppendUint32(out, uint32(len(f)))
		return append(out, "PAR1"...)
	}
	// The schema list (FileMetaData field 2) claims 2^31-1 elements.
	listAt := schemaListAt(t, footer)
	hugeList := append(append([]byte(nil), footer[:listAt]...), 0xFC)
	hugeList = binary.AppendUvarint(hugeList, 1<<31-1)
	hugeList = append(hugeList, footer[listAt+listHeaderLen(footer[listAt:]):]...)

	lyingLen := bytes.Clone(good)
	binary.LittleEndian.PutUint32(lyingLen[len(lyingLen)-8:], 0xFFFFFFF0)
	fewRows := DefaultLimits
	fewRows.MaxRows = 100
	for _, c := range []struct {
		name string
		src  []byte
		lim  Limits
		want string
	}{
		{"truncated", good[:len(good)/2], DefaultLimits, "not a Parquet file"},
		{"truncated footer", append(bytes.Clone(good[:len(good)-20]), good[len(good)-8:]...), DefaultLimits, "metadata"},
		{"footer length lies", lyingLen, DefaultLimits, "more than the file holds"},
		{"list length lies", withFooter(hugeList), DefaultLimits, "more than the"},
		{"too many rows", good, fewRows, "limit of 100"},
	} {
		var err error
		alloc := heapDuring(func() { _, err = loadPQ(c.src, nil, c.lim) })
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "data/f.parquet") {
			t.Errorf("%s: %v, want an error at the file saying %q", c.name, err, c.want)
		}
		if limit := uint64(16<<20 + 8*len(c.src)); alloc > limit {
			t.Errorf("%s: allocated %d bytes before refusing, over %d", c.name, alloc, limit)
		}
	}
}

// schemaListAt finds the list header of FileMetaData's field 2, which
// follows field 1 (version, an i32) at the footer's start.
func schemaListAt(t *testing.T, footer []byte) int {
	if footer[0] != 0x15 {
		t.Fatalf("footer starts with %#x, not field 1 as i32", footer[0])
	}
	_, n := binary.Uvarint(footer[1:])
	if footer[1+n] != 0x19 {
		t.Fatalf("field 2 is not a list: %#x", footer[1+n])
	}
	return 2 + n
}

func listHeaderLen(b []byte) int {
	if b[0]>>4 != 15 {
		return 1
	}
	_, n := binary.Uvarint(b[1:])
	return 1 + n
}
