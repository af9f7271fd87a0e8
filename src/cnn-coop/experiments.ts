import type { ClaimCheck, FigureDefinition, FigurePoint, FigureSummary } from '../core/system.ts';
import type { Result, Scenario } from './model.ts';
import { generateScenario, type CnnCoopOptions } from './generate.ts';
import { precompute } from './physics.ts';
import { buildResult } from './plan.ts';
import { runPaStages, placementOf, rltShares, paLoadLimit, paSpec, mecOnly, mccOnly } from './algorithms/pa.ts';
import { mdo } from './algorithms/mdo.ts';
import { ihra } from './algorithms/ihra.ts';
import { eejs } from './algorithms/eejs.ts';
import { best } from './algorithms/best.ts';
import { lowerBoundOf } from './bounds.ts';

/**
 * The paper's Figs. 4–9 (Section VII) as Monte Carlo figures. One sample draws the paper's
 * default scenario (Table III, spec §6) from its seed with the figure's parameters, runs the
 * algorithms on that same scenario (so comparisons are paired) and returns each series' total
 * latency (device energy for Fig. 9).
 *
 * Parameters the paper does not print, and the values chosen here:
 *  - Figs. 6–7: the two (F1, F2) settings are the two ends of Table III's {600, 800} GHz,
 *    F1 = F2 = 600 GHz and F1 = F2 = 800 GHz.
 *  - Fig. 8: load limit Q_n = 18 tasks a server, the least that lets two servers take all of
 *    M = 35 tasks, so the limit binds when PA crowds one server but never forces a task local.
 *  - Fig. 5 draws M = 25, 30, 35 on the x axis with one panel per N (4, 6, 8).
 *  - Fig. 9 adds the device energy of our `best` plan (a latency plan); the latency lower bound
 *    has no place on an energy axis.
 *  - Every figure with PA also draws "PA-spec": PA with stage 2 read as the spec's §3 (the
 *    bound-factor products, the printed x dropped), the reading used before docs/pa-fidelity.md;
 *    "PA" is the hull reading of (27) as printed.
 *
 * Run counts keep `mec reproduce all` to minutes on two cores: PA (its RLT relaxation) dominates
 * a sample. Comparisons are paired (every algorithm sees the same scenarios), so orderings are
 * resolved well before each mean's own interval is tight.
 */

export const SERIES = {
  pa: 'PA', paSpec: 'PA-spec', rlt0: 'RLT-0', ara: 'ARA', mdo: 'MDO', ihra: 'IHRA', eejs: 'EEJS',
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
  const stages = runPaStages(s, pre, { name: 'pa' });
  const placement = placementOf(stages);
  return {
    pa: buildResult(s, pre, 'pa', placement, { kind: 'optimal' }),
    rlt0: buildResult(s, pre, 'rlt-0', placement, rltShares(stages)),
    ara: buildResult(s, pre, 'ara', placement, { kind: 'equal' }),
  };
}

/**
 * Our added series: `best` (its total latency, or its device energy on Fig. 9) and the proved
 * lower bound on the total latency of any plan meeting the deadlines (none on Fig. 9: it bounds
 * latency, not energy). `best` reports the bound it proves; when it declines to (a task no
 * option can serve in time), `lowerBoundOf` gives the bound with that task's deadline dropped,
 * which still bounds every plan meeting the other tasks' deadlines. A plan that misses some
 * deadline may lie below the bound; the figures' claims would show it.
 */
function addedSeries(s: Scenario, energy = false): Record<string, number> {
  const b = best.solve(s);
  if (energy) return { best: b.deviceEnergyJ };
  return { best: b.totalLatencyS, 'lower bound': b.lowerBound ?? lowerBoundOf(s) };
}

/**
 * Runs one part of a sample (an algorithm, or a family sharing a solve). A throw (a solver
 * failure) is printed to stderr with the figure, point and seed, so it can be rerun, and the
 * part's series become NaN: the runner leaves NaN out of the mean, the CSV's n column shows how
 * many samples a point kept, and the claim "every algorithm solved every sample" fails. One
 * failing solver so does not stop a long reproduction, nor does it pass unnoticed.
 */
