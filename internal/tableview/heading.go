package tableview

import "github.com/briefing-dev/briefing/internal/table"

// Heading is table.Heading: the header a column gets when neither the
// table's [headers] nor the site's [labels] name it.
func Heading(name string) string { return table.Heading(name) }

// header is the header of column col: the table's [headers], else the
// site's [labels], else Heading.
func (s *Spec) header(col string) string {
	if h := s.Headers[col]; h != "" {
		return h
	}
	if h := s.labels[col]; h != "" {
		return h
	}
	return Heading(col)
}

// SetLabels gives every table the site's labels (site.toml [labels]):
// the header of a column that its table's [headers] does not name.
func SetLabels(specs map[string]*Spec, labels map[string]string) {
	for _, s := range specs {
		s.labels = labels
	}
}
