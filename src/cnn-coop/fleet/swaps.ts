import type { FleetState } from './state.ts';

export interface SwapCandidate { a: number; ca: number; b: number; cb: number; delta: number }

/**
 * Swap candidates: a on server n1 and b on n2 exchange servers, each taking its best split there
 * (surrogate), for n2 among the servers a's own best moves go to and every b there that may use
 * n1. O(M · 3 · members per server) per call.
 */
export function swapCandidates(st: FleetState, scope: number[]): SwapCandidate[] {
  const out: SwapCandidate[] = [];
  const U = st.U;
  /** Least surrogate cost of m on server n when its load is U_n - sw_x·sq_x (x's current vector): [option, cost]. */
  let bestC = -1;
  const v = st.sq;
  const bestOn = (m: number, n: number, x: number): number => {
    const sw = Math.sqrt(st.w[m]);
    const jx = 3 * (st.off[x] + st.choice[x]);
    const swx = Math.sqrt(st.w[x]);
    const L0 = U[3 * n] - swx * v[jx]; const L1 = U[3 * n + 1] - swx * v[jx + 1]; const L2 = U[3 * n + 2] - swx * v[jx + 2];
    let bestD = Infinity;
    bestC = -1;
    const g = st.groupsOf(m);
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < g.length; i += 3) if (g[i] === n) { lo = g[i + 1]; hi = g[i + 2]; break; }
    const base = 3 * st.off[m];
    for (let c = lo; c < hi; c++) {
      const b0 = sw * v[base + 3 * c]; const b1 = sw * v[base + 3 * c + 1]; const b2 = sw * v[base + 3 * c + 2];
      const d = st.w[m] * st.tasks[m].options[c].task.fixedS + b0 * (2 * L0 + b0) + b1 * (2 * L1 + b1) + b2 * (2 * L2 + b2);
      if (d < bestD) { bestD = d; bestC = c; }
    }
    return bestD;
  };
  const removal = (m: number, n: number) => {
    const c = st.choice[m];
    const j = 3 * (st.off[m] + c);
    const sw = Math.sqrt(st.w[m]);
    const a0 = sw * v[j]; const a1 = sw * v[j + 1]; const a2 = sw * v[j + 2];
    return st.w[m] * st.tasks[m].options[c].task.fixedS + a0 * (2 * U[3 * n] - a0) + a1 * (2 * U[3 * n + 1] - a1) + a2 * (2 * U[3 * n + 2] - a2);
  };
  const targets = new Set<number>();
  for (const a of scope) {
    const n1 = st.serverOf(a);
    if (n1 < 0) continue;
    const remA = removal(a, n1);
    // The servers a would move to on its own (its best-ranked moves): a swap makes room there.
    targets.clear();
    for (const mv of st.bestMoves(a, 3)) { const n = st.serverOf(a, mv.c); if (n >= 0 && n !== n1) targets.add(n); }
    for (const n2 of targets) {
      for (const b of st.members[n2]) {
        const dB = bestOn(b, n1, a);
        if (bestC < 0) continue;
        const cb = bestC;
        const dA = bestOn(a, n2, b);
        const delta = dA + dB - remA - removal(b, n2);
        if (delta < 0) out.push({ a, ca: bestC, b, cb, delta });
      }
    }
  }
  return out;
}
