import { Worker } from 'node:worker_threads';
import { randomUUID } from 'node:crypto';
import type { Result, Scenario } from '../cnn-coop/model.ts';
import type { SolveOptions, VerifyIssue } from '../core/system.ts';

/**
 * The planner behind the controller: a scenario in, a checked result out. The solve runs on a
 * worker thread so that reports keep being accepted and acknowledged while a large instance is
 * being planned; the inline variant (same code path, this thread) is for tests and tiny setups.
 * What to run (which algorithm, full or repair, what budget) is the controller's policy
 * (policy.ts); this file only runs it and enforces the hard deadline.
 */
export type PlanOutcome =
  | { ok: true; result: Result; verified: boolean; issues: VerifyIssue[]; solveMs: number; mode: PlanMode; ref: string; timings: PlanTimings }
  | { ok: false; error: string; mode: PlanMode; missedDeadline?: boolean };

export type PlanMode = 'full' | 'repair';

/** Where a job's time went on the planner thread (ms): reading the scenario, the algorithm, the independent check. */
export interface PlanTimings {
  parseMs: number;
  solveMs: number;
  verifyMs: number;
}

export interface PlanRequest {
  scenario: Scenario;
  algorithm: string;
  /** Passed to the algorithm as SolveOptions.timeBudgetMs when it honours it (and to repairPlan). */
  timeBudgetMs?: number;
  /**
   * Repair this plan for `scenario` (fleet/repair.ts) instead of solving from scratch. `ref` is
   * the outcome's ref of that plan: while the planner thread still holds the very objects it
   * planned, it repairs from them (the repair's physics memo is keyed by the scenario object; it
   * also finds a copy by hashing its content, O(M + N), which the handle spares); the copy is
   * used otherwise.
   */
  previous?: { scenario: Scenario; result: Result; ref?: string };
  /** The solve is abandoned after this long (ms); 0 or absent: never. */
  deadlineMs?: number;
}

export interface Planner {
  /** The algorithm used when the controller has no policy of its own ('auto' or a name). */
  readonly algorithm: string;
  plan(req: PlanRequest): Promise<PlanOutcome>;
  /** Starts the planner thread and loads the planner's modules ahead of the first plan. */
  warmUp?(): Promise<void>;
  close(): Promise<void>;
}

export interface PlanJob extends Omit<PlanRequest, 'deadlineMs'> {
  id: number;
  system: string;
}

/** Where the fleet helper's incremental repair lives; loaded only if it is there. */
const REPAIR_MODULE = '../cnn-coop/fleet/repair.ts';
type RepairFn = (previous: { scenario: Scenario; result: Result }, next: Scenario, options?: SolveOptions) => Result;

export async function loadRepair(): Promise<RepairFn | null> {
  try {
    const m = (await import(REPAIR_MODULE)) as { repairPlan?: RepairFn };
    return typeof m.repairPlan === 'function' ? m.repairPlan : null;
  } catch {
    return null;
  }
}

/**
 * The plans this thread made last, by ref: the scenario object the algorithm saw and its result.
 * Refs carry a per-thread nonce, so a fresh thread (after a deadline stopped the old one) or
 * another planner on the same thread never takes a ref for one of its own.
 */
const held = new Map<string, { scenario: Scenario; result: Result }>();
const HELD_MAX = 4;
const threadNonce = randomUUID().slice(0, 8);
let heldSeq = 0;

function hold(scenario: Scenario, result: Result): string {
  const ref = `${threadNonce}:${++heldSeq}`;
  held.set(ref, { scenario, result });
  for (const k of held.keys()) if (held.size > HELD_MAX) held.delete(k);
  return ref;
}

/** Whether this thread still holds the objects of plan `ref` (tests). */
export function holdsPlan(ref: string): boolean {
  return held.has(ref);
}

