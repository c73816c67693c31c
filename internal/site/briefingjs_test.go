package site

import (
	"bytes"
	"encoding/json"
	"math"
	"os/exec"
	"testing"

	"github.com/briefing-dev/briefing/internal/format"
)

// chartHarness runs assets/briefing.js in a bare node VM with just enough of
// a DOM and of echarts to draw one chart, then reads back the formatters
// the script attached to each series (tooltip) and to the value axis.
const chartHarness = `
const fs = require("fs");
const vm = require("vm");
const input = JSON.parse(fs.readFileSync(0, "utf8"));
const out = {};
for (const cur of input.currencies) {
  let got = null;
  const option = {
    series: input.names.map(() => ({ type: "bar" })),
    yAxis: [{ type: "value" }],
    briefing: Object.assign({ currency: cur, seriesFormats: input.names, axisFormats: ["money"] }, input.locales[cur] || {}),
  };
  const el = { getAttribute: () => "x-option" };
  vm.runInNewContext(input.script, {
    document: {
      readyState: "complete",
      querySelectorAll: () => [el],
      getElementById: () => ({ textContent: JSON.stringify(option) }),
    },
    window: { addEventListener() {} },
    echarts: { init: () => ({ setOption(o) { got = o; }, resize() {} }) },
  });
  if (!got) throw new Error("briefing.js did not call setOption");
  if ("briefing" in got) throw new Error("option.briefing was handed to echarts");
  const res = {};
  got.series.forEach((s, i) => { res[input.names[i]] = input.values.map((v) => s.tooltip.valueFormatter(v)); });
  res["axis:money"] = input.values.map((v) => got.yAxis[0].axisLabel.formatter(v));
  out[cur] = res;
}
process.stdout.write(JSON.stringify(out));
`

// TestChartScriptFormatsLikeGo checks the promise of package format: the
// chart script's axis and tooltip strings are the ones the Go formatter
// writes into prose and data tables. The Go side is checked by hand in
// internal/format; this test holds the script to it.
func TestChartScriptFormatsLikeGo(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed; cannot run assets/briefing.js")
	}
	script, err := defaults.ReadFile("defaults/assets/briefing.js")
	if err != nil {
		t.Fatal(err)
	}
	values := []float64{
		0, 1, 7, -7, 0.04, -0.04, 0.15, 0.7, -0.7, 2.25, 2.5, -2.5, 12.5, 999.4, 999.5, 999.6,
		1234, 1234.4, 1234.5, 1234.56, -1234.5, 9940, 9999, 10_000, 12_345, 999_499, 999_500, 999_999,
		1e6, 9_940_000, 9_950_000, 9_960_000, 20e6, 20.4e6, 20.6e6, 83e6, -83e6, 83e6 * 12, 999.6e6,
		1e9, 1.5e12, 2.5e15, 20.0 / 83, 0.29, -0.05, -0.053, -0.0001, -0.0004, 0.00125, 0.0125, 1.5,
		1234567.5, -1234.05, 1234567.004, 1e15 + 0.5, 0.4,
	}
	// Three significant figures across $1K…$999B: every step of 1, 1.01,
	// …, 9.99, 10, 10.1, …, 99.9, 100, 101, …, 999 in each unit, the ties
	// half a step above each (4.255M), and the values that round up to the
	// next unit (999.5K).
	for _, unit := range []float64{1e3, 1e6, 1e9} {
		for _, step := range []struct{ from, to, by float64 }{{1, 10, 0.01}, {10, 100, 0.1}, {100, 1000, 1}} {
			for i := 0; ; i++ {
				x := step.from + float64(i)*step.by
				if x >= step.to-step.by/2 {
					break
				}
				if i%7 == 0 { // a sample of each decade keeps the check quick
					values = append(values, math.Round(x/step.by)*step.by*unit, (math.Round(x/step.by)+0.5)*step.by*unit)
				}
			}
		}
		values = append(values, 999.5*unit, 999.499*unit, 9.995*unit, 99.95*unit)
	}
	currencies := []string{"USD", "EUR", "CHF"}
	// EUR runs with German separators, to hold the script to the locale
	// rules as well.
	formatters := map[string]*format.Formatter{
		"USD": {Currency: "USD", Group: ",", Decimal: ".", FiscalStart: 1},
		"EUR": {Currency: "EUR", Group: ".", Decimal: ",", FiscalStart: 1},
		"CHF": {Currency: "CHF", Group: ",", Decimal: ".", FiscalStart: 1},
	}
	names := append(append([]string{}, format.NumericNames...), "number:2", "percent:0", "money:2", "change:0", "money_full:2", "multiple:2")
	in, err := json.Marshal(map[string]any{
		"script": string(script), "names": names, "values": values, "currencies": currencies,
		"locales": map[string]map[string]string{"EUR": {"group": ".", "decimal": ","}},
	})
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, "-e", chartHarness)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, stderr.String())
	}
	var got map[string]map[string][]string
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("harness output %q: %v", out, err)
	}
	for _, cur := range currencies {
		names := append([]string{"axis:money"}, names...)
		for _, name := range names {
			goName := name
			if name == "axis:money" {
				goName = "money"
			}
			js := got[cur][name]
			if len(js) != len(values) {
				t.Fatalf("%s %s: got %d strings from the script, want %d", cur, name, len(js), len(values))
			}
			for i, v := range values {
				sp, err := format.ParseSpec(goName)
				if err != nil {
					t.Fatal(err)
				}
				want, err := formatters[cur].Number(sp, v)
				if err != nil {
					t.Fatal(err)
				}
				if js[i] != want {
					t.Errorf("%s %s(%v): script writes %q, Go writes %q", cur, name, v, js[i], want)
				}
			}
		}
	}
	// A few by hand, so that the test fails if both sides go wrong alike.
	for _, c := range []struct {
		name string
		i    int
		want string
	}{
		{"money", 30, "$9.95M"},   // 9_950_000
		{"money", 36, "−$83M"},    // -83e6
		{"percent", 42, "24.1%"},  // 20/83
		{"percent", 44, "−5%"},    // -0.05
		{"integer", 10, "3"},      // 2.5
		{"number", 19, "1,234.6"}, // 1234.56
		{"money", 12, "$13"},      // 12.5: whole units below $1K, half up
		{"money", 29, "$9.94M"},   // 9_940_000
		{"money", 33, "$20.4M"},   // 20.4e6
		{"money", 38, "$1B"},      // 999.6e6
		{"money_full", 51, "$1,234,567.50"},
		{"money_full", 52, "−$1,234.05"},
		{"money_full", 53, "$1,234,567"},
	} {
		if got := got["USD"][c.name][c.i]; got != c.want {
			t.Errorf("script %s(%v) = %q, want %q", c.name, values[c.i], got, c.want)
		}
	}
}
