import type { ResultEnvelope, VerifyReport } from '../../core/system.ts';
import type { MapLink, MapNode, PlanView, Total, Verdict } from './types.ts';

/** Pieces every system's view builder shares. */
export const MAX_ISSUES = 50;

export function verdictOf(report: VerifyReport): Verdict {
  return { ok: report.ok, issues: report.issues.slice(0, MAX_ISSUES), issueCount: report.issues.length };
}

/** Relative gap to a proved lower bound; null without a bound or an objective. */
export function gapOf(objective: number | null, lowerBound: number | null): number | null {
  if (objective === null || lowerBound === null || !Number.isFinite(objective) || !Number.isFinite(lowerBound)) return null;
  const scale = Math.abs(lowerBound);
  if (scale === 0) return objective === 0 ? 0 : null;
  return (objective - lowerBound) / scale;
}

export function link(from: MapNode, to: MapNode, place: string, kind: MapLink['kind'], label: string): MapLink {
  return { from: from.id, to: to.id, x: from.x, y: from.y, x2: to.x, y2: to.y, place, kind, label };
}

/** The envelope fields of a plan view; the builder adds the system's own parts. */
export function envelopeView(result: ResultEnvelope, report: VerifyReport, totals: Total[]): Pick<PlanView, 'system' | 'algorithm' | 'status' | 'solveMs' | 'objective' | 'lowerBound' | 'gap' | 'totals' | 'verdict'> {
  const objective = totals[0];
  return {
    system: result.system,
    algorithm: result.algorithm,
    status: result.status,
    solveMs: result.solveMs,
    objective,
    lowerBound: result.lowerBound,
    gap: gapOf(objective.value, result.lowerBound),
    totals,
    verdict: verdictOf(report),
  };
}

/** Sums shares per (station, resource), in the order stations are given. */
export class LoadTable {
  private readonly rows = new Map<string, { station: string; resource: string; share: number; tasks: number }>();
  constructor(stations: string[], resources: string[]) {
    for (const station of stations) for (const resource of resources) this.rows.set(`${station}\u0000${resource}`, { station, resource, share: 0, tasks: 0 });
  }
  add(station: string, resource: string, share: number): void {
    const row = this.rows.get(`${station}\u0000${resource}`);
    if (!row || !(share > 0)) return;
    row.share += share;
    row.tasks += 1;
  }
  bars() {
    return [...this.rows.values()];
  }
}

/** A number for a sentence: 4 significant digits. */
export const fmt = (v: number): string => (Number.isFinite(v) ? Number(v.toPrecision(4)).toString() : String(v));
