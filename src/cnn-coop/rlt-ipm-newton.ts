import { choleskyInPlace, choleskySolve } from './dense.ts';

/**
 * Newton's matrix of the hull relaxation's interior-point method (rlt-ipm.ts), and its solve.
 *
 *   K = blockdiag(D_q over pairs, d_σ over devices) + Σ_m U_m Ω_m U_mᵀ + Σ_j θ_j² v_j v_jᵀ
 *
 * D_q (4×4) is the pair's Hessian plus its own rows; U_m = [C4 row, C10 row] of device m (over its
 * pairs and σ_m), Ω_m = diag(λ/w) of those rows; v_j the server rows (Σ s_r ≤ 1, Σ x ≤ Q).
 *
 * Devices are folded in first, servers last through a dense Schur complement of order ≤ 4N
 * (Woodbury). Within a device, a pair whose block is nearly singular (the perspective x²/(s+ε) is
 * 1-homogeneous, so D_q is singular along (x, s+ε) up to the barrier terms, which vanish with μ)
 * cannot go through D_q⁻¹ without losing every digit to cancellation against Ω_m, which grows as
 * 1/μ. So each device splits its pairs: "minor" ones (well-conditioned blocks, typically the
 * tiny slivers x̂ ≈ 1e-3 that every pair gets under ε) are eliminated by Woodbury; "main" ones
 * (ill-conditioned, the few servers the device really uses) and σ_m form a small dense block
 *   S_J = D_J + U_J Ω' U_Jᵀ,  Ω' = (Ω⁻¹ + U_Iᵀ D_I⁻¹ U_I)⁻¹,
 * factored by Cholesky, where the huge weights do no harm. One factorisation costs
 * O(P + Σ_m (|J_m|·4)³ + M·(4N)² + (4N)³).
 */
export interface NewtonPieces {
  P: number;
  M: number;
  /** Pairs of each device, and the device and server of each pair. */
  ofDevice: number[][];
  srv: Int32Array;
  /** Per pair: the 4×4 block (row-major), its inverse, and whether it is ill-conditioned. */
  Dblk: Float64Array;
  Dinv: Float64Array;
  illConditioned: Uint8Array;
  /** Per device: σ's diagonal entry, and the C4 / C10 row weights λ/w. */
  dSigma: Float64Array;
  omega1: Float64Array;
  omega2: Float64Array;
  /** C4 and C10 row gradients over the pairs (4 per pair); the C10 row has -1 at σ. */
  u1: Float64Array;
  u2: Float64Array;
  /** Server columns: (server, kind) with kind 0..2 = share row of that resource, 3 = load row. */
  cols: Array<{ n: number; a: number }>;
  colOf: Int32Array;
  ofServer: number[][];
  /** Server row weights λ/w. */
  theta2: Float64Array;
}

const at = (a: number) => (a < 3 ? 1 + a : 0); // coordinate of a server column within a pair

interface DeviceFactor {
  minor: number[];
  main: number[];
  /** Dense block over the main pairs' coordinates and σ (last), Cholesky factor. */
  L: Float64Array;
  size: number;
  /** Ω' (2×2 row-major) and Ω'' = Ω' − Ω'HΩ'. */
  op: Float64Array;
  opp: Float64Array;
  /** S_J⁻¹ U_J (size × 2, row-major). */
  sju: Float64Array;
}

export class NewtonSolver {
  private readonly dev: DeviceFactor[] = [];
  private readonly Du1: Float64Array;
  private readonly Du2: Float64Array;
  private readonly S: Float64Array;
  private readonly th: Float64Array;
  private readonly K: number;
  private readonly scratch: Float64Array;
  private bufY?: Float64Array;
  private readonly colJ: Int32Array;
  private readonly colQ: Int32Array;
  private readonly colI: Int32Array;
  private readonly colL: Int32Array;
  private readonly colInv: Float64Array;
  private readonly mainSlot: Int32Array;
  private bufT?: Float64Array;

  constructor(private readonly p: NewtonPieces) {
    this.Du1 = new Float64Array(4 * p.P);
    this.Du2 = new Float64Array(4 * p.P);
    this.K = p.cols.length;
    this.S = new Float64Array(this.K * this.K);
    this.th = new Float64Array(this.K);
    let widest = 1;
    for (const mine of p.ofDevice) widest = Math.max(widest, 4 * mine.length + 1);
    this.scratch = new Float64Array(widest);
    const colsWide = 4 * Math.max(1, ...p.ofDevice.map((mine) => mine.length));
    this.colJ = new Int32Array(colsWide); this.colQ = new Int32Array(colsWide); this.colI = new Int32Array(colsWide); this.colL = new Int32Array(colsWide);
    this.colInv = new Float64Array(colsWide * widest);
    this.mainSlot = new Int32Array(p.P);
  }

