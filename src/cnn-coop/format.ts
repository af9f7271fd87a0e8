import { textTable } from '../core/table.ts';
import type { Result, Scenario } from './model.ts';

const f = (x: number, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits) : String(x));

/** The terminal table of a cnn-coop plan. */
export function formatResult(s: Scenario, r: Result): string {
  const deadline = new Map(s.devices.map((d) => [d.id, d.deadlineS]));
  const header = ['device', 'place', 'layers', 'finish', 'bw %', 'cpu %', 'bh %', 'latency s', 'deadline s', 'energy J', 'ok'];
  const rows = r.tasks.map((t) => [t.device, t.place, t.place === 'local' ? '-' : String(t.layers), t.finishAt,
    f(100 * t.bandwidthShare, 1), f(100 * t.cpuShare, 1), f(100 * t.backhaulShare, 1), f(t.latencyS), f(deadline.get(t.device) ?? NaN, 3), f(t.energyJ, 4),
    t.meetsDeadline ? 'yes' : `NO (${t.violation ?? 'violated'})`]);
  const perServer = s.servers.map((srv) => `${srv.id}: ${r.tasks.filter((t) => t.place === srv.id).length} tasks`).join(', ');
  const gap = r.lowerBound !== null && r.lowerBound > 0 ? `   lower bound ${f(r.lowerBound)} s (gap ${f((100 * (r.totalLatencyS - r.lowerBound)) / r.totalLatencyS, 2)} %)` : '';
  return [
    `${r.algorithm}: ${r.status}; total latency ${f(r.totalLatencyS)} s, device energy ${f(r.deviceEnergyJ, 3)} J, solved in ${f(r.solveMs, 1)} ms${gap}`,
    `${s.devices.length} devices, ${s.servers.length} servers (${perServer}, local: ${r.tasks.filter((t) => t.place === 'local').length})`,
    ...(r.infeasibleTasks?.length ? [`infeasible tasks: ${r.infeasibleTasks.join(', ')}`] : []),
    '',
    textTable(header, rows, { rule: true }),
  ].join('\n');
}
