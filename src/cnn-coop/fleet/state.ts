import type { Allocation, AllocTask } from '../allocation.ts';
import { quickAllocate } from '../quick-allocation.ts';
import type { TaskOptions } from '../options.ts';

/**
 * A fleet plan under improvement: each task's option (index into its candidate options, -1 local),
 * every server's members and exact allocation (30), and the closed-form surrogate that ranks
 * moves.
 *
 * Surrogate (search.ts's, made incremental): with deadline weights w_m = 1 + η_m read from the
 * exact allocations, server n's weighted optimal cost without deadlines is Σ_r U_nr² with
 * U_nr = Σ_{i on n} sqrt(w_i t_ir), so moving task m from (n, v) to (n', v') changes it by
 *   -(2 U_n·v - |v|²) + 2 U_n'·v' + |v'|²  (plus the share-free terms),
 * O(1) per candidate. A round ranks every task's best move by it (O(M·options)), then checks the
 * ranked moves exactly, re-allocating only the (at most two) servers a move touches and refreshing
 * their U and w; a move whose servers changed earlier in the round is re-ranked against the fresh
 * U first. A move is taken when it lowers the exact cost, so the plan never gets worse.
 *
 * Exact cost: Σ latencies plus `penalty` for every task whose deadline or rate is given up by the
 * allocation (or whose local computing misses its deadline): feasibility comes first. Costs are
 * compared on the touched servers only, where the penalty cannot swamp the latency digits.
 */

export interface ImproveOptions {
  /** performance.now() after which no new move is checked. */
  deadline?: number;
  maxRounds?: number;
  /** Only these tasks are offered moves (repair); all when absent. */
  scope?: Iterable<number>;
}

export class FleetState {
  readonly M: number;
  readonly choice: Int32Array;
  readonly members: number[][];
  readonly alloc: (Allocation | null)[];
  readonly cost: Float64Array;
  readonly w: Float64Array;
  readonly U: Float64Array;
  readonly penalty: number;
  evaluations = 0;
  moves = 0;
  rounds = 0;
  /** Exact allocation time, ms (the rest is ranking). */
  allocationMs = 0;

  /**
   * `preset`: allocations known to be exact for a server's members (in increasing task order),
   * e.g. carried over by repair; those servers are not re-allocated.
   */
  constructor(readonly tasks: TaskOptions[], readonly N: number, choice: ArrayLike<number>, preset?: Map<number, Allocation>) {
    this.M = tasks.length;
    this.choice = Int32Array.from(choice);
    let scale = 1;
    for (const t of tasks) for (const o of t.options) scale = Math.max(scale, o.aloneS);
    this.penalty = 1e6 * scale;
    this.members = Array.from({ length: N }, () => []);
    for (let m = 0; m < this.M; m++) { const n = this.serverOf(m); if (n >= 0) this.members[n].push(m); }
    this.alloc = new Array(N).fill(null);
    this.cost = new Float64Array(N);
    this.w = new Float64Array(this.M).fill(1);
    this.U = new Float64Array(3 * N);
    for (let n = 0; n < N; n++) {
      const given = preset?.get(n);
      this.setServer(n, this.members[n], given ? { alloc: given, cost: given.objective + this.penalty * given.violators.length }
        : this.allocServer(this.members[n], (m) => this.choice[m]));
    }
  }

  serverOf(m: number, c = this.choice[m]): number {
    return c < 0 ? -1 : this.tasks[m].options[c].server;
  }

  taskOf(m: number, c: number): AllocTask {
    return this.tasks[m].options[c].task;
  }

  localCost(m: number): number {
    const l = this.tasks[m].localS;
    return Number.isFinite(l) && !this.tasks[m].hopeless ? l : this.tasks[m].localS + this.penalty;
  }

  /** Exact allocation of a member list; cost = Σ latencies + penalty per given-up task. */
  allocServer(list: number[], choiceOf: (m: number) => number, warm?: Allocation | null): { alloc: Allocation | null; cost: number } {
    if (list.length === 0) return { alloc: null, cost: 0 };
    this.evaluations++;
    const t0 = performance.now();
    // Warm start from the server's current prices: one task more or less moves them little.
    const alloc = quickAllocate(list.map((m) => this.taskOf(m, choiceOf(m))), { relTol: 1e-9, ...(warm ? { prices: warm.prices } : {}) });
    this.allocationMs += performance.now() - t0;
    return { alloc, cost: alloc.objective + this.penalty * alloc.violators.length };
  }

  /** Installs a server's members and allocation, refreshing its weights and surrogate loads. */
  private setServer(n: number, list: number[], st: { alloc: Allocation | null; cost: number }): void {
    this.members[n] = list;
    this.alloc[n] = st.alloc;
    this.cost[n] = st.cost;
    const eta = st.alloc?.deadlineMultipliers;
    list.forEach((m, i) => { const e = eta ? eta[i] : 0; this.w[m] = 1 + (Number.isFinite(e) ? Math.min(e, 1e6) : 0); });
    let u0 = 0; let u1 = 0; let u2 = 0;
    for (const m of list) {
      const t = this.taskOf(m, this.choice[m]);
      const sw = Math.sqrt(this.w[m]);
      u0 += sw * Math.sqrt(t.txS); u1 += sw * Math.sqrt(t.computeS); u2 += sw * Math.sqrt(t.backhaulS);
    }
    this.U[3 * n] = u0; this.U[3 * n + 1] = u1; this.U[3 * n + 2] = u2;
  }