  /** Factors K at the pieces' current values (call again after they change). */
  factor(): void {
    const { p, Du1, Du2, S, K, th } = this;
    for (let j = 0; j < K; j++) th[j] = Math.sqrt(p.theta2[j]);
    for (let q = 0; q < p.P; q++) {
      mul4(p.Dinv, 16 * q, p.u1, 4 * q, Du1, 4 * q);
      mul4(p.Dinv, 16 * q, p.u2, 4 * q, Du2, 4 * q);
    }
    S.fill(0);
    const u1 = p.u1, u2 = p.u2;
    for (let m = 0; m < p.M; m++) {
      const mine = p.ofDevice[m];
      const minor: number[] = [], main: number[] = [];
      for (const q of mine) (p.illConditioned[q] ? main : minor).push(q);
      // G = U_Iᵀ D_I⁻¹ U_I and Ω' = (Ω⁻¹ + G)⁻¹.
      let g11 = 0, g12 = 0, g22 = 0;
      for (const q of minor) for (let i = 4 * q; i < 4 * q + 4; i++) { g11 += u1[i] * Du1[i]; g12 += u1[i] * Du2[i]; g22 += u2[i] * Du2[i]; }
      const op = inverse2(1 / p.omega1[m] + g11, g12, 1 / p.omega2[m] + g22);
      // S_J = D_J + U_J Ω' U_Jᵀ over the main pairs and σ.
      const size = 4 * main.length + 1;
      const L = new Float64Array(size * size);
      const v1 = new Float64Array(size), v2 = new Float64Array(size);
      for (let t = 0; t < main.length; t++) {
        const q = main[t];
        for (let i = 0; i < 4; i++) {
          for (let j = 0; j < 4; j++) L[(4 * t + i) * size + 4 * t + j] = p.Dblk[16 * q + 4 * i + j];
          v1[4 * t + i] = u1[4 * q + i];
          v2[4 * t + i] = u2[4 * q + i];
        }
      }
      L[size * size - 1] = p.dSigma[m];
      v2[size - 1] = -1;
      for (let i = 0; i < size; i++) {
        const w1 = op[0] * v1[i] + op[1] * v2[i], w2 = op[2] * v1[i] + op[3] * v2[i];
        if (w1 === 0 && w2 === 0) continue;
        const row = i * size;
        for (let j = 0; j < size; j++) L[row + j] += w1 * v1[j] + w2 * v2[j];
      }
      choleskyInPlace(L, size);
      const sju = new Float64Array(2 * size);
      const tmp = this.scratch.subarray(0, size);
      tmp.set(v1); choleskySolve(L, size, tmp); for (let i = 0; i < size; i++) sju[2 * i] = tmp[i];
      tmp.set(v2); choleskySolve(L, size, tmp); for (let i = 0; i < size; i++) sju[2 * i + 1] = tmp[i];
      let h11 = 0, h12 = 0, h22 = 0;
      for (let i = 0; i < size; i++) { h11 += v1[i] * sju[2 * i]; h12 += v1[i] * sju[2 * i + 1]; h22 += v2[i] * sju[2 * i + 1]; }
      // Ω'' = Ω' − Ω' H Ω'.
      const ophop = mul2(op, mul2([h11, h12, h12, h22], op));
      const opp = Float64Array.from(op, (v, i) => v - ophop[i]);
      this.dev[m] = { minor, main, L, size, op, opp, sju };

      // This device's part of Vᵀ K_m⁻¹ V on the server columns it touches: column j, its pair,
      // its coordinate in the pair, and its row in S_J (−1 for a minor pair).
      let nCols = 0;
      const cj = this.colJ, cq = this.colQ, ci = this.colI, cl = this.colL;
      const mainSlot = this.mainSlot;
      for (let t = 0; t < main.length; t++) mainSlot[main[t]] = t;
      for (const q of mine) {
        for (let a = 0; a < 4; a++) {
          const j = p.colOf[4 * p.srv[q] + a];
          if (j < 0) continue;
          cj[nCols] = j; cq[nCols] = q; ci[nCols] = at(a);
          cl[nCols] = p.illConditioned[q] ? 4 * mainSlot[q] + at(a) : -1;
          // For a main column: S_J⁻¹ at its row, kept in the column scratch.
          if (cl[nCols] >= 0) {
            const e = this.colInv.subarray(nCols * size, (nCols + 1) * size);
            e.fill(0); e[cl[nCols]] = 1;
            choleskySolve(L, size, e);
          }
          nCols++;
        }
      }
      for (let x = 0; x < nCols; x++) {
        const jx = cj[x], lx = cl[x];
        const tx1 = lx < 0 ? Du1[4 * cq[x] + ci[x]] : 0, tx2 = lx < 0 ? Du2[4 * cq[x] + ci[x]] : 0;
        const ax1 = lx < 0 ? opp[0] * tx1 + opp[2] * tx2 : 0, ax2 = lx < 0 ? opp[1] * tx1 + opp[3] * tx2 : 0;
        const bx1 = lx < 0 ? op[0] * tx1 + op[2] * tx2 : 0, bx2 = lx < 0 ? op[1] * tx1 + op[3] * tx2 : 0;
        const sx1 = lx >= 0 ? sju[2 * lx] : 0, sx2 = lx >= 0 ? sju[2 * lx + 1] : 0;
        const thx = th[jx];
        for (let y = 0; y < nCols; y++) {
          const jy = cj[y];
          if (jy < jx) continue;
          const ly = cl[y];
          let v: number;
          if (lx < 0 && ly < 0) {
            const ty1 = Du1[4 * cq[y] + ci[y]], ty2 = Du2[4 * cq[y] + ci[y]];
            v = (cq[x] === cq[y] ? p.Dinv[16 * cq[x] + 4 * ci[x] + ci[y]] : 0) - (ax1 * ty1 + ax2 * ty2);
          } else if (lx >= 0 && ly >= 0) {
            v = this.colInv[y * size + lx];
          } else if (lx >= 0) {
            const ty1 = Du1[4 * cq[y] + ci[y]], ty2 = Du2[4 * cq[y] + ci[y]];
            v = -(sx1 * (op[0] * ty1 + op[1] * ty2) + sx2 * (op[2] * ty1 + op[3] * ty2));
          } else {
            v = -(sju[2 * ly] * bx1 + sju[2 * ly + 1] * bx2);
          }
          S[jx * K + jy] += thx * v * th[jy];
        }
      }
    }
    for (let j = 0; j < K; j++) { S[j * K + j] += 1; for (let k = 0; k < j; k++) S[j * K + k] = S[k * K + j]; }
    choleskyInPlace(S, K);
  }

