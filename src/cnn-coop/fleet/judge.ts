import { allocate, phaseOneLoad, type Allocation, type AllocTask } from '../allocation.ts';

/**
 * The fleet planner's per-server judge: the allocation (30) of allocation.ts, with two changes
 * that matter only on overloaded servers, where the plain `allocate` was most of fleet's time
 * (measured: 12 ms per 50-task server at M = 200, N = 4, 70 ms per 125-task server at M = 1,000,
 * N = 8, each the same order as the whole budget the controller gives):
 *
 *  - Triage in batches. `allocate` gives up one deadline at a time, each time re-running its
 *    dual (up to 12 sweeps) and a phase-I search: O(violators · sweeps · n). Here the phase-I
 *    loads (allocation.ts's phaseOneLoad: under weights w on the three resources, each task's
 *    least weighted share that keeps its deadline; Σ > 1 proves the server cannot keep them all)
 *    are read once, and the deadlines of the tasks with the largest loads are given up together
 *    until Σ ≤ 1 at that w, which is the fewest that w allows; then phase I again on the rest,
 *    and `allocate` on the result, which gives up any further deadlines itself (few or none). The
 *    same rule as `allocate`'s (largest phase-I load first), without the re-solve after each.
 *  - `cheap`: the closed-form shares (∝ sqrt(t), optimal when nothing binds), O(n), for when the
 *    time budget is spent: always a valid division of the server (Σ shares = 1), the tasks it
 *    leaves late are reported as violators.
 * The shares returned are what the plan's result reports (fleet/result.ts), so whatever the judge
 * decides is checked by the independent checker like any other plan.
 */

/** The unweighted optimum without deadlines and floors: shares ∝ sqrt(t); `binding` when a deadline or floor is missed. */
function closedForm(tasks: AllocTask[]): { alloc: Allocation; binding: boolean } {
  const n = tasks.length;
  let s0 = 0; let s1 = 0; let s2 = 0;
  for (const t of tasks) { s0 += Math.sqrt(t.txS); s1 += Math.sqrt(t.computeS); s2 += Math.sqrt(t.backhaulS); }
  const alpha = new Array<number>(n);
  const beta = new Array<number>(n);
  const lambda = new Array<number>(n);
  const latencyS = new Array<number>(n);
  const violators: number[] = [];
  let objective = 0;
  for (let i = 0; i < n; i++) {
    const t = tasks[i];
    alpha[i] = t.txS === 0 ? 0 : Math.sqrt(t.txS) / s0;
    beta[i] = t.computeS === 0 ? 0 : Math.sqrt(t.computeS) / s1;
    lambda[i] = t.backhaulS === 0 ? 0 : Math.sqrt(t.backhaulS) / s2;
    latencyS[i] = (t.txS ? t.txS / alpha[i] : 0) + (t.computeS ? t.computeS / beta[i] : 0) + (t.backhaulS ? t.backhaulS / lambda[i] : 0) + t.fixedS;
    objective += latencyS[i];
    // A margin below the checkers' tolerance, as quick-allocation.ts.
    if (alpha[i] < t.minAlpha || latencyS[i] > t.deadlineS * (1 - 1e-9)) violators.push(i);
  }
  return {
    alloc: {
      alpha, beta, lambda, latencyS, objective, dualBound: objective, prices: [s0 * s0, s1 * s1, s2 * s2],
      deadlineMultipliers: new Array<number>(n).fill(0), feasible: violators.length === 0, violators, sweeps: 0,
    },
    binding: violators.length > 0,
  };
}

/** Phase-I rounds of batch triage before `allocate` takes over. */
const TRIAGE_ROUNDS = 8;

export function judgeServer(tasks: AllocTask[], opts: { prices?: readonly number[]; cheap?: boolean; timeUp?: () => boolean } = {}): Allocation {
  const quick = closedForm(tasks);
  if (!quick.binding || opts.cheap) return quick.alloc;
  const work = tasks.map((t) => ({ ...t }));
  const given = new Set<number>();
  for (let round = 0; round < TRIAGE_ROUNDS; round++) {
    // The budget is read between rounds too (a crowded server's triage is the longest step a
    // budgeted solve cannot otherwise cut): once spent, the closed-form shares.
    if (opts.timeUp?.()) return quick.alloc;
    // The coarse grid only: it certifies a crowded server at once; a server it does not certify
    // goes to `allocate`, which searches further itself if its dual does not converge.
    const load = phaseOneLoad(work, { refine: false });
    if (!(load.max > 1 + 1e-9)) break;
    // Largest loads first, until the rest fit under this w.
    const order = work.flatMap((t, i) => (Number.isFinite(t.deadlineS) ? [i] : [])).sort((a, b) => load.perTask[b] - load.perTask[a]);
    // A task that cannot keep its deadline even alone has an infinite load: given up first. The
    // sum includes the rate floors of tasks already given up (they keep their floors); a task
    // given up here keeps its floor too, which the next phase-I round accounts for.
    let sum = 0;
    for (const l of load.perTask) if (Number.isFinite(l)) sum += l;
    for (const i of order) {
      const l = load.perTask[i];
      if (Number.isFinite(l) && !(sum > 1 + 1e-9)) break;
      if (Number.isFinite(l)) sum -= l;
      work[i].deadlineS = Infinity;
      given.add(i);
    }
    if (order.length === 0) break;
  }
  if (given.size > 0 && opts.timeUp?.()) return quick.alloc;
  const a = allocate(work, { relTol: 1e-9, ...(opts.prices ? { prices: opts.prices } : {}) });
  if (given.size === 0) return a;
  const violators = [...new Set([...given, ...a.violators])].sort((x, y) => x - y);
  return { ...a, violators, feasible: false };
}
