/**
 * The plan view: what the dashboard draws for one solved scenario, whatever the system. The
 * server builds it (src/ui/view/<system>.ts) from the scenario, the result and the independent
 * checker's report, so the page only draws; this file has types only and is shared with the
 * browser bundle.
 */

/** A point on the map. Coordinates are in metres (helper-coop: a layout around the user, see its builder). */
export interface MapNode {
  id: string;
  kind: 'device' | 'server' | 'cloud' | 'user' | 'helper' | 'access-point' | 'mbs' | 'sbs';
  x: number;
  y: number;
  /** Where the node's task runs (devices), for the colour; stations have their own id. */
  place: string;
  /** One sentence for screen readers and the tooltip. */
  label: string;
}

/** A line on the map: part of a task's work going from one node to another. */
export interface MapLink {
  from: string;
  to: string;
  x: number;
  y: number;
  x2: number;
  y2: number;
  /** The colour category: the place the task runs ("local", a server id, "cloud", ...). */
  place: string;
  /** uplink (device to station), backhaul (station to cloud), forward (small cell to macro cell). */
  kind: 'uplink' | 'backhaul' | 'forward';
  label: string;
}

export interface MapView {
  nodes: MapNode[];
  links: MapLink[];
  /** Axis titles, e.g. "x (m)". */
  xTitle: string;
  yTitle: string;
}

/** One bar of the load chart: the sum of one resource's shares on one station (1 = full). */
export interface LoadBar {
  station: string;
  resource: string;
  share: number;
  /** Tasks using this resource on this station. */
  tasks: number;
}

/** One task's (or task part's) completion time against its deadline. */
export interface TaskBar {
  id: string;
  place: string;
  latencyS: number;
  deadlineS: number;
  meetsDeadline: boolean;
}

export interface Total {
  key: string;
  label: string;
  unit: string;
  value: number | null;
}

export interface Verdict {
  ok: boolean;
  issues: Array<{ task?: string; constraint: string; message: string }>;
  /** How many issues there were in all (the list is cut at 50). */
  issueCount: number;
}

export interface PlanView {
  system: string;
  algorithm: string;
  status: 'optimal' | 'feasible' | 'infeasible';
  solveMs: number;
  /** The objective the system minimises, the first of `totals`. */
  objective: Total;
  lowerBound: number | null;
  /** (objective - lowerBound) / |lowerBound|, when both are known. */
  gap: number | null;
  totals: Total[];
  verdict: Verdict;
  /** Devices (tasks) and stations on the map, for the headings and the tests. */
  counts: { devices: number; stations: number };
  map: MapView;
  loads: LoadBar[];
  /** What a load of 1 means per resource, e.g. "bandwidth: share of B_n". */
  loadNote: string;
  tasks: TaskBar[];
  /** Why the plan is infeasible, when it is. */
  causes: string[];
}

/** A system as the page offers it (GET api/systems). */
export interface SystemInfo {
  name: string;
  summary: string;
  defaultAlgorithm: string;
  algorithms: Array<{ name: string; description: string; maxSize: number | null; timeBudget: boolean }>;
  /** Whether the system has a proved lower bound of its own (`mec solve --bound`). */
  bound: boolean;
  generateOptions: Array<{ flag: string; description: string; default: number | string; type: 'int' | 'number' | 'string' }>;
}

/** What a solve returns (POST api/solve). */
export interface SolveResponse {
  result: Record<string, unknown>;
  view: PlanView;
  /** What the pipeline changed in the algorithm's answer (e.g. a status downgraded against the bound). */
  notes: string[];
}

/** A reproduced figure (GET api/figures). */
export interface FigureInfo {
  system: string;
  id: string;
  title: string;
  caption: string;
  runs: number | null;
  quick: boolean;
  generatedAt: string | null;
  claims: Array<{ claim: string; holds: boolean; detail: string }>;
  /** Relative URLs of the files that exist (svg, png, csv, json). */
  files: Partial<Record<'svg' | 'png' | 'csv' | 'json', string>>;
}
