import type { Scenario } from '../model.ts';
import { allSplits, type Precomputed, splitFactors, totalCycles } from '../physics.ts';
import type { TaskOptions } from '../options.ts';
import { splitIndex } from './options.ts';

/**
 * A proved lower bound on the total latency of every feasible plan of the generalised problem (19)
 * (every server, every split of `allSplits`, or local), cheap enough for M = 10,000, N = 200.
 *
 * Proof. Take any feasible plan and any Y ∈ R^{3N} and s_m ≥ 1 (w_m = s_m²). (i) Deadline
 * pricing: L_m ≤ D_m gives Σ L_m ≥ Σ_m (w_m L_m - (w_m - 1) D_m). (ii) On server n the weighted
 * latency Σ_i w_i Σ_r t_ir/σ_ir with Σ_i σ_ir ≤ 1 is at least Σ_r (Σ_i sqrt(w_i t_ir))²
 * (Cauchy–Schwarz: (Σ sqrt(w t))² ≤ (Σ w t/σ)(Σ σ)); rate floors and per-task deadlines are
 * dropped, which only lowers it; share-free times (cloud compute) add w_i c_i. (iii) For any real
 * Y_nr, Z² ≥ 2 Y_nr Z - Y_nr² ((Z - Y)² ≥ 0). Together, with Z_nr = Σ_{i on n} s_i sqrt(t_ir):
 *   Σ L_m ≥ Σ_m [ w_m c_m + 2 s_m Σ_r Y_{n(m) r} sqrt(t_mr) - (w_m - 1) D_m ] - Σ_nr Y_nr²,
 * and each bracket is at least its minimum over the options task m could take in a feasible plan
 * (local, priced s_m² L_m^loc, if that meets D_m; any (server, split) that meets D_m and the rate
 * floor with the whole server). So for every (Y, s)
 *   G(Y, s) = Σ_m min_o [ s_m² c_mo + 2 s_m Y_n(o)·sqrt(t_mo) ] - Σ_m (s_m² - 1) D_m - |Y|²
 * is a lower bound. It is the Lagrangian dual of bounds.ts's assignment relaxation with its
 * deadline prices chosen per task instead of read from a plan.
 * Evaluation over all N·(K+2) options a task is O(M·N·(K+2)) flops on closed forms (upload time
 * depends on (m, n) only; edge and backhaul time are S_m times a per-(server, split) constant),
 * with no option objects. For fixed Y each task's s_m is chosen exactly: its bracket is concave in
 * s (every piece is s²(c - D) + s·b + D with c ≤ D), maximised by golden section on [1, s⁺], s⁺
 * the largest stationary point of a piece (beyond it every piece decreases).
 * Y is found by the Frank–Wolfe method on the primal relaxation restricted to the candidate options
 * (block pairwise steps with exact line search, as in bounds.ts, warm started from the plan), for
 * fixed s; then s is re-chosen by the full evaluation, and so on. Only the full evaluation is
 * reported, so the restriction and the inexact Y can loosen the bound but never invalidate it.
 */

export interface FleetBound {
  bound: number;
  /** Columns (task, server, split) added to the restricted relaxation by pricing over every server. */
  columnsAdded: number;
  /** Per task, the relaxation's fractional assignment: [server (-1 local), index into allSplits, weight > 0]. */
  support: [number, number, number][][];
  /** Outer iterations (full evaluations). */
  evaluations: number;
  sweeps: number;
}

interface Geometry {
  /** sqrt of edge compute / backhaul seconds per Mbit, per server and split (n·K2 + k). */
  sqCompute: Float64Array;
  sqBackhaul: Float64Array;
  /** Whole-server edge + backhaul + cloud seconds per Mbit (deadline test). */
  alonePerMbit: Float64Array;
  cloudPerMbit: Float64Array;
  K2: number;
}

