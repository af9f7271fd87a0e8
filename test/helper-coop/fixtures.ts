import fc from 'fast-check';
import { parseScenario, type Scenario } from '../../src/helper-coop/model.ts';
import { generateScenario } from '../../src/helper-coop/generate.ts';

/** The worked example of specs/helper-coop.md §10 (K = 2, d = 20/40 m, f^max = 1.6/2.4 GHz). */
export function workedExample(over: { userBudgetJ?: number; helperBudgetJ?: number; dataBits?: number } = {}): Scenario {
  const helper = (id: string, distanceM: number, maxCpuGHz: number) =>
    ({ id, distanceM, maxCpuGHz, cyclesPerBit: 1000, kappa: 1e-28, txEnergyBudgetJ: over.helperBudgetJ ?? 0.5 });
  return parseScenario({
    system: 'helper-coop', deadlineS: 1, dataBits: over.dataBits ?? 1e6, resultRatio: 0.1, bandwidthMHz: 1, noiseW: 1e-9,
    pathLoss: { gainAt1m: 1e-3, exponent: 3 },
    user: { maxCpuGHz: 3, cyclesPerBit: 1000, kappa: 1e-28, txEnergyBudgetJ: over.userBudgetJ ?? 1 },
    helpers: [helper('H1', 20, 1.6), helper('H2', 40, 2.4)],
    accessPoint: { distanceM: 30, txPowerW: 0.2 },
  });
}

export const relErr = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

/**
 * Random scenarios around the paper's defaults: K, L, T, B, d_max drawn, and in some draws budgets
 * small enough to bind, so every branch of the solvers is exercised.
 */
export function scenarioArb(maxHelpers: number, withTightBudgets = true): fc.Arbitrary<Scenario> {
  return fc.record({
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    helpers: fc.integer({ min: 1, max: maxHelpers }),
    dataMbit: fc.double({ min: 0.2, max: 2.5, noNaN: true }),
    deadlineS: fc.double({ min: 0.4, max: 2, noNaN: true }),
    bandwidthMHz: fc.double({ min: 0.2, max: 2, noNaN: true }),
    maxDistanceM: fc.double({ min: 15, max: 100, noNaN: true }),
    userBudgetJ: withTightBudgets ? fc.constantFrom(1, 1, 0.02, 0.005) : fc.constant(1),
    helperBudgetJ: withTightBudgets ? fc.constantFrom(0.5, 0.5, 0.002, 0.0005) : fc.constant(0.5),
  }).map((p) => {
    const s = generateScenario({ seed: p.seed, helpers: p.helpers, dataBits: p.dataMbit * 1e6, deadlineS: p.deadlineS,
      bandwidthMHz: p.bandwidthMHz, maxDistanceM: p.maxDistanceM });
    s.user.txEnergyBudgetJ = p.userBudgetJ;
    for (const h of s.helpers) h.txEnergyBudgetJ = p.helperBudgetJ;
    return s;
  });
}
