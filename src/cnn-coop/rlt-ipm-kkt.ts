import { choleskyInPlace, choleskySolve } from './dense.ts';
import { chol7, solve7, solve7Unit } from './rlt-ipm-block7.ts';
import { FILL_BATCH, fillBatch, fillFull } from './rlt-ipm-fill.ts';
import type { RltData } from './rlt-pairs.ts';

/**
 * The conic form of the hull relaxation (rlt-ipm-cone.ts) and the structured solve of its Newton
 * (KKT) system
 *
 *   [ 0   Gᵀ  ] [Δy]   [r_y]
 *   [ G  −W²  ] [Δz] = [b_z]
 *
 * Variables y: per pair q, 7 slots (x, s_b, s_c, s_f, t_b, t_c, t_f) at 7q (shares s, epigraphs t
 * of T·x²/(s+ε)), then σ_m (C10 slack) at 7P + m. Rows G·y + slack = h, slack in the cone:
 *  - linear, per pair at 4q: −x ≤ 0; lo·x − s_b ≤ 0 (C9); −s_c ≤ 0; −s_f ≤ 0;
 *    per device: −σ ≤ 0 (at O_SIG), Σ x ≤ 1 (C4, O_C4), Σ (c·x + Σ_r T_r·t_r) − σ ≤ D^max − D (C10,
 *    O_C10); per server column j (O_S): Σ s_r ≤ 1 (C11–C13) or Σ x ≤ Q (load limit);
 *  - a 3-dim second-order cone per pair and used resource at 9q + 3r: ((t+s+ε)/2, (t−s−ε)/2, x),
 *    i.e. t·(s+ε) ≥ x².
 * Rows of one pair (its own linear rows and cones) are "local", the device and server rows are
 * "coupling". Local rows are folded into a 7×7 block per pair, H_q = G_qᵀW_q⁻²G_q (positive
 * definite: every slot is in a cone or has its own bound). The coupling multipliers are then
 * found from the Schur complement S = G_C H⁻¹ G_Cᵀ + W_C², whose device part is 2×2 per device
 * (devices share no pair) and whose server part is a small block per server; devices are
 * eliminated first, leaving a dense matrix over the K ≤ 4N server columns. Unlike folding the
 * coupling rows into the variables' matrix (Woodbury with weights that grow as 1/μ), this keeps
 * the active rows' tiny W² on the diagonal, where they do no harm.
 *
 * One factorisation costs O(P·7³ + Σ_m (4·deg_m)² + K³); one solve O(P·7² + Σ_m 4·deg_m + K²).
 */
export interface ConeProblem {
  P: number;
  M: number;
  N: number;
  /** Per pair: linear cost (fixed − local time), C9 floor, device, server; per (pair, resource): T and whether used. */
  c: Float64Array;
  lo: Float64Array;
  dev: Int32Array;
  srv: Int32Array;
  T: Float64Array;
  used: Uint8Array;
  /** Pairs of each device / server, and whether a device has any (else its C4/C10 rows are void). */
  ofDevice: Int32Array[];
  ofServer: Int32Array[];
  /** Server columns: server n, kind a (0..2 share of resource a, 3 load limit), right-hand side. */
  colN: Int32Array;
  colA: Int32Array;
  colH: Float64Array;
  /** colOf[4n + a]: the column of server n, kind a, or −1. */
  colOf: Int32Array;
  K: number;
}

/** The cone form needs every pair of a server to use the same resources and every pair to upload. */
export function coneApplies(d: RltData): boolean {
  return d.pairs.every((p) => p.times[0] > 0)
    && d.ofServer.every((qs) => [1, 2].every((r) => { const k = qs.filter((q) => d.pairs[q].times[r] > 0).length; return k === 0 || k === qs.length; }));
}

