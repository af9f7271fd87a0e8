/**
 * Stage 3 of PA: the per-server resource allocation problem (30), solved to optimality.
 *
 *   min  Σ_i a_i/α_i + b_i/β_i + c_i/λ_i
 *   s.t. Σα ≤ 1, Σβ ≤ 1, Σλ ≤ 1,  lo_i ≤ α_i ≤ 1,  0 ≤ β_i, λ_i ≤ 1,
 *        a_i/α_i + b_i/β_i + c_i/λ_i + e_i ≤ D_i                      (deadline, C10)
 *
 * a, b, c are the task's upload, edge-compute and backhaul times with the whole resource;
 * lo_i = R^min/r (C9); e_i is a share-free time (cloud compute). The paper runs a projected
 * dual subgradient on (31)–(43), whose printed closed form (33) has a sign slip on the rate
 * multiplier; here the same Lagrangian is maximised exactly instead:
 *  - the three capacity prices ν = (ν_α, ν_β, ν_λ) are the outer dual variables; for fixed ν the
 *    problem splits per task into  min (a/α + b/β + c/λ) + ν·(α, β, λ)  under the task's own
 *    deadline, whose solution is α = clamp(s·sqrt(a/ν_α), lo, 1) (likewise β, λ) with
 *    s = sqrt(1 + η_i) ≥ 1, η_i the deadline multiplier: s = 1 if the deadline is slack, else the
 *    root of D_i(s) = D_i, found exactly on the piecewise form D(s) = A/s + C;
 *  - g(ν) is concave and differentiable (the per-task minimiser is unique), ∂g/∂ν_r = Σ share - 1;
 *    it is maximised by a sweep of coordinate ascent (each price by regula falsi on its derivative
 *    in log space), then Newton steps on Σ share(ν) = 1, falling back to sweeps when a step fails.
 *    An unbounded ascent proves (30) infeasible (g is a lower bound for every ν).
 *  - Before that, a phase-I check (phaseOneLoad) certifies most infeasible servers cheaply; the
 *    deadlines that cannot all be kept are then given up one at a time and reported.
 * Stops when the duality gap is below `relTol` of the objective.
 */

export interface AllocTask {
  txS: number;
  computeS: number;
  backhaulS: number;
  /** Time that needs no share (cloud compute). */
  fixedS: number;
  minAlpha: number;
  deadlineS: number;
}

export interface Allocation {
  alpha: number[];
  beta: number[];
  lambda: number[];
  latencyS: number[];
  /** Sum of latencies (the objective of (30)). */
  objective: number;
  /** g(ν): a proved lower bound on the optimum of (30) when `feasible`. */
  dualBound: number;
  prices: [number, number, number];
  /** Deadline multipliers η_i. */
  deadlineMultipliers: number[];
  feasible: boolean;
  /** Tasks whose deadline (or rate) had to be given up to make the rest feasible. */
  violators: number[];
  sweeps: number;
}

const PRICE_MIN = 1e-14;
const PRICE_MAX = 1e14;

/** Share of one resource at scale s: clamp(s·sqrt(t/ν), lo, 1); a zero time takes no share, a free resource all of it. */
function shareAt(t: number, lo: number, price: number, s: number): number {
  if (t === 0) return 0;
  if (price <= 0) return 1;
  return Math.min(1, Math.max(lo, s * Math.sqrt(t / price)));
}

/** Σ_r t_r / share_r at scale s (only α has a floor). */
function latencyAt(t0: number, t1: number, t2: number, lo: number, p0: number, p1: number, p2: number, s: number): number {
  let v = 0;
  if (t0 !== 0) v += t0 / shareAt(t0, lo, p0, s);
  if (t1 !== 0) v += t1 / shareAt(t1, 0, p1, s);
  if (t2 !== 0) v += t2 / shareAt(t2, 0, p2, s);
  return v;
}

/**
 * The smallest s ≥ sMin with Σ t/share(s) ≤ budget (the deadline's KKT point), or Infinity when even
 * the whole of every resource misses the budget. Each share is linear in s between its clamps, so
 * D(s) = A/s + C on each interval between the (at most four) breakpoints, walked upwards. Written
 * on scalars without allocation: it is the inner loop of every allocation.
 */