function geometry(s: Scenario, pre: Precomputed): Geometry {
  const N = s.servers.length;
  const K2 = Math.max(...pre.profiles.map((p) => allSplits(p).length));
  const g: Geometry = {
    sqCompute: new Float64Array(N * K2), sqBackhaul: new Float64Array(N * K2),
    alonePerMbit: new Float64Array(N * K2).fill(Infinity), cloudPerMbit: new Float64Array(N * K2), K2,
  };
  s.servers.forEach((srv, n) => {
    const p = pre.profiles[n];
    const total = totalCycles(p);
    allSplits(p).forEach((split, k) => {
      const { gigacyclesPerMbit: cycles, reduction } = splitFactors(p, split);
      const cloud = s.cloud && split.finishAt === 'cloud' ? (total - cycles) / s.cloud.cpuGHz : 0;
      const i = n * K2 + k;
      g.sqCompute[i] = Math.sqrt(cycles / srv.cpuGHz);
      g.sqBackhaul[i] = Math.sqrt(reduction / srv.backhaulMbps);
      g.cloudPerMbit[i] = cloud;
      g.alonePerMbit[i] = cycles / srv.cpuGHz + reduction / srv.backhaulMbps + cloud;
    });
  });
  return g;
}

const TOL = 1e-12;
const GOLDEN = (Math.sqrt(5) - 1) / 2;

/** Per-(task, server) data the evaluation reads: 1/sqrt(full-band rate), and whether the rate floor fits. */
interface Links {
  /** 1 / sqrt(r_mn) at m·N + n; 0 where the rate floor needs more than the whole band (option excluded). */
  invSqRate: Float64Array;
}

function links(s: Scenario, pre: Precomputed, hopeless: Uint8Array): Links {
  const N = s.servers.length;
  const invSqRate = new Float64Array(s.devices.length * N);
  s.devices.forEach((d, m) => {
    const rates = pre.rateMbps[m];
    for (let n = 0; n < N; n++) invSqRate[m * N + n] = hopeless[m] === 1 || d.minRateMbps <= rates[n] ? 1 / Math.sqrt(rates[n]) : 0;
  });
  return { invSqRate };
}

/**
 * G(Y, ·) over every option, with each task's s chosen; returns the bound, the chosen s and each
 * task's least-priced option (n·K2 + k, -1 local) at that s.
 * b_mnk = 2 Y_n·sqrt(t_mnk) = sqrt(S_m)·(2 Y_n0 / sqrt(r_mn) + a_nk), a_nk = 2 (Y_n1 sqrt(p_k/F_n)
 * + Y_n2 sqrt(r_k/C_n)); a server whose 2 Y_n0/sqrt(r_mn) + min_k a_nk is already above the best
 * found is skipped without looking at its splits (a lower bound on all of them).
 */
