import embed, { type VisualizationSpec } from 'vega-embed';
import { expressionInterpreter } from 'vega-interpreter';
import type { LoadBar, MapView, TaskBar } from '../view/types.ts';

/**
 * The page's charts as vega-lite specs drawn by vega-embed (SVG, so every mark is in the DOM with
 * its ARIA label). vega runs with its expression interpreter: the page's content security policy
 * allows no eval.
 */
const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#17becf', '#bcbd22', '#8c564b'];
const FIXED: Record<string, string> = { local: '#8a8f98', idle: '#c9ced6', unplanned: '#000000', cloud: '#6b4fa3' };

/** One colour per place, the same in every panel: fixed ones for local/idle/cloud, the palette in order for stations. */
export function placeColours(places: string[]): { domain: string[]; range: string[] } {
  const domain = [...new Set(places)];
  let i = 0;
  return { domain, range: domain.map((p) => FIXED[p] ?? PALETTE[i++ % PALETTE.length]) };
}

export async function draw(el: HTMLElement, spec: object, description: string): Promise<void> {
  el.replaceChildren();
  await embed(el, { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', description, ...spec } as VisualizationSpec, {
    renderer: 'svg', actions: false, ast: true, expr: expressionInterpreter,
    config: { font: 'system-ui, sans-serif', view: { stroke: null }, axis: { labelFontSize: 11, titleFontSize: 11 }, legend: {
      labelFontSize: 11, titleFontSize: 11, orient: 'bottom', direction: 'horizontal', columns: el.clientWidth < 500 ? 3 : 5,
    } },
    // several legends go one under the other (a vega setting vega-lite does not expose), so a
    // narrow (phone) chart never cuts one off
    patch: (vg) => ({ ...vg, config: { ...vg.config, legend: { ...vg.config?.legend, layout: { bottom: { anchor: 'start', direction: 'vertical', margin: 6 } } } } }),
  });
  // the SVG is the chart's accessible image; the container names it
  el.setAttribute('role', 'figure');
  el.setAttribute('aria-label', description);
}

const KIND_SHAPES: Record<string, string> = { device: 'circle', server: 'square', sbs: 'square', mbs: 'diamond', cloud: 'triangle-up', user: 'diamond', helper: 'circle', 'access-point': 'triangle-up' };

export function mapSpec(map: MapView, colours: { domain: string[]; range: string[] }, heightPx: number): object {
  const x = { field: 'x', type: 'quantitative', title: map.xTitle, scale: { zero: false, nice: true } };
  const y = { field: 'y', type: 'quantitative', title: map.yTitle, scale: { zero: false, nice: true } };
  const color = { field: 'place', type: 'nominal', title: 'runs on', scale: colours };
  const devices = map.nodes.filter((n) => n.kind === 'device' || n.kind === 'helper' || n.kind === 'user');
  const stations = map.nodes.filter((n) => !devices.includes(n));
  const kinds = [...new Set(map.nodes.map((n) => n.kind))];
  const shape = { field: 'kind', type: 'nominal', title: 'node', scale: { domain: kinds, range: kinds.map((k) => KIND_SHAPES[k]) } };
  return {
    width: 'container', height: heightPx, autosize: { type: 'fit', contains: 'padding' },
    layer: [
      {
        data: { values: map.links }, mark: { type: 'rule', opacity: 0.55, strokeWidth: 1.3, aria: false },
        encoding: { x, y, x2: { field: 'x2' }, y2: { field: 'y2' }, color, strokeDash: { field: 'kind', type: 'nominal', legend: null, scale: { domain: ['uplink', 'backhaul', 'forward'], range: [[1, 0], [5, 3], [2, 2]] } } },
      },
      {
        data: { values: devices }, mark: { type: 'point', filled: true, size: devices.length > 300 ? 18 : 45, opacity: 0.9 },
        encoding: { x, y, color, shape, description: { field: 'label' }, tooltip: { field: 'label' } },
      },
      {
        data: { values: stations }, mark: { type: 'point', filled: true, size: 220, stroke: '#1d2430', strokeWidth: 1.2, opacity: 1 },
        encoding: { x, y, color, shape, description: { field: 'label' }, tooltip: { field: 'label' } },
      },
      {
        data: { values: stations }, mark: { type: 'text', dy: -15, fontSize: 11, fontWeight: 'bold', aria: false },
        encoding: { x, y, text: { field: 'id' } },
      },
    ],
  };
}