function deadlineScale(t0: number, t1: number, t2: number, lo: number, p0: number, p1: number, p2: number, budget: number, sMin = 1): number {
  if (sMin > 0 && latencyAt(t0, t1, t2, lo, p0, p1, p2, sMin) <= budget) return sMin;
  if (t0 + t1 + t2 > budget * (1 + 1e-12)) return Infinity;
  const u0 = t0 > 0 && p0 > 0 ? Math.sqrt(t0 / p0) : 0;
  const u1 = t1 > 0 && p1 > 0 ? Math.sqrt(t1 / p1) : 0;
  const u2 = t2 > 0 && p2 > 0 ? Math.sqrt(t2 / p2) : 0;
  const b0 = u0 > 0 ? lo / u0 : 0;
  const b1 = u0 > 0 ? 1 / u0 : 0;
  const b2 = u1 > 0 ? 1 / u1 : 0;
  const b3 = u2 > 0 ? 1 / u2 : 0;
  let left = sMin;
  for (let guard = 0; guard < 6; guard++) {
    let right = Infinity;
    if (b0 > left && b0 < right) right = b0;
    if (b1 > left && b1 < right) right = b1;
    if (b2 > left && b2 < right) right = b2;
    if (b3 > left && b3 < right) right = b3;
    if (latencyAt(t0, t1, t2, lo, p0, p1, p2, right === Infinity ? left * 1e30 : right) > budget) {
      if (right === Infinity) return Infinity;
      left = right;
      continue;
    }
    // Inside (left, right] every share's regime is fixed: D(s) = A/s + C.
    const mid = right === Infinity ? left * 2 : (left + right) / 2;
    let A = 0;
    let C = 0;
    if (t0 !== 0) { const sh = shareAt(t0, lo, p0, mid); if (u0 > 0 && sh > lo && sh < 1) A += t0 / u0; else C += t0 / sh; }
    if (t1 !== 0) { const sh = shareAt(t1, 0, p1, mid); if (u1 > 0 && sh > 0 && sh < 1) A += t1 / u1; else C += t1 / sh; }
    if (t2 !== 0) { const sh = shareAt(t2, 0, p2, mid); if (u2 > 0 && sh > 0 && sh < 1) A += t2 / u2; else C += t2 / sh; }
    const s = A > 0 ? A / (budget - C) : left;
    return Math.min(Math.max(s, left), right === Infinity ? s : right);
  }
  return Infinity;
}

/** Sweeps of the first, warm-started dual attempt before a phase-I certificate is sought. */
const QUICK_SWEEPS = 12;

export function allocate(tasks: AllocTask[], opts: { relTol?: number; maxSweeps?: number; prices?: readonly number[] } = {}): Allocation {
  const relTol = opts.relTol ?? 1e-9;
  const maxSweeps = opts.maxSweeps ?? 300;
  const n = tasks.length;
  const violators = new Set<number>();
  // A task that misses its deadline with the whole server, or whose rate needs more than the band, is
  // infeasible whatever the others do: give up its deadline rather than the whole server.
  tasks.forEach((t, i) => {
    if (t.txS + t.computeS + t.backhaulS + t.fixedS > t.deadlineS * (1 + 1e-12) || t.minAlpha > 1) violators.add(i);
  });
  const effective = tasks.map((t, i) => ({ ...t, deadlineS: violators.has(i) ? Infinity : t.deadlineS, minAlpha: Math.min(t.minAlpha, 1) }));
  // The rate floors alone may not fit: give up the largest floors first.
  let floorSum = effective.reduce((a, t) => a + t.minAlpha, 0);
  while (floorSum > 1 + 1e-12) {
    let worst = -1;
    effective.forEach((t, i) => { if (t.minAlpha > 0 && (worst < 0 || t.minAlpha > effective[worst].minAlpha)) worst = i; });
    floorSum -= effective[worst].minAlpha;
    effective[worst].minAlpha = 0;
    violators.add(worst);
  }
  const done = (r: ReturnType<typeof solveDual>, feasible: boolean): Allocation => {
    const { converged: _, ...rest } = r;
    return { ...rest, violators: [...violators].sort((a, b) => a - b), feasible };
  };
  for (;;) {
    // The dual first, warm started from the caller's prices (a server that gained or lost one
    // task): on a feasible server it converges in a few sweeps. Only when it does not, a phase-I
    // certificate is sought: the dual ascent only crawls towards infinity on an infeasible
    // server, while a phase-I price vector proves infeasibility at once.
    const quick = solveDual(effective, relTol, Math.min(QUICK_SWEEPS, maxSweeps), opts.prices);
    if (n === 0 || (quick.converged && quick.feasible)) return done(quick, violators.size === 0 && quick.feasible);
    const load = phaseOneLoad(effective);
    const certified = load.max > 1 + 1e-9;
    const result = certified ? undefined : quick.converged ? quick : solveDual(effective, relTol, maxSweeps, quick.prices);
    if (result && result.feasible) return done(result, violators.size === 0);
    // Infeasible: give up one deadline and try again: the task holding the largest weighted
    // share under the phase-I prices, or (uncertified case) the one whose multiplier is largest.
    const candidates = effective.flatMap((t, i) => (Number.isFinite(t.deadlineS) ? [i] : []));
    if (candidates.length === 0) {
      return done(result ?? solveDual(effective, relTol, maxSweeps), false);
    }
    const score = (i: number) => (certified ? load.perTask[i] : result!.deadlineMultipliers[i]);
    const worst = candidates.reduce((best, i) => (score(i) > score(best) ? i : best), candidates[0]);
    effective[worst].deadlineS = Infinity;
    violators.add(worst);
  }
}

