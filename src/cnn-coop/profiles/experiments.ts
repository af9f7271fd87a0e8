import type { ClaimCheck, FigureDefinition, FigureSummary } from '../../core/system.ts';
import type { CnnProfile, Result, Scenario } from '../model.ts';
import { generateScenario, TABLE1_PROFILE } from '../generate.ts';
import { pa } from '../algorithms/pa.ts';
import { resolveProfile } from './index.ts';

/**
 * The paper's Fig. 4 (PA's total latency against the number of devices M, N = 2) rerun with
 * real CNN profiles next to the illustrative Table I. Each sample draws ONE scenario (Table III)
 * from its seed and solves it once per series, so the series of a panel are compared on the
 * same devices, positions and deadlines (common random numbers); only the CNN changes. That is
 * why the precisions are series of a per-network panel: the runner seeds each panel apart.
 *
 * Devices run the same network as the servers. Table III draws a device's local cost p^0 from
 * U[2, 4] Gcycles/Mbit against Table I's whole network of 3.992 Gcycles/Mbit, i.e. a device
 * needs 0.5 to 1 times the server's cycles per Mbit; we keep that ratio for every profile. Left at
 * U[2, 4], a MobileNet device would pay 4 to 8 times the network's real cost and a VGG-16 device a
 * third of it.
 */

/** The networks compared, in the order of the legend. */
export const FIG4_PROFILE_NETWORKS = ['alexnet', 'vgg16', 'mobilenet-v1', 'resnet18'] as const;
const PROFILE_SERIES = ['table1', ...FIG4_PROFILE_NETWORKS];

const TABLE1_TOTAL = TABLE1_PROFILE.totalGigacyclesPerMbit ?? TABLE1_PROFILE.gigacyclesPerMbit.at(-1)!;

const wholeNetwork = (p: CnnProfile): number => p.totalGigacyclesPerMbit ?? p.gigacyclesPerMbit.at(-1)!;

const profileOf = (name: string): CnnProfile => resolveProfile(name)!;

/**
 * The scenario with `profile` on every server and each device's local cost rescaled from
 * Table I's network to this one (same draws otherwise).
 */
export function withProfile(base: Scenario, name: string, profile: CnnProfile): Scenario {
  const factor = wholeNetwork(profile) / TABLE1_TOTAL;
  return {
    ...base,
    cnnProfiles: { [name]: profile },
    servers: base.servers.map((s) => ({ ...s, cnnProfile: name })),
    devices: base.devices.map((d) => ({ ...d, gigacyclesPerMbit: d.gigacyclesPerMbit * factor })),
    meta: { ...base.meta, profile: name, localCostScaledBy: factor },
  };
}

/** PA on one seeded Table III scenario (M devices, N = 2) under each named profile. */
export function solveProfiles(devices: number, seed: number, series: Record<string, string>): Record<string, Result> {
  const base = generateScenario({ seed, devices, servers: 2 });
  return Object.fromEntries(Object.entries(series).map(([label, name]) => [label, pa.solve(withProfile(base, name, profileOf(name)))]));
}

const latencies = (results: Record<string, Result>) => Object.fromEntries(Object.entries(results).map(([k, r]) => [k, r.totalLatencyS]));
const identity = (names: readonly string[]) => Object.fromEntries(names.map((n) => [n, n]));
const check = (claim: string, holds: boolean, detail: string): ClaimCheck => ({ claim, holds, detail });
const fmt = (v: number) => Number(v.toPrecision(4));
const xsOf = (s: FigureSummary) => [...new Set(s.points.map((p) => p.x))].sort((a, b) => a - b);

const COMMON_PARAMS = { servers: 2, serverClass: 'scalar (1 cycle/MAC)', inputBitsPerValue: 8, splits: 'blocks',
  localCost: "same network as the servers: Table III's U[2,4] scaled by (whole-network Gcycles/Mbit) / 3.992" };

