import type { Scenario } from './model.ts';
import { DEFAULTS, generateScenario } from './generate.ts';
import type { EnergySweep } from './sweeps.ts';

/**
 * The parameters the JTPRA paper lost (Table 1, the JORCF set-up, each figure's fixed values) as
 * one flat record, with the box the fit searches (docs/helper-coop-fit.md). A scenario is the
 * default generator's draw (same seed → same uniforms, so helper distances and CPU caps are common
 * random numbers across candidates) with these values laid over it.
 */
export interface SetupParams {
  /** σ²/b: noise-to-gain ratio at the 1 m reference, W (spec default 1e-9 W / 1e-3 = 1e-6 W). Only the ratio matters. */
  noiseToGainAt1mW: number;
  /** φ, the path-loss exponent. */
  pathLossExponent: number;
  /** α, result size / input size. */
  resultRatio: number;
  /** f_u^max, GHz. */
  userMaxCpuGHz: number;
  /** c_u = c_k, cycles per bit. */
  cyclesPerBit: number;
  /** γ_u = γ_k. */
  kappa: number;
  minDistanceM: number;
  /** JORCF's access point (specs §8). */
  apDistanceM: number;
  apTxPowerW: number;
  /** The figure's held values (the one on the x axis is overwritten by the sweep). */
  helpers: number;
  dataBits: number;
  deadlineS: number;
  bandwidthMHz: number;
  maxDistanceM: number;
}

/** The reproduction's defaults (specs §9) in this form: the fit's starting point and reference. */
export const SPEC_SETUP: SetupParams = {
  noiseToGainAt1mW: 1e-9 / 1e-3,
  pathLossExponent: 3,
  resultRatio: 0.1,
  userMaxCpuGHz: 3,
  cyclesPerBit: 1000,
  kappa: 1e-28,
  minDistanceM: DEFAULTS.minDistanceM,
  apDistanceM: 30,
  apTxPowerW: 0.2,
  helpers: DEFAULTS.helpers,
  dataBits: DEFAULTS.dataBits,
  deadlineS: DEFAULTS.deadlineS,
  bandwidthMHz: DEFAULTS.bandwidthMHz,
  maxDistanceM: DEFAULTS.maxDistanceM,
};

export type ParamName = keyof SetupParams;

/**
 * One searched dimension. `source` says where its range comes from: 'paper' for a range the
 * paper's text states or implies, 'assumed' for a range typical of the papers it cites ([7], [21])
 * when the paper states none (its Table 1 is lost).
 */
export interface ParamRange {
  name: ParamName;
  lo: number;
  hi: number;
  scale: 'log' | 'linear' | 'int';
  source: 'paper' | 'assumed';
  why: string;
}

export const RANGES: Record<ParamName, ParamRange> = {
  noiseToGainAt1mW: { name: 'noiseToGainAt1mW', lo: 1e-10, hi: 1e-5, scale: 'log', source: 'assumed',
    why: 'σ² from −100 to −60 dBm with b from −30 to −40 dB (the [21] family); the paper gives the model b·d^−φ only' },
  pathLossExponent: { name: 'pathLossExponent', lo: 2, hi: 4, scale: 'linear', source: 'assumed', why: 'free space to dense urban' },
  resultRatio: { name: 'resultRatio', lo: 0.01, hi: 1, scale: 'log', source: 'paper', why: 'a "normalized ratio" of result to input size: at most 1' },
  userMaxCpuGHz: { name: 'userMaxCpuGHz', lo: 3, hi: 4, scale: 'linear', source: 'paper',
    why: 'the helpers\' caps {1.6, 2.4, 3} GHz are "below that of the user"' },
  cyclesPerBit: { name: 'cyclesPerBit', lo: 500, hi: 2000, scale: 'log', source: 'assumed', why: 'typical of [7], [21]' },
  kappa: { name: 'kappa', lo: 1e-28, hi: 1e-27, scale: 'log', source: 'assumed', why: 'typical of [7], [21]' },
  minDistanceM: { name: 'minDistanceM', lo: 1, hi: 20, scale: 'linear', source: 'assumed', why: 'the paper draws d ~ U[d_min, d_max]; values lost' },
  apDistanceM: { name: 'apDistanceM', lo: 10, hi: 200, scale: 'log', source: 'assumed', why: 'JORCF\'s server placement is not in the paper' },
  apTxPowerW: { name: 'apTxPowerW', lo: 0.01, hi: 1, scale: 'log', source: 'assumed', why: 'a handset\'s 10–30 dBm' },
  helpers: { name: 'helpers', lo: 1, hi: 10, scale: 'int', source: 'paper', why: 'Fig. 7\'s axis runs to 10 helpers' },
  dataBits: { name: 'dataBits', lo: 0.1e6, hi: 3e6, scale: 'log', source: 'paper',
    why: 'L < L_max (Fig. 3) and LCOF/LCFF drawn at every point (c_u·L ≤ f_u^max·T); checked per point' },
  deadlineS: { name: 'deadlineS', lo: 0.25, hi: 2, scale: 'log', source: 'paper', why: 'Fig. 3\'s T axis' },
  bandwidthMHz: { name: 'bandwidthMHz', lo: 0.2, hi: 2, scale: 'log', source: 'paper', why: 'Fig. 6\'s B axis' },
  maxDistanceM: { name: 'maxDistanceM', lo: 20, hi: 100, scale: 'linear', source: 'paper', why: 'Fig. 8\'s d_max axis' },
};

/** A scenario of the given set-up; helpers drawn exactly as generateScenario draws them. */
export function setupScenario(p: SetupParams, seed: number): Scenario {
  const base = generateScenario({
    seed,
    helpers: p.helpers,
    dataBits: p.dataBits,
    deadlineS: p.deadlineS,
    bandwidthMHz: p.bandwidthMHz,
    minDistanceM: p.minDistanceM,
    maxDistanceM: Math.max(p.maxDistanceM, p.minDistanceM),
  });
  const noiseW = 1e-9;
  return {
    ...base,
    resultRatio: p.resultRatio,
    noiseW,
    pathLoss: { gainAt1m: noiseW / p.noiseToGainAt1mW, exponent: p.pathLossExponent },
    user: { ...base.user, maxCpuGHz: p.userMaxCpuGHz, cyclesPerBit: p.cyclesPerBit, kappa: p.kappa },
    helpers: base.helpers.map((h) => ({ ...h, cyclesPerBit: p.cyclesPerBit, kappa: p.kappa })),
    accessPoint: { distanceM: p.apDistanceM, txPowerW: p.apTxPowerW },
  };
}

/** Parameter value ↔ unit interval, for the search. */
export function toUnit(r: ParamRange, v: number): number {
  if (r.scale === 'log') return Math.log(v / r.lo) / Math.log(r.hi / r.lo);
  return (v - r.lo) / (r.hi - r.lo);
}

export function fromUnit(r: ParamRange, u: number): number {
  const t = Math.min(Math.max(u, 0), 1);
  if (r.scale === 'log') return r.lo * (r.hi / r.lo) ** t;
  const v = r.lo + t * (r.hi - r.lo);
  return r.scale === 'int' ? Math.round(v) : v;
}

/** A figure's set-up at one x of its axis: the swept parameter overwritten. */
export function atPoint(setup: SetupParams, sweep: EnergySweep, x: number): SetupParams {
  return { ...setup, [sweep.param]: x * sweep.unit };
}
