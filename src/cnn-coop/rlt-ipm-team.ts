import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * Two threads for the conic interior-point method's sweeps (rlt-ipm-cone.ts, rlt-ipm-kkt.ts),
 * keeping the solve synchronous: one persistent helper thread, started on demand and `unref()`ed
 * so it never keeps a process alive, works on the second half of the devices while this thread
 * does the first; the two meet on an Int32Array with Atomics.wait/notify (allowed on Node's main
 * thread), no messages on the hot path.
 *
 * The work is cut into a fixed number of chunks that depends on the instance's size only, never on
 * whether the helper is there: each chunk writes its own partial sums, which this thread adds up in
 * chunk order. So the result is the same to the bit with the helper, without it (not started yet,
 * failed, MEC_THREADS=1) or on one core, and this thread runs any chunk the helper cannot.
 */

export interface ThreadOptions {
  /** Pairs from which the work is split in two chunks. */
  minPairs?: number;
  /** Block until the helper is ready instead of doing its chunk here meanwhile (tests). */
  waitForHelper?: boolean;
}

/**
 * What a solve without `threads` options uses (tests lower minPairs to reach the threaded path
 * through `pa`). Below 20,000 pairs a sweep is too short to pay for the hand-over (~35 µs a
 * round trip on this machine) and small instances must not start a thread.
 */
export const threadDefaults: Required<ThreadOptions> = { minPairs: 20_000, waitForHelper: false };

/** The chunks' code, the same module in both threads: runs command `cmd` on chunk `c`. */
export type Execute = (cmd: number, c: number, ints: Int32Array, nums: Float64Array) => void;

// Control words: command sequence number and the last one done, the solve the helper is attached
// to and the one wanted, the command, the next chunk to take and the chunk count, the helper's
// current chunk (1-based in FAILED when it threw), chunks it ran since last read.
const SEQ = 0, DONE = 1, READY = 2, CMD = 3, FAILED = 4, WANT = 5, NEXT = 6, NCH = 7, CUR = 8, HCOUNT = 9, DETACH = -1;
const INTS = 12, N_INTS = 24, N_NUMS = 8;

interface Helper { worker: Worker; ctl: Int32Array; ints: Int32Array; nums: Float64Array; gen: number; failed: boolean }
let helper: Helper | null = null;
/** Chunks run by the helper since the process started (tests check that it took part). */
export let helperChunks = 0;

const threadsWanted = (): boolean => process.env.MEC_THREADS !== '1' && availableParallelism() >= 2
  // The helper loads the TypeScript sources through tsx; the library bundle has no entry for it.
  && import.meta.url.endsWith('.ts');

/** Starts the helper (if threads are wanted and it is not running), so its start-up overlaps other work. */
export function startHelper(): void {
  if (helper || !threadsWanted()) return;
  try {
    // Node 20 does not apply `--import tsx` to a worker's own entry, so a small JS bootstrap
    // registers tsx first (as src/control/planner.ts does).
    const entry = new URL('./rlt-ipm-worker.ts', import.meta.url).href;
    const tsxApi = import.meta.resolve('tsx/esm/api');
    const sab = new SharedArrayBuffer(4 * (INTS + N_INTS) + 8 * N_NUMS);
    const ctl = new Int32Array(sab, 0, INTS), ints = new Int32Array(sab, 4 * INTS, N_INTS), nums = new Float64Array(sab, 4 * (INTS + N_INTS), N_NUMS);
    const worker = new Worker(`import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`,
      { eval: true, workerData: { sab } });
    worker.unref();
    const h: Helper = { worker, ctl, ints, nums, gen: 0, failed: false };
    const fail = () => { h.failed = true; if (helper === h) helper = null; };
    worker.on('error', fail);
    worker.on('exit', fail);
    helper = h;
  } catch {
    helper = null;
  }
}

/**
 * A solve's team: `run` executes a command on every chunk (the helper's chunk there when it is
 * ready, here otherwise) and returns when all are done; `close` releases the helper.
 */
export class Team {
  readonly chunks: number;
  private h: Helper | null = null;
  private gen = 0;
  private attached = false;
  private readonly ints: Int32Array;
  private readonly nums: Float64Array;

