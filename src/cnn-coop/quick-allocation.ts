import { allocate, type Allocation, type AllocTask } from './allocation.ts';

/**
 * The per-server allocation (30) in closed form when its deadlines and rate floors do not bind.
 * Without them the optimum is shares ∝ sqrt(t) per resource (KKT: t/s² = ν_r, Σ s = 1, so
 * sqrt(ν_r) = Σ_i sqrt(t_ir)) with cost Σ_r (Σ_i sqrt(t_ir))²; if those shares meet every deadline
 * and floor they are optimal for (30) too (a feasible point that is optimal for a relaxation), and
 * the dual value equals the objective. Otherwise `allocate` solves it. The search and the branch
 * and bound evaluate thousands of task sets, most of them slack, so this saves most of their time.
 */
export function quickAllocate(tasks: AllocTask[], opts: Parameters<typeof allocate>[1] = {}): Allocation {
  const n = tasks.length;
  const sum = [0, 0, 0];
  for (const t of tasks) { sum[0] += Math.sqrt(t.txS); sum[1] += Math.sqrt(t.computeS); sum[2] += Math.sqrt(t.backhaulS); }
  const share = (time: number, r: number) => (time === 0 ? 0 : Math.sqrt(time) / sum[r]);
  const alpha = new Array<number>(n);
  const beta = new Array<number>(n);
  const lambda = new Array<number>(n);
  const latencyS = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const t = tasks[i];
    alpha[i] = share(t.txS, 0);
    beta[i] = share(t.computeS, 1);
    lambda[i] = share(t.backhaulS, 2);
    latencyS[i] = (t.txS ? t.txS / alpha[i] : 0) + (t.computeS ? t.computeS / beta[i] : 0) + (t.backhaulS ? t.backhaulS / lambda[i] : 0) + t.fixedS;
    // A binding floor or deadline (with a margin below the checkers' tolerance): solve it properly.
    if (alpha[i] < t.minAlpha || latencyS[i] > t.deadlineS * (1 - 1e-9)) return allocate(tasks, opts);
  }
  const objective = latencyS.reduce((a, b) => a + b, 0);
  return {
    alpha, beta, lambda, latencyS, objective, dualBound: objective,
    prices: [sum[0] ** 2, sum[1] ** 2, sum[2] ** 2],
    deadlineMultipliers: new Array<number>(n).fill(0),
    feasible: true, violators: [], sweeps: 0,
  };
}
