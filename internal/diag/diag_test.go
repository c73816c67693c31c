package diag

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"
)

func TestExitCodeByKind(t *testing.T) {
	want := map[Kind]int{
		Config: ExitUsage, Output: ExitUsage, Internal: ExitInternal,
		Data: ExitSource, Query: ExitSource, Figure: ExitSource, Chart: ExitSource,
		Table: ExitSource, Content: ExitSource, Template: ExitSource, Source: ExitDatabase,
	}
	for k, code := range want {
		if got := ExitCode(k.Errorf(Pos{File: "x"}, "bad")); got != code {
			t.Errorf("ExitCode(%s error) = %d, want %d", k, got, code)
		}
	}
	if got := ExitCode(nil); got != ExitOK {
		t.Errorf("ExitCode(nil) = %d", got)
	}
	if got := ExitCode(fs.ErrPermission); got != ExitInternal {
		t.Errorf("ExitCode(a plain error) = %d, want %d", got, ExitInternal)
	}
}

// The worst kind decides, wherever the errors sit: in a List, behind %w,
// in errors.Join, or beside a plain error.
func TestExitCodeSeesEveryProblem(t *testing.T) {
	data := Data.Errorf(Pos{File: "data/a.csv", Line: 2}, "bad value")
	config := Config.Errorf(Pos{File: "site.toml", Line: 1}, "bad key")
	for _, c := range []struct {
		name string
		err  error
		want int
	}{
		{"list", List{data, config}, ExitUsage},
		{"wrapped list", fmt.Errorf("building: %w", List{data, config}), ExitUsage},
		{"errors.Join", errors.Join(data, config), ExitUsage},
		{"join of sources", errors.Join(data, data), ExitSource},
		{"beside a plain error", errors.Join(data, errors.New("disk full")), ExitInternal},
	} {
		if got := ExitCode(c.err); got != c.want {
			t.Errorf("%s: ExitCode = %d, want %d", c.name, got, c.want)
		}
	}
}

func TestFlattenThroughJoin(t *testing.T) {
	a := Chart.Errorf(Pos{File: "charts/a.toml", Line: 1}, "a")
	b := Table.Errorf(Pos{File: "tables/b.toml", Line: 2}, "b")
	got := Flatten(fmt.Errorf("loading: %w", errors.Join(a, b)))
	if len(got) != 2 || got[0] != a || got[1] != b {
		t.Errorf("Flatten = %v, want both errors", got)
	}
	// An *Error's own cause is not a second problem.
	w := Query.Wrap(Pos{File: "queries/q.sql"}, a)
	if got := Flatten(w); len(got) != 1 || got[0] != w {
		t.Errorf("Flatten(wrapped *Error) = %v, want the wrapper alone", got)
	}
	if IsSource(errors.New("plain")) || !IsSource(fmt.Errorf("x: %w", b)) {
		t.Error("IsSource does not tell a placed problem from a plain error")
	}
}

func TestJoinKeepsEveryProblem(t *testing.T) {
	a := Data.Errorf(Pos{File: "data/a.csv"}, "a")
	b := Data.Errorf(Pos{File: "data/b.csv"}, "b")
	c := Data.Errorf(Pos{File: "data/c.csv"}, "c")
	got := Flatten(Join(errors.Join(a, b), nil, c))
	if len(got) != 3 {
		t.Fatalf("Join lost problems: %v", got)
	}
	io := fmt.Errorf("reading: %w", fs.ErrClosed)
	if j := Join(a, io); j != io {
		t.Errorf("Join(source, I/O) = %v, want the I/O failure", j)
	}
}

func TestReportPrintsPlainErrorsToo(t *testing.T) {
	var text, js bytes.Buffer
	err := errors.Join(Figure.Errorf(Pos{File: "figures.toml", Line: 3, Col: 7}, "figure \"x\": no rows"),
		fmt.Errorf("writing output: %w", fs.ErrPermission))
	(&Printer{W: &text, Prefix: "briefing: "}).Report(err)
	(&Printer{W: &js, JSON: true}).Report(err)
	wantText := "briefing: figures.toml:3:7: figure \"x\": no rows\nbriefing: writing output: permission denied\n"
	if text.String() != wantText {
		t.Errorf("text:\n%s\nwant:\n%s", text.String(), wantText)
	}
	lines := strings.Split(strings.TrimSpace(js.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"code":"figure"`) || !strings.Contains(lines[1], `"code":"internal"`) {
		t.Errorf("json:\n%s", js.String())
	}
}
