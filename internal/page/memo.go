package page

import (
	"crypto/sha256"
	"sync"
)

// Memo keeps the content files' pages from one Prepare to the next
// (briefing serve): a file whose bytes did not change is not parsed,
// checked or bound again, and its pages are the same values, so that the
// render stage can tell them (site.Memo). The key given with it must
// change whenever anything a page is made from but the file itself does:
// the data, figures, chart and table specs, editions, the drafts switch.
// A nil *Memo keeps nothing. The zero value is ready to use.
type Memo struct {
	mu    sync.Mutex
	key   string
	files map[string]memoFile // kept by the last Prepare
	prev  map[string]memoFile // being reused by this one
	// Reused counts the content files the last Prepare took from the memo.
	Reused int
}

type memoFile struct {
	sum [sha256.Size]byte
	s   source
}

// start begins a Prepare under key; it returns nil (keep nothing) for a
// nil memo or an empty key.
func (m *Memo) start(key string) *Memo {
	if m == nil {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.prev, m.files, m.Reused = m.files, map[string]memoFile{}, 0
	if key == "" || key != m.key {
		m.prev = nil
	}
	m.key = key
	if key == "" {
		return nil
	}
	return m
}

// get returns the source kept for file when it was made from src.
func (m *Memo) get(file string, src []byte) (source, bool) {
	if m == nil {
		return source{}, false
	}
	sum := sha256.Sum256(src)
	m.mu.Lock()
	defer m.mu.Unlock()
	f, ok := m.prev[file]
	if !ok || f.sum != sum {
		return source{}, false
	}
	m.files[file] = f
	m.Reused++
	return f.s, true
}

// put keeps the source made from file's bytes src.
func (m *Memo) put(file string, src []byte, s source) {
	if m == nil {
		return
	}
	sum := sha256.Sum256(src)
	m.mu.Lock()
	m.files[file] = memoFile{sum, s}
	m.mu.Unlock()
}
