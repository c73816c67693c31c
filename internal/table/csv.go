package table

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/briefing-dev/briefing/internal/diag"
)

// loadCSV reads a comma-separated file: quoted fields, and ragged rows
// (missing trailing fields are empty). src is UTF-8 without a byte-order
// mark (see toUTF8).
func loadCSV(src []byte, spec Spec, lim Limits) (*Table, error) {
	r := csv.NewReader(bytes.NewReader(src))
	r.FieldsPerRecord = -1
	r.ReuseRecord = false
	var b *builder
	for rec := 0; ; rec++ {
		fields, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, diag.Data.Errorf(diag.Pos{File: spec.File, Line: pe.Line, Col: pe.Column}, "%v", pe.Err)
			}
			return nil, diag.Data.Errorf(diag.Pos{File: spec.File}, "%v", err)
		}
		line, _ := r.FieldPos(0)
		for i, f := range fields {
			if len(f) > lim.MaxCellBytes {
				l, c := r.FieldPos(i)
				return nil, checkCell(diag.Pos{File: spec.File, Line: l, Col: c}, len(f), lim)
			}
		}
		if len(fields) > lim.MaxCols {
			l, c := r.FieldPos(lim.MaxCols)
			return nil, diag.Data.Errorf(diag.Pos{File: spec.File, Line: l, Col: c}, "more than %d fields", lim.MaxCols)
		}
		if line < spec.HeaderRow {
			continue
		}
		if b == nil {
			header := slices.Clone(fields)
			headerLine := line
			headerCols := make([]int, len(fields))
			for i := range fields {
				_, headerCols[i] = r.FieldPos(i)
			}
			b, err = newBuilder(spec, lim, "", header, func(i int) (int32, int32) {
				if i >= len(header) {
					return int32(headerLine), 1
				}
				return int32(headerLine), int32(headerCols[i])
			})
			if err != nil {
				return nil, err
			}
			continue
		}
		named := b.namedFields()
		for i := named; i < len(fields); i++ {
			if fields[i] != "" {
				l, c := r.FieldPos(i)
				return nil, diag.Data.Errorf(diag.Pos{File: spec.File, Line: l, Col: c},
					"row has %d fields but the header names only %d columns", len(fields), named)
			}
		}
		pos := func(i int) (int32, int32) {
			if i >= len(fields) {
				l, c := r.FieldPos(len(fields) - 1)
				return int32(l), int32(c + len(fields[len(fields)-1]))
			}
			l, c := r.FieldPos(i)
			return int32(l), int32(c)
		}
		if err := b.add(fields, pos, textCell); err != nil {
			return nil, err
		}
	}
	if b == nil {
		return nil, diag.Data.Errorf(diag.Pos{File: spec.File, Line: 1, Col: 1}, "file is empty (expected a header line)")
	}
	b.t.Range = fmt.Sprintf("lines %d-%d", spec.HeaderRow, max(b.lastLine, int32(spec.HeaderRow)))
	return b.finish()
}
