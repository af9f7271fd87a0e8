import { GIGA, MEGA, dbToLinear, dbmToW } from '../core/units.ts';
import { shannonRateBps } from '../core/channel.ts';
import type { Scenario } from './model.ts';

/**
 * The model's closed forms on flat arrays, one `CompiledGroup` per group (groups share nothing,
 * so every algorithm works group by group). Units: bits, seconds, hertz, watts, joules.
 * Placement codes: LOCAL, MBS, or the index of an SBS inside its group.
 */
export const LOCAL = -1;
export const MBS = -2;

export interface CompiledGroup {
  index: number;
  id: string;
  /** Global task index of each of the group's tasks. */
  tasks: Int32Array;
  n: number;
  /** Number of SBSs. */
  S: number;
  bits: Float64Array;
  cyclesPerBit: Float64Array;
  deadlineS: Float64Array;
  txPowerW: Float64Array;
  localHz: Float64Array;
  localT: Float64Array;
  localE: Float64Array;
  /** MBS option: upload time, delay with the whole MBS CPU, energy. */
  mbsUpS: Float64Array;
  mbsT: Float64Array;
  mbsE: Float64Array;
  /** Uplink gain of task j to SBS i at [j * S + i]. */
  gain: Float64Array;
  sbsHz: Float64Array;
  sbsNoiseW: Float64Array;
  sbsBandwidthHz: Float64Array;
  sbsForwardW: Float64Array;
  sbsIds: string[];
  mbsHz: number;
  /** Path elements (links and forwarding units), and each SBS's path as element indices. */
  elemIsLink: Uint8Array;
  elemCapacityBps: Float64Array;
  elemO1: Float64Array;
  elemO2: Float64Array;
  sbsPath: Int32Array[];
}

export interface Params {
  alpha: number;
  parallel: boolean;
  kappa: number;
  sbsJPerCycle: number;
  mbsJPerCycle: number;
  minCpuShare: number;
  /** The MBS CPU is divided among the tasks it serves (`mbsCpu: "shared"`). */
  mbsShared: boolean;
}

export const paramsOf = (s: Scenario): Params => ({
  alpha: s.alpha,
  parallel: s.timing === 'parallel',
  kappa: s.energy.kappa,
  sbsJPerCycle: s.energy.sbsJPerCycle,
  mbsJPerCycle: s.energy.mbsJPerCycle,
  minCpuShare: s.minCpuShare,
  mbsShared: s.mbsCpu === 'shared',
});

export function channelGain(s: Scenario, dx: number, dy: number): number {
  const d = Math.max(Math.hypot(dx, dy), s.channel.minDistanceM);
  return dbToLinear(-s.channel.referenceLossDb) * d ** -s.channel.pathLossExponent;
}

export const noiseW = (s: Scenario, bandwidthHz: number): number => dbmToW(s.channel.noiseDbmPerHz) * bandwidthHz;

export function compile(s: Scenario): CompiledGroup[] {
  const byGroup = new Map<string, number[]>();
  s.groups.forEach((g) => byGroup.set(g.id, []));
  s.tasks.forEach((t, k) => byGroup.get(t.group)!.push(k));
  return s.groups.map((g, gi) => {
    const idx = byGroup.get(g.id)!;
    const n = idx.length;
    const S = g.sbs.length;
    const arr = () => new Float64Array(n);
    const bits = arr(), u = arr(), tmax = arr(), p = arr(), fL = arr();
    const localT = arr(), localE = arr(), mbsT = arr(), mbsE = arr(), mbsUpS = arr();
    const gain = new Float64Array(n * S);
    const mbsHz = g.mbs.cpuGHz * GIGA;
    const mbsB = g.mbs.bandwidthMHz * MEGA;
    const mbsNoise = noiseW(s, mbsB);
    idx.forEach((k, j) => {
      const t = s.tasks[k];
      bits[j] = t.dataBits; u[j] = t.cyclesPerBit; tmax[j] = t.deadlineS; p[j] = t.txPowerW; fL[j] = t.localCpuGHz * GIGA;
      const cycles = t.dataBits * t.cyclesPerBit;
      localT[j] = cycles / fL[j];
      localE[j] = cycles * s.energy.kappa * fL[j] * fL[j];
      const rate = shannonRateBps(mbsB, (t.txPowerW * channelGain(s, t.x - g.mbs.x, t.y - g.mbs.y)) / mbsNoise);
      mbsUpS[j] = t.dataBits / rate;
      mbsT[j] = mbsUpS[j] + cycles / mbsHz;
      mbsE[j] = (t.txPowerW * t.dataBits) / rate + cycles * s.energy.mbsJPerCycle;
      g.sbs.forEach((b, i) => { gain[j * S + i] = channelGain(s, t.x - b.x, t.y - b.y); });
    });
    const elements = [...g.links.map((l) => ({ id: l.id, link: true, cap: l.capacityMbps * MEGA, o1: 0, o2: 0 })),
      ...g.forwarders.map((f) => ({ id: f.id, link: false, cap: 0, o1: f.o1SPerBit2, o2: f.o2SPerBit }))];
    const elemIndex = new Map(elements.map((e, i) => [e.id, i]));
    return {
      index: gi, id: g.id, tasks: Int32Array.from(idx), n, S,
      bits, cyclesPerBit: u, deadlineS: tmax, txPowerW: p, localHz: fL, localT, localE, mbsUpS, mbsT, mbsE, gain,
      sbsHz: Float64Array.from(g.sbs, (b) => b.cpuGHz * GIGA),
      sbsNoiseW: Float64Array.from(g.sbs, (b) => noiseW(s, b.bandwidthMHz * MEGA)),
      sbsBandwidthHz: Float64Array.from(g.sbs, (b) => b.bandwidthMHz * MEGA),
      sbsForwardW: Float64Array.from(g.sbs, (b) => b.forwardPowerW),
      sbsIds: g.sbs.map((b) => b.id),
      mbsHz,
      elemIsLink: Uint8Array.from(elements, (e) => (e.link ? 1 : 0)),
      elemCapacityBps: Float64Array.from(elements, (e) => e.cap),
      elemO1: Float64Array.from(elements, (e) => e.o1),
      elemO2: Float64Array.from(elements, (e) => e.o2),
      sbsPath: g.sbs.map((b) => Int32Array.from(b.path, (id) => elemIndex.get(id)!)),
    };
  });
}

