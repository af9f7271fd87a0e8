import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { getSystem } from '../../src/systems.ts';
import { findAlgorithm, runAlgorithm } from '../../src/core/system.ts';
import { planView } from '../../src/ui/view/index.ts';
import type { Result as CnnResult, Scenario as CnnScenario } from '../../src/cnn-coop/model.ts';
import type { Result as TtResult } from '../../src/three-tier/model.ts';

/** The plan view draws what the result says: one node per device, one line per hop, loads as the sums of the shares. */
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a), Math.abs(b));

describe('plan view', () => {
  it('cnn-coop: devices, lines and per-server share sums match the result (random scenarios)', () => {
    const system = getSystem('cnn-coop');
    fc.assert(fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 1, max: 14 }), fc.integer({ min: 1, max: 4 }), fc.constantFrom('mdo', 'ihra', 'mec-only', 'mcc-only'), (seed, devices, servers, name) => {
      const scenario = system.generate({ seed, devices, servers, 'bandwidth-mhz': 10, 'backhaul-mbps': 100, cnn: 'table1' }) as CnnScenario;
      const result = runAlgorithm(findAlgorithm(system, name)!, scenario) as CnnResult;
      const view = planView(system, scenario, result, system.verify(scenario, result));
      assert.equal(view.map.nodes.filter((n) => n.kind === 'device').length, devices);
      assert.equal(view.map.nodes.filter((n) => n.kind === 'server').length, servers);
      const offloaded = result.tasks.filter((t) => t.place !== 'local');
      assert.equal(view.map.links.filter((l) => l.kind === 'uplink').length, offloaded.length);
      assert.equal(view.map.links.filter((l) => l.kind === 'backhaul').length, offloaded.filter((t) => t.finishAt === 'cloud').length);
      for (const server of scenario.servers) {
        const mine = result.tasks.filter((t) => t.place === server.id);
        for (const [resource, key] of [['bandwidth', 'bandwidthShare'], ['CPU', 'cpuShare'], ['backhaul', 'backhaulShare']] as const) {
          const bar = view.loads.find((l) => l.station === server.id && l.resource === resource)!;
          assert.ok(close(bar.share, mine.reduce((a, t) => a + t[key], 0)), `${server.id} ${resource}`);
        }
      }
      assert.equal(view.tasks.length, devices);
      assert.equal(view.objective.value, result.totalLatencyS);
    }), { numRuns: 15 });
  });

  it('three-tier: a forwarding line for exactly the tasks that send bits to the macro cell through a small cell', () => {
    const system = getSystem('three-tier');
    for (const seed of [1, 2, 3]) {
      const scenario = system.parseScenario(system.generate({ seed, tasks: 15, sbs: 3, groups: 1, alpha: 0.5, timing: 'sequential', 'mbs-cpu': 'shared' }));
      const result = runAlgorithm(findAlgorithm(system, 'greedy')!, scenario) as TtResult;
      const view = planView(system, scenario, result, system.verify(scenario, result));
      const viaSbs = result.tasks.filter((t) => t.place !== 'local' && t.place !== 'mbs');
      assert.equal(view.map.links.filter((l) => l.kind === 'forward').length, viaSbs.filter((t) => t.mbsBits > 0).length);
      assert.equal(view.map.links.filter((l) => l.kind === 'uplink').length, result.tasks.filter((t) => t.place !== 'local').length);
      assert.equal(view.map.nodes.filter((n) => n.kind === 'device').length, 15);
      assert.equal(view.objective.value, result.utility);
    }
  });

  it('the gap to a proved lower bound is (objective - bound) / |bound|', () => {
    const system = getSystem('helper-coop');
    const scenario = system.parseScenario(system.generate({ seed: 3, helpers: 5, 'data-mbit': 1, 'deadline-s': 1, 'bandwidth-mhz': 1, 'max-distance-m': 50 }));
    const result = runAlgorithm(findAlgorithm(system, 'fo')!, scenario);
    const bounded = { ...result, lowerBound: result.energyJ! * 0.8 };
    const view = planView(system, scenario, bounded, system.verify(scenario, result));
    assert.ok(close(view.gap!, 0.25));
    assert.equal(planView(system, scenario, { ...result, lowerBound: null }, system.verify(scenario, result)).gap, null);
  });
});
