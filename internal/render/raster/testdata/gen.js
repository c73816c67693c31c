// Regenerates the fixture SVGs from charts.json the way internal/render
// draws charts: ECharts' SSR SVG painter, animation off, hover CSS off,
// text laid out with the Go fonts' advance widths.
//
// Run through TestGenerateFixtures (RASTER_GEN=1), which writes the width
// table and calls: node gen.js widths.json outdir
'use strict';
const fs = require('fs');
const path = require('path');
const echarts = require(path.join(__dirname, '../../../../node_modules/echarts'));

const [widthsFile, outDir] = process.argv.slice(2);
const widths = JSON.parse(fs.readFileSync(widthsFile, 'utf8'));

// scale is sfnt's: x·ppem / unitsPerEm, rounded half away from zero, in
// 26.6 fixed point.
function scale(x, upem) {
  const h = Math.trunc(upem / 2);
  return x >= 0 ? Math.trunc((x + h) / upem) : Math.trunc((x - h) / upem);
}

// measure is fonts.Measure: advances and kerning at ppem, in pixels.
function measure(text, font) {
  const m = /(\d+(?:\.\d+)?)px/.exec(font);
  const size = m ? parseFloat(m[1]) : 12;
  const bold = font.split(/\s+/).some((w) => ['bold', 'bolder', '600', '700', '800', '900'].includes(w));
  const face = widths[bold ? 'bold' : 'regular'];
  const ppem = Math.trunc(size * 64);
  let width = 0;
  let prev = 0;
  let i = 0;
  for (const ch of text) {
    const g = face.cmap[ch.codePointAt(0)] || 0;
    if (i > 0) {
      const k = face.kern[prev + ',' + g];
      if (k) width += scale(k * ppem, widths.upem);
    }
    width += scale((face.adv[g] || 0) * ppem, widths.upem);
    prev = g;
    i += ch.length;
  }
  return width / 64;
}

echarts.setPlatformAPI({ measureText: (text, font) => ({ width: measure(String(text), String(font || '')) }) });

const charts = JSON.parse(fs.readFileSync(path.join(__dirname, 'charts.json'), 'utf8'));
for (const [name, option] of Object.entries(charts)) {
  option.animation = false;
  option.textStyle = Object.assign({}, option.textStyle, { fontFamily: 'Go, sans-serif' });
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 600, height: 400 });
  const painter = chart.getZr().painter;
  painter._id = name;
  chart.setOption(option);
  const svg = painter.renderToString({ cssAnimation: false, cssEmphasis: false, useViewBox: true });
  chart.dispose();
  fs.writeFileSync(path.join(outDir, name + '.svg'), svg + '\n');
}
process.exit(0);
