package table

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"

	"github.com/briefing-dev/briefing/internal/diag"
)

// loadParquet reads a Parquet file: a flat schema (no nested or repeated
// columns), uncompressed or Snappy. Column kinds come from the logical
// types: integers, floats and decimals are number; DATE is date; a
// TIMESTAMP is a date when every value is at midnight UTC and text
// ("2006-01-02 15:04:05") otherwise; strings, enums, JSON and booleans are
// text. site.toml's columns win, through each value's canonical text. A
// cell's position is data/x.parquet:ROW:COL, the 1-based row and column.
//
// The file is checked before it is read (parquetguard.go), and rows,
// columns and cell bytes are counted as the rows stream in.
func loadParquet(src []byte, spec Spec, lim Limits) (t *Table, err error) {
	at := diag.Pos{File: spec.File}
	if err := checkFooter(src); err != nil {
		return nil, diag.Data.Errorf(at, "%v", err)
	}
	defer func() {
		if r := recover(); r != nil { // a reader's panic on a damaged file is a refusal too
			t, err = nil, diag.Data.Errorf(at, "damaged Parquet file: %v", r)
		}
	}()
	f, err := parquet.OpenFile(bytes.NewReader(src), int64(len(src)), parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		return nil, diag.Data.Errorf(at, "%v", err)
	}
	if err := checkParquet(src, f, lim); err != nil {
		return nil, diag.Data.Errorf(at, "%v", err)
	}
	cols, err := parquetColumns(f, spec, lim)
	if err != nil {
		return nil, err
	}
	r := &pqReader{spec: spec, lim: lim, cols: cols, t: &Table{Name: spec.Name, File: spec.File}}
	for _, c := range cols {
		r.t.Columns = append(r.t.Columns, Column{Name: c.name, Kind: c.kind})
	}
	n := int(min(f.NumRows(), int64(lim.MaxRows)))
	r.t.Rows = make([][]Value, 0, n)
	r.t.pos = make([]int32, 0, 2*n*len(cols))
	for _, rg := range f.RowGroups() {
		if err := r.readGroup(rg); err != nil {
			return nil, err
		}
	}
	return r.finish()
}

// checkParquet checks the metadata parquet-go decoded and every page
// header: row and column counts, and what the pages decompress to.
func checkParquet(src []byte, f *parquet.File, lim Limits) error {
	md := f.Metadata()
	if md.NumRows < 0 || md.NumRows > int64(lim.MaxRows) {
		return fmt.Errorf("%d rows, more than the limit of %d", md.NumRows, lim.MaxRows)
	}
	budget := lim.MaxUnzipped
	for _, rg := range md.RowGroups {
		if rg.NumRows < 0 || rg.NumRows > int64(lim.MaxRows) {
			return fmt.Errorf("a row group claims %d rows, more than the limit of %d", rg.NumRows, lim.MaxRows)
		}
		for i := range rg.Columns {
			used, err := checkChunk(src, &rg.Columns[i].MetaData, lim, budget)
			if err != nil {
				return fmt.Errorf("column %q: %v", columnPath(rg.Columns[i].MetaData.PathInSchema), err)
			}
			budget -= used
		}
	}
	return nil
}

func columnPath(p []string) string {
	if len(p) == 0 {
		return "?"
	}
	return p[len(p)-1]
}

// pqColumn is one column of the file as the table takes it.
type pqColumn struct {
	name    string
	kind    Kind // after declarations
	natural Kind // from the logical type
	// value converts a non-null value to the natural kind; stamp is set
	// for timestamps, whose kind is decided once every value is seen.
	value func(v parquet.Value) (Value, error)
	stamp bool
}