/** Eq. (10)'s uplink rate to SBS i given the interference power at that SBS. */
export const sbsRate = (g: CompiledGroup, j: number, i: number, interferenceW: number): number =>
  shannonRateBps(g.sbsBandwidthHz[i], (g.txPowerW[j] * g.gain[j * g.S + i]) / (g.sbsNoiseW[i] + interferenceW));

/** Eqs. (3)-(4): delay of one path element at a load in bits. */
export const elementDelay = (g: CompiledGroup, e: number, loadBits: number): number =>
  g.elemIsLink[e] ? loadBits / g.elemCapacityBps[e] : (g.elemO1[e] * loadBits + g.elemO2[e]) * loadBits;

/** Path delay of every SBS given the bits each SBS forwards (`forwardBits[i]`). */
export function pathDelays(g: CompiledGroup, forwardBits: ArrayLike<number>): Float64Array {
  const load = new Float64Array(g.elemIsLink.length);
  for (let i = 0; i < g.S; i++) for (const e of g.sbsPath[i]) load[e] += forwardBits[i];
  const delay = Float64Array.from(load, (l, e) => elementDelay(g, e, l));
  return Float64Array.from(g.sbsPath, (path) => path.reduce((a, e) => a + delay[e], 0));
}

/** A plan for one group: placement, and for SBS placements the local and MBS bits (the SBS gets the rest). */
export interface GroupPlan {
  place: Int32Array;
  c0: Float64Array;
  c1: Float64Array;
}

export interface GroupEval {
  delayS: Float64Array;
  energyJ: Float64Array;
  share: Float64Array;
  /** Share of the MBS CPU of every task sending bits to the MBS (1 with a dedicated MBS). */
  mbsShare: Float64Array;
  meets: Uint8Array;
  /** Why an SBS could not give every task its deadline share, if it could not. */
  causes: string[];
}

const DEADLINE_TOL = 1e-9;

/**
 * Shares of one SBS: minimise sum a_j / h_j (the SBS compute time) subject to sum h_j <= 1 and
 * h_j >= lb_j (the share that meets task j's deadline). KKT: h_j = max(lb_j, sqrt(a_j) / nu),
 * nu found by bisection so the shares sum to one. Returns false when sum lb > 1.
 */
