// Package memo keeps values from one build to the next (briefing serve):
// each under a name and the sum of what it was made from, all under a key
// that covers what every value shares. A round (Start) reuses the values
// of the round before whose sums still match, and keeps only what it
// used or made, so that nothing outlives the files it came from.
package memo

import (
	"crypto/sha256"
	"sync"
)

// Sum is what a value was made from, hashed.
type Sum = [sha256.Size]byte

// Table holds values by name. A nil *Table keeps nothing; the zero value
// is ready to use. It is safe for concurrent use within a round.
type Table[V any] struct {
	mu   sync.Mutex
	key  string
	cur  map[string]entry[V] // kept by this round
	prev map[string]entry[V] // the round before's, while its key holds
	// Reused counts the values this round took from the round before.
	Reused int
}

type entry[V any] struct {
	sum Sum
	v   V
}

// Start begins a round under key: the values of the round before are
// reused only if it had the same key. It returns nil, which keeps
// nothing, for a nil table or an empty key.
func (t *Table[V]) Start(key string) *Table[V] {
	if t == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.prev, t.cur, t.Reused = t.cur, map[string]entry[V]{}, 0
	if key == "" || key != t.key {
		t.prev = nil
	}
	t.key = key
	if key == "" {
		return nil
	}
	return t
}

// Get returns the value the round before kept for name, if it was made
// from sum, and keeps it for the next round.
func (t *Table[V]) Get(name string, sum Sum) (V, bool) {
	var zero V
	if t == nil {
		return zero, false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.prev[name]
	if !ok || e.sum != sum {
		return zero, false
	}
	t.cur[name] = e
	t.Reused++
	return e.v, true
}

// Put keeps v, made from sum, under name for the next round.
func (t *Table[V]) Put(name string, sum Sum, v V) {
	if t == nil {
		return
	}
	t.mu.Lock()
	t.cur[name] = entry[V]{sum, v}
	t.mu.Unlock()
}
