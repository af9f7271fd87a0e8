import type { Allocation, AllocTask } from './allocation.ts';
import { quickAllocate } from './quick-allocation.ts';
import type { TaskOptions } from './options.ts';

/**
 * Local search over placements (task -> local | server + split) with the exact per-server
 * allocation (30) as the evaluator, guided by a closed-form surrogate.
 *
 * Surrogate: with deadline multipliers η_m (read from the last exact allocation of each server),
 * a server's weighted optimal cost is Σ_r (Σ_i sqrt(w_i t_ir))² with w = 1 + η, so the change of
 * any single move or swap is O(1). Every candidate move (change a task's server, split or local)
 * and swap (two tasks on different servers exchange servers, each taking its best split there) is
 * ranked by the surrogate, and the best-ranked ones are evaluated exactly with `allocate` on the
 * one or two servers they touch; the first that lowers the exact cost is taken. The search stops
 * when no evaluated candidate improves, or at the evaluation budget.
 *
 * Exact cost of a plan: Σ latencies, plus a penalty larger than any latency difference for every
 * task `allocate` had to give up a deadline or rate for, so the search first repairs feasibility
 * and never trades a met deadline for latency.
 */

export interface SearchResult {
  /** Per task: index into its options, or -1 for local. */
  choice: number[];
  /** Σ latencies of the plan (exact, from `allocate`). */
  latencyS: number;
  feasible: boolean;
  violators: number;
  /** Deadline multipliers per task from the final allocations (0 for local tasks). */
  eta: number[];
  /** Per server: the final allocation's capacity prices. */
  prices: [number, number, number][];
  evaluations: number;
  moves: number;
}

export interface SearchOptions {
  start?: number[];
  /** Exact evaluations (allocate calls) allowed. */
  maxEvaluations?: number;
  /** Exact evaluations tried per round before giving up on a local optimum. */
  perRound?: number;
}

interface ServerState { members: number[]; alloc: Allocation | null; cost: number }

