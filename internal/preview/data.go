package preview

import (
	"encoding/json"
	"html/template"
	"net/http"

	"github.com/briefing-dev/briefing/internal/table"
)

// The data view shows what `briefing describe` prints, for the last good
// build: /_briefing/data as a page, /_briefing/data.json as the same JSON
// array `briefing describe --format json` writes.
const (
	dataPath     = "/_briefing/data"
	dataJSONPath = "/_briefing/data.json"
	dataSamples  = 5 // first rows shown per table
)

// serveData answers the data view's two URLs; it reports false for any
// other path.
func (s *Server) serveData(w http.ResponseWriter, r *http.Request) bool {
	if r.URL.Path != dataPath && r.URL.Path != dataJSONPath {
		return false
	}
	w.Header().Set("Content-Security-Policy", ownPolicy)
	w.Header().Set("Cache-Control", "no-store")
	s.mu.Lock()
	list := s.data
	s.mu.Unlock()
	if list == nil {
		list = []table.Summary{}
	}
	if r.URL.Path == dataJSONPath {
		w.Header().Set("Content-Type", "application/json")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.Encode(list)
		return true
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	dataPage.Execute(w, list)
	return true
}

// dataPage is the view; html/template escapes every name and value.
var dataPage = template.Must(template.New("data").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Data · briefing</title>
<style>body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1b1f27}table{border-collapse:collapse;margin:.5rem 0 1.5rem}
th,td{border-bottom:1px solid #dde;padding:.2rem .6rem;text-align:left;vertical-align:top}th{background:#f4f5f8}
td.n{text-align:right;font-variant-numeric:tabular-nums}.origin{color:#556}h2{margin:2rem 0 .2rem}nav a{margin-right:.8rem}</style></head>
<body><h1>Data the build sees</h1>
<p>Every table, as SQL names its columns. <a href="/_briefing/data.json">JSON</a> · <a href="/">the briefing</a></p>
<nav>{{range .}}<a href="#t-{{.Name}}">{{.Name}}</a>{{end}}</nav>
{{range .}}<section id="t-{{.Name}}"><h2>{{.Name}}</h2>
<p class="origin">{{if eq .Origin.Source "query"}}query {{.Origin.File}}{{else}}{{.Origin.File}}{{with .Origin.Sheet}}, sheet {{.}}{{end}}{{with .Origin.Range}}, {{.}}{{end}}{{end}} · {{.Rows}} rows</p>
<table><thead><tr><th>column</th><th>kind</th><th>from</th><th>nulls</th><th>min</th><th>max</th></tr></thead><tbody>
{{range .Columns}}<tr><td><code>{{.Name}}</code></td><td>{{.Kind}}</td><td>{{.From}}</td><td class="n">{{.Nulls}}</td><td>{{.Min}}</td><td>{{.Max}}</td></tr>
{{end}}</tbody></table>
{{if .Sample}}<table><thead><tr>{{range .Columns}}<th>{{.Name}}</th>{{end}}</tr></thead><tbody>
{{range .Sample}}<tr>{{range .}}<td>{{if .}}{{.}}{{else}}<em>null</em>{{end}}</td>{{end}}</tr>
{{end}}</tbody></table>{{end}}</section>
{{end}}</body></html>
`))
