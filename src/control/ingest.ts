import type { Controller } from './controller.ts';
import type { IncomingReport, ReportOutcome, Store } from './store.ts';

/**
 * What a group commit (group-commit.ts) hands the controller: report batches and devices leaving,
 * in arrival order. They are committed in one transaction, then applied to the in-memory state
 * (nothing reaches it before it is committed), then answered.
 */
export interface PendingUnit {
  items: IncomingReport[];
  done: (outcomes: ReportOutcome[] | null, error?: Error) => void;
}

/** Devices leaving; committed in the same queue as reports, so a report and a leave keep their order. */
export interface LeaveUnit {
  leave: true;
  items: Array<{ deviceId: string; via: string | null }>;
  done: (known: boolean[] | null, error?: Error) => void;
}

export type CommitUnit = PendingUnit | LeaveUnit;

/** Commits `units` and applies them; false when the commit failed (every unit was told). */
export function commitUnits(ctl: Controller, units: CommitUnit[]): boolean {
  // consecutive report batches share one commitReports call (its duplicate check spans them);
  // leaves in between keep their place in the order; all in one transaction
  const runs: Array<{ leave: false; units: PendingUnit[] } | { leave: true; units: LeaveUnit[] }> = [];
  for (const u of units) {
    const last = runs.at(-1);
    if ('leave' in u) {
      if (last?.leave) last.units.push(u);
      else runs.push({ leave: true, units: [u] });
    } else if (last && !last.leave) last.units.push(u);
    else runs.push({ leave: false, units: [u] });
  }
  let results: Array<ReturnType<Store['commitReports']> | boolean[]>;
  try {
    results = ctl.store.inTransaction(() => runs.map((r) => (r.leave ? ctl.store.removeDevices(r.units.flatMap((u) => u.items)) : ctl.store.commitReports(r.units.flatMap((u) => u.items)))));
  } catch (err) {
    ctl.log.error(`controller: commit failed: ${(err as Error).message}`);
    for (const u of units) u.done(null, err as Error);
    return false;
  }
  const now = Date.now();
  let changed: string | null = null;
  runs.forEach((run, r) => {
    if (run.leave) {
      const known = results[r] as boolean[];
      run.units.flatMap((u) => u.items).forEach((it, i) => {
        if (!known[i]) return;
        ctl.devices.delete(it.deviceId);
        ctl.releaseDevice(it.deviceId);
        changed ??= 'device left';
      });
      let k = 0;
      for (const u of run.units) {
        u.done(known.slice(k, k + u.items.length));
        k += u.items.length;
      }
      return;
    }
    const committed = results[r] as ReturnType<Store['commitReports']>;
    const items = run.units.flatMap((u) => u.items);
    items.forEach((it, i) => {
      if (committed.outcomes[i] !== 'accepted') return;
      ctl.devices.set(it.report.deviceId, { report: it.report, via: it.via, updatedAt: now, logSeq: committed.logSeqs[i], tokenId: it.tokenId ?? null });
      changed ??= 'reports';
    });
    let k = 0;
    for (const u of run.units) {
      u.done(committed.outcomes.slice(k, k + u.items.length));
      k += u.items.length;
    }
    const accepted = committed.outcomes.filter((o) => o === 'accepted').length;
    ctl.metrics.reports.inc({ outcome: 'accepted' }, accepted);
    ctl.metrics.reports.inc({ outcome: 'duplicate' }, committed.outcomes.length - accepted);
  });
  if (changed) ctl.requestPlan(changed);
  return true;
}
