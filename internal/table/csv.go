package table

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"

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
			b, err = newBuilder(spec, lim, "", fields, func(i int) diag.Pos {
				l, c := r.FieldPos(i)
				return diag.Pos{File: spec.File, Line: l, Col: c}
			})
			if err != nil {
				return nil, err
			}
			continue
		}
		if len(fields) > len(b.field) && b.field[len(b.field)-1] < len(fields)-1 {
			for i := b.field[len(b.field)-1] + 1; i < len(fields); i++ {
				if fields[i] != "" {
					l, c := r.FieldPos(i)
					return nil, diag.Data.Errorf(diag.Pos{File: spec.File, Line: l, Col: c},
						"row has %d fields but the header names only %d columns", len(fields), b.field[len(b.field)-1]+1)
				}
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
		if err := b.add(fields, pos, func(int) bool { return false }, false); err != nil {
			return nil, err
		}
	}
	if b == nil {
		return nil, diag.Data.Errorf(diag.Pos{File: spec.File, Line: 1, Col: 1}, "file is empty (expected a header line)")
	}
	return b.t, nil
}
