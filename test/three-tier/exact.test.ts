import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { generateScenario } from '../../src/three-tier/generate.ts';
import { parseScenario } from '../../src/three-tier/model.ts';
import { defaultExactOptions, exactGroup, solveExact } from '../../src/three-tier/algorithms/exact.ts';
import { lowerBound } from '../../src/three-tier/algorithms/lower-bound.ts';
import { verifyThreeTier } from '../../src/verify/three-tier.ts';
import { LOCAL, MBS, compile, paramsOf, pathDelays, sbsRate, type CompiledGroup, type Params } from '../../src/three-tier/physics.ts';

const LEVELS = 8;

/**
 * Brute force over the model `exact` optimises when deadlines do not bind: every placement,
 * every vertex split (all bits on the SBS, or all forwarded to the MBS) and every share level
 * l/LEVELS of each task computing on an SBS.
 */
function bruteForce(g: CompiledGroup, P: Params): number {
  const { n, S } = g;
  const choices: Array<[number, boolean]> = [[LOCAL, false], [MBS, false]];
  for (let i = 0; i < S; i++) choices.push([i, false], [i, true]);
  let best = Infinity;
  const pick = new Int32Array(n);
  const total = choices.length ** n;
  for (let code = 0; code < total; code++) {
    for (let j = 0, c = code; j < n; j++, c = Math.floor(c / choices.length)) pick[j] = c % choices.length;
    const place = Array.from(pick, (p) => choices[p][0]);
    const forwards = Array.from(pick, (p) => choices[p][1]);
    const fwdBits = new Float64Array(S);
    place.forEach((i, j) => { if (i >= 0 && forwards[j]) fwdBits[i] += g.bits[j]; });
    const D = pathDelays(g, fwdBits);
    let fixed = 0;
    const computing: Array<{ i: number; a: number }> = [];
    for (let j = 0; j < n; j++) {
      const i = place[j], c = g.bits[j], u = g.cyclesPerBit[j];
      if (i === LOCAL) { fixed += P.alpha * g.localT[j] + (1 - P.alpha) * g.localE[j]; continue; }
      if (i === MBS) { fixed += P.alpha * g.mbsT[j] + (1 - P.alpha) * g.mbsE[j]; continue; }
      let interference = 0;
      for (let k = 0; k < n; k++) if (k !== j && place[k] >= 0 && place[k] !== i) interference += g.txPowerW[k] * g.gain[k * S + i];
      const upS = c / sbsRate(g, j, i, interference);
      if (forwards[j]) fixed += P.alpha * (upS + D[i] + (c * u) / g.mbsHz) + (1 - P.alpha) * (g.txPowerW[j] * upS + g.sbsForwardW[i] * D[i] + c * u * P.mbsJPerCycle);
      else { fixed += P.alpha * upS + (1 - P.alpha) * (g.txPowerW[j] * upS + c * u * P.sbsJPerCycle); computing.push({ i, a: (c * u) / g.sbsHz[i] }); }
    }
    // best share levels per SBS, by enumeration under sum <= LEVELS
    let sharePart = 0;
    for (let i = 0; i < S && Number.isFinite(sharePart); i++) {
      const mine = computing.filter((t) => t.i === i);
      let bestHere = Infinity;
      const levels = new Int32Array(mine.length).fill(1);
      for (;;) {
        if (levels.reduce((s, l) => s + l, 0) <= LEVELS) bestHere = Math.min(bestHere, mine.reduce((s, t, q) => s + (P.alpha * t.a * LEVELS) / levels[q], 0));
        let q = 0;
        while (q < mine.length && levels[q] === LEVELS) levels[q++] = 1;
        if (q === mine.length) break;
        levels[q]++;
      }
      sharePart += bestHere;
    }
    best = Math.min(best, fixed + sharePart);
  }
  return best;
}

test('exact equals brute force on tiny cases (loose deadlines, linear forwarders), and its plan passes the checker', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 2 }), fc.constantFrom(1, 10, 100), fc.double({ min: 0.05, max: 1, noNaN: true }), (seed, tasks, sbs, mbsGHz, alpha) => {
    const raw = generateScenario({ seed, tasks, sbs, groups: 1, mbsCpuGHz: mbsGHz, localCpuGHz: 0.5, alpha, deadlineMinS: 1e4, deadlineMaxS: 2e4, dataKbitMin: 50, dataKbitMax: 500 });
    for (const fu of raw.groups[0].forwarders) fu.o1SPerBit2 = 0;
    const s = parseScenario(JSON.parse(JSON.stringify(raw)));
    const [g] = compile(s);
    const P = paramsOf(s);
    const out = exactGroup(g, P, { ...defaultExactOptions, shareLevels: LEVELS });
    assert.equal(out.status, 'optimal');
    const brute = bruteForce(g, P);
    assert.ok(Math.abs(out.milpObjective - brute) <= 1e-6 * Math.max(1, brute), `MILP ${out.milpObjective} vs brute force ${brute}`);
    const r = solveExact(s);
    assert.ok(verifyThreeTier(s, r).ok);
    assert.ok(r.utility <= out.milpObjective * (1 + 1e-7) + 1e-12, 'continuous shares never do worse than the grid');
    assert.ok(lowerBound(s) <= r.utility * (1 + 1e-9));
  }), { numRuns: 15 });
});
