import { ConeKkt, offsets, type ConeProblem, type KktBuffers } from './rlt-ipm-kkt.ts';
import { socDivide, socMaxStep, socProduct, socScaling, wiMul, wMul } from './rlt-ipm-soc.ts';

/**
 * The conic interior-point method's sweeps (rlt-ipm-cone.ts) on one chunk of devices: their pairs'
 * slots of y, linear rows and cones, their own device rows. Both threads run this code on the same
 * shared arrays (rlt-ipm-team.ts); the server rows (K of them) and the sums over chunks are left
 * to rlt-ipm-sweeps.ts on the main thread. Sums a chunk cannot finish (the server rows of G·y,
 * norms, sᵀz) go to its slots of `red` and `srv`.
 */
export interface IpmArrays {
  y: Float64Array; sL: Float64Array; zL: Float64Array; sK: Float64Array; zK: Float64Array;
  ry: Float64Array; rzL: Float64Array; rzK: Float64Array;
  wL: Float64Array; lamL: Float64Array; rsL: Float64Array; wsL: Float64Array; nt: Float64Array; lamK: Float64Array;
  rhsY: Float64Array; bzL: Float64Array; bzK: Float64Array; xiL: Float64Array; xiK: Float64Array; rcK: Float64Array;
  dy: Float64Array; dzL: Float64Array; dzK: Float64Array; dsL: Float64Array; dsK: Float64Array; dztK: Float64Array;
  fY: Float64Array; fL: Float64Array; fK: Float64Array; gY: Float64Array; gL: Float64Array; gK: Float64Array; gtK: Float64Array;
  dsaL: Float64Array; dzaL: Float64Array; dsaK: Float64Array; dzaK: Float64Array;
  hL: Float64Array; hK: Float64Array; cost: Float64Array;
  /** Per chunk RED slots of partial reductions, and K partial server sums of G·y. */
  red: Float64Array; srv: Float64Array;
}

export interface IpmState {
  p: ConeProblem;
  kkt: KktBuffers;
  a: IpmArrays;
  actL: Uint8Array;
  actK: Uint8Array;
  cpair: number;
  rho: number;
}

export const RED = 10;
/** Slots of `red`. */
export const R = { POBJ: 0, DRES: 1, PRES: 2, GAP: 3, RES: 4, SCALE: 5, AP: 6, AD: 7, GAPAT: 8 } as const;
export const CMD = { RESID: 1, SCALE_FACTOR: 2, BZ_SOLVE1: 3, SOLVE1: 4, SOLVE2: 5, REFRES: 6, ADD: 7, DS: 8, STEPS: 9, GAPAT: 10, UPDATE: 11 } as const;

export class ChunkKernels {
  readonly kkt: ConeKkt;
  private readonly o: ReturnType<typeof offsets>;
  private readonly v3 = new Float64Array(3);
  private readonly v3b = new Float64Array(3);

  constructor(private readonly st: IpmState, kkt?: ConeKkt) {
    this.kkt = kkt ?? new ConeKkt(st.p, st.kkt);
    this.kkt.bind(st.a.wL, st.a.nt);
    this.o = offsets(st.p);
  }