  /** `state` is posted to the helper (typed arrays over SharedArrayBuffers are shared, others copied). */
  constructor(chunks: number, private readonly exec: Execute, state: unknown, opts: ThreadOptions = threadDefaults) {
    this.chunks = chunks;
    const own = new SharedArrayBuffer(4 * N_INTS + 8 * N_NUMS);
    this.ints = new Int32Array(own, 0, N_INTS); this.nums = new Float64Array(own, 4 * N_INTS, N_NUMS);
    if (this.chunks < 2 || !threadsWanted()) return;
    startHelper();
    const h = helper;
    if (!h) return;
    this.h = h;
    this.gen = ++h.gen;
    Atomics.store(h.ctl, WANT, this.gen);
    try {
      h.worker.postMessage({ gen: this.gen, state });
    } catch {
      this.h = null;
      return;
    }
    if (opts.waitForHelper ?? threadDefaults.waitForHelper) {
      for (let waited = 0; Atomics.load(h.ctl, READY) !== this.gen && !h.failed && waited < 60; waited++) Atomics.wait(h.ctl, READY, Atomics.load(h.ctl, READY), 1000);
    }
  }

  /** Int and number arguments of the next command (read by every chunk). */
  args(ints: readonly number[], nums: readonly number[] = []): this {
    for (let i = 0; i < ints.length; i++) this.ints[i] = ints[i];
    for (let i = 0; i < nums.length; i++) this.nums[i] = nums[i];
    return this;
  }

  /**
   * Runs `cmd` on every chunk. Both threads take chunks from a shared counter until none is left,
   * so a thread slowed down by other load (2 shared cores) or by a cold start does less of them.
   */
  run(cmd: number): void {
    const h = this.helperReady();
    if (!h) {
      for (let c = 0; c < this.chunks; c++) this.exec(cmd, c, this.ints, this.nums);
      return;
    }
    h.ints.set(this.ints); h.nums.set(this.nums);
    Atomics.store(h.ctl, NEXT, 0);
    Atomics.store(h.ctl, NCH, this.chunks);
    Atomics.store(h.ctl, CMD, cmd);
    const seq = Atomics.add(h.ctl, SEQ, 1) + 1;
    Atomics.notify(h.ctl, SEQ);
    for (let c = Atomics.add(h.ctl, NEXT, 1); c < this.chunks; c = Atomics.add(h.ctl, NEXT, 1)) this.exec(cmd, c, this.ints, this.nums);
    // A helper that stops answering (killed from outside) is given up after a minute.
    for (let waited = 0; Atomics.load(h.ctl, DONE) !== seq; waited++) {
      if (waited > 60) { Atomics.store(h.ctl, FAILED, Atomics.load(h.ctl, CUR) + 1); break; }
      Atomics.wait(h.ctl, DONE, Atomics.load(h.ctl, DONE), 1000);
    }
    helperChunks += Atomics.exchange(h.ctl, HCOUNT, 0);
    const failed = Atomics.load(h.ctl, FAILED);
    if (failed) {
      // Its chunk is run here. Every command but the step's and the refinement's updates rewrites
      // its outputs; those two only fail half done if memory runs out, which ends the solve anyway.
      h.failed = true; if (helper === h) helper = null;
      this.h = null;
      this.exec(cmd, failed - 1, this.ints, this.nums);
    }
  }

  private helperReady(): Helper | null {
    const h = this.h;
    if (!h || h.failed) return null;
    if (!this.attached) {
      if (Atomics.load(h.ctl, READY) !== this.gen) return null;
      this.attached = true;
    }
    return h;
  }

  /** Sends the helper back to its event loop, where it waits for the next solve. */
  close(): void {
    const h = this.h;
    this.h = null;
    if (!h || h.failed) return;
    // A helper not attached yet finds WANT changed and drops the state; an attached one leaves on DETACH.
    Atomics.store(h.ctl, WANT, 0);
    Atomics.store(h.ctl, CMD, DETACH);
    Atomics.add(h.ctl, SEQ, 1);
    Atomics.notify(h.ctl, SEQ);
  }
}

export const controlLayout = { SEQ, DONE, READY, CMD, FAILED, WANT, NEXT, NCH, CUR, HCOUNT, DETACH, INTS, N_INTS, N_NUMS };
