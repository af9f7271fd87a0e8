import { shannonRateBps } from '../../core/channel.ts';
import type { Algorithm } from '../../core/system.ts';
import { type LinearRow, solveLinear } from '../../core/lp.ts';
import type { Result, Scenario } from '../model.ts';
import { type CompiledGroup, type GroupPlan, type Params, LOCAL, MBS, compile, emptyPlan, evaluateGroup, paramsOf, repairGroup } from '../physics.ts';
import { buildResult } from '../result.ts';
import { InputError } from '../../core/errors.ts';
import { lowerBoundGroup } from './lower-bound.ts';

/**
 * `exact` for small instances: one MILP per group over HiGHS. Binaries choose the placement;
 * the split is continuous (fractions s0, s1 of the task's bits on the device and forwarded to the
 * MBS, the rest on the SBS). What is exact and what is linearised:
 * - interference, exactly: for every (task, SBS) pair one binary per subset of the other tasks
 *   that may sit on a different SBS (only the consistent subset can be 1), and the upload time
 *   >= rate(subset)^-1 · (1 - s0)·c when that binary is 1 (exponential in the tasks: small only);
 * - the SBS CPU share is restricted to the grid {1/L, ..., 1} (one binary per level; the compute
 *   time of the SBS fraction at level l is linear); the shares are re-optimised continuously
 *   afterwards (water-filling), which can only lower the utility;
 * - links are linear (load / capacity) and the forwarding binary f makes a task wait the path
 *   delay (big-M) only when it forwards; a forwarding unit's o1·load² is replaced by its
 *   piecewise-linear interpolation (exact when o1 = 0 or at the breakpoints, above it elsewhere);
 * - parallel timing: delay >= each branch, exact since the delay is minimised;
 * - a shared MBS CPU (mbsCpu "shared") is not modelled: exact refuses such scenarios.
 * The MILP value is therefore the optimum of the grid-share, PWL-forwarder model; the reported
 * utility is the true model's value of its plan (<= the MILP value).
 */
export interface ExactOptions { shareLevels: number; pwlBreakpoints: number; timeLimitS: number }
export const defaultExactOptions: ExactOptions = { shareLevels: 20, pwlBreakpoints: 16, timeLimitS: 60 };

/** `status` is HiGHS's, or "deadline" when some deadline cannot be met in the grid model. */
export interface ExactGroupOutput { plan: GroupPlan; milpObjective: number; status: string }

