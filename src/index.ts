/**
 * mec-offload as a library: `import { generate, solve, verify } from 'mec-offload'`.
 * Pipeline: generate | parseScenario -> solve (any algorithm, checked) -> verify; docs/api.md.
 */
export {
  listSystems, listAlgorithms, generate, parseScenario, parseResult, solve, verify, lowerBound,
  type Scenario, type Result, type SystemInfo, type AlgorithmInfo, type ApiSolveOptions,
  type CnnCoopScenario, type CnnCoopResult, type HelperCoopScenario, type HelperCoopResult, type ThreeTierScenario, type ThreeTierResult,
} from './api/library.ts';
export { registerAlgorithm, unregisterAlgorithm } from './api/registry.ts';
export {
  compare, compareCase, scenarioBound, leaderboard,
  type CompareRun, type CompareCaseInput, type CompareCaseRow, type LeaderboardRow, type Verdict,
} from './api/compare.ts';
export { casesCsv, compareSpec, formatLeaderboard } from './api/compare-format.ts';
export type { UserAlgorithm } from './api/module.ts';
export type { SolveOutcome } from './api/run.ts';
export { InputError } from './core/errors.ts';
export { SolverFailure, InvalidResultError } from './api/errors.ts';
export type { SolveOptions, VerifyReport, VerifyIssue, ResultEnvelope } from './core/system.ts';
