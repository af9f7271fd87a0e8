#!/usr/bin/env python3
"""A cnn-coop solver for `mec solve s.json --algorithm exec:examples/cnn_coop_greedy.py`.

Standard library only. Protocol (docs/api.md): the scenario JSON arrives on stdin, exactly one
result JSON document (shared/specs/formats.md) goes to stdout, logs go to stderr.

Method: each server shares its bandwidth, CPU and backhaul among its tasks in proportion to the
square root of each task's need (for a sum of need/share terms that is the optimal split, and the
server's cost is (sum of sqrt(need))^2 per resource). Devices are placed one at a time, largest
first, where the total latency grows least: on the device, or on a server with the split k
(layers run at the edge) of least cost. Deadlines are not optimised, only reported honestly:
a task that misses its deadline or minimum rate says so and the status is "infeasible".
"""
import json
import math
import sys


def main():
    s = json.load(sys.stdin)
    noise_w = 10 ** (s["channel"]["noiseDbm"] / 10) / 1000
    pl = s["channel"]["pathLoss"]
    servers, devices = s["servers"], s["devices"]
    cloud = s.get("cloud")

    def full_rate(m, n):
        d, srv = devices[m], servers[n]
        if "gainsDb" in s:
            loss_db = -s["gainsDb"][m][n]
        else:
            dist = max(math.hypot(d["x"] - srv["x"], d["y"] - srv["y"]), pl["minDistanceM"])
            dist = dist / 1000 if pl["distanceUnit"] == "km" else dist
            loss_db = pl["interceptDb"] + pl["slopeDb"] * math.log10(dist)
        return srv["bandwidthMHz"] * math.log2(1 + d["txPowerW"] * 10 ** (-loss_db / 10) / noise_w)

    def needs(m, n, k):
        """Seconds of (upload, compute, backhaul) with the whole resource, and the cloud time."""
        d, srv = devices[m], servers[n]
        prof = s["cnnProfiles"][srv["cnnProfile"]]
        total = prof.get("totalGigacyclesPerMbit", prof["gigacyclesPerMbit"][-1])
        edge = 0 if k == 0 else prof["gigacyclesPerMbit"][k - 1]
        fraction = 1 if k == 0 else prof["reduction"][k - 1]
        cloud_s = d["dataMbit"] * (total - edge) / cloud["cpuGHz"] if cloud else 0.0
        return (d["dataMbit"] / full_rate(m, n), d["dataMbit"] * edge / srv["cpuGHz"],
                d["dataMbit"] * fraction / srv["backhaulMbps"], cloud_s)

    def local_latency(m):
        d = devices[m]
        return d["dataMbit"] * d["gigacyclesPerMbit"] / d["cpuGHz"]

    # per server: the tasks placed there as (device, k, needs); cost = sum over resources of (sum sqrt)^2
    placed = [[] for _ in servers]

    def server_cost(entries):
        cost = sum(e[2][3] for e in entries)
        for r in range(3):
            cost += sum(math.sqrt(e[2][r]) for e in entries) ** 2
        return cost

    choice = {}
    order = sorted(range(len(devices)), key=lambda m: -devices[m]["dataMbit"])
    for m in order:
        best = (local_latency(m), None, None)
        for n, srv in enumerate(servers):
            K = len(s["cnnProfiles"][srv["cnnProfile"]]["reduction"])
            base = server_cost(placed[n])
            for k in range(0, K + 1):
                need = needs(m, n, k)
                delta = server_cost(placed[n] + [(m, k, need)]) - base
                if delta < best[0]:
                    best = (delta, n, (k, need))
        if best[1] is None:
            choice[m] = None
        else:
            placed[best[1]].append((m, best[2][0], best[2][1]))
    print(f"cnn_coop_greedy: {sum(len(p) for p in placed)} of {len(devices)} tasks offloaded", file=sys.stderr)

    tasks = {}
    for n, entries in enumerate(placed):
        sums = [sum(math.sqrt(e[2][r]) for e in entries) for r in range(3)]
        for m, k, need in entries:
            shares = [math.sqrt(need[r]) / sums[r] if need[r] > 0 else 0.0 for r in range(3)]
            latency = sum(need[r] / shares[r] for r in range(3) if need[r] > 0) + need[3]
            upload_s = need[0] / shares[0]
            rate_ok = shares[0] * full_rate(m, n) >= devices[m]["minRateMbps"]
            tasks[m] = {"device": devices[m]["id"], "place": servers[n]["id"], "layers": k, "finishAt": "cloud",
                        "bandwidthShare": shares[0], "cpuShare": shares[1], "backhaulShare": shares[2],
                        "latencyS": latency, "energyJ": devices[m]["txPowerW"] * upload_s,
                        "meetsDeadline": latency <= devices[m]["deadlineS"] and rate_ok}
    for m, d in enumerate(devices):
        if m not in tasks:
            cycles = d["dataMbit"] * d["gigacyclesPerMbit"] * 1e9
            latency = local_latency(m)
            tasks[m] = {"device": d["id"], "place": "local", "layers": 0, "finishAt": "device",
                        "bandwidthShare": 0, "cpuShare": 0, "backhaulShare": 0, "latencyS": latency,
                        "energyJ": s["energy"]["kappa"] * (d["cpuGHz"] * 1e9) ** 2 * cycles,
                        "meetsDeadline": latency <= d["deadlineS"]}
    rows = [tasks[m] for m in range(len(devices))]
    missed = [t["device"] for t in rows if not t["meetsDeadline"]]
    result = {"system": "cnn-coop", "algorithm": "python-greedy", "status": "infeasible" if missed else "feasible",
              "solveMs": 0, "lowerBound": None,
              "totalLatencyS": sum(t["latencyS"] for t in rows), "deviceEnergyJ": sum(t["energyJ"] for t in rows),
              "tasks": rows}
    if missed:
        result["infeasibleTasks"] = missed
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
