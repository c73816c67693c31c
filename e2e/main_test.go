package e2e

import (
	"fmt"
	"os"
	"slices"
	"sync"
	"testing"
)

// The package shares what is slow to make: one browser, one build of each
// briefing and one server for each build. Each is made by the first test
// that asks for it (so that `go test -run` of any one test works alone)
// and stopped or removed by TestMain once every test has run.

// TestMain runs the tests, then stops and removes what they shared.
func TestMain(m *testing.M) {
	code := m.Run()
	for _, stop := range slices.Backward(shared.stops()) {
		stop()
	}
	os.Exit(code)
}

// shared holds what TestMain undoes, newest last.
var shared stopList

type stopList struct {
	mu  sync.Mutex
	fns []func()
}

// atExit has stop run after every test.
func (l *stopList) atExit(stop func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.fns = append(l.fns, stop)
}

func (l *stopList) stops() []func() {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.fns)
}

// once makes a value on first use and hands the same value, or the same
// error, to every test after.
type once[T any] struct {
	once sync.Once
	v    T
	err  error
}

// get returns the value, making it with mk the first time; it fails
// the test if making it failed.
func (o *once[T]) get(t *testing.T, mk func() (T, error)) T {
	t.Helper()
	o.once.Do(func() { o.v, o.err = mk() })
	if o.err != nil {
		t.Fatal(o.err)
	}
	return o.v
}

// tempDir makes a folder that lives until every test has run.
func tempDir(name string) (string, error) {
	dir, err := os.MkdirTemp("", "briefing-e2e-"+name+"-")
	if err != nil {
		return "", fmt.Errorf("making a temporary folder: %w", err)
	}
	shared.atExit(func() { os.RemoveAll(dir) })
	return dir, nil
}
