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
    if (algorithm.smallOnly && algorithm.smallOnly.sizeOf(scenario) > algorithm.smallOnly.maxSize) {
      return { ok: false, error: `"${job.algorithm}" is for small instances (size ${algorithm.smallOnly.sizeOf(scenario)} > ${algorithm.smallOnly.maxSize})` };
    }
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
  // Node 20 does not apply `--import tsx` to a worker's own entry file, so a small JS bootstrap
  // registers tsx and then loads the TypeScript entry.
  const entry = new URL('./planner-worker.ts', import.meta.url).href;
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  const waiting = new Map<number, (o: PlanOutcome) => void>();
  let worker: Worker | null = null;
  let id = 0;
  const failAll = (w: Worker, why: string) => {
    if (worker !== w) return;
    // a crashed thread fails the plans it held; the next plan starts a fresh one
    worker = null;
    for (const resolve of waiting.values()) resolve({ ok: false, error: why });
    waiting.clear();
  };
  const spawn = (): Worker => {
    const w = new Worker(bootstrap, { eval: true });
    w.unref();
    w.on('message', (msg: { id: number; outcome: PlanOutcome }) => {
      waiting.get(msg.id)?.(msg.outcome);
      waiting.delete(msg.id);
    });
    w.on('error', (err) => failAll(w, `planner thread failed: ${err.message}`));
    w.on('exit', (code) => failAll(w, `planner thread exited (${code})`));
    return w;
  };
  return {
    algorithm,
    plan(scenario) {
      worker ??= spawn();
      const job: PlanJob = { id: ++id, system, algorithm, scenario };
      const w = worker;
      return new Promise((resolve) => {
        waiting.set(job.id, resolve);
        w.postMessage(job);
      });
    },
    async close() {
      const w = worker;
      worker = null;
      for (const resolve of waiting.values()) resolve({ ok: false, error: 'planner closed' });
      waiting.clear();
      if (w) await w.terminate();
    },
  };
}
