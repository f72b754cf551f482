#!/usr/bin/env python3
"""Time commands taken in turn, round after round, on a machine whose speed
drifts: each round runs every command once, so a slow stretch slows them
all alike. Prints each command's median and minimum wall and CPU time.

    scripts/interleave.py ROUNDS NAME=COMMAND [NAME=COMMAND ...]

Commands run through the shell, their output discarded.
"""
import resource
import statistics
import subprocess
import sys
import time


def main():
    if len(sys.argv) < 3 or not sys.argv[1].isdigit() or any("=" not in a for a in sys.argv[2:]):
        sys.exit(__doc__.strip())
    rounds = int(sys.argv[1])
    cmds = [a.split("=", 1) for a in sys.argv[2:]]
    wall = {n: [] for n, _ in cmds}
    cpu = {n: [] for n, _ in cmds}
    for _ in range(rounds):
        for name, cmd in cmds:
            r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            subprocess.run(cmd, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            wall[name].append(time.perf_counter() - t)
            r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu[name].append(r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime)
    for name, _ in cmds:
        w, c = wall[name], cpu[name]
        print(
            "%-12s wall median %.4f min %.4f | cpu median %.4f min %.4f"
            % (name, statistics.median(w), min(w), statistics.median(c), min(c))
        )


if __name__ == "__main__":
    main()
