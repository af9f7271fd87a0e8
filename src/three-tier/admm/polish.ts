import { type CompiledGroup, type GroupEval, type GroupPlan, type Params, LOCAL, MBS, repairGroup, sbsRate, utilityOf } from '../physics.ts';

/**
 * After the ADMM's rounding: moves single tasks while that lowers their marginal utility
 * (the same model as the greedy baseline: with square-root shares a resource's total compute
 * time is (sum sqrt a)^2, so task j costs 2·s·sqrt(a_j) + a_j given the others' s; its upload sees
 * the current interference). Candidate moves are local, MBS, or all bits on a candidate SBS.
 * After every pass the plan is repaired and evaluated exactly; the best plan seen is returned
 * (never worse than the input).
 */
export function polishGroup(g: CompiledGroup, P: Params, plan: GroupPlan, before: GroupEval, passes = 10): { plan: GroupPlan; ev: GroupEval } {
  const { n, S } = g;
  const { alpha } = P;
  const next: GroupPlan = { place: plan.place.slice(), c0: plan.c0.slice(), c1: plan.c1.slice() };
  const sumSqrt = new Float64Array(S), rxAll = new Float64Array(S), rxOwn = new Float64Array(S);
  let sumSqrtM = 0;
  const aS = (j: number, i: number, bits: number) => (bits * g.cyclesPerBit[j]) / g.sbsHz[i];
  const aM = (j: number, bits: number) => (bits * g.cyclesPerBit[j]) / g.mbsHz;
  const apply = (j: number, sign: number) => {
    const i = next.place[j], c = g.bits[j];
    if (i === MBS) { sumSqrtM += sign * Math.sqrt(aM(j, c)); return; }
    if (i < 0) return;
    sumSqrt[i] += sign * Math.sqrt(aS(j, i, c - next.c0[j] - next.c1[j]));
    if (next.c1[j] > 0) sumSqrtM += sign * Math.sqrt(aM(j, next.c1[j]));
    if (c - next.c0[j] > 0) {
      for (let b = 0; b < S; b++) rxAll[b] += sign * g.txPowerW[j] * g.gain[j * S + b];
      rxOwn[i] += sign * g.txPowerW[j] * g.gain[j * S + i];
    }
  };
  const total = (e: GroupEval) => utilityOf(P, e.delayS.reduce((a, b) => a + b, 0), e.energyJ.reduce((a, b) => a + b, 0));
  const misses = (e: GroupEval) => e.meets.reduce((a, m) => a + (m ? 0 : 1), 0);
  const better = (a: GroupEval, b: GroupEval) => misses(a) < misses(b) || (misses(a) === misses(b) && total(a) < total(b));
  let bestPlan = plan, bestEv = before;
  for (let pass = 0; pass < passes; pass++) {
    // the sums are rebuilt every pass: the repair may have moved tasks
    sumSqrt.fill(0); rxAll.fill(0); rxOwn.fill(0); sumSqrtM = 0;
    for (let j = 0; j < n; j++) apply(j, +1);
    let moved = 0;
    for (let j = 0; j < n; j++) {
      apply(j, -1);
      const c = g.bits[j], u = g.cyclesPerBit[j];
      const mbsTime = (bits: number) => (bits > 0 ? (P.mbsShared ? Math.sqrt(aM(j, bits)) * (sumSqrtM + Math.sqrt(aM(j, bits))) : aM(j, bits)) : 0);
      const mbsCost = (bits: number) => (bits > 0 ? (P.mbsShared ? 2 * sumSqrtM * Math.sqrt(aM(j, bits)) + aM(j, bits) : aM(j, bits)) : 0);
      // the current option's marginal cost, in the same model (path delay at its current value)
      const cur = next.place[j];
      let curCost: number;
      if (cur === LOCAL) curCost = utilityOf(P, g.localT[j], g.localE[j]);
      else if (cur === MBS) curCost = alpha * (g.mbsUpS[j] + mbsCost(c)) + (1 - alpha) * g.mbsE[j];
      else {
        const ci = c - next.c0[j] - next.c1[j];
        const up = c - next.c0[j] > 0 ? (c - next.c0[j]) / sbsRate(g, j, cur, Math.max(0, rxAll[cur] - rxOwn[cur])) : 0;
        curCost = alpha * ((next.c0[j] * u) / g.localHz[j] + up + (ci > 0 ? 2 * sumSqrt[cur] * Math.sqrt(aS(j, cur, ci)) + aS(j, cur, ci) : 0) + mbsCost(next.c1[j]))
          + (1 - alpha) * (next.c0[j] * u * P.kappa * g.localHz[j] ** 2 + g.txPowerW[j] * up + ci * u * P.sbsJPerCycle + next.c1[j] * u * P.mbsJPerCycle);
      }
      let best = cur, bestCost = curCost * (1 - 1e-9), chosen = false;
      if (g.localT[j] <= g.deadlineS[j] && utilityOf(P, g.localT[j], g.localE[j]) < bestCost) { best = LOCAL; bestCost = utilityOf(P, g.localT[j], g.localE[j]); chosen = true; }
      const mCost = alpha * (g.mbsUpS[j] + mbsCost(c)) + (1 - alpha) * g.mbsE[j];
      if (g.mbsUpS[j] + mbsTime(c) <= g.deadlineS[j] && mCost < bestCost) { best = MBS; bestCost = mCost; chosen = true; }
      for (let i = 0; i < S; i++) {
        const up = c / sbsRate(g, j, i, Math.max(0, rxAll[i] - rxOwn[i]));
        const a = aS(j, i, c);
        if (up + Math.sqrt(a) * (sumSqrt[i] + Math.sqrt(a)) > g.deadlineS[j]) continue;
        const cost = alpha * (up + 2 * sumSqrt[i] * Math.sqrt(a) + a) + (1 - alpha) * (g.txPowerW[j] * up + c * u * P.sbsJPerCycle);
        if (cost < bestCost && !(i === cur && next.c0[j] === 0 && next.c1[j] === 0)) { best = i; bestCost = cost; chosen = true; }
      }
      if (chosen) {
        next.place[j] = best; next.c0[j] = 0; next.c1[j] = 0; moved++;
      }
      apply(j, +1);
    }
    if (moved === 0) break;
    // every pass is judged by the exact evaluation; the best plan seen is kept
    const ev = repairGroup(g, P, next);
    if (better(ev, bestEv)) { bestPlan = { place: next.place.slice(), c0: next.c0.slice(), c1: next.c1.slice() }; bestEv = ev; }
  }
  return { plan: bestPlan, ev: bestEv };
}
