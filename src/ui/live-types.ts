/**
 * What the Live tab shows of a running control plane: a snapshot when the page connects, then
 * events pushed over server-sent events. Types only; shared with the browser bundle.
 */
export interface AgentRow {
  serverId: string;
  connected: boolean;
  updatedAt: number;
  x: number;
  y: number;
  cpuGHz: number;
  bandwidthMHz: number;
  backhaulMbps: number;
}

export interface DeviceRow {
  deviceId: string;
  seq: number;
  via: string | null;
  updatedAt: number;
}

export interface PlanPoint {
  planId: number;
  at: number;
  algorithm: string;
  status: string;
  verified: boolean;
  /** Total latency of the plan (cnn-coop's objective), s. */
  totalLatencyS: number;
  solveMs: number;
  trigger: string;
  devices: number;
}

/** A report committed at the controller and the first pushed plan that includes it. */
export interface LatencyPoint {
  at: number;
  deviceId: string;
  ms: number;
}

export interface RefusedEvent {
  at: number;
  /** Who sent it: an agent's server id, "http", or a device id. */
  from: string;
  code: string;
  message: string;
}

export interface LiveState {
  at: number;
  agents: AgentRow[];
  devices: { total: number; recent: DeviceRow[] };
  /** Reports the controller accepted from agents since the dashboard started watching. */
  reports: { total: number };
  lastPlanError: string | null;
}

export interface LiveSnapshot extends LiveState {
  plans: PlanPoint[];
  latencies: LatencyPoint[];
  refused: { total: number; recent: RefusedEvent[] };
}

/** Events after the snapshot; `reports` groups the reports committed within one push interval. */
export type LiveEvent =
  | { type: 'state'; state: LiveState }
  | { type: 'plan'; plan: PlanPoint; latencies: LatencyPoint[] }
  | { type: 'plan-failed'; at: number; reason: string }
  /** Devices whose state changed (a new report committed) since the last push; `count` devices. */
  | { type: 'reports'; at: number; count: number; devices: DeviceRow[] }
  | { type: 'refused'; event: RefusedEvent; total: number };
