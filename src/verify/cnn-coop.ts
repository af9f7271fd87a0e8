import type { VerifyReport } from '../core/system.ts';
import type { Result, Scenario } from '../cnn-coop/model.ts';
import { Checker } from './report.ts';

/**
 * The independent cnn-coop checker: recomputes every task's rate, latency and energy from the
 * scenario and the decisions in the result (place, layers, finishAt, shares), and checks C1–C10,
 * the load limits, the reported totals and the status. It deliberately shares no code with the
 * algorithms (not even the physics), so a wrong formula there cannot hide itself here.
 */
export function verifyCnnCoop(s: Scenario, r: Result): VerifyReport {
  const c = new Checker();
  const noiseW = 10 ** (s.channel.noiseDbm / 10) / 1000;
  const serverIndex = new Map(s.servers.map((srv, n) => [srv.id, n]));
  const byDevice = new Map(r.tasks.map((t) => [t.device, t]));
  if (r.tasks.length !== s.devices.length || byDevice.size !== s.devices.length) c.fail('C4', `result has ${r.tasks.length} tasks for ${s.devices.length} devices (each exactly once)`);
  const sums = s.servers.map(() => ({ alpha: 0, beta: 0, lambda: 0, count: 0 }));
  let total = 0;
  let energy = 0;
  let anyMiss = false;
  s.devices.forEach((d, m) => {
    const t = byDevice.get(d.id);
    if (!t) { c.fail('C4', 'no decision for this device', d.id); anyMiss = true; return; }
    let latency: number;
    let energyJ: number;
    let rateOk = true;
    if (t.place === 'local') {
      latency = (d.dataMbit * d.gigacyclesPerMbit) / d.cpuGHz;
      energyJ = s.energy.kappa * (d.cpuGHz * 1e9) ** 2 * d.dataMbit * d.gigacyclesPerMbit * 1e9;
      if (t.bandwidthShare + t.cpuShare + t.backhaulShare !== 0) c.fail('C5', 'a local task holds server shares', d.id);
    } else {
      const n = serverIndex.get(t.place);
      if (n === undefined) { c.fail('C3', `unknown place "${t.place}"`, d.id); anyMiss = true; return; }
      const srv = s.servers[n];
      const prof = s.cnnProfiles[srv.cnnProfile];
      const K = prof.reduction.length;
      if (!(Number.isInteger(t.layers) && t.layers >= 0 && t.layers <= K)) c.fail('C1/C2', `layers ${t.layers} outside 0..${K}`, d.id);
      if (t.finishAt === 'device') c.fail('C1/C2', 'an offloaded task cannot finish on the device', d.id);
      const k = Math.min(Math.max(t.layers, 0), K);
      const edgeCycles = t.finishAt === 'edge' ? prof.totalGigacyclesPerMbit ?? prof.gigacyclesPerMbit[K - 1] : k === 0 ? 0 : prof.gigacyclesPerMbit[k - 1];
      const fraction = t.finishAt === 'edge' ? 0 : k === 0 ? 1 : prof.reduction[k - 1];
      if (t.finishAt === 'edge' && t.layers !== K) c.fail('C1/C2', `finishing at the edge runs all ${K} layers, result says ${t.layers}`, d.id);
      const dist = Math.max(Math.hypot(d.x - srv.x, d.y - srv.y), s.channel.pathLoss.minDistanceM);
      const lossDb = s.gainsDb ? -s.gainsDb[m][n]
        : s.channel.pathLoss.interceptDb + s.channel.pathLoss.slopeDb * Math.log10(s.channel.pathLoss.distanceUnit === 'km' ? dist / 1000 : dist);
      const fullRate = srv.bandwidthMHz * Math.log2(1 + (d.txPowerW * 10 ** (-lossDb / 10)) / noiseW);
      const upload = d.dataMbit / fullRate;
      const compute = (d.dataMbit * edgeCycles) / srv.cpuGHz;
      const backhaul = (d.dataMbit * fraction) / srv.backhaulMbps;
      const cloud = s.cloud && t.finishAt === 'cloud'
        ? (d.dataMbit * ((prof.totalGigacyclesPerMbit ?? prof.gigacyclesPerMbit[K - 1]) - edgeCycles)) / s.cloud.cpuGHz : 0;
      for (const [name, share, needed] of [['bandwidthShare', t.bandwidthShare, upload], ['cpuShare', t.cpuShare, compute], ['backhaulShare', t.backhaulShare, backhaul]] as const) {
        if (!(share >= 0 && share <= 1)) c.fail('C5', `${name} ${share} outside [0, 1]`, d.id);
        if (needed > 0 && !(share > 0)) c.fail('C5', `${name} is 0 but the task needs that resource`, d.id);
      }
      const part = (time: number, share: number) => (time === 0 ? 0 : time / share);
      latency = part(upload, t.bandwidthShare) + part(compute, t.cpuShare) + part(backhaul, t.backhaulShare) + cloud;
      energyJ = d.txPowerW * part(upload, t.bandwidthShare);
      const rate = t.bandwidthShare * fullRate;
      rateOk = rate >= d.minRateMbps * (1 - 1e-6);
      if (!rateOk && t.meetsDeadline) c.fail('C9', `rate ${rate} Mbit/s below the minimum ${d.minRateMbps} but the task claims to meet its constraints`, d.id);
      sums[n].alpha += t.bandwidthShare;
      sums[n].beta += t.cpuShare;
      sums[n].lambda += t.backhaulShare;
      sums[n].count++;
    }
    c.near('latencyS', t.latencyS, latency, d.id);
    c.near('energyJ', t.energyJ, energyJ, d.id, 1e-15);
    const meets = latency <= d.deadlineS * (1 + 1e-6) && rateOk;
    if (t.meetsDeadline && !meets) c.fail('C10', `latency ${latency} s exceeds the deadline ${d.deadlineS} s but the task claims to meet it`, d.id);
    if (!t.meetsDeadline && latency < d.deadlineS * (1 - 1e-6) && rateOk) c.fail('C10', 'meets its deadline and rate but is reported as missing them', d.id);
    if (!meets) anyMiss = true;
    total += latency;
    energy += energyJ;
  });
  s.servers.forEach((srv, n) => {
    c.atMost('C6 bandwidth share sum', sums[n].alpha, 1, srv.id);
    c.atMost('C7 CPU share sum', sums[n].beta, 1, srv.id);
    c.atMost('C8 backhaul share sum', sums[n].lambda, 1, srv.id);
    if (srv.maxTasks !== undefined && r.info?.respectsLoadLimits === true) {
      c.atMost('load limit', sums[n].count, srv.maxTasks, srv.id);
    }
  });
  c.near('totalLatencyS', r.totalLatencyS, total);
  c.near('deviceEnergyJ', r.deviceEnergyJ, energy, undefined, 1e-12);
  if (anyMiss && r.status !== 'infeasible') c.fail('status', `some task misses its deadline or rate but status is "${r.status}"`);
  if (!anyMiss && r.status === 'infeasible') c.fail('status', 'every task meets its constraints but status is "infeasible"');
  if (r.lowerBound !== null && r.status !== 'infeasible') c.atMost('lowerBound', r.lowerBound, total);
  return c.report({ totalLatencyS: total, deviceEnergyJ: energy });
}
