import type { FleetState } from './state.ts';
import { swapCandidates } from './swaps.ts';

/** Latency mode: rounds stop when one lowers the total by less than this fraction. */
const LATENCY_MODE_MIN_GAIN = 1e-3;

export interface ImproveOptions {
  /** A round stops after this many failed exact checks in a row (default: unlimited, 2N ≥ 32 in the latency mode). */
  failsInARow?: number;
  /** Clock time (StateOptions.clock) after which no new move is checked. */
  deadline?: number;
  maxRounds?: number;
  /** Only these tasks are offered moves (repair); all when absent. */
  scope?: Iterable<number>;
}

/**
 * Rounds of ranked moves (each task's best three) until none improves, then a round of ranked
 * swaps; back to moves after a swap is taken. Stops at the round limit or the deadline.
 */
export function improvePlan(st: FleetState, opts: ImproveOptions = {}): void {
  const deadline = opts.deadline ?? Infinity;
  const maxRounds = opts.maxRounds ?? 50;
  const scope = opts.scope ? [...opts.scope] : Array.from({ length: st.M }, (_, m) => m);
  const stamp = new Int32Array(st.N).fill(-1);
  // After the first round only tasks that see a server changed in the last round are ranked
  // again: every other task's surrogate changes are as they were (no better move, or one whose
  // exact check failed on servers that have not changed since).
  let active = scope;
  const now = st.clock;
  // Latency mode (overloaded servers): the surrogate ignores the given-up deadlines and the
  // send-back rule, so most ranked moves fail their exact check, and each check judges a
  // crowded server; a round ends after this many failures in a row, and the rounds end when one
  // gains less than LATENCY_MODE_MIN_GAIN of the total (measured at M = 1,000, N = 8: the last
  // 15 of 22 rounds gained 3 % for 85 % of the time).
  const failCap = opts.failsInARow ?? (st.latencyMode ? Math.max(32, 2 * st.N) : Infinity);
  let lastTotal = Infinity;
  for (let round = 0; round < maxRounds && now() < deadline; round++) {
    st.rounds++;
    if (st.latencyMode) {
      const total = st.totals().latencyS;
      if (round > 0 && !(lastTotal - total > LATENCY_MODE_MIN_GAIN * total)) break;
      lastTotal = total;
    }
    if (round > 0) {
      active = scope.filter((m) => {
        const n = st.serverOf(m);
        if (n >= 0 && stamp[n] === round - 1) return true;
        for (let i = st.off[m]; i < st.off[m + 1]; i++) if (stamp[st.os[i]] === round - 1) return true;
        return false;
      });
    }
    const ranked: { m: number; c: number; delta: number }[] = [];
    for (const m of active) for (const b of st.bestMoves(m, 3)) ranked.push({ m, ...b });
    ranked.sort((x, y) => x.delta - y.delta);
    let taken = 0;
    let fails = 0;
    const moved = new Set<number>();
    for (const cand of ranked) {
      if (now() >= deadline || fails >= failCap) break;
      if (moved.has(cand.m)) continue;
      let c = cand.c;
      const from = st.serverOf(cand.m);
      const target = st.serverOf(cand.m, c);
      // Servers changed since the ranking: the surrogate change of this move is recomputed first.
      if ((from >= 0 && stamp[from] === round) || (target >= 0 && stamp[target] === round)) {
        if (!(st.moveDelta(cand.m, c) < 0)) continue;
      }
      if (!st.tryMove(cand.m, c)) fails++;
      else {
        fails = 0;
        taken++;
        moved.add(cand.m);
        if (from >= 0) stamp[from] = round;
        if (target >= 0) stamp[target] = round;
      }
    }
    if (taken > 0) continue;
    if (now() >= deadline) break;
    // Moves are exhausted: try swaps, ranked the same way.
    const ts = performance.now();
    const swaps = swapCandidates(st, active).sort((x, y) => x.delta - y.delta);
    st.swapMs += performance.now() - ts;
    st.swapRounds++;
    const swapped = new Set<number>();
    fails = 0;
    for (const sw of swaps.slice(0, Math.max(200, 4 * st.N))) {
      if (now() >= deadline || fails >= failCap) break;
      const { a, b } = sw;
      if (swapped.has(a) || swapped.has(b)) continue;
      const na = st.serverOf(a); const nb = st.serverOf(b);
      if (stamp[na] === round || stamp[nb] === round) continue;
      if (!st.tryChanges([[a, sw.ca], [b, sw.cb]])) fails++;
      else {
        fails = 0;
        taken++;
        swapped.add(a); swapped.add(b);
        stamp[na] = round; stamp[nb] = round;
      }
    }
    if (taken === 0) break;
  }
}

