import type { Scenario } from '../model.ts';
import { precompute, type Precomputed } from '../physics.ts';
import type { TaskOptions } from '../options.ts';

/**
 * The physics of the scenarios planned last (full-band rates, local latencies), kept per scenario
 * object so that a repair of the next scenario recomputes only the links of the devices and
 * servers that changed: the O(M·N) rate table is most of a repair's work otherwise. A WeakMap: a
 * scenario the caller drops takes its entry with it. A structurally equal copy of a scenario
 * misses the memo and is simply recomputed.
 */
export interface Memo {
  pre: Precomputed;
  /** The plan's options and choice per device (so a repair reuses an unchanged device's times). */
  plan?: { tasks: TaskOptions[]; choice: ArrayLike<number> };
}

const memo = new WeakMap<Scenario, Memo>();

export function remember(s: Scenario, pre: Precomputed, plan?: Memo['plan']): void {
  memo.set(s, { pre, ...(plan ? { plan } : {}) });
}

export function recall(s: Scenario): Memo | undefined {
  return memo.get(s);
}

/**
 * `next`'s Precomputed from `prevPre` (of the previous scenario): `deviceFrom[m]` / `serverFrom[n]`
 * give the previous index of an unchanged device / server, or -1; only the rows of changed
 * devices and the columns of changed servers go through physics.ts's precompute.
 */
export function precomputeFrom(prevPre: Precomputed, next: Scenario, deviceFrom: Int32Array, serverFrom: Int32Array): Precomputed {
  const M = next.devices.length;
  const N = next.servers.length;
  const newDevices: number[] = [];
  for (let m = 0; m < M; m++) if (deviceFrom[m] < 0) newDevices.push(m);
  const newServers: number[] = [];
  for (let n = 0; n < N; n++) if (serverFrom[n] < 0) newServers.push(n);
  const rows = newDevices.length === 0 ? undefined : precompute({
    ...next, devices: newDevices.map((m) => next.devices[m]), ...(next.gainsDb ? { gainsDb: newDevices.map((m) => next.gainsDb![m]) } : {}),
  });
  const cols = newServers.length === 0 ? undefined : precompute({
    ...next, servers: newServers.map((n) => next.servers[n]), ...(next.gainsDb ? { gainsDb: next.gainsDb.map((row) => newServers.map((n) => row[n])) } : {}),
  });
  const rowOf = new Int32Array(M).fill(-1);
  newDevices.forEach((m, i) => { rowOf[m] = i; });
  const colOf = new Int32Array(N).fill(-1);
  newServers.forEach((n, i) => { colOf[n] = i; });
  const identity = serverFrom.every((p, n) => p === n) && prevPre.N === N;
  const rateMbps = next.devices.map((_, m) => {
    if (rowOf[m] >= 0) return rows!.rateMbps[rowOf[m]];
    const prevRow = prevPre.rateMbps[deviceFrom[m]];
    // Rows are never written after precompute: an unchanged device on unchanged servers shares it.
    if (identity) return prevRow;
    return next.servers.map((_, n) => (colOf[n] >= 0 ? cols!.rateMbps[m][colOf[n]] : prevRow[serverFrom[n]]));
  });
  return {
    M, N, rateMbps,
    localS: next.devices.map((_, m) => (rowOf[m] >= 0 ? rows!.localS[rowOf[m]] : prevPre.localS[deviceFrom[m]])),
    localEnergyJ: next.devices.map((_, m) => (rowOf[m] >= 0 ? rows!.localEnergyJ[rowOf[m]] : prevPre.localEnergyJ[deviceFrom[m]])),
    profiles: next.servers.map((srv) => next.cnnProfiles[srv.cnnProfile]),
  };
}