  /** Runs command `cmd` (CMD) on chunk c; ints/nums are its arguments. */
  exec(cmd: number, c: number, ints: Int32Array, nums: Float64Array): void {
    const a = this.st.a, kkt = this.kkt;
    // Solve sets: 0 the direction's (rhsY, bzL, bzK → dy, dzL, dzK, dztK), 1 the refinement's.
    const set = ints[0] === 0 ? [a.rhsY, a.bzL, a.bzK, a.dy, a.dzL, a.dzK, a.dztK] : [a.fY, a.fL, a.fK, a.gY, a.gL, a.gK, a.gtK];
    switch (cmd) {
      case CMD.RESID: return this.resid(c);
      case CMD.SCALE_FACTOR: this.scale(c); kkt.factorChunk(c, a.wL, a.nt); return;
      case CMD.BZ_SOLVE1:
        if (ints[2]) this.corrector(c, nums[1]);
        this.bz(c, nums[0], ints[1] === 1);
        kkt.solveChunk1(c, a.rhsY, a.bzL, a.bzK);
        return;
      case CMD.SOLVE1: kkt.solveChunk1(c, set[0], set[1], set[2]); return;
      case CMD.SOLVE2: kkt.solveChunk2(c, set[1], set[2], set[3], set[4], set[5], set[6]); return;
      case CMD.REFRES: return this.refineResidual(c);
      case CMD.ADD: return this.add(c);
      case CMD.DS: return this.ds(c, ints[1] === 1);
      case CMD.STEPS: return this.steps(c);
      case CMD.GAPAT: return this.gapAt(c, nums[0]);
      case CMD.UPDATE: return this.update(c, nums[0], nums[1]);
      default: throw new Error(`unknown sweep command ${cmd}`);
    }
  }

  /** The chunk's devices [m0, m1), pairs [q0, q1), and its linear rows as [from, to) runs. */
  private range(c: number) {
    const { p, kkt } = this.st, lo = kkt.devLo, m0 = lo[c], m1 = lo[c + 1], o = this.o;
    let q0 = -1, n = 0;
    for (let m = m0; m < m1; m++) { const mine = p.ofDevice[m]; if (mine.length && q0 < 0) q0 = mine[0]; n += mine.length; }
    if (q0 < 0) q0 = 0;
    const q1 = q0 + n;
    const rows = [4 * q0, 4 * q1, o.O_SIG + m0, o.O_SIG + m1, o.O_C4 + m0, o.O_C4 + m1, o.O_C10 + m0, o.O_C10 + m1];
    return { m0, m1, q0, q1, rows };
  }

  /** out = G·y on the chunk; the server rows' partial sums into its slots of `srv`. */
  private applyG(c: number, y: Float64Array, outL: Float64Array, outK: Float64Array, cones: boolean): void {
    const { p, actL, actK } = this.st, o = this.o, P7 = 7 * p.P, K = p.K;
    const { m0, m1 } = this.range(c);
    const srv = this.st.a.srv.subarray(c * K, (c + 1) * K);
    srv.fill(0);
    for (let m = m0; m < m1; m++) {
      const sg = y[P7 + m];
      outL[o.O_SIG + m] = -sg;
      let sx = 0, tot = -sg;
      const mine = p.ofDevice[m];
      for (let e = 0; e < mine.length; e++) {
        const q = mine[e], v = 7 * q, x = y[v], n4 = 4 * p.srv[q];
        outL[4 * q] = -x;
        outL[4 * q + 1] = p.lo[q] * x - y[v + 1];
        outL[4 * q + 2] = actL[4 * q + 2] ? -y[v + 2] : 0;
        outL[4 * q + 3] = actL[4 * q + 3] ? -y[v + 3] : 0;
        if (cones) for (let r = 0; r < 3; r++) {
          const k = 9 * q + 3 * r;
          if (!actK[3 * q + r]) { outK[k] = outK[k + 1] = outK[k + 2] = 0; continue; }
          const s = y[v + 1 + r], t = y[v + 4 + r];
          outK[k] = -0.5 * (t + s); outK[k + 1] = 0.5 * (s - t); outK[k + 2] = -x;
        }
        sx += x;
        tot += p.c[q] * x + p.T[3 * q] * y[v + 4] + p.T[3 * q + 1] * y[v + 5] + p.T[3 * q + 2] * y[v + 6];
        for (let a = 0; a < 4; a++) {
          const j = p.colOf[n4 + a];
          if (j >= 0) srv[j] += y[v + (a < 3 ? 1 + a : 0)];
        }
      }
      outL[o.O_C4 + m] = actL[o.O_C4 + m] ? sx : 0;
      outL[o.O_C10 + m] = actL[o.O_C10 + m] ? tot : 0;
    }
  }

