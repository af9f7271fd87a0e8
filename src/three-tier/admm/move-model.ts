import { type CompiledGroup, type GroupPlan, type Params, LOCAL, MBS, pathDelays, sbsRate } from '../physics.ts';

/**
 * The group's utility in closed form, kept up to date under single-task moves (admm/improve.ts).
 * Away from binding deadline floors and share floors, with sequential timing, it equals what
 * physics.evaluateGroup reports (a test checks it):
 *   sum_j L_j                                   (linear parts: device compute, server energy, MBS upload)
 * + sum_{uploaders j} w_j · bits_j / R_j(I_s)    (w = alpha + (1 - alpha)·p; I_s the interference at its SBS)
 * + alpha · sum_r X_r²                           (X_r = sum of sqrt(cycles/f) on resource r: with water-filled
 *                                                 shares a resource's compute times total X_r²; the MBS is
 *                                                 such a resource when shared, linear when dedicated)
 * + sum_i nFwd_i · (alpha + (1 - alpha)·P_i) · D_i(forwarded bits)   (path delay and forwarding energy).
 * With parallel timing it is the sequential utility, an upper estimate used only to rank moves.
 */
export interface Footprint {
  /** SBS it uploads to, or -1. */
  upS: number;
  upBits: number;
  /** sqrt(cycles/f) on its SBS and on the (shared) MBS; 0 where it computes nothing. */
  rootS: number;
  rootM: number;
  /** Bits forwarded through its SBS's path. */
  fwdBits: number;
  linear: number;
}

export class GroupMoveModel {
  readonly plan: GroupPlan;
  readonly fp: Footprint[];
  private readonly w: Float64Array;
  private readonly pathW: Float64Array;
  readonly rxAll: Float64Array;
  readonly rxOwn: Float64Array;
  /** Sum of sqrt(cycles/f) per SBS, and on the MBS. */
  readonly X: Float64Array;
  XM = 0;
  private readonly fwd: Float64Array;
  private readonly nFwd: Float64Array;
  /** Uploaders of each SBS, and each task's position in its list (O(1) removal). */
  private readonly upList: number[][];
  private readonly upPos: Int32Array;
  private readonly dI: Float64Array;
  private readonly fwd2: Float64Array;
  private readonly nFwd2: Float64Array;

  constructor(readonly g: CompiledGroup, readonly P: Params, plan: GroupPlan) {
    const { n, S } = g;
    this.plan = { place: plan.place.slice(), c0: plan.c0.slice(), c1: plan.c1.slice() };
    this.w = Float64Array.from(g.txPowerW, (p) => P.alpha + (1 - P.alpha) * p);
    this.pathW = Float64Array.from(g.sbsForwardW, (p) => P.alpha + (1 - P.alpha) * p);
    this.rxAll = new Float64Array(S); this.rxOwn = new Float64Array(S); this.X = new Float64Array(S);
    this.fwd = new Float64Array(S); this.nFwd = new Float64Array(S); this.dI = new Float64Array(S);
    this.fwd2 = new Float64Array(S); this.nFwd2 = new Float64Array(S);
    this.upList = Array.from({ length: S }, () => []);
    this.upPos = new Int32Array(n);
    this.fp = new Array(n);
    for (let j = 0; j < n; j++) {
      this.fp[j] = this.footprint(j, this.plan.place[j], this.plan.c0[j], this.plan.c1[j]);
      this.apply(j, this.fp[j], +1, this.plan.place[j]);
    }
  }

