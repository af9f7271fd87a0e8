import { createRng } from '../core/rng.ts';
import { type ParamName, type ParamRange, type SetupParams, RANGES, SPEC_SETUP, fromUnit, toUnit } from './fit-params.ts';
import { sweepOf } from './sweeps.ts';

/**
 * The seeded search for the lost parameters: a fit problem names the figures it matches, which
 * parameters are free, and whether a parameter is one value for every figure (the paper's Table 1)
 * or one per figure (the values each caption held fixed). The search is random sampling of the
 * box followed by a compass (pattern) search from the best few points, all in the unit cube.
 */

/** The Table-1 values: one for every figure of the paper. */
export const TABLE1: ParamName[] = ['noiseToGainAt1mW', 'pathLossExponent', 'resultRatio', 'userMaxCpuGHz', 'cyclesPerBit',
  'kappa', 'minDistanceM', 'maxDistanceM', 'bandwidthMHz', 'apDistanceM', 'apTxPowerW'];

/**
 * The values each figure's caption held fixed ("Figure 4 shows ... where [T] and [K]"). Energies
 * are homogeneous of degree 1 in (L, T) jointly (specs §9), so where L is free T stays 1 s.
 */
export const HELD: Record<string, ParamName[]> = {
  fig4: ['deadlineS', 'helpers'],
  fig5: ['dataBits', 'helpers'],
  fig6: ['dataBits', 'helpers'],
  fig7: ['dataBits'],
  fig8: ['dataBits', 'helpers'],
};

export type FitMode = 'free' | 'joint' | 'common' | 'ap' | 'caption';

/** JORCF's access point: the part of the set-up the spec itself calls tuned (§9). */
export const AP_ONLY: ParamName[] = ['apDistanceM', 'apTxPowerW'];

export interface Variable {
  key: string;
  range: ParamRange;
}

export interface FitProblem {
  name: string;
  figures: string[];
  variables: Variable[];
  /** Count the paper's JTPRA/JORCF claims of each figure as constraints. */
  keepClaims: boolean;
}

/**
 * free: one figure, everything its own; joint: one Table 1, held values per figure; common: one
 * value of everything; ap: only JORCF's access point moves (one for all figures), the rest is the spec's;
 * caption: Table 1 stays the spec's, each figure's held values and JORCF's access point are its own.
 */
export function fitProblem(mode: FitMode, figures: string[], keepClaims: boolean): FitProblem {
  const keys = new Map<string, ParamRange>();
  for (const fig of figures) {
    const swept = sweepOf(fig).param;
    const free = mode === 'ap' ? AP_ONLY : mode === 'caption' ? [...AP_ONLY, ...HELD[fig]] : [...TABLE1, ...HELD[fig]];
    for (const p of free) {
      if (p === swept) continue;
      const shared = mode === 'common' || mode === 'ap' || (mode === 'joint' && TABLE1.includes(p));
      keys.set(shared ? p : `${fig}.${p}`, RANGES[p]);
    }
  }
  const name = `${mode}${keepClaims ? '+claims' : ''}:${figures.join(',')}`;
  return { name, figures, keepClaims, variables: [...keys].map(([key, range]) => ({ key, range })) };
}

/** The set-up of one figure from a point of the problem's space (anything not free keeps the spec's value). */
export function setupOf(problem: FitProblem, values: Record<string, number>, fig: string): SetupParams {
  const setup: SetupParams = { ...SPEC_SETUP };
  for (const v of problem.variables) {
    const [owner, param] = v.key.includes('.') ? v.key.split('.') : [fig, v.key];
    if (owner === fig) (setup as unknown as Record<string, number>)[param] = values[v.key];
  }
  return setup;
}

export interface FigureScore {
  id: string;
  reductionPct: number;
  feasible: boolean;
  failedClaims: string[];
}

/** Evaluates many (figure, set-up) pairs, in parallel where the caller can. */
export type EvaluateMany = (jobs: Array<{ figureId: string; setup: SetupParams }>) => Promise<FigureScore[]>;

