import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, type ControllerOptions } from '../../src/control/controller.ts';
import { inlinePlanner } from '../../src/control/planner.ts';
import { Agent, type AgentOptions } from '../../src/control/agent.ts';
import { DeviceClient, type DeviceState } from '../../src/control/device.ts';
import type { ServerInfo } from '../../src/control/protocol.ts';
import { waitEvent } from './helpers.ts';

/** An in-process controller and agents on loopback, for the tests of one behaviour each. */
export const SERVER: ServerInfo = { x: 50, y: 50, bandwidthMHz: 10, cpuGHz: 600, backhaulMbps: 100, cnnProfile: 'table1' };
export const STATE: DeviceState = { x: 45, y: 50, dataMbit: 3, minRateMbps: 1, deadlineS: 1.5, txPowerW: 0.6, cpuGHz: 2, gigacyclesPerMbit: 3 };

export interface Stack {
  ctl: Controller;
  port: number;
  base: string;
  dir: string;
  dbPath: string;
  tokens: { operator: string; agent: string; device: string; deviceId: string };
  agents: Agent[];
  clients: DeviceClient[];
  addAgent(serverId: string, opts?: Partial<AgentOptions>, token?: string): Promise<{ agent: Agent; url: string }>;
  device(url: string, deviceId: string, opts?: Partial<ConstructorParameters<typeof DeviceClient>[0]>): DeviceClient;
  close(): Promise<void>;
}

export async function startStack(opts: Partial<ControllerOptions> = {}): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), 'mec-stack-'));
  const dbPath = join(dir, 'state.db');
  const ctl = new Controller({
    host: '127.0.0.1', port: 0, dbPath, planner: inlinePlanner('pa'), debounceMs: 20, replanS: 0, maxBodyBytes: 1 << 20,
    rateLimitPerS: 0, deviceTtlS: 0, keepPlans: 0, heartbeatMs: 0, log: () => {}, ...opts,
  });
  const port = await ctl.start();
  const base = `http://127.0.0.1:${port}`;
  const device = ctl.store.createToken('device', 'd*');
  const tokens = { operator: ctl.store.createToken('operator', 'op').token, agent: ctl.store.createToken('agent', 'E*').token, device: device.token, deviceId: device.record.id };
  const agents: Agent[] = [];
  const clients: DeviceClient[] = [];
  const stack: Stack = {
    ctl, port, base, dir, dbPath, tokens, agents, clients,
    async addAgent(serverId, aopts = {}, token = tokens.agent) {
      const agent = new Agent({ controllerUrl: base, token, serverId, server: SERVER, host: '127.0.0.1', port: 0, maxBodyBytes: 1 << 16, deviceRatePerS: 0, heartbeatMs: 0, log: () => {}, ...aopts });
      agents.push(agent);
      const connected = waitEvent(agent, 'connected', () => true, 20000, `agent ${serverId} connected`);
      const agentPort = await agent.start();
      await connected;
      return { agent, url: `ws://127.0.0.1:${agentPort}` };
    },
    device(url, deviceId, dopts = {}) {
      const c = new DeviceClient({ agentUrl: url, token: tokens.device, deviceId, ...dopts });
      clients.push(c);
      return c;
    },
    async close() {
      for (const c of clients) c.close();
      for (const a of agents) await a.stop();
      await ctl.stop().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return stack;
}
