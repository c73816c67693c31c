package raster

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"runtime"
	"strings"
	"testing"

	"github.com/briefing-dev/briefing/internal/render/fonts"
)

// render draws an SVG body in a w×h document at scale 1.
func render(t *testing.T, w, h int, body string) *image.RGBA {
	t.Helper()
	svg := fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d">%s</svg>`, w, h, body)
	img, err := Rasterize([]byte(svg), 1)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func at(img *image.RGBA, x, y int) color.RGBA { return img.RGBAAt(x, y) }

var (
	white = color.RGBA{255, 255, 255, 255}
	black = color.RGBA{0, 0, 0, 255}
)

// near reports whether two colours differ by at most tol in every channel.
func near(a, b color.RGBA, tol int) bool {
	d := func(x, y uint8) int {
		if x > y {
			return int(x - y)
		}
		return int(y - x)
	}
	return d(a.R, b.R) <= tol && d(a.G, b.G) <= tol && d(a.B, b.B) <= tol && d(a.A, b.A) <= tol
}

func wantColor(t *testing.T, img *image.RGBA, x, y int, want color.RGBA, tol int, what string) {
	t.Helper()
	if got := at(img, x, y); !near(got, want, tol) {
		t.Errorf("%s: pixel (%d, %d) = %v, want %v", what, x, y, got, want)
	}
}

// inkBox returns the bounding box of pixels that are not white.
func inkBox(img *image.RGBA) image.Rectangle {
	var box image.Rectangle
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if at(img, x, y) != white {
				box = box.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	return box
}

func TestSizeAndScale(t *testing.T) {
	svg := []byte(`<svg width="600" height="400" viewBox="0 0 600 400"><rect x="0" y="0" width="300" height="200" fill="#000"/></svg>`)
	img, err := Rasterize(svg, 2)
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds() != image.Rect(0, 0, 1200, 800) {
		t.Fatalf("bounds %v", img.Bounds())
	}
	wantColor(t, img, 599, 399, black, 0, "inside the scaled rect")
	wantColor(t, img, 600, 400, white, 0, "outside it")
	// viewBox maps onto the size, centred (xMidYMid meet).
	img, err = Rasterize([]byte(`<svg width="200" height="100" viewBox="0 0 10 10"><rect width="10" height="10" fill="#000"/></svg>`), 1)
	if err != nil {
		t.Fatal(err)
	}
	wantColor(t, img, 55, 50, black, 0, "viewBox centre")
	wantColor(t, img, 45, 50, white, 0, "left of the letterboxed viewBox")
	// PNG encodes the same picture.
	data, err := PNG(svg, 1)
	if err != nil {
		t.Fatal(err)
	}
	dec, err := png.Decode(bytes.NewReader(data))
	if err != nil || dec.Bounds().Dx() != 600 {
		t.Fatalf("PNG: %v, %v", err, dec.Bounds())
	}
}

func TestStrokeHorizontalLine(t *testing.T) {
	// A 10px-wide line along y = 50 covers rows 45–54 from x = 10 to 90.
	img := render(t, 100, 100, `<path d="M10 50L90 50" stroke="#000" stroke-width="10"/>`)
	for y := 45; y < 55; y++ {
		wantColor(t, img, 50, y, black, 0, "inside the stroke")
		wantColor(t, img, 10, y, black, 0, "first column")
		wantColor(t, img, 89, y, black, 0, "last column")
	}
	wantColor(t, img, 50, 44, white, 0, "above")
	wantColor(t, img, 50, 55, white, 0, "below")
	wantColor(t, img, 9, 50, white, 0, "butt cap: nothing before the start")
	wantColor(t, img, 90, 50, white, 0, "butt cap: nothing after the end")

	img = render(t, 100, 100, `<line x1="10" y1="50" x2="90" y2="50" stroke="#000" stroke-width="10" stroke-linecap="square"/>`)
	wantColor(t, img, 5, 46, black, 0, "square cap")
	wantColor(t, img, 94, 53, black, 0, "square cap at the end")
	wantColor(t, img, 4, 50, white, 0, "square cap extends half the width")

	img = render(t, 100, 100, `<polyline points="10,50 90,50" fill="none" stroke="#000" stroke-width="10" stroke-linecap="round"/>`)
	wantColor(t, img, 6, 50, black, 0, "round cap on the axis")
	wantColor(t, img, 5, 45, white, 0, "round cap's corner is cut")

	// Half-pixel lines, as ECharts draws its 1px axes: at 2× they cover
	// exactly two rows.
	svg := `<svg width="20" height="20"><path d="M0 10.5L20 10.5" stroke="#000"/></svg>`
	img2, err := Rasterize([]byte(svg), 2)
	if err != nil {
		t.Fatal(err)
	}
	wantColor(t, img2, 10, 20, black, 0, "row 20")
	wantColor(t, img2, 10, 21, black, 0, "row 21")
	wantColor(t, img2, 10, 19, white, 0, "row 19")
	wantColor(t, img2, 10, 22, white, 0, "row 22")
}

func TestStrokeJoins(t *testing.T) {
	// A right angle at (50, 20), stroke 20 wide: the outer corner square
	// (50..60, 10..20) is filled by miter, cut diagonally by bevel, and
	// rounded by round.
	const body = `<path d="M10 20L50 20L50 80" fill="none" stroke="#000" stroke-width="20" stroke-linejoin="%s"/>`
	miter := render(t, 100, 100, fmt.Sprintf(body, "miter"))
	bevel := render(t, 100, 100, fmt.Sprintf(body, "bevel"))
	round := render(t, 100, 100, fmt.Sprintf(body, "round"))
	wantColor(t, miter, 58, 11, black, 0, "miter corner")
	wantColor(t, bevel, 58, 11, white, 0, "bevel corner")
	wantColor(t, bevel, 53, 16, black, 0, "bevel inside the diagonal")
	wantColor(t, round, 58, 11, white, 0, "round corner")
	wantColor(t, round, 55, 14, black, 0, "round inside the arc")
	// Inner side and segments are filled alike.
	for _, img := range []*image.RGBA{miter, bevel, round} {
		wantColor(t, img, 45, 25, black, 0, "inner corner")
		wantColor(t, img, 50, 70, black, 0, "second segment")
	}
	// A sharp angle (36.9°, miter ratio 3.16, tip 15.8 above the apex)
	// beyond the miter limit is bevelled.
	img := render(t, 200, 100, `<path d="M80 90L100 30L120 90" fill="none" stroke="#000" stroke-width="10" stroke-miterlimit="3"/>`)
	wantColor(t, img, 100, 18, white, 0, "miter over the limit")
	img = render(t, 200, 100, `<path d="M80 90L100 30L120 90" fill="none" stroke="#000" stroke-width="10" stroke-miterlimit="3.2"/>`)
	wantColor(t, img, 100, 18, black, 0, "miter within the limit")
	// A closed path joins at its start too.
	img = render(t, 100, 100, `<path d="M20 20H80V80H20Z" fill="none" stroke="#000" stroke-width="10"/>`)
	wantColor(t, img, 16, 16, black, 0, "closing join")
	wantColor(t, img, 50, 50, white, 0, "inside the square")
}

func TestDashes(t *testing.T) {
	// Dashes of 10 and gaps of 10 from x = 0, along y = 5.
	img := render(t, 100, 10, `<path d="M0 5H100" stroke="#000" stroke-width="4" stroke-dasharray="10,10"/>`)
	for x := 0; x < 100; x++ {
		want := white
		if (x/10)%2 == 0 {
			want = black
		}
		wantColor(t, img, x, 5, want, 0, "dash pattern")
	}
	// An offset of 5 shifts the pattern left; an odd list repeats.
	img = render(t, 100, 10, `<path d="M0 5H100" stroke="#000" stroke-width="4" stroke-dasharray="10" stroke-dashoffset="5"/>`)
	wantColor(t, img, 2, 5, black, 0, "first half dash")
	wantColor(t, img, 7, 5, white, 0, "first gap")
	wantColor(t, img, 17, 5, black, 0, "second dash")
	// Dashes run on round a corner.
	img = render(t, 100, 100, `<path d="M10 10H50V90" fill="none" stroke="#000" stroke-width="4" stroke-dasharray="30 10"/>`)
	wantColor(t, img, 45, 10, white, 0, "gap before the corner (30..40)")
	wantColor(t, img, 50, 15, black, 0, "dash over the corner (40..70)")
	// Zero-length dashes with round caps are dots.
	img = render(t, 100, 10, `<path d="M5 5H100" stroke="#000" stroke-width="4" stroke-dasharray="0 20" stroke-linecap="round"/>`)
	wantColor(t, img, 5, 5, black, 0, "dot at 0")
	wantColor(t, img, 25, 5, black, 0, "dot at 20")
	wantColor(t, img, 15, 5, white, 0, "between dots")
}

func TestFillAndOpacity(t *testing.T) {
	img := render(t, 100, 100, `
		<rect x="10" y="10" width="30" height="30" fill="#ff0000" fill-opacity="0.5"/>
		<rect x="60" y="10" width="30" height="30" fill="rgba(0,0,255,0.5)" opacity="0.5"/>
		<circle cx="25" cy="75" r="15" fill="currentColor" color="#00ff00"/>
		<rect x="60" y="60" width="30" height="30" fill="#000" stroke="#f00" stroke-width="10" opacity="0.5"/>`)
	wantColor(t, img, 25, 25, color.RGBA{255, 128, 128, 255}, 1, "half red over white")
	wantColor(t, img, 75, 25, color.RGBA{191, 191, 255, 255}, 1, "quarter blue over white")
	wantColor(t, img, 25, 75, color.RGBA{0, 255, 0, 255}, 0, "currentColor")
	// Opacity applies to the shape as a whole: where the stroke covers the
	// fill, only the stroke shows, at half strength.
	wantColor(t, img, 62, 62, color.RGBA{255, 128, 128, 255}, 1, "stroke over fill, one layer")
	wantColor(t, img, 75, 75, color.RGBA{128, 128, 128, 255}, 1, "fill alone")
	// Group opacity composites the group once.
	img = render(t, 100, 100, `<g opacity="0.5"><rect width="60" height="60" fill="#000"/><rect x="40" y="40" width="60" height="60" fill="#000"/></g>`)
	wantColor(t, img, 50, 50, color.RGBA{128, 128, 128, 255}, 1, "overlap in a translucent group")
	// Rounded rectangles: the corner is cut.
	img = render(t, 100, 100, `<rect x="10" y="10" width="80" height="80" rx="20" fill="#000"/>`)
	wantColor(t, img, 12, 12, white, 0, "rounded corner")
	wantColor(t, img, 30, 12, black, 0, "top edge past the corner")
	// Inner subpaths wound the other way are holes (non-zero).
	img = render(t, 100, 100, `<path d="M10 10H90V90H10Z M30 30V70H70V30Z" fill="#000"/>`)
	wantColor(t, img, 50, 50, white, 0, "hole")
	wantColor(t, img, 20, 50, black, 0, "ring")
}

func TestTransforms(t *testing.T) {
	img := render(t, 100, 100, `<g transform="translate(50 50)"><rect transform="rotate(45)" x="-10" y="-10" width="20" height="20" fill="#000"/></g>`)
	wantColor(t, img, 50, 37, black, 0, "rotated square's top corner")
	wantColor(t, img, 40, 40, white, 0, "where the unrotated corner would be")
	img = render(t, 100, 100, `<rect transform="matrix(2,0,0,2,10,10)" width="10" height="10" fill="#000" stroke="#f00"/>`)
	// The stroke scales with the transform: 1 unit is 2 pixels wide.
	wantColor(t, img, 20, 10, color.RGBA{255, 0, 0, 255}, 0, "scaled stroke")
	wantColor(t, img, 20, 8, white, 0, "outside the scaled stroke")
	wantColor(t, img, 20, 20, black, 0, "scaled fill")
}

func TestClipPath(t *testing.T) {
	// The clip path is drawn in the user space of the element that uses it:
	// here the group's, translated by (50, 50), so the circle clips around
	// (50, 50), and its own transform moves it 10 further right.
	img := render(t, 100, 100, `
		<defs><clipPath id="c"><circle r="20" transform="translate(10 0)"/></clipPath></defs>
		<g transform="translate(50 50)" clip-path="url(#c)"><rect x="-50" y="-50" width="100" height="100" fill="#000"/></g>`)
	wantColor(t, img, 60, 50, black, 0, "clip centre")
	wantColor(t, img, 45, 50, black, 0, "inside the clip circle")
	wantColor(t, img, 35, 50, white, 0, "left of the clip circle")
	wantColor(t, img, 60, 25, white, 0, "above the clip circle")
	// ECharts defines its clip paths after the groups that use them.
	img = render(t, 100, 100, `
		<g clip-path="url(#late)"><rect width="100" height="100" fill="#000"/></g>
		<defs><clipPath id="late"><path d="M20 20l40 0l0 40l-40 0Z" fill="#000"/></clipPath></defs>`)
	wantColor(t, img, 40, 40, black, 0, "inside a clip defined later")
	wantColor(t, img, 70, 40, white, 0, "outside it")
	// Nested clips intersect; a missing one is ignored; an empty one hides.
	img = render(t, 100, 100, `
		<defs><clipPath id="a"><rect width="60" height="100"/></clipPath><clipPath id="b"><rect x="40" width="60" height="100"/></clipPath><clipPath id="e"/></defs>
		<g clip-path="url(#a)"><g clip-path="url(#b)"><rect width="100" height="50" fill="#000"/></g></g>
		<g clip-path="url(#missing)"><rect y="60" width="10" height="10" fill="#000"/></g>
		<g clip-path="url(#e)"><rect x="50" y="60" width="10" height="10" fill="#000"/></g>`)
	wantColor(t, img, 50, 20, black, 0, "inside both clips")
	wantColor(t, img, 30, 20, white, 0, "inside one clip")
	wantColor(t, img, 70, 20, white, 0, "inside the other")
	wantColor(t, img, 5, 65, black, 0, "missing clip path")
	wantColor(t, img, 55, 65, white, 0, "empty clip path")
	// objectBoundingBox units: the clip is in fractions of the box.
	img = render(t, 100, 100, `<clipPath id="o" clipPathUnits="objectBoundingBox"><rect width="0.5" height="1"/></clipPath>
		<rect x="20" y="20" width="60" height="60" fill="#000" clip-path="url(#o)"/>`)
	wantColor(t, img, 40, 50, black, 0, "left half of the box")
	wantColor(t, img, 60, 50, white, 0, "right half of the box")
}

func TestGradients(t *testing.T) {
	img := render(t, 200, 100, `<defs>
		<linearGradient id="h" x1="0" y1="0" x2="1" y2="0"><stop offset="0%" stop-color="#ff0000"/><stop offset="100%" stop-color="#0000ff"/></linearGradient>
		<linearGradient id="u" gradientUnits="userSpaceOnUse" x1="0" y1="0" x2="0" y2="100"><stop offset="0" stop-color="#000"/><stop offset="1" stop-color="#fff"/></linearGradient>
		<radialGradient id="r"><stop offset="0" stop-color="#fff"/><stop offset="1" stop-color="#000" stop-opacity="0.5"/></radialGradient>
		</defs>
		<rect x="0" y="0" width="100" height="50" fill="url(#h)"/>
		<rect x="100" y="0" width="100" height="100" fill="url(#u)"/>
		<rect x="0" y="50" width="100" height="50" fill="url(#r)"/>`)
	// objectBoundingBox: red at the left of the box, blue at the right.
	wantColor(t, img, 0, 25, color.RGBA{254, 0, 1, 255}, 2, "left end")
	wantColor(t, img, 99, 25, color.RGBA{1, 0, 254, 255}, 2, "right end")
	wantColor(t, img, 50, 25, color.RGBA{127, 0, 128, 255}, 2, "middle")
	// userSpaceOnUse: by y in the document, whatever the box.
	wantColor(t, img, 150, 0, color.RGBA{1, 1, 1, 255}, 2, "top")
	wantColor(t, img, 150, 50, color.RGBA{129, 129, 129, 255}, 2, "halfway")
	// Radial: white in the centre, half-transparent black at the rim.
	wantColor(t, img, 50, 75, white, 8, "radial centre")
	wantColor(t, img, 1, 75, color.RGBA{129, 129, 129, 255}, 4, "radial rim")
	// A gradient on a box without height paints nothing, as in browsers.
	img = render(t, 100, 20, `<linearGradient id="g"><stop offset="0" stop-color="#000"/></linearGradient>
		<path d="M0 10H100" stroke="url(#g)" stroke-width="4"/>`)
	wantColor(t, img, 50, 10, white, 0, "gradient on a flat box")
	// A missing gradient with a fallback colour uses it.
	img = render(t, 100, 20, `<rect width="100" height="20" fill="url(#nope) #00f"/>`)
	wantColor(t, img, 50, 10, color.RGBA{0, 0, 255, 255}, 0, "fallback colour")
	// fill-opacity multiplies the stops.
	img = render(t, 100, 20, `<linearGradient id="g"><stop offset="0" stop-color="#000"/><stop offset="1" stop-color="#000"/></linearGradient>
		<rect width="100" height="20" fill="url(#g)" fill-opacity="0.5"/>`)
	wantColor(t, img, 50, 10, color.RGBA{128, 128, 128, 255}, 1, "opacity on a gradient")
}

func TestText(t *testing.T) {
	spec := fonts.Spec{Size: 20}
	w := fonts.Measure("Hello", spec)
	asc, desc := fonts.Metrics(spec)
	for _, tc := range []struct {
		anchor string
		x0     float64
	}{{"start", 100}, {"middle", 100 - w/2}, {"end", 100 - w}} {
		img := render(t, 200, 100, fmt.Sprintf(`<text x="100" y="50" text-anchor="%s" style="font-size:20px;font-family:Go" fill="#000">Hello</text>`, tc.anchor))
		box := inkBox(img)
		// Ink sits within the advance box, between ascent and descent of
		// the alphabetic baseline at y = 50, give or take a pixel.
		want := image.Rect(int(math.Floor(tc.x0))-1, int(50-asc)-1, int(math.Ceil(tc.x0+w))+1, int(math.Ceil(50+desc))+1)
		if box.Empty() || !box.In(want) {
			t.Errorf("anchor %s: ink %v, want inside %v", tc.anchor, box, want)
		}
		if box.Dx() < int(w*0.8) {
			t.Errorf("anchor %s: ink %v is narrower than the text (%v)", tc.anchor, box, w)
		}
		// "Hello" has no descender: the ink ends on the baseline.
		if box.Max.Y < 49 || box.Max.Y > 51 {
			t.Errorf("anchor %s: ink bottom %d, want the baseline 50", tc.anchor, box.Max.Y)
		}
	}
	// central: the baseline sits (ascent − descent)/2 below y.
	img := render(t, 200, 100, `<text x="10" y="50" dominant-baseline="central" style="font-size:20px" fill="#000">Hello</text>`)
	if base := 50 + (asc-desc)/2; math.Abs(float64(inkBox(img).Max.Y)-base) > 1 {
		t.Errorf("central: ink bottom %d, want baseline %v", inkBox(img).Max.Y, base)
	}
	// Rotated text is tall, not wide.
	img = render(t, 200, 200, `<text transform="translate(100 100) rotate(-90)" text-anchor="middle" style="font: 20px sans-serif">Hello</text>`)
	if box := inkBox(img); box.Dy() < int(w*0.8) || box.Dx() > int(asc+desc)+2 {
		t.Errorf("rotated text ink %v", box)
	}
	// Bold is drawn with Go Bold: more ink.
	regular := render(t, 200, 100, `<text x="10" y="50" style="font-size:20px">Hello</text>`)
	bold := render(t, 200, 100, `<text x="10" y="50" style="font-size:20px;font-weight:bold">Hello</text>`)
	if ink(bold) <= ink(regular)*11/10 {
		t.Errorf("bold ink %d, regular %d", ink(bold), ink(regular))
	}
	// paint-order="stroke": the fill is drawn over the white halo, which
	// then takes nothing away from the glyphs.
	const halo = `<text x="10" y="50" style="font-size:40px" fill="#000" stroke="#fff" stroke-width="4" paint-order="%s">Hello</text>`
	plain := render(t, 200, 100, `<text x="10" y="50" style="font-size:40px" fill="#000">Hello</text>`)
	under := render(t, 200, 100, fmt.Sprintf(halo, "stroke"))
	over := render(t, 200, 100, fmt.Sprintf(halo, "normal"))
	if !bytes.Equal(under.Pix, plain.Pix) || ink(over) > ink(plain)/2 {
		t.Errorf("paint-order: ink with the halo under %d, over %d, none %d", ink(under), ink(over), ink(plain))
	}
	// Entities are decoded, white space collapsed.
	one := render(t, 300, 100, `<text x="10" y="50" style="font-size:20px">a &amp; b</text>`)
	two := render(t, 300, 100, "<text x=\"10\" y=\"50\" style=\"font-size:20px\">\n  a   &amp;\tb </text>")
	if !bytes.Equal(one.Pix, two.Pix) {
		t.Error("white space was not collapsed")
	}
}

// ink sums the darkness of the red channel.
func ink(img *image.RGBA) (n int) {
	for i := 0; i < len(img.Pix); i += 4 {
		n += 255 - int(img.Pix[i])
	}
	return n
}

func TestMalformed(t *testing.T) {
	for _, tc := range []struct {
		svg  string
		want string
	}{
		{`<svg width="10" height="10"><rect></svg>`, "malformed"},
		{`<svg width="10" height="10">`, "malformed"},
		{``, "no root"},
		{`<html/>`, "not <svg>"},
		{`<svg width="ten" height="10"/>`, "not a size"},
		{`<svg width="0" height="10"/>`, "0×10"},
	} {
		_, err := Rasterize([]byte(tc.svg), 1)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want one containing %q", tc.svg, err, tc.want)
		}
	}
	if _, err := Rasterize([]byte(`<svg width="10" height="10"/>`), 0); err == nil {
		t.Error("scale 0 accepted")
	}
	if _, err := Rasterize([]byte(`<svg width="10" height="10"/>`), math.NaN()); err == nil {
		t.Error("scale NaN accepted")
	}
	// Unknown elements and attributes are skipped, bad values ignored.
	img, err := Rasterize([]byte(`<svg width="10" height="10"><blink><rect width="10" height="10"/></blink><rect width="5" height="10" fill="bogus" transform="spin(4)" foo="bar"/><image href="x.png" width="10" height="10"/></svg>`), 1)
	if err != nil {
		t.Fatal(err)
	}
	wantColor(t, img, 2, 5, black, 0, "invalid fill falls back to black")
	wantColor(t, img, 7, 5, white, 0, "unknown element's child is not drawn")
}

func TestLimits(t *testing.T) {
	// Work is bounded by counts, not time: the bytes each call allocates,
	// against what the limit it meets allows (a canvas is 4 bytes a pixel,
	// and a few masks and layers may be made beside it; parsing costs a
	// little per element, flattening a little per point).
	canvas := func(w, h int, scale float64) uint64 {
		return 16 * 4 * uint64(float64(w)*scale) * uint64(float64(h)*scale)
	}
	const base = 4 << 20
	limit := func(what, svg string, scale float64, max uint64) {
		t.Helper()
		var err error
		n := allocated(func() { _, err = Rasterize([]byte(svg), scale) })
		if !errors.Is(err, ErrLimit) {
			t.Errorf("%s: error %v, want ErrLimit", what, err)
		}
		if max += base + 4*uint64(len(svg)); n > max {
			t.Errorf("%s allocated %d bytes before refusing, more than %d", what, n, max)
		}
	}
	limit("canvas", `<svg width="3000" height="100"/>`, 2, 0)
	limit("elements", `<svg width="10" height="10">`+strings.Repeat("<g/>", MaxElements+1)+`</svg>`, 1, 1024*MaxElements)
	limit("depth", `<svg width="10" height="10">`+strings.Repeat("<g>", MaxDepth+1)+strings.Repeat("</g>", MaxDepth+1)+`</svg>`, 1, 1024*MaxDepth)
	limit("work", `<svg width="1000" height="1000">`+strings.Repeat(`<rect width="1000" height="1000"/>`, 200)+`</svg>`, 1, canvas(1000, 1000, 1))
	limit("points", `<svg width="10" height="10"><path d="M0 0`+strings.Repeat(" Q 1e6 1e6 0 1", 20000)+`" fill="#000"/></svg>`, 1, 128*maxPoints)

	// Hostile but within limits: harmless, and bounded the same way.
	for what, svg := range map[string]string{
		"far coordinates": `<svg width="100" height="100"><path d="M-1e12 -1e12L1e12 50L50 1e12Z" fill="#000"/></svg>`,
		"fine dashes":     `<svg width="100" height="100"><path d="M0 50H1e7" stroke="#000" stroke-dasharray="0.001"/></svg>`,
		"huge stroke":     `<svg width="100" height="100"><path d="M0 50H100" stroke="#000" stroke-width="1e9"/></svg>`,
		"huge text":       `<svg width="100" height="100"><text style="font-size:9999px">` + strings.Repeat("W", 20000) + `</text></svg>`,
		"nested clips":    `<svg width="100" height="100"><clipPath id="c"><rect width="50" height="50"/></clipPath>` + strings.Repeat(`<g clip-path="url(#c)">`, maxClipDepth-1) + `<rect width="100" height="100"/>` + strings.Repeat("</g>", maxClipDepth-1) + `</svg>`,
		"singular":        `<svg width="100" height="100"><rect transform="scale(0)" width="10" height="10"/><rect transform="matrix(1e308,0,0,1e308,0,0)" width="10" height="10"/></svg>`,
		"overflow":        `<svg width="100" height="100"><path transform="scale(1e300)" d="M0 0L1e10 0L1e10 1e10Z M-1e300 0L1 1L0 1Z" fill="#000" stroke="#000"/><path d="M0 0L1e300 1e300L0 1e300Z" stroke="#000" stroke-width="1e15"/></svg>`,
	} {
		var err error
		n := allocated(func() { _, err = Rasterize([]byte(svg), 1) })
		if err != nil {
			t.Errorf("%s: %v", what, err)
		}
		// Text is drawn as glyph outlines: a little per character.
		if max := base + canvas(100, 100, 1) + 2048*uint64(len(svg)); n > max {
			t.Errorf("%s allocated %d bytes, more than %d", what, n, max)
		}
	}
	limit("deep clips", `<svg width="100" height="100"><clipPath id="c"><rect width="50" height="50"/></clipPath>`+strings.Repeat(`<g clip-path="url(#c)">`, maxClipDepth+2)+`<rect width="100" height="100"/>`+strings.Repeat("</g>", maxClipDepth+2)+`</svg>`, 1, maxClipDepth*canvas(100, 100, 1))
}

// allocated returns the bytes f allocates on the heap.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}