  /** out = Gᵀ·z on the chunk's slots of y (reads the server rows of z). */
  private applyGt(c: number, zL: Float64Array, zK: Float64Array, out: Float64Array): void {
    const { p, actL, actK } = this.st, o = this.o, P7 = 7 * p.P;
    const { m0, m1, q0, q1 } = this.range(c);
    for (let q = q0; q < q1; q++) {
      const v = 7 * q, m = p.dev[q], n = p.srv[q];
      const z4 = actL[o.O_C4 + m] ? zL[o.O_C4 + m] : 0, z10 = actL[o.O_C10 + m] ? zL[o.O_C10 + m] : 0;
      let gx = -zL[4 * q] + p.lo[q] * zL[4 * q + 1] + z4 + p.c[q] * z10;
      const jl = p.colOf[4 * n + 3];
      if (jl >= 0) gx += zL[o.O_S + jl];
      out[v + 1] = -zL[4 * q + 1];
      out[v + 2] = actL[4 * q + 2] ? -zL[4 * q + 2] : 0;
      out[v + 3] = actL[4 * q + 3] ? -zL[4 * q + 3] : 0;
      for (let r = 0; r < 3; r++) {
        if (!actK[3 * q + r]) { out[v + 4 + r] = 0; continue; }
        const k = 9 * q + 3 * r;
        gx -= zK[k + 2];
        out[v + 1 + r] += 0.5 * (zK[k + 1] - zK[k]) + zL[o.O_S + p.colOf[4 * n + r]];
        out[v + 4 + r] = p.T[3 * q + r] * z10 - 0.5 * (zK[k] + zK[k + 1]);
      }
      out[v] = gx;
    }
    for (let m = m0; m < m1; m++) out[P7 + m] = -zL[o.O_SIG + m] - (actL[o.O_C10 + m] ? zL[o.O_C10 + m] : 0);
  }

  /** Residuals r_y = c + Gᵀz (and rhsY = −r_y), r_z = G·y + s − h; partial objective, norms and sᵀz. */
  private resid(c: number): void {
    const { a, actL, actK, cpair, rho, p } = this.st, P7 = 7 * p.P;
    const { m0, m1, q0, q1, rows } = this.range(c);
    const { ry, rhsY, cost, y, rzL, rzK, sL, zL, sK, zK, hL, hK } = a;
    this.applyGt(c, zL, zK, ry);
    let pobj = 0, dres = 0, pres = 0, gap = 0;
    for (let i = 7 * q0; i < 7 * q1; i++) { ry[i] += cost[i]; rhsY[i] = -ry[i]; pobj += cost[i] * y[i]; dres = Math.max(dres, Math.abs(ry[i]) / cpair); }
    for (let i = P7 + m0; i < P7 + m1; i++) { ry[i] += cost[i]; rhsY[i] = -ry[i]; pobj += cost[i] * y[i]; dres = Math.max(dres, Math.abs(ry[i]) / rho); }
    this.applyG(c, y, rzL, rzK, true);
    for (let s = 0; s < rows.length; s += 2) for (let i = rows[s]; i < rows[s + 1]; i++) {
      if (!actL[i]) { rzL[i] = 0; continue; }
      rzL[i] = rzL[i] + sL[i] - hL[i]; pres = Math.max(pres, Math.abs(rzL[i]));
      gap += sL[i] * zL[i];
    }
    for (let k = 3 * q0; k < 3 * q1; k++) {
      const i = 3 * k;
      if (!actK[k]) continue;
      rzK[i] += sK[i] - hK[i]; rzK[i + 1] += sK[i + 1] - hK[i + 1]; rzK[i + 2] += sK[i + 2] - hK[i + 2];
      gap += sK[i] * zK[i] + sK[i + 1] * zK[i + 1] + sK[i + 2] * zK[i + 2];
    }
    const red = a.red, b = c * RED;
    red[b + R.POBJ] = pobj; red[b + R.DRES] = dres; red[b + R.PRES] = pres; red[b + R.GAP] = gap;
  }

