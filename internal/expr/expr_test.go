package expr

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
)

// env is a fixed set of names. Any name starting with "boom" is known but
// fails to resolve, so a test can tell whether it was evaluated.
func env(vars map[string]Value) Env {
	return func(name string) (Value, bool, error) {
		if strings.HasPrefix(name, "boom") {
			return Value{}, true, errors.New("evaluated " + name)
		}
		v, ok := vars[name]
		return v, ok, nil
	}
}

var vars = map[string]Value{
	"x":               Num(10),
	"zero":            Num(0),
	"top_share":       Num(0.25),
	"hhi":             Num(1600),
	"run_rate":        Num(1.234e9),
	"customer":        Text("TikTok"),
	"month":           Text("2022-03"),
	"empty":           Text(""),
	"t.col":           Num(3),
	"_private":        Num(4),
	"tiktok_spend":    Num(20e6),
	"total_spend":     Num(83e6),
	"monthly_2022_03": Num(5),
}

func TestEval(t *testing.T) {
	tests := []struct {
		src  string
		want Value
	}{
		// literals
		{"1.5", Num(1.5)},
		{"1e6", Num(1e6)},
		{"1e-3", Num(0.001)},
		{"2.5E+2", Num(250)},
		{".5", Num(0.5)},
		{"1_000", Num(1000)},
		{"20%", Num(0.2)},
		{"1.5%", Num(0.015)},
		{"100%", Num(1)},
		{`"abc"`, Text("abc")},
		{`""`, Text("")},
		{`"a\"b"`, Text(`a"b`)},
		{`"a\\b"`, Text(`a\b`)},

		// arithmetic and precedence
		{"1 + 2 * 3", Num(7)},
		{"(1 + 2) * 3", Num(9)},
		{"10 - 4 - 3", Num(3)}, // left to right
		{"24 / 4 / 2", Num(3)},
		{"2 * 3 + 4 * 5", Num(26)},
		{"-2 * 3", Num(-6)},
		{"2 * -3", Num(-6)},
		{"--2", Num(2)},
		{"-(1 + 2)", Num(-3)},
		{"50% * 200", Num(100)},
		{"1 - 20%", Num(0.8)},
		{"x/4", Num(2.5)},
		{"  x  ", Num(10)},
		{"tiktok_spend / total_spend", Num(20e6 / 83e6)},
		{"round(run_rate / 1e9, 1)", Num(1.2)},

		// comparisons bind looser than arithmetic
		{"1 + 2 > 2", Num(1)},
		{"x * 2 == 20", Num(1)},
		{"x >= 10", Num(1)},
		{"x > 10", Num(0)},
		{"x <= 9", Num(0)},
		{"x < 10.5", Num(1)},
		{"x != 10", Num(0)},
		{"1 < 2 == 1", Num(1)}, // (1 < 2) == 1
		{"top_share > 20%", Num(1)},
		{"top_share > 20% and hhi >= 1500", Num(1)},
		{"top_share > 30% and hhi >= 1500", Num(0)},

		// text
		{`customer == "TikTok"`, Num(1)},
		{`customer == "tiktok"`, Num(0)},
		{`customer != "Walmart"`, Num(1)},
		{`"a" < "b"`, Num(1)},
		{`"b" <= "a"`, Num(0)},
		{`"b" > "a"`, Num(1)},
		{`"a" >= "a"`, Num(1)},
		{`month >= "2022-01"`, Num(1)},
		{`month < "2022-03"`, Num(0)},
		{`"Z" < "a"`, Num(1)}, // byte order

		// and, or, not: precedence not > and > or
		{"1 or 0 and 0", Num(1)},   // 1 or (0 and 0)
		{"0 and 0 or 1", Num(1)},   // (0 and 0) or 1
		{"not 0 and 0", Num(0)},    // (not 0) and 0
		{"not 1 == 2", Num(1)},     // not (1 == 2)
		{"not x > 5", Num(0)},      // not (x > 5)
		{"not not 5", Num(1)},      // twice
		{"2 and 3", Num(1)},        // a truth value, not the operand
		{"0 or 7", Num(1)},         //
		{`"" or "x"`, Num(1)},      // text is true when not empty
		{`empty and 1`, Num(0)},    //
		{`not ""`, Num(1)},         //
		{`not customer`, Num(0)},   //
		{"(1 or 0) and 0", Num(0)}, // parentheses win

		// short-circuit: the right side is never evaluated
		{"0 and boom", Num(0)},
		{"1 or boom", Num(1)},
		{"zero and x / zero > 1", Num(0)},
		{"x or 1 / 0", Num(1)},
		{"not 1 and boom", Num(0)},

		// functions
		{"min(3, 1, 2)", Num(1)},
		{"max(3, 1, 2)", Num(3)},
		{"min(7)", Num(7)},
		{"max(-1, -5)", Num(-1)},
		{"abs(-2.5)", Num(2.5)},
		{"abs(2)", Num(2)},
		{"round(2.5)", Num(3)},
		{"round(-2.5)", Num(-3)},
		{"round(2.4)", Num(2)},
		{"round(1.2345, 2)", Num(1.23)},
		{"round(1234, -2)", Num(1200)},
		{"max(x, 2) * 2", Num(20)},
		{"min(x + 1, x * 2, 100)", Num(11)},
		{"round(max(1.26, 1.24), 1)", Num(1.3)},

		// names
		{"t.col + _private", Num(7)},
		{"monthly_2022_03", Num(5)},
	}
	for _, tt := range tests {
		n, err := Parse(tt.src)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.src, err)
			continue
		}
		got, err := Eval(n, env(vars))
		if err != nil {
			t.Errorf("Eval(%q): %v", tt.src, err)
			continue
		}
		if got.IsText != tt.want.IsText || got.Str != tt.want.Str || math.Abs(got.Num-tt.want.Num) > 1e-12 {
			t.Errorf("Eval(%q) = %v, want %v", tt.src, got, tt.want)
		}
	}
}

