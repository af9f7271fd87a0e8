import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import type { ClaimCheck, FigureDefinition, FigurePoint, FigureSummary, SeriesPoint } from './system.ts';
import { meanCi95 } from './stats.ts';
import { createRng } from './rng.ts';
import { Progress } from './progress.ts';
import { lineChartSpec, renderSvg, svgToPng } from './plot.ts';
import { toJson, writeFileAtomic } from './io.ts';
import { runPool, type SampleJob } from './pool.ts';

/**
 * Monte Carlo reproduction of one paper figure: every point is averaged over `runs` seeded
 * scenarios (seed r of a point is derived from the figure, the point and r, so a rerun with the
 * same base seed gives the same numbers), then written as CSV, SVG and PNG plus a JSON sidecar
 * with the parameters and the paper's claims checked against our data.
 */
export interface ReproduceOptions {
  runs?: number;
  quick?: boolean;
  seed?: number;
  workers?: number;
  outDir: string;
  progress?: boolean;
  /** Runs the samples (results in the order of `jobs`); default: the local piscina pool. The
   *  distributed runner (src/distributed) plugs in here, so both assemble through this file. */
  runSamples?: SampleRunner;
}

export type SampleRunner = (jobs: SampleJob[], onDone: () => void) => Promise<Record<string, number>[]>;

export interface FigurePlan {
  points: FigurePoint[];
  runs: number;
  baseSeed: number;
  /** Every sample of the figure, point by point, run by run. */
  jobs: SampleJob[];
}

export interface ReproduceOutput {
  summary: FigureSummary;
  claims: ClaimCheck[];
  files: string[];
  runs: number;
}

export function sampleSeed(baseSeed: number, figureId: string, point: FigurePoint, run: number): number {
  return createRng(baseSeed).fork(`${figureId}|${point.panel ?? ''}|${point.x}|${run}`).int(0, 2 ** 31 - 1);
}

export function summarise(points: SeriesPoint[]): FigureSummary {
  const avg = (xs: SeriesPoint[]) => xs.reduce((a, p) => a + p.mean, 0) / xs.length;
  return {
    points,
    average: (series, panel) => avg(points.filter((p) => p.series === series && (panel === undefined || p.panel === panel))),
    at: (series, x, panel) => points.find((p) => p.series === series && p.x === x && (panel === undefined || p.panel === panel))?.mean ?? NaN,
  };
}

/** The samples a figure needs (the same list whichever runner computes them). */
export function figurePlan(systemName: string, figure: FigureDefinition, opts: Pick<ReproduceOptions, 'quick' | 'runs' | 'seed'>): FigurePlan {
  const points = opts.quick ? figure.quickPoints ?? figure.points : figure.points;
  const runs = opts.runs ?? (opts.quick ? figure.quickRuns : figure.defaultRuns);
  const baseSeed = opts.seed ?? 1;
  const jobs = points.flatMap((point) =>
    Array.from({ length: runs }, (_, run) => ({ system: systemName, figure: figure.id, point, seed: sampleSeed(baseSeed, figure.id, point, run) })));
  return { points, runs, baseSeed, jobs };
}

export async function reproduceFigure(systemName: string, figure: FigureDefinition, opts: ReproduceOptions): Promise<ReproduceOutput> {
  const { points, runs, baseSeed, jobs } = figurePlan(systemName, figure, opts);
  const progress = new Progress(jobs.length, `${systemName} ${figure.id}`, opts.progress ?? true);
  const workers = opts.workers ?? Math.max(1, availableParallelism());
  const runSamples: SampleRunner = opts.runSamples ?? ((js, onDone) => runPool(js, workers, onDone));
  const samples = await runSamples(jobs, () => progress.tick());

  const seriesPoints: SeriesPoint[] = [];
  points.forEach((point, pi) => {
    const mine = samples.slice(pi * runs, (pi + 1) * runs);
    const names = [...new Set(mine.flatMap((s) => Object.keys(s)))];
    for (const series of names) {
      const ci = meanCi95(mine.map((s) => s[series] ?? NaN));
      seriesPoints.push({ panel: point.panel ?? '', x: point.x, series, mean: ci.mean, lo: ci.lo, hi: ci.hi, n: ci.n });
    }
  });
  const summary = summarise(seriesPoints);
  const claims = figure.claims?.(summary) ?? [];

  const base = join(opts.outDir, systemName, figure.id);
  const csv = ['panel,x,series,mean,ci95Lo,ci95Hi,n', ...seriesPoints.map((p) =>
    [JSON.stringify(p.panel), p.x, JSON.stringify(p.series), p.mean, p.lo, p.hi, p.n].join(','))].join('\n') + '\n';
  const hasPanels = seriesPoints.some((p) => p.panel !== '');
  const svg = await renderSvg(lineChartSpec({
    title: `${figure.title} (${runs} runs a point, 95 % CI)`,
    xLabel: figure.xLabel,
    yLabel: figure.yLabel,
    points: seriesPoints,
    dashed: figure.addedSeries,
    logY: figure.logY,
    ...(hasPanels ? { facet: { field: 'panel', title: '' } } : {}),
  }));
  const meta = { system: systemName, figure: figure.id, title: figure.title, caption: figure.caption, runs, baseSeed,
    quick: !!opts.quick, params: figure.params, claims, generatedAt: new Date().toISOString() };
  const files = [`${base}.csv`, `${base}.svg`, `${base}.png`, `${base}.json`];
  writeFileAtomic(files[0], csv);
  writeFileAtomic(files[1], svg);
  writeFileAtomic(files[2], svgToPng(svg));
  writeFileAtomic(files[3], toJson(meta));
  return { summary, claims, files, runs };
}
