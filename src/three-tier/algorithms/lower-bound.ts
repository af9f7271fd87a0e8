import { shannonRateBps } from '../../core/channel.ts';
import type { Scenario } from '../model.ts';
import { type CompiledGroup, type Params, compile, paramsOf } from '../physics.ts';

/**
 * A proved lower bound on the optimal utility, for any size, group by group. Relaxations, each
 * of which can only lower the optimum:
 * - deadlines dropped; interference dropped (noise-only SINR, so every upload is at least as fast);
 * - path delays: the quadratic o1 term (>= 0) dropped; otherwise kept as the congestion it is
 *   (every forwarder waits for the whole load), relaxed like the CPUs below (see `Relaxation`);
 * - with parallel timing, delay >= (sum of the stage times) / 3 (each of the three branches of
 *   the max is at least a third of their sum);
 * - CPU shares: a resource (an SBS, or the MBS when shared) serving tasks J with optimal shares
 *   spends (sum_{j in J} sqrt w_j)^2, w_j = alpha·cycles/f; a task splitting its bits as fractions
 *   y over its options (device / MBS / all on SBS i / all forwarded through SBS i) is charged
 *   linearly for everything but that term and y·sqrt(w) <= sqrt(y·w) inside it, so the relaxed
 *   cost never exceeds the true one; nor does the sum of the own terms y·w (issue 12: with a
 *   dedicated MBS the first alone let slivers of every task sit on idle SBSs almost for free).
 *   For each resource a mix lambda·(first) + (1 - lambda)·(second) is taken. The relaxation is
 *   convex; at any feasible y, f(y) + min_s grad·(s - y) <= its optimum (the Frank-Wolfe
 *   certificate), and the best certificate over the lambda rounds is kept.
 */
export function lowerBoundGroup(g: CompiledGroup, P: Params, rounds = 200): number {
  const relax = buildRelaxation(g, P);
  const { R } = relax;
  // lambda = 1 everywhere is the (sum y sqrt w)² relaxation; then resources whose own-term sum
  // exceeds it at the solution switch to the linear piece, and the best certificate is kept
  const lambda = new Float64Array(R).fill(1);
  let out = solveRelaxation(relax, lambda, rounds);
  let best = out.bound;
  for (let round = 0; round < 2; round++) {
    let changed = false;
    for (let r = 0; r < R; r++) {
      const want = out.Y[r] * out.Y[r] >= out.L[r] ? 1 : 0;
      if (want !== lambda[r]) { lambda[r] = want; changed = true; }
    }
    if (!changed) break;
    out = solveRelaxation(relax, lambda, rounds, out.y);
    best = Math.max(best, out.bound);
  }
  return best;
}