export const fig4Profiles: FigureDefinition = {
  id: 'fig4-profiles',
  title: 'Fig. 4 with real CNN profiles: PA total latency vs M (N = 2, fp32 activations)',
  caption: "PA's total latency on the paper's Table III scenarios with Table I and with profiles computed from AlexNet, VGG-16, "
    + 'MobileNetV1 and ResNet-18 (block-boundary split points, 1 cycle per MAC, input = 8-bit pixels, fp32 activations). '
    + 'Same scenarios for every profile. The paper claims only the trend in M (for Table I).',
  xLabel: 'number of devices M',
  yLabel: 'total latency (s)',
  points: [25, 27, 29, 31, 33, 35].map((x) => ({ x })),
  quickPoints: [25, 35].map((x) => ({ x })),
  defaultRuns: 10,
  quickRuns: 2,
  params: { ...COMMON_PARAMS, precision: 'fp32', profiles: PROFILE_SERIES },
  addedSeries: [...FIG4_PROFILE_NETWORKS],
  logY: true,
  sample: (p, seed) => latencies(solveProfiles(p.x, seed, identity(PROFILE_SERIES))),
  claims: (s) => {
    const xs = xsOf(s);
    const first = xs[0], last = xs[xs.length - 1];
    const byCycles = [...PROFILE_SERIES].sort((a, b) => wholeNetwork(profileOf(a)) - wholeNetwork(profileOf(b)));
    const byLatency = [...PROFILE_SERIES].sort((a, b) => s.average(a) - s.average(b));
    return [
      // VGG-16's plans miss deadlines (fig4-profiles-deadlines): their totals measure how PA treats an overloaded server
      check("the paper's Fig. 4 trend: latency grows with M, for every profile but VGG-16 (infeasible plans)",
        PROFILE_SERIES.filter((k) => k !== 'vgg16').every((k) => s.at(k, last) > s.at(k, first)),
        PROFILE_SERIES.map((k) => `${k}: ${fmt(s.at(k, first))} -> ${fmt(s.at(k, last))} s`).join('; ')),
      check('ours: the latency ranking follows the whole-network cycles per Mbit', byCycles.join() === byLatency.join(),
        `by cycles ${byCycles.join(' < ')}; by latency ${byLatency.join(' < ')}`),
    ];
  },
};

const PRECISION_SERIES = ['fp32', 'fp16', 'int8'] as const;

export const fig4ProfilesPrecision: FigureDefinition = {
  id: 'fig4-profiles-precision',
  title: 'Fig. 4 with real CNN profiles: PA total latency vs M by activation precision (N = 2)',
  caption: 'One panel a network; in each, the same scenarios solved with fp32, fp16 and int8 activations on the backhaul '
    + '(r^k scales with the bits; p^k does not at 1 cycle per MAC). Table I as the reference.',
  xLabel: 'number of devices M',
  yLabel: 'total latency (s)',
  points: FIG4_PROFILE_NETWORKS.flatMap((panel) => [25, 30, 35].map((x) => ({ x, panel }))),
  quickPoints: FIG4_PROFILE_NETWORKS.map((panel) => ({ x: 30, panel })),
  defaultRuns: 10,
  quickRuns: 2,
  params: { ...COMMON_PARAMS, precisions: PRECISION_SERIES },
  addedSeries: [...PRECISION_SERIES],
  logY: true,
  sample: (p, seed) => latencies(solveProfiles(p.x, seed, {
    table1: 'table1',
    ...Object.fromEntries(PRECISION_SERIES.map((q) => [q, q === 'fp32' ? p.panel! : `${p.panel}-${q}`])),
  })),
  claims: (s) => {
    const feasibleNets = FIG4_PROFILE_NETWORKS.filter((n) => n !== 'vgg16');
    return [
      // ours: a smaller activation shortens only the backhaul leg, so PA can keep its fp32 plan
      check('ours: int8 activations do not raise the latency (panel average, within 1 %), where plans are feasible (all but VGG-16)',
        feasibleNets.every((n) => s.average('int8', n) <= 1.01 * s.average('fp32', n)),
        FIG4_PROFILE_NETWORKS.map((n) => `${n}: fp32 ${fmt(s.average('fp32', n))} s, fp16 ${fmt(s.average('fp16', n))} s, int8 ${fmt(s.average('int8', n))} s`).join('; ')),
    ];
  },
};

const percentMet = (r: Result) => (100 * r.tasks.filter((t) => t.meetsDeadline).length) / Math.max(1, r.tasks.length);

