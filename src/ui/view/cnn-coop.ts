import type { VerifyReport } from '../../core/system.ts';
import type { Result, Scenario } from '../../cnn-coop/model.ts';
import type { MapLink, MapNode, PlanView, TaskBar } from './types.ts';
import { LoadTable, envelopeView, fmt, link } from './common.ts';

/**
 * cnn-coop on the map: devices and MEC servers at their positions, the cloud drawn above the
 * area (it has no position). A task offloaded to server n is a line device -> n; when it
 * finishes in the cloud a second line n -> cloud carries its activation over the backhaul.
 */
export function cnnCoopView(s: Scenario, r: Result, report: VerifyReport): PlanView {
  const xs = [...s.devices.map((d) => d.x), ...s.servers.map((n) => n.x)];
  const ys = [...s.devices.map((d) => d.y), ...s.servers.map((n) => n.y)];
  const minX = Math.min(...xs, 0), maxX = Math.max(...xs, 1);
  const maxY = Math.max(...ys, 1), minY = Math.min(...ys, 0);
  const cloud: MapNode = { id: 'cloud', kind: 'cloud', x: (minX + maxX) / 2, y: maxY + 0.25 * (maxY - minY), place: 'cloud', label: 'the cloud (reached over each server\'s backhaul)' };
  const servers = new Map<string, MapNode>(s.servers.map((n) => [n.id, {
    id: n.id, kind: 'server', x: n.x, y: n.y, place: n.id,
    label: `server ${n.id}: ${fmt(n.bandwidthMHz)} MHz, ${fmt(n.cpuGHz)} GHz, backhaul ${fmt(n.backhaulMbps)} Mbit/s`,
  } satisfies MapNode]));
  const taskOf = new Map(r.tasks.map((t) => [t.device, t]));
  const nodes: MapNode[] = [];
  const links: MapLink[] = [];
  const loads = new LoadTable(s.servers.map((n) => n.id), ['bandwidth', 'CPU', 'backhaul']);
  const tasks: TaskBar[] = [];
  let toCloud = 0;
  for (const d of s.devices) {
    const t = taskOf.get(d.id);
    const place = t?.place ?? 'unplanned';
    const where = !t ? 'not in the plan' : t.place === 'local' ? 'runs on the device'
      : t.finishAt === 'cloud' ? `runs ${t.layers} layers on ${t.place}, the rest in the cloud` : `runs whole on ${t.place}`;
    const node: MapNode = {
      id: d.id, kind: 'device', x: d.x, y: d.y, place,
      label: `device ${d.id}: ${where}${t ? `, ${fmt(t.latencyS)} s of ${fmt(d.deadlineS)} s` : ''}`,
    };
    nodes.push(node);
    if (!t) continue;
    tasks.push({ id: d.id, place, latencyS: t.latencyS, deadlineS: d.deadlineS, meetsDeadline: t.meetsDeadline });
    const server = servers.get(t.place);
    if (!server) continue;
    links.push(link(node, server, t.place, 'uplink', `${d.id} to ${t.place}`));
    if (t.finishAt === 'cloud') {
      links.push(link(server, cloud, t.place, 'backhaul', `${d.id}: ${t.place} to the cloud`));
      toCloud++;
    }
    loads.add(t.place, 'bandwidth', t.bandwidthShare);
    loads.add(t.place, 'CPU', t.cpuShare);
    loads.add(t.place, 'backhaul', t.backhaulShare);
  }
  nodes.push(...servers.values());
  if (toCloud > 0 || s.cloud) nodes.push(cloud);
  const envelope = envelopeView(r, report, [
    { key: 'totalLatencyS', label: 'total latency', unit: 's', value: r.totalLatencyS },
    { key: 'deviceEnergyJ', label: 'device energy', unit: 'J', value: r.deviceEnergyJ },
    { key: 'offloaded', label: 'tasks offloaded', unit: '', value: r.tasks.filter((t) => t.place !== 'local').length },
    { key: 'toCloud', label: 'finished in the cloud', unit: '', value: toCloud },
    { key: 'missed', label: 'deadlines missed', unit: '', value: r.tasks.filter((t) => !t.meetsDeadline).length },
  ]);
  return {
    ...envelope,
    counts: { devices: s.devices.length, stations: s.servers.length },
    map: { nodes, links, xTitle: 'x (m)', yTitle: 'y (m)' },
    loads: loads.bars(),
    loadNote: 'sum of the shares each server gives its tasks: uplink bandwidth B_n, CPU F_n, backhaul C_n (1 = all of it)',
    tasks,
    causes: r.infeasibleTasks?.map((id) => `${id}: ${taskOf.get(id)?.violation ?? 'cannot meet its deadline or rate'}`) ?? [],
  };
}