function evaluate(s: Scenario, pre: Precomputed, geo: Geometry, lk: Links, hopeless: Uint8Array, Y: Float64Array, sOut: Float64Array, argOut: Int32Array): number {
  const N = s.servers.length;
  const M = s.devices.length;
  const { K2 } = geo;
  const a = new Float64Array(N * K2);
  const aMin = new Float64Array(N).fill(Infinity);
  for (let n = 0; n < N; n++) {
    for (let k = 0; k < K2; k++) {
      const i = n * K2 + k;
      a[i] = 2 * (Y[3 * n + 1] * geo.sqCompute[i] + Y[3 * n + 2] * geo.sqBackhaul[i]);
      if (a[i] < aMin[n]) aMin[n] = a[i];
    }
  }
  // Share-free (cloud) seconds per Mbit of split k: the least over servers (a smaller c only
  // lowers the bracket, so pairing it with another server's b is still a bound).
  const cMin = new Float64Array(K2).fill(Infinity);
  for (let n = 0; n < N; n++) for (let k = 0; k < K2; k++) cMin[k] = Math.min(cMin[k], geo.cloudPerMbit[n * K2 + k]);
  const noCloud = cMin.every((c) => c === 0 || c === Infinity);
  const bMin = new Float64Array(K2);
  const bArg = new Int32Array(K2);
  const pieceB = new Float64Array(K2 + 1);
  const pieceC = new Float64Array(K2 + 1);
  const pieceArg = new Int32Array(K2 + 1);
  let total = 0;
  for (let m = 0; m < M; m++) {
    const d = s.devices[m];
    const S = d.dataMbit;
    const sqS = Math.sqrt(S);
    const dropped = hopeless[m] === 1;
    const D = dropped ? Infinity : d.deadlineS;
    const limit = D * (1 + TOL);
    let pieces = 0;
    if (noCloud) {
      // Every server piece has c = 0: only the least b over all (server, split) matters.
      let best = Infinity;
      let bestI = -1;
      for (let n = 0; n < N; n++) {
        const isr = lk.invSqRate[m * N + n];
        if (isr === 0) continue;
        const base = 2 * Y[3 * n] * isr;
        if (base + aMin[n] >= best) continue;
        const room = (limit - S * isr * isr) / S;
        for (let k = 0; k < K2; k++) {
          const i = n * K2 + k;
          if (geo.alonePerMbit[i] > room) continue;
          const b = base + a[i];
          if (b < best) { best = b; bestI = i; }
        }
      }
      if (bestI >= 0) { pieceB[0] = sqS * best; pieceC[0] = 0; pieceArg[0] = bestI; pieces = 1; }
    } else {
      bMin.fill(Infinity);
      for (let n = 0; n < N; n++) {
        const isr = lk.invSqRate[m * N + n];
        if (isr === 0) continue;
        const base = 2 * Y[3 * n] * isr;
        const room = (limit - S * isr * isr) / S;
        for (let k = 0; k < K2; k++) {
          const i = n * K2 + k;
          if (geo.alonePerMbit[i] > room) continue;
          const b = base + a[i];
          if (b < bMin[k]) { bMin[k] = b; bArg[k] = i; }
        }
      }
      for (let k = 0; k < K2; k++) {
        if (bMin[k] === Infinity) continue;
        pieceB[pieces] = sqS * bMin[k]; pieceC[pieces] = S * cMin[k]; pieceArg[pieces] = bArg[k]; pieces++;
      }
    }
    const local = pre.localS[m] <= D || dropped ? pre.localS[m] : Infinity;
    if (Number.isFinite(local)) { pieceB[pieces] = 0; pieceC[pieces] = local; pieceArg[pieces] = -1; pieces++; }
    if (pieces === 0) { total = -Infinity; sOut[m] = 1; argOut[m] = -2; continue; }
    const phi = (sc: number) => {
      let v = Infinity;
      for (let j = 0; j < pieces; j++) v = Math.min(v, sc * sc * pieceC[j] + sc * pieceB[j]);
      return dropped ? v : v - (sc * sc - 1) * D;
    };
    let hi = 1;
    if (!dropped) for (let j = 0; j < pieces; j++) hi = Math.max(hi, pieceB[j] / (2 * Math.max(D - pieceC[j], 1e-300)));
    let lo = 1;
    if (hi > 1) {
      // Golden section on the concave φ over [1, hi].
      let x1 = hi - GOLDEN * (hi - lo);
      let x2 = lo + GOLDEN * (hi - lo);
      let f1 = phi(x1);
      let f2 = phi(x2);
      for (let it = 0; it < 60 && hi - lo > 1e-9 * hi; it++) {
        if (f1 < f2) { lo = x1; x1 = x2; f1 = f2; x2 = lo + GOLDEN * (hi - lo); f2 = phi(x2); }
        else { hi = x2; x2 = x1; f2 = f1; x1 = hi - GOLDEN * (hi - lo); f1 = phi(x1); }
      }
    }
    // Any s ≥ 1 is valid: keep the better of the search's point and s = 1.
    const sBest = phi(0.5 * (lo + hi)) > phi(1) ? 0.5 * (lo + hi) : 1;
    sOut[m] = sBest;
    total += phi(sBest);
    let arg = -2;
    let least = Infinity;
    for (let j = 0; j < pieces; j++) {
      const v = sBest * sBest * pieceC[j] + sBest * pieceB[j];
      if (v < least) { least = v; arg = pieceArg[j]; }
    }
    argOut[m] = arg;
  }
  for (let i = 0; i < 3 * N; i++) total -= Y[i] * Y[i];
  return total;
}