/**
 * Phase I of (30): with weights w on the three resources, Σ_i min{w·share_i : task i's deadline
 * and rate floor} ≤ 1 must hold for every w on the simplex if the server is feasible (weak
 * duality of min_shares max_r Σ_i share_ir). A coarse search over w, refined around its best
 * point, returns the largest load found and each task's part of it.
 */
export function phaseOneLoad(tasks: AllocTask[], opts: { refine?: boolean } = {}): { max: number; perTask: number[] } {
  const perTaskAt = (w: number[]) => tasks.map((t) => {
    if (!Number.isFinite(t.deadlineS)) return t.txS === 0 ? 0 : w[0] * t.minAlpha;
    const sc = deadlineScale(t.txS, t.computeS, t.backhaulS, t.minAlpha, w[0], w[1], w[2], t.deadlineS - t.fixedS, 0);
    if (!Number.isFinite(sc)) return Infinity;
    return w[0] * shareAt(t.txS, t.minAlpha, w[0], sc) + w[1] * shareAt(t.computeS, 0, w[1], sc) + w[2] * shareAt(t.backhaulS, 0, w[2], sc);
  });
  let bestW = [1 / 3, 1 / 3, 1 / 3];
  let best = perTaskAt(bestW);
  let bestSum = best.reduce((a, b) => a + b, 0);
  const consider = (w: number[]) => {
    const per = perTaskAt(w);
    const sum = per.reduce((a, b) => a + b, 0);
    if (sum > bestSum) { bestW = w; best = per; bestSum = sum; }
  };
  const G = 6;
  for (let i = 0; i <= G; i++) for (let j = 0; i + j <= G; j++) consider([i / G, j / G, (G - i - j) / G]);
  // `refine: false` (fleet/judge.ts): the coarse grid only, a cheap first look.
  for (let step = 1 / (2 * G); opts.refine !== false && step > 1e-4 && bestSum <= 1 + 1e-9; step /= 2) {
    const w0 = bestW;
    for (const [da, db] of [[1, -1], [-1, 1], [1, 0], [-1, 0], [0, 1], [0, -1]]) {
      const w = [w0[0] + da * step, w0[1] + db * step, 1 - w0[0] - da * step - w0[1] - db * step];
      if (w.every((v) => v >= 0)) consider(w);
    }
  }
  return { max: bestSum, perTask: best };
}

/**
 * The price where the monotone non-increasing `excess` crosses zero (excess(0) > 0 is known):
 * bracket from the previous price, then Illinois regula falsi in log-price. Infinity when even
 * the largest price leaves an excess (the dual is unbounded in this direction).
 */
