import { ConeKkt, type ConeProblem, type KktBuffers } from './rlt-ipm-kkt.ts';
import { Team, threadDefaults, type Execute, type ThreadOptions } from './rlt-ipm-team.ts';

/**
 * The interior-point method's sweeps as commands on chunks of devices, run by either thread
 * (rlt-ipm-team.ts): the same code and the same shared arrays in both. Arrays are named by their
 * index in `arrays`, all over SharedArrayBuffers.
 */
export interface SweepState {
  p: ConeProblem;
  kkt: KktBuffers;
  arrays: Float64Array[];
}

const FACTOR = 1, SOLVE1 = 2, SOLVE2 = 3;

/** One thread's executor over a solve's shared state (`kkt`: this thread's view, made if not given). */
export function makeExecute(state: SweepState, kkt = new ConeKkt(state.p, state.kkt)): Execute {
  const A = state.arrays;
  return (cmd, c, ints) => {
    switch (cmd) {
      case FACTOR: kkt.factorChunk(c, A[ints[0]], A[ints[1]]); return;
      case SOLVE1: kkt.solveChunk1(c, A[ints[0]], A[ints[1]], A[ints[2]]); return;
      case SOLVE2: kkt.solveChunk2(c, A[ints[0]], A[ints[1]], A[ints[2]], A[ints[3]], A[ints[4]], A[ints[5]], A[ints[6]]); return;
      default: throw new Error(`unknown sweep command ${cmd}`);
    }
  };
}

/** A Float64Array over a SharedArrayBuffer (so that the helper thread sees it). */
export const shared = (n: number): Float64Array => new Float64Array(new SharedArrayBuffer(8 * Math.max(1, n)), 0, n);

/** The main thread's side: the factorisation and KKT solves of one solve, on the team. */
export class Sweeps {
  readonly kkt: ConeKkt;
  private readonly team: Team;
  private readonly ids = new Map<Float64Array, number>();

  /** `arrays`: every array a command may be given (shared). */
  constructor(p: ConeProblem, arrays: Float64Array[], opts: ThreadOptions = {}) {
    const chunks = p.P >= (opts.minPairs ?? threadDefaults.minPairs) ? 2 : 1;
    this.kkt = new ConeKkt(p, chunks);
    arrays.forEach((a, i) => this.ids.set(a, i));
    const state: SweepState = { p, kkt: this.kkt.b, arrays };
    this.team = new Team(chunks, makeExecute(state, this.kkt), state, opts);
  }

  private id(a: Float64Array): number {
    const i = this.ids.get(a);
    if (i === undefined) throw new Error('array not shared with the sweeps');
    return i;
  }

  factor(wL: Float64Array, nt: Float64Array): void {
    this.kkt.factor(wL, nt, () => this.team.args([this.id(wL), this.id(nt)]).run(FACTOR));
  }

  solve(ry: Float64Array, bzL: Float64Array, bzK: Float64Array, dy: Float64Array, dzL: Float64Array, dzK: Float64Array, dztK: Float64Array): void {
    const ids = [ry, bzL, bzK, dy, dzL, dzK, dztK].map((a) => this.id(a));
    this.kkt.solve(bzL, dzL, () => this.team.args(ids).run(SOLVE1), () => this.team.args(ids).run(SOLVE2));
  }

  close(): void { this.team.close(); }
}