/** The relaxation's options and resources for one group (see `Relaxation`). */
export function buildRelaxation(g: CompiledGroup, P: Params): Relaxation {
  const { n, S } = g;
  const { alpha } = P;
  const tf = P.parallel ? 1 / 3 : 1;
  const E = g.elemIsLink.length;
  // options of task j: 0 local, 1 MBS, 2 + 2i all bits on SBS i, 3 + 2i all forwarded through SBS i;
  // resources: the SBS CPUs 0..S-1, the MBS CPU S (congested only when shared), path elements S+1+e
  const O = 2 + 2 * S, R = S + 1 + E;
  // delay per bit of load on each element (links 1/capacity, forwarding units o2; o1·load² >= 0 dropped)
  const perBit = Float64Array.from({ length: E }, (_, e) => (g.elemIsLink[e] ? 1 / g.elemCapacityBps[e] : g.elemO2[e]));
  const F = new Float64Array(n * O);
  const start = new Int32Array(n * O + 1), resIdx: number[] = [], resRoot: number[] = [];
  for (let j = 0; j < n; j++) {
    const c = g.bits[j], u = g.cyclesPerBit[j], o = j * O;
    const wM = (tf * alpha * c * u) / g.mbsHz;
    const put = (q: number, fixed: number, res: [number, number][]) => {
      F[q] = fixed;
      for (const [r, root] of res) if (root > 0) { resIdx.push(r); resRoot.push(root); }
      start[q + 1] = resIdx.length;
    };
    put(o, tf * alpha * g.localT[j] + (1 - alpha) * g.localE[j], []);
    // MBS: upload and energy fixed; compute time shared (congestion) or dedicated (fixed)
    const mbsComputeFixed = P.mbsShared ? 0 : wM;
    const mbsRes: [number, number][] = P.mbsShared ? [[S, Math.sqrt(wM)]] : [];
    put(o + 1, tf * alpha * g.mbsUpS[j] + (1 - alpha) * g.mbsE[j] + mbsComputeFixed, mbsRes);
    for (let i = 0; i < S; i++) {
      const rate = shannonRateBps(g.sbsBandwidthHz[i], (g.txPowerW[j] * g.gain[j * S + i]) / g.sbsNoiseW[i]);
      const up = c / rate;
      put(o + 2 + 2 * i, tf * alpha * up + (1 - alpha) * (g.txPowerW[j] * up + c * u * P.sbsJPerCycle), [[i, Math.sqrt((tf * alpha * c * u) / g.sbsHz[i])]]);
      // forwarding: every element of the path is a congested resource whose users each wait for
      // the whole load, delay and forwarding energy weighted by wPath = tf·alpha + (1 - alpha)·P_fwd
      const wPath = tf * alpha + (1 - alpha) * g.sbsForwardW[i];
      const pathRes: [number, number][] = Array.from(g.sbsPath[i], (e) => [S + 1 + e, Math.sqrt(perBit[e] * c * wPath)]);
      put(o + 3 + 2 * i, tf * alpha * up + (1 - alpha) * (g.txPowerW[j] * up + c * u * P.mbsJPerCycle) + mbsComputeFixed, [...mbsRes, ...pathRes]);
    }
  }
  return { n, O, R, F, start, resIdx: Int32Array.from(resIdx), resRoot: Float64Array.from(resRoot) };
}

/**
 * The convex relaxation: options with fixed costs F and, for those using congested resources,
 * a root sqrt(w) per resource (CSR: resIdx/resRoot[start[q]..start[q+1]]).
 * - A CPU serving bit fractions y_j of tasks J with water-filled shares spends
 *   C = (sum_j sqrt(y_j w_j))² = sum_j y_j w_j + sum_{j != k} sqrt(y_j y_k w_j w_k).
 * - A path element e carrying c_j·y_j bits of the tasks J that forward through it costs
 *   k_e · (sum_j y_j c_j) · (sum_{j in J} wPath_j) (every forwarder waits for the whole load,
 *   eqs. 3-4, k_e = 1/capacity or o2), with the same form of root sqrt(k_e c_j wPath_j):
 *   by Cauchy-Schwarz (sum y c)(sum y wPath) >= (sum y sqrt(c wPath))², and wPath counts whole.
 * For both, Q = (sum_j y_j root_j)² (y <= sqrt y; Cauchy-Schwarz) and L = sum_j y_j root_j²
 * (the cross terms are >= 0) are below the true cost, and so is lambda·Q + (1 - lambda)·L for every
 * lambda in [0, 1]: min over y of sum F·y + sum_r (lambda_r Q_r + (1 - lambda_r) L_r) is a lower
 * bound for every lambda. Q alone (lambda = 1) lets many tasks put a sliver each on an idle
 * resource almost for free (y² w instead of y w); L charges a sliver its own cost, as a real split pays.
 */
export interface Relaxation {
  n: number;
  O: number;
  R: number;
  F: Float64Array;
  start: Int32Array;
  resIdx: Int32Array;
  resRoot: Float64Array;
}

/**
 * Minimises the relaxation for fixed lambda by block-coordinate pairwise Frank-Wolfe: task by
 * task, mass moves from its option of largest gradient that it uses ("away") to its option of
 * least gradient, by the exact minimiser of the objective along that direction (a quadratic),
 * clipped to the mass available. (Plain Frank-Wolfe zig-zags here: 200 rounds left 1 % of
 * certificate gap at 1,000 tasks.) The objective is smooth and convex, so after each sweep
 * f(y) + sum_j (min_o grad_jo - y_j·grad_j) <= its minimum (the Frank-Wolfe certificate); the best
 * is returned with the last iterate, its loads Y = sum y root and own terms L = sum y root² per
 * resource. Stops when the certificate is within `tol` of f (checked every fourth sweep).
 */
