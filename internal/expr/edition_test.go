package expr

import (
	"strings"
	"testing"
)

// editionEnv answers figures and the edition functions of one figure,
// share, that moved from 0.22 to 0.241.
func editionEnv(name string) (Value, bool, error) {
	switch name {
	case "share":
		return Num(0.241), true, nil
	case "change(share)":
		return Num(0.021), true, nil
	case "prev(share)":
		return Num(0.22), true, nil
	case "has_prev(share)":
		return Num(1), true, nil
	}
	return Value{}, false, nil
}

func TestEditionFunctions(t *testing.T) {
	for src, want := range map[string]float64{
		"change(share) > 1pp":             1,
		"change(share) > 3pp":             0,
		"1pp":                             0.01,
		"2.5pp + 1":                       1.025,
		"share - prev(share) > 2pp":       1,
		"has_prev(share) and share > 20%": 1,
		"abs(change(share)) * 100":        2.1,
	} {
		n, err := Parse(src)
		if err != nil {
			t.Errorf("%s: %v", src, err)
			continue
		}
		v, err := Eval(n, editionEnv)
		if err != nil || v.IsText || v.Num < want-1e-9 || v.Num > want+1e-9 {
			t.Errorf("%s = %v, %v; want %v", src, v, err, want)
		}
	}
}

func TestEditionNames(t *testing.T) {
	n, err := Parse("change(share) > 1pp and total > prev(total)")
	if err != nil {
		t.Fatal(err)
	}
	names, _ := Names(n)
	if strings.Join(names, ",") != "total" {
		t.Errorf("Names = %v; want only the plain name total", names)
	}
	refs := EditionRefs(n)
	if len(refs) != 2 || refs[0] != (EditionRef{Func: "change", Figure: "share", Off: 7}) || refs[1].Func != "prev" || refs[1].Figure != "total" {
		t.Errorf("EditionRefs = %+v", refs)
	}
}

func TestEditionErrors(t *testing.T) {
	for src, want := range map[string]string{
		"change(1 + 2)":        "change takes the name of a figure",
		"prev(share, total)":   "prev takes one figure name",
		"change(share) > 1ppx": "unexpected",
	} {
		_, err := Parse(src)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v; want %q", src, err, want)
		}
	}
	n, _ := Parse("change(share) > 0")
	_, err := Eval(n, func(string) (Value, bool, error) { return Value{}, false, nil })
	if err == nil || !strings.Contains(err.Error(), "set [editions] in site.toml") {
		t.Errorf("change() without editions: %v", err)
	}
}
