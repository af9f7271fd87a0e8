import type { Allocation, AllocTask } from '../allocation.ts';
import type { TaskOptions } from '../options.ts';
import { judgeServer } from './judge.ts';
import { improvePlan, type ImproveOptions } from './improve.ts';

export type { ImproveOptions };

/**
 * A fleet plan under improvement: each task's option (index into its candidate options, -1 local),
 * every server's members and exact allocation (30), and the closed-form surrogate that ranks
 * moves.
 *
 * Surrogate (search.ts's, made incremental): with deadline weights w_m = 1 + η_m read from the
 * exact allocations, server n's weighted optimal cost without deadlines is Σ_r U_nr² with
 * U_nr = Σ_{i on n} sqrt(w_i t_ir), so moving task m from (n, v) to (n', v') changes it by
 *   -(2 U_n·v - |v|²) + 2 U_n'·v' + |v'|²  (plus the share-free terms),
 * O(1) per candidate. A round ranks each task's three best moves by it (O(M·options)), then checks
 * the ranked moves exactly, re-allocating only the (at most two) servers a move touches, warm
 * started from their prices, and refreshing their U and w; a move whose servers changed earlier in
 * the round has its surrogate change recomputed first. A move is taken when it lowers the exact
 * cost, so the plan never gets worse. When no move is taken, swaps are ranked and checked the same
 * way. Later rounds rank only the tasks that see a server changed in the round before.
 *
 * Exact cost: Σ latencies plus `penalty` for every task whose deadline or rate is given up by the
 * allocation (or whose local computing misses its deadline): feasibility comes first. Costs are
 * compared on the touched servers only, where the penalty cannot swamp the latency digits.
 */

export interface StateOptions {
  /** Allocations known to be exact for a server's members (in increasing task order), e.g. carried over by repair: not re-allocated. */
  preset?: Map<number, Allocation>;
  /** Milliseconds, monotone (default performance.now); tests inject one. */
  clock?: () => number;
  /** Clock time after which servers get judge.ts's closed-form shares (O(n), valid, not optimal): the budget is spent. */
  cheapAfter?: number;
  /** Every task's own local latency, whether it meets the deadline or not (physics' localS): needed by the latency mode. */
  rawLocalS?: ArrayLike<number>;
  /** Start in the latency mode (see `useLatencyMode`). */
  latencyMode?: boolean;
}

/** A server's judged allocation; `list` its members after `evicted` went back to their devices (latency mode). */
interface Judged { alloc: Allocation | null; cost: number; list: number[]; evicted: number[] }

export class FleetState {
  readonly M: number;
  readonly choice: Int32Array;
  readonly members: number[][];
  readonly alloc: (Allocation | null)[];
  readonly cost: Float64Array;
  readonly w: Float64Array;
  readonly U: Float64Array;
  penalty: number;
  /**
   * Latency mode (overloaded instances, where no plan meets every deadline): the exact cost is
   * the plain Σ latencies (penalty 0), every task may go local whether or not its device meets
   * the deadline, and a task whose deadline the allocation gave up and that would finish sooner on
   * its own device goes back there, as mdo's plan.ts does ("Algorithm 3" plus that rule): this
   * only lowers the total (the task gets faster, the others keep a feasible point of a smaller
   * problem).
   */
  latencyMode = false;
  private readonly rawLocal: Float64Array;
  evaluations = 0;
  moves = 0;
  rounds = 0;
  /** Exact allocation time, ms (the rest is ranking). */
  allocationMs = 0;
  swapMs = 0;
  swapRounds = 0;
  /** Task m's options are [off[m], off[m + 1]) in the flat arrays; sq holds sqrt of each option's three times. */
  readonly off: Int32Array;
  readonly sq: Float64Array;
  /** Share-free time and server of each option. */
  private readonly fx: Float64Array;
  readonly os: Int32Array;
  /** Per task, made when first needed: (server, first option, end) triples; options are grouped by server. */
  private readonly groups: (Int32Array | undefined)[];
  readonly clock: () => number;
  /** Clock time after which allocations get closed-form shares (StateOptions.cheapAfter; may be moved). */
  cheapAfter: number;
  /** Servers given closed-form shares because the budget was spent. */
  cheapAllocations = 0;

