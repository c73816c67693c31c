package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/briefing-dev/briefing/internal/figure"
	"github.com/briefing-dev/briefing/internal/format"
	"github.com/briefing-dev/briefing/internal/query"
	"github.com/briefing-dev/briefing/internal/table"
)

// The charts of the example briefing that this file looks at, by figure id.
const (
	fmtChartTotal         = "chart-total-spend"   // index.html: line, money on both y axes
	fmtChartShare         = "chart-spend-share"   // index.html: donut, money values, percent labels
	fmtChartConcentration = "chart-concentration" // customers.html: percent (left), HHI integer (right)
)

// proseFigure is one figure of figures.toml as the prose shows it.
type proseFigure struct {
	Name  string
	Value float64
	Spec  format.Spec // the figure's own format, the one {{fig NAME}} uses
	Text  string      // the figure formatted with that spec
}

// proseFigures computes the example's figures in-process, from the tables
// the build produced, and formats each as {{fig NAME}} does. It is the
// independent source of the strings the prose and the charts must show.
func proseFigures(t *testing.T, b *built) (map[string]proseFigure, *format.Formatter) {
	t.Helper()
	cfg := b.Config
	fm, err := format.New(format.Options{Currency: cfg.Currency, Locale: cfg.Locale, FiscalStart: cfg.FiscalYearStart})
	if err != nil {
		t.Fatalf("the example's formatter (currency %q, locale %q): %v", cfg.Currency, cfg.Locale, err)
	}
	abs, err := filepath.Abs(exampleDir)
	if err != nil {
		t.Fatal(err)
	}
	root, err := os.OpenRoot(abs)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	db, err := query.Open(b.Tables)
	if err != nil {
		t.Fatalf("copying the built tables into SQLite to compute the figures: %v", err)
	}
	defer db.Close()
	set, err := figure.Load(root.FS(), db, nil)
	if err != nil {
		t.Fatalf("computing %s of the example: %v", figure.File, err)
	}
	out := map[string]proseFigure{}
	for _, name := range set.Names() {
		f, _ := set.Get(name)
		if f.Missing || f.Kind == table.Text {
			continue
		}
		sp, err := format.ParseSpec(f.Format)
		if err != nil {
			t.Fatalf("figure %q: format %q: %v", name, f.Format, err)
		}
		text, err := fm.Show(sp, f.Kind, table.Value{F: f.Value.Num})
		if err != nil {
			t.Fatalf("figure %q: formatting %v as %s: %v", name, f.Value.Num, sp, err)
		}
		out[name] = proseFigure{Name: name, Value: f.Value.Num, Spec: sp, Text: text}
	}
	return out, fm
}

// proseTextJS returns the text, whitespace collapsed, of the first block
// of the article (paragraph or list item) that holds the marker.
const proseTextJS = `((marker) => {
  for (const el of document.querySelectorAll('main article p, main article li')) {
    const text = el.textContent.replace(/\s+/g, ' ').trim();
    if (text.includes(marker)) return text;
  }
  return '';
})`

// proseSentence is a figure quoted in a known sentence of a page.
type proseSentence struct {
	Marker string         // text that finds the paragraph
	Re     *regexp.Regexp // its submatches are the figures, in order
	Figs   []string       // figure names, one per submatch
}

