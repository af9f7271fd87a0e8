/**
 * The seeded search for the JTPRA paper's lost parameters (issue 12.3, docs/helper-coop-fit.md):
 *
 *   npx tsx scripts/helper-coop-fit.ts --mode free --figures fig4 [--claims] [--runs 16] [--seed 1]
 *   npx tsx scripts/helper-coop-fit.ts --mode joint --figures fig4,fig5,fig6,fig7,fig8 --claims
 *   npx tsx scripts/helper-coop-fit.ts --table       # the figures/README.md table of every fit so far
 *
 * Searches with `--runs` draws a point (the reproduction's own seeds), then measures the best
 * set-up with `--measure-runs` (100, the figures' default) and a bootstrap 95 % interval, and
 * writes it to figures/helper-coop/fit/<mode>[-claims]-<figures>.json.
 */
import { Command } from 'commander';
import { Piscina } from 'piscina';
import { join } from 'node:path';
import { readdirSync, readFileSync } from 'node:fs';
import { type FitFile, fitTableRows } from '../src/helper-coop/fit-report.ts';
import { writeFileAtomic, toJson } from '../src/core/io.ts';
import { type FitMode, fitProblem, searchFit, setupOf, type FigureScore } from '../src/helper-coop/fit-search.ts';
import { SPEC_SETUP } from '../src/helper-coop/fit-params.ts';
import { sweepOf } from '../src/helper-coop/sweeps.ts';

const program = new Command('helper-coop-fit')
  .option('--mode <mode>', 'free | joint | common | ap | caption', 'free')
  .option('--figures <list>', 'comma-separated figure ids', 'fig4,fig5,fig6,fig7,fig8')
  .option('--claims', 'keep the paper\'s JTPRA/JORCF claims as constraints')
  .option('--runs <n>', 'draws a point during the search', '16')
  .option('--measure-runs <n>', 'draws a point for the final measurement', '100')
  .option('--seed <n>', 'seed of the search', '1')
  .option('--random <n>', 'random candidates before the compass search', '150')
  .option('--starts <n>', 'compass searches from the best random candidates', '3')
  .option('--max-evaluations <n>', 'evaluation budget', '700')
  .option('--workers <n>', 'worker threads', '2')
  .option('--out <dir>', 'output folder', 'figures/helper-coop/fit')
  .option('--table', 'no search: print the markdown table of every fit in --out')
  .parse();
const o = program.opts();
if (o.table) {
  const dir = String(o.out);
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as FitFile);
  process.stdout.write(fitTableRows(files).join('\n') + '\n');
  process.exit(0);
}
const figures = String(o.figures).split(',');
const problem = fitProblem(o.mode as FitMode, figures, !!o.claims);
const pool = new Piscina({ filename: new URL('./helper-coop-fit.worker.mjs', import.meta.url).href, maxThreads: Number(o.workers), minThreads: Number(o.workers) });
const started = Date.now();
const runJobs = (jobs: Array<{ figureId: string; setup: object }>, runs: number, withCi = false) =>
  Promise.all(jobs.map((j) => pool.run({ ...j, runs, seed: 1, withCi }) as Promise<FigureScore & { perPointPct: number[]; ci?: { lo: number; hi: number } }>));

const { best, evaluations, start } = await searchFit(problem, (jobs) => runJobs(jobs, Number(o.runs)), {
  seed: Number(o.seed),
  randomCandidates: Number(o.random),
  starts: Number(o.starts),
  minStep: 1 / 64,
  maxEvaluations: Number(o.maxEvaluations),
  onProgress: (n, b) => process.stderr.write(`\r${problem.name}: ${n} evaluations, best objective ${b.objective.toFixed(2)} `
    + b.scores.map((s) => `${s.id} ${s.reductionPct.toFixed(1)}`).join(' ') + '   '),
});
process.stderr.write('\n');
const measure = (values: Record<string, number>) => runJobs(figures.map((f) => ({ figureId: f, setup: setupOf(problem, values, f) })), Number(o.measureRuns), true);
const [fitted, defaults] = [await measure(best.values), await measure(start.values)];
await pool.destroy();

const out = {
  problem: problem.name, mode: o.mode, keepClaims: !!o.claims, searchRuns: Number(o.runs), measureRuns: Number(o.measureRuns),
  seed: Number(o.seed), evaluations, seconds: Math.round((Date.now() - started) / 1000),
  values: best.values,
  setups: Object.fromEntries(figures.map((f) => [f, setupOf(problem, best.values, f)])),
  spec: SPEC_SETUP,
  figures: figures.map((f, i) => ({ id: f, paperPct: sweepOf(f).paperPct, default: defaults[i], fitted: fitted[i] })),
};
const file = join(String(o.out), `${o.mode}${o.claims ? '-claims' : ''}-${figures.join('-')}.json`);
writeFileAtomic(file, toJson(out));
for (const f of out.figures) {
  process.stdout.write(`${f.id}: paper ${f.paperPct} %, default ${f.default.reductionPct.toFixed(1)} %, fitted ${f.fitted.reductionPct.toFixed(1)} % `
    + `[${f.fitted.ci?.lo.toFixed(1)}, ${f.fitted.ci?.hi.toFixed(1)}] failed: ${f.fitted.failedClaims.join('; ') || 'none'}\n`);
}
process.stdout.write(`values ${JSON.stringify(best.values)}\n${evaluations} evaluations in ${out.seconds} s → ${file}\n`);