  groupsOf(m: number): Int32Array {
    let g = this.groups[m];
    if (!g) {
      const out: number[] = [];
      this.tasks[m].options.forEach((o, c) => {
        if (c === 0 || o.server !== this.tasks[m].options[c - 1].server) out.push(o.server, c, c + 1);
        else out[out.length - 1] = c + 1;
      });
      g = Int32Array.from(out);
      this.groups[m] = g;
    }
    return g;
  }

  constructor(readonly tasks: TaskOptions[], readonly N: number, choice: ArrayLike<number>, opts: StateOptions = {}) {
    const preset = opts.preset;
    this.clock = opts.clock ?? (() => performance.now());
    this.cheapAfter = opts.cheapAfter ?? Infinity;
    this.M = tasks.length;
    this.rawLocal = opts.rawLocalS ? Float64Array.from(opts.rawLocalS) : Float64Array.from(tasks, (t) => t.localS);
    this.latencyMode = opts.latencyMode === true;
    this.choice = Int32Array.from(choice);
    let scale = 1;
    for (const t of tasks) for (const o of t.options) scale = Math.max(scale, o.aloneS);
    this.penalty = this.latencyMode ? 0 : 1e6 * scale;
    // One flat array for every option's vector (a repair builds a state per change: no per-task allocation).
    this.off = new Int32Array(this.M + 1);
    for (let m = 0; m < this.M; m++) this.off[m + 1] = this.off[m] + tasks[m].options.length;
    this.sq = new Float64Array(3 * this.off[this.M]);
    this.fx = new Float64Array(this.off[this.M]);
    this.os = new Int32Array(this.off[this.M]);
    for (let m = 0; m < this.M; m++) {
      const opts = tasks[m].options;
      for (let c = 0; c < opts.length; c++) {
        const j = 3 * (this.off[m] + c);
        const t = opts[c].task;
        this.fx[this.off[m] + c] = t.fixedS;
        this.os[this.off[m] + c] = opts[c].server;
        this.sq[j] = Math.sqrt(t.txS); this.sq[j + 1] = Math.sqrt(t.computeS); this.sq[j + 2] = Math.sqrt(t.backhaulS);
      }
    }
    this.groups = new Array(this.M);
    this.members = Array.from({ length: N }, () => []);
    for (let m = 0; m < this.M; m++) { const n = this.serverOf(m); if (n >= 0) this.members[n].push(m); }
    this.alloc = new Array(N).fill(null);
    this.cost = new Float64Array(N);
    this.w = new Float64Array(this.M).fill(1);
    this.U = new Float64Array(3 * N);
    for (let n = 0; n < N; n++) {
      const given = preset?.get(n);
      const st = given ? { alloc: given, cost: given.objective + this.penalty * given.violators.length, list: this.members[n], evicted: [] }
        : this.allocServer(this.members[n], (m) => this.choice[m]);
      for (const e of st.evicted) this.choice[e] = -1;
      this.setServer(n, st.list, st);
    }
  }

  /**
   * Switches to the latency mode (see `latencyMode`): costs lose their penalty and every server
   * with a given-up deadline is judged again with the send-back rule.
   */
  useLatencyMode(): void {
    if (this.latencyMode) return;
    this.latencyMode = true;
    this.penalty = 0;
    for (let n = 0; n < this.N; n++) {
      const a = this.alloc[n];
      if (!a) continue;
      if (a.violators.length === 0) { this.cost[n] = a.objective; continue; }
      const st = this.allocServer(this.members[n], (m) => this.choice[m], a, a);
      for (const e of st.evicted) this.choice[e] = -1;
      this.setServer(n, st.list, st);
    }
  }

  serverOf(m: number, c = this.choice[m]): number {
    return c < 0 ? -1 : this.tasks[m].options[c].server;
  }

  taskOf(m: number, c: number): AllocTask {
    return this.tasks[m].options[c].task;
  }

  localCost(m: number): number {
    if (this.latencyMode) return this.rawLocal[m];
    const l = this.tasks[m].localS;
    return Number.isFinite(l) && !this.tasks[m].hopeless ? l : this.tasks[m].localS + this.penalty;
  }

