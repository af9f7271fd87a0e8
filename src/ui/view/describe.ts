import type { Scenario as CnnScenario } from '../../cnn-coop/model.ts';
import type { Scenario as HelperScenario } from '../../helper-coop/model.ts';
import type { Scenario as ThreeTierScenario } from '../../three-tier/model.ts';

/** One line about a scenario for the page ("30 devices, 2 servers"), and its device count. */
export function describeScenario(system: string, scenario: unknown): { text: string; devices: number } {
  switch (system) {
    case 'cnn-coop': {
      const s = scenario as CnnScenario;
      return { text: `${s.devices.length} devices, ${s.servers.length} MEC servers${s.cloud ? ', a cloud with compute' : ', the cloud'}`, devices: s.devices.length };
    }
    case 'helper-coop': {
      const s = scenario as HelperScenario;
      return { text: `1 user, ${s.helpers.length} helpers, ${s.dataBits / 1e6} Mbit within ${s.deadlineS} s`, devices: 1 + s.helpers.length };
    }
    case 'three-tier': {
      const s = scenario as ThreeTierScenario;
      const sbs = s.groups.reduce((a, g) => a + g.sbs.length, 0);
      return { text: `${s.tasks.length} devices, ${s.groups.length} macro cell${s.groups.length === 1 ? '' : 's'}, ${sbs} small cell${sbs === 1 ? '' : 's'}`, devices: s.tasks.length };
    }
    default:
      return { text: system, devices: 0 };
  }
}
