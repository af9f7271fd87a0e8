#!/usr/bin/env python3
"""A three-tier solver for `mec solve s.json --algorithm exec:examples/three_tier_greedy.py`.

Standard library only; scenario JSON on stdin, one result JSON document on stdout (docs/api.md).

Method: whole tasks only (no bit splits, nothing forwarded to the MBS over the wired path).
Each task starts on the better of its device and the MBS; then, task by task, it moves to an SBS
of its group when that lowers (deadline misses, utility) of the group, evaluated exactly:
the SINR with the interference of the group's other SBS uploads, and SBS CPU shares in proportion
to the square root of each task's cycles (the split that minimises a sum of cycles/share).
"""
import json
import math
import sys


def main():
    s = json.load(sys.stdin)
    ch, en, alpha = s["channel"], s["energy"], s["alpha"]
    shared = s.get("mbsCpu", "dedicated") == "shared"
    hmin = s.get("minCpuShare", 1e-4)

    def gain(dx, dy):
        return 10 ** (-ch["referenceLossDb"] / 10) * max(math.hypot(dx, dy), ch["minDistanceM"]) ** -ch["pathLossExponent"]

    def noise(mhz):
        return 10 ** ((ch["noiseDbmPerHz"] - 30) / 10) * mhz * 1e6

    def sqrt_shares(weights):
        total = sum(math.sqrt(w) for w in weights.values())
        shares = {k: math.sqrt(w) / total for k, w in weights.items()}
        if shares and min(shares.values()) < hmin:  # the checker's floor: fall back to equal shares
            shares = {k: 1 / len(weights) for k in weights}
        return shares

    def evaluate(group, tasks, place):
        """Per task (delay, energy, cpuShare, mbsCpuShare) of a whole-task placement."""
        sbs = {b["id"]: b for b in group["sbs"]}
        mbs = group["mbs"]
        rx_all = {b: 0.0 for b in sbs}
        rx_own = {b: 0.0 for b in sbs}
        for t in tasks:
            b = place[t["id"]]
            if b in sbs:
                for o in sbs.values():
                    rx_all[o["id"]] += t["txPowerW"] * gain(t["x"] - o["x"], t["y"] - o["y"])
                rx_own[b] += t["txPowerW"] * gain(t["x"] - sbs[b]["x"], t["y"] - sbs[b]["y"])
        sbs_share = {}
        for b in sbs:
            sbs_share.update(sqrt_shares({t["id"]: t["dataBits"] * t["cyclesPerBit"] for t in tasks if place[t["id"]] == b}))
        mbs_share = sqrt_shares({t["id"]: t["dataBits"] * t["cyclesPerBit"] for t in tasks if place[t["id"]] == "mbs"}) if shared else {}
        out = {}
        for t in tasks:
            c, u, p, where = t["dataBits"], t["cyclesPerBit"], t["txPowerW"], place[t["id"]]
            if where == "local":
                fl = t["localCpuGHz"] * 1e9
                out[t["id"]] = (c * u / fl, c * u * en["kappa"] * fl * fl, 0.0, None)
            elif where == "mbs":
                share = mbs_share.get(t["id"], 1.0) if shared else 1.0
                rate = mbs["bandwidthMHz"] * 1e6 * math.log2(1 + p * gain(t["x"] - mbs["x"], t["y"] - mbs["y"]) / noise(mbs["bandwidthMHz"]))
                out[t["id"]] = (c / rate + c * u / (mbs["cpuGHz"] * 1e9 * share), p * c / rate + c * u * en["mbsJPerCycle"], 0.0,
                                share if shared else None)
            else:
                b = sbs[where]
                interference = max(0.0, rx_all[where] - rx_own[where])
                rate = b["bandwidthMHz"] * 1e6 * math.log2(1 + p * gain(t["x"] - b["x"], t["y"] - b["y"]) / (noise(b["bandwidthMHz"]) + interference))
                share = sbs_share[t["id"]]
                out[t["id"]] = (c / rate + c * u / (share * b["cpuGHz"] * 1e9), p * c / rate + c * u * en["sbsJPerCycle"], share, None)
        return out

    def score(tasks, ev):
        misses = sum(1 for t in tasks if ev[t["id"]][0] > t["deadlineS"])
        return misses, sum(alpha * ev[t["id"]][0] + (1 - alpha) * ev[t["id"]][1] for t in tasks)

    rows = {}
    for group in s["groups"]:
        tasks = [t for t in s["tasks"] if t["group"] == group["id"]]
        place = {t["id"]: "local" for t in tasks}
        for t in tasks:  # the better of device and MBS, which do not interact when the MBS CPU is dedicated
            best = None
            for where in ("local", "mbs"):
                place[t["id"]] = where
                candidate = score(tasks, evaluate(group, tasks, place))
                if best is None or candidate < best[0]:
                    best = (candidate, where)
            place[t["id"]] = best[1]
        current = score(tasks, evaluate(group, tasks, place))
        for t in tasks:
            for b in group["sbs"]:
                before = place[t["id"]]
                place[t["id"]] = b["id"]
                candidate = score(tasks, evaluate(group, tasks, place))
                if candidate < current:
                    current = candidate
                else:
                    place[t["id"]] = before
        ev = evaluate(group, tasks, place)
        for t in tasks:
            delay, energy, share, mbs_share = ev[t["id"]]
            where, c = place[t["id"]], t["dataBits"]
            row = {"task": t["id"], "place": where, "localBits": c if where == "local" else 0, "sbsBits": c if where not in ("local", "mbs") else 0,
                   "mbsBits": c if where == "mbs" else 0, "cpuShare": share, "delayS": delay, "energyJ": energy,
                   "meetsDeadline": delay <= t["deadlineS"]}
            if mbs_share is not None:
                row["mbsCpuShare"] = mbs_share
            rows[t["id"]] = row
    tasks = [rows[t["id"]] for t in s["tasks"]]
    delay, energy = sum(t["delayS"] for t in tasks), sum(t["energyJ"] for t in tasks)
    print(f"three_tier_greedy: {sum(1 for t in tasks if t['place'] not in ('local', 'mbs'))} of {len(tasks)} tasks on an SBS", file=sys.stderr)
    json.dump({"system": "three-tier", "algorithm": "python-greedy",
               "status": "feasible" if all(t["meetsDeadline"] for t in tasks) else "infeasible",
               "solveMs": 0, "lowerBound": None, "utility": alpha * delay + (1 - alpha) * energy,
               "totalDelayS": delay, "totalEnergyJ": energy, "iterations": 0, "tasks": tasks}, sys.stdout)


if __name__ == "__main__":
    main()