export function waterfillShares(a: ArrayLike<number>, lb: ArrayLike<number>, out: Float64Array, floor = 0): boolean {
  const k = a.length;
  let sumLb = 0, sumSqrt = 0, nFloor = 0;
  for (let q = 0; q < k; q++) { sumLb += lb[q]; sumSqrt += Math.sqrt(a[q]); if (a[q] > 0) nFloor++; }
  if (sumLb > 1 + 1e-12) {
    // over-subscribed: everyone keeps the floor share, the rest goes in proportion to the excess demand
    const rest = Math.max(0, 1 - nFloor * floor);
    let excess = 0;
    for (let q = 0; q < k; q++) excess += a[q] > 0 ? Math.max(0, lb[q] - floor) : 0;
    for (let q = 0; q < k; q++) out[q] = a[q] > 0 ? Math.min(1, floor + (excess > 0 ? (rest * Math.max(0, lb[q] - floor)) / excess : rest / nFloor)) : 0;
    return false;
  }
  if (k === 0) return true;
  // sum of max(lb, sqrt(a)/nu) is decreasing in nu; bracket: nu >= sumSqrt gives <= 1 + sumLb
  let lo = 0, hi = Math.max(sumSqrt, 1e-300);
  const total = (nu: number) => { let t = 0; for (let q = 0; q < k; q++) t += Math.max(lb[q], Math.sqrt(a[q]) / nu); return t; };
  while (total(hi) > 1) hi *= 2;
  for (let it = 0; it < 80; it++) {
    const mid = 0.5 * (lo + hi);
    if (total(mid) > 1) lo = mid; else hi = mid;
  }
  let sum = 0;
  for (let q = 0; q < k; q++) { out[q] = Math.max(lb[q], Math.sqrt(a[q]) / hi); sum += out[q]; }
  // bisection leaves the sum a hair under 1; spread the slack so no CPU is left idle
  if (sum > 0 && sum < 1) for (let q = 0; q < k; q++) out[q] = Math.min(1, out[q] / sum);
  return true;
}

/**
 * Delay, energy and shares of every task of a group under a plan (the evaluation every algorithm
 * reports). SBS shares come from `waterfillShares` with each task's deadline share as its floor.
 * With a shared MBS CPU the SBS pass first assumes square-root MBS shares, then the MBS shares
 * are water-filled with the deadlines left by the actual SBS times.
 */
export function evaluateGroup(g: CompiledGroup, P: Params, plan: GroupPlan): GroupEval {
  const { n, S } = g;
  const delayS = new Float64Array(n), energyJ = new Float64Array(n), share = new Float64Array(n);
  const mbsShare = new Float64Array(n);
  const meets = new Uint8Array(n);
  const causes: string[] = [];
  const rxTotal = new Float64Array(S), rxOwn = new Float64Array(S), fwd = new Float64Array(S);
  const members: number[][] = Array.from({ length: S }, () => []);
  for (let j = 0; j < n; j++) {
    const i = plan.place[j];
    if (i < 0) continue;
    members[i].push(j);
    if (plan.c1[j] > 0) fwd[i] += plan.c1[j];
    if (g.bits[j] - plan.c0[j] > 0) {
      for (let b = 0; b < S; b++) rxTotal[b] += g.txPowerW[j] * g.gain[j * S + b];
      rxOwn[i] += g.txPowerW[j] * g.gain[j * S + i];
    }
  }
  const D = pathDelays(g, fwd);
  // MBS compute demand (cycles / f_MBS) of every task that sends it bits
  const aM = new Float64Array(n);
  let sumSqrtM = 0;
  for (let j = 0; j < n; j++) {
    const bitsM = plan.place[j] === MBS ? g.bits[j] : plan.place[j] >= 0 ? plan.c1[j] : 0;
    aM[j] = (bitsM * g.cyclesPerBit[j]) / g.mbsHz;
    sumSqrtM += Math.sqrt(aM[j]);
  }
  const mbsTime = (j: number) => (aM[j] === 0 ? 0 : P.mbsShared ? Math.sqrt(aM[j]) * sumSqrtM : aM[j]);
  const tLocalOf = new Float64Array(n), upOf = new Float64Array(n), tSbsOf = new Float64Array(n);
  for (let j = 0; j < n; j++) if (plan.place[j] === MBS) upOf[j] = g.mbsUpS[j];
  for (let i = 0; i < S; i++) {
    const list = members[i];
    const k = list.length;
    const a = new Float64Array(k), lb = new Float64Array(k), h = new Float64Array(k);
    list.forEach((j, q) => {
      const c = g.bits[j], c0 = plan.c0[j], c1 = plan.c1[j], ci = c - c0 - c1, u = g.cyclesPerBit[j];
      tLocalOf[j] = (c0 * u) / g.localHz[j];
      upOf[j] = c - c0 > 0 ? (c - c0) / sbsRate(g, j, i, rxTotal[i] - rxOwn[i]) : 0;
      const tFwd = c1 > 0 ? D[i] + mbsTime(j) : 0;
      a[q] = ci > 0 ? (ci * u) / g.sbsHz[i] : 0;
      let slack: number;
      if (P.parallel) slack = Math.max(tLocalOf[j], upOf[j] + tFwd) <= g.deadlineS[j] ? g.deadlineS[j] - upOf[j] : 0;
      else slack = g.deadlineS[j] - (tLocalOf[j] + upOf[j] + tFwd);
      lb[q] = a[q] > 0 ? (slack > 0 ? Math.max(P.minCpuShare, a[q] / slack) : Infinity) : 0;
    });
    // tasks that cannot meet their deadline at any share get the minimum share, so the others are still served
    const lbFinite = Float64Array.from(lb, (v, q) => (Number.isFinite(v) ? v : a[q] > 0 ? P.minCpuShare : 0));
    if (!waterfillShares(a, lbFinite, h, P.minCpuShare)) causes.push(`SBS ${g.sbsIds[i]}: the deadline shares of its ${k} tasks sum to more than its CPU`);
    list.forEach((j, q) => { share[j] = a[q] > 0 ? h[q] : 0; tSbsOf[j] = a[q] > 0 ? a[q] / h[q] : 0; });
  }
  if (P.mbsShared) {
    const users: number[] = [];
    for (let j = 0; j < n; j++) if (aM[j] > 0) users.push(j);
    const lb = Float64Array.from(users, (j) => {
      const i = plan.place[j];
      const before = i === MBS ? upOf[j] : P.parallel ? upOf[j] + D[i] : tLocalOf[j] + upOf[j] + tSbsOf[j] + D[i];
      const slack = g.deadlineS[j] - before;
      return slack > 0 ? Math.max(P.minCpuShare, aM[j] / slack) : P.minCpuShare;
    });
    const h = new Float64Array(users.length);
    if (!waterfillShares(Float64Array.from(users, (j) => aM[j]), lb, h, P.minCpuShare)) causes.push(`MBS of ${g.id}: the deadline shares of its ${users.length} tasks sum to more than its CPU`);
    users.forEach((j, q) => { mbsShare[j] = h[q]; });
  } else for (let j = 0; j < n; j++) if (aM[j] > 0) mbsShare[j] = 1;
  for (let j = 0; j < n; j++) {
    const i = plan.place[j], u = g.cyclesPerBit[j];
    const tM = aM[j] > 0 ? aM[j] / mbsShare[j] : 0;
    if (i === LOCAL) { delayS[j] = g.localT[j]; energyJ[j] = g.localE[j]; continue; }
    if (i === MBS) { delayS[j] = g.mbsUpS[j] + tM; energyJ[j] = g.mbsE[j]; continue; }
    const c = g.bits[j], c0 = plan.c0[j], c1 = plan.c1[j], ci = c - c0 - c1;
    const tFwd = c1 > 0 ? D[i] + tM : 0;
    delayS[j] = P.parallel ? Math.max(tLocalOf[j], upOf[j] + Math.max(tSbsOf[j], tFwd)) : tLocalOf[j] + upOf[j] + tSbsOf[j] + tFwd;
    energyJ[j] = c0 * u * P.kappa * g.localHz[j] ** 2 + g.txPowerW[j] * upOf[j] + ci * u * P.sbsJPerCycle
      + (c1 > 0 ? g.sbsForwardW[i] * D[i] : 0) + c1 * u * P.mbsJPerCycle;
  }
  for (let j = 0; j < n; j++) meets[j] = delayS[j] <= g.deadlineS[j] * (1 + DEADLINE_TOL) ? 1 : 0;
  return { delayS, energyJ, share, mbsShare, meets, causes };
}

