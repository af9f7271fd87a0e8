import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { scenarioArb } from './fixtures.ts';
import { jtpra } from '../../src/helper-coop/algorithms/jtpra.ts';
import type { Result, Scenario } from '../../src/helper-coop/model.ts';

/**
 * KKT conditions of P1.1 at jtpra's optimum, written out here from the Lagrangian (20) with the
 * time constraints (6) priced by η_k and the CPU caps by β_k ≥ 0; they are evaluated on the
 * result's primal values and multipliers only.
 */
function kktResiduals(s: Scenario, r: Result): { worst: number; where: string } {
  const d = r.duals!;
  const T = s.deadlineS;
  const B = s.bandwidthMHz * 1e6;
  const a = s.resultRatio;
  const ln2 = Math.LN2;
  let worst = 0;
  let where = '';
  const check = (res: number, label: string) => { if (!(Math.abs(res) <= worst)) { worst = Math.abs(res); where = label; } };
  const nu = d.nuJPerBit;
  const { kappa, cyclesPerBit: cu, maxCpuGHz } = s.user;
  const cap = (maxCpuGHz * 1e9 * T) / cu;
  const localMarginal = (3 * kappa * cu ** 3 * r.localBits ** 2) / T ** 2;
  if (r.localBits > 0 && r.localBits < cap * (1 - 1e-9)) check((localMarginal - nu) / nu, 'local stationarity');
  if (r.localBits <= 0) check(Math.max(0, (nu - localMarginal) / nu), 'local at 0 needs marginal ≥ ν');
  let userTx = 0;
  s.helpers.forEach((h, k) => {
    const x = r.helpers[k];
    const gain = h.channelGain ?? s.pathLoss.gainAt1m * h.distanceM! ** -s.pathLoss.exponent;
    const n1 = s.noiseW / gain;
    const n3 = (s.userNoiseW ?? s.noiseW) / (h.downlinkGain ?? gain);
    const lam = d.lambdaJPerBit[k];
    const mu = d.muJPerBit[k];
    const eta = d.etaW[k];
    const w1 = 1 + d.omega;
    const w3 = 1 + d.theta[k];
    userTx += x.txPowerW * x.offloadTimeS;
    if (x.offloadBits <= 0) {
      // an idle helper: one more bit must cost at least ν (dual feasibility of ℓ_k ≥ 0)
      check(Math.max(0, (nu - (ln2 / B) * (w1 * n1 + a * w3 * n3)) / nu), `${h.id} idle but cheaper than ν`);
      return;
    }
    const p = x.txPowerW;
    const q = x.helperTxPowerW;
    const f = x.cpuGHz * 1e9;
    check((lam * B) / (ln2 * (n1 + p)) / w1 - 1, `${h.id} ∂L/∂E1`);
    check((mu * B) / (ln2 * (n3 + q)) / w3 - 1, `${h.id} ∂L/∂E3`);
    check((lam * (B * Math.log2(1 + p / n1) - (B * p) / (ln2 * (n1 + p)))) / eta - 1, `${h.id} ∂L/∂τ1`);
    check((mu * (B * Math.log2(1 + q / n3) - (B * q) / (ln2 * (n3 + q)))) / eta - 1, `${h.id} ∂L/∂τ3`);
    // ∂L/∂τ2 = η − 2γf³ − β f^max = 0 and ∂L/∂ℓ = 3γcf² + λ + αμ − ν + cβ = 0, β eliminated:
    const beta = (eta - 2 * h.kappa * f ** 3) / (h.maxCpuGHz * 1e9);
    if (f < h.maxCpuGHz * 1e9 * (1 - 1e-9)) check(beta * h.maxCpuGHz * 1e9 / eta, `${h.id} β = 0 below the CPU cap`);
    else check(Math.min(0, beta) * h.maxCpuGHz * 1e9 / eta, `${h.id} β ≥ 0 at the cap`);
    check((3 * h.kappa * h.cyclesPerBit * f * f + lam + a * mu + h.cyclesPerBit * Math.max(beta, 0) - nu) / nu, `${h.id} ∂L/∂ℓ`);
    // η > 0 prices time, so the block is used up (complementary slackness of (6))
    check((x.offloadTimeS + x.computeTimeS + x.downloadTimeS) / T - 1, `${h.id} time (6) tight`);
    check(d.theta[k] * (q * x.downloadTimeS - h.txEnergyBudgetJ) / Math.max(h.txEnergyBudgetJ, 1e-12), `${h.id} θ slackness`);
  });
  check(d.omega * (userTx - s.user.txEnergyBudgetJ) / Math.max(s.user.txEnergyBudgetJ, 1e-12), 'ω slackness');
  for (const v of [d.omega, ...d.theta, ...d.lambdaJPerBit, ...d.muJPerBit, ...d.etaW]) assert.ok(v >= 0, 'multipliers must be ≥ 0');
  return { worst, where };
}

test('jtpra optimum satisfies the KKT conditions of P1.1 to 1e-7 on random scenarios (budgets idle or binding)', () => {
  fc.assert(fc.property(scenarioArb(6), (s) => {
    const r = jtpra.solve(s);
    if (r.status === 'infeasible') return true;
    const { worst, where } = kktResiduals(s, r);
    assert.ok(worst < 1e-7, `KKT residual ${worst} at ${where}`);
    return true;
  }), { numRuns: 40, seed: 11 });
});

test('the KKT check is not vacuous: a perturbed price ν fails it', () => {
  const s = fc.sample(scenarioArb(4, false), { numRuns: 1, seed: 5 })[0];
  const r = jtpra.solve(s);
  assert.notEqual(r.status, 'infeasible');
  r.duals!.nuJPerBit *= 1.001;
  assert.ok(kktResiduals(s, r).worst > 1e-4);
});