function priceRoot(excess: (price: number) => number, previous: number): number {
  let hi = Math.min(Math.max(previous, PRICE_MIN), PRICE_MAX);
  let fHi = excess(hi);
  let lo = hi;
  let fLo = fHi;
  if (fHi > 0) {
    do {
      lo = hi; fLo = fHi;
      if (hi >= PRICE_MAX) return Infinity;
      hi = Math.min(hi * 8, PRICE_MAX);
      fHi = excess(hi);
    } while (fHi > 0);
  } else {
    do {
      hi = lo; fHi = fLo;
      if (lo <= PRICE_MIN) return PRICE_MIN;
      lo = Math.max(lo / 8, PRICE_MIN);
      fLo = excess(lo);
    } while (fLo <= 0);
  }
  // Now fLo > 0 >= fHi.
  let a = Math.log(lo);
  let b = Math.log(hi);
  let fa = fLo;
  let fb = fHi;
  let side = 0;
  for (let it = 0; it < 100 && b - a > 1e-15 * Math.max(1, Math.abs(a)); it++) {
    const c = (a * fb - b * fa) / (fb - fa);
    const fc = excess(Math.exp(c));
    if (Math.abs(fc) < 1e-14) return Math.exp(c);
    if (fc > 0) {
      a = c; fa = fc;
      if (side === 1) fb /= 2;
      side = 1;
    } else {
      b = c; fb = fc;
      if (side === -1) fa /= 2;
      side = -1;
    }
  }
  return Math.exp(b);
}