func parquetColumns(f *parquet.File, spec Spec, lim Limits) ([]*pqColumn, error) {
	at := diag.Pos{File: spec.File}
	leaves := f.Root().Columns()
	if len(leaves) > lim.MaxCols {
		return nil, diag.Data.Errorf(at, "more than %d columns", lim.MaxCols)
	}
	var cols []*pqColumn
	seen := map[string]bool{}
	for _, c := range leaves {
		if !c.Leaf() || c.Repeated() {
			return nil, diag.Data.Errorf(at, "column %q is nested or repeated; briefing reads flat tables", c.Name())
		}
		name := NormalizeName(c.Name())
		if name == "" || seen[name] {
			return nil, diag.Data.Errorf(at, "column %q: empty or duplicate column name", c.Name())
		}
		seen[name] = true
		pc, err := parquetColumn(c.Type(), name)
		if err != nil {
			return nil, diag.Data.Errorf(at, "column %q: %v", c.Name(), err)
		}
		pc.kind = pc.natural
		if k, ok := spec.Columns[name]; ok {
			pc.kind = k
		}
		cols = append(cols, pc)
	}
	for name := range spec.Columns {
		if !seen[name] {
			where := spec.Where
			if spec.ColumnPos != nil {
				where = spec.ColumnPos(name)
			}
			return nil, diag.Data.Errorf(where, "table %q: column %q is not in %s", spec.Name, name, spec.File)
		}
	}
	return cols, nil
}

// parquetColumn gives a column its natural kind and conversion from its
// physical and logical types.
func parquetColumn(typ parquet.Type, name string) (*pqColumn, error) {
	c := &pqColumn{name: name, natural: Number}
	var lt any
	if l := typ.LogicalType(); l != nil {
		lt = l.Value
	}
	kind := typ.Kind()
	switch l := lt.(type) {
	case *format.DateType:
		c.natural = Date
		c.value = func(v parquet.Value) (Value, error) { return Value{F: float64(v.Int32())}, nil }
		return c, nil
	case *format.TimestampType:
		unit := int64(1)
		switch l.Unit.Value.(type) {
		case *format.MilliSeconds:
			unit = int64(time.Millisecond)
		case *format.MicroSeconds:
			unit = int64(time.Microsecond)
		}
		c.natural, c.stamp = Date, true
		c.value = func(v parquet.Value) (Value, error) { return timestampValue(v.Int64(), unit) }
		return c, nil
	case *format.DecimalType:
		scale := math.Pow10(int(l.Scale))
		c.value = func(v parquet.Value) (Value, error) { return decimalValue(v, kind, scale) }
		return c, nil
	case *format.StringType, *format.EnumType, *format.JsonType, nil:
	case *format.IntType:
	default:
		if kind == parquet.ByteArray || kind == parquet.FixedLenByteArray {
			return nil, fmt.Errorf("logical type %s is not read", typ)
		}
	}
	switch kind {
	case parquet.Boolean:
		c.natural = Text
		c.value = func(v parquet.Value) (Value, error) { return Value{S: strconv.FormatBool(v.Boolean())}, nil }
	case parquet.Int32:
		c.value = func(v parquet.Value) (Value, error) { return Value{F: float64(v.Int32())}, nil }
	case parquet.Int64:
		c.value = func(v parquet.Value) (Value, error) { return Value{F: float64(v.Int64())}, nil }
	case parquet.Float:
		c.value = func(v parquet.Value) (Value, error) { return finite(float64(v.Float())) }
	case parquet.Double:
		c.value = func(v parquet.Value) (Value, error) { return finite(v.Double()) }
	case parquet.ByteArray:
		c.natural = Text
		c.value = func(v parquet.Value) (Value, error) {
			b := v.ByteArray()
			if !utf8.Valid(b) {
				return Value{}, errors.New("not UTF-8 text")
			}
			return Value{S: string(b)}, nil
		}
	default:
		return nil, fmt.Errorf("type %s is not read", typ)
	}
	return c, nil
}

func finite(f float64) (Value, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return Value{}, fmt.Errorf("%v is not a number", f)
	}
	return Value{F: f}, nil
}

// timestampValue holds a timestamp as whole days in F and its full text
// in S, until finish decides the column's kind.
func timestampValue(n, unit int64) (Value, error) {
	sec, frac := n/(int64(time.Second)/unit), n%(int64(time.Second)/unit)
	if frac < 0 {
		sec, frac = sec-1, frac+int64(time.Second)/unit
	}
	t := time.Unix(sec, frac*unit).UTC()
	return Value{F: float64(floorDiv(sec, 86400)), S: t.Format("2006-01-02 15:04:05")}, nil
}

