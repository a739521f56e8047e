#!/usr/bin/env python3
"""Markdown summary of a cycling benchmark (called by run.sh).

    summarise.py RUN_CASE_DIR REFERENCE_CASE_DIR|"" RANKS LOAD

A case folder holds log.txt (bmgfe's output, every line prefixed with an epoch time stamp),
start (epoch of the launch), time.<rank> (/usr/bin/time -v) and run/ (the output directory:
statistics.csv, cycles.csv). Prints the timing table of the run (and of the reference), the
TimerOutput split (largest time over the ranks) and the comparison of cycles.csv over the
reference's cycles.
"""
import csv
import os
import re
import sys

case, ref, ranks, load = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]


def read_csv(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def timers(d):
    """TimerOutput sections of log.txt: name -> (calls, max time over the ranks)."""
    out = {}
    for line in open(os.path.join(d, "log.txt")):
        text = line.partition(" ")[2]
        cells = [c.strip() for c in text.strip().strip("|").split("|")]
        if len(cells) == 5 and cells[1].isdigit():
            m = re.match(r"([0-9.e+-]+)s", cells[4])
            if m:
                out[cells[0]] = (int(cells[1]), float(m.group(1)))
    return out


def peak_rss_mb(d):
    values = []
    for r in range(ranks):
        try:
            for line in open(os.path.join(d, "time.%d" % r)):
                if "Maximum resident set size" in line:
                    values.append(int(line.split(":")[1]) / 1024)
        except FileNotFoundError:
            pass
    return " / ".join("%.0f" % v for v in values) or "-"


def summary_row(d):
    start = float(open(os.path.join(d, "start")).read())
    lines = open(os.path.join(d, "log.txt")).read().splitlines()
    end = float(lines[-1].split(" ")[0])
    stats = read_csv(os.path.join(d, "run", "statistics.csv"))
    cycles = read_csv(os.path.join(d, "run", "cycles.csv"))
    n = len(cycles) - 1
    # Wall time at the end of every cycle: the statistics row at the cycle's end time.
    wall_at = {}
    for r in stats:
        wall_at[round(float(r["time_s"]), 6)] = float(r["wall_time_s"])
    ends = [wall_at.get(round(float(c["time_s"]), 6)) for c in cycles]
    per_cycle = [b - a for a, b in zip(ends[1:-1], ends[2:]) if a is not None and b is not None]
    t = timers(d)
    steps = len(stats) - 1
    newton = sum(int(r["newton_iterations"] or 0) for r in stats)
    gmres = sum(int(r["linear_iterations_mechanics"] or 0) for r in stats)
    heat_its = sum(int(r["nonlinear_iterations_heat"] or 0) for r in stats)
    builds = t.get("mechanics: LU factorisation", (0, 0))[0] + t.get("mechanics: AMG setup", (0, 0))[0]
    row = {
        "cycles": n,
        "wall [s]": "%.0f" % (end - start),
        "per cycle [s] (cycles 2..N, mean)": "%.1f" % (sum(per_cycle) / len(per_cycle)) if per_cycle else "-",
        # The run's own wall time plus (60 - N) more cycles at the mean of cycles 2..N.
        "60 cycles [min] (measured or projected)":
            "%.1f" % (((end - start) + (60 - n) * sum(per_cycle) / len(per_cycle)) / 60)
            if per_cycle else "-",
        "steps": steps,
        "steps/cycle": "%.1f" % (steps / n) if n else "-",
        "heat Picard its/step": "%.2f" % (heat_its / max(1, steps)),
        "Newton its/step": "%.2f" % (newton / max(1, steps)),
        "GMRES its/step": "%.2f" % (gmres / max(1, steps)),
        "preconditioner builds": builds,
        "peak RSS/rank [MB]": peak_rss_mb(d),
    }
    return row, t, cycles


rows = [("run", *summary_row(case))]
if ref:
    rows.append(("reference", *summary_row(ref)))
print("# Cycling benchmark (%d ranks, load at start %s)\n" % (ranks, load))
keys = list(rows[0][1].keys())
print("| case | " + " | ".join(keys) + " |")
print("|---" * (len(keys) + 1) + "|")
for name, row, _, _ in rows:
    print("| %s | " % name + " | ".join(str(row[k]) for k in keys) + " |")

print("\n## Time split [s] (TimerOutput, largest over the ranks)\n")
sections = sorted(set().union(*(r[2].keys() for r in rows)))
print("| section | " + " | ".join("%s calls | %s time" % (r[0], r[0]) for r in rows) + " |")
print("|---" * (2 * len(rows) + 1) + "|")
for s in sections:
    cells = []
    for r in rows:
        calls, time = r[2].get(s, (0, 0.0))
        cells += [str(calls), "%.1f" % time]
    print("| %s | " % s + " | ".join(cells) + " |")

if ref:
    run_cycles, ref_cycles = rows[0][3], rows[1][3]
    k = min(len(run_cycles), len(ref_cycles))
    print("\n## The answer: cycles.csv of the run against the reference, cycles 0..%d\n" % (k - 1))
    print("Largest |run - reference| over the cycles; 'of change' divides it by the reference's "
          "largest change of that column from cycle 0 (the signal of a quantity whose level the "
          "cast state sets).\n")
    print("| column | reference, cycle 0 | reference, cycle %d | max abs diff | of value | of change |" % (k - 1))
    print("|---|---|---|---|---|---|")
    for col in ref_cycles[0].keys():
        if col in ("cycle", "time_s"):
            continue
        a = [float(run_cycles[i][col]) for i in range(k)]
        b = [float(ref_cycles[i][col]) for i in range(k)]
        diff = max(abs(x - y) for x, y in zip(a, b))
        scale = max(abs(y) for y in b)
        change = max(abs(y - b[0]) for y in b)
        print("| %s | %.10g | %.10g | %.3g | %s | %s |" % (
            col, b[0], b[-1], diff, "%.2g" % (diff / scale) if scale else "-",
            "%.2g" % (diff / change) if change else "-"))