export function localSearch(tasks: TaskOptions[], N: number, opts: SearchOptions = {}): SearchResult {
  const M = tasks.length;
  const maxEvaluations = opts.maxEvaluations ?? 4000;
  const perRound = opts.perRound ?? 12;
  let scale = 1;
  for (const t of tasks) for (const o of t.options) scale = Math.max(scale, o.aloneS);
  const penalty = 1e6 * scale * Math.max(M, 1);
  const choice = opts.start ? [...opts.start] : greedyStart(tasks, N);
  const serverOf = (m: number, c = choice[m]) => (c < 0 ? -1 : tasks[m].options[c].server);
  const taskOf = (m: number, c: number): AllocTask => tasks[m].options[c].task;
  let evaluations = 0;
  const evalServer = (members: number[], choiceOf: (m: number) => number): ServerState => {
    if (members.length === 0) return { members, alloc: null, cost: 0 };
    evaluations++;
    const alloc = quickAllocate(members.map((m) => taskOf(m, choiceOf(m))), { relTol: 1e-9 });
    return { members, alloc, cost: alloc.objective + penalty * alloc.violators.length };
  };
  const localCost = (m: number) => (Number.isFinite(tasks[m].localS) ? tasks[m].localS : penalty);
  const servers: ServerState[] = Array.from({ length: N }, (_, n) =>
    evalServer(choice.flatMap((c, m) => (serverOf(m, c) === n ? [m] : [])), (m) => choice[m]));
  const w = new Float64Array(M).fill(1);
  const U = new Float64Array(3 * N);
  const vec = (m: number, c: number, out: Float64Array) => {
    if (c < 0) { out[0] = out[1] = out[2] = 0; return; }
    const t = taskOf(m, c);
    out[0] = Math.sqrt(w[m] * t.txS); out[1] = Math.sqrt(w[m] * t.computeS); out[2] = Math.sqrt(w[m] * t.backhaulS);
  };
  const lin = (m: number, c: number) => (c < 0 ? w[m] * localCost(m) : w[m] * taskOf(m, c).fixedS);
  const refreshSurrogate = () => {
    w.fill(1);
    servers.forEach((st) => st.alloc?.deadlineMultipliers.forEach((eta, i) => { w[st.members[i]] = 1 + (Number.isFinite(eta) ? Math.min(eta, 1e6) : 0); }));
    U.fill(0);
    const v = new Float64Array(3);
    for (let m = 0; m < M; m++) {
      const n = serverOf(m);
      if (n < 0) continue;
      vec(m, choice[m], v);
      for (let r = 0; r < 3; r++) U[3 * n + r] += v[r];
    }
  };
  const va = new Float64Array(3);
  const vb = new Float64Array(3);
  /** Surrogate change of moving m from its choice to c (server-level only). */
  const moveDelta = (m: number, c: number): number => {
    const from = serverOf(m);
    const to = serverOf(m, c);
    vec(m, choice[m], va);
    vec(m, c, vb);
    let d = lin(m, c) - lin(m, choice[m]);
    for (let r = 0; r < 3; r++) {
      if (from >= 0) d += -2 * U[3 * from + r] * va[r] + va[r] * va[r];
      if (to >= 0) {
        const base = U[3 * to + r] - (to === from ? va[r] : 0);
        d += 2 * base * vb[r] + vb[r] * vb[r];
      }
    }
    return d;
  };
  interface Candidate { delta: number; changes: [number, number][] }
  const optionsOn = tasks.map((t) => Array.from({ length: N }, (_, n) => t.options.flatMap((o, c) => (o.server === n ? [c] : []))));
  let moves = 0;
  /** Evaluates the best-ranked candidates exactly; applies the first that lowers the exact cost. */
  const tryCandidates = (candidates: Candidate[]): boolean => {
    candidates.sort((x, y) => x.delta - y.delta);
    for (const cand of candidates.slice(0, perRound)) {
      if (evaluations >= maxEvaluations) return false;
      const next = new Map(cand.changes);
      const choiceOf = (m: number) => (next.has(m) ? next.get(m)! : choice[m]);
      const touched = new Set<number>();
      for (const [m, c] of cand.changes) { touched.add(serverOf(m)); touched.add(serverOf(m, c)); }
      let before = 0;
      let after = 0;
      const fresh = new Map<number, ServerState>();
      for (const n of touched) {
        if (n < 0) continue;
        before += servers[n].cost;
        const members = Array.from({ length: M }, (_, m) => m).filter((m) => serverOf(m, choiceOf(m)) === n);
        const st = evalServer(members, choiceOf);
        fresh.set(n, st);
        after += st.cost;
      }
      for (const [m, c] of cand.changes) {
        if (choice[m] < 0) before += localCost(m);
        if (c < 0) after += localCost(m);
      }
      if (after < before - 1e-12 * Math.abs(before)) {
        for (const [m, c] of cand.changes) choice[m] = c;
        for (const [n, st] of fresh) servers[n] = st;
        moves++;
        return true;
      }
    }
    return false;
  };
  while (evaluations < maxEvaluations) {
    refreshSurrogate();
    const candidates: Candidate[] = [];
    for (let m = 0; m < M; m++) {
      if (Number.isFinite(tasks[m].localS) && choice[m] >= 0) candidates.push({ delta: moveDelta(m, -1), changes: [[m, -1]] });
      tasks[m].options.forEach((_, c) => { if (c !== choice[m]) candidates.push({ delta: moveDelta(m, c), changes: [[m, c]] }); });
    }
    // Surrogate vectors of every option under this round's weights, for the swaps.
    const V = tasks.map((t, m) => { const out = new Float64Array(3 * t.options.length); t.options.forEach((_, c) => { vec(m, c, vb); out.set(vb, 3 * c); }); return out; });
    const L = tasks.map((t, m) => Float64Array.from(t.options, (_, c) => lin(m, c)));
    /** Best option of m on server n when the server's load is `base` (surrogate), and its cost. */
    const bestOn = (m: number, n: number, b0: number, b1: number, b2: number): [number, number] => {
      let bestC = -1;
      let bestD = Infinity;
      for (const c of optionsOn[m][n]) {
        const v = V[m];
        const d = L[m][c] + v[3 * c] * (2 * b0 + v[3 * c]) + v[3 * c + 1] * (2 * b1 + v[3 * c + 1]) + v[3 * c + 2] * (2 * b2 + v[3 * c + 2]);
        if (d < bestD) { bestD = d; bestC = c; }
      }
      return [bestC, bestD];
    };
    for (let a = 0; a < M; a++) {
      const na = serverOf(a);
      if (na < 0) continue;
      const ca = choice[a];
      const va0 = V[a][3 * ca], va1 = V[a][3 * ca + 1], va2 = V[a][3 * ca + 2];
      for (let b = a + 1; b < M; b++) {
        const nb = serverOf(b);
        if (nb < 0 || nb === na) continue;
        // a goes to nb in b's place and b to na in a's place.
        const cb = choice[b];
        const vb0 = V[b][3 * cb], vb1 = V[b][3 * cb + 1], vb2 = V[b][3 * cb + 2];
        const [bestA, dA] = bestOn(a, nb, U[3 * nb] - vb0, U[3 * nb + 1] - vb1, U[3 * nb + 2] - vb2);
        const [bestB, dB] = bestOn(b, na, U[3 * na] - va0, U[3 * na + 1] - va1, U[3 * na + 2] - va2);
        if (bestA < 0 || bestB < 0) continue;
        const removed = -L[a][ca] - L[b][cb]
          - va0 * (2 * U[3 * na] - va0) - va1 * (2 * U[3 * na + 1] - va1) - va2 * (2 * U[3 * na + 2] - va2)
          - vb0 * (2 * U[3 * nb] - vb0) - vb1 * (2 * U[3 * nb + 1] - vb1) - vb2 * (2 * U[3 * nb + 2] - vb2);
        candidates.push({ delta: removed + dA + dB, changes: [[a, bestA], [b, bestB]] });
      }
    }
    if (!tryCandidates(candidates)) break;
  }
  const eta = new Array<number>(M).fill(0);
  let latencyS = 0;
  let violators = 0;
  servers.forEach((st) => {
    if (!st.alloc) return;
    latencyS += st.alloc.objective;
    violators += st.alloc.violators.length;
    st.alloc.deadlineMultipliers.forEach((e, i) => { eta[st.members[i]] = Number.isFinite(e) ? e : 0; });
  });
  choice.forEach((c, m) => {
    if (c >= 0) return;
    latencyS += Number.isFinite(tasks[m].localS) ? tasks[m].localS : 0;
    if (!Number.isFinite(tasks[m].localS)) violators++;
  });
  return { choice, latencyS, feasible: violators === 0, violators, eta, prices: servers.map((st) => st.alloc?.prices ?? [0, 0, 0]), evaluations, moves };
}