/** What the worker does with one job; also the inline planner's body. */
export async function runPlanJob(job: PlanJob): Promise<PlanOutcome> {
  const mode: PlanMode = job.previous ? 'repair' : 'full';
  try {
    const { getSystem } = await import('../systems.ts');
    const { findAlgorithm, runAlgorithm } = await import('../core/system.ts');
    const system = getSystem(job.system);
    const tp = performance.now();
    const scenario = system.parseScenario(job.scenario) as Scenario;
    let result: Result;
    const t0 = performance.now();
    if (job.previous) {
      const repair = await loadRepair();
      if (!repair) return { ok: false, error: 'incremental repair is not available (src/cnn-coop/fleet/repair.ts)', mode };
      const mine = job.previous.ref !== undefined ? held.get(job.previous.ref) : undefined;
      result = repair(mine ?? job.previous, scenario, job.timeBudgetMs ? { timeBudgetMs: job.timeBudgetMs } : {});
      result.solveMs = performance.now() - t0;
    } else {
      const algorithm = findAlgorithm(system, job.algorithm);
      if (!algorithm) return { ok: false, error: `unknown algorithm "${job.algorithm}"`, mode };
      if (algorithm.smallOnly && algorithm.smallOnly.sizeOf(scenario) > algorithm.smallOnly.maxSize) {
        return { ok: false, error: `"${job.algorithm}" is for small instances (size ${algorithm.smallOnly.sizeOf(scenario)} > ${algorithm.smallOnly.maxSize})`, mode };
      }
      // a budget goes only to an algorithm that honours it; the hard deadline covers the others
      const options: SolveOptions = job.timeBudgetMs && algorithm.supports?.timeBudgetMs ? { timeBudgetMs: job.timeBudgetMs } : {};
      result = runAlgorithm(algorithm, scenario, options) as Result;
    }
    const t1 = performance.now();
    // the independent checker: a plan is only called verified if every constraint recomputes
    const report = system.verify(scenario, result);
    const timings = { parseMs: t0 - tp, solveMs: t1 - t0, verifyMs: performance.now() - t1 };
    return { ok: true, result, verified: report.ok, issues: report.issues.slice(0, 20), solveMs: result.solveMs, mode, ref: hold(scenario, result), timings };
  } catch (err) {
    return { ok: false, error: (err as Error).message, mode };
  }
}

/**
 * Loads what a plan needs (the system, its algorithms, the repair) on this thread. A fresh
 * planner thread spends 1.3-5 s (measured, load 3-10) transpiling and loading these modules,
 * which the first plan after a start would otherwise wait for.
 */
export async function warmPlanner(system: string): Promise<void> {
  const { getSystem } = await import('../systems.ts');
  await import('../core/system.ts');
  getSystem(system);
  await loadRepair();
}

/** Names of the algorithms the planner can run (throws InputError for an unknown system). */
export async function availableAlgorithms(system: string): Promise<{ names: string[]; defaultName: string }> {
  const { getSystem } = await import('../systems.ts');
  const s = getSystem(system);
  return { names: s.algorithms.map((a) => a.name), defaultName: s.defaultAlgorithm };
}

/** Plans on this thread: no deadline can interrupt it (a synchronous solve holds the thread). */
export function inlinePlanner(algorithm: string, system = 'cnn-coop'): Planner {
  let id = 0;
  return { algorithm, plan: ({ deadlineMs: _ignored, ...req }) => runPlanJob({ ...req, id: ++id, system }), close: async () => {} };
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
    for (const resolve of waiting.values()) resolve({ ok: false, error: why, mode: 'full' });
    waiting.clear();
  };
  const spawn = (): Worker => {
    const w = new Worker(bootstrap, { eval: true, workerData: { system } });
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
    plan({ deadlineMs, ...req }) {
      worker ??= spawn();
      const job: PlanJob = { ...req, id: ++id, system };
      const w = worker;
      return new Promise((resolve) => {
        let timer: NodeJS.Timeout | null = null;
        waiting.set(job.id, (o) => { if (timer) clearTimeout(timer); resolve(o); });
        if (deadlineMs && deadlineMs > 0) {
          timer = setTimeout(() => {
            if (!waiting.delete(job.id)) return;
            // a solve past its deadline is abandoned: the thread is stopped (a synchronous solve
            // cannot be interrupted otherwise) and the next plan starts a fresh one
            if (worker === w) worker = null;
            for (const other of waiting.values()) other({ ok: false, error: 'planner thread stopped (deadline)', mode: 'full' });
            waiting.clear();
            void w.terminate();
            resolve({ ok: false, error: `missed its deadline of ${deadlineMs} ms`, mode: job.previous ? 'repair' : 'full', missedDeadline: true });
          }, deadlineMs);
        }
        w.postMessage(job);
      });
    },
    async warmUp() {
      // the thread warms itself up when it starts (planner-worker.ts); a plan queues behind that
      worker ??= spawn();
    },
    async close() {
      const w = worker;
      worker = null;
      for (const resolve of waiting.values()) resolve({ ok: false, error: 'planner closed', mode: 'full' });
      waiting.clear();
      if (w) await w.terminate();
    },
  };
}
