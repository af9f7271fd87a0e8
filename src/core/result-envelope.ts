import { z } from 'zod';

/**
 * The fields every result document shares (formats.md: "same envelope"), as zod shape entries to
 * spread into each system's result schema; the TypeScript side is ResultEnvelope in system.ts.
 */
export const envelopeShape = <S extends string>(system: S) => ({
  system: z.literal(system),
  algorithm: z.string(),
  status: z.enum(['optimal', 'feasible', 'infeasible']),
  solveMs: z.number().nonnegative(),
  /** A proved lower bound on the optimal objective, where the algorithm gives one. */
  lowerBound: z.number().nullable(),
});