export function coneProblem(d: RltData, maxTasks?: (number | undefined)[]): ConeProblem {
  const { M, N, pairs } = d;
  const P = pairs.length;
  const c = new Float64Array(P), lo = new Float64Array(P), dev = new Int32Array(P), srv = new Int32Array(P);
  const T = new Float64Array(3 * P), used = new Uint8Array(3 * P);
  pairs.forEach((p, q) => {
    c[q] = p.fixed - d.localS[p.m]; lo[q] = p.lo; dev[q] = p.m; srv[q] = p.n;
    for (let r = 0; r < 3; r++) { T[3 * q + r] = p.times[r]; used[3 * q + r] = p.times[r] > 0 ? 1 : 0; }
  });
  const colN: number[] = [], colA: number[] = [], colH: number[] = [];
  const colOf = new Int32Array(4 * N).fill(-1);
  for (let n = 0; n < N; n++) {
    const qs = d.ofServer[n];
    if (qs.length === 0) continue;
    for (let a = 0; a < 4; a++) {
      const limit = maxTasks?.[n];
      if (a === 3 ? limit === undefined : !used[3 * qs[0] + a]) continue;
      colOf[4 * n + a] = colN.length;
      colN.push(n); colA.push(a); colH.push(a === 3 ? limit! : 1);
    }
  }
  return { P, M, N, c, lo, dev, srv, T, used, K: colN.length, colOf,
    colN: Int32Array.from(colN), colA: Int32Array.from(colA), colH: Float64Array.from(colH),
    ofDevice: d.ofDevice.map((qs) => Int32Array.from(qs)), ofServer: d.ofServer.map((qs) => Int32Array.from(qs)) };
}

export const offsets = (p: ConeProblem) => {
  const O_SIG = 4 * p.P, O_C4 = O_SIG + p.M, O_C10 = O_C4 + p.M, O_S = O_C10 + p.M;
  return { O_SIG, O_C4, O_C10, O_S, L: O_S + p.K };
};


/** Packed offsets (rlt-ipm-block7.ts) of the entries (s_r, x) and (t_r, x) of a pair's block, r = 0..2. */
const S_ROW0 = [1, 3, 6], T_ROW0 = [10, 15, 21];

/** The arrays a ConeKkt shares with the helper thread (rlt-ipm-team.ts). */
export interface KktBuffers {
  H: Float64Array; HA: Float64Array; Sdd: Float64Array; Sinv: Float64Array; V1: Float64Array; V2: Float64Array;
  blockS: Float64Array; S: Float64Array; r1: Float64Array; u: Float64Array; rhsD: Float64Array; rhsS: Float64Array;
  /** Per chunk: the server blocks', S's fill-in and the coupling right-hand side's partial sums. */
  blockSc: Float64Array; Sc: Float64Array; rhsSc: Float64Array;
  /** Chunk c holds devices devLo[c] .. devLo[c + 1] − 1. */
  devLo: Int32Array;
}

const f64 = (n: number): Float64Array => new Float64Array(new SharedArrayBuffer(8 * Math.max(1, n)), 0, n);

/**
 * Devices split into `chunks` runs of about equal pair count (pairs are numbered device by device,
 * so a run of devices is a run of pairs).
 */
export function deviceChunks(p: ConeProblem, chunks: number): Int32Array {
  const lo = new Int32Array(chunks + 1);
  let m = 0, seen = 0;
  for (let c = 1; c < chunks; c++) {
    while (m < p.M && seen + p.ofDevice[m].length <= (c * p.P) / chunks) seen += p.ofDevice[m++].length;
    lo[c] = m;
  }
  lo[chunks] = p.M;
  return lo;
}

export class ConeKkt {
  readonly b: KktBuffers;
  private readonly o: ReturnType<typeof offsets>;
  /** The fill-in's per-device columns, FILL_BATCH devices at stride 4N (each thread its own). */
  private readonly ej: Int32Array;
  private readonly e1: Float64Array;
  private readonly e2: Float64Array;
  private readonly f1: Float64Array;
  private readonly f2: Float64Array;
  private wL!: Float64Array;
  private nt!: Float64Array;

