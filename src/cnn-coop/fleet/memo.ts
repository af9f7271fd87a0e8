import type { Scenario } from '../model.ts';
import { precompute, type Precomputed } from '../physics.ts';
import type { TaskOptions } from '../options.ts';

/**
 * The physics of the scenarios planned last (full-band rates, local latencies), kept so that a
 * repair of the next scenario recomputes only the links of the devices and servers that changed:
 * the O(M·N) rate table is most of a repair's work otherwise. Two keys:
 *  - the scenario object (a WeakMap: a scenario the caller drops takes its entry with it);
 *  - its content, for a caller that holds a copy (the controller's planner thread receives every
 *    scenario as a structured clone, so the object never matches): a 64-bit hash of every field
 *    the physics reads (fingerprint below), the last CONTENT_ENTRIES scenarios kept. Hashing is
 *    O(M + N) (O(M·N) only with a gains matrix, whose entries it must read), against O(M·N)
 *    logarithms for the table. Two different scenarios that collide in 64 bits would share a
 *    table; at 2^-64 per pair that is left to chance (M and N are part of the key too).
 */
export interface Memo {
  pre: Precomputed;
  /** The plan's options and choice per device (so a repair reuses an unchanged device's times). */
  plan?: { tasks: TaskOptions[]; choice: ArrayLike<number> };
}

const memo = new WeakMap<Scenario, Memo>();
const byContent = new Map<string, Memo>();
const CONTENT_ENTRIES = 4;

/** Two independent 32-bit hashes (FNV-1a and a multiply-rotate one) over the scenario's fields, as hex, with M and N. */
export function fingerprint(s: Scenario): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x9e3779b9;
  const f64 = new Float64Array(1);
  const u32 = new Uint32Array(f64.buffer);
  const word = (w: number) => {
    h1 = Math.imul(h1 ^ w, 0x01000193) >>> 0;
    h2 = Math.imul((h2 ^ w) + 0x7f4a7c15, 0x85ebca6b) >>> 0;
    h2 = ((h2 << 13) | (h2 >>> 19)) >>> 0;
  };
  const num = (x: number | undefined) => { f64[0] = x ?? NaN; word(u32[0]); word(u32[1]); };
  const str = (t: string) => { word(t.length); for (let i = 0; i < t.length; i++) word(t.charCodeAt(i)); };
  str(JSON.stringify([s.cnnProfiles, s.channel, s.energy, s.cloud ?? null]));
  for (const v of s.servers) { str(v.id); num(v.x); num(v.y); num(v.bandwidthMHz); num(v.cpuGHz); num(v.backhaulMbps); str(v.cnnProfile); num(v.maxTasks); }
  for (const d of s.devices) { str(d.id); num(d.x); num(d.y); num(d.dataMbit); num(d.minRateMbps); num(d.deadlineS); num(d.txPowerW); num(d.cpuGHz); num(d.gigacyclesPerMbit); }
  if (s.gainsDb) for (const row of s.gainsDb) for (const g of row) num(g);
  else word(0xffffffff);
  return `${s.devices.length}/${s.servers.length}/${h1.toString(16)}${h2.toString(16)}`;
}

export function remember(s: Scenario, pre: Precomputed, plan?: Memo['plan']): void {
  const entry = { pre, ...(plan ? { plan } : {}) };
  memo.set(s, entry);
  const key = fingerprint(s);
  byContent.delete(key);
  byContent.set(key, entry);
  while (byContent.size > CONTENT_ENTRIES) byContent.delete(byContent.keys().next().value!);
}

/** The memo of this scenario object, else of a scenario with the same content; `hit` says which. */
export function recall(s: Scenario): (Memo & { hit: 'object' | 'content' }) | undefined {
  const own = memo.get(s);
  if (own) return { ...own, hit: 'object' };
  const key = fingerprint(s);
  const same = byContent.get(key);
  if (!same) return undefined;
  // Least recently used goes first: a scenario repaired from again stays.
  byContent.delete(key);
  byContent.set(key, same);
  return { ...same, hit: 'content' };
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