  /** Exact allocation of a member list; cost = Σ latencies + penalty per given-up task. */
  allocServer(list: number[], choiceOf: (m: number) => number, warm?: Allocation | null, given?: Allocation): Judged {
    const evicted: number[] = [];
    for (;;) {
      if (list.length === 0) return { alloc: null, cost: 0, list, evicted };
      // `given`: the list's allocation is already known (the send-back rule only is to be applied).
      const alloc = given ?? this.judge(list, choiceOf, warm);
      given = undefined;
      const back = this.latencyMode ? alloc.violators.filter((i) => alloc.latencyS[i] > this.rawLocal[list[i]]) : [];
      if (back.length === 0) return { alloc, cost: alloc.objective + this.penalty * alloc.violators.length, list, evicted };
      const out = new Set(back.map((i) => list[i]));
      evicted.push(...out);
      list = list.filter((m) => !out.has(m));
      warm = alloc;
    }
  }

  private judge(list: number[], choiceOf: (m: number) => number, warm?: Allocation | null): Allocation {
    this.evaluations++;
    const t0 = performance.now();
    const cheap = this.clock() >= this.cheapAfter;
    if (cheap) this.cheapAllocations++;
    // Warm start from the server's current prices: one task more or less moves them little.
    // The judge also reads the budget between its triage rounds; a `true` there means it returned the closed form.
    let cut = false;
    const timeUp = () => (cut = this.clock() >= this.cheapAfter);
    const alloc = judgeServer(list.map((m) => this.taskOf(m, choiceOf(m))), {
      cheap, ...(warm ? { prices: warm.prices } : {}), ...(Number.isFinite(this.cheapAfter) ? { timeUp } : {}),
    });
    if (cut) this.cheapAllocations++;
    this.allocationMs += performance.now() - t0;
    return alloc;
  }

