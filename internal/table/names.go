package table

import (
	"fmt"
	"slices"
	"strings"
)

// Suggest is the end of an error about an unknown name: the close
// matches among have, then all of them, what being their plural
// ("columns", "tables"): ` (did you mean revenue? columns: month,
// revenue)`. Names are compared without case; a close match is one a
// few edits away, or one that contains the name or is contained in it.
func Suggest(name string, have []string, what string) string {
	if len(have) == 0 {
		return fmt.Sprintf(" (there are no %s)", what)
	}
	close := Close(name, have)
	list := what + ": " + strings.Join(have, ", ")
	if len(close) == 0 {
		return " (" + list + ")"
	}
	return fmt.Sprintf(" (did you mean %s? %s)", strings.Join(close, " or "), list)
}

// Close returns up to three names of have close to name, closest first.
func Close(name string, have []string) []string {
	type cand struct {
		s string
		d int
	}
	low := strings.ToLower(name)
	var cands []cand
	for _, h := range have {
		hl := strings.ToLower(h)
		if hl == low {
			continue
		}
		d := editDistance(low, hl)
		limit := max(1, min(len(low), len(hl))/3)
		if d <= limit || len(low) >= 3 && (strings.Contains(hl, low) || strings.Contains(low, hl) && len(hl) >= 3) {
			cands = append(cands, cand{h, d})
		}
	}
	slices.SortStableFunc(cands, func(a, b cand) int { return a.d - b.d })
	var out []string
	for _, c := range cands[:min(3, len(cands))] {
		out = append(out, c.s)
	}
	return out
}

// editDistance is the Levenshtein distance between a and b, by runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 64 || len(rb) > 64 {
		return max(len(ra), len(rb)) // long names: no near matches, in bounded time
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
