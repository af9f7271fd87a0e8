import type { Algorithm } from '../../core/system.ts';
import type { Result, Scenario } from '../model.ts';
import { distanceM } from '../../core/channel.ts';
import { precompute } from '../physics.ts';
import { layerSearch } from '../layer-search.ts';
import { buildResult } from '../plan.ts';

/**
 * MDO: every task to its nearest server (highest gain when the scenario gives gains instead of
 * positions), stage-1 layers, optimal allocation.
 */
export const mdo: Algorithm<Scenario, Result> = {
  name: 'mdo',
  description: 'every task to its nearest server, stage-1 layers, optimal allocation',
  solve: (s) => {
    const pre = precompute(s);
    const splits = layerSearch(s, pre);
    const placement = s.devices.map((d, m) => {
      let best = 0;
      s.servers.forEach((srv, n) => {
        const closer = s.gainsDb ? s.gainsDb[m][n] > s.gainsDb[m][best]
          : distanceM(d.x, d.y, srv.x, srv.y) < distanceM(d.x, d.y, s.servers[best].x, s.servers[best].y);
        if (closer) best = n;
      });
      return { server: best, split: splits[m][best] };
    });
    return buildResult(s, pre, 'mdo', placement, { kind: 'optimal' });
  },
};
