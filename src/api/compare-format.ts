import type * as vegaLite from 'vega-lite';
import { textTable } from '../core/table.ts';
import type { CompareCaseRow, CompareRun } from './compare.ts';

/** The leaderboard and the cases of a comparison as terminal text, CSV and a vega-lite figure. */

const num = (x: number | null, digits: number) => (x === null ? '-' : Number(x.toPrecision(digits)).toString());

export function formatLeaderboard(run: CompareRun, objectiveName: string): string {
  const header = ['rank', 'algorithm', 'valid', 'feasible', 'wins', 'mean gap %', 'max gap %', 'mean ms'];
  const rows = run.leaderboard.map((r) => [String(r.rank), r.algorithm, `${r.valid}/${r.cases}`, String(r.feasible), String(r.wins),
    num(r.meanGapPct, 3), num(r.maxGapPct, 3), num(r.meanMs, 3)]);
  const bad = run.cases.filter((c) => c.verdict !== 'valid');
  return [
    `${run.system}: ${run.leaderboard.length} algorithms on ${run.scenarios.length} scenario(s); gap of the checker's recomputed ${objectiveName} to the proved lower bound`,
    '',
    textTable(header, rows, { rule: true }),
    ...(bad.length ? ['', 'not valid:', ...bad.map((c) => `  ${c.algorithm} on ${c.scenario}: ${c.verdict}: ${c.message}`)] : []),
  ].join('\n');
}

export function formatCases(cases: CompareCaseRow[]): string {
  return textTable(['scenario', 'algorithm', 'verdict', 'status', 'objective', 'bound', 'gap %', 'ms'],
    cases.map((c) => [c.scenario, c.algorithm, c.verdict, c.status ?? '-', num(c.objective, 8), num(c.bound, 8), num(c.gapPct, 3), num(c.solveMs, 3)]), { rule: true });
}

const CSV_COLUMNS: (keyof CompareCaseRow)[] = ['scenario', 'algorithm', 'verdict', 'status', 'objective', 'bound', 'gapPct', 'solveMs', 'message'];

/** One row per case (RFC 4180 quoting). */
export function casesCsv(cases: CompareCaseRow[]): string {
  const cell = (v: unknown) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [CSV_COLUMNS.join(','), ...cases.map((c) => CSV_COLUMNS.map((k) => cell(c[k])).join(','))].join('\n') + '\n';
}

/**
 * Quality against time: one point per valid plan that meets every constraint, gap to the bound
 * (symlog, so a proved optimum's 0 % shows) against solve time (log), one colour per algorithm.
 */
export function compareSpec(run: CompareRun): vegaLite.TopLevelSpec {
  const values = run.cases.filter((c) => c.gapPct !== null && c.solveMs !== null).map((c) => ({ algorithm: c.algorithm, scenario: c.scenario, gapPct: Math.max(0, c.gapPct!), ms: Math.max(c.solveMs!, 1e-3) }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `${run.system}: gap to the proved bound against solve time`,
    width: 480,
    height: 320,
    data: { values },
    mark: { type: 'point', filled: true, size: 70, opacity: 0.8 },
    encoding: {
      x: { field: 'ms', type: 'quantitative', title: 'solve time (ms)', scale: { type: 'log' } },
      y: { field: 'gapPct', type: 'quantitative', title: 'gap to the lower bound (%)', scale: { type: 'symlog' } },
      color: { field: 'algorithm', type: 'nominal', title: 'algorithm', sort: run.leaderboard.map((r) => r.algorithm) },
      shape: { field: 'algorithm', type: 'nominal', title: 'algorithm', sort: run.leaderboard.map((r) => r.algorithm) },
      tooltip: [{ field: 'algorithm' }, { field: 'scenario' }, { field: 'gapPct' }, { field: 'ms' }],
    },
    config: { font: 'DejaVu Sans', legend: { orient: 'right', labelLimit: 280 } },
  } as vegaLite.TopLevelSpec;
}