/**
 * The bound at given loads Y (e.g. a plan's Σ_i sqrt(w_i t_ir) per server and resource), each task's
 * deadline price chosen exactly: one evaluation of G, O(M·N·(K+2)), no relaxation solved.
 */
export function boundAt(s: Scenario, pre: Precomputed, hopelessTasks: ArrayLike<boolean>, Y: Float64Array): number {
  const M = s.devices.length;
  if (M === 0) return 0;
  const hopeless = Uint8Array.from({ length: M }, (_, m) => (hopelessTasks[m] ? 1 : 0));
  return evaluate(s, pre, geometry(s, pre), links(s, pre, hopeless), hopeless, Y, new Float64Array(M), new Int32Array(M));
}

export interface BoundOptions {
  /** Clock time after which no further sweep or iteration starts (one full evaluation always runs, at the start's loads if need be). */
  deadline?: number;
  /** Milliseconds (default performance.now). */
  clock?: () => number;
  outer?: number;
  sweeps?: number;
  /** Start the restricted relaxation from every candidate option or from the plan's only (default: pricing adds the rest, which is faster and as tight). */
  columns?: 'all' | 'chosen';
}

/**
 * The bound, starting from a plan (choice per task into `tasks`' candidate options, -1 local) and
 * its deadline weights w = 1 + η.
 */
