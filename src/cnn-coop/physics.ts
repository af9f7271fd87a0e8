import { channelGain, distanceM, shannonRateMbps } from '../core/channel.ts';
import { dbToLinear, dbmToW, GIGA } from '../core/units.ts';
import type { CnnProfile, Scenario } from './model.ts';

/**
 * The cnn-coop closed forms (spec §2). Units: Mbit, Mbit/s, Gcycles, GHz, so every time is in
 * seconds: S·p/F, S/r, S·r^k/C.
 */

/** Where an offloaded task's network ends: after k layers at the edge and the rest in the cloud, or all at the edge. */
export interface Split {
  layers: number;
  finishAt: 'cloud' | 'edge';
}

/** Times of an offloaded task with the whole of each resource (divide by the shares for the real ones). */
export interface OffloadTimes {
  /** Upload S/r. */
  txS: number;
  /** Edge compute S·p^k/F_n. */
  computeS: number;
  /** Backhaul S·r^k/C_n (0 when the edge finishes the network). */
  backhaulS: number;
  /** Cloud compute (0 unless the scenario sets a cloud CPU): needs no share. */
  cloudS: number;
}

export interface Precomputed {
  M: number;
  N: number;
  /** Full-band uplink rate r_mn in Mbit/s. */
  rateMbps: number[][];
  /** Local latency D_m. */
  localS: number[];
  localEnergyJ: number[];
  profiles: CnnProfile[];
}

export function precompute(s: Scenario): Precomputed {
  const noiseW = dbmToW(s.channel.noiseDbm);
  const rateMbps = s.devices.map((d, m) => s.servers.map((srv, n) => {
    const gain = s.gainsDb ? dbToLinear(s.gainsDb[m][n]) : channelGain(distanceM(d.x, d.y, srv.x, srv.y), s.channel.pathLoss);
    return shannonRateMbps(srv.bandwidthMHz, (d.txPowerW * gain) / noiseW);
  }));
  return {
    M: s.devices.length,
    N: s.servers.length,
    rateMbps,
    localS: s.devices.map((d) => (d.dataMbit * d.gigacyclesPerMbit) / d.cpuGHz),
    localEnergyJ: s.devices.map((d) => localEnergyJ(s, d.dataMbit * d.gigacyclesPerMbit, d.cpuGHz)),
    profiles: s.servers.map((srv) => s.cnnProfiles[srv.cnnProfile]),
  };
}

/** kappa·F²·cycles with F in Hz and cycles = Gcycles·1e9 (spec §5). */
export function localEnergyJ(s: Scenario, gigacycles: number, cpuGHz: number): number {
  return s.energy.kappa * (cpuGHz * GIGA) ** 2 * gigacycles * GIGA;
}

export const totalCycles = (p: CnnProfile): number => p.totalGigacyclesPerMbit ?? p.gigacyclesPerMbit[p.gigacyclesPerMbit.length - 1];

/** Data fraction and cycles per Mbit at the edge for a split; layers = 0 means raw input to the cloud. */
export function splitFactors(p: CnnProfile, split: Split): { reduction: number; gigacyclesPerMbit: number } {
  if (split.finishAt === 'edge') return { reduction: 0, gigacyclesPerMbit: totalCycles(p) };
  if (split.layers === 0) return { reduction: 1, gigacyclesPerMbit: 0 };
  return { reduction: p.reduction[split.layers - 1], gigacyclesPerMbit: p.gigacyclesPerMbit[split.layers - 1] };
}

export function offloadTimes(s: Scenario, pre: Precomputed, m: number, n: number, split: Split): OffloadTimes {
  const d = s.devices[m];
  const srv = s.servers[n];
  const p = pre.profiles[n];
  const f = splitFactors(p, split);
  const cloudS = s.cloud && split.finishAt === 'cloud' ? (d.dataMbit * (totalCycles(p) - f.gigacyclesPerMbit)) / s.cloud.cpuGHz : 0;
  return {
    txS: d.dataMbit / pre.rateMbps[m][n],
    computeS: (d.dataMbit * f.gigacyclesPerMbit) / srv.cpuGHz,
    backhaulS: (d.dataMbit * f.reduction) / srv.backhaulMbps,
    cloudS,
  };
}

export const fullShareLatency = (t: OffloadTimes): number => t.txS + t.computeS + t.backhaulS + t.cloudS;

/** Latency with shares; a zero time needs no share (0/0 counts as 0). */
export function sharedLatency(t: OffloadTimes, alpha: number, beta: number, lambda: number): number {
  const part = (time: number, share: number) => (time === 0 ? 0 : time / share);
  return part(t.txS, alpha) + part(t.computeS, beta) + part(t.backhaulS, lambda) + t.cloudS;
}

/** The splits PA's stage 1 searches (k = 1..K to the cloud), and the generalised ones (k = 0, all at the edge). */
export function paSplits(p: CnnProfile): Split[] {
  return p.reduction.map((_, k) => ({ layers: k + 1, finishAt: 'cloud' as const }));
}
export function allSplits(p: CnnProfile): Split[] {
  return [{ layers: 0, finishAt: 'cloud' }, ...paSplits(p), { layers: p.reduction.length, finishAt: 'edge' }];
}

/** Lowest share of the bandwidth that meets the minimum rate: alpha·r ≥ R^min. */
export const minBandwidthShare = (s: Scenario, pre: Precomputed, m: number, n: number): number =>
  s.devices[m].minRateMbps / pre.rateMbps[m][n];
