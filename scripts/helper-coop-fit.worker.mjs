// Piscina worker entry of scripts/helper-coop-fit.ts: registers tsx (as src/core/figure-worker.mjs
// does), then evaluates one (figure, set-up) pair.
import { register } from 'tsx/esm/api';

register();
const { evaluateFigure, reductionCi95 } = await import('../src/helper-coop/fit.ts');

export default function evaluate({ figureId, setup, runs, seed, withCi }) {
  const e = evaluateFigure(setup, figureId, runs, seed);
  const ci = withCi && e.feasible ? reductionCi95(e.points) : undefined;
  return { id: e.id, reductionPct: e.reductionPct, perPointPct: e.perPointPct, feasible: e.feasible, failedClaims: e.failedClaims, ci };
}
