package table

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Heading is the header a column gets when neither the table's [headers]
// nor the site's [labels] name it (package tableview), and the first
// column of a chart's data table. Words split at underscores, hyphens and
// spaces; the first word is capitalised and the rest stay as written,
// except that:
//
//   - a last word that is a unit goes in brackets: revenue_usd → "Revenue
//     (USD)", share_pct → "Share (%)", weight_kg → "Weight (kg)";
//   - abbreviations a reader knows in capitals are written so:
//     customer_id → "Customer ID", arr_yoy → "ARR YoY", q1_fy24 → "Q1 FY24";
//   - a month or quarter written with an underscore, as SQL names need
//     (2024_01, 2024_q1), is shown with a hyphen: "2024-01", "2024-Q1".
func Heading(name string) string {
	if m := periodName.FindStringSubmatch(name); m != nil {
		return m[1] + "-" + strings.ToUpper(m[2])
	}
	words := strings.FieldsFunc(name, func(r rune) bool { return r == '_' || r == '-' || unicode.IsSpace(r) })
	if len(words) == 0 {
		return name
	}
	unit := ""
	if len(words) > 1 {
		if u, ok := units[strings.ToLower(words[len(words)-1])]; ok {
			unit, words = u, words[:len(words)-1]
		}
	}
	for i, w := range words {
		words[i] = word(w, i == 0)
	}
	h := strings.Join(words, " ")
	if unit != "" {
		h += " (" + unit + ")"
	}
	return h
}

// periodName matches months and quarters whose hyphen SQL names lose.
var periodName = regexp.MustCompile(`^(\d{4})_((?:0[1-9]|1[0-2])|[qQ][1-4]|[hH][12])$`)

// units are the last words shown in brackets, as a reader expects them.
var units = map[string]string{
	"usd": "USD", "eur": "EUR", "gbp": "GBP", "jpy": "JPY", "cny": "CNY", "chf": "CHF",
	"cad": "CAD", "aud": "AUD", "inr": "INR", "sek": "SEK", "nok": "NOK", "dkk": "DKK",
	"hkd": "HKD", "sgd": "SGD", "krw": "KRW", "brl": "BRL", "mxn": "MXN", "aed": "AED",
	"pct": "%", "percent": "%", "bps": "bps", "pp": "pp",
	"kg": "kg", "km": "km", "mb": "MB", "gb": "GB", "tb": "TB", "ms": "ms",
}

// abbreviations are words shown in capitals (or in their usual mix).
var abbreviations = map[string]string{
	"id": "ID", "url": "URL", "arr": "ARR", "mrr": "MRR", "kpi": "KPI", "roi": "ROI",
	"yoy": "YoY", "qoq": "QoQ", "mom": "MoM", "ytd": "YTD", "qtd": "QTD", "mtd": "MTD",
	"ai": "AI", "api": "API", "sku": "SKU", "vat": "VAT", "ebitda": "EBITDA", "eps": "EPS",
	"cagr": "CAGR", "nps": "NPS", "ltv": "LTV", "cac": "CAC", "gmv": "GMV", "fte": "FTE",
	"usd": "USD", "eur": "EUR", "gbp": "GBP", "us": "US", "uk": "UK", "eu": "EU",
	"ceo": "CEO", "cfo": "CFO", "crm": "CRM", "gpu": "GPU", "cpu": "CPU",
}

// fiscal matches quarters, halves and fiscal years: q1, h2, fy24, fy2024.
var fiscal = regexp.MustCompile(`^(?i:q[1-4]|h[12]|fy\d{2}|fy\d{4})$`)

// word writes one word of a heading; the first is capitalised.
func word(w string, first bool) string {
	low := strings.ToLower(w)
	if a, ok := abbreviations[low]; ok {
		return a
	}
	if fiscal.MatchString(w) {
		return strings.ToUpper(w)
	}
	if !first {
		return w
	}
	r, n := utf8.DecodeRuneInString(w)
	return string(unicode.ToTitle(r)) + w[n:]
}
