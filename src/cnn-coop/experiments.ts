import type { ClaimCheck, FigureDefinition, FigurePoint, FigureSummary } from '../core/system.ts';
import type { Result, Scenario } from './model.ts';
import { generateScenario, type CnnCoopOptions } from './generate.ts';
import { precompute } from './physics.ts';
import { buildResult, type Placement } from './plan.ts';
import { runPaStages, paLoadLimit, mecOnly, mccOnly } from './algorithms/pa.ts';
import { mdo } from './algorithms/mdo.ts';
import { ihra } from './algorithms/ihra.ts';
import { eejs } from './algorithms/eejs.ts';

/**
 * The paper's Figs. 4–9 (Section VII) as Monte Carlo figures. One sample draws the paper's
 * default scenario (Table III, spec §6) from its seed with the figure's parameters, runs the
 * algorithms on that same scenario (so comparisons are paired) and returns each series' total
 * latency (device energy for Fig. 9).
 *
 * Parameters the paper does not print, and the values chosen here:
 *  - Figs. 6–7: the two (F1, F2) settings are the two ends of Table III's {600, 800} GHz,
 *    F1 = F2 = 600 GHz and F1 = F2 = 800 GHz (one panel each).
 *  - Fig. 8: load limit Q_n = 18 tasks a server, the least that lets two servers take all of
 *    M = 35 tasks, so the limit binds when PA crowds one server but never forces a task local.
 *  - Fig. 5 draws M = 25..35 on the x axis with one panel per N (4, 6, 8).
 */

export const SERIES = {
  pa: 'PA', rlt0: 'RLT-0', ara: 'ARA', mdo: 'MDO', ihra: 'IHRA', eejs: 'EEJS',
  paLimit: 'PA (load limit)', mecOnly: 'MEC-only (baseline 1)', mccOnly: 'MCC-only (baseline 2)',
} as const;
const ADDED = ['best', 'lower bound'];

/**
 * PA, RLT-0 and ARA from one run of PA's stages 1–2: they differ only in the shares (stage 3),
 * so the RLT relaxation, the costly part, is solved once. Must agree with the registered
 * algorithms (pa.ts solvePaVariant); the figure tests check that it does.
 */
export function paFamily(s: Scenario): { pa: Result; rlt0: Result; ara: Result } {
  const pre = precompute(s);
  const { splits, relaxation, assignment } = runPaStages(s, pre, { name: 'pa' });
  const placement: Placement[] = assignment.map((n, m) => (n < 0 ? { server: -1 } : { server: n, split: splits[m][n] }));
  const eps = 1e-3; // as in pa.ts: α = 1/ι - ε
  const read = (v: number[][]) => assignment.map((n, m) => (n < 0 ? 0 : 1 / v[m][n] - eps));
  return {
    pa: buildResult(s, pre, 'pa', placement, { kind: 'optimal' }),
    rlt0: buildResult(s, pre, 'rlt-0', placement, { kind: 'given', alpha: read(relaxation.iota), beta: read(relaxation.nu), lambda: read(relaxation.oslash) }),
    ara: buildResult(s, pre, 'ara', placement, { kind: 'equal' }),
  };
}

/** Our added series: `best` and the proved lower bound on total latency (not available yet: none). */
function addedSeries(_s: Scenario, _pa: Result, _energy = false): Record<string, number> {
  return {};
}

// ---- claims ----

const check = (claim: string, holds: boolean, detail: string): ClaimCheck => ({ claim, holds, detail });
const fmt = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(4)).toString() : String(v));
const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
const panelsOf = (s: FigureSummary) => [...new Set(s.points.map((p) => p.panel))];
const xsOf = (s: FigureSummary, series: string, panel?: string) =>
  [...new Set(s.points.filter((p) => p.series === series && (panel === undefined || p.panel === panel)).map((p) => p.x))].sort((a, b) => a - b);
const has = (s: FigureSummary, series: string) => s.points.some((p) => p.series === series);

/** `lower` below every one of `others` on the average over the panel (or figure). */
function lowest(s: FigureSummary, lower: string, others: string[], panel?: string): ClaimCheck {
  const a = s.average(lower, panel);
  const bad = others.filter((o) => !(a < s.average(o, panel)));
  return check(`${lower} lowest${panel ? ` (${panel})` : ''}`, bad.length === 0,
    [lower, ...others].map((k) => `${k} ${fmt(s.average(k, panel))}`).join(', ') + (bad.length ? `; not below ${bad.join(', ')}` : ''));
}

/** A chain a < b < c of averages. */
function ordered(s: FigureSummary, chain: string[], panel?: string): ClaimCheck {
  const v = chain.map((k) => s.average(k, panel));
  return check(`${chain.join(' < ')}${panel ? ` (${panel})` : ''}`, v.every((x, i) => i === 0 || v[i - 1] < x),
    chain.map((k, i) => `${k} ${fmt(v[i])}`).join(', '));
}

