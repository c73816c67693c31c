// The ECharts that draws static images: the pinned npm package's own
// modules, bundled by esbuild when `npm ci` runs (package.json's
// postinstall) into node_modules/.briefing/echarts-draw.js. It is never
// committed, and never shipped to browsers: pages get the whole
// echarts.min.js.
//
// It holds what an SVG of a briefing chart needs and nothing more: the SVG
// renderer, the three series types internal/chart writes (bar, line, pie;
// area, donut and combo are options of these), the cartesian grid and its
// axes, the title and the plain legend. The glue in runtime.go drops what an
// image cannot use (toolbox, tooltip, aria) before ECharts sees the option,
// so this build and the whole echarts.min.js draw the same bytes
// (TestDrawBuildDrawsTheSame). With fewer components registered, ECharts
// walks shorter lists on every setOption; the file compiles in half the
// time.
//
// A change here changes the built file: update DrawBuildSHA256 in draw.go
// (TestDrawBuildPinned prints the new sum).
import { use } from 'echarts/lib/extension.js';
import { install as SVGRenderer } from 'echarts/lib/renderer/installSVGRenderer.js';
import { install as LineChart } from 'echarts/lib/chart/line/install.js';
import { install as BarChart } from 'echarts/lib/chart/bar/install.js';
import { install as PieChart } from 'echarts/lib/chart/pie/install.js';
import { install as GridComponent } from 'echarts/lib/component/grid/installSimple.js';
import { install as TitleComponent } from 'echarts/lib/component/title/install.js';
import { install as LegendComponent } from 'echarts/lib/component/legend/installLegendPlain.js';

export * from 'echarts/lib/export/core.js';

use([SVGRenderer, LineChart, BarChart, PieChart, GridComponent, TitleComponent, LegendComponent]);
