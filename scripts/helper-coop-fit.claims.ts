/**
 * Every claim of the paper's Figs. 4–8 (not only the JTPRA/JORCF ones the fit keeps) checked on
 * fitted set-ups, 20 draws a point, base seed 1:
 *   npx tsx scripts/helper-coop-fit.claims.ts joint-claims-fig4-fig5-fig6-fig7-fig8 caption-claims-fig7 ...
 * (names of files in figures/helper-coop/fit/, without .json). The "within 10 points" claim is left out.
 */
import { readFileSync } from 'node:fs';
import { energyFigures } from '../src/helper-coop/experiments.ts';
import { summarise, sampleSeed } from '../src/core/reproduce.ts';
import { meanCi95 } from '../src/core/stats.ts';
for (const name of process.argv.slice(2)) {
  const d = JSON.parse(readFileSync(`figures/helper-coop/fit/${name}.json`, 'utf8'));
  for (const id of Object.keys(d.setups)) {
    const f = energyFigures[id as keyof typeof energyFigures]({ name, note: '', setup: d.setups[id] });
    const pts: any[] = [];
    for (const point of f.points) {
      const samples = Array.from({ length: 20 }, (_, r) => f.sample(point, sampleSeed(1, f.id, point, r)));
      for (const series of Object.keys(samples[0])) { const ci = meanCi95(samples.map((s: any) => s[series])); pts.push({ panel: '', x: point.x, series, ...ci }); }
    }
    const fails = f.claims!(summarise(pts)).filter((c: any) => !c.holds && !c.claim.includes('within 10 points'));
    console.log(name, id, fails.length ? fails.map((c: any) => c.claim).join(' | ') : 'all claims hold');
  }
}
