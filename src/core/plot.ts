import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import { Resvg } from '@resvg/resvg-js';

/**
 * Figures are vega-lite specs rendered headless: vega's SVG renderer needs no browser or canvas,
 * and resvg rasterises the SVG to PNG with the system fonts.
 */
export async function renderSvg(spec: vegaLite.TopLevelSpec): Promise<string> {
  const compiled = vegaLite.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export function svgToPng(svg: string, scale = 2): Buffer {
  const resvg = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: scale },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}

export interface LinePoint {
  x: number;
  series: string;
  mean: number;
  lo: number;
  hi: number;
}

/** Lines with markers and 95 % error bars, one colour per series; the common figure shape. */
export function lineChartSpec(opts: {
  title: string;
  xLabel: string;
  yLabel: string;
  points: LinePoint[];
  /** Series drawn dashed (added series that are not the paper's own: bounds, our solver). */
  dashed?: string[];
  facet?: { field: string; title: string };
  logY?: boolean;
}): vegaLite.TopLevelSpec {
  const seriesOrder = [...new Set(opts.points.map((p) => p.series))];
  const dashed = new Set(opts.dashed ?? []);
  // A log axis cannot place a bound <= 0 (a 95 % interval of a skewed series can reach below zero): such a
  // bound is drawn at half the smallest positive value instead, i.e. the error bar runs to the bottom.
  const floor = Math.min(...opts.points.flatMap((p) => [p.mean, p.lo]).filter((v) => v > 0)) / 2;
  const values = opts.points.map((p) => ({ ...p, ...(opts.logY && !(p.lo > 0) ? { lo: floor } : {}), dashed: dashed.has(p.series) }));
  const x = { field: 'x', type: 'quantitative' as const, title: opts.xLabel, scale: { zero: false } };
  const color = { field: 'series', type: 'nominal' as const, title: null, sort: seriesOrder };
  const yScale = opts.logY ? { type: 'log' as const } : { zero: false };
  const layers = {
    layer: [
      {
        mark: { type: 'line' as const, point: true },
        encoding: {
          x,
          y: { field: 'mean', type: 'quantitative' as const, title: opts.yLabel, scale: yScale },
          color,
          strokeDash: {
            field: 'dashed', type: 'nominal' as const, legend: null,
            scale: { domain: [false, true], range: [[1, 0], [6, 3]] },
          },
        },
      },
      {
        mark: { type: 'errorbar' as const, ticks: true },
        encoding: {
          x,
          y: { field: 'lo', type: 'quantitative' as const, title: opts.yLabel, scale: yScale },
          y2: { field: 'hi' },
          color,
        },
      },
    ],
  };
  const base = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: opts.title,
    data: { values },
    // labelLimit: long series names (e.g. "lower bound (600 GHz)") are shown whole, not cut at 160 px.
    config: { font: 'DejaVu Sans', legend: { orient: 'right' as const, labelLimit: 280 } },
  };
  if (opts.facet) {
    return {
      ...base,
      facet: { column: { field: opts.facet.field, type: 'nominal', title: opts.facet.title } },
      spec: { width: 320, height: 240, ...layers },
    } as vegaLite.TopLevelSpec;
  }
  return { ...base, width: 480, height: 320, ...layers } as vegaLite.TopLevelSpec;
}