export function solveRelaxation(rel: Relaxation, lambda: Float64Array, sweeps: number, init?: Float64Array, tol = 5e-4): { bound: number; value: number; y: Float64Array; Y: Float64Array; L: Float64Array; sweeps: number } {
  const { n, O, R, F, start, resIdx, resRoot } = rel;
  const y = new Float64Array(n * O), Y = new Float64Array(R), L = new Float64Array(R), dY = new Float64Array(R);
  const grad = new Float64Array(O);
  const gradOf = (q: number) => {
    let gq = F[q];
    for (let t = start[q]; t < start[q + 1]; t++) {
      const r = resIdx[t], root = resRoot[t];
      gq += lambda[r] * 2 * root * Y[r] + (1 - lambda[r]) * root * root;
    }
    return gq;
  };
  const addLoads = (q: number, amount: number) => {
    for (let t = start[q]; t < start[q + 1]; t++) { Y[resIdx[t]] += amount * resRoot[t]; L[resIdx[t]] += amount * resRoot[t] * resRoot[t]; }
  };
  if (init) y.set(init);
  else for (let j = 0; j < n; j++) {
    // start at the option of least cost with empty resources
    let arg = 0;
    for (let o = 0; o < O; o++) if (gradOf(j * O + o) < gradOf(j * O + arg)) arg = o;
    y[j * O + arg] = 1;
  }
  for (let q = 0; q < n * O; q++) if (y[q] > 0) addLoads(q, y[q]);
  const objective = () => {
    let f = 0;
    for (let q = 0; q < n * O; q++) f += y[q] * F[q];
    for (let r = 0; r < R; r++) f += lambda[r] * Y[r] * Y[r] + (1 - lambda[r]) * L[r];
    return f;
  };
  let best = -Infinity, value = objective(), done = 0;
  for (let sweep = 0; sweep < sweeps; sweep++) {
    done = sweep + 1;
    for (let j = 0; j < n; j++) {
      const o0 = j * O;
      let fw = 0, away = -1;
      for (let o = 0; o < O; o++) {
        grad[o] = gradOf(o0 + o);
        if (grad[o] < grad[fw]) fw = o;
        if (y[o0 + o] > 0 && (away < 0 || grad[o] > grad[away])) away = o;
      }
      if (away < 0 || away === fw) continue;
      const lin = grad[fw] - grad[away];
      if (!(lin < 0)) continue;
      // curvature along e_fw - e_away: sum_r lambda_r (dY_r)²
      const qf = o0 + fw, qa = o0 + away;
      for (let t = start[qf]; t < start[qf + 1]; t++) dY[resIdx[t]] = 0;
      for (let t = start[qa]; t < start[qa + 1]; t++) dY[resIdx[t]] = 0;
      for (let t = start[qf]; t < start[qf + 1]; t++) dY[resIdx[t]] += resRoot[t];
      for (let t = start[qa]; t < start[qa + 1]; t++) dY[resIdx[t]] -= resRoot[t];
      let quad = 0;
      for (let t = start[qf]; t < start[qf + 1]; t++) { const r = resIdx[t]; quad += lambda[r] * dY[r] * dY[r]; dY[r] = 0; }
      for (let t = start[qa]; t < start[qa + 1]; t++) { const r = resIdx[t]; quad += lambda[r] * dY[r] * dY[r]; dY[r] = 0; }
      const step = Math.min(y[qa], quad > 0 ? -lin / (2 * quad) : Infinity);
      if (!(step > 0)) continue;
      y[qa] -= step; y[qf] += step;
      addLoads(qa, -step); addLoads(qf, step);
    }
    // the certificate at the sweep's final iterate, every few sweeps (it costs a sweep)
    if (sweep % 4 !== 3 && sweep !== sweeps - 1) continue;
    value = objective();
    let gapTerm = 0;
    for (let j = 0; j < n; j++) {
      let mn = Infinity, dot = 0;
      for (let o = 0; o < O; o++) { const gq = gradOf(j * O + o); mn = Math.min(mn, gq); dot += y[j * O + o] * gq; }
      gapTerm += mn - dot;
    }
    best = Math.max(best, value + gapTerm);
    if (value - best <= tol * Math.max(1e-300, Math.abs(value))) break;
  }
  return { bound: best, value, y, Y, L, sweeps: done };
}

export function lowerBound(scenario: Scenario, rounds = 200): number {
  const P = paramsOf(scenario);
  return compile(scenario).reduce((sum, g) => sum + lowerBoundGroup(g, P, rounds), 0);
}
