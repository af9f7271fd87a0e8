import type { VerifyReport } from '../../core/system.ts';
import type { Result, Scenario } from '../../helper-coop/model.ts';
import type { MapLink, MapNode, PlanView, TaskBar } from './types.ts';
import { LoadTable, envelopeView, fmt, link } from './common.ts';

/**
 * helper-coop on the map. The scenario gives each helper's distance to the user, not a position,
 * so the user sits at the origin and the helpers on rays spread evenly around it, each at its
 * true distance (a helper given only by its channel gain is placed at the distance the path-loss
 * model gives that gain). JORCF's access point, when used, takes one more ray. A line user ->
 * helper is the bits that helper computes.
 */
export function helperCoopView(s: Scenario, r: Result, report: VerifyReport): PlanView {
  const T = s.deadlineS;
  const distanceOf = (h: Scenario['helpers'][number]) => h.distanceM ?? (s.pathLoss.gainAt1m / h.channelGain!) ** (1 / s.pathLoss.exponent);
  const useAp = r.apOffload !== undefined && r.apOffload.bits > 0;
  const rays = s.helpers.length + (useAp ? 1 : 0);
  const at = (i: number, d: number) => ({ x: d * Math.cos(Math.PI / 2 + (2 * Math.PI * i) / Math.max(1, rays)), y: d * Math.sin(Math.PI / 2 + (2 * Math.PI * i) / Math.max(1, rays)) });
  const fu = r.localCpuGHz !== undefined ? r.localCpuGHz : (s.user.cyclesPerBit * r.localBits) / T / 1e9;
  const localTimeS = r.localBits > 0 && fu > 0 ? (s.user.cyclesPerBit * r.localBits) / (fu * 1e9) : 0;
  const user: MapNode = {
    id: 'user', kind: 'user', x: 0, y: 0, place: 'local',
    label: `the user: computes ${fmt(r.localBits)} of ${fmt(s.dataBits)} bits itself`,
  };
  const nodes: MapNode[] = [user];
  const links: MapLink[] = [];
  const tasks: TaskBar[] = [];
  const loads = new LoadTable(['user', ...s.helpers.map((h) => h.id)], ['uplink time', 'compute time', 'download time', 'CPU']);
  if (r.localBits > 0) {
    tasks.push({ id: 'user (local part)', place: 'local', latencyS: localTimeS, deadlineS: T, meetsDeadline: localTimeS <= T * (1 + 1e-9) });
    loads.add('user', 'compute time', localTimeS / T);
    loads.add('user', 'CPU', fu / s.user.maxCpuGHz);
  }
  const byId = new Map(r.helpers.map((h) => [h.helper, h]));
  s.helpers.forEach((spec, k) => {
    const h = byId.get(spec.id);
    const bits = h?.offloadBits ?? 0;
    const node: MapNode = {
      id: spec.id, kind: 'helper', ...at(k, distanceOf(spec)), place: bits > 0 ? spec.id : 'idle',
      label: `helper ${spec.id} at ${fmt(distanceOf(spec))} m: ${bits > 0 ? `computes ${fmt(bits)} bits` : 'idle'}`,
    };
    nodes.push(node);
    if (!h || bits <= 0) return;
    links.push(link(user, node, spec.id, 'uplink', `user to ${spec.id}: ${fmt(bits)} bits`));
    const block = h.offloadTimeS + h.computeTimeS + h.downloadTimeS;
    tasks.push({ id: `${spec.id} part`, place: spec.id, latencyS: block, deadlineS: T, meetsDeadline: block <= T * (1 + 1e-9) });
    loads.add(spec.id, 'uplink time', h.offloadTimeS / T);
    loads.add(spec.id, 'compute time', h.computeTimeS / T);
    loads.add(spec.id, 'download time', h.downloadTimeS / T);
    loads.add(spec.id, 'CPU', h.cpuGHz / spec.maxCpuGHz);
  });
  if (useAp) {
    const ap = s.accessPoint ?? { distanceM: 30 };
    const node: MapNode = { id: 'access point', kind: 'access-point', ...at(s.helpers.length, ap.distanceM), place: 'access point', label: `the access point's server: ${fmt(r.apOffload!.bits)} bits` };
    nodes.push(node);
    links.push(link(user, node, 'access point', 'uplink', `user to the access point: ${fmt(r.apOffload!.bits)} bits`));
    tasks.push({ id: 'access point part', place: 'access point', latencyS: r.apOffload!.timeS, deadlineS: T, meetsDeadline: r.apOffload!.timeS <= T * (1 + 1e-9) });
  }
  const offloaded = r.helpers.reduce((a, h) => a + h.offloadBits, 0) + (r.apOffload?.bits ?? 0);
  const envelope = envelopeView(r, report, [
    { key: 'energyJ', label: 'total energy', unit: 'J', value: r.energyJ },
    { key: 'localBits', label: 'bits computed by the user', unit: 'bit', value: r.localBits },
    { key: 'offloadedBits', label: 'bits offloaded', unit: 'bit', value: offloaded },
    { key: 'helpersUsed', label: 'helpers used', unit: '', value: r.helpers.filter((h) => h.offloadBits > 0).length },
  ]);
  return {
    ...envelope,
    counts: { devices: 1 + s.helpers.length, stations: useAp ? 1 : 0 },
    map: { nodes, links, xTitle: 'm (helpers on rays at their distance to the user)', yTitle: 'm' },
    loads: loads.bars(),
    loadNote: 'each phase\'s time as a share of the block T, and the CPU frequency as a share of its maximum',
    tasks,
    causes: r.causes ?? [],
  };
}