export function exactGroup(g: CompiledGroup, P: Params, opt: ExactOptions = defaultExactOptions): ExactGroupOutput {
  const { n, S } = g;
  if (n === 0) return { plan: emptyPlan(0, LOCAL), milpObjective: 0, status: 'optimal' };
  const L = opt.shareLevels;
  const lower: number[] = [], upper: number[] = [], cost: number[] = [], integer: boolean[] = [];
  const rows: LinearRow[] = [];
  const col = (lo: number, hi: number, c: number, int = false) => { lower.push(lo); upper.push(hi); cost.push(c); integer.push(int); return lower.length - 1; };
  const row = (lo: number, hi: number, entries: Array<[number, number]>) => {
    const merged = new Map<number, number>();
    for (const [k, v] of entries) merged.set(k, (merged.get(k) ?? 0) + v);
    rows.push({ lower: lo, upper: hi, entries: [...merged].filter(([, v]) => v !== 0) });
  };
  const a = P.alpha, b = 1 - P.alpha;
  const z = new Int32Array(n), y = new Int32Array(n), T = new Int32Array(n), late = new Int32Array(n);
  // elastic deadlines: lateness costs far more than any plan, so it is used only when no plan meets them
  let scaleCost = 1;
  for (let j = 0; j < n; j++) scaleCost += g.localT[j] + g.localE[j] + g.mbsT[j] + g.mbsE[j];
  for (let j = 0; j < n; j++) {
    z[j] = col(0, 1, b * g.localE[j], true);
    y[j] = col(0, 1, b * g.mbsE[j], true);
    T[j] = col(0, Infinity, a);
    late[j] = col(0, Infinity, (1e6 * scaleCost) / g.deadlineS[j]);
    row(-Infinity, g.deadlineS[j], [[T[j], 1], [late[j], -1]]);
  }
  const idx = (i: number, j: number) => j * S + i;
  const x = new Int32Array(n * S), s0 = new Int32Array(n * S), s1 = new Int32Array(n * S), f = new Int32Array(n * S);
  const up = new Int32Array(n * S), pd = new Int32Array(n * S);
  const w: number[][] = [], cf: number[][] = [];
  // every placement binary first: the interference rows of a pair refer to the other tasks' ones
  for (let q = 0; q < n * S; q++) x[q] = col(0, 1, 0, true);
  for (let j = 0; j < n; j++) for (let i = 0; i < S; i++) {
    const q = idx(i, j), c = g.bits[j], u = g.cyclesPerBit[j], fL = g.localHz[j];
    s0[q] = col(0, 1, b * c * u * P.kappa * fL * fL);
    s1[q] = col(0, 1, b * c * u * P.mbsJPerCycle);
    f[q] = col(0, 1, 0, true);
    up[q] = col(0, Infinity, b * g.txPowerW[j]);
    pd[q] = col(0, Infinity, b * g.sbsForwardW[i]);
    w[q] = []; cf[q] = [];
    for (let l = 1; l <= L; l++) {
      if (l / L < P.minCpuShare) { w[q].push(-1); cf[q].push(-1); continue; }
      w[q].push(col(0, 1, 0, true));
      cf[q].push(col(0, 1, b * c * u * P.sbsJPerCycle));
    }
    const levels = w[q].map((k, li) => [k, cf[q][li], li + 1] as const).filter(([k]) => k >= 0);
    row(0, 0, [[s0[q], 1], [s1[q], 1], ...levels.map(([, k]) => [k, 1] as [number, number]), [x[q], -1]]);
    row(-Infinity, 0, [[s1[q], 1], [f[q], -1]]);
    row(-Infinity, 0, [[f[q], 1], [x[q], -1]]);
    for (const [wk, ck] of levels) row(-Infinity, 0, [[ck, 1], [wk, -1]]);
    row(-Infinity, 0, [...levels.map(([wk]) => [wk, 1] as [number, number]), [x[q], -1]]);
    // interference configurations: subsets K of the other tasks that sit on an SBS other than i
    const others = S > 1 ? Array.from({ length: n }, (_, k) => k).filter((k) => k !== j) : [];
    const deltas: Array<[number, number]> = [];
    for (let mask = 0; mask < 1 << others.length; mask++) {
      let interference = 0;
      others.forEach((k, bit) => { if (mask & (1 << bit)) interference += g.txPowerW[k] * g.gain[k * S + i]; });
      const rate = shannonRateBps(g.sbsBandwidthHz[i], (g.txPowerW[j] * g.gain[j * S + i]) / (g.sbsNoiseW[i] + interference));
      const d = col(0, 1, 0, true);
      deltas.push([d, 1]);
      others.forEach((k, bit) => {
        const elsewhere: Array<[number, number]> = [];
        for (let i2 = 0; i2 < S; i2++) if (i2 !== i) elsewhere.push([x[idx(i2, k)], 1]);
        if (mask & (1 << bit)) row(-Infinity, 0, [[d, 1], ...elsewhere.map(([k2]) => [k2, -1] as [number, number])]);
        else row(-Infinity, 1, [[d, 1], ...elsewhere]);
      });
      row(0, Infinity, [[up[q], 1], [s0[q], c / rate], [d, -c / rate]]);
    }
    row(0, 0, [...deltas, [x[q], -1]]);
  }
  for (let i = 0; i < S; i++) {
    const entries: Array<[number, number]> = [];
    for (let j = 0; j < n; j++) w[idx(i, j)].forEach((k, li) => { if (k >= 0) entries.push([k, (li + 1) / L]); });
    row(-Infinity, 1, entries);
  }
  // path delays: per element an expression in the s1 columns (and PWL columns for o1 > 0)
  const E = g.elemIsLink.length;
  const elemExpr: Array<Array<[number, number]>> = Array.from({ length: E }, () => []);
  const elemMax = new Float64Array(E);
  for (let i = 0; i < S; i++) for (const e of g.sbsPath[i]) for (let j = 0; j < n; j++) elemMax[e] += g.bits[j];
  for (let e = 0; e < E; e++) {
    const users: Array<[number, number]> = [];
    for (let i = 0; i < S; i++) if (g.sbsPath[i].includes(e)) for (let j = 0; j < n; j++) users.push([s1[idx(i, j)], g.bits[j]]);
    if (g.elemIsLink[e]) { elemExpr[e] = users.map(([k, c]) => [k, c / g.elemCapacityBps[e]]); continue; }
    elemExpr[e] = users.map(([k, c]) => [k, c * g.elemO2[e]]);
    if (g.elemO1[e] > 0 && elemMax[e] > 0) {
      const lam: number[] = [];
      for (let k = 0; k <= opt.pwlBreakpoints; k++) lam.push(col(0, 1, 0));
      const bp = (k: number) => (elemMax[e] * k) / opt.pwlBreakpoints;
      row(1, 1, lam.map((k) => [k, 1]));
      row(0, 0, [...lam.map((k, t) => [k, bp(t)] as [number, number]), ...users.map(([k, c]) => [k, -c] as [number, number])]);
      elemExpr[e].push(...lam.map((k, t) => [k, g.elemO1[e] * bp(t) ** 2] as [number, number]));
    }
  }
  for (let i = 0; i < S; i++) {
    const D = Array.from(g.sbsPath[i]).flatMap((e) => elemExpr[e]);
    const M = g.sbsPath[i].reduce((s, e) => s + (g.elemIsLink[e] ? elemMax[e] / g.elemCapacityBps[e] : (g.elemO1[e] * elemMax[e] + g.elemO2[e]) * elemMax[e]), 0);
    for (let j = 0; j < n; j++) {
      const q = idx(i, j);
      row(-M, Infinity, [[pd[q], 1], ...D.map(([k, v]) => [k, -v] as [number, number]), [f[q], -M]]);
    }
  }
  for (let j = 0; j < n; j++) {
    const c = g.bits[j], u = g.cyclesPerBit[j];
    const head: Array<[number, number]> = [[T[j], 1], [z[j], -g.localT[j]], [y[j], -g.mbsT[j]]];
    const tLocal: Array<[number, number]> = [], tUp: Array<[number, number]> = [], tSbs: Array<[number, number]> = [], tFwd: Array<[number, number]> = [];
    for (let i = 0; i < S; i++) {
      const q = idx(i, j);
      tLocal.push([s0[q], (c * u) / g.localHz[j]]);
      tUp.push([up[q], 1]);
      w[q].forEach((_, li) => { if (cf[q][li] >= 0) tSbs.push([cf[q][li], (c * u * L) / ((li + 1) * g.sbsHz[i])]); });
      tFwd.push([pd[q], 1], [s1[q], (c * u) / g.mbsHz]);
    }
    const neg = (xs: Array<[number, number]>) => xs.map(([k, v]) => [k, -v] as [number, number]);
    if (P.parallel) {
      row(0, Infinity, [...head, ...neg(tLocal)]);
      row(0, Infinity, [...head, ...neg(tUp), ...neg(tSbs)]);
      row(0, Infinity, [...head, ...neg(tUp), ...neg(tFwd)]);
    } else row(0, Infinity, [...head, ...neg(tLocal), ...neg(tUp), ...neg(tSbs), ...neg(tFwd)]);
    const assign: Array<[number, number]> = [[z[j], 1], [y[j], 1]];
    for (let i = 0; i < S; i++) assign.push([x[idx(i, j)], 1]);
    row(1, 1, assign);
  }
  const sol = solveLinear({
    numCols: lower.length, cost, lower, upper, rows, integer,
    options: { time_limit: opt.timeLimitS, mip_rel_gap: 1e-9, mip_abs_gap: 1e-12 },
  });
  const plan = emptyPlan(n, LOCAL);
  if (sol.status !== 'optimal' && sol.status !== 'limit') return { plan, milpObjective: NaN, status: sol.status };
  const isLate = Array.from(late).some((k) => sol.x[k] > 1e-9);
  for (let j = 0; j < n; j++) {
    if (sol.x[y[j]] > 0.5) plan.place[j] = MBS;
    for (let i = 0; i < S; i++) {
      const q = idx(i, j);
      if (sol.x[x[q]] <= 0.5) continue;
      const c = g.bits[j];
      const frac0 = Math.min(1, Math.max(0, sol.x[s0[q]])), frac1 = sol.x[f[q]] > 0.5 ? Math.min(1 - frac0, Math.max(0, sol.x[s1[q]])) : 0;
      plan.place[j] = i;
      plan.c0[j] = frac0 < 1e-9 ? 0 : frac0 * c;
      plan.c1[j] = frac1 < 1e-9 ? 0 : frac1 * c;
    }
  }
  return { plan, milpObjective: isLate ? NaN : sol.objective, status: isLate ? 'deadline' : sol.status };
}

