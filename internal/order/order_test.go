package order

import (
	"slices"
	"testing"
)

func graph(g map[string][]string) func(string) []string {
	return func(n string) []string { return g[n] }
}

func TestSortPutsDependenciesFirst(t *testing.T) {
	g := map[string][]string{
		"share": {"acme", "total"},
		"total": {"monthly"},
		"acme":  {"monthly", "outside"}, // outside is not one of the names
	}
	names := []string{"share", "acme", "total", "monthly"}
	got, cycle := Sort(names, graph(g))
	if cycle != nil {
		t.Fatalf("cycle %v in an acyclic graph", cycle)
	}
	if len(got) != len(names) {
		t.Fatalf("Sort = %v, want each of %v once", got, names)
	}
	for n, ds := range g {
		for _, d := range ds {
			if d != "outside" && slices.Index(got, d) > slices.Index(got, n) {
				t.Errorf("%s comes before its dependency %s in %v", n, d, got)
			}
		}
	}
	again, _ := Sort(names, graph(g))
	if !slices.Equal(got, again) {
		t.Errorf("two sorts differ: %v, %v", got, again)
	}
}

func TestSortNamesTheCycle(t *testing.T) {
	for _, c := range []struct {
		g     map[string][]string
		names []string
		want  string
	}{
		{map[string][]string{"a": {"a"}}, []string{"a"}, "a → a"},
		{map[string][]string{"a": {"b"}, "b": {"a"}}, []string{"a", "b"}, "a → b → a"},
		// The cycle starts where it closes, not at the first name visited.
		{map[string][]string{"top": {"x"}, "x": {"y"}, "y": {"z"}, "z": {"x"}}, []string{"top", "x", "y", "z"}, "x → y → z → x"},
	} {
		got, cycle := Sort(c.names, graph(c.g))
		if got != nil || Path(cycle) != c.want {
			t.Errorf("Sort(%v) = %v, cycle %q; want cycle %q", c.g, got, Path(cycle), c.want)
		}
	}
}