  /** Installs a server's members and allocation, refreshing its weights and surrogate loads. */
  private setServer(n: number, list: number[], st: { alloc: Allocation | null; cost: number }): void {
    if (list !== this.members[n]) for (const m of this.members[n]) if (this.choice[m] < 0) this.w[m] = 1;
    this.members[n] = list;
    this.alloc[n] = st.alloc;
    this.cost[n] = st.cost;
    const eta = st.alloc?.deadlineMultipliers;
    list.forEach((m, i) => { const e = eta ? eta[i] : 0; this.w[m] = 1 + (Number.isFinite(e) ? Math.min(e, 1e6) : 0); });
    let u0 = 0; let u1 = 0; let u2 = 0;
    const v = this.sq;
    for (const m of list) {
      const j = 3 * (this.off[m] + this.choice[m]);
      const sw = Math.sqrt(this.w[m]);
      u0 += sw * v[j]; u1 += sw * v[j + 1]; u2 += sw * v[j + 2];
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
    const v = this.sq;
    const base = 3 * this.off[m];
    if (from >= 0) {
      a0 = sw * v[base + 3 * cur]; a1 = sw * v[base + 3 * cur + 1]; a2 = sw * v[base + 3 * cur + 2];
      d -= a0 * (2 * U[3 * from] - a0) + a1 * (2 * U[3 * from + 1] - a1) + a2 * (2 * U[3 * from + 2] - a2);
    }
    if (to >= 0) {
      const b0 = sw * v[base + 3 * c]; const b1 = sw * v[base + 3 * c + 1]; const b2 = sw * v[base + 3 * c + 2];
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
    if (this.choice[m] >= 0 && Number.isFinite(this.localCost(m))) { const d = this.moveDelta(m, -1); if (d < bestD) { bestD = d; bestC = -1; } }
    for (let c = 0; c < t.options.length; c++) {
      if (c === this.choice[m]) continue;
      const d = this.moveDelta(m, c);
      if (d < bestD) { bestD = d; bestC = c; }
    }
    return { c: bestC, delta: bestD };
  }

  /** Moves m to option c if that lowers the exact cost; returns whether it did. */
  tryMove(m: number, c: number): boolean {
    return this.tryChanges([[m, c]]);
  }

  /**
   * Applies the changes (task, new option) together if that lowers the exact cost of the servers
   * they touch (re-allocated, warm started); returns whether it did.
   */
  tryChanges(changes: [number, number][]): boolean {
    const next = new Map(changes);
    const choiceOf = (i: number) => (next.has(i) ? next.get(i)! : this.choice[i]);
    const touched = new Set<number>();
    let before = 0;
    let after = 0;
    for (const [m, c] of changes) {
      const from = this.serverOf(m);
      const to = this.serverOf(m, c);
      if (from >= 0) touched.add(from); else before += this.localCost(m);
      if (to >= 0) touched.add(to); else after += this.localCost(m);
    }
    const fresh: [number, Judged][] = [];
    for (const n of touched) {
      before += this.cost[n];
      const list = this.members[n].filter((i) => this.serverOf(i, choiceOf(i)) === n);
      for (const [m, c] of changes) if (this.serverOf(m, c) === n && this.serverOf(m) !== n) list.push(m);
      const st = this.allocServer(list, choiceOf, this.alloc[n]);
      fresh.push([n, st]);
      after += st.cost;
      for (const e of st.evicted) after += this.localCost(e);
    }
    if (!(after < before - 1e-12 * Math.abs(before))) return false;
    for (const [m, c] of changes) { this.choice[m] = c; if (c < 0) this.w[m] = 1; }
    for (const [, st] of fresh) for (const e of st.evicted) { this.choice[e] = -1; this.w[e] = 1; }
    for (const [n, st] of fresh) this.setServer(n, st.list, st);
    this.moves++;
    return true;
  }

  /** Up to `k` moves of m of least surrogate change, all improving (delta < 0). */
  bestMoves(m: number, k: number): { c: number; delta: number }[] {
    // moveDelta for every option, with the parts that do not depend on the target computed once.
    const out: { c: number; delta: number }[] = [];
    const consider = (c: number, d: number) => {
      if (!(d < 0) || (out.length === k && d >= out[k - 1].delta)) return;
      if (out.length === k) out.pop();
      let i = out.length;
      out.push({ c, delta: d });
      while (i > 0 && out[i - 1].delta > d) { out[i] = out[i - 1]; i--; }
      out[i] = { c, delta: d };
    };
    const U = this.U;
    const v = this.sq;
    const cur = this.choice[m];
    const from = this.serverOf(m);
    const wm = this.w[m];
    const sw = Math.sqrt(wm);
    const base = this.off[m];
    const linCur = cur < 0 ? wm * this.localCost(m) : wm * this.fx[base + cur];
    let a0 = 0; let a1 = 0; let a2 = 0; let removed = 0;
    if (from >= 0) {
      const j = 3 * (base + cur);
      a0 = sw * v[j]; a1 = sw * v[j + 1]; a2 = sw * v[j + 2];
      removed = a0 * (2 * U[3 * from] - a0) + a1 * (2 * U[3 * from + 1] - a1) + a2 * (2 * U[3 * from + 2] - a2);
    }
    const t = this.tasks[m];
    if (cur >= 0 && Number.isFinite(this.localCost(m))) consider(-1, wm * this.localCost(m) - linCur - removed);
    const end = this.off[m + 1] - base;
    for (let c = 0; c < end; c++) {
      if (c === cur) continue;
      const to = this.os[base + c];
      const j = 3 * (base + c);
      const b0 = sw * v[j]; const b1 = sw * v[j + 1]; const b2 = sw * v[j + 2];
      const same = to === from;
      const d = wm * this.fx[base + c] - linCur - removed
        + b0 * (2 * (U[3 * to] - (same ? a0 : 0)) + b0) + b1 * (2 * (U[3 * to + 1] - (same ? a1 : 0)) + b1) + b2 * (2 * (U[3 * to + 2] - (same ? a2 : 0)) + b2);
      consider(c, d);
    }
    return out;
  }

  /** Ranked moves and swaps (fleet/improve.ts). */
  improve(opts: ImproveOptions = {}): void {
    improvePlan(this, opts);
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
      latencyS += this.rawLocal[m];
      if (!(this.rawLocal[m] <= this.tasks[m].deadlineS) || this.tasks[m].hopeless) violators++;
    }
    return { latencyS, violators };
  }
}