  /** The scalings (linear rows: z/s, √(sz), s/z, √(s/z); cones: NT) and the predictor's r_c = −λ∘λ. */
  private scale(c: number): void {
    const { a, actL, actK } = this.st;
    const { q0, q1, rows } = this.range(c);
    const { wL, lamL, rsL, wsL, sL, zL, sK, zK, nt, lamK, rcK } = a;
    for (let s = 0; s < rows.length; s += 2) for (let i = rows[s]; i < rows[s + 1]; i++) {
      if (actL[i]) { wL[i] = zL[i] / sL[i]; lamL[i] = Math.sqrt(sL[i] * zL[i]); rsL[i] = sL[i] / zL[i]; wsL[i] = Math.sqrt(rsL[i]); } else wL[i] = 1;
    }
    for (let k = 3 * q0; k < 3 * q1; k++) if (actK[k]) { socScaling(sK, zK, 3 * k, nt, 5 * k, lamK); socProduct(lamK, lamK, 3 * k, rcK); for (let j = 0; j < 3; j++) rcK[3 * k + j] = -rcK[3 * k + j]; }
  }

  /** The corrector's r_c = −λ∘λ − ds̃ₐ∘dz̃ₐ + σμe, from the predictor's −λ∘λ still in rcK. */
  private corrector(c: number, sigmaMu: number): void {
    const { a, actK } = this.st, { rcK, dsaK, dzaK } = a;
    const { q0, q1 } = this.range(c);
    for (let k = 3 * q0; k < 3 * q1; k++) {
      if (!actK[k]) continue;
      const i = 3 * k;
      const a0 = dsaK[i], a1 = dsaK[i + 1], a2 = dsaK[i + 2], b0 = dzaK[i], b1 = dzaK[i + 1], b2 = dzaK[i + 2];
      rcK[i] = rcK[i] - (a0 * b0 + a1 * b1 + a2 * b2);
      rcK[i + 1] = rcK[i + 1] - (a0 * b1 + b0 * a1);
      rcK[i + 2] = rcK[i + 2] - (a0 * b2 + b0 * a2);
      rcK[i] += sigmaMu;
    }
  }

  /** The direction's b_z (the complementarity folded in); on a linear row r_c is a product of numbers. */
  private bz(c: number, sigmaMu: number, predictor: boolean): void {
    const { a, actL, actK } = this.st, v3 = this.v3;
    const { q0, q1, rows } = this.range(c);
    for (let s = 0; s < rows.length; s += 2) for (let i = rows[s]; i < rows[s + 1]; i++) bzRow(a, actL, i, sigmaMu, predictor);
    const { bzK, rzK, lamK, rcK, xiK, nt } = a;
    for (let k = 3 * q0; k < 3 * q1; k++) {
      const i = 3 * k;
      if (!actK[k]) { bzK[i] = bzK[i + 1] = bzK[i + 2] = 0; continue; }
      socDivide(lamK, rcK, i, xiK);
      wMul(nt, 5 * k, xiK, i, v3, 0);
      bzK[i] = -rzK[i] - v3[0]; bzK[i + 1] = -rzK[i + 1] - v3[1]; bzK[i + 2] = -rzK[i + 2] - v3[2];
    }
  }