  /** New buffers over SharedArrayBuffers for `chunks` chunks, or (in the helper thread) another thread's. */
  constructor(private readonly p: ConeProblem, chunksOrBuffers: number | KktBuffers) {
    const K = p.K, ch = typeof chunksOrBuffers === 'number' ? chunksOrBuffers : 0;
    this.b = typeof chunksOrBuffers !== 'number' ? chunksOrBuffers : {
      H: f64(28 * p.P), HA: f64(35 * p.P), Sdd: f64(3 * p.M), Sinv: f64(3 * p.M), V1: f64(4 * p.P), V2: f64(4 * p.P),
      blockS: f64(16 * p.N), S: f64(K * K), r1: f64(p.M), u: f64(7 * p.P + p.M), rhsD: f64(2 * p.M), rhsS: f64(K),
      blockSc: f64(ch * 16 * p.N), Sc: f64(ch * K * K), rhsSc: f64(ch * K), devLo: deviceChunks(p, ch),
    };
    this.o = offsets(p);
    const nf = FILL_BATCH * 4 * p.N;
    this.ej = new Int32Array(nf);
    this.e1 = new Float64Array(nf); this.e2 = new Float64Array(nf); this.f1 = new Float64Array(nf); this.f2 = new Float64Array(nf);
  }

  get chunks(): number { return this.b.devLo.length - 1; }

  /**
   * The scaling arrays the solves read (wL, nt as in `factor`): the helper thread binds them at
   * the start, since it may join a solve after the factorisation it would otherwise learn them from.
   */
  bind(wL: Float64Array, nt: Float64Array): void { this.wL = wL; this.nt = nt; }

  /**
   * Factors at the scaling: wL = z/s per linear row (W⁻² of the orthant), nt per cone
   * (rlt-ipm-soc.ts's socScaling, 5 at 5·(3q+r)). `run` executes factorChunk on every chunk.
   */
  factor(wL: Float64Array, nt: Float64Array, run: () => void): void {
    this.wL = wL; this.nt = nt;
    run();
    const { p, o } = this, { blockS, blockSc, S, Sc } = this.b;
    const K = p.K, NB = 16 * p.N, KK = K * K, ch = this.chunks;
    for (let i = 0; i < NB; i++) { let v = 0; for (let c = 0; c < ch; c++) v += blockSc[c * NB + i]; blockS[i] = v; }
    for (let j = 0; j < K; j++) {
      const n = p.colN[j], a = p.colA[j];
      for (let k = j; k < K; k++) {
        let v = p.colN[k] === n ? blockS[16 * n + 4 * a + p.colA[k]] : 0;
        if (k === j) v += 1 / wL[o.O_S + j];
        for (let c = 0; c < ch; c++) v += Sc[c * KK + j * K + k];
        S[j * K + k] = v;
      }
    }
    for (let j = 0; j < K; j++) for (let k = j + 1; k < K; k++) S[k * K + j] = S[j * K + k];
    choleskyInPlace(S, K);
  }

