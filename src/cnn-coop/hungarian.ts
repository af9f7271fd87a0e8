/**
 * Minimum-cost assignment of every row to a distinct column (rows ≤ columns): the Hungarian
 * method in its O(n²m) shortest-augmenting-path form with row and column potentials
 * (Kuhn–Munkres as refined by Jonker–Volgenant; see e.g. Burkard, Dell'Amico, Martello,
 * "Assignment Problems", §4.4). Forbidden pairs cost Infinity.
 */
export interface Assignment {
  /** column[i]: the column given to row i. */
  column: number[];
  /** Sum of the chosen costs. */
  total: number;
}

export function hungarian(cost: readonly (readonly number[])[]): Assignment {
  const n = cost.length;
  if (n === 0) return { column: [], total: 0 };
  const m = cost[0].length;
  if (cost.some((row) => row.length !== m)) throw new Error('hungarian: the cost matrix must be rectangular');
  if (n > m) throw new Error(`hungarian: ${n} rows cannot be given distinct columns among ${m}`);
  for (const row of cost) for (const c of row) if (Number.isNaN(c) || c === -Infinity) throw new Error('hungarian: costs must be numbers or +Infinity');

  // 1-based arrays, column 0 is the virtual start of every augmenting path.
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const rowOf = new Int32Array(m + 1); // rowOf[j]: the row (1-based) holding column j, 0 if free
  const way = new Int32Array(m + 1);
  const minv = new Float64Array(m + 1);
  const used = new Uint8Array(m + 1);
  for (let i = 1; i <= n; i++) {
    rowOf[0] = i;
    let j0 = 0;
    minv.fill(Infinity);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = rowOf[j0];
      let delta = Infinity;
      let j1 = -1;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const cur = cost[i0 - 1][j - 1] - u[i0] - v[j];
        if (cur < minv[j]) { minv[j] = cur; way[j] = j0; }
        if (minv[j] < delta) { delta = minv[j]; j1 = j; }
      }
      if (j1 < 0 || delta === Infinity) throw new Error(`hungarian: row ${i - 1} has no allowed column left`);
      for (let j = 0; j <= m; j++) {
        if (used[j]) { u[rowOf[j]] += delta; v[j] -= delta; } else minv[j] -= delta;
      }
      j0 = j1;
    } while (rowOf[j0] !== 0);
    do {
      const j1 = way[j0];
      rowOf[j0] = rowOf[j1];
      j0 = j1;
    } while (j0 !== 0);
  }
  const column = new Array<number>(n).fill(-1);
  for (let j = 1; j <= m; j++) if (rowOf[j] > 0) column[rowOf[j] - 1] = j - 1;
  return { column, total: column.reduce((a, j, i) => a + cost[i][j], 0) };
}
