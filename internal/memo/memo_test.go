package memo

import (
	"crypto/sha256"
	"testing"
)

func TestTable(t *testing.T) {
	a, b := sha256.Sum256([]byte("a")), sha256.Sum256([]byte("b"))
	var tb Table[int]
	r := tb.Start("k1")
	r.Put("x", a, 1)
	r.Put("y", a, 2)
	if _, ok := r.Get("x", a); ok {
		t.Error("a value is reused within the round that made it")
	}
	r = tb.Start("k1")
	if v, ok := r.Get("x", a); !ok || v != 1 {
		t.Errorf("Get(x, a) = %d, %v; want 1 from the round before", v, ok)
	}
	if _, ok := r.Get("y", b); ok {
		t.Error("a value made from another sum is reused")
	}
	if tb.Reused != 1 {
		t.Errorf("Reused = %d, want 1", tb.Reused)
	}
	// y was neither used nor made again: the next round has only x.
	r = tb.Start("k1")
	if _, ok := r.Get("y", a); ok {
		t.Error("a value the round before did not keep is reused")
	}
	if _, ok := r.Get("x", a); !ok {
		t.Error("a value reused by the round before is not kept")
	}
	// Another key reuses nothing; an empty key keeps nothing.
	if _, ok := tb.Start("k2").Get("x", a); ok {
		t.Error("a value is reused under another key")
	}
	if r := tb.Start(""); r != nil {
		t.Error("an empty key gives a table")
	}
	var none *Table[int]
	none.Start("k").Put("x", a, 1)
	if _, ok := none.Get("x", a); ok {
		t.Error("a nil table keeps a value")
	}
}