export const fig4ProfilesDeadlines: FigureDefinition = {
  id: 'fig4-profiles-deadlines',
  title: "Fig. 4 with real CNN profiles: tasks meeting their deadline in PA's plan (N = 2, fp32)",
  caption: 'Companion of fig4-profiles (same setting). Where a profile leaves tasks past their deadline, its total latency '
    + 'is that of an infeasible plan: it says more about how PA treats an overloaded server than about the network.',
  xLabel: 'number of devices M',
  yLabel: 'tasks meeting the deadline (%)',
  points: [25, 30, 35].map((x) => ({ x })),
  quickPoints: [{ x: 30 }],
  defaultRuns: 10,
  quickRuns: 2,
  params: { ...COMMON_PARAMS, precision: 'fp32', profiles: PROFILE_SERIES },
  addedSeries: [...FIG4_PROFILE_NETWORKS],
  sample: (p, seed) => Object.fromEntries(Object.entries(solveProfiles(p.x, seed, identity(PROFILE_SERIES))).map(([k, r]) => [k, percentMet(r)])),
  claims: (s) => {
    const light = ['alexnet', 'mobilenet-v1', 'resnet18'];
    return [
      check('ours: the lighter networks (AlexNet, MobileNetV1, ResNet-18) meet at least as many deadlines as Table I',
        light.every((n) => s.average(n) >= s.average('table1') - 1e-9), PROFILE_SERIES.map((n) => `${n} ${fmt(s.average(n))} %`).join('; ')),
      check('ours: VGG-16 at 1 cycle/MAC overloads the paper\'s servers (fewer deadlines met than Table I)',
        s.average('vgg16') < s.average('table1'), `vgg16 ${fmt(s.average('vgg16'))} % vs table1 ${fmt(s.average('table1'))} %`),
    ];
  },
};

/** Share of the network's MACs a task runs at the edge: 0 local or raw to the cloud, p^k / p_total after split k, 1 all at the edge. */
export function edgeShare(t: Result['tasks'][number], profile: CnnProfile): number {
  if (t.place === 'local' || t.finishAt === 'device' || t.layers === 0) return 0;
  if (t.finishAt === 'edge') return 1;
  return profile.gigacyclesPerMbit[t.layers - 1] / wholeNetwork(profile);
}

const CPU_EXPONENTS = [0.5, 1, 1.5, 2, 2.5, 3]; // log10 GHz: 3.2 to 1000 GHz

export const splitVsServerCpu: FigureDefinition = {
  id: 'profiles-split-vs-cpu',
  title: "Where PA cuts each network as the MEC servers get faster (M = 30, N = 2, fp32)",
  caption: "Share of the network's MACs run at the edge, averaged over tasks, against the server CPU F_n (both servers alike; "
    + "the paper's servers have 600-800 GHz, log10 = 2.8-2.9). Slow servers push the cut early (or the task back to the device), "
    + 'fast ones to the last split point. Table I keeps an interior cut at the paper\'s speeds; real networks do not.',
  xLabel: 'server CPU F_n (log10 GHz)',
  yLabel: 'network MACs run at the edge (%)',
  points: CPU_EXPONENTS.map((x) => ({ x })),
  quickPoints: [1, 3].map((x) => ({ x })),
  defaultRuns: 5,
  quickRuns: 1,
  params: { ...COMMON_PARAMS, devices: 30, precision: 'fp32', profiles: PROFILE_SERIES },
  addedSeries: [...FIG4_PROFILE_NETWORKS],
  sample: (p, seed) => {
    const cpuGHz = 10 ** p.x;
    const base = generateScenario({ seed, devices: 30, servers: 2, serverCpuGHz: [cpuGHz] });
    return Object.fromEntries(PROFILE_SERIES.map((name) => {
      const profile = profileOf(name);
      const r = pa.solve(withProfile(base, name, profile));
      return [name, (100 * r.tasks.reduce((a, t) => a + edgeShare(t, profile), 0)) / Math.max(1, r.tasks.length)];
    }));
  },
  claims: (s) => {
    const xs = xsOf(s);
    const lo = xs[0], hi = xs[xs.length - 1];
    return [check('ours: faster servers never move the cut earlier (edge share at the fastest >= at the slowest), for every profile',
      PROFILE_SERIES.every((k) => s.at(k, hi) >= s.at(k, lo) - 1e-9),
      PROFILE_SERIES.map((k) => `${k}: ${fmt(s.at(k, lo))} % -> ${fmt(s.at(k, hi))} %`).join('; '))];
  },
};

export const profileFigures: FigureDefinition[] = [fig4Profiles, fig4ProfilesPrecision, fig4ProfilesDeadlines, splitVsServerCpu];