function guard(where: string, series: string[], run: () => Record<string, number>): Record<string, number> {
  try {
    return run();
  } catch (e) {
    process.stderr.write(`\n${where}: ${series.join(', ')} failed: ${(e as Error).message}\n`);
    return Object.fromEntries(series.map((k) => [k, NaN]));
  }
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

/**
 * How far PA and best are above the lower bound, on average, and the bound below every series.
 * `name` maps a base series name to the figure's (Figs. 6–7 tag theirs with the CPU setting).
 */
function gaps(s: FigureSummary, panel?: string, name: (series: string) => string = (k) => k): ClaimCheck[] {
  const [bestName, lbName, paName] = ['best', 'lower bound', SERIES.pa].map(name);
  if (!has(s, bestName) || !has(s, lbName)) return [];
  const lb = s.average(lbName, panel);
  const mine = name('');
  const algs = [...new Set(s.points.map((p) => p.series))].filter((k) => k !== lbName && (mine === '' || k.endsWith(mine)));
  const above = algs.filter((k) => !(s.average(k, panel) >= lb * (1 - 1e-9)));
  const where = panel ? ` (${panel})` : mine ? ` ${mine.trim()}` : '';
  return [
    check(`best at most PA${where}`, s.average(bestName, panel) <= s.average(paName, panel) * (1 + 1e-9),
      `average gap to the lower bound: PA ${pct(s.average(paName, panel) / lb - 1)}, best ${pct(s.average(bestName, panel) / lb - 1)}`),
    check(`the lower bound is below every series${where}`, above.length === 0,
      above.length ? `above ${above.join(', ')}` : `bound ${fmt(lb)}`),
  ];
}

/** Every series kept every sample at every point (a solver failure leaves a NaN, see `guard`). */
function solvedAll(s: FigureSummary): ClaimCheck {
  const short: string[] = [];
  for (const p of s.points) {
    const most = Math.max(...s.points.filter((q) => q.panel === p.panel && q.x === p.x).map((q) => q.n));
    if (p.n < most) short.push(`${p.series} at ${p.panel ? `${p.panel}, ` : ''}x = ${p.x}: ${p.n} of ${most}`);
  }
  return check('every algorithm solved every sample', short.length === 0, short.length ? short.join('; ') : 'no failures');
}

// ---- figures ----

const MS = [25, 27, 29, 31, 33, 35];
const QUICK_MS = [25, 35];
const mPoints = (ms: number[], panel?: string): FigurePoint[] => ms.map((x) => ({ x, ...(panel ? { panel } : {}) }));
const TABLE3 = { areaM: 100, dataMbit: [1, 10], minRateMbps: 1, deadlineS: [1, 2], txPowerW: 0.6, deviceCpuGHz: [2, 4],
  localGigacyclesPerMbit: [2, 4], noiseDbm: -110, pathLossDb: '128.1 + 27 log10(d km)', cnnProfile: 'table1', kappa: 1e-28 };

const scenario = (seed: number, o: Omit<CnnCoopOptions, 'seed'>) => generateScenario({ seed, ...o });
const whereOf = (figure: string, p: FigurePoint, seed: number) => `${figure} ${p.panel ? `${p.panel}, ` : ''}x = ${p.x}, seed ${seed}`;
const latency = (series: string, run: () => Result) => (): Record<string, number> => ({ [series]: run().totalLatencyS });

/** PA, IHRA, EEJS (+ added series): the trio of Figs. 5–7. */
function trio(s: Scenario, where: string): Record<string, number> {
  return {
    ...guard(where, [SERIES.pa], latency(SERIES.pa, () => paFamily(s).pa)),
    ...guard(where, [SERIES.paSpec], latency(SERIES.paSpec, () => paSpec.solve(s))),
    ...guard(where, [SERIES.ihra], latency(SERIES.ihra, () => ihra.solve(s))),
    ...guard(where, [SERIES.eejs], latency(SERIES.eejs, () => eejs.solve(s))),
    ...guard(where, ADDED, () => addedSeries(s)),
  };
}

const fig4: FigureDefinition = {
  id: 'fig4',
  title: 'Fig. 4: total latency vs number of tasks (N = 2)',
  caption: 'Six algorithms on the default scenario with two MEC servers; the paper: PA lowest, MDO and EEJS worst, IHRA, ARA and RLT-0 between.',
  xLabel: 'number of tasks M', yLabel: 'total task latency (s)',
  points: mPoints(MS), quickPoints: mPoints(QUICK_MS), defaultRuns: 60, quickRuns: 3,
  params: { ...TABLE3, servers: 2, devices: MS, bandwidthMHz: 10, backhaulMbps: 100, serverCpuGHz: [600, 800] },
  addedSeries: ADDED,
  sample: (p, seed) => {
    const s = scenario(seed, { devices: p.x, servers: 2 });
    const where = whereOf('fig4', p, seed);
    return {
      ...guard(where, [SERIES.pa, SERIES.rlt0, SERIES.ara], () => {
        const f = paFamily(s);
        return { [SERIES.pa]: f.pa.totalLatencyS, [SERIES.rlt0]: f.rlt0.totalLatencyS, [SERIES.ara]: f.ara.totalLatencyS };
      }),
      ...guard(where, [SERIES.paSpec], latency(SERIES.paSpec, () => paSpec.solve(s))),
      ...guard(where, [SERIES.mdo], latency(SERIES.mdo, () => mdo.solve(s))),
      ...guard(where, [SERIES.ihra], latency(SERIES.ihra, () => ihra.solve(s))),
      ...guard(where, [SERIES.eejs], latency(SERIES.eejs, () => eejs.solve(s))),
      ...guard(where, ADDED, () => addedSeries(s)),
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
      solvedAll(s),
    ];
  },
};

const NS = [4, 6, 8];
const FIG5_MS = [25, 30, 35];
const nPanel = (n: number) => `N = ${n}`;
const fig5: FigureDefinition = {
  id: 'fig5',
  title: 'Fig. 5: total latency vs number of tasks for N = 4, 6, 8',
  caption: 'PA, IHRA and EEJS with more MEC servers; the paper: latency falls as N grows, and PA < IHRA < EEJS.',
  xLabel: 'number of tasks M', yLabel: 'total task latency (s)',
  points: NS.flatMap((n) => mPoints(FIG5_MS, nPanel(n))), quickPoints: NS.flatMap((n) => mPoints(QUICK_MS, nPanel(n))), defaultRuns: 30, quickRuns: 2,
  params: { ...TABLE3, servers: NS, devices: FIG5_MS, bandwidthMHz: 10, backhaulMbps: 100, serverCpuGHz: [600, 800] },
  addedSeries: ADDED,
  sample: (p, seed) => trio(scenario(seed, { devices: p.x, servers: Number(p.panel!.slice(4)) }), whereOf('fig5', p, seed)),
  claims: (s) => {
    const algs = [SERIES.pa, SERIES.ihra, SERIES.eejs];
    const falls = algs.map((k) => NS.map((n) => s.average(k, nPanel(n))));
    return [
      check('latency falls as N grows (N = 4 > 6 > 8, every algorithm)', falls.every((v) => v[0] > v[1] && v[1] > v[2]),
        algs.map((k, i) => `${k}: ${falls[i].map(fmt).join(' > ')}`).join('; ')),
      ...NS.map((n) => ordered(s, algs, nPanel(n))),
      ...NS.flatMap((n) => gaps(s, nPanel(n))),
      solvedAll(s),
    ];
  },
};

/**
 * Figs. 6–7 compare two CPU settings; both run in the same sample on the same seed (the same
 * devices and servers, only F1 and F2 change), so the settings are compared pairwise. Series
 * carry the setting, e.g. "PA (600 GHz)" for F1 = F2 = 600 GHz.
 */
const CPU_SETTINGS: Array<[number, number]> = [[600, 600], [800, 800]];
// Short, so the legend does not truncate it: "PA (600 GHz)" means F1 = F2 = 600 GHz.
const cpuTag = ([f1, f2]: [number, number]) => (f1 === f2 ? ` (${f1} GHz)` : ` (${f1}/${f2} GHz)`);
const tagged = (c: [number, number]) => (series: string) => `${series}${cpuTag(c)}`;

function pairedTrio(seed: number, o: Omit<CnnCoopOptions, 'seed' | 'serverCpuGHz'>, where: string): Record<string, number> {
  return Object.assign({}, ...CPU_SETTINGS.map((c) => {
    const r = trio(scenario(seed, { ...o, serverCpuGHz: c }), `${where}${cpuTag(c)}`);
    return Object.fromEntries(Object.entries(r).map(([k, v]) => [tagged(c)(k), v]));
  }));
}

/** Claims shared by Figs. 6 and 7: latency falls along x, faster servers help, PA beats EEJS and IHRA. */
function resourceClaims(s: FigureSummary, what: string): ClaimCheck[] {
  const algs = [SERIES.pa, SERIES.ihra, SERIES.eejs];
  const [slow, fast] = CPU_SETTINGS.map(tagged);
  return [
    trend(s, CPU_SETTINGS.flatMap((c) => algs.map(tagged(c))), 'falls', what),
    check('higher server CPU, lower latency (every algorithm)', algs.every((k) => s.average(fast(k)) < s.average(slow(k))),
      algs.map((k) => `${k}: ${fmt(s.average(slow(k)))} -> ${fmt(s.average(fast(k)))}`).join('; ')),
    ...CPU_SETTINGS.map((c) => lowest(s, tagged(c)(SERIES.pa), [SERIES.ihra, SERIES.eejs].map(tagged(c)))),
    ...CPU_SETTINGS.flatMap((c) => gaps(s, undefined, tagged(c))),
    solvedAll(s),
  ];
}

const cpuAdded = CPU_SETTINGS.flatMap((c) => ADDED.map(tagged(c)));
const BS = [10, 15, 20, 25, 30];
const fig6: FigureDefinition = {
  id: 'fig6',
  title: 'Fig. 6: total latency vs MEC bandwidth (N = 2, M = 30)',
  caption: 'PA, IHRA and EEJS for two settings of the server CPUs, F1 = F2 = 600 GHz and F1 = F2 = 800 GHz; the paper: latency falls with the bandwidth and with faster servers, PA best.',
  xLabel: 'bandwidth of each MEC server B_n (MHz)', yLabel: 'total task latency (s)',
  points: BS.map((x) => ({ x })), quickPoints: [10, 30].map((x) => ({ x })), defaultRuns: 25, quickRuns: 2,
  params: { ...TABLE3, servers: 2, devices: 30, bandwidthMHz: BS, backhaulMbps: 100, serverCpuGHz: CPU_SETTINGS },
  addedSeries: cpuAdded,
  sample: (p, seed) => pairedTrio(seed, { devices: 30, servers: 2, bandwidthMHz: p.x }, whereOf('fig6', p, seed)),
  claims: (s) => resourceClaims(s, 'the bandwidth'),
};

const CS = [100, 250, 400, 550, 700, 850, 1000];
const fig7: FigureDefinition = {
  id: 'fig7',
  title: 'Fig. 7: total latency vs backhaul capacity (N = 2, M = 30)',
  caption: 'PA, IHRA and EEJS for two settings of the server CPUs, F1 = F2 = 600 GHz and F1 = F2 = 800 GHz; the paper: latency falls with the MEC–cloud capacity and with faster servers, PA best.',
  xLabel: 'backhaul capacity of each MEC server C_n (Mbit/s)', yLabel: 'total task latency (s)',
  points: CS.map((x) => ({ x })), quickPoints: [100, 1000].map((x) => ({ x })), defaultRuns: 25, quickRuns: 2,
  params: { ...TABLE3, servers: 2, devices: 30, bandwidthMHz: 10, backhaulMbps: CS, serverCpuGHz: CPU_SETTINGS },
  addedSeries: cpuAdded,
  sample: (p, seed) => pairedTrio(seed, { devices: 30, servers: 2, backhaulMbps: p.x }, whereOf('fig7', p, seed)),
  claims: (s) => resourceClaims(s, 'the backhaul capacity'),
};

export const LOAD_LIMIT = 18;
const fig8: FigureDefinition = {
  id: 'fig8',
  title: 'Fig. 8: total latency vs number of tasks, offloading schemes (N = 2)',
  caption: `PA with and without a load limit (at most ${LOAD_LIMIT} tasks a server) against MEC-only (baseline 1) and MCC-only (baseline 2); the paper: PA best, the load limit costs a little.`,
  xLabel: 'number of tasks M', yLabel: 'total task latency (s)',
  points: mPoints(MS), quickPoints: mPoints(QUICK_MS), defaultRuns: 30, quickRuns: 2,
  params: { ...TABLE3, servers: 2, devices: MS, bandwidthMHz: 10, backhaulMbps: 100, serverCpuGHz: [600, 800], maxTasks: LOAD_LIMIT },
  addedSeries: ADDED,
  // The baselines are heavy-tailed: a plan that gives up deadlines can leave a task a sliver of
  // the backhaul (one sample of MCC-only at M = 33 totals 2.5e4 s), so a linear axis hides the rest.
  logY: true,
  sample: (p, seed) => {
    const s = scenario(seed, { devices: p.x, servers: 2, maxTasks: LOAD_LIMIT });
    const where = whereOf('fig8', p, seed);
    return {
      ...guard(where, [SERIES.pa], latency(SERIES.pa, () => paFamily(s).pa)),
      ...guard(where, [SERIES.paSpec], latency(SERIES.paSpec, () => paSpec.solve(s))),
      ...guard(where, [SERIES.paLimit], latency(SERIES.paLimit, () => paLoadLimit.solve(s))),
      ...guard(where, [SERIES.mecOnly], latency(SERIES.mecOnly, () => mecOnly.solve(s))),
      ...guard(where, [SERIES.mccOnly], latency(SERIES.mccOnly, () => mccOnly.solve(s))),
      ...guard(where, ADDED, () => addedSeries(s)),
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
      solvedAll(s),
    ];
  },
};

const fig9: FigureDefinition = {
  id: 'fig9',
  title: 'Fig. 9: device energy vs number of tasks (N = 2)',
  caption: 'Total device energy of PA, IHRA and EEJS (dashed: the energy of our best latency plan); the paper: energy grows with M, EEJS lowest, PA slightly above it, IHRA higher than PA.',
  xLabel: 'number of tasks M', yLabel: 'total device energy (J)',
  points: mPoints(MS), quickPoints: mPoints(QUICK_MS), defaultRuns: 60, quickRuns: 3,
  params: { ...TABLE3, servers: 2, devices: MS, bandwidthMHz: 10, backhaulMbps: 100, serverCpuGHz: [600, 800] },
  addedSeries: ['best'],
  sample: (p, seed) => {
    const s = scenario(seed, { devices: p.x, servers: 2 });
    const where = whereOf('fig9', p, seed);
    const energy = (series: string, run: () => Result) => (): Record<string, number> => ({ [series]: run().deviceEnergyJ });
    return {
      ...guard(where, [SERIES.pa], energy(SERIES.pa, () => paFamily(s).pa)),
      ...guard(where, [SERIES.paSpec], energy(SERIES.paSpec, () => paSpec.solve(s))),
      ...guard(where, [SERIES.ihra], energy(SERIES.ihra, () => ihra.solve(s))),
      ...guard(where, [SERIES.eejs], energy(SERIES.eejs, () => eejs.solve(s))),
      ...guard(where, ['best'], () => addedSeries(s, true)),
    };
  },
  claims: (s) => {
    const pa = s.average(SERIES.pa), ee = s.average(SERIES.eejs), ih = s.average(SERIES.ihra);
    return [
      lowest(s, SERIES.eejs, [SERIES.pa, SERIES.ihra]),
      check('PA close to EEJS (within 10 %)', pa <= ee * 1.1, `PA ${fmt(pa)} vs EEJS ${fmt(ee)} (+${pct(pa / ee - 1)})`),
      check('IHRA above PA', ih > pa, `IHRA ${fmt(ih)}, PA ${fmt(pa)}`),
      trend(s, [SERIES.pa, SERIES.ihra, SERIES.eejs], 'grows', 'the number of tasks', 'energy'),
      solvedAll(s),
    ];
  },
};

export const figures: FigureDefinition[] = [fig4, fig5, fig6, fig7, fig8, fig9];
