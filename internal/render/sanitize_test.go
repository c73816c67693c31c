package render

import (
	"strings"
	"testing"
)

const svgOpen = `<svg width="10" height="10" xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" baseProfile="full" viewBox="0 0 10 10">`

func TestSanitizeAccepts(t *testing.T) {
	for _, body := range []string{
		``,
		`<rect width="10" height="10" x="0" y="0" fill="none"></rect>`,
		`<path d="M0 0L10 10" fill="url(#c1-g0)" stroke="rgba(0,0,0,0.5)" clip-path="url( '#c1-c0' )" ecmeta_series_index="0" ecmeta_ssr_type="chart"></path>`,
		`<text style="font-size:12px;font-family:Go, sans-serif;" xml:space="preserve" transform="translate(1 2)">&lt;/text&gt;&lt;script&gt; &amp; &quot;x&quot; &#39;</text>`,
		`<defs><linearGradient id="c1-g0" x1="0" y1="0" x2="0" y2="1" gradientUnits="objectBoundingBox"><stop offset="0%" stop-color="#fff"></stop></linearGradient>` +
			`<clipPath id="c1-c0"><path d="M0 0"></path></clipPath></defs>`,
		`<g><title>t</title><desc>d</desc><circle cx="1" cy="1" r="1"></circle></g>`,
	} {
		svg := svgOpen + "\n" + body + "\n</svg>"
		if err := Sanitize([]byte(svg)); err != nil {
			t.Errorf("Sanitize(%s): %v", body, err)
		}
	}
}

func TestSanitizeRefuses(t *testing.T) {
	for _, tc := range []struct {
		name, svg, want string
	}{
		{"script", svgOpen + `<script>alert(1)</script></svg>`, "<script> is not allowed"},
		{"image", svgOpen + `<image href="x.png"></image></svg>`, "<image> is not allowed"},
		{"style element", svgOpen + `<style>*{}</style></svg>`, "<style> is not allowed"},
		{"foreignObject", svgOpen + `<foreignObject><div xmlns="http://www.w3.org/1999/xhtml"></div></foreignObject></svg>`, "<foreignObject> is not allowed"},
		{"use", svgOpen + `<use xlink:href="#a"></use></svg>`, "<use> is not allowed"},
		{"a", svgOpen + `<a href="javascript:x()"><text>x</text></a></svg>`, "<a> is not allowed"},
		{"animate", svgOpen + `<rect><animate attributeName="x"></animate></rect></svg>`, "<animate> is not allowed"},
		{"onload", svgOpen + `<rect onload="alert(1)"></rect></svg>`, "event attribute onload"},
		{"ONCLICK", svgOpen + `<rect ONCLICK="alert(1)"></rect></svg>`, "event attribute ONCLICK"},
		{"onload on svg", `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>`, "event attribute onload"},
		{"href", svgOpen + `<path href="https://example.com/"></path></svg>`, "attribute href is not allowed"},
		{"xlink:href", svgOpen + `<path xlink:href="https://example.com/"></path></svg>`, "is not allowed"},
		{"external url in fill", svgOpen + `<path fill="url(https://example.com/x.svg#g)"></path></svg>`, "refers outside"},
		{"external url in style", svgOpen + `<text style="background:url('//example.com/x')">x</text></svg>`, "refers outside"},
		{"css escape", svgOpen + `<text style="background:u\72l(x)">x</text></svg>`, "refers outside"},
		{"javascript: value", svgOpen + `<path fill="javascript:x()"></path></svg>`, "refers outside"},
		{"expression", svgOpen + `<text style="width:expression(alert(1))">x</text></svg>`, "refers outside"},
		{"odd ecmeta", svgOpen + `<path ecmeta_name="a b"></path></svg>`, "ecmeta_name"},
		{"doctype", `<!DOCTYPE svg [<!ENTITY x "y">]>` + svgOpen + `</svg>`, "directive <!DOCTYPE>"},
		{"two roots", svgOpen + `</svg>` + svgOpen + `</svg>`, "outside the svg element"},
		{"not svg", `<html></html>`, "outside the svg element"},
		{"no namespace", `<svg><rect></rect></svg>`, "not in the SVG namespace"},
		{"html namespace", svgOpen + `<rect xmlns="http://www.w3.org/1999/xhtml"></rect></svg>`, "not in the SVG namespace"},
		{"text after", svgOpen + `</svg>hello`, "text outside"},
		{"empty", ``, "no svg element"},
		{"broken", svgOpen + `<rect fill="a" fill2="b></svg>`, "syntax error"},
		{"unclosed", svgOpen + `<g>`, "unexpected EOF"},
		{"processing instruction", svgOpen + `<?xml-stylesheet href="x.css"?></svg>`, "processing instruction"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Sanitize([]byte(tc.svg))
			if err == nil {
				t.Fatalf("no error for %s", tc.svg)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not mention %q", err, tc.want)
			}
		})
	}
}

func TestCheckOption(t *testing.T) {
	good := []string{
		`{}`,
		`{"color":["#5470c6","#91CC75","#abc","#abcd","#aabbccdd"]}`,
		`{"series":[{"itemStyle":{"color":"rgba(84, 112, 198, 0.5)","borderColor":"rgb(0,0,0)"}}]}`,
		`{"backgroundColor":"transparent","textStyle":{"color":"red","fontFamily":"'Helvetica Neue', Arial, sans-serif","fontWeight":"bold","fontSize":12}}`,
		`{"series":[{"colorBy":"series","areaStyle":{"color":{"type":"linear","x":0,"y":0,"x2":0,"y2":1,"colorStops":[{"offset":0,"color":"#fff"},{"offset":1,"color":"rgba(0,0,0,0)"}]}}}]}`,
		`{"series":[{"itemStyle":{"color":null}},{"lineStyle":{"color":""}}]}`,
		`{"series":[{"name":"</text><script>x()</script>","data":[{"name":"\"><img src=x onerror=y>","value":1}]}]}`,
	}
	for _, o := range good {
		if err := CheckOption([]byte(o)); err != nil {
			t.Errorf("CheckOption(%s): %v", o, err)
		}
	}
	bad := []struct{ option, want string }{
		{`{"color":["#fff","#fff\" onload=\"x()"]}`, `option.color[1]: "#fff\" onload=\"x()" is not a colour`},
		{`{"series":[{"itemStyle":{"color":"url(#x)"}}]}`, `option.series[0].itemStyle.color`},
		{`{"series":[{"areaStyle":{"color":{"colorStops":[{"offset":0,"color":"red;x"}]}}}]}`, `option.series[0].areaStyle.color.colorStops[0].color`},
		{`{"legend":{"textStyle":{"textBorderColor":"#12345"}}}`, `textBorderColor`},
		{`{"xAxis":{"axisLabel":{"color":"rgb(1,2,3)x"}}}`, `option.xAxis.axisLabel.color`},
		{`{"textStyle":{"fontFamily":"x;background:url(y)"}}`, `option.textStyle.fontFamily: "x;background:url(y)" is not a font value`},
		{`{"series":[{"label":{"fontWeight":"bold\""}}]}`, `fontWeight`},
		{`{"series":`, `not JSON`},
		{`"x"`, `not a JSON object`},
		{`{} {}`, `data after its end`},
	}
	for _, tc := range bad {
		err := CheckOption([]byte(tc.option))
		if err == nil {
			t.Errorf("CheckOption(%s): no error", tc.option)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("CheckOption(%s) = %q, want it to mention %q", tc.option, err, tc.want)
		}
	}
}
