import type { Algorithm } from '../../core/system.ts';
import type { Result, Scenario } from '../model.ts';
import { LOCAL, MBS, emptyPlan, sbsRate, utilityOf } from '../physics.ts';
import { solveByGroup } from './simple.ts';

/**
 * Baseline: tasks in decreasing size each take the option with the smallest marginal utility
 * given the tasks placed before them: local, MBS, or all bits on one SBS (no splitting). On an
 * SBS with square-root shares the compute time of its tasks totals (sum sqrt a)^2, a = cycles/f,
 * so task j adds 2·s·sqrt(a_j) + a_j; its upload uses the interference of the tasks placed so far.
 * Deadline misses left by later arrivals are repaired at the end.
 */
export const greedy: Algorithm<Scenario, Result> = {
  name: 'greedy',
  description: 'baseline: largest task first, each to its cheapest option given earlier ones (no splitting)',
  solve: (scenario) => solveByGroup(scenario, 'greedy', (g, P) => {
    const plan = emptyPlan(g.n, LOCAL);
    const { S } = g;
    let sumSqrtM = 0;
    const sumSqrt = new Float64Array(S), rxTotal = new Float64Array(S), rxOwn = new Float64Array(S);
    const order = Array.from({ length: g.n }, (_, j) => j).sort((a, b) => g.bits[b] - g.bits[a] || a - b);
    for (const j of order) {
      const okL = g.localT[j] <= g.deadlineS[j];
      let best = LOCAL, bestCost = okL ? utilityOf(P, g.localT[j], g.localE[j]) : Infinity;
      // a shared MBS behaves like an SBS: task j adds 2·s·sqrt(a) + a to its total compute time
      const aM = (g.bits[j] * g.cyclesPerBit[j]) / g.mbsHz;
      const timeM = P.mbsShared ? g.mbsUpS[j] + Math.sqrt(aM) * (sumSqrtM + Math.sqrt(aM)) : g.mbsT[j];
      const costM = timeM <= g.deadlineS[j]
        ? (P.mbsShared ? P.alpha * (g.mbsUpS[j] + 2 * sumSqrtM * Math.sqrt(aM) + aM) + (1 - P.alpha) * g.mbsE[j] : utilityOf(P, g.mbsT[j], g.mbsE[j]))
        : Infinity;
      if (costM < bestCost) { best = MBS; bestCost = costM; }
      for (let i = 0; i < S; i++) {
        const up = g.bits[j] / sbsRate(g, j, i, rxTotal[i] - rxOwn[i]);
        const a = (g.bits[j] * g.cyclesPerBit[j]) / g.sbsHz[i];
        const ownTime = up + Math.sqrt(a) * (sumSqrt[i] + Math.sqrt(a));
        if (ownTime > g.deadlineS[j]) continue;
        const cost = P.alpha * (up + 2 * sumSqrt[i] * Math.sqrt(a) + a)
          + (1 - P.alpha) * (g.txPowerW[j] * up + g.bits[j] * g.cyclesPerBit[j] * P.sbsJPerCycle);
        if (cost < bestCost) { best = i; bestCost = cost; }
      }
      plan.place[j] = best;
      if (best === MBS) sumSqrtM += Math.sqrt(aM);
      if (best >= 0) {
        sumSqrt[best] += Math.sqrt((g.bits[j] * g.cyclesPerBit[j]) / g.sbsHz[best]);
        for (let i = 0; i < S; i++) rxTotal[i] += g.txPowerW[j] * g.gain[j * S + i];
        rxOwn[best] += g.txPowerW[j] * g.gain[j * S + best];
      }
    }
    return plan;
  }, true),
};
