import type { PlanView } from '../view/types.ts';
import { draw, loadSpec, mapSpec, placeColours, taskSpec } from './charts.ts';
import { fmt, h, pct } from './dom.ts';

/**
 * One solved plan as a card: status, totals, gap to the lower bound, the checker's verdict, the
 * map, the per-station loads and each task's latency against its deadline. `slot` tells the
 * panels of a comparison apart (ids and test hooks).
 */
/** A link that saves a document as a JSON file (for `mec verify`, or to solve it again with the CLI). */
export function jsonLink(doc: unknown, fileName: string, text: string): HTMLAnchorElement {
  const url = URL.createObjectURL(new Blob([`${JSON.stringify(doc, null, 2)}\n`], { type: 'application/json' }));
  return h('a', { href: url, download: fileName, class: 'note' }, text);
}

export async function renderPlan(view: PlanView, slot: string, colourPlaces: string[], notes: string[] = [], result?: unknown): Promise<HTMLElement> {
  const colours = placeColours(colourPlaces);
  const headingId = `plan-${slot}-heading`;
  const verdict = view.verdict.ok
    ? h('span', { class: 'badge ok', 'data-verdict': 'ok' }, 'checker: every constraint holds')
    : h('span', { class: 'badge bad', 'data-verdict': 'fail' }, `checker: ${view.verdict.issueCount} issue${view.verdict.issueCount === 1 ? '' : 's'}`);
  const status = h('span', { class: `badge ${view.status === 'infeasible' ? 'warn' : 'ok'}` }, view.status);
  const totals = h('dl', { class: 'totals', 'aria-label': `totals of ${view.algorithm}` },
    ...view.totals.map((t) => h('div', {},
      h('dt', {}, t.label),
      h('dd', { 'data-total': t.key, 'data-value': t.value === null ? '' : String(t.value) }, fmt(t.value, t.unit)))),
    h('div', {}, h('dt', {}, 'lower bound'), h('dd', { 'data-total': 'lowerBound', 'data-value': view.lowerBound === null ? '' : String(view.lowerBound) }, view.lowerBound === null ? 'none proved' : fmt(view.lowerBound, view.objective.unit))),
    h('div', {}, h('dt', {}, 'gap to the bound'), h('dd', { 'data-total': 'gap', 'data-value': view.gap === null ? '' : String(view.gap) }, pct(view.gap))),
    h('div', {}, h('dt', {}, 'solve time'), h('dd', { 'data-total': 'solveMs' }, fmt(view.solveMs, 'ms'))),
  );
  const issues = view.verdict.ok ? null : h('ul', { class: 'issues', 'aria-label': 'checker issues' },
    ...view.verdict.issues.map((i) => h('li', {}, `${i.task ? `${i.task} ` : ''}${i.constraint}: ${i.message}`)),
    view.verdict.issueCount > view.verdict.issues.length ? h('li', {}, `… ${view.verdict.issueCount - view.verdict.issues.length} more`) : null);
  const causes = view.causes.length === 0 ? null : h('details', {}, h('summary', {}, `why infeasible (${view.causes.length})`), h('ul', { class: 'issues' }, ...view.causes.slice(0, 30).map((c) => h('li', {}, c))));
  const mapEl = h('div', { class: 'chart map', 'data-devices': view.counts.devices, 'data-stations': view.counts.stations });
  const loadEl = h('div', { class: 'chart loads' });
  const taskEl = h('div', { class: 'chart tasks' });
  const card = h('article', { class: 'card plan', 'aria-labelledby': headingId, 'data-slot': slot, 'data-algorithm': view.algorithm },
    h('header', {}, h('h3', { id: headingId }, view.algorithm), status, verdict, result ? jsonLink(result, `${view.system}-${view.algorithm}-result.json`, 'result JSON') : null),
    totals, issues, causes,
    notes.length ? h('ul', { class: 'notes', 'aria-label': 'notes on this result' }, ...notes.map((n) => h('li', {}, n))) : null,
    h('h4', {}, `Map: ${plural(view.counts.devices, 'device')}, ${plural(view.counts.stations, 'station')}`), mapEl,
    h('p', { class: 'note' }, 'Solid line: the task goes up to that station; dashed: on over the backhaul to the cloud; dotted: forwarded to the macro cell.'),
    h('h4', {}, 'Load per station'), h('p', { class: 'note' }, view.loadNote), loadEl,
    h('h4', {}, 'Latency against the deadline (ticks)'), taskEl,
  );
  // the card must be in the document before vega measures the container's width
  return Object.assign(card, {
    async drawCharts() {
      const wide = card.clientWidth > 700;
      await Promise.all([
        draw(mapEl, mapSpec(view.map, colours, wide ? 420 : 320), `map of ${view.algorithm}'s plan: ${view.counts.devices} devices and ${view.counts.stations} stations; lines show where each task runs`),
        view.loads.length ? draw(loadEl, loadSpec(view.loads), `load per station under ${view.algorithm}`) : Promise.resolve(loadEl.replaceChildren(h('p', { class: 'note' }, 'no station load'))),
        view.tasks.length ? draw(taskEl, taskSpec(view.tasks, colours), `latency of each task against its deadline under ${view.algorithm}`) : Promise.resolve(),
      ]);
    },
  });
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The places that get colours, shared by the panels of a comparison so a colour means one place. */
export function placesOf(views: PlanView[]): string[] {
  const places = new Set<string>(['local']);
  // stations first, in the scenario's order, so a station keeps its colour whoever uses it
  for (const v of views) for (const n of v.map.nodes) if (n.kind !== 'device') places.add(n.place);
  for (const v of views) for (const n of v.map.nodes) places.add(n.place);
  return [...places];
}

/** A short side-by-side line: objective of A vs B and the relative difference. */
export function comparisonTable(a: PlanView, b: PlanView): HTMLElement {
  const rows = a.totals.map((t, i) => {
    const u = b.totals[i];
    const diff = t.value !== null && u?.value !== null && u?.value !== undefined && t.value !== 0 ? (u.value - t.value) / Math.abs(t.value) : null;
    return h('tr', {}, h('th', { scope: 'row' }, t.label), h('td', { class: 'num' }, fmt(t.value, t.unit)), h('td', { class: 'num' }, fmt(u?.value ?? null, t.unit)), h('td', { class: 'num' }, diff === null ? '–' : `${diff > 0 ? '+' : ''}${pct(diff)}`));
  });
  return h('div', { class: 'card scroll' },
    h('table', { 'aria-label': `comparison of ${a.algorithm} and ${b.algorithm}` },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, ''), h('th', { scope: 'col', class: 'num' }, a.algorithm), h('th', { scope: 'col', class: 'num' }, b.algorithm), h('th', { scope: 'col', class: 'num' }, `${b.algorithm} vs ${a.algorithm}`))),
      h('tbody', {}, ...rows,
        h('tr', {}, h('th', { scope: 'row' }, 'checker'), h('td', { class: 'num' }, a.verdict.ok ? 'holds' : 'fails'), h('td', { class: 'num' }, b.verdict.ok ? 'holds' : 'fails'), h('td', {}, '')),
        h('tr', {}, h('th', { scope: 'row' }, 'solve time'), h('td', { class: 'num' }, fmt(a.solveMs, 'ms')), h('td', { class: 'num' }, fmt(b.solveMs, 'ms')), h('td', {}, '')))));
}
