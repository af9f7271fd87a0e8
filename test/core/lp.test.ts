import { test } from 'node:test';
import assert from 'node:assert/strict';
import { solveLinear, withLpSession } from '../../src/core/lp.ts';

test('solveLinear solves a MILP whose optimum is known by hand (20 chairs, 10 tables, profit 1100)', () => {
  const r = solveLinear({
    numCols: 2, cost: [30, 50], lower: [0, 0], upper: [Infinity, Infinity], sense: 'maximize', integer: [true, true],
    rows: [{ lower: -Infinity, upper: 40, entries: [[0, 1], [1, 2]] }, { lower: -Infinity, upper: 50, entries: [[0, 2], [1, 1]] }],
  });
  assert.equal(r.status, 'optimal');
  assert.ok(Math.abs(r.objective - 1100) < 1e-6);
  assert.deepEqual([...r.x].map(Math.round), [20, 10]);
  assert.ok(Math.abs(r.bound - 1100) < 1e-6);
});

test('solveLinear reports LP duals: min x + y s.t. x + 2y >= 4, 3x + y >= 6 has value 14/5', () => {
  const r = solveLinear({
    numCols: 2, cost: [1, 1], lower: [0, 0], upper: [Infinity, Infinity],
    rows: [{ lower: 4, upper: Infinity, entries: [[0, 1], [1, 2]] }, { lower: 6, upper: Infinity, entries: [[0, 3], [1, 1]] }],
  });
  assert.equal(r.status, 'optimal');
  assert.ok(Math.abs(r.objective - 14 / 5) < 1e-9);
  // Duals y1 = 2/5, y2 = 1/5 (solve A^T y = c).
  assert.ok(Math.abs(Math.abs(r.rowDual[0]) - 0.4) < 1e-9 && Math.abs(Math.abs(r.rowDual[1]) - 0.2) < 1e-9);
});

test('solveLinear says infeasible rather than returning a point', () => {
  const r = solveLinear({ numCols: 1, cost: [1], lower: [0], upper: [1], rows: [{ lower: 2, upper: Infinity, entries: [[0, 1]] }] });
  assert.equal(r.status, 'infeasible');
});

test('an LpSession re-solves after rows are added (cutting planes tighten the optimum)', () => {
  withLpSession({ numCols: 1, cost: [-1], lower: [0], upper: [10], rows: [] }, (lp) => {
    assert.ok(Math.abs(lp.solve().objective + 10) < 1e-9);
    lp.addRows([{ lower: -Infinity, upper: 3, entries: [[0, 1]] }]);
    assert.ok(Math.abs(lp.solve().objective + 3) < 1e-9);
  });
});
