import { type CompiledGroup, type GroupEval, type GroupPlan, type Params, LOCAL, MBS, repairGroup, sbsRate } from '../physics.ts';
import { type Footprint, GroupMoveModel } from './move-model.ts';

/**
 * Local improvement after the ADMM's rounding (issue 12): single-task moves priced by their
 * exact effect on the whole group's utility (move-model.ts), not only on the mover. The old
 * polish (polish.ts) and greedy price a move by the mover's own marginal cost: they miss that an
 * upload to an SBS raises the interference of every task uploading to the group's other SBSs,
 * which at 1,000 tasks a group is a tenth of the utility.
 *
 * Each pass visits every task; its candidates (device, MBS, all bits on one SBS, all bits
 * forwarded to the MBS through one SBS; a split task may also un-split on its own SBS) are ranked by a closed form (exact congestion and own
 * upload, first-order interference externality sum_i dI_i · G_i with G_i the price of
 * interference at SBS i, refreshed every pass), and the best two are re-evaluated exactly
 * before one is made. The model leaves out deadline and share floors (and parallel timing):
 * after every pass the plan is repaired and evaluated by physics.evaluateGroup, and the best
 * plan seen is returned, so the result is never worse than the input.
 * Candidates do not include new splits: without a binding deadline a split does not pay (the
 * cost of the bits kept on the SBS, 2 X_i sqrt(y·w) + y·w, is concave in their fraction y, and
 * every other term is linear in it or a step when a tier starts being used), see README.
 */
export interface ImproveStats {
  passes: number;
  moves: number;
  /** Candidate moves re-evaluated exactly, and how many of those the closed form ranked wrongly. */
  exactChecks: number;
  rejected: number;
}

const groupTotal = (P: Params, e: GroupEval) => {
  let d = 0, en = 0;
  for (let j = 0; j < e.delayS.length; j++) { d += e.delayS[j]; en += e.energyJ[j]; }
  return P.alpha * d + (1 - P.alpha) * en;
};
const misses = (e: GroupEval) => e.meets.reduce((a, m) => a + (m ? 0 : 1), 0);
/** Fewer deadline misses first, then the lower utility. */
export const betterEval = (P: Params, a: GroupEval, b: GroupEval): boolean =>
  misses(a) < misses(b) || (misses(a) === misses(b) && groupTotal(P, a) < groupTotal(P, b) * (1 - 1e-12));