/**
 * Greedy start: tasks in decreasing order of their best stand-alone latency, each to the option of
 * least surrogate marginal cost 2·U·v + |v|² + c given the tasks placed before it.
 */
export function greedyStart(tasks: TaskOptions[], N: number): number[] {
  const M = tasks.length;
  const U = new Float64Array(3 * N);
  // The sort key once per task, not once per comparison (fleet sizes).
  const key = tasks.map((t) => Math.min(...t.options.map((o) => o.aloneS)));
  const order = Array.from({ length: M }, (_, m) => m).sort((a, b) => key[b] - key[a]);
  const choice = new Array<number>(M).fill(-1);
  for (const m of order) {
    let best = Number.isFinite(tasks[m].localS) ? tasks[m].localS : Infinity;
    let bestC = -1;
    tasks[m].options.forEach((o, c) => {
      const n = o.server;
      const v = [o.task.txS, o.task.computeS, o.task.backhaulS].map(Math.sqrt);
      let d = o.task.fixedS;
      for (let r = 0; r < 3; r++) d += 2 * U[3 * n + r] * v[r] + v[r] * v[r];
      if (d < best || bestC < 0 && !Number.isFinite(best)) { best = d; bestC = c; }
    });
    choice[m] = bestC;
    if (bestC >= 0) {
      const o = tasks[m].options[bestC];
      [o.task.txS, o.task.computeS, o.task.backhaulS].forEach((t, r) => { U[3 * o.server + r] += Math.sqrt(t); });
    }
  }
  return choice;
}