  footprint(j: number, place: number, c0: number, c1: number): Footprint {
    const { g, P } = this;
    const { alpha } = P;
    const c = g.bits[j], u = g.cyclesPerBit[j];
    if (place === LOCAL) return { upS: -1, upBits: 0, rootS: 0, rootM: 0, fwdBits: 0, linear: alpha * g.localT[j] + (1 - alpha) * g.localE[j] };
    if (place === MBS) {
      const aM = (c * u) / g.mbsHz;
      return { upS: -1, upBits: 0, rootS: 0, rootM: P.mbsShared ? Math.sqrt(aM) : 0, fwdBits: 0, linear: alpha * (g.mbsUpS[j] + (P.mbsShared ? 0 : aM)) + (1 - alpha) * g.mbsE[j] };
    }
    const ci = Math.max(0, c - c0 - c1);
    const linear = alpha * ((c0 * u) / g.localHz[j] + (!P.mbsShared && c1 > 0 ? (c1 * u) / g.mbsHz : 0))
      + (1 - alpha) * (c0 * u * P.kappa * g.localHz[j] ** 2 + ci * u * P.sbsJPerCycle + c1 * u * P.mbsJPerCycle);
    return {
      upS: c - c0 > 0 ? place : -1, upBits: c - c0, rootS: ci > 0 ? Math.sqrt((ci * u) / g.sbsHz[place]) : 0,
      rootM: P.mbsShared && c1 > 0 ? Math.sqrt((c1 * u) / g.mbsHz) : 0, fwdBits: c1 > 0 ? c1 : 0, linear,
    };
  }

  interference(i: number): number { return Math.max(0, this.rxAll[i] - this.rxOwn[i]); }

  private apply(j: number, f: Footprint, sign: number, place: number): void {
    const { g } = this;
    if (f.upS >= 0) {
      const p = g.txPowerW[j], S = g.S, i = f.upS;
      for (let b = 0; b < S; b++) this.rxAll[b] += sign * p * g.gain[j * S + b];
      this.rxOwn[i] += sign * p * g.gain[j * S + i];
      if (sign > 0) { this.upPos[j] = this.upList[i].length; this.upList[i].push(j); }
      else { const list = this.upList[i], last = list.pop()!; if (last !== j) { list[this.upPos[j]] = last; this.upPos[last] = this.upPos[j]; } }
    }
    if (place >= 0) this.X[place] += sign * f.rootS;
    this.XM += sign * f.rootM;
    if (f.fwdBits > 0) { this.fwd[place] += sign * f.fwdBits; this.nFwd[place] += sign; }
  }

  private pathCost(f: Float64Array, nf: Float64Array): number {
    const D = pathDelays(this.g, f);
    let s = 0;
    for (let i = 0; i < this.g.S; i++) if (nf[i] > 0) s += nf[i] * this.pathW[i] * D[i];
    return s;
  }

  /** Upload cost of task j at SBS i under interference I. */
  uploadCost(j: number, i: number, bits: number, I: number): number {
    return bits > 0 ? (this.w[j] * bits) / sbsRate(this.g, j, i, I) : 0;
  }

  /** Sum of the upload costs of SBS i's uploaders (except `skip`) at interference I. */
  private uploadCostAt(i: number, I: number, skip: number): number {
    let s = 0;
    for (const j of this.upList[i]) if (j !== skip) s += this.uploadCost(j, i, this.fp[j].upBits, I);
    return s;
  }

  /** The model utility of the current plan. */
  utility(): number {
    const { g, P } = this;
    let s = 0;
    for (let j = 0; j < g.n; j++) {
      s += this.fp[j].linear;
      const i = this.fp[j].upS;
      if (i >= 0) s += this.uploadCost(j, i, this.fp[j].upBits, this.interference(i));
    }
    for (let i = 0; i < g.S; i++) s += P.alpha * this.X[i] * this.X[i];
    return s + P.alpha * this.XM * this.XM + this.pathCost(this.fwd, this.nFwd);
  }

  /**
   * d(upload cost of SBS i's uploaders)/d(interference at i), for every SBS: the first-order
   * price of the interference a new uploader brings.
   */
  interferencePrices(out: Float64Array): void {
    const { g } = this;
    for (let i = 0; i < g.S; i++) {
      const I = this.interference(i);
      let s = 0;
      for (const j of this.upList[i]) {
        const a = g.txPowerW[j] * g.gain[j * g.S + i], N = g.sbsNoiseW[i] + I;
        const R = sbsRate(g, j, i, I);
        // R = B log2(1 + a/N): dR/dI = -B/ln2 · a / (N (N + a)); the cost w·bits/R grows by w·bits·(-dR)/R²
        s += (this.w[j] * this.fp[j].upBits * (g.sbsBandwidthHz[i] / Math.LN2) * (a / (N * (N + a)))) / (R * R);
      }
      out[i] = s;
    }
  }

