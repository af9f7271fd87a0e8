import { sampleSeed } from '../core/reproduce.ts';
import { createRng } from '../core/rng.ts';
import type { Result } from './model.ts';
import { type ParamName, type SetupParams, atPoint, setupScenario } from './fit-params.ts';
import { jtpra } from './algorithms/jtpra.ts';
import { jorcf } from './algorithms/jorcf.ts';
import { fo } from './algorithms/fo.ts';
import { lcof } from './algorithms/local.ts';
import { sweepOf } from './sweeps.ts';

/**
 * How far JTPRA's average reduction against JORCF moves with the lost parameters: one figure's
 * sweep evaluated for one set-up, on the reproduction's own sample seeds (sampleSeed), so a fitted
 * set-up run through `mec reproduce` gives the same draws. Only the series the paper's reduction
 * and its JORCF claims need are solved (JTPRA, JORCF; FO and LCOF at Fig. 8's last point).
 */

export const energyOf = (r: Result): number => (r.status === 'infeasible' || r.energyJ === null ? NaN : r.energyJ);

export interface PointDraws {
  x: number;
  jtpra: number[];
  jorcf: number[];
  /** Fig. 8's claim "FO ends above JORCF and LCOF": solved at the last point only. */
  fo?: number[];
  lcof?: number[];
}

export interface FigureEval {
  id: string;
  /** Mean over the points of 1 − mean(JTPRA)/mean(JORCF), %: the paper's "on average". */
  reductionPct: number;
  perPointPct: number[];
  /** Every draw feasible for JTPRA, JORCF and LCOF (the paper keeps L < L_max and draws LCOF everywhere). */
  feasible: boolean;
  /** The paper's claims about JTPRA vs JORCF (and Fig. 8's FO) that fail for this set-up. */
  failedClaims: string[];
  points: PointDraws[];
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

export function reductionOf(points: PointDraws[]): { avg: number; perPoint: number[] } {
  const perPoint = points.map((p) => 100 * (1 - mean(p.jtpra) / mean(p.jorcf)));
  return { avg: mean(perPoint), perPoint };
}

export function evaluateFigure(setup: SetupParams, figureId: string, runs: number, baseSeed = 1): FigureEval {
  const sweep = sweepOf(figureId);
  let feasible = true;
  const points: PointDraws[] = sweep.xs.map((x, i) => {
    const p = atPoint(setup, sweep, x);
    const last = figureId === 'fig8' && i === sweep.xs.length - 1;
    const d: PointDraws = { x, jtpra: [], jorcf: [], ...(last ? { fo: [], lcof: [] } : {}) };
    // LCOF is drawn at every point of every figure: c_u·L ≤ f_u^max·T must hold (no draw needed)
    if (p.cyclesPerBit * p.dataBits > p.userMaxCpuGHz * 1e9 * p.deadlineS) feasible = false;
    for (let r = 0; r < runs && feasible; r++) {
      const s = setupScenario(p, sampleSeed(baseSeed, figureId, { x }, r));
      const e = energyOf(jtpra.solve(s));
      const j = energyOf(jorcf.solve(s));
      if (!Number.isFinite(e) || !Number.isFinite(j)) feasible = false;
      d.jtpra.push(e);
      d.jorcf.push(j);
      if (last) {
        d.fo!.push(energyOf(fo.solve(s)));
        d.lcof!.push(energyOf(lcof.solve(s)));
      }
    }
    return d;
  });
  if (!feasible) return { id: figureId, reductionPct: NaN, perPointPct: [], feasible, failedClaims: [], points };
  const { avg, perPoint } = reductionOf(points);
  return { id: figureId, reductionPct: avg, perPointPct: perPoint, feasible, failedClaims: failedClaims(figureId, points, perPoint), points };
}

/** The paper's statements each figure makes about JTPRA and JORCF (the fit keeps them when asked to). */
function failedClaims(figureId: string, points: PointDraws[], perPoint: number[]): string[] {
  const failed: string[] = [];
  if (mean(perPoint) <= 0) failed.push('JTPRA below JORCF on average');
  if (figureId === 'fig7') {
    if (!(perPoint[0] < 0)) failed.push('JORCF < JTPRA at K = 1');
    if (!(perPoint.at(-1)! > 0)) failed.push('JTPRA < JORCF at K = 10');
  }
  if (figureId === 'fig8') {
    const last = points.at(-1)!;
    const fo = mean(last.fo!.filter(Number.isFinite));
    if (!(fo > mean(last.jorcf) && fo > mean(last.lcof!))) failed.push('FO ends above JORCF and LCOF');
    const jt = points.map((p) => mean(p.jtpra));
    if (!jt.every((v, i) => i === 0 || v > jt[i - 1])) failed.push('JTPRA rises with d_max');
  }
  return failed;
}

/**
 * 95 % interval of the average reduction by a seeded paired bootstrap over the draws (the
 * reduction is a ratio of means, so no closed-form t interval applies).
 */
export function reductionCi95(points: PointDraws[], resamples = 400, seed = 1): { lo: number; hi: number } {
  const rng = createRng(seed).fork('reduction-ci');
  const stats: number[] = [];
  for (let b = 0; b < resamples; b++) {
    const boot = points.map((p) => {
      const n = p.jtpra.length;
      const idx = Array.from({ length: n }, () => rng.int(0, n - 1));
      return { ...p, jtpra: idx.map((i) => p.jtpra[i]), jorcf: idx.map((i) => p.jorcf[i]) };
    });
    stats.push(reductionOf(boot).avg);
  }
  stats.sort((a, b) => a - b);
  return { lo: stats[Math.floor(0.025 * resamples)], hi: stats[Math.ceil(0.975 * resamples) - 1] };
}

export type { ParamName };