/** Every series changes in one direction from the first x to the last (in each panel). */
function trend(s: FigureSummary, series: string[], direction: 'falls' | 'grows', what: string, quantity = 'latency'): ClaimCheck {
  const parts: string[] = [];
  let holds = true;
  for (const panel of panelsOf(s)) {
    for (const k of series) {
      const xs = xsOf(s, k, panel);
      const first = s.at(k, xs[0], panel), last = s.at(k, xs[xs.length - 1], panel);
      if (!(direction === 'falls' ? last < first : last > first)) holds = false;
      parts.push(`${panel ? `${panel} ` : ''}${k}: ${fmt(first)} -> ${fmt(last)}`);
    }
  }
  return check(`${quantity} ${direction} with ${what} (every algorithm, first x to last)`, holds, parts.join('; '));
}

/** How far PA and best are above the lower bound, on average (when the added series exist). */
function gaps(s: FigureSummary, panel?: string): ClaimCheck[] {
  if (!has(s, 'best') || !has(s, 'lower bound')) return [];
  const lb = s.average('lower bound', panel);
  const paGap = s.average(SERIES.pa, panel) / lb - 1;
  const bestGap = s.average('best', panel) / lb - 1;
  return [check(`best at most PA${panel ? ` (${panel})` : ''}`, s.average('best', panel) <= s.average(SERIES.pa, panel) * (1 + 1e-9),
    `average gap to the lower bound: PA ${pct(paGap)}, best ${pct(bestGap)}`)];
}

// ---- figures ----

const MS = [25, 27, 29, 31, 33, 35];
const QUICK_MS = [25, 35];
const mPoints = (panel?: string): FigurePoint[] => MS.map((x) => ({ x, ...(panel ? { panel } : {}) }));
const quickMPoints = (panel?: string): FigurePoint[] => QUICK_MS.map((x) => ({ x, ...(panel ? { panel } : {}) }));
const TABLE3 = { areaM: 100, dataMbit: [1, 10], minRateMbps: 1, deadlineS: [1, 2], txPowerW: 0.6, deviceCpuGHz: [2, 4],
  localGigacyclesPerMbit: [2, 4], noiseDbm: -110, pathLossDb: '128.1 + 27 log10(d km)', cnnProfile: 'table1', kappa: 1e-28 };

const scenario = (seed: number, o: Omit<CnnCoopOptions, 'seed'>) => generateScenario({ seed, ...o });

/** PA, IHRA, EEJS (+ added series): the trio of Figs. 5–7. */
function trio(s: Scenario): Record<string, number> {
  const { pa } = paFamily(s);
  return { [SERIES.pa]: pa.totalLatencyS, [SERIES.ihra]: ihra.solve(s).totalLatencyS, [SERIES.eejs]: eejs.solve(s).totalLatencyS, ...addedSeries(s, pa) };
}

const fig4: FigureDefinition = {
  id: 'fig4',
  title: 'Fig. 4: total latency vs number of tasks (N = 2)',
  caption: 'Six algorithms on the default scenario with two MEC servers; the paper: PA lowest, MDO and EEJS worst, IHRA, ARA and RLT-0 between.',
  xLabel: 'number of tasks M', yLabel: 'total task latency (s)',
  points: mPoints(), quickPoints: quickMPoints(), defaultRuns: 40, quickRuns: 4,
  params: { ...TABLE3, servers: 2, devices: MS, bandwidthMHz: 10, backhaulMbps: 100, serverCpuGHz: [600, 800] },
  addedSeries: ADDED,
  sample: (p, seed) => {
    const s = scenario(seed, { devices: p.x, servers: 2 });
    const f = paFamily(s);
    return {
      [SERIES.pa]: f.pa.totalLatencyS, [SERIES.rlt0]: f.rlt0.totalLatencyS, [SERIES.ara]: f.ara.totalLatencyS,
      [SERIES.mdo]: mdo.solve(s).totalLatencyS, [SERIES.ihra]: ihra.solve(s).totalLatencyS, [SERIES.eejs]: eejs.solve(s).totalLatencyS,
      ...addedSeries(s, f.pa),
    };
  },
  claims: (s) => {
    const middle = [SERIES.ihra, SERIES.ara, SERIES.rlt0];
    const worst = [SERIES.mdo, SERIES.eejs];
    const lowMiddle = Math.max(...middle.map((k) => s.average(k)));
    return [
      lowest(s, SERIES.pa, [...middle, ...worst]),
      check('MDO and EEJS worst (each above IHRA, ARA and RLT-0)', worst.every((k) => s.average(k) > lowMiddle),
        [...worst, ...middle].map((k) => `${k} ${fmt(s.average(k))}`).join(', ')),
      trend(s, [SERIES.pa, ...middle, ...worst], 'grows', 'the number of tasks'),
      ...gaps(s),
    ];
  },
};

