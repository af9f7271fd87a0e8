import type { ParamName, SetupParams } from './fit-params.ts';
import { SPEC_SETUP } from './fit-params.ts';
import { sweepOf } from './sweeps.ts';

/** One line per fitted figure for figures/README.md, from the JSON files scripts/helper-coop-fit.ts writes. */

const LABEL: Record<ParamName, [string, (v: number) => string]> = {
  noiseToGainAt1mW: ['σ²/b', (v) => `${v.toExponential(1)} W`],
  pathLossExponent: ['φ', (v) => v.toFixed(2)],
  resultRatio: ['α', (v) => v.toFixed(2)],
  userMaxCpuGHz: ['f_u^max', (v) => `${v.toFixed(2)} GHz`],
  cyclesPerBit: ['c', (v) => v.toFixed(0)],
  kappa: ['γ', (v) => v.toExponential(1)],
  minDistanceM: ['d_min', (v) => `${v.toFixed(1)} m`],
  maxDistanceM: ['d_max', (v) => `${v.toFixed(1)} m`],
  apDistanceM: ['d_AP', (v) => `${v.toFixed(0)} m`],
  apTxPowerW: ['P_AP', (v) => `${v.toPrecision(2)} W`],
  helpers: ['K', (v) => v.toFixed(0)],
  dataBits: ['L', (v) => `${(v / 1e6).toFixed(2)} Mbit`],
  deadlineS: ['T', (v) => `${v.toFixed(2)} s`],
  bandwidthMHz: ['B', (v) => `${v.toFixed(2)} MHz`],
};

/** The parameters that moved more than 1 % from the spec's values (the swept one left out). */
export function describeSetup(setup: SetupParams, figureId: string): string {
  const swept = sweepOf(figureId).param;
  const moved = (Object.keys(LABEL) as ParamName[])
    .filter((k) => k !== swept && Math.abs(setup[k] / SPEC_SETUP[k] - 1) > 0.01)
    .map((k) => `${LABEL[k][0]} ${LABEL[k][1](setup[k])}`);
  return moved.length ? moved.join(', ') : '(the spec\'s values)';
}

interface Measured { reductionPct: number; ci?: { lo: number; hi: number }; failedClaims: string[]; perPointPct: number[] }

export interface FitFile {
  problem: string;
  mode: string;
  keepClaims: boolean;
  setups: Record<string, SetupParams>;
  figures: Array<{ id: string; paperPct: number; default: Measured; fitted: Measured }>;
}

const pctCi = (m: Measured) => `${m.reductionPct.toFixed(1)} % [${m.ci?.lo.toFixed(1)}, ${m.ci?.hi.toFixed(1)}]`;

export function fitTableRows(files: FitFile[]): string[] {
  const rows = ['| figure | paper % | default % | fit | best-fit parameters (moved from the defaults) | fitted % [95 % CI] | paper\'s JORCF claims that fail |',
    '|---|---|---|---|---|---|---|'];
  const order = ['free', 'free+claims', 'ap', 'caption', 'caption+claims', 'joint+claims', 'common+claims', 'joint', 'common', 'ap+claims'];
  const base = (f: FitFile) => `${f.mode}${f.keepClaims ? '+claims' : ''}`;
  // a fit over several figures at once shares its Table 1 (and, in common, everything) between them
  const rank = (f: FitFile) => order.indexOf(base(f)) + (f.figures.length > 1 ? order.length : 0);
  const modeOf = (f: FitFile) => `${base(f)}${f.figures.length > 1 ? ' (Figs 4–8 at once)' : ''}`;
  const sorted = [...files].sort((a, b) => rank(a) - rank(b));
  for (const id of ['fig4', 'fig5', 'fig6', 'fig7', 'fig8']) {
    for (const file of sorted) {
      const f = file.figures.find((g) => g.id === id);
      if (!f) continue;
      rows.push(`| ${id} | ${f.paperPct} | ${f.default.reductionPct.toFixed(1)} | ${modeOf(file)} | ${describeSetup(file.setups[id], id)} | ${pctCi(f.fitted)} | ${f.fitted.failedClaims.join('; ') || '–'} |`);
    }
  }
  return rows;
}
