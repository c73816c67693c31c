package table

import (
	"fmt"
	"strconv"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/tomlpos"
)

// loadTOML reads an array of tables: [[quarter]] blocks with one key per
// column. Columns are ordered by their first appearance in the file. src
// is valid UTF-8 (see toUTF8).
func loadTOML(src []byte, spec Spec, lim Limits) (*Table, error) {
	key := spec.Key
	if key == "" {
		key = spec.Name
	}
	if err := tomlpos.CheckDepth(diag.Data, spec.File, src); err != nil {
		return nil, err
	}
	var doc map[string]any
	if _, err := toml.Decode(string(src), &doc); err != nil {
		var pe toml.ParseError
		if ok := asParseError(err, &pe); ok {
			return nil, diag.Data.Errorf(diag.Pos{File: spec.File, Line: pe.Position.Line, Col: pe.Position.Col}, "%s", pe.Message)
		}
		return nil, diag.Data.Errorf(diag.Pos{File: spec.File}, "%v", err)
	}
	items, ok := doc[key].([]map[string]any)
	if !ok {
		return nil, diag.Data.Errorf(spec.keyPos("key"), "table %q: %s has no array of tables [[%s]]", spec.Name, spec.File, key)
	}
	if len(items) > lim.MaxRows {
		return nil, diag.Data.Errorf(diag.Pos{File: spec.File}, "more than %d rows", lim.MaxRows)
	}
	ix := tomlpos.New(spec.File, src)
	var header []string
	seen := map[string]bool{}
	for _, k := range ix.ArrayKeys(key) {
		if !seen[k] {
			seen[k] = true
			header = append(header, k)
		}
	}
	if len(header) == 0 {
		return nil, diag.Data.Errorf(ix.Elem(key, 0), "table %q: the [[%s]] entries in %s set no keys", spec.Name, key, spec.File)
	}
	b, err := newBuilder(spec, lim, "", header, func(i int) (int32, int32) {
		p := ix.ElemValue(key, 0, header[i])
		return int32(p.Line), int32(p.Col)
	})
	if err != nil {
		return nil, err
	}
	for n, item := range items {
		fields := make([]string, len(header))
		for i, h := range header {
			v, ok := item[h]
			if !ok {
				continue
			}
			s, err := tomlText(v)
			if err != nil {
				return nil, diag.Data.Errorf(ix.ElemValue(key, n, h), "%s: %v", h, err)
			}
			if err := checkCell(ix.ElemValue(key, n, h), len(s), lim); err != nil {
				return nil, err
			}
			fields[i] = s
		}
		pos := func(i int) (int32, int32) {
			p := ix.ElemValue(key, n, header[i])
			if p.Line == 0 {
				p = ix.Elem(key, n)
			}
			return int32(p.Line), int32(p.Col)
		}
		if err := b.add(fields, pos, textCell); err != nil {
			return nil, err
		}
	}
	b.t.Range = fmt.Sprintf("[[%s]] entries", key)
	return b.finish()
}

func tomlText(v any) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case int64:
		return strconv.FormatInt(v, 10), nil
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64), nil
	case bool:
		return strconv.FormatBool(v), nil
	case time.Time:
		return v.Format("2006-01-02"), nil
	}
	return "", fmt.Errorf("expected a string, number or date, found %T", v)
}

func asParseError(err error, pe *toml.ParseError) bool {
	p, ok := err.(toml.ParseError)
	if ok {
		*pe = p
	}
	return ok
}