  /**
   * Chunk c's share of a factorisation: its pairs' blocks H_q and H⁻¹ columns, its devices' 2×2
   * Schur blocks, and partial sums of the server blocks and of S's fill-in.
   */
  factorChunk(chunk: number, wL: Float64Array, nt: Float64Array): void {
    this.wL = wL; this.nt = nt;
    const { p, o } = this, { H, Sdd, V1, V2, HA, Sinv, devLo } = this.b;
    const m0 = devLo[chunk], m1 = devLo[chunk + 1];
    const NB = 16 * p.N, K = p.K;
    const blockS = this.b.blockSc.subarray(chunk * NB, (chunk + 1) * NB), S = this.b.Sc.subarray(chunk * K * K, (chunk + 1) * K * K);
    Sdd.fill(0, 3 * m0, 3 * m1); blockS.fill(0); S.fill(0);
    const [q0, q1] = pairRange(p, m0, m1);
    for (let q = q0; q < q1; q++) {
      // H_q packed (rlt-ipm-block7.ts): every entry written once, the zeros included, no fill.
      const b = 28 * q, lo = p.lo[q], w1 = wL[4 * q + 1];
      let h00 = wL[4 * q];
      h00 += lo * lo * w1;
      let h10 = -(lo * w1);
      H[b + 4] = 0; H[b + 7] = 0; H[b + 8] = 0; H[b + 12] = 0; H[b + 13] = 0; H[b + 16] = 0;
      H[b + 18] = 0; H[b + 19] = 0; H[b + 22] = 0; H[b + 23] = 0; H[b + 25] = 0; H[b + 26] = 0;
      for (let r = 0; r < 3; r++) {
        const iS = S_ROW0[r], iT = T_ROW0[r];
        if (!p.used[3 * q + r]) {
          if (r > 0) H[b + iS] = 0;
          H[b + iS + 1 + r] = 1; H[b + iT] = 0; H[b + iT + 1 + r] = 0; H[b + iT + 4 + r] = 1;
          continue;
        }
        // Aᵀ·W⁻²·A for the cone rows (−(s+t)/2, (s−t)/2, −x) in the coordinates (x, s, t).
        // W⁻² = W⁻¹·W⁻¹ from W⁻¹ = (2(Jv)(Jv)ᵀ − J)/β.
        const c = 5 * (3 * q + r), ib = nt[c + 1], v0 = nt[c + 2], v1 = nt[c + 3], v2 = nt[c + 4];
        const i00 = (2 * v0 * v0 - 1) * ib, i11 = (2 * v1 * v1 + 1) * ib, i22 = (2 * v2 * v2 + 1) * ib;
        const i01 = -2 * v0 * v1 * ib, i02 = -2 * v0 * v2 * ib, i12 = 2 * v1 * v2 * ib;
        const V00 = i00 * i00 + i01 * i01 + i02 * i02, V11 = i01 * i01 + i11 * i11 + i12 * i12, V22 = i02 * i02 + i12 * i12 + i22 * i22;
        const V01 = i00 * i01 + i01 * i11 + i02 * i12, V02 = i00 * i02 + i01 * i12 + i02 * i22, V12 = i01 * i02 + i11 * i12 + i12 * i22;
        const hs = 0.5 * (V02 - V12), ht = 0.5 * (V02 + V12), hst = 0.25 * (V00 - V11);
        h00 += V22;
        if (r === 0) h10 += hs; else H[b + iS] = hs;
        H[b + iT] = ht;
        H[b + iS + 1 + r] = (r === 0 ? w1 : wL[4 * q + 1 + r]) + 0.25 * (V00 - 2 * V01 + V11);
        H[b + iT + 4 + r] = 0.25 * (V00 + 2 * V01 + V11);
        H[b + iT + 1 + r] = hst;
      }
      H[b] = h00; H[b + 1] = h10;
      chol7(H, b);
      const m = p.dev[q], n = p.srv[q], c = p.c[q];
      const T0 = p.T[3 * q], T1 = p.T[3 * q + 1], T2 = p.T[3 * q + 2];
      // H⁻¹ a10 (C10's column), then each server column's H⁻¹ a_j.
      // The columns are solved in place in HA (no copies); a unit column's forward pass starts at its row.
      const ha = 35 * q;
      // Every column that exists is written in full below; the others stay 0 from construction.
      HA[ha] = c; HA[ha + 1] = 0; HA[ha + 2] = 0; HA[ha + 3] = 0; HA[ha + 4] = T0; HA[ha + 5] = T1; HA[ha + 6] = T2;
      solve7(H, b, HA, ha);
      Sdd[3 * m + 1] += HA[ha];
      Sdd[3 * m + 2] += c * HA[ha] + T0 * HA[ha + 4] + T1 * HA[ha + 5] + T2 * HA[ha + 6];
      const hb = ha + 7;
      solve7Unit(H, b, HA, hb, 0);
      Sdd[3 * m] += HA[hb];
      const hx0 = HA[hb], hx10 = c * HA[hb] + T0 * HA[hb + 4] + T1 * HA[hb + 5] + T2 * HA[hb + 6], hx1 = HA[hb + 1], hx2 = HA[hb + 2], hx3 = HA[hb + 3];
      for (let a = 0; a < 4; a++) {
        if (p.colOf[4 * n + a] < 0) continue;
        if (a === 3) {
          V1[4 * q + 3] = hx0; V2[4 * q + 3] = hx10;
          blockS[16 * n + 15] += hx0;
          blockS[16 * n + 3] += hx1; blockS[16 * n + 7] += hx2; blockS[16 * n + 11] += hx3;
          continue;
        }
        const hk = ha + 14 + 7 * a;
        solve7Unit(H, b, HA, hk, 1 + a);
        V1[4 * q + a] = HA[hk]; V2[4 * q + a] = c * HA[hk] + T0 * HA[hk + 4] + T1 * HA[hk + 5] + T2 * HA[hk + 6];
        for (let a2 = 0; a2 < 3; a2++) blockS[16 * n + 4 * a2 + a] += HA[hk + 1 + a2];
        blockS[16 * n + 12 + a] += HA[hk];
      }
    }
    // Each device subtracts its rank-2 term E_mᵀ·Sinv_m·E_m from S. Devices that reach every server
    // column (the fleet case) are applied FILL_BATCH at a time, each entry of S loaded and stored
    // once per batch; the subtractions stay in device order (into the chunk's partial sum).
    const { ej, e1, e2, f1, f2 } = this;
    const C = 4 * p.N;
    let nb = 0;
    for (let m = m0; m < m1; m++) {
      const mine = p.ofDevice[m];
      if (mine.length === 0) { Sinv[3 * m] = 1; Sinv[3 * m + 1] = 0; Sinv[3 * m + 2] = 1; continue; }
      const a11 = Sdd[3 * m] + 1 / wL[o.O_C4 + m];
      const a12 = Sdd[3 * m + 1];
      const a22 = Sdd[3 * m + 2] + 1 / wL[o.O_C10 + m] + 1 / wL[o.O_SIG + m];
      const det = a11 * a22 - a12 * a12;
      const i11 = a22 / det, i12 = -a12 / det, i22 = a11 / det;
      Sinv[3 * m] = i11; Sinv[3 * m + 1] = i12; Sinv[3 * m + 2] = i22;
      const base = nb * C;
      let ne = base;
      for (let t = 0; t < mine.length; t++) {
        const q = mine[t], n = p.srv[q];
        for (let a = 0; a < 4; a++) {
          const j = p.colOf[4 * n + a];
          if (j < 0) continue;
          const v1 = V1[4 * q + a], v2 = V2[4 * q + a];
          ej[ne] = j; e1[ne] = v1; e2[ne] = v2;
          f1[ne] = i11 * v1 + i12 * v2; f2[ne] = i12 * v1 + i22 * v2;
          ne++;
        }
      }
      ne -= base;
      // Columns are visited in increasing order (pairs of a device by server), so y ≥ x is the upper triangle.
      if (ne === K) {
        if (++nb === FILL_BATCH) { fillBatch(S, K, C, e1, e2, f1, f2); nb = 0; }
        continue;
      }
      for (let k = 0; k < nb; k++) fillFull(S, K, k * C, e1, e2, f1, f2);
      for (let x = base; x < base + ne; x++) {
        const row = ej[x] * K, v1 = e1[x], v2 = e2[x];
        for (let y = x; y < base + ne; y++) S[row + ej[y]] -= v1 * f1[y] + v2 * f2[y];
      }
      nb = 0;
    }
    for (let k = 0; k < nb; k++) fillFull(S, K, k * C, e1, e2, f1, f2);
  }

