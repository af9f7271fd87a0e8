import type { ClaimCheck, FigureDefinition, FigureSummary } from '../core/system.ts';
import { generateScenario } from './generate.ts';
import { solveAdmm } from './algorithms/admm.ts';

/**
 * The paper's Figs. 2-5 (Section V) as Monte Carlo figures. Every sample draws the paper's
 * setting (100 tasks, 1 MBS + 5 SBSs, SBS 20 GHz, MBS 100 GHz, local 5 GHz) from its seed and
 * runs the ADMM; trace figures run it for exactly x iterations and read the utility of the plan
 * rounded from that iteration (the relaxed iterate's utility is dominated by the barrier's
 * residual weight on the device option, whose energy is 10^4 times the others', so it is not drawn).
 */
const traceAt = (alpha: number, rho: number, iterations: number, seed: number): number => {
  const s = generateScenario({ seed, tasks: 100, sbs: 5, groups: 1, alpha });
  const r = solveAdmm(s, { rho, maxIterations: iterations, minIterations: iterations, polish: false, traceRounded: true });
  return r.trace![Math.min(iterations, r.trace!.length) - 1].roundedUtility!;
};

const iterationPoints = [1, 5, 10, 15, 20, 30, 40, 60].map((x) => ({ x }));
const quickIterationPoints = [1, 10, 30].map((x) => ({ x }));
const check = (claim: string, holds: boolean, detail: string): ClaimCheck => ({ claim, holds, detail });
const fmt = (v: number) => Number(v.toPrecision(4));
const xsOf = (s: FigureSummary, series: string, panel?: string) =>
  [...new Set(s.points.filter((p) => p.series === series && (panel === undefined || p.panel === panel)).map((p) => p.x))].sort((a, b) => a - b);
/** Figs. 4-5 are drawn twice: with the paper's dedicated MBS CPU and with a shared one (spec section 6). */
const panels = ['dedicated MBS (paper)', 'shared MBS'];
const mbsCpuOf = (panel?: string): 'dedicated' | 'shared' => (panel === 'shared MBS' ? 'shared' : 'dedicated');

const fig2: FigureDefinition = {
  id: 'fig2',
  title: 'Fig. 2: ADMM convergence for alpha = 0.2, 0.5, 0.8',
  caption: 'Utility of the plan rounded at each iteration; the paper: it falls, then flattens, and a higher alpha gives a higher utility.',
  xLabel: 'iteration', yLabel: 'utility',
  points: iterationPoints, quickPoints: quickIterationPoints, defaultRuns: 5, quickRuns: 1, logY: true,
  params: { tasks: 100, sbs: 5, rho: 1, sbsCpuGHz: 20, mbsCpuGHz: 100, localCpuGHz: 5 },
  sample: (p, seed) => Object.fromEntries([0.2, 0.5, 0.8].map((a) => [`alpha=${a}`, traceAt(a, 1, p.x, seed)])),
  claims: (s) => {
    const series = ['alpha=0.2', 'alpha=0.5', 'alpha=0.8'];
    const last = Math.max(...xsOf(s, series[0])), first = Math.min(...xsOf(s, series[0]));
    const finals = series.map((k) => s.at(k, last));
    return [
      check('utility falls over the iterations (last <= first)', series.every((k) => s.at(k, last) <= s.at(k, first)),
        series.map((k) => `${k}: ${fmt(s.at(k, first))} -> ${fmt(s.at(k, last))}`).join('; ')),
      check('higher alpha, higher utility (at the last iteration)', finals[0] < finals[1] && finals[1] < finals[2], finals.map(fmt).join(' < ')),
    ];
  },
};

const fig3: FigureDefinition = {
  id: 'fig3',
  title: 'Fig. 3: ADMM convergence for rho = 1.0 and 1.2',
  caption: 'Utility of the plan rounded at each iteration (alpha = 0.5); the paper: both converge to about the same value, rho = 1.2 faster.',
  xLabel: 'iteration', yLabel: 'utility',
  points: iterationPoints, quickPoints: quickIterationPoints, defaultRuns: 5, quickRuns: 1, logY: true,
  params: { tasks: 100, sbs: 5, alpha: 0.5, sbsCpuGHz: 20, mbsCpuGHz: 100, localCpuGHz: 5 },
  sample: (p, seed) => ({ 'rho=1.0': traceAt(0.5, 1, p.x, seed), 'rho=1.2': traceAt(0.5, 1.2, p.x, seed) }),
  claims: (s) => {
    const xs = xsOf(s, 'rho=1.0');
    const last = xs[xs.length - 1], mid = xs[Math.floor((xs.length - 1) / 2)];
    const a = s.at('rho=1.0', last), b = s.at('rho=1.2', last);
    const gapA = Math.abs(s.at('rho=1.0', mid) - a), gapB = Math.abs(s.at('rho=1.2', mid) - b);
    return [
      check('both converge to about the same utility (within 5 %)', Math.abs(a - b) <= 0.05 * Math.max(a, b), `${fmt(a)} vs ${fmt(b)}`),
      check('rho = 1.2 is nearer its final value at mid-run', gapB <= gapA, `distance at iteration ${mid}: rho 1.0 ${fmt(gapA)}, rho 1.2 ${fmt(gapB)}`),
    ];
  },
};