export function solveExact(scenario: Scenario, opt: ExactOptions = defaultExactOptions): Result {
  if (scenario.mbsCpu === 'shared') throw new InputError('exact models a dedicated MBS CPU only (mbsCpu "dedicated")', 'scenario mbsCpu');
  const groups = compile(scenario);
  const P = paramsOf(scenario);
  const outs = groups.map((g) => exactGroup(g, P, opt));
  // an infeasible MILP (some deadline cannot be met in the grid model) still reports the repaired plan
  const evals = groups.map((g, gi) => (outs[gi].status === 'optimal' ? evaluateGroup(g, P, outs[gi].plan) : repairGroup(g, P, outs[gi].plan)));
  const lb = groups.reduce((s, g) => s + lowerBoundGroup(g, P), 0);
  return buildResult(scenario, groups, P, outs.map((o) => o.plan), evals, 'exact', { lowerBound: lb });
}

export function exactSize(s: Scenario): number {
  return s.groups.reduce((sum, g) => {
    const n = s.tasks.filter((t) => t.group === g.id).length, S = g.sbs.length;
    return sum + n * S * (S > 1 ? 2 ** Math.max(0, n - 1) : 1);
  }, 0);
}

export const exact: Algorithm<Scenario, Result> = {
  name: 'exact',
  description: 'small instances (about 6 tasks): MILP (HiGHS) with exact interference, continuous split, CPU shares on a 1/20 grid',
  solve: (scenario) => solveExact(scenario),
  // size = interference-configuration binaries, sum over groups of n·S·2^(n-1) (n·S without
  // interference); about 600 solves in seconds, 2,000 already reaches the 60 s time limit
  smallOnly: { maxSize: 600, sizeOf: exactSize },
};
