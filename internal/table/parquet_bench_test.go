package table

import (
	"bytes"
	"fmt"
	"testing"
	"testing/fstest"

	"github.com/parquet-go/parquet-go"
)

// benchFact is one row of the benchmark: monthly spend by customer,
// product and region.
type benchFact struct {
	Month    int32   `parquet:"month,date"`
	Customer string  `parquet:"customer"`
	Product  string  `parquet:"product"`
	Region   string  `parquet:"region"`
	Amount   float64 `parquet:"amount"`
}

// benchFiles makes the same n rows as Parquet (Snappy) and as CSV.
func benchFiles(b *testing.B, n int) (pq, csv []byte) {
	rows := make([]benchFact, n)
	var c bytes.Buffer
	c.WriteString("month,customer,product,region,amount\n")
	for i := range rows {
		m := int32(18718 + (i%36)*30)
		rows[i] = benchFact{Month: m, Customer: fmt.Sprintf("Customer %05d", i%10000), Product: fmt.Sprintf("Product %d", i%6),
			Region: fmt.Sprintf("Region %d", i%5), Amount: float64(i%100000) / 4}
		fmt.Fprintf(&c, "%s,%s,%s,%s,%g\n", Format(Date, Value{F: float64(m)}), rows[i].Customer, rows[i].Product, rows[i].Region, rows[i].Amount)
	}
	var p bytes.Buffer
	w := parquet.NewGenericWriter[benchFact](&p, parquet.Compression(&parquet.Snappy))
	if _, err := w.Write(rows); err != nil {
		b.Fatal(err)
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	return p.Bytes(), c.Bytes()
}

// BenchmarkLoad1M loads a million rows from Parquet and from CSV, the
// same data typed the same way (the CSV's columns declared in the spec).
func BenchmarkLoad1M(b *testing.B) {
	pq, csv := benchFiles(b, 1_000_000)
	fsys := fstest.MapFS{"f.parquet": {Data: pq}, "f.csv": {Data: csv}}
	for _, c := range []struct {
		name, file string
		cols       map[string]Kind
	}{
		{"parquet", "f.parquet", nil},
		{"csv", "f.csv", map[string]Kind{"month": Date, "amount": Number}},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportMetric(float64(len(fsys[c.file].Data)), "file-bytes")
			for b.Loop() {
				t, err := Load(fsys, Spec{Name: "f", File: c.file, Columns: c.cols}, DefaultLimits)
				if err != nil || len(t.Rows) != 1_000_000 {
					b.Fatal(err)
				}
			}
		})
	}
}