  /**
   * Solves the KKT system at the last factorisation: ry over y (7P + M), bzL / bzK over the
   * linear / cone rows; writes dy, dzL, dzK and the cones' scaled dz̃ = W·Δz.
   * The local rows are folded into r1 and the reduced system [H G_Cᵀ; G_C −W_C²] is solved.
   * Two sweeps over the pairs (`run1`, `run2` execute solveChunk1 / solveChunk2 on every chunk)
   * around the dense solve of the server columns.
   */
  solve(bzL: Float64Array, dzL: Float64Array, run1: () => void, run2: () => void): void {
    const { p, o } = this, { rhsS, rhsSc, S } = this.b;
    const K = p.K, ch = this.chunks;
    run1();
    for (let j = 0; j < K; j++) { let v = -bzL[o.O_S + j]; for (let c = 0; c < ch; c++) v += rhsSc[c * K + j]; rhsS[j] = v; }
    choleskySolve(S, K, rhsS);
    for (let j = 0; j < K; j++) dzL[o.O_S + j] = rhsS[j];
    run2();
  }

  /**
   * The first sweep, device by device: u = H⁻¹r1 pair by pair, the devices' coupling right-hand
   * sides, and the chunk's partial sum of the server columns' (u added, devices eliminated).
   */
  solveChunk1(chunk: number, ry: Float64Array, bzL: Float64Array, bzK: Float64Array): void {
    const { p, o, wL, nt } = this, { H, u, Sinv, V1, V2, rhsD, r1, devLo } = this.b;
    const P7 = 7 * p.P, K = p.K;
    const rhsS = this.b.rhsSc.subarray(chunk * K, (chunk + 1) * K);
    rhsS.fill(0);
    for (let m = devLo[chunk]; m < devLo[chunk + 1]; m++) {
      const is = o.O_SIG + m;
      const rs = ry[P7 + m] - wL[is] * bzL[is];
      r1[m] = rs;
      u[P7 + m] = rs / wL[is];
      const mine = p.ofDevice[m];
      let d1 = -bzL[o.O_C4 + m], d2 = -bzL[o.O_C10 + m] - u[P7 + m];
      for (let t = 0; t < mine.length; t++) {
        const q = mine[t], b = 7 * q, n = p.srv[q];
        for (let i = 0; i < 7; i++) u[b + i] = ry[b + i];
        u[b] -= wL[4 * q] * bzL[4 * q];
        const tb = wL[4 * q + 1] * bzL[4 * q + 1];
        u[b] += p.lo[q] * tb; u[b + 1] -= tb;
        for (let r = 0; r < 3; r++) {
          if (!p.used[3 * q + r]) continue;
          if (r > 0) u[b + 1 + r] -= wL[4 * q + 1 + r] * bzL[4 * q + 1 + r];
          // v = W⁻²·b_z, as W⁻¹(W⁻¹b_z).
          const k = 9 * q + 3 * r, c = 5 * (3 * q + r);
          const ib = nt[c + 1], n0 = nt[c + 2], n1 = nt[c + 3], n2 = nt[c + 4];
          const b0 = bzK[k], b1 = bzK[k + 1], b2 = bzK[k + 2];
          const tb = 2 * (n0 * b0 - n1 * b1 - n2 * b2);
          const e0 = ib * (n0 * tb - b0), e1 = ib * (b1 - n1 * tb), e2 = ib * (b2 - n2 * tb);
          const te = 2 * (n0 * e0 - n1 * e1 - n2 * e2);
          const v0 = ib * (n0 * te - e0), v1 = ib * (e1 - n1 * te), v2 = ib * (e2 - n2 * te);
          u[b] -= v2; u[b + 1 + r] += 0.5 * (v1 - v0); u[b + 4 + r] -= 0.5 * (v0 + v1);
        }
        solve7(H, 28 * q, u, b);
        for (let a = 0; a < 4; a++) {
          const j = p.colOf[4 * n + a];
          if (j >= 0) rhsS[j] += u[b + (a < 3 ? 1 + a : 0)];
        }
        d1 += u[b];
        d2 += p.c[q] * u[b] + p.T[3 * q] * u[b + 4] + p.T[3 * q + 1] * u[b + 5] + p.T[3 * q + 2] * u[b + 6];
      }
      if (mine.length === 0) { d1 = 0; d2 = 0; }
      rhsD[2 * m] = d1; rhsD[2 * m + 1] = d2;
      if (mine.length === 0) continue;
      // The device eliminated from the coupling right-hand side.
      const p1 = Sinv[3 * m] * d1 + Sinv[3 * m + 1] * d2, p2 = Sinv[3 * m + 1] * d1 + Sinv[3 * m + 2] * d2;
      for (const q of mine) {
        const n = p.srv[q];
        for (let a = 0; a < 4; a++) {
          const j = p.colOf[4 * n + a];
          if (j >= 0) rhsS[j] -= V1[4 * q + a] * p1 + V2[4 * q + a] * p2;
        }
      }
    }
  }