const bsCounts = [3, 5, 8];
const fig4: FigureDefinition = {
  id: 'fig4',
  title: 'Fig. 4: utility vs number of tasks for several numbers of BSs',
  caption: 'Final ADMM utility (alpha = 0.8, rho = 1); the paper: it grows with the tasks and falls with more BSs.',
  xLabel: 'number of tasks', yLabel: 'utility',
  points: panels.flatMap((panel) => [50, 100, 150, 200].map((x) => ({ x, panel }))),
  quickPoints: panels.flatMap((panel) => [50, 100].map((x) => ({ x, panel }))), defaultRuns: 5, quickRuns: 1,
  params: { alpha: 0.8, rho: 1, sbsCpuGHz: 20, mbsCpuGHz: 100, localCpuGHz: 5, bs: bsCounts.map((s) => s + 1), panels },
  sample: (p, seed) => Object.fromEntries(bsCounts.map((S) => [`${S + 1} BS`,
    solveAdmm(generateScenario({ seed, tasks: p.x, sbs: S, groups: 1, alpha: 0.8, mbsCpu: mbsCpuOf(p.panel) })).utility])),
  claims: (s) => panels.flatMap((panel) => {
    const names = bsCounts.map((S) => `${S + 1} BS`);
    const xs = xsOf(s, names[0], panel);
    const grows = names.every((k) => xs.every((x, i) => i === 0 || s.at(k, x, panel) > s.at(k, xs[i - 1], panel)));
    const avgs = names.map((k) => s.average(k, panel));
    return [
      check(`${panel}: utility grows with the number of tasks`, grows, names.map((k) => `${k}: ${xs.map((x) => fmt(s.at(k, x, panel))).join(', ')}`).join('; ')),
      check(`${panel}: utility falls with more BSs`, avgs.every((v, i) => i === 0 || v < avgs[i - 1]), names.map((k, i) => `${k} ${fmt(avgs[i])}`).join(' > ')),
    ];
  }),
};

const fig5: FigureDefinition = {
  id: 'fig5',
  title: 'Fig. 5: where tasks run vs data size',
  caption: 'Number of the 100 tasks placed locally, through an SBS (three-tier) and on the MBS, every task of the given size; the paper: small tasks local, mid-size three-tier, large MBS.',
  xLabel: 'log10 of the data size per task in kbit (0 = 1 kbit, 4.5 = 31.6 Mbit)', yLabel: 'tasks',
  points: panels.flatMap((panel) => [0, 1, 2, 3, 4, 4.5].map((x) => ({ x, panel }))),
  quickPoints: panels.flatMap((panel) => [0, 3, 4.5].map((x) => ({ x, panel }))), defaultRuns: 3, quickRuns: 1, 
  params: { tasks: 100, sbs: 5, alpha: 0.5, rho: 1, panels },
  sample: (p, seed) => {
    const kbit = 10 ** p.x;
    const r = solveAdmm(generateScenario({ seed, tasks: 100, sbs: 5, groups: 1, dataKbitMin: kbit, dataKbitMax: kbit, mbsCpu: mbsCpuOf(p.panel) }));
    const count = (f: (place: string) => boolean) => r.tasks.filter((t) => f(t.place)).length;
    return { local: count((pl) => pl === 'local'), 'three-tier': count((pl) => pl !== 'local' && pl !== 'mbs'), mbs: count((pl) => pl === 'mbs') };
  },
  claims: (s) => panels.flatMap((panel) => {
    const xs = xsOf(s, 'local', panel);
    const lo = xs[0], hi = xs[xs.length - 1], mids = xs.slice(1, -1);
    const top = (x: number) => ['local', 'three-tier', 'mbs'].reduce((a, b) => (s.at(b, x, panel) > s.at(a, x, panel) ? b : a));
    return [
      check(`${panel}: the smallest tasks run locally`, top(lo) === 'local', `at ${fmt(10 ** lo)} kbit most go ${top(lo)}`),
      check(`${panel}: some mid-size tasks use the three-tier path`, mids.some((x) => s.at('three-tier', x, panel) > 0), mids.map((x) => `${fmt(10 ** x)} kbit: ${fmt(s.at('three-tier', x, panel))}`).join(', ')),
      check(`${panel}: the largest tasks go to the MBS`, top(hi) === 'mbs', `at ${fmt(10 ** hi)} kbit most go ${top(hi)}`),
    ];
  }),
};

export const figures: FigureDefinition[] = [fig2, fig3, fig4, fig5];