  /** y = Kd⁻¹ r (devices only), r and y over pairs (4P) then σ (M). */
  private applyKd(r: Float64Array, y: Float64Array): void {
    const { p, Du1, Du2 } = this;
    const P4 = 4 * p.P;
    const u1 = p.u1, u2 = p.u2;
    for (let m = 0; m < p.M; m++) {
      const f = this.dev[m];
      if (!f) continue;
      let t1 = 0, t2 = 0;
      const minor = f.minor, main = f.main;
      for (let k = 0; k < minor.length; k++) {
        const b = 4 * minor[k];
        for (let i = b; i < b + 4; i++) { t1 += Du1[i] * r[i]; t2 += Du2[i] * r[i]; }
      }
      const op = f.op;
      const w1 = op[0] * t1 + op[1] * t2, w2 = op[2] * t1 + op[3] * t2;
      const vJ = this.scratch.subarray(0, f.size);
      for (let t = 0; t < main.length; t++) {
        const b = 4 * main[t];
        for (let i = 0; i < 4; i++) vJ[4 * t + i] = r[b + i] - (u1[b + i] * w1 + u2[b + i] * w2);
      }
      vJ[f.size - 1] = r[P4 + m] + w2; // the C10 row has −1 at σ
      choleskySolve(f.L, f.size, vJ);
      let a1 = 0, a2 = -vJ[f.size - 1];
      for (let t = 0; t < main.length; t++) {
        const b = 4 * main[t];
        for (let i = 0; i < 4; i++) { const v = vJ[4 * t + i]; a1 += u1[b + i] * v; a2 += u2[b + i] * v; y[b + i] = v; }
      }
      y[P4 + m] = vJ[f.size - 1];
      const s1 = a1 + t1, s2 = a2 + t2;
      const c1 = op[0] * s1 + op[1] * s2, c2 = op[2] * s1 + op[3] * s2;
      for (let k = 0; k < minor.length; k++) {
        const q = minor[k], b = 4 * q;
        mul4(p.Dinv, 16 * q, r, b, y, b);
        for (let i = b; i < b + 4; i++) y[i] -= Du1[i] * c1 + Du2[i] * c2;
      }
    }
  }