  /** Exact change of the model utility if task k takes footprint nf at `place`. */
  delta(k: number, place: number, nf: Footprint): number {
    const { g, P, X } = this;
    const S = g.S, alpha = P.alpha;
    const of = this.fp[k], oldPlace = this.plan.place[k];
    let d = nf.linear - of.linear;
    if (oldPlace >= 0 && oldPlace === place) { const x = X[place] - of.rootS + nf.rootS; d += alpha * (x * x - X[place] * X[place]); }
    else {
      if (oldPlace >= 0) { const x = X[oldPlace] - of.rootS; d += alpha * (x * x - X[oldPlace] * X[oldPlace]); }
      if (place >= 0) { const x = X[place] + nf.rootS; d += alpha * (x * x - X[place] * X[place]); }
    }
    const xm = this.XM - of.rootM + nf.rootM;
    d += alpha * (xm * xm - this.XM * this.XM);
    // interference: k's power leaves the old SBS's neighbours and reaches the new one's
    const dI = this.dI;
    dI.fill(0);
    const p = g.txPowerW[k];
    if (of.upS >= 0) for (let b = 0; b < S; b++) if (b !== of.upS) dI[b] -= p * g.gain[k * S + b];
    if (nf.upS >= 0) for (let b = 0; b < S; b++) if (b !== nf.upS) dI[b] += p * g.gain[k * S + b];
    for (let i = 0; i < S; i++) {
      if (dI[i] === 0 || this.upList[i].length === 0) continue;
      const I = this.interference(i);
      d += this.uploadCostAt(i, Math.max(0, I + dI[i]), k) - this.uploadCostAt(i, I, k);
    }
    if (of.upS >= 0) d -= this.uploadCost(k, of.upS, of.upBits, this.interference(of.upS));
    // k's interference at its new SBS after the move (dI already takes k's own power out there)
    if (nf.upS >= 0) d += this.uploadCost(k, nf.upS, nf.upBits, Math.max(0, this.interference(nf.upS) + dI[nf.upS]));
    return d + this.pathDelta(k, place, nf);
  }

  /** Exact change of the path term (every forwarder's delay and forwarding energy) if k takes nf at `place`. */
  pathDelta(k: number, place: number, nf: Footprint): number {
    const of = this.fp[k], oldPlace = this.plan.place[k];
    if (!(of.fwdBits > 0 || nf.fwdBits > 0)) return 0;
    const f2 = this.fwd2, n2 = this.nFwd2;
    f2.set(this.fwd); n2.set(this.nFwd);
    if (of.fwdBits > 0) { f2[oldPlace] -= of.fwdBits; n2[oldPlace] -= 1; }
    if (nf.fwdBits > 0) { f2[place] += nf.fwdBits; n2[place] += 1; }
    return this.pathCost(f2, n2) - this.pathCost(this.fwd, this.nFwd);
  }

  /** Path delay of SBS i's path if `extraBits` more were forwarded through it. */
  pathDelayWith(i: number, extraBits: number): number {
    const f2 = this.fwd2;
    f2.set(this.fwd);
    f2[i] += extraBits;
    return pathDelays(this.g, f2)[i];
  }

  move(k: number, place: number, c0: number, c1: number, nf = this.footprint(k, place, c0, c1)): void {
    this.apply(k, this.fp[k], -1, this.plan.place[k]);
    this.plan.place[k] = place; this.plan.c0[k] = c0; this.plan.c1[k] = c1;
    this.fp[k] = nf;
    this.apply(k, nf, +1, place);
  }
}

/**
 * What interference adds to a plan's utility: sum over uploaders of w·bits·(1/R(I) - 1/R(0)).
 * The lower bound drops interference, so this part of a plan's gap is invisible to it (bench).
 */
export function interferenceCost(g: CompiledGroup, P: Params, plan: GroupPlan): number {
  const m = new GroupMoveModel(g, P, plan);
  let s = 0;
  for (let j = 0; j < g.n; j++) {
    const f = m.fp[j];
    if (f.upS >= 0) s += m.uploadCost(j, f.upS, f.upBits, m.interference(f.upS)) - m.uploadCost(j, f.upS, f.upBits, 0);
  }
  return s;
}
