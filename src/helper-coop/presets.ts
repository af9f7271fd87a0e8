import type { SetupParams } from './fit-params.ts';

/**
 * Named readings of the JTPRA paper's lost parameters, found by the seeded fit
 * (scripts/helper-coop-fit.ts, docs/helper-coop-fit.md). They are offered beside the spec's
 * defaults, which stay what `mec reproduce helper-coop` and the tests use:
 * `mec reproduce helper-coop fig4 --preset <name>` runs a figure on a preset.
 */
export interface ParameterPreset {
  name: string;
  note: string;
  /** The full set-up of each energy figure (its x axis overwrites the swept value). */
  setups: Record<'fig4' | 'fig5' | 'fig6' | 'fig7' | 'fig8', SetupParams>;
  /** The reduction against JORCF measured by the fit: 100 draws a point, base seed 1, bootstrap 95 % interval. */
  stated: Record<'fig4' | 'fig5' | 'fig6' | 'fig7' | 'fig8', { pct: number; ci95: [number, number] }>;
}

export const PRESETS: ParameterPreset[] = [];
