/**
 * The x axes of the paper's energy figures (Figs. 4–8) and the reduction against JORCF the paper
 * reports for each; shared by the figures (experiments.ts) and the parameter fit (fit.ts). The
 * axes are the spec's reading (§9/§11): the paper's captions lost their values.
 */
export interface EnergySweep {
  id: 'fig4' | 'fig5' | 'fig6' | 'fig7' | 'fig8';
  /** The paper's "JTPRA has about N % energy consumption reduction on average, compared with JORCF". */
  paperPct: number;
  xs: number[];
  quick: number[];
  /** The scenario parameter on the x axis, and the factor from the axis unit to it (Mbit → bit). */
  param: 'dataBits' | 'deadlineS' | 'bandwidthMHz' | 'helpers' | 'maxDistanceM';
  unit: number;
}

export const ENERGY_SWEEPS: EnergySweep[] = [
  { id: 'fig4', paperPct: 69.9, xs: [0.5, 1, 1.5, 2, 2.5], quick: [0.5, 1.5, 2.5], param: 'dataBits', unit: 1e6 },
  { id: 'fig5', paperPct: 52.4, xs: [0.5, 0.75, 1, 1.25, 1.5, 2], quick: [0.5, 1, 2], param: 'deadlineS', unit: 1 },
  { id: 'fig6', paperPct: 67.5, xs: [0.2, 0.5, 1, 1.5, 2], quick: [0.2, 1, 2], param: 'bandwidthMHz', unit: 1 },
  { id: 'fig7', paperPct: 65.1, xs: [1, 2, 3, 4, 6, 8, 10], quick: [1, 4, 10], param: 'helpers', unit: 1 },
  { id: 'fig8', paperPct: 15.1, xs: [20, 40, 60, 80, 100], quick: [20, 60, 100], param: 'maxDistanceM', unit: 1 },
];

export const sweepOf = (id: string): EnergySweep => {
  const s = ENERGY_SWEEPS.find((e) => e.id === id);
  if (!s) throw new Error(`no energy sweep ${id}`);
  return s;
};
