/**
 * helper-coop: JTPRA solve time for K = 5, 50 and 500 helpers, side by side as ratios to the
 * direct method (nested bisection): the paper's dual method (ellipsoid on the (3K+2)-dim dual +
 * recovery LP) and the dual decomposition (ellipsoid on the coupling prices (ν, ω) only).
 * The ellipsoid needs O(n²) iterations of O(n²) work (n = 3K+2), so past K = 5 it is given a time
 * budget and the table reports how far it got: its proved dual value g against the optimum, and
 * whether the LP recovers a primal from where it stopped.
 * `npm run bench -- helper-coop`; HELPER_COOP_DUAL_BUDGET_S (default 20) is that time budget.
 */
import { printTable, timeMs } from './timing.ts';
import { generateScenario } from '../src/helper-coop/generate.ts';
import { toInstance } from '../src/helper-coop/physics.ts';
import { jtpra } from '../src/helper-coop/algorithms/jtpra.ts';
import { maximiseDual, recoverPrimal, solveJtpraDual } from '../src/helper-coop/algorithms/jtpra-dual.ts';
import { planEnergyJ } from '../src/helper-coop/result.ts';
import { solveJtpraDd } from '../src/helper-coop/algorithms/jtpra-dd.ts';
import { verifyHelperCoop } from '../src/verify/helper-coop.ts';

const budgetS = Number(process.env.HELPER_COOP_DUAL_BUDGET_S ?? 20);
const rows: Record<string, string | number>[] = [];

for (const K of [5, 50, 500]) {
  const s = generateScenario({ seed: 1, helpers: K });
  const inst = toInstance(s);
  const direct = jtpra.solve(s);
  const optimum = direct.energyJ!;
  const directTime = timeMs(() => jtpra.solve(s), K >= 500 ? 3 : 10);
  const n = 3 * K + 2;
  const ddTime = timeMs(() => solveJtpraDd(s), K >= 500 ? 2 : 5);
  const dd = solveJtpraDd(s);
  const ddCols = {
    'dd ms': ddTime.medianMs, 'dd/direct': ddTime.medianMs / directTime.medianMs, 'dd iterations': dd.iterations ?? 0,
    'dd energy vs optimum': (dd.energyJ! - optimum) / optimum, 'dd verified': verifyHelperCoop(s, dd).ok ? 'yes' : 'NO',
  };
  if (K <= 5) {
    const dualTime = timeMs(() => solveJtpraDual(s), 3);
    const dual = solveJtpraDual(s);
    rows.push({
      K, n, 'direct ms': directTime.medianMs, 'dual ms': dualTime.medianMs, 'dual/direct': dualTime.medianMs / directTime.medianMs,
      'dual iterations': dual.iterations ?? 0, 'dual converged': 'yes',
      '(optimum − g)/optimum': (optimum - dual.lowerBound!) / optimum,
      'recovered energy vs optimum': (dual.energyJ! - optimum) / optimum,
      verified: verifyHelperCoop(s, direct).ok && verifyHelperCoop(s, dual).ok ? 'both' : 'NO',
      ...ddCols,
    });
  } else {
    // calibrate the per-iteration cost, then run the ellipsoid for the time budget
    const probe = K >= 500 ? 100 : 1000;
    const t0 = performance.now();
    maximiseDual(inst, { relTol: 1e-13, maxIterations: probe });
    const perIterMs = (performance.now() - t0) / probe;
    const iterations = Math.max(probe, Math.floor((budgetS * 1000) / perIterMs));
    const t1 = performance.now();
    const out = maximiseDual(inst, { relTol: 1e-13, maxIterations: iterations });
    const rec = recoverPrimal(inst, out.z);
    const dualMs = performance.now() - t1;
    const converged = out.upper - out.value <= 1e-9 * Math.abs(out.value);
    // K = 5 needed ≈ 50·n² iterations; the same rate projects the full run
    const projectedS = (50 * n * n * (dualMs / out.iterations)) / 1000;
    rows.push({
      K, n, 'direct ms': directTime.medianMs, 'dual ms': dualMs, 'dual/direct': dualMs / directTime.medianMs,
      'dual iterations': out.iterations, 'dual converged': converged ? 'yes' : `no (≈${projectedS.toPrecision(2)} s projected)`,
      '(optimum − g)/optimum': (optimum - out.value) / optimum,
      'recovered energy vs optimum': rec ? (planEnergyJ(s, { status: 'feasible', lowerBound: null, localBits: rec.localBits, helpers: rec.helpers }) - optimum) / optimum : 'LP infeasible',
      verified: verifyHelperCoop(s, direct).ok ? 'direct' : 'NO',
      ...ddCols,
    });
  }
  console.error(`helper-coop bench: K = ${K} done`);
}
printTable(rows);
