import type { VerifyReport } from '../core/system.ts';

/**
 * A user algorithm (an executable or a module) that crashed, hung, or printed something that is
 * not a result of the scenario's system. Not bad input of the caller: the CLI exits with code 1.
 */
export class SolverFailure extends Error {
  constructor(readonly solver: string, message: string) {
    super(`${solver}: ${message}`);
    this.name = 'SolverFailure';
  }
}

/** A result the independent checker rejected: never returned as a plan (CLI exit code 1). */
export class InvalidResultError extends Error {
  constructor(readonly solver: string, readonly report: VerifyReport) {
    super(`${solver}: the result is invalid (${report.issues.length} issue(s), first: ${describeIssue(report.issues[0])})`);
    this.name = 'InvalidResultError';
  }
}

export function describeIssue(issue: VerifyReport['issues'][number] | undefined): string {
  if (!issue) return 'none';
  return `${issue.task ? `${issue.task} ` : ''}${issue.constraint}: ${issue.message}`;
}