const NS = [4, 6, 8];
const nPanel = (n: number) => `N = ${n}`;
const fig5: FigureDefinition = {
  id: 'fig5',
  title: 'Fig. 5: total latency vs number of tasks for N = 4, 6, 8',
  caption: 'PA, IHRA and EEJS with more MEC servers; the paper: latency falls as N grows, and PA < IHRA < EEJS.',
  xLabel: 'number of tasks M', yLabel: 'total task latency (s)',
  points: NS.flatMap((n) => mPoints(nPanel(n))), quickPoints: NS.flatMap((n) => quickMPoints(nPanel(n))), defaultRuns: 30, quickRuns: 3,
  params: { ...TABLE3, servers: NS, devices: MS, bandwidthMHz: 10, backhaulMbps: 100, serverCpuGHz: [600, 800] },
  addedSeries: ADDED,
  sample: (p, seed) => trio(scenario(seed, { devices: p.x, servers: Number(p.panel!.slice(4)) })),
  claims: (s) => {
    const algs = [SERIES.pa, SERIES.ihra, SERIES.eejs];
    const falls = algs.map((k) => NS.map((n) => s.average(k, nPanel(n))));
    return [
      check('latency falls as N grows (N = 4 > 6 > 8, every algorithm)', falls.every((v) => v[0] > v[1] && v[1] > v[2]),
        algs.map((k, i) => `${k}: ${falls[i].map(fmt).join(' > ')}`).join('; ')),
      ...NS.map((n) => ordered(s, algs, nPanel(n))),
      ...NS.flatMap((n) => gaps(s, nPanel(n))),
    ];
  },
};

const CPU_SETTINGS: Array<[number, number]> = [[600, 600], [800, 800]];
const cpuPanel = ([f1, f2]: [number, number]) => `F1 = ${f1} GHz, F2 = ${f2} GHz`;
const cpuOf = (panel: string) => CPU_SETTINGS.find((c) => cpuPanel(c) === panel)!;

/** Claims shared by Figs. 6 and 7: latency falls along x, faster servers help, PA beats EEJS and IHRA. */
function resourceClaims(s: FigureSummary, what: string): ClaimCheck[] {
  const algs = [SERIES.pa, SERIES.ihra, SERIES.eejs];
  const [slow, fast] = CPU_SETTINGS.map(cpuPanel);
  return [
    trend(s, algs, 'falls', what),
    check('higher server CPU, lower latency (every algorithm)', algs.every((k) => s.average(k, fast) < s.average(k, slow)),
      algs.map((k) => `${k}: ${fmt(s.average(k, slow))} -> ${fmt(s.average(k, fast))}`).join('; ')),
    ...CPU_SETTINGS.map((c) => lowest(s, SERIES.pa, [SERIES.ihra, SERIES.eejs], cpuPanel(c))),
    ...CPU_SETTINGS.flatMap((c) => gaps(s, cpuPanel(c))),
  ];
}

const BS = [10, 15, 20, 25, 30];
const fig6: FigureDefinition = {
  id: 'fig6',
  title: 'Fig. 6: total latency vs MEC bandwidth (N = 2, M = 30)',
  caption: 'PA, IHRA and EEJS for two settings of the server CPUs (F1, F2); the paper: latency falls with the bandwidth and with faster servers, PA best.',
  xLabel: 'bandwidth of each MEC server B_n (MHz)', yLabel: 'total task latency (s)',
  points: CPU_SETTINGS.flatMap((c) => BS.map((x) => ({ x, panel: cpuPanel(c) }))),
  quickPoints: CPU_SETTINGS.flatMap((c) => [10, 30].map((x) => ({ x, panel: cpuPanel(c) }))),
  defaultRuns: 30, quickRuns: 3,
  params: { ...TABLE3, servers: 2, devices: 30, bandwidthMHz: BS, backhaulMbps: 100, serverCpuGHz: CPU_SETTINGS },
  addedSeries: ADDED,
  sample: (p, seed) => trio(scenario(seed, { devices: 30, servers: 2, bandwidthMHz: p.x, serverCpuGHz: cpuOf(p.panel!) })),
  claims: (s) => resourceClaims(s, 'the bandwidth'),
};

