import type { Planner } from './planner.ts';
import type { PolicyOptions } from './policy.ts';
import type { ScenarioBase } from './scenario.ts';
import type { LogLevel } from './log.ts';

/** The controller's settings (`mec controller` flags; tests set them directly). */
export interface ControllerOptions {
  host: string;
  port: number;
  dbPath: string;
  planner: Planner;
  /** Changes within this window are planned together. */
  debounceMs: number;
  /** Pause between a round and the next one when changes came in during it (default 0: back to back). */
  roundGapMs?: number;
  /** Re-plan at least this often, even without changes (0 = never). */
  replanS: number;
  maxBodyBytes: number;
  /** Messages (a batch counts one per report) per second per token; 0 = unlimited. */
  rateLimitPerS: number;
  /** Devices silent for longer are left out of plans (0 = never). */
  deviceTtlS: number;
  /** Keep the last n plans (the plan in force always stays; 0 = all). */
  keepPlans: number;
  /** Drop report-log entries older than this (s; 0 = keep all). Current device states stay. */
  logRetentionS?: number;
  /** Distinct device ids one device token may hold at once (0 = unlimited). */
  maxDevicesPerToken?: number;
  /** Agent connections at once (upgrades beyond are refused with 503). */
  maxAgentConnections?: number;
  /** Ping agents this often; one that has not answered the previous ping is closed (0 = never). */
  heartbeatMs?: number;
  /** An agent connection that has not sent a valid hello by then is closed. */
  helloTimeoutMs?: number;
  /** Planning policy (algorithm by fleet size, budget, deadline, repair); default: the planner's algorithm, policy defaults. */
  policy?: Partial<PolicyOptions>;
  /** Whether incremental repair is installed (default: probed at start). */
  repairAvailable?: boolean;
  synchronous?: 'FULL' | 'NORMAL';
  /** Reports arriving within this window (ms) are committed in one transaction (default 10; 0: one per event-loop turn). */
  commitWindowMs?: number;
  base?: ScenarioBase;
  /** Where log lines go (default stderr); each line carries a timestamp and a level. */
  log?: (line: string) => void;
  logLevel?: LogLevel;
}