// TestParseErrors checks that a malformed expression is refused with the
// byte offset of the problem, so a caller can point into its file.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		src     string
		off     int
		mention string
	}{
		{"", 0, "expected a number"},
		{"1 +", 3, "end of expression"},
		{"(1 + 2", 6, "expected )"},
		{"1 2", 2, "unexpected"},
		{"x y", 2, "unexpected"},
		{"1 $ 2", 2, "$"},
		{"1 = 2", 2, "="},
		{")", 0, "expected a number"},
		{"* 2", 0, "expected a number"},
		{"1 + * 2", 4, "expected a number"},
		{`"abc`, 0, "not closed"},
		{`1 + "abc`, 4, "not closed"},
		{`1 "abc`, 2, "not closed"},
		{`x == "a`, 5, "not closed"},
		{"1e", 0, "bad number"},
		{"1.2.3", 0, "bad number"},
		{"2 + 1e+", 4, "bad number"},
		{"max(1 2)", 6, "expected , or )"},
		{"max(1,", 6, "expected a number"},
		{"foo(1)", 0, "unknown function"},
		{"x + sqrt(4)", 4, "unknown function"},
		{"and", 0, "expected a number"},
		{"1 and", 5, "expected a number"},
		{"not", 3, "expected a number"},
		{"1 or or 2", 5, "expected a number"},
		{"(", 1, "expected a number"},
		{"()", 1, "expected a number"},
		{"x + 20 %", 7, "%"},
	}
	for _, tt := range tests {
		n, err := Parse(tt.src)
		if err == nil {
			t.Errorf("Parse(%q) = %v, want an error", tt.src, n)
			continue
		}
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("Parse(%q) error %v is a %T, want *Error", tt.src, err, err)
			continue
		}
		if e.Off != tt.off || !strings.Contains(e.Msg, tt.mention) {
			t.Errorf("Parse(%q) error at %d: %q; want at %d, mentioning %q", tt.src, e.Off, e.Msg, tt.off, tt.mention)
		}
	}
}

