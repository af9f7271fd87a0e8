import { ConeKkt, offsets, type ConeProblem } from './rlt-ipm-kkt.ts';
import { bzRow, ChunkKernels, CMD, dsRow, R, RED, type IpmArrays, type IpmState } from './rlt-ipm-chunk.ts';
import { Team, threadDefaults, type ThreadOptions } from './rlt-ipm-team.ts';

/**
 * Chunks when threaded: enough that the thread which finishes first takes over the other's share
 * of a slow spell (one chunk of a fleet-size sweep is ~2 ms), few enough that the per-chunk
 * partial sums (a K×K fill-in each) stay small.
 */
const CHUNKS = 16;

/** A Float64Array over a SharedArrayBuffer (the helper thread sees the same memory). */
export const shared = (n: number): Float64Array => new Float64Array(new SharedArrayBuffer(8 * Math.max(1, n)), 0, n);

/** The array set of one solve, all shared, zeroed. */
export function ipmArrays(p: ConeProblem, chunks: number): IpmArrays {
  const { L } = offsets(p), NY = 7 * p.P + p.M, K9 = 9 * p.P;
  const a = {} as Record<keyof IpmArrays, Float64Array>;
  for (const k of ['y', 'ry', 'rhsY', 'dy', 'fY', 'gY', 'cost'] as const) a[k] = shared(NY);
  for (const k of ['sL', 'zL', 'rzL', 'wL', 'lamL', 'rsL', 'wsL', 'bzL', 'xiL', 'dzL', 'dsL', 'fL', 'gL', 'dsaL', 'dzaL', 'hL'] as const) a[k] = shared(L);
  for (const k of ['sK', 'zK', 'rzK', 'lamK', 'bzK', 'xiK', 'rcK', 'dzK', 'dsK', 'dztK', 'fK', 'gK', 'gtK', 'dsaK', 'dzaK', 'hK'] as const) a[k] = shared(K9);
  a.nt = shared(15 * p.P);
  a.red = shared(RED * chunks);
  a.srv = shared(p.K * chunks);
  return a;
}

/**
 * The main thread's side of the method's sweeps: each runs on every chunk (rlt-ipm-chunk.ts, the
 * helper thread taking one when there are two), then the server rows and the chunks' partial sums
 * are finished here, in chunk order.
 */
export class IpmSweeps {
  readonly kkt: ConeKkt;
  readonly a: IpmArrays;
  private readonly team: Team;
  private readonly o: ReturnType<typeof offsets>;
  private readonly chunks: number;

  constructor(private readonly p: ConeProblem, private readonly st: Omit<IpmState, 'kkt' | 'a'> & { a: IpmArrays }, opts: ThreadOptions = {}) {
    this.chunks = st.a.red.length / RED;
    this.kkt = new ConeKkt(p, this.chunks);
    this.a = st.a;
    this.o = offsets(p);
    const state: IpmState = { ...st, kkt: this.kkt.b };
    const kernels = new ChunkKernels(state, this.kkt);
    this.team = new Team(this.chunks, (cmd, c, ints, nums) => kernels.exec(cmd, c, ints, nums), state, opts);
  }

  /**
   * Chunks of a solve: one below the threads' size, else CHUNKS, whether or not the helper comes
   * (so the partial sums, and the result, do not depend on it).
   */
  static chunksFor(p: ConeProblem, opts: ThreadOptions = {}): number {
    return p.P >= (opts.minPairs ?? threadDefaults.minPairs) ? Math.min(CHUNKS, p.M) : 1;
  }

  close(): void { this.team.close(); }

  private sum(slot: number): number { let v = 0; for (let c = 0; c < this.chunks; c++) v += this.a.red[c * RED + slot]; return v; }
  private max(slot: number): number { let v = 0; for (let c = 0; c < this.chunks; c++) v = Math.max(v, this.a.red[c * RED + slot]); return v; }
  private min(slot: number): number { let v = 1; for (let c = 0; c < this.chunks; c++) v = Math.min(v, this.a.red[c * RED + slot]); return v; }
  /** Server row j of the last G·y (the chunks' partial sums). */
  private gy(j: number): number { let v = 0; for (let c = 0; c < this.chunks; c++) v += this.a.srv[c * this.p.K + j]; return v; }

  /**
   * Residuals r_y = c + Gᵀz, r_z = G·y + s − h with their max-norms (r_y's relative to the costs),
   * sᵀz and Σ c·y, in the same sweeps.
   */
  resid(): { cy: number; dres: number; pres: number; gap: number } {
    this.team.run(CMD.RESID);
    const { a, o } = this, { rzL, sL, zL, hL } = a;
    let pres = this.max(R.PRES), gap = this.sum(R.GAP);
    for (let j = 0; j < this.p.K; j++) {
      const i = o.O_S + j;
      rzL[i] = this.gy(j) + sL[i] - hL[i]; pres = Math.max(pres, Math.abs(rzL[i]));
      gap += sL[i] * zL[i];
    }
    return { cy: this.sum(R.POBJ), dres: this.max(R.DRES), pres, gap };
  }

