import { Worker } from 'node:worker_threads';
import type { Result, Scenario } from '../cnn-coop/model.ts';
import type { VerifyIssue } from '../core/system.ts';

/**
 * The planner behind the controller: a scenario in, a verified result out. The solve runs on a
 * worker thread so that reports keep being accepted and acknowledged while a large instance is
 * being planned; the inline variant (same code path, this thread) is for tests and tiny setups.
 */
export type PlanOutcome =
  | { ok: true; result: Result; verified: boolean; issues: VerifyIssue[]; solveMs: number }
  | { ok: false; error: string };

export interface Planner {
  readonly algorithm: string;
  plan(scenario: Scenario): Promise<PlanOutcome>;
  close(): Promise<void>;
}

export interface PlanJob {
  id: number;
  system: string;
  algorithm: string;
  scenario: Scenario;
}

/** What the worker does with one job; also the inline planner's body. */
export async function runPlanJob(job: PlanJob): Promise<PlanOutcome> {
  try {
    const { getSystem } = await import('../systems.ts');
    const { findAlgorithm, runAlgorithm } = await import('../core/system.ts');
    const system = getSystem(job.system);
    const algorithm = findAlgorithm(system, job.algorithm);
    if (!algorithm) return { ok: false, error: `unknown algorithm "${job.algorithm}"` };
    const scenario = system.parseScenario(job.scenario);
    const result = runAlgorithm(algorithm, scenario) as Result;
    // the independent checker: a plan is only called verified if every constraint recomputes
    const report = system.verify(scenario, result);
    return { ok: true, result, verified: report.ok, issues: report.issues.slice(0, 20), solveMs: result.solveMs };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

/** Names of the algorithms the planner can run (throws InputError for an unknown system). */
export async function availableAlgorithms(system: string): Promise<{ names: string[]; defaultName: string }> {
  const { getSystem } = await import('../systems.ts');
  const s = getSystem(system);
  return { names: s.algorithms.map((a) => a.name), defaultName: s.defaultAlgorithm };
}

export function inlinePlanner(algorithm: string, system = 'cnn-coop'): Planner {
  let id = 0;
  return { algorithm, plan: (scenario) => runPlanJob({ id: ++id, system, algorithm, scenario }), close: async () => {} };
}

export function workerPlanner(algorithm: string, system = 'cnn-coop'): Planner {
  const worker = new Worker(new URL('./planner-worker.ts', import.meta.url), { execArgv: ['--import', 'tsx'] });
  worker.unref();
  const waiting = new Map<number, (o: PlanOutcome) => void>();
  let id = 0;
  let dead: string | null = null;
  const failAll = (why: string) => {
    dead = why;
    for (const resolve of waiting.values()) resolve({ ok: false, error: why });
    waiting.clear();
  };
  worker.on('message', (msg: { id: number; outcome: PlanOutcome }) => {
    waiting.get(msg.id)?.(msg.outcome);
    waiting.delete(msg.id);
  });
  worker.on('error', (err) => failAll(`planner thread failed: ${err.message}`));
  worker.on('exit', (code) => failAll(`planner thread exited (${code})`));
  return {
    algorithm,
    plan(scenario) {
      if (dead) return Promise.resolve({ ok: false, error: dead });
      const job: PlanJob = { id: ++id, system, algorithm, scenario };
      return new Promise((resolve) => {
        waiting.set(job.id, resolve);
        worker.postMessage(job);
      });
    },
    async close() {
      worker.removeAllListeners('exit');
      await worker.terminate();
    },
  };
}