export function loadSpec(loads: LoadBar[]): object {
  const stations = [...new Set(loads.map((l) => l.station))];
  const resources = [...new Set(loads.map((l) => l.resource))];
  return {
    // one band per station, split by resource; with many stations the chart grows rather than squeezing
    width: 'container', height: { step: Math.max(4, Math.min(12, 600 / Math.max(1, stations.length * resources.length))) }, autosize: { type: 'fit-x', contains: 'padding' },
    data: { values: loads.map((l) => ({ ...l, label: `${l.station} ${l.resource}: ${(l.share * 100).toFixed(1)} % over ${l.tasks} tasks` })) },
    layer: [
      {
        mark: { type: 'bar', cornerRadiusEnd: 2 },
        encoding: {
          y: { field: 'station', type: 'nominal', sort: stations, title: null },
          yOffset: { field: 'resource', sort: resources },
          x: { field: 'share', type: 'quantitative', title: 'share used (1 = all of it)', scale: { domain: [0, Math.max(1, ...loads.map((l) => l.share))] } },
          color: { field: 'resource', type: 'nominal', title: 'resource', sort: resources, scale: { scheme: 'tableau10' } },
          description: { field: 'label' }, tooltip: { field: 'label' },
        },
      },
      { data: { values: [{ one: 1 }] }, mark: { type: 'rule', color: '#b3261e', strokeDash: [4, 3], aria: false }, encoding: { x: { field: 'one', type: 'quantitative' } } },
    ],
  };
}

export function taskSpec(tasks: TaskBar[], colours: { domain: string[]; range: string[] }): object {
  const many = tasks.length > 40;
  const values = tasks.map((t) => ({ ...t, label: `${t.id}: ${t.latencyS.toPrecision(4)} s of ${t.deadlineS.toPrecision(4)} s${t.meetsDeadline ? '' : ' (misses its deadline)'}` }));
  // latencies far below their deadlines (three-tier: milliseconds against tens of seconds) vanish on a linear axis
  const positive = tasks.every((t) => t.latencyS > 0);
  const spread = positive ? Math.max(...tasks.map((t) => t.deadlineS)) / Math.min(...tasks.map((t) => t.latencyS)) : 1;
  const yScale = spread > 100 ? { type: 'log' } : { type: 'linear' };
  const x = { field: 'id', type: 'nominal', sort: tasks.map((t) => t.id), title: many ? `${tasks.length} tasks` : null, axis: many ? { labels: false, ticks: false } : { labelAngle: -60 } };
  return {
    width: 'container', height: 200, autosize: { type: 'fit', contains: 'padding' },
    data: { values },
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          x, y: { field: 'latencyS', type: 'quantitative', title: `latency (s${yScale.type === 'log' ? ', log scale' : ''})`, scale: yScale },
          // a few tasks: coloured by place, a missed deadline outlined; hundreds: coloured by the deadline alone
          ...(tasks.length > 100
            ? { color: { field: 'meetsDeadline', type: 'nominal', title: 'meets its deadline', scale: { domain: [true, false], range: ['#59a14f', '#b3261e'] } } }
            : {
              color: { field: 'place', type: 'nominal', title: 'runs on', scale: colours, legend: null },
              stroke: { condition: { test: '!datum.meetsDeadline', value: '#b3261e' }, value: null },
              strokeWidth: { value: 2 },
            }),
          description: { field: 'label' }, tooltip: { field: 'label' },
        },
      },
      { mark: { type: 'tick', color: '#1d2430', thickness: 2, aria: false }, encoding: { x, y: { field: 'deadlineS', type: 'quantitative', scale: yScale } } },
    ],
  };
}

export function historySpec(points: Array<{ at: number; value: number; series: string }>, yTitle: string): object {
  return {
    width: 'container', height: 170, autosize: { type: 'fit', contains: 'padding' },
    data: { values: points.map((p) => ({ ...p, time: new Date(p.at).toISOString() })) },
    mark: { type: 'line', point: true, interpolate: 'step-after' },
    encoding: {
      x: { field: 'time', type: 'temporal', title: null, axis: { format: '%H:%M:%S', labelAngle: 0, tickCount: 5, labelOverlap: true } },
      y: { field: 'value', type: 'quantitative', title: yTitle, scale: { zero: false }, axis: { format: '.4~g' } },
      color: { field: 'series', type: 'nominal', title: null, legend: new Set(points.map((p) => p.series)).size > 1 ? {} : null },
      tooltip: [{ field: 'time', type: 'temporal', timeUnit: 'hoursminutesseconds' }, { field: 'value', type: 'quantitative', format: '.4~g' }],
    },
  };
}