  /** The surrogate change of moving m to option c (-1 local). */
  moveDelta(m: number, c: number): number {
    const cur = this.choice[m];
    const from = this.serverOf(m);
    const to = this.serverOf(m, c);
    const wm = this.w[m];
    const sw = Math.sqrt(wm);
    const U = this.U;
    let d = (c < 0 ? wm * this.localCost(m) : wm * this.taskOf(m, c).fixedS) - (cur < 0 ? wm * this.localCost(m) : wm * this.taskOf(m, cur).fixedS);
    let a0 = 0; let a1 = 0; let a2 = 0;
    if (from >= 0) {
      const t = this.taskOf(m, cur);
      a0 = sw * Math.sqrt(t.txS); a1 = sw * Math.sqrt(t.computeS); a2 = sw * Math.sqrt(t.backhaulS);
      d -= a0 * (2 * U[3 * from] - a0) + a1 * (2 * U[3 * from + 1] - a1) + a2 * (2 * U[3 * from + 2] - a2);
    }
    if (to >= 0) {
      const t = this.taskOf(m, c);
      const b0 = sw * Math.sqrt(t.txS); const b1 = sw * Math.sqrt(t.computeS); const b2 = sw * Math.sqrt(t.backhaulS);
      const same = to === from;
      d += b0 * (2 * (U[3 * to] - (same ? a0 : 0)) + b0) + b1 * (2 * (U[3 * to + 1] - (same ? a1 : 0)) + b1) + b2 * (2 * (U[3 * to + 2] - (same ? a2 : 0)) + b2);
    }
    return d;
  }

  /** The move of m with the least surrogate change (c = choice[m] and delta 0 when none). */
  bestMove(m: number): { c: number; delta: number } {
    let bestC = this.choice[m];
    let bestD = 0;
    const t = this.tasks[m];
    if (this.choice[m] >= 0 && Number.isFinite(t.localS)) { const d = this.moveDelta(m, -1); if (d < bestD) { bestD = d; bestC = -1; } }
    for (let c = 0; c < t.options.length; c++) {
      if (c === this.choice[m]) continue;
      const d = this.moveDelta(m, c);
      if (d < bestD) { bestD = d; bestC = c; }
    }
    return { c: bestC, delta: bestD };
  }

  /** Moves m to option c if that lowers the exact cost; returns whether it did. */
  tryMove(m: number, c: number): boolean {
    const cur = this.choice[m];
    const from = this.serverOf(m);
    const to = this.serverOf(m, c);
    const choiceOf = (i: number) => (i === m ? c : this.choice[i]);
    let before = (cur < 0 ? this.localCost(m) : 0) + (from >= 0 ? this.cost[from] : 0);
    let after = c < 0 ? this.localCost(m) : 0;
    let fromList: number[] | null = null;
    let fromSt: { alloc: Allocation | null; cost: number } | null = null;
    if (from >= 0) {
      fromList = from === to ? this.members[from] : this.members[from].filter((i) => i !== m);
      fromSt = this.allocServer(fromList, choiceOf, this.alloc[from]);
      after += fromSt.cost;
    }
    let toList: number[] | null = null;
    let toSt: { alloc: Allocation | null; cost: number } | null = null;
    if (to >= 0 && to !== from) {
      before += this.cost[to];
      toList = [...this.members[to], m];
      toSt = this.allocServer(toList, choiceOf, this.alloc[to]);
      after += toSt.cost;
    }
    if (!(after < before - 1e-12 * Math.abs(before))) return false;
    this.choice[m] = c;
    if (fromList && fromSt) this.setServer(from, fromList, fromSt);
    if (toList && toSt) this.setServer(to, toList, toSt);
    if (to < 0) this.w[m] = 1;
    this.moves++;
    return true;
  }

  /** Rounds of ranked moves until none improves, the round limit or the deadline. */
  improve(opts: ImproveOptions = {}): void {
    const deadline = opts.deadline ?? Infinity;
    const maxRounds = opts.maxRounds ?? 50;
    const scope = opts.scope ? [...opts.scope] : Array.from({ length: this.M }, (_, m) => m);
    const stamp = new Int32Array(this.N).fill(-1);
    for (let round = 0; round < maxRounds && performance.now() < deadline; round++) {
      this.rounds++;
      const ranked: { m: number; c: number; delta: number }[] = [];
      for (const m of scope) {
        const b = this.bestMove(m);
        if (b.c !== this.choice[m] && b.delta < 0) ranked.push({ m, ...b });
      }
      ranked.sort((x, y) => x.delta - y.delta);
      let taken = 0;
      for (const cand of ranked) {
        if (performance.now() >= deadline) break;
        let c = cand.c;
        const from = this.serverOf(cand.m);
        // Servers changed since the ranking: rank this task's moves again against the fresh loads.
        if ((from >= 0 && stamp[from] === round) || (this.serverOf(cand.m, c) >= 0 && stamp[this.serverOf(cand.m, c)] === round)) {
          const b = this.bestMove(cand.m);
          if (!(b.delta < 0) || b.c === this.choice[cand.m]) continue;
          c = b.c;
        }
        const to = this.serverOf(cand.m, c);
        if (this.tryMove(cand.m, c)) {
          taken++;
          if (from >= 0) stamp[from] = round;
          if (to >= 0) stamp[to] = round;
        }
      }
      if (taken === 0) break;
    }
  }

  /** Σ latencies of the plan and the number of tasks that miss a deadline or rate. */
  totals(): { latencyS: number; violators: number } {
    let latencyS = 0;
    let violators = 0;
    for (let n = 0; n < this.N; n++) {
      const a = this.alloc[n];
      if (!a) continue;
      latencyS += a.objective;
      violators += a.violators.length;
    }
    for (let m = 0; m < this.M; m++) {
      if (this.choice[m] >= 0) continue;
      latencyS += this.tasks[m].localS;
      if (!Number.isFinite(this.tasks[m].localS) || this.tasks[m].hopeless) violators++;
    }
    return { latencyS, violators };
  }
}
