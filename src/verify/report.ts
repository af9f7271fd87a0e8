import type { VerifyIssue, VerifyReport } from '../core/system.ts';

/** Collects issues; `near` and `atMost` compare with a relative tolerance. */
export class Checker {
  readonly issues: VerifyIssue[] = [];
  constructor(readonly relTol = 1e-6) {}

  fail(constraint: string, message: string, task?: string): void {
    this.issues.push({ constraint, message, ...(task ? { task } : {}) });
  }

  /** |got - want| ≤ relTol·max(|want|, scale). */
  near(constraint: string, got: number, want: number, task?: string, scale = 1e-9): void {
    if (!(Math.abs(got - want) <= this.relTol * Math.max(Math.abs(want), scale))) {
      this.fail(constraint, `reported ${got}, recomputed ${want}`, task);
    }
  }

  atMost(constraint: string, value: number, limit: number, task?: string): void {
    if (!(value <= limit + this.relTol * Math.max(Math.abs(limit), 1e-12))) this.fail(constraint, `${value} exceeds ${limit}`, task);
  }

  report(recomputed: Record<string, number>): VerifyReport {
    return { ok: this.issues.length === 0, issues: this.issues, recomputed };
  }
}
