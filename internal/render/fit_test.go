package render

import (
	"fmt"
	"strings"
	"testing"

	"github.com/briefing-dev/briefing/internal/render/fonts"
)

// TestFitText: each text element is given the width the fonts measured it
// at (so a browser drawing it with another font keeps the layout), its
// escaped content measured as the reader sees it; the result is still a
// safe SVG.
func TestFitText(t *testing.T) {
	set := fonts.Default()
	svg := `<svg xmlns="http://www.w3.org/2000/svg" width="100" height="40">` +
		`<text style="font-size:12px;font-family:Go, sans-serif;" fill="#333">AT&amp;T &lt;b&gt;</text>` +
		`<text style="font-size:20px;font-weight:bold;">Wide</text>` +
		`<text textLength="5">kept</text><text></text></svg>`
	got := string(fitText([]byte(svg), set))
	for _, want := range []string{
		fmt.Sprintf(`fill="#333" textLength="%.2f" lengthAdjust="spacingAndGlyphs">AT&amp;T &lt;b&gt;</text>`, set.Measure("AT&T <b>", fonts.Spec{Size: 12})),
		fmt.Sprintf(`textLength="%.2f" lengthAdjust="spacingAndGlyphs">Wide</text>`, set.Measure("Wide", fonts.Spec{Size: 20, Bold: true})),
		`<text textLength="5">kept</text>`,
		`<text></text>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("fitted SVG lacks %s:\n%s", want, got)
		}
	}
	if err := Sanitize([]byte(got)); err != nil {
		t.Errorf("the fitted SVG is refused: %v", err)
	}
}