  /** The refinement's residuals fY, fL, fK of the last direction, with max-norms (residual, right-hand side). */
  private refineResidual(c: number): void {
    const { a, actL, actK, p } = this.st, P7 = 7 * p.P, { v3, v3b } = this;
    const { m0, m1, q0, q1, rows } = this.range(c);
    const { fY, rhsY, dzL, dzK, dy, fL, fK, bzL, bzK, rsL, dztK, nt } = a;
    let res = 0, scale = 0;
    this.applyGt(c, dzL, dzK, fY);
    for (let s = 0; s < 2; s++) for (let i = s ? P7 + m0 : 7 * q0, e = s ? P7 + m1 : 7 * q1; i < e; i++) {
      const f = rhsY[i] - fY[i]; fY[i] = f; res = Math.max(res, Math.abs(f)); scale = Math.max(scale, Math.abs(rhsY[i]));
    }
    this.applyG(c, dy, fL, fK, true);
    for (let s = 0; s < rows.length; s += 2) for (let i = rows[s]; i < rows[s + 1]; i++) {
      const f = actL[i] ? bzL[i] - fL[i] + rsL[i] * dzL[i] : 0;
      fL[i] = f; res = Math.max(res, Math.abs(f)); scale = Math.max(scale, Math.abs(bzL[i]));
    }
    for (let k = 3 * q0; k < 3 * q1; k++) {
      const i = 3 * k;
      if (!actK[k]) { fK[i] = fK[i + 1] = fK[i + 2] = 0; continue; }
      for (let j = 0; j < 3; j++) v3[j] = bzK[i + j] - fK[i + j];
      wiMul(nt, 5 * k, v3, 0, v3b, 0);
      for (let j = 0; j < 3; j++) v3b[j] += dztK[i + j];
      wMul(nt, 5 * k, v3b, 0, fK, i);
      res = Math.max(res, Math.abs(fK[i]), Math.abs(fK[i + 1]), Math.abs(fK[i + 2]));
    }
    a.red[c * RED + R.RES] = res; a.red[c * RED + R.SCALE] = scale;
  }

  /** The refinement's correction added to the direction. */
  private add(c: number): void {
    const { a, p } = this.st, P7 = 7 * p.P;
    const { m0, m1, q0, q1, rows } = this.range(c);
    const { dy, gY, dzL, gL, dzK, gK, dztK, gtK } = a;
    for (let i = 7 * q0; i < 7 * q1; i++) dy[i] += gY[i];
    for (let i = P7 + m0; i < P7 + m1; i++) dy[i] += gY[i];
    for (let s = 0; s < rows.length; s += 2) for (let i = rows[s]; i < rows[s + 1]; i++) dzL[i] += gL[i];
    for (let i = 9 * q0; i < 9 * q1; i++) { dzK[i] += gK[i]; dztK[i] += gtK[i]; }
  }

  /** Δs (see rlt-ipm-sweeps.ts's direction), and the scaled ds̃, dz̃ for the corrector when `keep`. */
  private ds(c: number, keep: boolean): void {
    const { a, actL, actK } = this.st, v3 = this.v3;
    const { q0, q1, rows } = this.range(c);
    this.applyG(c, a.dy, a.fL, a.fK, false);
    for (let s = 0; s < rows.length; s += 2) for (let i = rows[s]; i < rows[s + 1]; i++) dsRow(a, actL, i, keep);
    const { xiK, dztK, nt, dsK, dsaK, dzaK } = a;
    for (let k = 3 * q0; k < 3 * q1; k++) {
      const i = 3 * k;
      if (!actK[k]) { dsK[i] = dsK[i + 1] = dsK[i + 2] = 0; continue; }
      for (let j = 0; j < 3; j++) v3[j] = xiK[i + j] - dztK[i + j];
      wMul(nt, 5 * k, v3, 0, dsK, i);
      if (keep) for (let j = 0; j < 3; j++) { dsaK[i + j] = v3[j]; dzaK[i + j] = dztK[i + j]; }
    }
  }