export const utilityOf = (P: Params, delayS: number, energyJ: number): number => P.alpha * delayS + (1 - P.alpha) * energyJ;

/**
 * Makes a plan meet deadlines where it can: a task that misses its deadline moves to the cheaper
 * of local and MBS that meets it (both independent of the other tasks); leaving an SBS only lowers
 * the others' interference, path load and CPU competition, so the loop ends.
 */
export function repairGroup(g: CompiledGroup, P: Params, plan: GroupPlan): GroupEval {
  // a task moves at most twice (SBS -> MBS -> local), so 2n + 1 rounds suffice
  for (let round = 0; round <= 2 * g.n; round++) {
    const ev = evaluateGroup(g, P, plan);
    let moved = false;
    for (let j = 0; j < g.n; j++) {
      if (ev.meets[j]) continue;
      const okL = g.localT[j] <= g.deadlineS[j], okM = g.mbsT[j] <= g.deadlineS[j];
      let to = plan.place[j];
      if (plan.place[j] === MBS) { if (okL) to = LOCAL; }
      else if (okL && okM) to = utilityOf(P, g.localT[j], g.localE[j]) <= utilityOf(P, g.mbsT[j], g.mbsE[j]) ? LOCAL : MBS;
      else if (okL) to = LOCAL;
      else if (okM) to = MBS;
      if (to !== plan.place[j]) { plan.place[j] = to; plan.c0[j] = 0; plan.c1[j] = 0; moved = true; }
    }
    if (!moved) return ev;
  }
  return evaluateGroup(g, P, plan);
}

export const emptyPlan = (n: number, place: number): GroupPlan => ({
  place: new Int32Array(n).fill(place), c0: new Float64Array(n), c1: new Float64Array(n),
});