/** One pass of moves on the model; returns the number of moves made. */
export function improvePass(m: GroupMoveModel, stats: ImproveStats): number {
  const { g, P, plan, X } = m;
  const { n, S } = g;
  const { alpha } = P;
  const G = new Float64Array(S);
  m.interferencePrices(G);
  const cand: { place: number; f: Footprint; approx: number }[] = [];
  let moved = 0;
  for (let k = 0; k < n; k++) {
    const of = m.fp[k], oldPlace = plan.place[k], c = g.bits[k], p = g.txPowerW[k];
    let T = 0;
    for (let b = 0; b < S; b++) T += p * g.gain[k * S + b] * G[b];
    const leaveExt = of.upS >= 0 ? -(T - p * g.gain[k * S + of.upS] * G[of.upS]) : 0;
    const ownUp = of.upS >= 0 ? m.uploadCost(k, of.upS, of.upBits, m.interference(of.upS)) : 0;
    const XMk = m.XM - of.rootM;
    let oldCost = of.linear + ownUp + alpha * ((XMk + of.rootM) ** 2 - XMk * XMk);
    if (oldPlace >= 0) { const xk = X[oldPlace] - of.rootS; oldCost += alpha * ((xk + of.rootS) ** 2 - xk * xk); }
    cand.length = 0;
    // `time` (the mover's own delay, for its deadline) is computed only for a gaining candidate
    const consider = (place: number, f: Footprint, time: () => number, ext: number) => {
      let cost = f.linear + alpha * ((XMk + f.rootM) ** 2 - XMk * XMk) + ext;
      if (place >= 0) {
        const xk = X[place] - (place === oldPlace ? of.rootS : 0);
        cost += alpha * ((xk + f.rootS) ** 2 - xk * xk);
        const own = of.upS >= 0 && of.upS !== place ? p * g.gain[k * S + place] : 0;
        cost += m.uploadCost(k, place, f.upBits, Math.max(0, m.interference(place) - own));
      }
      let approx = cost - oldCost + leaveExt;
      // a new forwarder only adds path cost: the exact path term is worth computing only when
      // the rest already gains (or the task forwards now, and leaving frees its path)
      if (of.fwdBits === 0 && !(approx < -1e-12 * Math.abs(oldCost))) return;
      approx += m.pathDelta(k, place, f);
      if (approx < -1e-12 * Math.abs(oldCost) && time() <= g.deadlineS[k]) cand.push({ place, f, approx });
    };
    if (oldPlace !== LOCAL) consider(LOCAL, m.footprint(k, LOCAL, 0, 0), () => g.localT[k], 0);
    if (oldPlace !== MBS) {
      const f = m.footprint(k, MBS, 0, 0);
      consider(MBS, f, () => g.mbsUpS[k] + (P.mbsShared ? f.rootM * (XMk + f.rootM) : g.mbsT[k] - g.mbsUpS[k]), 0);
    }
    for (let i = 0; i < S; i++) {
      const own = of.upS >= 0 && of.upS !== i ? p * g.gain[k * S + i] : 0;
      const up = c / sbsRate(g, k, i, Math.max(0, m.interference(i) - own));
      const ext = T - p * g.gain[k * S + i] * G[i];
      const here = i === oldPlace && plan.c0[k] === 0;
      if (!(here && plan.c1[k] === 0)) {
        const f = m.footprint(k, i, 0, 0);
        const xk = X[i] - (i === oldPlace ? of.rootS : 0);
        consider(i, f, () => up + f.rootS * (xk + f.rootS), ext);
      }
      // all bits forwarded to the MBS through SBS i (an MBS placement with the SBS's uplink)
      if (!(here && plan.c1[k] === c)) {
        const f = m.footprint(k, i, 0, c);
        const tM = P.mbsShared ? f.rootM * (XMk + f.rootM) : (c * g.cyclesPerBit[k]) / g.mbsHz;
        consider(i, f, () => up + m.pathDelayWith(i, c - (i === oldPlace ? of.fwdBits : 0)) + tM, ext);
      }
    }
    if (cand.length === 0) continue;
    cand.sort((a, b) => a.approx - b.approx);
    for (let q = 0; q < Math.min(2, cand.length); q++) {
      stats.exactChecks++;
      if (m.delta(k, cand[q].place, cand[q].f) < -1e-12 * Math.abs(oldCost)) {
        m.move(k, cand[q].place, 0, cand[q].f.fwdBits, cand[q].f);
        moved++;
        break;
      }
      stats.rejected++;
    }
  }
  stats.moves += moved;
  return moved;
}

export function improveGroup(g: CompiledGroup, P: Params, plan: GroupPlan, before: GroupEval, maxPasses = 30): { plan: GroupPlan; ev: GroupEval; stats: ImproveStats } {
  const stats: ImproveStats = { passes: 0, moves: 0, exactChecks: 0, rejected: 0 };
  let next = plan;
  let bestPlan = plan, bestEv = before;
  for (let pass = 0; pass < maxPasses; pass++) {
    stats.passes++;
    // rebuilt every pass: the repair may have moved tasks
    const m = new GroupMoveModel(g, P, next);
    if (improvePass(m, stats) === 0) break;
    next = m.plan;
    // the exact evaluation (deadline floors, repair) judges every pass; the best plan seen is kept
    const ev = repairGroup(g, P, next);
    if (betterEval(P, ev, bestEv)) { bestPlan = { place: next.place.slice(), c0: next.c0.slice(), c1: next.c1.slice() }; bestEv = ev; }
  }
  return { plan: bestPlan, ev: bestEv, stats };
}
