import type { VerifyReport } from '../../core/system.ts';
import type { Result, Scenario } from '../../three-tier/model.ts';
import type { MapLink, MapNode, PlanView, TaskBar } from './types.ts';
import { LoadTable, envelopeView, fmt, link } from './common.ts';

/**
 * three-tier on the map: devices, small cells (SBS) and the macro cell (MBS) of every group at
 * their positions. A task served through an SBS is a line device -> SBS, plus SBS -> MBS when it
 * forwards bits over the wired path; a task sent to the MBS directly is a line device -> MBS.
 */
export function threeTierView(s: Scenario, r: Result, report: VerifyReport): PlanView {
  const stations = new Map<string, MapNode>();
  const mbsOfGroup = new Map<string, MapNode>();
  const sbsIds: string[] = [];
  for (const g of s.groups) {
    const mbs: MapNode = { id: g.mbs.id, kind: 'mbs', x: g.mbs.x, y: g.mbs.y, place: g.mbs.id, label: `macro cell ${g.mbs.id} (group ${g.id}): ${fmt(g.mbs.cpuGHz)} GHz` };
    stations.set(mbs.id, mbs);
    mbsOfGroup.set(g.id, mbs);
    for (const b of g.sbs) {
      stations.set(b.id, { id: b.id, kind: 'sbs', x: b.x, y: b.y, place: b.id, label: `small cell ${b.id} (group ${g.id}): ${fmt(b.cpuGHz)} GHz, ${fmt(b.bandwidthMHz)} MHz` });
      sbsIds.push(b.id);
    }
  }
  const shared = s.mbsCpu === 'shared';
  const loads = new LoadTable([...sbsIds, ...(shared ? s.groups.map((g) => g.mbs.id) : [])], ['CPU']);
  const resultOf = new Map(r.tasks.map((t) => [t.task, t]));
  const nodes: MapNode[] = [];
  const links: MapLink[] = [];
  const tasks: TaskBar[] = [];
  for (const task of s.tasks) {
    const t = resultOf.get(task.id);
    const mbs = mbsOfGroup.get(task.group)!;
    const place = !t ? 'unplanned' : t.place === 'mbs' ? mbs.id : t.place;
    const split = t ? `local ${fmt(t.localBits)}, SBS ${fmt(t.sbsBits)}, MBS ${fmt(t.mbsBits)} bits` : '';
    const node: MapNode = {
      id: task.id, kind: 'device', x: task.x, y: task.y, place,
      label: `device ${task.id}: ${!t ? 'not in the plan' : t.place === 'local' ? 'runs on the device' : `served by ${place} (${split})`}${t ? `, ${fmt(t.delayS)} s of ${fmt(task.deadlineS)} s` : ''}`,
    };
    nodes.push(node);
    if (!t) continue;
    tasks.push({ id: task.id, place, latencyS: t.delayS, deadlineS: task.deadlineS, meetsDeadline: t.meetsDeadline });
    if (t.place === 'mbs') {
      links.push(link(node, mbs, place, 'uplink', `${task.id} to ${mbs.id}`));
      if (t.mbsCpuShare !== undefined) loads.add(mbs.id, 'CPU', t.mbsCpuShare);
    } else if (t.place !== 'local') {
      const sbs = stations.get(t.place);
      if (!sbs) continue;
      links.push(link(node, sbs, place, 'uplink', `${task.id} to ${sbs.id}`));
      if (t.mbsBits > 0) links.push(link(sbs, mbs, place, 'forward', `${task.id}: ${sbs.id} forwards ${fmt(t.mbsBits)} bits to ${mbs.id}`));
      loads.add(sbs.id, 'CPU', t.cpuShare);
      if (t.mbsCpuShare !== undefined) loads.add(mbs.id, 'CPU', t.mbsCpuShare);
    }
  }
  nodes.push(...stations.values());
  const envelope = envelopeView(r, report, [
    { key: 'utility', label: `utility (${s.alpha}·delay + ${Number((1 - s.alpha).toPrecision(6))}·energy)`, unit: '', value: r.utility },
    { key: 'totalDelayS', label: 'total delay', unit: 's', value: r.totalDelayS },
    { key: 'totalEnergyJ', label: 'total energy', unit: 'J', value: r.totalEnergyJ },
    { key: 'missed', label: 'deadlines missed', unit: '', value: r.tasks.filter((t) => !t.meetsDeadline).length },
  ]);
  return {
    ...envelope,
    counts: { devices: s.tasks.length, stations: stations.size },
    map: { nodes, links, xTitle: 'x (m)', yTitle: 'y (m)' },
    loads: loads.bars(),
    loadNote: shared ? 'sum of the CPU shares each small cell and macro cell gives its tasks (1 = all of it)' : 'sum of the CPU shares each small cell gives its tasks (1 = all of it); the macro cell gives each task its whole CPU (eq. 9)',
    tasks,
    causes: r.causes ?? [],
  };
}
