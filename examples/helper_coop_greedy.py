#!/usr/bin/env python3
"""A helper-coop solver for `mec solve s.json --algorithm exec:examples/helper_coop_greedy.py`.

Standard library only; scenario JSON on stdin, one result JSON document on stdout (docs/api.md).

Method: the task's bits are placed in small chunks, each where the total energy grows least:
on the user's CPU (run at the slowest speed that finishes within the block) or on a helper.
A helper's energy for b bits is minimised over its three phase times (upload t1, compute t2,
download t3, t1 + t2 + t3 = T): each phase's energy is convex and decreasing in its own time, so
nested ternary searches find the split. The energy budgets and CPU limits are kept as hard
limits. When the bits cannot all be placed the result is "infeasible", with the cause.
"""
import json
import math
import sys

CHUNKS = 100


def main():
    s = json.load(sys.stdin)
    T, L, alpha = s["deadlineS"], s["dataBits"], s["resultRatio"]
    B = s["bandwidthMHz"] * 1e6
    noise, user_noise = s["noiseW"], s.get("userNoiseW", s["noiseW"])
    user = s["user"]

    def gain(h):
        return h.get("channelGain", s["pathLoss"]["gainAt1m"] * h.get("distanceM", 1) ** -s["pathLoss"]["exponent"])

    def power(bits, t, g, n0):
        """Transmit power that carries `bits` in `t` seconds over gain g (Shannon)."""
        return (2 ** (bits / (B * t)) - 1) * n0 / g

    def ternary(f, lo, hi, iters=40):
        for _ in range(iters):
            a, b = lo + (hi - lo) / 3, hi - (hi - lo) / 3
            if f(a) <= f(b):
                hi = b
            else:
                lo = a
        x = (lo + hi) / 2
        return x, f(x)

    def helper_plan(k, bits):
        """Least-energy phase times for `bits` on helper k, or None when it cannot take them."""
        h = s["helpers"][k]
        if bits <= 0:
            return {"offloadBits": 0, "offloadTimeS": 0, "computeTimeS": 0, "downloadTimeS": 0,
                    "txPowerW": 0, "helperTxPowerW": 0, "cpuGHz": 0, "energy": 0.0, "userTx": 0.0}
        up, down = gain(h), h.get("downlinkGain", gain(h))
        cycles = h["cyclesPerBit"] * bits
        t2_min = cycles / (h["maxCpuGHz"] * 1e9)
        result_bits = alpha * bits

        def dl_energy(t3):
            return power(result_bits, t3, down, user_noise) * t3 if result_bits > 0 else 0.0

        # shortest download within the helper's budget (its energy falls as t3 grows)
        if result_bits > 0:
            lo, hi = 1e-12, T
            if dl_energy(hi) > h["txEnergyBudgetJ"]:
                return None
            for _ in range(100):
                mid = (lo + hi) / 2
                lo, hi = (mid, hi) if dl_energy(mid) > h["txEnergyBudgetJ"] else (lo, mid)
            t3_min = hi
        else:
            t3_min = 0.0
        if t2_min + t3_min >= T * (1 - 1e-9):
            return None

        def energy(t2, t3):
            t1 = T - t2 - t3
            if t1 <= 0:
                return math.inf
            try:
                return power(bits, t1, up, noise) * t1 + h["kappa"] * cycles * (cycles / t2) ** 2 + dl_energy(t3)
            except OverflowError:
                return math.inf

        def best_t3(t2):
            if result_bits == 0:
                return 0.0, energy(t2, 0.0)
            return ternary(lambda t3: energy(t2, t3), t3_min, T - t2)

        t2, e = ternary(lambda t2: best_t3(t2)[1], t2_min, T - t3_min)
        t3 = best_t3(t2)[0]
        t1 = T - t2 - t3
        if not math.isfinite(e):
            return None
        p, q = power(bits, t1, up, noise), power(result_bits, t3, down, user_noise) if result_bits > 0 else 0.0
        if q * t3 > h["txEnergyBudgetJ"]:
            return None
        return {"offloadBits": bits, "offloadTimeS": t1, "computeTimeS": t2, "downloadTimeS": t3,
                "txPowerW": p, "helperTxPowerW": q, "cpuGHz": cycles / t2 / 1e9,
                "energy": p * t1 + h["kappa"] * cycles * (cycles / t2) ** 2 + q * t3, "userTx": p * t1}

    def local_energy(bits):
        f = user["cyclesPerBit"] * bits / T
        return None if f > user["maxCpuGHz"] * 1e9 else user["kappa"] * user["cyclesPerBit"] * bits * f * f

    K = len(s["helpers"])
    chunk = L / CHUNKS
    local_bits = 0.0
    plans = [helper_plan(k, 0) for k in range(K)]
    nexts = [helper_plan(k, chunk) for k in range(K)]
    for step in range(CHUNKS):
        last = step == CHUNKS - 1
        user_tx = sum(p["userTx"] for p in plans)
        options = []
        add_local = L - (local_bits + sum(p["offloadBits"] for p in plans)) if last else chunk
        e_local = local_energy(local_bits + add_local)
        if e_local is not None:
            options.append((e_local - local_energy(local_bits), -1, None))
        for k in range(K):
            nxt = nexts[k] if not last else helper_plan(k, plans[k]["offloadBits"] + add_local)
            if nxt is not None and user_tx - plans[k]["userTx"] + nxt["userTx"] <= user["txEnergyBudgetJ"]:
                options.append((nxt["energy"] - plans[k]["energy"], k, nxt))
        if not options:
            json.dump({"system": "helper-coop", "algorithm": "python-greedy", "status": "infeasible", "solveMs": 0,
                       "lowerBound": None, "energyJ": None, "localBits": 0, "helpers": [],
                       "causes": [f"greedy could not place the last {L - chunk * step:.0f} bits within the limits"]}, sys.stdout)
            return
        _, k, nxt = min(options, key=lambda o: o[0])
        if k < 0:
            local_bits += add_local
        else:
            plans[k] = nxt
            nexts[k] = helper_plan(k, nxt["offloadBits"] + chunk)
    helpers = []
    for k, p in enumerate(plans):
        helpers.append({"helper": s["helpers"][k]["id"], **{key: p[key] for key in
                        ("offloadBits", "offloadTimeS", "computeTimeS", "downloadTimeS", "txPowerW", "helperTxPowerW", "cpuGHz")}})
    # the energy exactly as the checker adds it up
    f_u = user["cyclesPerBit"] * local_bits / T
    energy = user["kappa"] * user["cyclesPerBit"] * local_bits * f_u * f_u
    for k, h in enumerate(helpers):
        spec = s["helpers"][k]
        fk = h["cpuGHz"] * 1e9
        energy += h["txPowerW"] * h["offloadTimeS"] + spec["kappa"] * spec["cyclesPerBit"] * h["offloadBits"] * fk * fk + h["helperTxPowerW"] * h["downloadTimeS"]
    print(f"helper_coop_greedy: {local_bits:.0f} bits local, {L - local_bits:.0f} on {sum(1 for h in helpers if h['offloadBits'] > 0)} helpers", file=sys.stderr)
    json.dump({"system": "helper-coop", "algorithm": "python-greedy", "status": "feasible", "solveMs": 0, "lowerBound": None,
               "energyJ": energy, "localBits": local_bits, "helpers": helpers}, sys.stdout)


if __name__ == "__main__":
    main()
