import { Worker } from 'node:worker_threads';
import type { SolveJob, SolveOutcome } from './solve.ts';

/**
 * Runs the dashboard's solves on a worker thread, so a long solve never stalls the page's other
 * requests, its live updates, or (under `mec controller`) the controller's own traffic. A solve
 * that runs past `timeoutMs` ends the thread (synchronous algorithms cannot be interrupted
 * otherwise); the jobs it held fail and the next one starts a fresh thread.
 */
export class SolverThread {
  private worker: Worker | null = null;
  private readonly waiting = new Map<number, { resolve: (o: SolveOutcome) => void; job: Omit<SolveJob, 'id'> }>();
  /** Jobs in the order the thread runs them; the first one is running. */
  private readonly queue: number[] = [];
  private timer: NodeJS.Timeout | null = null;
  private nextId = 0;

  constructor(private readonly timeoutMs: number) {}

  solve(job: Omit<SolveJob, 'id'>): Promise<SolveOutcome> {
    const id = ++this.nextId;
    const worker = (this.worker ??= this.spawn());
    return new Promise((resolve) => {
      this.waiting.set(id, { resolve, job });
      this.queue.push(id);
      if (this.queue.length === 1) this.arm();
      worker.postMessage({ id, ...job });
    });
  }

  /** Starts the thread now, so its modules are loaded before the first solve is asked for. */
  warm(): void {
    this.worker ??= this.spawn();
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.failAll(w, 'the dashboard is stopping');
    if (w) await w.terminate();
  }

  private spawn(): Worker {
    // Node 20 does not apply `--import tsx` to a worker's own entry file, so a small JS bootstrap
    // registers tsx and then loads the TypeScript entry (as the controller's planner does).
    const entry = new URL('./solve-worker.ts', import.meta.url).href;
    const tsxApi = import.meta.resolve('tsx/esm/api');
    const w = new Worker(`import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`, { eval: true });
    w.unref();
    w.on('message', (msg: { id: number; outcome: SolveOutcome }) => {
      this.waiting.get(msg.id)?.resolve(msg.outcome);
      this.waiting.delete(msg.id);
      if (this.queue[0] === msg.id) this.queue.shift();
      this.arm();
    });
    w.on('error', (err) => this.failAll(w, `solver thread failed: ${err.message}`));
    w.on('exit', (code) => this.failAll(w, `solver thread exited (${code})`));
    return w;
  }

  /** Times the job at the head of the queue. */
  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.queue.length === 0) return;
    const w = this.worker;
    this.timer = setTimeout(() => {
      this.failAll(w, `the solve took longer than ${Math.round(this.timeoutMs / 1000)} s and was stopped (try a faster algorithm or a time budget)`);
      void w?.terminate();
    }, this.timeoutMs);
    this.timer.unref();
  }

  private failAll(w: Worker | null, why: string): void {
    if (this.worker !== w) return;
    this.worker = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const { resolve } of this.waiting.values()) resolve({ ok: false, input: false, error: why });
    this.waiting.clear();
    this.queue.length = 0;
  }
}
