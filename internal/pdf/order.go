package pdf

import (
	"fmt"
	"slices"
	"strings"

	"github.com/briefing-dev/briefing/internal/diag"
	"github.com/briefing-dev/briefing/internal/page"
	"github.com/briefing-dev/briefing/internal/table"
)

// Order returns the pages to print in navigation order: each page of the
// navigation, followed, with rows, by the pages made per row that it lists
// ({{pages NAME}}); then, with rows, the pages made per row that no page
// lists. With names, only the pages named (by output path, with or
// without .html: "customers", "customer/tiktok") are printed, in that
// same order, whether made per row or not; a name that is no page is a
// configuration error naming the close matches.
func Order(pages []page.Page, names []string, rows bool) ([]page.Page, error) {
	var out []page.Page
	seen := map[string]bool{}
	add := func(p page.Page) {
		if !seen[p.Path] {
			seen[p.Path] = true
			out = append(out, p)
		}
	}
	byPath := map[string]page.Page{}
	for _, p := range pages {
		byPath[p.Path] = p
	}
	for _, p := range pages {
		if !p.InNav {
			continue
		}
		add(p)
		for _, list := range sortedLists(p) {
			for _, l := range list {
				if q, ok := byPath[l.Path]; ok {
					add(q)
				}
			}
		}
	}
	for _, p := range pages {
		add(p)
	}
	if len(names) == 0 {
		if !rows {
			out = slices.DeleteFunc(out, func(p page.Page) bool { return !p.InNav })
		}
		return out, nil
	}
	return pick(out, names)
}

// sortedLists returns a page's {{pages}} lists in name order.
func sortedLists(p page.Page) [][]page.Link {
	keys := make([]string, 0, len(p.Lists))
	for k := range p.Lists {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var lists [][]page.Link
	for _, k := range keys {
		lists = append(lists, p.Lists[k])
	}
	return lists
}

// pick keeps the named pages of ordered, in its order.
func pick(ordered []page.Page, names []string) ([]page.Page, error) {
	want := map[string]bool{}
	var errs []error
	for _, n := range names {
		p := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(n), "/"), ".html") + ".html"
		if !slices.ContainsFunc(ordered, func(q page.Page) bool { return q.Path == p }) {
			errs = append(errs, unknownPage(n, ordered))
			continue
		}
		want[p] = true
	}
	if err := diag.Join(errs...); err != nil {
		return nil, err
	}
	return slices.DeleteFunc(slices.Clone(ordered), func(p page.Page) bool { return !want[p.Path] }), nil
}

func unknownPage(name string, pages []page.Page) error {
	var all, nav []string
	for _, p := range pages {
		n := strings.TrimSuffix(p.Path, ".html")
		all = append(all, n)
		if p.InNav {
			nav = append(nav, n)
		}
	}
	msg := fmt.Sprintf("--pages: no page %q (pages: %s", name, strings.Join(nav, ", "))
	if len(nav) < len(all) {
		msg += fmt.Sprintf(", and %d made per row", len(all)-len(nav))
	}
	msg += ")"
	if close := table.Close(strings.TrimSuffix(name, ".html"), all); len(close) > 0 {
		msg = fmt.Sprintf("--pages: no page %q (did you mean %s? %s", name, strings.Join(close, " or "), msg[len(fmt.Sprintf("--pages: no page %q (", name)):])
	}
	return diag.Config.Errorf(diag.Pos{}, "%s", msg)
}
