import type { LatencyPoint, LiveEvent, LiveSnapshot, LiveState, PlanPoint, RefusedEvent, DeviceRow } from '../live-types.ts';
import type { SolveResponse } from '../view/types.ts';
import { ApiError, getJson } from './api.ts';
import { draw, historySpec } from './charts.ts';
import { byId, fmt, h } from './dom.ts';
import { showExternalPlan } from './plan.ts';

/**
 * The Live tab: the controller serving this page, pushed over server-sent events (api/live/events):
 * agents and devices, each report as it is committed, the plan history (objective and plan
 * time), report -> decision latency, refused messages. The browser's EventSource reconnects by
 * itself and the server starts every stream with a fresh snapshot.
 */
let state: LiveState | null = null;
let plans: PlanPoint[] = [];
let latencies: LatencyPoint[] = [];
let refused: RefusedEvent[] = [];
let refusedTotal = 0;
const reports: DeviceRow[] = [];
let chartsDue = false;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const clock = (t: number) => new Date(t).toLocaleTimeString([], { hour12: false });

function quantile(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

function layout(): void {
  byId('live-body').replaceChildren(
    h('div', { class: 'row' }, h('button', { type: 'button', id: 'live-open-plan', class: 'secondary' }, 'Show the plan in force in the Plan tab')),
    h('div', { class: 'live-grid' },
      h('section', { class: 'card', 'aria-labelledby': 'live-agents-h' }, h('h3', { id: 'live-agents-h' }, 'Agents (MEC servers)'), h('div', { id: 'live-agents', class: 'scroll' })),
      h('section', { class: 'card', 'aria-labelledby': 'live-reports-h' }, h('h3', { id: 'live-reports-h' }, 'Reports'), h('p', { id: 'live-devices', class: 'note' }), h('ul', { id: 'live-reports', class: 'events', 'aria-live': 'polite', 'aria-label': 'reports as they are committed' })),
      h('section', { class: 'card', 'aria-labelledby': 'live-plans-h' }, h('h3', { id: 'live-plans-h' }, 'Plans'), h('p', { id: 'live-plan-summary', class: 'note' }), h('div', { id: 'live-objective', class: 'chart' }), h('div', { id: 'live-plan-time', class: 'chart' })),
      h('section', { class: 'card', 'aria-labelledby': 'live-latency-h' }, h('h3', { id: 'live-latency-h' }, 'Report → decision'), h('p', { id: 'live-latency-summary', class: 'note' }), h('div', { id: 'live-latency', class: 'chart' })),
      h('section', { class: 'card', 'aria-labelledby': 'live-refused-h' }, h('h3', { id: 'live-refused-h' }, 'Refused messages'), h('p', { id: 'live-refused-total', class: 'note' }), h('ul', { id: 'live-refused', class: 'events', 'aria-label': 'refused messages, newest first' })),
    ));
  byId('live-open-plan').addEventListener('click', () => {
    openPlan().catch((err: Error) => { byId('live-status').textContent = `Could not show the plan: ${err.message}`; });
  });
}

async function openPlan(): Promise<void> {
  const plan = await getJson<SolveResponse & { system: string; scenario: unknown; summary: { text: string; devices: number } }>('api/live/plan');
  location.hash = '#plan';
  await showExternalPlan(plan.system, plan.scenario, plan.summary, plan);
}

function renderState(): void {
  if (!state) return;
  const connected = state.agents.filter((a) => a.connected).length;
  byId('live-agents').replaceChildren(h('table', { 'aria-label': 'agents' },
    h('thead', {}, h('tr', {}, ...['server', 'state', 'x, y (m)', 'CPU (GHz)', 'band (MHz)', 'backhaul (Mbit/s)'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, ...state.agents.map((a) => h('tr', { 'data-agent': a.serverId, 'data-connected': String(a.connected) },
      h('th', { scope: 'row' }, a.serverId), h('td', {}, a.connected ? 'connected' : 'gone'), h('td', { class: 'num' }, `${fmt(a.x)}, ${fmt(a.y)}`),
      h('td', { class: 'num' }, fmt(a.cpuGHz)), h('td', { class: 'num' }, fmt(a.bandwidthMHz)), h('td', { class: 'num' }, fmt(a.backhaulMbps)))))));
  const dev = byId('live-devices');
  dev.textContent = `${plural(state.devices.total, 'device')} known; ${plural(state.reports.total, 'report')} accepted since the dashboard started.`;
  dev.dataset.devices = String(state.devices.total);
  const last = plans.at(-1);
 byId('live-status').textContent = `${connected} of ${plural(state.agents.length, 'agent')} connected, ${plural(state.devices.total, 'device')}, ${last ? `plan ${last.planId} in force` : 'no plan yet'}${state.lastPlanError ? `; last planning error: ${state.lastPlanError}` : ''}. Updates are pushed as they happen.`;
}

function renderReports(): void {
  byId('live-reports').replaceChildren(...reports.slice(0, 30).map((r) => h('li', { 'data-device': r.deviceId }, `${clock(r.updatedAt)} ${r.deviceId} report ${r.seq}${r.via ? ` via ${r.via}` : ' over HTTP'}`)));
}

function renderRefused(): void {
  byId('live-refused-total').textContent = `${refusedTotal} refused since the dashboard started.`;
  byId('live-refused').replaceChildren(...refused.slice(0, 40).map((r) => h('li', { 'data-code': r.code }, `${clock(r.at)} ${r.from}: ${r.code}: ${r.message}`)));
}

function renderPlans(): void {
  const last = plans.at(-1);
  const summary = byId('live-plan-summary');
  summary.textContent = last ? `${plural(plans.length, 'plan')} seen; in force: plan ${last.planId} (${last.algorithm}, ${last.status}${last.verified ? ', checked' : ''}), ${plural(last.devices, 'device')}, total latency ${fmt(last.totalLatencyS, 's')}, planned in ${fmt(last.solveMs, 'ms')} (${last.trigger}).` : 'No plan yet.';
  summary.dataset.plans = String(plans.length);
  const lat = latencies.map((l) => l.ms);
  const s = byId('live-latency-summary');
  s.textContent = lat.length ? `${plural(lat.length, 'decision')}: median ${fmt(quantile(lat, 0.5), 'ms')}, p99 ${fmt(quantile(lat, 0.99), 'ms')} (from the commit of a report to the push of the first plan computed from it).` : 'No decision measured yet.';
  s.dataset.decisions = String(lat.length);
  scheduleCharts();
}

/** Charts are redrawn at most once a second, however fast plans come. */
function scheduleCharts(): void {
  if (chartsDue) return;
  chartsDue = true;
  setTimeout(() => {
    chartsDue = false;
    if (byId('view-live').hidden) return;
    void Promise.all([
      plans.length ? draw(byId('live-objective'), historySpec(plans.map((p) => ({ at: p.at, value: p.totalLatencyS, series: 'total latency (s)' })), 'total latency (s)'), 'total latency of each plan over time') : null,
      plans.length ? draw(byId('live-plan-time'), historySpec(plans.map((p) => ({ at: p.at, value: p.solveMs, series: 'plan time (ms)' })), 'plan time (ms)'), 'time to compute each plan over time') : null,
      latencies.length ? draw(byId('live-latency'), historySpec(latencies.map((l) => ({ at: l.at, value: l.ms, series: 'report → decision (ms)' })), 'ms'), 'report to decision latency of each device over time') : null,
    ]);
  }, 1000);
}

function onSnapshot(snap: LiveSnapshot): void {
  state = snap;
  plans = snap.plans;
  latencies = snap.latencies;
  refused = snap.refused.recent;
  refusedTotal = snap.refused.total;
  reports.splice(0, reports.length, ...snap.devices.recent);
  renderState();
  renderReports();
  renderRefused();
  renderPlans();
}

function onEvent(e: LiveEvent): void {
  switch (e.type) {
    case 'state': state = e.state; renderState(); break;
    case 'reports': reports.unshift(...e.devices); reports.length = Math.min(reports.length, 100); renderReports(); break;
    case 'plan': plans.push(e.plan); latencies.push(...e.latencies); renderPlans(); renderState(); break;
    case 'plan-failed': if (state) state.lastPlanError = e.reason; renderState(); break;
    case 'refused': refused.unshift(e.event); refusedTotal = e.total; refused.length = Math.min(refused.length, 100); renderRefused(); break;
  }
}

export async function initLive(): Promise<void> {
  const status = byId('live-status');
  try {
    onSnapshotFirst(await getJson<LiveSnapshot>('api/live'));
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      status.textContent = err.message;
      return;
    }
    throw err;
  }
  const source = new EventSource('api/live/events');
  source.addEventListener('snapshot', (m) => onSnapshot(JSON.parse((m as MessageEvent).data)));
  for (const type of ['state', 'plan', 'plan-failed', 'reports', 'refused']) {
    source.addEventListener(type, (m) => onEvent(JSON.parse((m as MessageEvent).data)));
  }
  source.addEventListener('open', () => { document.body.dataset.live = 'open'; });
  source.addEventListener('error', () => { status.textContent = 'Connection to the controller lost; reconnecting…'; });
  window.addEventListener('hashchange', () => { if (location.hash === '#live') scheduleCharts(); });
}

function onSnapshotFirst(snap: LiveSnapshot): void {
  layout();
  onSnapshot(snap);
}
