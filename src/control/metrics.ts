import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The controller's Prometheus metrics (GET /metrics, operator token). One registry per
 * controller, not prom-client's global one, so several controllers in one process (tests)
 * count apart. Gauges that mirror live state are computed at scrape time from the controller.
 */
export class ControllerMetrics {
  readonly registry = new Registry();
  readonly reports = new Counter({ name: 'mec_reports_total', help: 'Device reports answered, by outcome (accepted, duplicate, rejected)', labelNames: ['outcome'] as const, registers: [this.registry] });
  readonly plans = new Counter({
    name: 'mec_plans_total', help: 'Planning rounds, by outcome (pushed, failed_check, error, deadline, empty) and mode (full, repair)',
    labelNames: ['outcome', 'mode'] as const, registers: [this.registry],
  });
  readonly planSeconds = new Histogram({
    name: 'mec_plan_solve_seconds', help: 'Solve time of planning rounds that returned (full or repair)', labelNames: ['mode'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60], registers: [this.registry],
  });
  readonly refused = new Counter({ name: 'mec_messages_refused_total', help: 'Messages and connections refused, by error code', labelNames: ['error'] as const, registers: [this.registry] });
  readonly heartbeatTimeouts = new Counter({ name: 'mec_agent_heartbeat_timeouts_total', help: 'Agent connections closed for not answering pings', registers: [this.registry] });

  constructor(state: { agents: () => number; devices: () => number; planId: () => number | null }) {
    new Gauge({ name: 'mec_agents_connected', help: 'Agents connected and registered', registers: [this.registry], collect() { this.set(state.agents()); } });
    new Gauge({ name: 'mec_devices', help: 'Devices the controller knows (reported and not left)', registers: [this.registry], collect() { this.set(state.devices()); } });
    new Gauge({ name: 'mec_plan_id', help: 'Id of the plan in force (0: none)', registers: [this.registry], collect() { this.set(state.planId() ?? 0); } });
  }
}