export function fleetBound(s: Scenario, pre: Precomputed, tasks: TaskOptions[], choice: ArrayLike<number>, w: ArrayLike<number>, opts: BoundOptions = {}): FleetBound {
  const M = tasks.length;
  const N = s.servers.length;
  if (M === 0) return { bound: 0, evaluations: 0, sweeps: 0, columnsAdded: 0, support: [] };
  const deadline = opts.deadline ?? Infinity;
  const now = opts.clock ?? (() => performance.now());
  const geo = geometry(s, pre);
  const { K2 } = geo;
  const hopeless = Uint8Array.from(tasks, (t) => (t.hopeless ? 1 : 0));
  const lk = links(s, pre, hopeless);
  // Restricted primal, column by column: task m owns cols[m]; a column is (server or -1 for local,
  // sqrt of its three times, share-free time, its weight x, and its option key n·K2 + k).
  const cols: number[][] = Array.from({ length: M }, () => []);
  const srv: number[] = [];
  const key: number[] = [];
  const u: number[] = [];
  const c0: number[] = [];
  const x: number[] = [];
  const addColumn = (m: number, server: number, k: number, u0: number, u1: number, u2: number, c: number, weight: number) => {
    cols[m].push(srv.length);
    srv.push(server); key.push(server < 0 ? -1 : server * K2 + k); u.push(u0, u1, u2); c0.push(c); x.push(weight);
  };
  const onlyChosen = (opts.columns ?? 'chosen') === 'chosen';
  tasks.forEach((t, m) => {
    t.options.forEach((o, c) => {
      if (onlyChosen && choice[m] !== c) return;
      // Options carry their split; its index in allSplits is the key's k.
      const k = splitIndex(o.split!);
      addColumn(m, o.server, k, Math.sqrt(o.task.txS), Math.sqrt(o.task.computeS), Math.sqrt(o.task.backhaulS), o.task.fixedS, choice[m] === c ? 1 : 0);
    });
    if (Number.isFinite(t.localS)) addColumn(m, -1, 0, 0, 0, 0, t.localS, choice[m] < 0 ? 1 : 0);
  });
  /** The column of option key i (= n·K2 + k) of task m, from the closed forms. */
  const columnOf = (m: number, i: number) => {
    const n = Math.floor(i / K2);
    const S = s.devices[m].dataMbit;
    addColumn(m, n, i - n * K2, Math.sqrt(S / pre.rateMbps[m][n]), Math.sqrt(S) * geo.sqCompute[i], Math.sqrt(S) * geo.sqBackhaul[i], S * geo.cloudPerMbit[i], 0);
  };
  const sc = Float64Array.from({ length: M }, (_, m) => (tasks[m].hopeless ? 1 : Math.sqrt(Math.max(1, w[m]))));
  const Y = new Float64Array(3 * N);
  const loads = () => {
    Y.fill(0);
    for (let m = 0; m < M; m++) {
      for (const j of cols[m]) {
        const n = srv[j];
        if (n < 0 || x[j] === 0) continue;
        for (let r = 0; r < 3; r++) Y[3 * n + r] += x[j] * sc[m] * u[3 * j + r];
      }
    }
  };
  const grad = (m: number, j: number) => {
    const n = srv[j];
    const w2 = sc[m] * sc[m];
    return n < 0 ? w2 * c0[j] : w2 * c0[j] + 2 * sc[m] * (Y[3 * n] * u[3 * j] + Y[3 * n + 1] * u[3 * j + 1] + Y[3 * n + 2] * u[3 * j + 2]);
  };
  const sweep = () => {
    for (let m = 0; m < M; m++) {
      const list = cols[m];
      for (let inner = 0; inner < 4; inner++) {
        let to = -1; let from = -1; let gTo = Infinity; let gFrom = -Infinity;
        for (const j of list) {
          const g = grad(m, j);
          if (g < gTo) { gTo = g; to = j; }
          if (x[j] > 0 && g > gFrom) { gFrom = g; from = j; }
        }
        if (to < 0 || from < 0 || to === from || gFrom - gTo <= 1e-15 * Math.abs(gFrom)) break;
        let curv = 0;
        const nt = srv[to]; const nf = srv[from];
        for (let r = 0; r < 3; r++) {
          const vt = nt >= 0 ? sc[m] * u[3 * to + r] : 0;
          const vf = nf >= 0 ? sc[m] * u[3 * from + r] : 0;
          curv += nt >= 0 && nt === nf ? (vt - vf) ** 2 : vt * vt + vf * vf;
        }
        const step = curv > 0 ? Math.min(x[from], (gFrom - gTo) / (2 * curv)) : x[from];
        x[to] += step; x[from] -= step;
        if (x[from] < 1e-15) x[from] = 0;
        for (let r = 0; r < 3; r++) {
          if (nt >= 0) Y[3 * nt + r] += step * sc[m] * u[3 * to + r];
          if (nf >= 0) Y[3 * nf + r] -= step * sc[m] * u[3 * from + r];
        }
      }
    }
  };
  const sNew = new Float64Array(M);
  const arg = new Int32Array(M);
  let best = -Infinity;
  let evaluations = 0;
  let sweeps = 0;
  let columnsAdded = 0;
  const outer = opts.outer ?? 20;
  const perOuter = opts.sweeps ?? 4;
  for (let it = 0; it < outer; it++) {
    loads();
    for (let k = 0; k < perOuter && now() < deadline; k++, sweeps++) sweep();
    const g = evaluate(s, pre, geo, lk, hopeless, Y, sNew, arg);
    evaluations++;
    const gain = g - best;
    if (g > best) best = g;
    if (now() >= deadline) break;
    sc.set(sNew);
    // Column generation: a task whose least-priced option over every server is not yet a column
    // of the restricted problem gets it, so Y converges to the full relaxation's prices.
    let added = 0;
    for (let m = 0; m < M; m++) {
      if (arg[m] < 0 || cols[m].some((j) => key[j] === arg[m])) continue;
      columnOf(m, arg[m]);
      added++;
    }
    columnsAdded += added;
    if (added === 0 && gain <= 1e-7 * Math.abs(best)) break;
  }
  const support = cols.map((list) => list.flatMap((j): [number, number, number][] => (x[j] > 0 ? [[srv[j], srv[j] < 0 ? 0 : key[j] - srv[j] * K2, x[j]]] : [])));
  return { bound: best, evaluations, sweeps, columnsAdded, support };
}