// readProse reads the prose of the page as the browser shows it and
// returns each quoted figure's text, checked against the figure computed
// in-process. It fails the test, quoting the paragraph, when a sentence is
// missing or shows another string.
func readProse(t *testing.T, tb *tab, figs map[string]proseFigure, sentences []proseSentence) map[string]string {
	t.Helper()
	got := map[string]string{}
	for _, s := range sentences {
		text := eval[string](t, tb, "reading the prose", fmt.Sprintf("%s(%q)", proseTextJS, s.Marker))
		if text == "" {
			t.Fatalf("%s: no paragraph or list item of the article contains %q (the content changed? update formats_test.go)", tb.name, s.Marker)
		}
		m := s.Re.FindStringSubmatch(text)
		if m == nil {
			t.Fatalf("%s: the prose %q does not match %s, so the figures %q cannot be read from it", tb.name, text, s.Re, s.Figs)
		}
		for i, name := range s.Figs {
			f, ok := figs[name]
			if !ok {
				t.Fatalf("figure %q is not in %s of the example", name, figure.File)
			}
			if m[i+1] != f.Text {
				t.Errorf("%s: the prose shows {{fig %s}} as %q, but the figure (%v, format %s) formats as %q: %q",
					tb.name, name, m[i+1], f.Value, f.Spec, f.Text, text)
			}
			if prev, seen := got[name]; seen && prev != m[i+1] {
				t.Errorf("%s: the prose shows {{fig %s}} as %q in one place and %q in another", tb.name, name, prev, m[i+1])
			}
			got[name] = m[i+1]
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	return got
}

// axisLabelsJS reports each y axis of a chart: its ticks, the labels
// ECharts made for them (getViewLabels, which runs axisLabel.formatter),
// the texts its view actually drew, and the formatter applied to probe
// values.
const axisLabelsJS = `((figure, probes) => {
  const el = document.querySelector('#' + figure + ' [data-chart]');
  const chart = echarts.getInstanceByDom(el);
  const out = [];
  chart.getModel().eachComponent('yAxis', (m, i) => {
    const axis = m.axis;
    const f = m.get(['axisLabel', 'formatter']);
    const r = {
      index: i,
      position: m.get('position') || axis.position || '',
      type: axis.type || '',
      ticks: axis.scale.getTicks().map(t => typeof t === 'object' ? t.value : t),
      labels: axis.getViewLabels().map(l => ({value: Number(l.tickValue), text: String(l.formattedLabel)})),
      drawn: [],
      formatter: typeof f === 'function',
      probes: typeof f === 'function' ? probes.map(v => String(f(v, 0))) : [],
    };
    const view = chart.getViewOfComponentModel(m);
    if (view && view.group) {
      view.group.traverse(e => {
        if (e.type === 'text' && e.style && e.style.text != null && !e.ignore && !e.invisible) r.drawn.push(String(e.style.text));
      });
    }
    out.push(r);
  });
  return out;
})`

type axisLabels struct {
	Index    int       `json:"index"`
	Position string    `json:"position"`
	Type     string    `json:"type"`
	Ticks    []float64 `json:"ticks"`
	Labels   []struct {
		Value float64 `json:"value"`
		Text  string  `json:"text"`
	} `json:"labels"`
	Drawn     []string `json:"drawn"`
	Formatter bool     `json:"formatter"`
	Probes    []string `json:"probes"`
}

func (a axisLabels) texts() []string {
	var s []string
	for _, l := range a.Labels {
		s = append(s, l.Text)
	}
	return s
}

// readAxes returns a chart's y axes as ECharts built them.
func readAxes(t *testing.T, tb *tab, chartName string, probes []float64) []axisLabels {
	t.Helper()
	if probes == nil {
		probes = []float64{}
	}
	args, err := json.Marshal([]any{chartName, probes})
	if err != nil {
		t.Fatal(err)
	}
	return eval[[]axisLabels](t, tb, chartName+": reading the y axes", fmt.Sprintf("%s(...%s)", axisLabelsJS, args))
}

// checkAxis checks one value axis: every label ECharts made is the Go
// formatter's text for its tick value in the format of the figure the prose
// quotes, matches style, and is what the axis view drew.
func checkAxis(t *testing.T, tb *tab, chartName string, a axisLabels, fm *format.Formatter, f proseFigure, style *regexp.Regexp) {
	t.Helper()
	what := fmt.Sprintf("%s: %s: y axis %d (%s)", tb.name, chartName, a.Index, cmpOr(a.Position, "left"))
	if !a.Formatter {
		t.Errorf("%s: has no axisLabel.formatter function: briefing.js did not set the %s format of {{fig %s}}, so ECharts shows raw numbers %q",
			what, f.Spec, f.Name, a.texts())
		return
	}
	if len(a.Labels) < 2 {
		t.Errorf("%s: %d labels (%q), want at least 2 (ticks %v)", what, len(a.Labels), a.texts(), a.Ticks)
		return
	}
	for _, l := range a.Labels {
		want, err := fm.Number(f.Spec, l.Value)
		if err != nil {
			t.Errorf("%s: tick %v: %v", what, l.Value, err)
			continue
		}
		if l.Text != want {
			t.Errorf("%s: tick %v is labelled %q, but the prose's format of {{fig %s}} (%s) shows it as %q", what, l.Value, l.Text, f.Name, f.Spec, want)
		}
		if !style.MatchString(l.Text) {
			t.Errorf("%s: tick %v is labelled %q, which is not in the %s style %s (prose shows {{fig %s}} as %q)", what, l.Value, l.Text, f.Spec, style, f.Name, f.Text)
		}
	}
	if got, want := slices.Sorted(slices.Values(a.Drawn)), slices.Sorted(slices.Values(a.texts())); !slices.Equal(got, want) {
		t.Errorf("%s: the axis view drew the labels %q, but ECharts' labels for the ticks are %q", what, a.Drawn, a.texts())
	}
	t.Logf("%s: ticks %v drawn as %q (format %s of {{fig %s}} = %q)", what, a.Ticks, a.Drawn, f.Spec, f.Name, f.Text)
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// pieLabelJS returns, for the pie slice with the given name, the label
// ECharts drew on it (the text attached to the slice's sector, as shown)
// and its percent as ECharts computed it, and every slice's label.
const pieLabelJS = `((figure, name) => {
  const el = document.querySelector('#' + figure + ' [data-chart]');
  const chart = echarts.getInstanceByDom(el);
  const series = chart.getModel().getSeriesByIndex(0);
  const data = series.getData();
  let idx = -1;
  for (let i = 0; i < data.count(); i++) if (data.getName(i) === name) idx = i;
  const r = {index: idx, names: [], values: [], label: '', percent: -1, labels: []};
  for (let i = 0; i < data.count(); i++) {
    r.names.push(data.getName(i));
    r.values.push(Number(data.get('value', i)));
  }
  const labelOf = i => {
    const g = data.getItemGraphicEl(i);
    const label = g && g.getTextContent && g.getTextContent();
    return label && label.style && !label.ignore && !label.invisible ? String(label.style.text) : '';
  };
  for (let i = 0; i < data.count(); i++) r.labels.push(labelOf(i));
  if (idx < 0) return r;
  r.percent = series.getDataParams(idx).percent;
  r.label = labelOf(idx);
  return r;
})`

type pieLabel struct {
	Index   int       `json:"index"`
	Names   []string  `json:"names"`
	Values  []float64 `json:"values"`
	Label   string    `json:"label"`
	Percent float64   `json:"percent"`
	Labels  []string  `json:"labels"`
}

// seriesLenJS is the number of data points of a chart's first series.
const seriesLenJS = `((figure) => echarts.getInstanceByDom(document.querySelector('#' + figure + ' [data-chart]')).getOption().series[0].data.length)`

// hideTip hides a chart's tooltip, so the next tooltip read is a fresh one.
func hideTip(t *testing.T, tb *tab, chartName string) {
	t.Helper()
	eval[bool](t, tb, chartName+": hiding the tooltip", fmt.Sprintf(
		`((figure) => { echarts.getInstanceByDom(document.querySelector('#' + figure + ' [data-chart]')).dispatchAction({type: 'hideTip'}); return true; })(%q)`, chartName))
}

// lastIndex returns the index of the last data point of a chart's first
// series.
func lastIndex(t *testing.T, tb *tab, chartName string) int {
	t.Helper()
	n := eval[int](t, tb, chartName+": counting the data points", fmt.Sprintf("%s(%q)", seriesLenJS, chartName))
	if n == 0 {
		t.Fatalf("%s: %s: the first series has no data", tb.name, chartName)
	}
	return n - 1
}

// wantInTooltip fails the test unless the tooltip shows each prose string.
func wantInTooltip(t *testing.T, tb *tab, chartName, how string, tip tooltip, prose map[string]string, names ...string) {
	t.Helper()
	for _, n := range names {
		if !strings.Contains(tip.Text, prose[n]) {
			t.Errorf("%s: %s: %s: the tooltip %q lacks %q, the prose's {{fig %s}}", tb.name, chartName, how, tip.Text, prose[n], n)
		}
	}
}

// proseFormats checks in a real browser that the example's charts show
// numbers as the prose does: the tooltips and labels show the very strings
// {{fig …}} put in the text ($83M, $20M, 24.1%, 743), and every y-axis
// label is the Go formatter's text, in the figure's format, for its tick
// value. TestBrowserExample runs it on index.html and customers.html.
type proseFormats struct {
	figs map[string]proseFigure
	fm   *format.Formatter
	dec  string // the locale's decimal separator, quoted for a regexp

	moneyStyle, percentStyle, integerStyle *regexp.Regexp
}

// formatPages are the pages proseFormats checks.
var formatPages = []string{"index.html", "customers.html"}

func newProseFormats(t *testing.T, b *built) *proseFormats {
	t.Helper()
	figs, fm := proseFigures(t, b)
	sym := regexp.QuoteMeta(format.Symbol(b.Config.Currency))
	dec := regexp.QuoteMeta(fm.Decimal)
	return &proseFormats{
		figs:         figs,
		fm:           fm,
		dec:          dec,
		moneyStyle:   regexp.MustCompile(`^` + sym + `\d+(` + dec + `\d)?[KMB]?$`),
		percentStyle: regexp.MustCompile(`^\d+(` + dec + `\d)?%$`),
		integerStyle: regexp.MustCompile(`^\d{1,3}(` + regexp.QuoteMeta(fm.Group) + `\d{3})*$`),
	}
}

// check runs the checks of the page, one of formatPages, whose charts have
// drawn and show no tooltip yet.
func (p *proseFormats) check(t *testing.T, tb *tab) {
	t.Helper()
	switch tb.name {
	case "index.html":
		p.checkIndex(t, tb)
	case "customers.html":
		p.checkCustomers(t, tb)
	default:
		t.Fatalf("%s: the formats of this page are not checked", tb.name)
	}
}

func (p *proseFormats) checkIndex(t *testing.T, tb *tab) {
	t.Helper()
	figs, fm, dec := p.figs, p.fm, p.dec
	moneyStyle := p.moneyStyle
	prose := readProse(t, tb, figs, []proseSentence{
		{
			Marker: "share was",
			Re:     regexp.MustCompile(`In (.+?) TikTok, .*?paying close to (\S+) a month .*? brought in about (\S+) that month, so TikTok.s share was (\S+)\.(?:\s|$)`),
			Figs:   []string{"latest_month", "tiktok_spend", "total_spend", "tiktok_share"},
		},
		{
			Marker: "annual run-rate of",
			Re:     regexp.MustCompile(`(\S+) a month is an annual run-rate of (\S+)\.(?:\s|$)`),
			Figs:   []string{"total_spend", "run_rate"},
		},
		{
			Marker: "About the figures",
			Re:     regexp.MustCompile(`TikTok.s (\S+) a month, the (\S+) monthly total`),
			Figs:   []string{"tiktok_spend", "total_spend"},
		},
	})
	t.Logf("index.html: the prose shows %q", prose)

	// The total-spend tooltip at the last month: the month and its
	// total as the prose writes them, and the run-rate.
	last := lastIndex(t, tb, fmtChartTotal)
	tip := showTooltip(t, tb, fmtChartTotal, last, prose["latest_month"], prose["total_spend"])
	wantInTooltip(t, tb, fmtChartTotal, fmt.Sprintf("showTip at the last month (data index %d)", last), tip, prose, "latest_month", "total_spend", "run_rate")
	t.Logf("index.html: %s tooltip at data index %d: %q", fmtChartTotal, last, tip.Text)
	hideTip(t, tb, fmtChartTotal)

	// Both y axes are money: monthly spend (left), run-rate (right).
	axes := readAxes(t, tb, fmtChartTotal, nil)
	if len(axes) != 2 {
		t.Errorf("index.html: %s: %d y axes, want 2 (monthly spend left, run-rate right)", fmtChartTotal, len(axes))
	}
	for i, a := range axes {
		f := figs["total_spend"]
		if i == 1 {
			f = figs["run_rate"]
		}
		checkAxis(t, tb, fmtChartTotal, a, fm, f, moneyStyle)
	}

	// The donut: TikTok's tooltip shows its spend as the prose does,
	// and its label shows its share as the prose does.
	pl := eval[pieLabel](t, tb, fmtChartShare+": reading TikTok's slice", fmt.Sprintf("%s(%q, %q)", pieLabelJS, fmtChartShare, "TikTok"))
	if pl.Index < 0 {
		t.Fatalf("index.html: %s: no slice named TikTok; slices %q", fmtChartShare, pl.Names)
	}
	tip = showTooltip(t, tb, fmtChartShare, pl.Index, "TikTok", prose["tiktok_spend"])
	wantInTooltip(t, tb, fmtChartShare, fmt.Sprintf("showTip on TikTok's slice (data index %d)", pl.Index), tip, prose, "tiktok_spend")
	// ECharts' default pie tooltip has no percentage; if one is shown,
	// it must be the prose's.
	for _, pct := range regexp.MustCompile(`\d+(?:`+dec+`\d+)?%`).FindAllString(tip.Text, -1) {
		if pct != prose["tiktok_share"] {
			t.Errorf("index.html: %s: TikTok's tooltip %q shows the share %q, but the prose shows {{fig tiktok_share}} as %q", fmtChartShare, tip.Text, pct, prose["tiktok_share"])
		}
	}
	t.Logf("index.html: %s tooltip for TikTok (data index %d): %q", fmtChartShare, pl.Index, tip.Text)
	hideTip(t, tb, fmtChartShare)
	wantLabel := "TikTok " + prose["tiktok_share"]
	switch {
	case pl.Label == "":
		t.Errorf("index.html: %s: TikTok's slice draws no label (the donut's labels are %q); want %q", fmtChartShare, pl.Labels, wantLabel)
	case pl.Label != wantLabel:
		t.Errorf("index.html: %s: TikTok's slice is labelled %q, want %q: the prose shows {{fig tiktok_share}} as %q (ECharts' percent for the slice is %v)",
			fmtChartShare, pl.Label, wantLabel, prose["tiktok_share"], pl.Percent)
	}
	t.Logf("index.html: %s: TikTok's label %q (ECharts percent %v); all labels %q", fmtChartShare, pl.Label, pl.Percent, pl.Labels)
	// Every slice's label is its name and its share of the total as
	// the Go formatter writes a percent figure (as {{fig tiktok_share}}
	// is written), not a re-rounding of ECharts' own percent.
	var sum float64
	for _, v := range pl.Values {
		sum += v
	}
	pctSpec := figs["tiktok_share"].Spec
	for i, name := range pl.Names {
		if i >= len(pl.Labels) || i >= len(pl.Values) {
			break
		}
		share, err := fm.Number(pctSpec, pl.Values[i]/sum)
		if err != nil {
			t.Errorf("index.html: %s: slice %q: %v", fmtChartShare, name, err)
			continue
		}
		if want := name + " " + share; pl.Labels[i] != want {
			t.Errorf("index.html: %s: slice %q (%v of %v) is labelled %q, want %q (its share in the prose's %s format)",
				fmtChartShare, name, pl.Values[i], sum, pl.Labels[i], want, pctSpec)
		}
	}
}

func (p *proseFormats) checkCustomers(t *testing.T, tb *tab) {
	t.Helper()
	figs, fm := p.figs, p.fm
	percentStyle, integerStyle := p.percentStyle, p.integerStyle
	prose := readProse(t, tb, figs, []proseSentence{
		{
			Marker: "Herfindahl",
			Re:     regexp.MustCompile(`accounts is (\S+) \((\S+) in (.+?)\)`),
			Figs:   []string{"hhi", "first_hhi", "first_month"},
		},
		{
			Marker: "five largest named accounts",
			Re:     regexp.MustCompile(`that came to (\S+?): (\S+?) of all the money .*? together make up (\S+)\.(?:\s|$)`),
			Figs:   []string{"tiktok_spend", "tiktok_share", "top5_share"},
		},
	})
	t.Logf("customers.html: the prose shows %q", prose)

	// The right axis shows HHI in the hhi figure's format (integer,
	// thousands grouped); the left shows shares in top5_share's
	// (percent). The formatter applied to the HHI values and to values
	// past a thousand must give the Go formatter's text, separators
	// included: HHI runs to 10,000.
	hhi, firstHHI := figs["hhi"], figs["first_hhi"]
	probes := []float64{hhi.Value, firstHHI.Value, 1234.4, 2500, 10000}
	axes := readAxes(t, tb, fmtChartConcentration, probes)
	if len(axes) != 2 {
		t.Fatalf("customers.html: %s: %d y axes, want 2 (shares left, HHI right)", fmtChartConcentration, len(axes))
	}
	checkAxis(t, tb, fmtChartConcentration, axes[0], fm, figs["top5_share"], percentStyle)
	checkAxis(t, tb, fmtChartConcentration, axes[1], fm, hhi, integerStyle)
	if axes[1].Formatter {
		for i, v := range probes {
			want, _ := fm.Number(hhi.Spec, v)
			if i == 0 {
				want = prose["hhi"]
			} else if i == 1 {
				want = prose["first_hhi"]
			}
			if got := axes[1].Probes[i]; got != want {
				t.Errorf("customers.html: %s: the HHI axis formatter shows %v as %q, but the prose's format of {{fig hhi}} (%s) shows it as %q",
					fmtChartConcentration, v, got, hhi.Spec, want)
			}
		}
		t.Logf("customers.html: %s: the HHI axis formatter shows %v as %q", fmtChartConcentration, probes, axes[1].Probes)
	}

	// The tooltip at the last month holds the prose's figures.
	last := lastIndex(t, tb, fmtChartConcentration)
	tip := showTooltip(t, tb, fmtChartConcentration, last, prose["hhi"])
	wantInTooltip(t, tb, fmtChartConcentration, fmt.Sprintf("showTip at the last month (data index %d)", last), tip, prose, "tiktok_share", "top5_share", "hhi")
	t.Logf("customers.html: %s tooltip at data index %d: %q", fmtChartConcentration, last, tip.Text)
	hideTip(t, tb, fmtChartConcentration)
	tip = showTooltip(t, tb, fmtChartConcentration, 0, prose["first_hhi"], prose["first_month"])
	wantInTooltip(t, tb, fmtChartConcentration, "showTip at the first month (data index 0)", tip, prose, "first_hhi", "first_month")
	t.Logf("customers.html: %s tooltip at data index 0: %q", fmtChartConcentration, tip.Text)
}