/** Gaussian elimination with partial pivoting for the ≤ 3×3 Newton systems; undefined if singular. */
function solveLinearSystem(A: number[][], b: number[]): number[] | undefined {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    if (!(Math.abs(M[p][c]) > 1e-300)) return undefined;
    [M[c], M[p]] = [M[p], M[c]];
    for (let r = c + 1; r < n; r++) {
      const f = M[r][c] / M[c][c];
      for (let k = c; k <= n; k++) M[r][k] -= f * M[c][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let acc = M[r][n];
    for (let k = r + 1; k < n; k++) acc -= M[r][k] * x[k];
    x[r] = acc / M[r][r];
  }
  return x.every(Number.isFinite) ? x : undefined;
}

function solveDual(tasks: AllocTask[], relTol: number, maxSweeps: number, start?: readonly number[]): Omit<Allocation, 'violators'> & { converged: boolean } {
  const n = tasks.length;
  const prices: [number, number, number] = start ? [Math.max(0, start[0]), Math.max(0, start[1]), Math.max(0, start[2])] : [0, 0, 0];
  // Flat typed arrays and scalar loops: solveAll runs a few hundred times per allocation.
  const T = new Float64Array(3 * n);
  const lo = new Float64Array(n);
  const budget = new Float64Array(n);
  tasks.forEach((t, i) => {
    T[3 * i] = t.txS; T[3 * i + 1] = t.computeS; T[3 * i + 2] = t.backhaulS;
    lo[i] = t.minAlpha;
    budget[i] = Number.isFinite(t.deadlineS) ? t.deadlineS - t.fixedS : Infinity;
  });
  const scales = new Float64Array(n).fill(1);
  const shares = new Float64Array(3 * n);
  const sums = [0, 0, 0];

  const solveAll = () => {
    const [p0, p1, p2] = prices;
    let s0 = 0; let s1 = 0; let s2 = 0;
    for (let i = 0; i < n; i++) {
      const t0 = T[3 * i]; const t1 = T[3 * i + 1]; const t2 = T[3 * i + 2];
      const sc = budget[i] === Infinity ? 1 : deadlineScale(t0, t1, t2, lo[i], p0, p1, p2, budget[i]);
      scales[i] = sc;
      const sFinite = sc === Infinity ? 1e30 : sc;
      const a = shareAt(t0, lo[i], p0, sFinite); const b = shareAt(t1, 0, p1, sFinite); const c = shareAt(t2, 0, p2, sFinite);
      shares[3 * i] = a; shares[3 * i + 1] = b; shares[3 * i + 2] = c;
      s0 += a; s1 += b; s2 += c;
    }
    sums[0] = s0; sums[1] = s1; sums[2] = s2;
  };
  const sumShare = (r: number) => sums[r];
  const used = [0, 1, 2].map((r) => tasks.some((_, i) => T[3 * i + r] > 0));
  const latencyOf = (i: number) => {
    let v = 0;
    for (let r = 0; r < 3; r++) { const time = T[3 * i + r]; if (time !== 0) v += time / shares[3 * i + r]; }
    return v;
  };
  const primal = () => { let v = 0; for (let i = 0; i < n; i++) v += latencyOf(i); return v; };
  const dual = () => primal() + prices.reduce((a, p, r) => a + p * (sumShare(r) - 1), 0);

  let sweeps = 0;
  let unbounded = false;
  const sweep = () => {
    sweeps++;
    for (let r = 0; r < 3 && !unbounded; r++) {
      if (!used[r]) continue;
      const excess = (price: number) => { prices[r] = price; solveAll(); return sumShare(r) - 1; };
      const start = prices[r];
      if (excess(0) <= 0) continue;
      const root = priceRoot(excess, start);
      if (root === Infinity) unbounded = true;
      else excess(root);
    }
  };
  // Coordinate ascent alone crawls when many deadlines bind (they couple the three prices), so
  // after a first sweep Newton steps on Σ share(ν) = 1 over the positive prices take over, with a
  // finite-difference Jacobian in log-price and backtracking; a failed step falls back to a sweep.
  const newtonStep = (): boolean => {
    const active = [0, 1, 2].filter((r) => used[r] && prices[r] > 0);
    if (active.length === 0) return false;
    const base = [...prices];
    const residual = () => active.map((r) => sumShare(r) - 1);
    solveAll();
    const f0 = residual();
    const norm0 = Math.hypot(...f0);
    const h = 1e-7;
    const J = active.map(() => new Array<number>(active.length).fill(0));
    active.forEach((r, j) => {
      prices[r] = base[r] * Math.exp(h);
      solveAll();
      residual().forEach((v, i) => { J[i][j] = (v - f0[i]) / h; });
      prices[r] = base[r];
    });
    const d = solveLinearSystem(J, f0.map((v) => -v));
    if (d) {
      for (let t = 1; t > 1e-3; t /= 2) {
        active.forEach((r, j) => { prices[r] = Math.min(PRICE_MAX, Math.max(PRICE_MIN, base[r] * Math.exp(t * d[j]))); });
        solveAll();
        if (Math.hypot(...residual()) < (1 - 1e-4 * t) * norm0) return true;
      }
    }
    base.forEach((v, r) => { prices[r] = v; });
    solveAll();
    return false;
  };
  const converged = () => {
    const p = primal();
    return [0, 1, 2].every((r) => sumShare(r) <= 1 + 1e-12) && p - dual() <= relTol * Math.max(p, 1e-300);
  };
  solveAll();
  // A warm start may already be optimal: then no sweep is needed.
  if (!(start && converged())) sweep();
  while (!unbounded && sweeps < maxSweeps && !converged()) {
    if (!newtonStep()) sweep();
  }
  solveAll();
  const isConverged = !unbounded && converged();
  // Remove the last rounding excess so every share sum is ≤ 1 exactly.
  for (let r = 0; r < 3; r++) {
    const total = sumShare(r);
    if (!(total > 1)) continue;
    let renormalised = 0;
    for (let i = 0; i < n; i++) { shares[3 * i + r] /= total; renormalised += shares[3 * i + r]; }
    sums[r] = renormalised;
  }
  const latencyS = tasks.map((t, i) => latencyOf(i) + t.fixedS);
  const objective = latencyS.reduce((a, b) => a + b, 0);
  const dualBound = unbounded ? Infinity : dual() + tasks.reduce((a, t) => a + t.fixedS, 0);
  return {
    alpha: tasks.map((_, i) => shares[3 * i]),
    beta: tasks.map((_, i) => shares[3 * i + 1]),
    lambda: tasks.map((_, i) => shares[3 * i + 2]),
    latencyS,
    objective,
    dualBound,
    prices: [...prices] as [number, number, number],
    deadlineMultipliers: Array.from(scales, (s) => (Number.isFinite(s) ? s * s - 1 : Infinity)),
    feasible: !unbounded && tasks.every((t, i) => latencyS[i] <= t.deadlineS * (1 + 1e-9)),
    sweeps,
    converged: isConverged,
  };
}
