import { parentPort, workerData } from 'node:worker_threads';
import { controlLayout as C } from './rlt-ipm-team.ts';
import { ChunkKernels, type IpmState } from './rlt-ipm-chunk.ts';

// The helper thread of rlt-ipm-team.ts: between solves it waits in its event loop for a solve's
// state; during one it runs chunk 1 of each command and reports on the control words.
const sab = workerData.sab as SharedArrayBuffer;
const ctl = new Int32Array(sab, 0, C.INTS), ints = new Int32Array(sab, 4 * C.INTS, C.N_INTS);
const nums = new Float64Array(sab, 4 * (C.INTS + C.N_INTS), C.N_NUMS);

parentPort!.on('message', ({ gen, state }: { gen: number; state: IpmState }) => {
  if (Atomics.load(ctl, C.WANT) !== gen) return;
  let kernels: ChunkKernels;
  try {
    kernels = new ChunkKernels(state);
  } catch {
    Atomics.store(ctl, C.FAILED, 1);
    return;
  }
  let seen = Atomics.load(ctl, C.SEQ);
  Atomics.store(ctl, C.READY, gen);
  Atomics.notify(ctl, C.READY);
  for (;;) {
    // Waits in slices so that a solve which ended before this thread attached is noticed.
    if (Atomics.wait(ctl, C.SEQ, seen, 1000) === 'timed-out' && Atomics.load(ctl, C.WANT) !== gen) break;
    const s = Atomics.load(ctl, C.SEQ);
    if (s === seen) continue;
    seen = s;
    const cmd = Atomics.load(ctl, C.CMD);
    if (cmd === C.DETACH) break;
    // Chunks from the shared counter until none is left (the main thread takes them too).
    const n = Atomics.load(ctl, C.NCH);
    for (let c = Atomics.add(ctl, C.NEXT, 1); c < n; c = Atomics.add(ctl, C.NEXT, 1)) {
      Atomics.store(ctl, C.CUR, c);
      try {
        kernels.exec(cmd, c, ints, nums);
      } catch {
        Atomics.store(ctl, C.FAILED, c + 1);
        break;
      }
      Atomics.add(ctl, C.HCOUNT, 1);
    }
    Atomics.store(ctl, C.DONE, s);
    Atomics.notify(ctl, C.DONE);
  }
});