export interface Candidate {
  values: Record<string, number>;
  objective: number;
  scores: FigureScore[];
}

/** Σ |ours − paper| in points, + 25 a failed claim, + 0.2 × distance from the spec's values in the unit cube. */
export function objectiveOf(problem: FitProblem, values: Record<string, number>, scores: FigureScore[]): number {
  let total = 0;
  for (const s of scores) {
    if (!s.feasible) return 1e3;
    total += Math.abs(s.reductionPct - sweepOf(s.id).paperPct) + (problem.keepClaims ? 25 * s.failedClaims.length : 0);
  }
  const dist = Math.sqrt(problem.variables.reduce((a, v) => {
    const base = SPEC_SETUP[v.key.split('.').at(-1) as ParamName];
    return a + (toUnit(v.range, values[v.key]) - toUnit(v.range, base)) ** 2;
  }, 0));
  return total + 0.2 * dist;
}

export interface SearchOptions {
  seed: number;
  randomCandidates: number;
  starts: number;
  /** The compass search stops when its step (unit cube) falls below this. */
  minStep: number;
  maxEvaluations: number;
  onProgress?: (evaluations: number, best: Candidate) => void;
}

export async function searchFit(problem: FitProblem, evaluate: EvaluateMany, opts: SearchOptions): Promise<{ best: Candidate; evaluations: number; start: Candidate }> {
  const rng = createRng(opts.seed).fork(problem.name);
  const vars = problem.variables;
  const valuesOf = (u: number[]) => Object.fromEntries(vars.map((v, i) => [v.key, fromUnit(v.range, u[i])]));
  const unitOf = (values: Record<string, number>) => vars.map((v) => toUnit(v.range, values[v.key]));
  let evaluations = 0;
  const seen = new Map<string, Candidate>();

  async function score(points: number[][]): Promise<Candidate[]> {
    const fresh = points.map(valuesOf).filter((vals) => !seen.has(JSON.stringify(vals)));
    const unique = [...new Map(fresh.map((v) => [JSON.stringify(v), v])).values()];
    const jobs = unique.flatMap((vals) => problem.figures.map((figureId) => ({ figureId, setup: setupOf(problem, vals, figureId) })));
    const scores = await evaluate(jobs);
    unique.forEach((vals, i) => {
      const mine = scores.slice(i * problem.figures.length, (i + 1) * problem.figures.length);
      seen.set(JSON.stringify(vals), { values: vals, scores: mine, objective: objectiveOf(problem, vals, mine) });
    });
    evaluations += unique.length;
    return points.map((u) => seen.get(JSON.stringify(valuesOf(u)))!);
  }
  const bestSoFar = () => [...seen.values()].reduce((a, b) => (b.objective < a.objective ? b : a));

  const spec = unitOf(Object.fromEntries(vars.map((v) => [v.key, SPEC_SETUP[v.key.split('.').at(-1) as ParamName]])));
  const [start] = await score([spec]);
  const randomPoints = Array.from({ length: opts.randomCandidates }, () => vars.map(() => rng.next()));
  await score(randomPoints);
  opts.onProgress?.(evaluations, bestSoFar());

  const starts = [...seen.values()].sort((a, b) => a.objective - b.objective).slice(0, opts.starts);
  for (const s of starts) {
    let here = s;
    let step = 0.25;
    while (step >= opts.minStep && evaluations < opts.maxEvaluations) {
      const u = unitOf(here.values);
      const moves = vars.flatMap((_, i) => [-1, 1].map((d) => u.map((x, j) => (j === i ? Math.min(1, Math.max(0, x + d * step)) : x))));
      const tried = await score(moves);
      const better = tried.reduce((a, b) => (b.objective < a.objective ? b : a));
      if (better.objective < here.objective - 1e-9) here = better;
      else step /= 2;
      opts.onProgress?.(evaluations, bestSoFar());
    }
  }
  return { best: bestSoFar(), evaluations, start };
}