// TestEvalErrors checks runtime errors and their offsets: the operator for
// a failing operation, the name for an unknown name, the function name for
// a bad call.
func TestEvalErrors(t *testing.T) {
	tests := []struct {
		src     string
		off     int
		mention string
	}{
		{"1 / 0", 2, "division by zero"},
		{"x / zero", 2, "division by zero"},
		{"x / (x - 10)", 2, "division by zero"},
		{"1 + 10 / (zero * 3)", 7, "division by zero"},
		{"nope", 0, `unknown name "nope"`},
		{"x + nope", 4, `unknown name "nope"`},
		{"round(nope2, 1)", 6, `"nope2"`},
		{"1 and nope", 6, "nope"},
		{`1 < "a"`, 2, "<"},
		{`customer > 5`, 9, ">"},
		{`x + customer`, 2, "needs two numbers"},
		{`"a" + "b"`, 4, "+"},
		{`"a" * 2`, 4, "*"},
		{`1 == "1"`, 2, "=="},
		{`customer != 0`, 9, "!="},
		{`-customer`, 0, "negate"},
		{`abs("x")`, 0, "abs needs numbers"},
		{`1 + max(1, customer)`, 4, "max needs numbers"},
		{"min()", 0, "min"},
		{"abs(1, 2)", 0, "abs"},
		{"round()", 0, "round"},
		{"round(1, 2, 3)", 0, "round"},
		{"1e308 * 10", 6, "finite"},
		{"-1e308 - 1e308", 7, "finite"},
	}
	for _, tt := range tests {
		n, err := Parse(tt.src)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.src, err)
			continue
		}
		v, err := Eval(n, env(vars))
		if err == nil {
			t.Errorf("Eval(%q) = %v, want an error", tt.src, v)
			continue
		}
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("Eval(%q) error %v is a %T, want *Error", tt.src, err, err)
			continue
		}
		if e.Off != tt.off || !strings.Contains(e.Msg, tt.mention) {
			t.Errorf("Eval(%q) error at %d: %q; want at %d, mentioning %q", tt.src, e.Off, e.Msg, tt.off, tt.mention)
		}
	}
}

// An error from the environment comes back as it is.
func TestEvalEnvError(t *testing.T) {
	n, err := Parse("1 + boom_x")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Eval(n, env(vars))
	if err == nil || err.Error() != "evaluated boom_x" {
		t.Errorf("Eval error = %v, want the environment's error", err)
	}
}

func TestNames(t *testing.T) {
	tests := []struct {
		src   string
		names []string
		offs  []int
	}{
		{"a + b * min(c, a)", []string{"a", "b", "c", "a"}, []int{0, 4, 12, 15}},
		{"1 + 2", nil, nil},
		{`customer == "TikTok"`, []string{"customer"}, []int{0}},
		{`"name" == x`, []string{"x"}, []int{10}},
		{"not  flag", []string{"flag"}, []int{5}},
		{"-t.col", []string{"t.col"}, []int{1}},
		{"round(a/b, 1) > 20% or c", []string{"a", "b", "c"}, []int{6, 8, 23}},
	}
	for _, tt := range tests {
		n, err := Parse(tt.src)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.src, err)
			continue
		}
		names, offs := Names(n)
		if !reflect.DeepEqual(names, tt.names) || !reflect.DeepEqual(offs, tt.offs) {
			t.Errorf("Names(%q) = %v at %v, want %v at %v", tt.src, names, offs, tt.names, tt.offs)
		}
	}
}

func TestValue(t *testing.T) {
	tests := []struct {
		v      Value
		str    string
		truthy bool
	}{
		{Num(0), "0", false},
		{Num(1.5), "1.5", true},
		{Num(-2), "-2", true},
		{Text(""), `""`, false},
		{Text("0"), `"0"`, true}, // text is true when not empty, even "0"
		{Text(`say "hi"`), `"say \"hi\""`, true},
	}
	for _, tt := range tests {
		if got := tt.v.String(); got != tt.str {
			t.Errorf("%#v.String() = %q, want %q", tt.v, got, tt.str)
		}
		if got := tt.v.Truthy(); got != tt.truthy {
			t.Errorf("%#v.Truthy() = %v, want %v", tt.v, got, tt.truthy)
		}
	}
}
