package edition

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
)

// record is a minimal recorded edition.
func record(id, date string) *fstest.MapFile {
	return &fstest.MapFile{Data: fmt.Appendf(nil, `{"version":1,"title":"T","edition":{"id":%q,"label":%q,"date":%q},"figures":{}}`, id, "label "+id, date)}
}

// The recorded editions are read oldest first, whatever their files'
// order; the one being built is not among the past ones, and the previous
// edition is the latest dated before it.
func TestOpen(t *testing.T) {
	fsys := fstest.MapFS{
		"editions/2022-03.json": record("2022-03", "2022-03-01"),
		"editions/2021-12.json": record("2021-12", "2021-12-01"),
		"editions/2022-01.json": record("2022-01", "2022-01-01"),
		"editions/notes.txt":    &fstest.MapFile{Data: []byte("not a record")},
		"editions/old/x.json":   &fstest.MapFile{Data: []byte("{")},
	}
	ids := func(rs []*Record) string {
		var s []string
		for _, r := range rs {
			s = append(s, r.Edition.ID)
		}
		return strings.Join(s, ",")
	}
	for _, tc := range []struct {
		current, past, previous string
	}{
		{"2022-02", "2021-12,2022-01,2022-03", "2022-01"}, // between two recorded ones
		{"2022-03", "2021-12,2022-01", "2022-01"},         // rebuilt: its own record is not past
		{"2021-11", "2021-12,2022-01,2022-03", ""},        // before them all: a first edition
	} {
		s, err := Open(fsys, &Edition{ID: tc.current, Date: tc.current + "-01"})
		if err != nil {
			t.Fatal(err)
		}
		prev := ""
		if s.Previous != nil {
			prev = s.Previous.Edition.ID
		}
		if ids(s.Past) != tc.past || prev != tc.previous {
			t.Errorf("current %s: past %s, previous %q; want %s, %q", tc.current, ids(s.Past), prev, tc.past, tc.previous)
		}
	}
	if s, err := Open(fstest.MapFS{}, &Edition{ID: "2022-01", Date: "2022-01-01"}); err != nil || len(s.Past) != 0 || s.Previous != nil {
		t.Errorf("no editions/ folder: %+v, %v; want a first edition", s, err)
	}
}

// Every record that cannot be read is reported, each at its file and,
// for JSON that does not parse, at the place it breaks.
func TestLoadErrors(t *testing.T) {
	fsys := fstest.MapFS{
		"editions/2022-01.json": record("2022-01", "2022-01-01"),
		"editions/2022-02.json": &fstest.MapFile{Data: []byte("{\n  \"version\": 1,\n  \"edition\": {\"id\": \"2022-02\",,}\n}")},
		"editions/2022-03.json": &fstest.MapFile{Data: []byte(`{"version":9,"edition":{"id":"2022-03"}}`)},
		"editions/2022-04.json": &fstest.MapFile{Data: []byte(`{"version":1,"edition":null}`)},
		"editions/2022-05.json": record("2022-06", "2022-06-01"),
		"editions/2022-07.json": &fstest.MapFile{Data: []byte(`{"version":"one"}`)},
	}
	_, err := Load(fsys)
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{
		"editions/2022-02.json:3:31: not a recorded edition: invalid character ','",
		"editions/2022-03.json:1:1: record version 9: this briefing reads versions 1 to 1",
		"editions/2022-04.json:1:1: the record has no edition",
		`editions/2022-05.json:1:1: the record is of edition "2022-06", but the file is named 2022-05.json`,
		"editions/2022-07.json:1:",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the errors lack %q:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "2022-01.json") {
		t.Errorf("a good record is reported:\n%v", err)
	}
}
