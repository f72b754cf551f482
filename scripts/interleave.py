#!/usr/bin/env python3
"""Time commands taken in turn, round after round, on a machine whose speed
drifts: each round runs every command once, so a slow stretch slows them
all alike. Prints each command's median and minimum wall and CPU time and,
for every command after the first, the median over rounds of the first
command's wall time divided by its own in the same round (the paired
ratio, which the drift between rounds leaves alone).

    scripts/interleave.py [--warmup N] [--json FILE] ROUNDS NAME=COMMAND [NAME=COMMAND ...]

Commands run through the shell, their output discarded. --warmup runs N
untimed rounds first; --json writes every round's times to FILE.
"""
import json
import resource
import statistics
import subprocess
import sys
import time


def usage():
    sys.exit(__doc__.strip())


def main():
    args = sys.argv[1:]
    out, warmup = None, 0
    while args and args[0].startswith("--"):
        if len(args) < 2:
            usage()
        if args[0] == "--json":
            out = args[1]
        elif args[0] == "--warmup" and args[1].isdigit():
            warmup = int(args[1])
        else:
            usage()
        args = args[2:]
    if len(args) < 2 or not args[0].isdigit() or any("=" not in a for a in args[1:]):
        usage()
    rounds = int(args[0])
    cmds = [a.split("=", 1) for a in args[1:]]
    wall = {n: [] for n, _ in cmds}
    cpu = {n: [] for n, _ in cmds}
    user = {n: [] for n, _ in cmds}
    system = {n: [] for n, _ in cmds}
    for r in range(warmup + rounds):
        for name, cmd in cmds:
            r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            subprocess.run(cmd, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            w = time.perf_counter() - t
            r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            if r >= warmup:
                wall[name].append(w)
                user[name].append(r1.ru_utime - r0.ru_utime)
                system[name].append(r1.ru_stime - r0.ru_stime)
                cpu[name].append(user[name][-1] + system[name][-1])
    first = cmds[0][0]
    results = []
    for name, cmd in cmds:
        w, c = wall[name], cpu[name]
        line = "%-12s wall median %.4f min %.4f | cpu median %.4f min %.4f" % (
            name, statistics.median(w), min(w), statistics.median(c), min(c))
        ratio = None
        if name != first:
            ratio = statistics.median(a / b for a, b in zip(wall[first], w))
            line += " | %s / %s paired %.3f" % (first, name, ratio)
        print(line)
        # The keys hyperfine's JSON has, so that either is read alike.
        results.append({"command": name, "shell": cmd, "wall": w, "cpu": c,
                        "median": statistics.median(w), "mean": statistics.mean(w),
                        "stddev": statistics.stdev(w) if len(w) > 1 else 0.0,
                        "min": min(w), "max": max(w),
                        "user": statistics.mean(user[name]), "system": statistics.mean(system[name]),
                        "paired_ratio_of_first": ratio})
    if out:
        with open(out, "w") as f:
            json.dump({"rounds": rounds, "warmup": warmup, "results": results}, f, indent=1)


if __name__ == "__main__":
    main()