const CS = [100, 250, 400, 550, 700, 850, 1000];
const fig7: FigureDefinition = {
  id: 'fig7',
  title: 'Fig. 7: total latency vs backhaul capacity (N = 2, M = 30)',
  caption: 'PA, IHRA and EEJS for two settings of the server CPUs (F1, F2); the paper: latency falls with the MEC–cloud capacity and with faster servers, PA best.',
  xLabel: 'backhaul capacity of each MEC server C_n (Mbit/s)', yLabel: 'total task latency (s)',
  points: CPU_SETTINGS.flatMap((c) => CS.map((x) => ({ x, panel: cpuPanel(c) }))),
  quickPoints: CPU_SETTINGS.flatMap((c) => [100, 1000].map((x) => ({ x, panel: cpuPanel(c) }))),
  defaultRuns: 30, quickRuns: 3,
  params: { ...TABLE3, servers: 2, devices: 30, bandwidthMHz: 10, backhaulMbps: CS, serverCpuGHz: CPU_SETTINGS },
  addedSeries: ADDED,
  sample: (p, seed) => trio(scenario(seed, { devices: 30, servers: 2, backhaulMbps: p.x, serverCpuGHz: cpuOf(p.panel!) })),
  claims: (s) => resourceClaims(s, 'the backhaul capacity'),
};

export const LOAD_LIMIT = 18;
const fig8: FigureDefinition = {
  id: 'fig8',
  title: 'Fig. 8: total latency vs number of tasks, offloading schemes (N = 2)',
  caption: `PA with and without a load limit (at most ${LOAD_LIMIT} tasks a server) against MEC-only (baseline 1) and MCC-only (baseline 2); the paper: PA best, the load limit costs a little.`,
  xLabel: 'number of tasks M', yLabel: 'total task latency (s)',
  points: mPoints(), quickPoints: quickMPoints(), defaultRuns: 30, quickRuns: 3,
  params: { ...TABLE3, servers: 2, devices: MS, bandwidthMHz: 10, backhaulMbps: 100, serverCpuGHz: [600, 800], maxTasks: LOAD_LIMIT },
  addedSeries: ADDED,
  sample: (p, seed) => {
    const s = scenario(seed, { devices: p.x, servers: 2, maxTasks: LOAD_LIMIT });
    const { pa } = paFamily(s);
    return {
      [SERIES.pa]: pa.totalLatencyS, [SERIES.paLimit]: paLoadLimit.solve(s).totalLatencyS,
      [SERIES.mecOnly]: mecOnly.solve(s).totalLatencyS, [SERIES.mccOnly]: mccOnly.solve(s).totalLatencyS,
      ...addedSeries(s, pa),
    };
  },
  claims: (s) => {
    const pa = s.average(SERIES.pa), limit = s.average(SERIES.paLimit);
    const baselines = [SERIES.mecOnly, SERIES.mccOnly];
    return [
      lowest(s, SERIES.pa, [SERIES.paLimit, ...baselines]),
      check('the load limit costs a little (PA <= PA with limit < both baselines)', pa <= limit && baselines.every((k) => limit < s.average(k)),
        `PA ${fmt(pa)}, with limit ${fmt(limit)} (+${pct(limit / pa - 1)}), ${baselines.map((k) => `${k} ${fmt(s.average(k))}`).join(', ')}`),
      ...gaps(s),
    ];
  },
};

const fig9: FigureDefinition = {
  id: 'fig9',
  title: 'Fig. 9: device energy vs number of tasks (N = 2)',
  caption: 'Total device energy of PA, IHRA and EEJS; the paper: energy grows with M, EEJS lowest, PA slightly above it, IHRA higher than PA.',
  xLabel: 'number of tasks M', yLabel: 'total device energy (J)',
  points: mPoints(), quickPoints: quickMPoints(), defaultRuns: 40, quickRuns: 4,
  params: { ...TABLE3, servers: 2, devices: MS, bandwidthMHz: 10, backhaulMbps: 100, serverCpuGHz: [600, 800] },
  addedSeries: ['best'],
  sample: (p, seed) => {
    const s = scenario(seed, { devices: p.x, servers: 2 });
    const { pa } = paFamily(s);
    return { [SERIES.pa]: pa.deviceEnergyJ, [SERIES.ihra]: ihra.solve(s).deviceEnergyJ, [SERIES.eejs]: eejs.solve(s).deviceEnergyJ, ...addedSeries(s, pa, true) };
  },
  claims: (s) => {
    const pa = s.average(SERIES.pa), ee = s.average(SERIES.eejs), ih = s.average(SERIES.ihra);
    return [
      lowest(s, SERIES.eejs, [SERIES.pa, SERIES.ihra]),
      check('PA close to EEJS (within 10 %)', pa <= ee * 1.1, `PA ${fmt(pa)} vs EEJS ${fmt(ee)} (+${pct(pa / ee - 1)})`),
      check('IHRA above PA', ih > pa, `IHRA ${fmt(ih)}, PA ${fmt(pa)}`),
      trend(s, [SERIES.pa, SERIES.ihra, SERIES.eejs], 'grows', 'the number of tasks', 'energy'),
    ];
  },
};

export const figures: FigureDefinition[] = [fig4, fig5, fig6, fig7, fig8, fig9];