func decimalValue(v parquet.Value, kind parquet.Kind, scale float64) (Value, error) {
	switch kind {
	case parquet.Int32:
		return Value{F: float64(v.Int32()) / scale}, nil
	case parquet.Int64:
		return Value{F: float64(v.Int64()) / scale}, nil
	}
	b := v.ByteArray()
	if len(b) > 32 {
		return Value{}, errors.New("decimal wider than 32 bytes")
	}
	n := new(big.Int).SetBytes(b)
	if len(b) > 0 && b[0]&0x80 != 0 { // two's complement
		n.Sub(n, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
	}
	f, _ := new(big.Float).SetInt(n).Float64()
	return Value{F: f / scale}, nil
}

// pqReader streams a file's rows into a table.
type pqReader struct {
	spec Spec
	lim  Limits
	cols []*pqColumn
	t    *Table
	// clocks marks timestamp columns with a value not at midnight.
	clocks map[int]bool
}

func (r *pqReader) readGroup(rg parquet.RowGroup) error {
	rows := rg.Rows()
	defer rows.Close()
	buf := make([]parquet.Row, 512)
	for {
		n, err := rows.ReadRows(buf)
		for _, row := range buf[:n] {
			if err := r.add(row); err != nil {
				return err
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return diag.Data.Errorf(diag.Pos{File: r.spec.File, Line: len(r.t.Rows) + 1}, "%v", err)
		}
	}
}

func (r *pqReader) add(row parquet.Row) error {
	line := len(r.t.Rows) + 1
	if line > r.lim.MaxRows {
		return diag.Data.Errorf(diag.Pos{File: r.spec.File, Line: line}, "more than %d data rows; split the file or raise the limit", r.lim.MaxRows)
	}
	vals := make([]Value, len(r.cols))
	for i := range vals {
		vals[i].Null = true
	}
	for _, v := range row {
		i := v.Column()
		if i < 0 || i >= len(vals) || v.IsNull() {
			continue
		}
		at := diag.Pos{File: r.spec.File, Line: line, Col: i + 1}
		if v.Kind() == parquet.ByteArray || v.Kind() == parquet.FixedLenByteArray {
			if err := checkCell(at, len(v.ByteArray()), r.lim); err != nil {
				return err
			}
		}
		c := r.cols[i]
		val, err := c.value(v)
		if err != nil {
			return diag.Data.Errorf(at, "column %q: %v", c.name, err)
		}
		if c.stamp && !hasMidnight(val.S) {
			if r.clocks == nil {
				r.clocks = map[int]bool{}
			}
			r.clocks[i] = true
		}
		vals[i] = val
	}
	pos := make([]int32, 0, 2*len(vals))
	for i := range vals {
		pos = append(pos, int32(line), int32(i+1))
	}
	r.t.addRow(vals, pos)
	return nil
}

func hasMidnight(s string) bool { return len(s) >= 19 && s[11:] == "00:00:00" }

// finish settles timestamp columns (date, or text when a value has a
// time of day) and applies site.toml's kinds through canonical text.
func (r *pqReader) finish() (*Table, error) {
	for i, c := range r.cols {
		natural := c.natural
		if c.stamp && r.clocks[i] {
			natural = Text
		}
		if !r.isDeclared(c.name) {
			c.kind = natural
		}
		if !c.stamp && c.kind == natural {
			continue
		}
		for ri, row := range r.t.Rows {
			v := row[i]
			if v.Null {
				continue
			}
			if c.stamp {
				if natural == Text {
					v = Value{S: v.S}
				} else {
					v = Value{F: v.F}
				}
			}
			if c.kind != natural && !(c.kind.IsNumeric() && natural.IsNumeric()) {
				nv, err := parse(c.kind, cellInput{text: SQLText(natural, v)}, c.name)
				if err != nil {
					return nil, diag.Data.Errorf(r.t.Pos(ri, i), "%v", err)
				}
				v = nv
			}
			row[i] = v
		}
		r.t.Columns[i].Kind = c.kind
	}
	return r.t, nil
}

func (r *pqReader) isDeclared(name string) bool {
	_, ok := r.spec.Columns[name]
	return ok
}
