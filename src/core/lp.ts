import loadHighs from 'highs';

/**
 * The one door to HiGHS (WASM) for every LP and MILP in the project. Models are built from
 * sparse rows and always disposed (`withModel`), since WASM memory is not garbage collected.
 * HiGHS is loaded once at import, so solvers stay synchronous.
 */
const highs = await loadHighs();

export const INF = Infinity;

export interface LinearRow {
  lower: number;
  upper: number;
  /** Pairs of (column index, coefficient). */
  entries: ReadonlyArray<readonly [number, number]>;
}

export interface LinearProgram {
  numCols: number;
  cost: ArrayLike<number>;
  lower: ArrayLike<number>;
  upper: ArrayLike<number>;
  rows: readonly LinearRow[];
  /** Columns restricted to integers (a MILP when any is true). */
  integer?: readonly boolean[];
  sense?: 'minimize' | 'maximize';
  offset?: number;
  /** HiGHS options, e.g. { time_limit: 10, mip_rel_gap: 1e-9 }. */
  options?: Record<string, number | string | boolean>;
}

export type LpStatus = 'optimal' | 'infeasible' | 'unbounded' | 'limit' | 'error';

export interface LpSolution {
  status: LpStatus;
  objective: number;
  x: Float64Array;
  /** Row duals (LP only; sign per HiGHS: for a minimisation, ≤ 0 on binding ≤ rows). */
  rowDual: Float64Array;
  rowValue: Float64Array;
  /** For a MILP: the proved bound on the optimum (equals objective when the gap is closed). */
  bound: number;
}

const toHighsInf = (v: number): number => (v === Infinity ? highs.infinity : v === -Infinity ? -highs.infinity : v);

function csr(rows: readonly LinearRow[], numCols: number) {
  const starts = new Int32Array(rows.length + 1);
  let nnz = 0;
  rows.forEach((r, i) => {
    nnz += r.entries.length;
    starts[i + 1] = nnz;
  });
  const indices = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  let k = 0;
  for (const r of rows) {
    for (const [j, v] of r.entries) {
      indices[k] = j;
      values[k++] = v;
    }
  }
  return { format: 'csr' as const, numRows: rows.length, numCols, starts, indices, values };
}

/**
 * A model kept in HiGHS between solves, for cutting-plane loops: rows are added and the LP is
 * re-solved from the previous basis. Call `dispose()` (or use `withLpSession`).
 */
export class LpSession {
  private readonly model;
  private readonly isMip: boolean;
  private readonly numCols: number;

  constructor(lp: LinearProgram) {
    this.isMip = lp.integer?.some(Boolean) ?? false;
    this.numCols = lp.numCols;
    this.model = highs.createModel({
      numCols: lp.numCols,
      numRows: lp.rows.length,
      sense: lp.sense === 'maximize' ? highs.constants.objectiveSense.maximize : highs.constants.objectiveSense.minimize,
      offset: lp.offset ?? 0,
      colCost: Float64Array.from(lp.cost),
      colLower: Float64Array.from(lp.lower, toHighsInf),
      colUpper: Float64Array.from(lp.upper, toHighsInf),
      rowLower: Float64Array.from(lp.rows, (r) => toHighsInf(r.lower)),
      rowUpper: Float64Array.from(lp.rows, (r) => toHighsInf(r.upper)),
      matrix: csr(lp.rows, lp.numCols),
      ...(this.isMip ? { integrality: Int32Array.from(lp.integer!, (b) => (b ? 1 : 0)) } : {}),
    });
    this.model.options.set({ output_flag: false, ...(lp.options ?? {}) });
  }

  /** Whether `solveTightOrDefault` had to fall back to HiGHS's default tolerances. */
  tolerancesRelaxed = false;

  /**
   * Solves under the session's (tight) tolerances; if HiGHS gives no verdict, as it occasionally
   * does on a nearly degenerate cut set, falls back once for good to its defaults (1e-7), which
   * still give a solution good to about that.
   */
  solveTightOrDefault(): LpSolution {
    let sol = this.solve();
    if (sol.status !== 'optimal' && !this.tolerancesRelaxed) {
      this.setOptions({ primal_feasibility_tolerance: 1e-7, dual_feasibility_tolerance: 1e-7 });
      this.tolerancesRelaxed = true;
      sol = this.solve();
    }
    return sol;
  }

  setOptions(options: Record<string, number | string | boolean>): void {
    this.model.options.set(options);
  }

  addRows(rows: readonly LinearRow[]): void {
    if (rows.length === 0) return;
    this.model.addRows({
      lower: Float64Array.from(rows, (r) => toHighsInf(r.lower)),
      upper: Float64Array.from(rows, (r) => toHighsInf(r.upper)),
      matrix: csr(rows, this.numCols),
    });
  }

  solve(): LpSolution {
    const model = this.model;
    model.run();
    const code = model.getModelStatus();
    const S = highs.constants.modelStatus;
    const status: LpStatus =
      code === S.optimal || code === S.empty ? 'optimal'
      : code === S.infeasible ? 'infeasible'
      : code === S.unbounded || code === S.unboundedOrInfeasible ? 'unbounded'
      : code === S.timeLimit || code === S.iterationLimit || code === S.solutionLimit ? 'limit'
      : 'error';
    const sol = model.getSolution();
    const objective = status === 'optimal' || status === 'limit' ? model.getObjectiveValue() : NaN;
    let bound = objective;
    if (this.isMip) {
      const b = Number(model.info.get('mip_dual_bound'));
      if (Number.isFinite(b)) bound = b;
    }
    return {
      status,
      objective,
      x: Float64Array.from(sol.colValue),
      rowDual: Float64Array.from(sol.rowDual),
      rowValue: Float64Array.from(sol.rowValue),
      bound,
    };
  }

  dispose(): void {
    this.model.dispose();
  }
}

export function withLpSession<T>(lp: LinearProgram, fn: (session: LpSession) => T): T {
  const session = new LpSession(lp);
  try {
    return fn(session);
  } finally {
    session.dispose();
  }
}

export function solveLinear(lp: LinearProgram): LpSolution {
  return withLpSession(lp, (s) => s.solve());
}