  /** The largest primal and dual steps (≤ 1) the chunk's rows and cones allow. */
  private steps(c: number): void {
    const { a, actL, actK } = this.st, { sL, dsL, zL, dzL, sK, dsK, zK, dzK } = a;
    const { q0, q1, rows } = this.range(c);
    let ap = 1, ad = 1;
    for (let s = 0; s < rows.length; s += 2) for (let i = rows[s]; i < rows[s + 1]; i++) {
      if (!actL[i]) continue;
      if (dsL[i] < 0) ap = Math.min(ap, -sL[i] / dsL[i]);
      if (dzL[i] < 0) ad = Math.min(ad, -zL[i] / dzL[i]);
    }
    for (let k = 3 * q0; k < 3 * q1; k++) {
      if (!actK[k]) continue;
      ap = socMaxStep(sK, dsK, 3 * k, ap);
      ad = socMaxStep(zK, dzK, 3 * k, ad);
    }
    a.red[c * RED + R.AP] = ap; a.red[c * RED + R.AD] = ad;
  }

  /** The chunk's part of (s + αΔs)ᵀ(z + αΔz). */
  private gapAt(c: number, al: number): void {
    const { a, actL, actK } = this.st, { sL, dsL, zL, dzL, sK, dsK, zK, dzK } = a;
    const { q0, q1, rows } = this.range(c);
    let g = 0;
    for (let s = 0; s < rows.length; s += 2) for (let i = rows[s]; i < rows[s + 1]; i++) if (actL[i]) g += (sL[i] + al * dsL[i]) * (zL[i] + al * dzL[i]);
    for (let k = 3 * q0; k < 3 * q1; k++) {
      if (!actK[k]) continue;
      const i = 3 * k;
      g += (sK[i] + al * dsK[i]) * (zK[i] + al * dzK[i]) + (sK[i + 1] + al * dsK[i + 1]) * (zK[i + 1] + al * dzK[i + 1]) + (sK[i + 2] + al * dsK[i + 2]) * (zK[i + 2] + al * dzK[i + 2]);
    }
    a.red[c * RED + R.GAPAT] = g;
  }

  /** The step: primal by ap, dual by ad. */
  private update(c: number, ap: number, ad: number): void {
    const { a, actL, p } = this.st, P7 = 7 * p.P, { y, dy, sL, dsL, zL, dzL, sK, dsK, zK, dzK } = a;
    const { m0, m1, q0, q1, rows } = this.range(c);
    for (let i = 7 * q0; i < 7 * q1; i++) y[i] += ap * dy[i];
    for (let i = P7 + m0; i < P7 + m1; i++) y[i] += ap * dy[i];
    for (let s = 0; s < rows.length; s += 2) for (let i = rows[s]; i < rows[s + 1]; i++) if (actL[i]) { sL[i] += ap * dsL[i]; zL[i] += ad * dzL[i]; }
    for (let i = 9 * q0; i < 9 * q1; i++) { sK[i] += ap * dsK[i]; zK[i] += ad * dzK[i]; }
  }
}

/** One linear row's b_z (shared with the main thread's server rows). */
export function bzRow(a: IpmArrays, actL: Uint8Array, i: number, sigmaMu: number, predictor: boolean): void {
  if (!actL[i]) { a.bzL[i] = 0; return; }
  const l = a.lamL[i];
  a.xiL[i] = (predictor ? -l * l : -l * l - a.dsaL[i] * a.dzaL[i] + sigmaMu) / l;
  a.bzL[i] = -a.rzL[i] - a.wsL[i] * a.xiL[i];
}

/** One linear row's Δs from its primal row (G·Δy in fL), and its scaled pair when `keep`. */
export function dsRow(a: IpmArrays, actL: Uint8Array, i: number, keep: boolean): void {
  if (!actL[i]) { a.dsL[i] = a.dzL[i] = 0; return; }
  const w = a.wsL[i];
  a.dsL[i] = -a.rzL[i] - a.fL[i];
  if (keep) { a.dzaL[i] = w * a.dzL[i]; a.dsaL[i] = a.dsL[i] / w; }
}
