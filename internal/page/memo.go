package page

import (
	"crypto/sha256"

	"github.com/briefing-dev/briefing/internal/memo"
)

// Memo keeps the content files' pages from one Prepare to the next
// (briefing serve): a file whose bytes did not change is not parsed,
// checked or bound again, and its pages are the same values, so that the
// render stage can tell them (site.Memo). The key given with it
// (Input.MemoKey) must change whenever anything a page is made from but
// the file itself does: the data, figures, chart and table specs,
// editions, the drafts switch. A nil *Memo keeps nothing.
type Memo = memo.Table[source]

// sum is what a content file's pages are made from besides the key.
func sum(src []byte) memo.Sum { return sha256.Sum256(src) }
