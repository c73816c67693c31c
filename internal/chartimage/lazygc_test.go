package chartimage

import (
	"runtime/debug"
	"testing"
)

// current returns the collector's percent without changing it.
func current() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

// A batch raises the collector's target, bounded, for as long as it draws;
// nested batches put it back once, after the last; a higher GOGC is left.
func TestLazyGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	outer := lazyGC()
	raised := current()
	if raised <= 100 || raised > lazyGCPercent {
		t.Errorf("while drawing, GC percent %d; want above 100, at most %d", raised, lazyGCPercent)
	}
	inner := lazyGC()
	inner()
	if p := current(); p != raised {
		t.Errorf("after a nested batch, GC percent %d; want %d until the outer one ends", p, raised)
	}
	outer()
	if p := current(); p != 100 {
		t.Errorf("after drawing, GC percent %d; want 100 back", p)
	}
	debug.SetGCPercent(800)
	lazyGC()()
	if p := current(); p != 800 {
		t.Errorf("GOGC 800: after drawing %d, want it left at 800", p)
	}
}