  /** The scalings at the current point, the predictor's r_c, and the factorisation. */
  scaleFactor(): void {
    const { a, o } = this, { wL, lamL, rsL, wsL, sL, zL } = a;
    for (let i = o.O_S; i < o.L; i++) { wL[i] = zL[i] / sL[i]; lamL[i] = Math.sqrt(sL[i] * zL[i]); rsL[i] = sL[i] / zL[i]; wsL[i] = Math.sqrt(rsL[i]); }
    this.kkt.factor(wL, a.nt, () => this.team.run(CMD.SCALE_FACTOR));
  }

  /**
   * One Newton direction (dy, dz, ds, and the scaled ds̃, dz̃ in dsa/dza for the predictor).
   * The predictor's r_c is −λ∘λ (in rcK from scaleFactor); the corrector's −λ∘λ − ds̃ₐ∘dz̃ₐ + σμe.
   * `rounds` of iterative refinement of the full system in scaled form (Gᵀ W⁻¹ dz̃ = r_y,
   * W⁻¹G Δy − dz̃ = W⁻¹b_z): the cones' W reach condition numbers near 1/μ, so a direct solve
   * alone loses the primal rows. A corrector's first round is skipped when the direct solve's
   * residual is already below `skip` (relative max-norm).
   */
  direction(predictor: boolean, sigmaMu: number, rounds: number, skip: number): void {
    const { a, o, team, kkt } = this, actL = this.st.actL;
    for (let i = o.O_S; i < o.L; i++) bzRow(a, actL, i, sigmaMu, predictor);
    const pr = predictor ? 1 : 0;
    kkt.solve(a.bzL, a.dzL, () => team.args([0, pr, 1 - pr], [sigmaMu, sigmaMu]).run(CMD.BZ_SOLVE1), () => team.args([0]).run(CMD.SOLVE2));
    for (let round = 0; round < rounds; round++) {
      team.run(CMD.REFRES);
      const { fL, bzL, rsL, dzL, gL } = a;
      let res = this.max(R.RES), scale = this.max(R.SCALE);
      for (let j = 0; j < this.p.K; j++) {
        const i = o.O_S + j, f = bzL[i] - this.gy(j) + rsL[i] * dzL[i];
        fL[i] = f; res = Math.max(res, Math.abs(f)); scale = Math.max(scale, Math.abs(bzL[i]));
      }
      if (round === 0 && !predictor && res <= skip * scale) break;
      kkt.solve(fL, gL, () => team.args([1]).run(CMD.SOLVE1), () => team.args([1]).run(CMD.SOLVE2));
      for (let i = o.O_S; i < o.L; i++) dzL[i] += gL[i];
      team.run(CMD.ADD);
    }
    // Δs: for a cone from its complementarity row in scaled space, ds̃ = ξ − dz̃, Δs = W·ds̃
    // (CVXOPT's way: λ∘(ds̃ + dz̃) = r_c holds exactly where W is ill-conditioned); for a linear
    // row from its primal row, G·Δy + Δs = −r_z, so the linear rows (C4, C9, C11–C13) stay
    // feasible to rounding once reached.
    team.args([0, pr]).run(CMD.DS);
    for (let j = 0; j < this.p.K; j++) { a.fL[o.O_S + j] = this.gy(j); dsRow(a, actL, o.O_S + j, predictor); }
  }

  /** Largest steps (≤ 1) keeping the slacks (primal) and the multipliers (dual) in their cones. */
  maxSteps(): [number, number] {
    this.team.run(CMD.STEPS);
    const { sL, dsL, zL, dzL } = this.a;
    let ap = this.min(R.AP), ad = this.min(R.AD);
    for (let i = this.o.O_S; i < this.o.L; i++) {
      if (dsL[i] < 0) ap = Math.min(ap, -sL[i] / dsL[i]);
      if (dzL[i] < 0) ad = Math.min(ad, -zL[i] / dzL[i]);
    }
    return [ap, ad];
  }

  /** (s + αΔs)ᵀ(z + αΔz). */
  gapAt(al: number): number {
    this.team.args([], [al]).run(CMD.GAPAT);
    const { sL, dsL, zL, dzL } = this.a;
    let g = this.sum(R.GAPAT);
    for (let i = this.o.O_S; i < this.o.L; i++) g += (sL[i] + al * dsL[i]) * (zL[i] + al * dzL[i]);
    return g;
  }

  /** The step, primal by ap, dual by ad. */
  update(ap: number, ad: number): void {
    const { sL, dsL, zL, dzL } = this.a;
    for (let i = this.o.O_S; i < this.o.L; i++) { sL[i] += ap * dsL[i]; zL[i] += ad * dzL[i]; }
    this.team.args([], [ap, ad]).run(CMD.UPDATE);
  }
}