  /** The second sweep: Δy and the local rows' Δz from the coupling multipliers. */
  solveChunk2(chunk: number, bzL: Float64Array, bzK: Float64Array, dy: Float64Array, dzL: Float64Array, dzK: Float64Array, dztK: Float64Array): void {
    const { p, o, wL, nt } = this, { u, Sinv, V1, V2, rhsD, rhsS, r1, HA, devLo } = this.b;
    const P7 = 7 * p.P, m0 = devLo[chunk], m1 = devLo[chunk + 1];
    for (let m = m0; m < m1; m++) {
      const mine = p.ofDevice[m];
      if (mine.length === 0) { dzL[o.O_C4 + m] = 0; dzL[o.O_C10 + m] = 0; dy[P7 + m] = r1[m] / wL[o.O_SIG + m]; continue; }
      let d1 = rhsD[2 * m], d2 = rhsD[2 * m + 1];
      for (const q of mine) {
        const n = p.srv[q];
        for (let a = 0; a < 4; a++) {
          const j = p.colOf[4 * n + a];
          if (j >= 0) { d1 -= V1[4 * q + a] * rhsS[j]; d2 -= V2[4 * q + a] * rhsS[j]; }
        }
      }
      const z4 = Sinv[3 * m] * d1 + Sinv[3 * m + 1] * d2, z10 = Sinv[3 * m + 1] * d1 + Sinv[3 * m + 2] * d2;
      dzL[o.O_C4 + m] = z4; dzL[o.O_C10 + m] = z10;
      dy[P7 + m] = (r1[m] + z10) / wL[o.O_SIG + m];
      // Δy = H⁻¹(r1 − G_Cᵀ Δz_C) = u − Σ_j Δz_j·H⁻¹a_j (the H⁻¹a_j kept from the factorisation),
      // then the local rows' Δz = W⁻²(G Δy − b_z).
      for (const q of mine) {
        const b = 7 * q, n = p.srv[q], ha = 35 * q;
        let zx = z4;
        const jl = p.colOf[4 * n + 3];
        if (jl >= 0) zx += rhsS[jl];
        const j0 = p.colOf[4 * n], j1 = p.colOf[4 * n + 1], j2 = p.colOf[4 * n + 2];
        const z0 = j0 >= 0 ? rhsS[j0] : 0, z1 = j1 >= 0 ? rhsS[j1] : 0, z2 = j2 >= 0 ? rhsS[j2] : 0;
        const y0 = u[b + 0] - z10 * HA[ha + 0] - zx * HA[ha + 7] - z0 * HA[ha + 14] - z1 * HA[ha + 21] - z2 * HA[ha + 28];
        const y1 = u[b + 1] - z10 * HA[ha + 1] - zx * HA[ha + 8] - z0 * HA[ha + 15] - z1 * HA[ha + 22] - z2 * HA[ha + 29];
        const y2 = u[b + 2] - z10 * HA[ha + 2] - zx * HA[ha + 9] - z0 * HA[ha + 16] - z1 * HA[ha + 23] - z2 * HA[ha + 30];
        const y3 = u[b + 3] - z10 * HA[ha + 3] - zx * HA[ha + 10] - z0 * HA[ha + 17] - z1 * HA[ha + 24] - z2 * HA[ha + 31];
        const y4 = u[b + 4] - z10 * HA[ha + 4] - zx * HA[ha + 11] - z0 * HA[ha + 18] - z1 * HA[ha + 25] - z2 * HA[ha + 32];
        const y5 = u[b + 5] - z10 * HA[ha + 5] - zx * HA[ha + 12] - z0 * HA[ha + 19] - z1 * HA[ha + 26] - z2 * HA[ha + 33];
        const y6 = u[b + 6] - z10 * HA[ha + 6] - zx * HA[ha + 13] - z0 * HA[ha + 20] - z1 * HA[ha + 27] - z2 * HA[ha + 34];
        dy[b] = y0; dy[b + 1] = y1; dy[b + 2] = y2; dy[b + 3] = y3; dy[b + 4] = y4; dy[b + 5] = y5; dy[b + 6] = y6;
        const dx = y0;
        dzL[4 * q] = wL[4 * q] * (-dx - bzL[4 * q]);
        dzL[4 * q + 1] = wL[4 * q + 1] * (p.lo[q] * dx - dy[b + 1] - bzL[4 * q + 1]);
        for (let r = 0; r < 3; r++) {
          const k = 9 * q + 3 * r;
          if (!p.used[3 * q + r]) { if (r > 0) dzL[4 * q + 1 + r] = 0; dzK[k] = dzK[k + 1] = dzK[k + 2] = 0; continue; }
          if (r > 0) dzL[4 * q + 1 + r] = wL[4 * q + 1 + r] * (-dy[b + 1 + r] - bzL[4 * q + 1 + r]);
          const ds = dy[b + 1 + r], dt = dy[b + 4 + r];
          const v0 = -0.5 * (dt + ds) - bzK[k], v1 = 0.5 * (ds - dt) - bzK[k + 1], v2 = -dx - bzK[k + 2];
          // dz̃ = W⁻¹(GΔy − b_z) and Δz = W⁻¹dz̃: the scaled step is what the complementarity row needs exactly.
          const c = 5 * (3 * q + r), ib = nt[c + 1], n0 = nt[c + 2], n1 = nt[c + 3], n2 = nt[c + 4];
          const tv = 2 * (n0 * v0 - n1 * v1 - n2 * v2);
          const t0 = ib * (n0 * tv - v0), t1 = ib * (v1 - n1 * tv), t2 = ib * (v2 - n2 * tv);
          dztK[k] = t0; dztK[k + 1] = t1; dztK[k + 2] = t2;
          const tt = 2 * (n0 * t0 - n1 * t1 - n2 * t2);
          dzK[k] = ib * (n0 * tt - t0); dzK[k + 1] = ib * (t1 - n1 * tt); dzK[k + 2] = ib * (t2 - n2 * tt);
        }
      }
    }
    for (let m = m0; m < m1; m++) dzL[o.O_SIG + m] = wL[o.O_SIG + m] * (-dy[P7 + m] - bzL[o.O_SIG + m]);
  }
}

/** The pairs [q0, q1) of devices m0 .. m1 − 1 (pairs are numbered device by device). */
function pairRange(p: ConeProblem, m0: number, m1: number): [number, number] {
  let q0 = -1, n = 0;
  for (let m = m0; m < m1; m++) { const mine = p.ofDevice[m]; if (mine.length && q0 < 0) q0 = mine[0]; n += mine.length; }
  return q0 < 0 ? [0, 0] : [q0, q0 + n];
}