  /** out = K⁻¹ b, with b and out over pairs (4P) then σ (M). */
  solve(b: Float64Array, out: Float64Array): void {
    const { p, K, th, S } = this;
    const y = this.bufY ??= new Float64Array(b.length);
    this.applyKd(b, y);
    const tK = new Float64Array(K);
    for (let j = 0; j < K; j++) {
      const { n, a } = p.cols[j];
      let v = 0;
      for (const q of p.ofServer[n]) v += y[4 * q + at(a)];
      tK[j] = th[j] * v;
    }
    choleskySolve(S, K, tK);
    const tmp = this.bufT ??= new Float64Array(b.length);
    tmp.fill(0);
    for (let j = 0; j < K; j++) {
      const { n, a } = p.cols[j];
      for (const q of p.ofServer[n]) tmp[4 * q + at(a)] += th[j] * tK[j];
    }
    this.applyKd(tmp, out);
    for (let i = 0; i < b.length; i++) out[i] = y[i] - out[i];
  }

  /** out = K·v from the pieces (no inverse): for iterative refinement. */
  multiply(v: Float64Array, out: Float64Array): void {
    const { p } = this;
    const P4 = 4 * p.P;
    for (let q = 0; q < p.P; q++) mul4(p.Dblk, 16 * q, v, 4 * q, out, 4 * q);
    for (let m = 0; m < p.M; m++) {
      out[P4 + m] = p.dSigma[m] * v[P4 + m];
      let t1 = 0, t2 = -v[P4 + m];
      for (const q of p.ofDevice[m]) for (let i = 0; i < 4; i++) { t1 += p.u1[4 * q + i] * v[4 * q + i]; t2 += p.u2[4 * q + i] * v[4 * q + i]; }
      t1 *= p.omega1[m]; t2 *= p.omega2[m];
      for (const q of p.ofDevice[m]) for (let i = 0; i < 4; i++) out[4 * q + i] += t1 * p.u1[4 * q + i] + t2 * p.u2[4 * q + i];
      out[P4 + m] -= t2;
    }
    for (let j = 0; j < this.K; j++) {
      const { n, a } = p.cols[j];
      let t = 0;
      for (const q of p.ofServer[n]) t += v[4 * q + at(a)];
      t *= p.theta2[j];
      for (const q of p.ofServer[n]) out[4 * q + at(a)] += t;
    }
  }

  /** K⁻¹ b refined: a few rounds of x += K⁻¹(b − K·x) with exact products. */
  solveRefined(b: Float64Array, out: Float64Array, rounds = 1): void {
    this.solve(b, out);
    const r = new Float64Array(b.length), kx = new Float64Array(b.length), dx = new Float64Array(b.length);
    for (let k = 0; k < rounds; k++) {
      this.multiply(out, kx);
      for (let i = 0; i < b.length; i++) r[i] = b[i] - kx[i];
      this.solve(r, dx);
      for (let i = 0; i < b.length; i++) out[i] += dx[i];
    }
  }
}

/** Inverse of the SPD 2×2 [[a, b], [b, c]] (row-major); infinite weights (1/0) are handled by the caller's 1/ω. */
function inverse2(a: number, b: number, c: number): Float64Array {
  const det = a * c - b * b;
  return Float64Array.of(c / det, -b / det, -b / det, a / det);
}

function mul2(A: ArrayLike<number>, B: ArrayLike<number>): Float64Array {
  return Float64Array.of(A[0] * B[0] + A[1] * B[2], A[0] * B[1] + A[1] * B[3], A[2] * B[0] + A[3] * B[2], A[2] * B[1] + A[3] * B[3]);
}

/** out[o..o+3] = A(16 at a, row-major 4×4) · v[v0..v0+3]. */
export function mul4(A: Float64Array, a: number, v: Float64Array, v0: number, out: Float64Array, o: number): void {
  for (let i = 0; i < 4; i++) out[o + i] = A[a + 4 * i] * v[v0] + A[a + 4 * i + 1] * v[v0 + 1] + A[a + 4 * i + 2] * v[v0 + 2] + A[a + 4 * i + 3] * v[v0 + 3];
}
