package fonts

import "testing"

func TestParse(t *testing.T) {
	for css, want := range map[string]Spec{
		"12px sans-serif":                       {12, false},
		"bold 14px Microsoft YaHei":             {14, true},
		"normal normal 600 18px sans-serif":     {18, true},
		"":                                      {12, false},
		"italic 11.5px 'Helvetica Neue', Arial": {11.5, false},
	} {
		if got := Parse(css); got != want {
			t.Errorf("Parse(%q) = %+v, want %+v", css, got, want)
		}
	}
}

func TestMeasure(t *testing.T) {
	s := Spec{Size: 12}
	if w := Measure("", s); w != 0 {
		t.Errorf("empty text measures %v", w)
	}
	one, two := Measure("M", s), Measure("MM", s)
	if one <= 0 || two < 1.9*one || two > 2.1*one {
		t.Errorf("M = %v, MM = %v: widths do not add up", one, two)
	}
	if big := Measure("M", Spec{Size: 24}); big < 1.9*one || big > 2.1*one {
		t.Errorf("24px M = %v, 12px M = %v: width does not scale with size", big, one)
	}
	if b := Measure("Revenue", Spec{Size: 12, Bold: true}); b <= Measure("Revenue", s) {
		t.Errorf("bold is not wider than regular")
	}
	a, d := Metrics(s)
	if a <= 0 || d <= 0 || a+d < 12 || a+d > 16 {
		t.Errorf("metrics at 12px: ascent %v descent %v", a, d)
	}
}
