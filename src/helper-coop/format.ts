import { textTable } from '../core/table.ts';
import type { Result, Scenario } from './model.ts';

const n = (x: number, digits = 4) => (x === 0 ? '0' : x.toPrecision(digits));

/** A readable table of a result for the terminal. */
export function formatResult(s: Scenario, r: Result): string {
  const head = `helper-coop ${r.algorithm}: ${r.status}`;
  if (r.status === 'infeasible') {
    return [head, ...(r.causes ?? []).map((c) => `  ${c}`),
      ...(r.maxDataBits !== undefined ? [`  largest supported data size: ${n(r.maxDataBits, 7)} bits (task: ${s.dataBits})`] : [])].join('\n');
  }
  const lines = [
    `${head}, energy ${n(r.energyJ!, 8)} J${r.lowerBound !== null ? ` (lower bound ${n(r.lowerBound, 8)} J)` : ''}, ${n(r.solveMs, 3)} ms`,
    `local: ${n(r.localBits, 7)} bits${r.localCpuGHz !== undefined ? ` at ${n(r.localCpuGHz)} GHz` : ` at ${n((s.user.cyclesPerBit * r.localBits) / s.deadlineS / 1e9)} GHz`}`,
  ];
  if (r.apOffload) lines.push(`access point: ${n(r.apOffload.bits, 7)} bits in ${n(r.apOffload.timeS)} s at ${n(r.apOffload.txPowerW)} W`);
  const used = r.helpers.filter((h) => h.offloadBits > 0);
  if (used.length > 0) {
    const rows = [['helper', 'bits', 'offload s', 'compute s', 'download s', 'p (W)', 'q (W)', 'f (GHz)'],
      ...used.map((h) => [h.helper, n(h.offloadBits, 7), n(h.offloadTimeS), n(h.computeTimeS), n(h.downloadTimeS), n(h.txPowerW), n(h.helperTxPowerW), n(h.cpuGHz)])];
    lines.push(textTable(rows[0], rows.slice(1), { indent: '  ' }));
  }
  const idle = r.helpers.length - used.length;
  if (idle > 0) lines.push(`  ${idle} helper(s) idle`);
  return lines.join('\n');
}
