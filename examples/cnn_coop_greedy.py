#!/usr/bin/env python3
"""A cnn-coop solver for `mec solve s.json --algorithm exec:examples/cnn_coop_greedy.py`.

Standard library only. Protocol (docs/api.md): the scenario JSON arrives on stdin, exactly one
result JSON document (shared/specs/formats.md) goes to stdout, logs go to stderr.

Method: each server shares its bandwidth, CPU and backhaul among its tasks in proportion to the
square root of each task's need (for a sum of need/share terms that is the optimal split, and the
server's cost is (sum of sqrt(need))^2 per resource). Devices are placed one at a time, largest
first, where it adds the fewest deadline misses and then the least total latency: on the device,
or on a server with the split k (layers run at the edge) of least cost; then single moves while
they lower (misses, latency). A task that still misses its deadline or minimum rate says so, and
the status is then "infeasible".
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

    def server_misses(n, entries):
        """Tasks of server n that would miss their deadline or minimum rate with these shares."""
        sums = [sum(math.sqrt(e[2][r]) for e in entries) for r in range(3)]
        misses = 0
        for m, _, need in entries:
            latency = sum(math.sqrt(need[r]) * sums[r] for r in range(3) if need[r] > 0) + need[3]
            rate = (math.sqrt(need[0]) / sums[0]) * full_rate(m, n) if need[0] > 0 else math.inf
            misses += latency > devices[m]["deadlineS"] or rate < devices[m]["minRateMbps"]
        return misses

    # each option is judged by (deadline misses it adds, latency it adds)
    order = sorted(range(len(devices)), key=lambda m: -devices[m]["dataMbit"])
    for m in order:
        best = ((local_latency(m) > devices[m]["deadlineS"], local_latency(m)), None, None)
        for n, srv in enumerate(servers):
            K = len(s["cnnProfiles"][srv["cnnProfile"]]["reduction"])
            base, base_misses = server_cost(placed[n]), server_misses(n, placed[n])
            for k in range(0, K + 1):
                need = needs(m, n, k)
                entries = placed[n] + [(m, k, need)]
                key = (server_misses(n, entries) - base_misses, server_cost(entries) - base)
                if key < best[0]:
                    best = (key, n, (k, need))
        if best[1] is not None:
            placed[best[1]].append((m, best[2][0], best[2][1]))

    # then single moves (a task to its device, or to another server or split) while they lower
    # (total deadline misses, total latency)
    def total_key():
        local = [m for m in range(len(devices)) if all(e[0] != m for p in placed for e in p)]
        misses = sum(server_misses(n, p) for n, p in enumerate(placed)) + sum(local_latency(m) > devices[m]["deadlineS"] for m in local)
        return (misses, sum(server_cost(p) for p in placed) + sum(local_latency(m) for m in local))

    current = total_key()
    for _ in range(3):
        improved = False
        for m in order:
            home = next(((n, i) for n, p in enumerate(placed) for i, e in enumerate(p) if e[0] == m), None)
            entry = placed[home[0]].pop(home[1]) if home else None
            options = [None] + [(n, k) for n, srv in enumerate(servers) for k in range(len(s["cnnProfiles"][srv["cnnProfile"]]["reduction"]) + 1)]
            best_option, best_key = None, None
            for option in options:
                if option is not None:
                    placed[option[0]].append((m, option[1], needs(m, option[0], option[1])))
                key = total_key()
                if option is not None:
                    placed[option[0]].pop()
                if best_key is None or key < best_key:
                    best_option, best_key = option, key
            if best_key < current:
                current, improved = best_key, True
                if best_option is not None:
                    placed[best_option[0]].append((m, best_option[1], needs(m, best_option[0], best_option[1])))
            elif entry is not None:
                placed[home[0]].insert(home[1], entry)
        if not improved:
            break
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
