#!/usr/bin/env python3
"""One Markdown table row for a plasticity benchmark run (called by run.sh).

    summarise.py RUN_DIR START_EPOCH RANKS LOAD LABEL

RUN_DIR holds log.txt (bmgfe's output with Verbosity = normal, every line prefixed with an
epoch time stamp), output/statistics.csv, time.<rank> (/usr/bin/time -v) and optionally
perf_symbols.txt ('perf report --no-children --sort dso,symbol' of the 1-rank run). Writes
RUN_DIR/timers.md (every TimerOutput section) and prints the row; the columns are explained at
the top of run.sh.
"""
import glob
import os
import re
import statistics
import sys
import time

d, start, np, load, label = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]

log = open(d + "/log.txt").read().splitlines()
tdofs = None
udofs = None  # logs before the mesh line had displacement DoFs: 3 x temperature DoFs (both Q1)
step1 = float("nan")
end = start
timers = {}
for line in log:
    stamp, _, text = line.partition(" ")
    end = float(stamp)
    m = re.search(r"(\d+) cells, (\d+) temperature DoFs", text)
    if m:
        tdofs = int(m.group(2))
    m = re.search(r"(\d+) displacement DoFs", text)
    if m:
        udofs = int(m.group(1))
    if re.match(r"step\s+1\s", text):
        step1 = float(stamp)
    # print_wall_time_statistics: | section | calls | min time | rank | avg time | max time | rank |
    m = re.match(r"\|\s*([^|]+?)\s*\|\s*(\d+)\s*\|\s*([0-9.e+-]+)s\s*\|\s*(\d+)\s*\|\s*([0-9.e+-]+)s\s*\|"
                 r"\s*([0-9.e+-]+)s", text)
    if m:
        timers[m.group(1)] = (int(m.group(2)), float(m.group(6)))
        continue
    # print_summary: | section | calls | time | percent |
    m = re.match(r"\|\s*([^|]+?)\s*\|\s*(\d+)\s*\|\s*([0-9.e+-]+)s", text)
    if m:
        timers[m.group(1)] = (int(m.group(2)), float(m.group(3)))
    if re.search(r"error|did not converge", text, re.I):
        print("run.sh: " + text, file=sys.stderr)

stats = open(d + "/output/statistics.csv").read().splitlines()
cols = {name: i for i, name in enumerate(stats[0].split(","))}
rows = [line.split(",") for line in stats[1:] if line.strip()]


def col(name, conv=float):
    return [conv(r[cols[name]]) for r in rows]


wall = col("wall_time_s")
newton = col("newton_iterations", int)[1:]
gmres = col("linear_iterations_mechanics", int)[1:]
plastic = col("plastic_quadrature_points", int)[1:]
cutbacks = col("mechanics_cutbacks", int)[1:]
steps = [wall[i] - wall[i - 1] for i in range(1, len(rows))]
n = len(steps)
nplastic = sum(1 for p in plastic if p > 0)


def three(v, f):
    if not v:
        return "-"
    return "%s / %s / %s" % (f % statistics.mean(v), f % statistics.median(v), f % max(v))


def tm(k):
    return timers.get(k, (0, 0.0))[1]


def per(x):
    # TimerOutput totals cover the mechanics solves of steps 0..N (step 0 solves the state at
    # t = 0 like any other step): per solve.
    return "%.3f" % (x / (n + 1))


nonlocal_t = sum(tm(k) for k in ("nonlocal: assemble rhs", "nonlocal: solve", "nonlocal: evaluate"))
commit = tm("mechanics: commit state") - nonlocal_t  # the nonlocal update runs inside the commit
heat = sum(t for k, (c, t) in timers.items()
           if k.startswith("heat:") and k not in ("heat: setup", "heat: assemble operators"))
post = tm("postprocess") + tm("output") + tm("mechanics: stresses")
# Step 0 has no progress line: set-up = end of step 1 minus the duration of step 1.
setup = step1 - start - (wall[1] - wall[0]) if n >= 1 else float("nan")
assembly = tm("mechanics: assemble tangent and residual")

# Material-point update from perf (1 rank): self time of the update's symbols (bmgfe's
# viscoplastic::update, viscous_flow::update (the predictor) and mohr_coulomb::*, deal.II's
# eigen-decomposition and the outer products of the spectral tangent, which only the update
# calls in this run) as a share of all samples, times the run's wall time.
update = "-"
if os.path.exists(d + "/perf_symbols.txt"):
    share = 0.0
    for line in open(d + "/perf_symbols.txt"):
        m = re.match(r"\s*([0-9.]+)%\s+(\S+)\s+\[\.\]\s+(.*)", line)
        if m and re.search(r"viscoplastic|viscous_flow|mohr_coulomb|MohrCoulomb|eigenvectors|"
                           r"SymmetricTensorImplementation|jacobi|outer_product", m.group(3)):
            share += float(m.group(1))
    u = share / 100 * (end - start)
    update = "%.3f (%.0f %% of assembly)" % (u / (n + 1), 100 * u / max(assembly, 1e-9))

timefiles = [open(f).read() for f in sorted(glob.glob(d + "/time.*"))]
mem = [int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024
       for t in timefiles]
cpu = [re.search(r"Percent of CPU this job got: (\S+)", t).group(1) for t in timefiles]

with open(d + "/timers.md", "w") as f:
    f.write("| section | calls | time (max over ranks) [s] | per step, steps 0..N [s] |\n"
            "|---|---|---|---|\n")
    for k, (c, t) in sorted(timers.items(), key=lambda kv: -kv[1][1]):
        f.write("| %s | %d | %.2f | %.3f |\n" % (k, c, t, t / (n + 1)))

plastic_wall = [w for w, p in zip(steps, plastic) if p > 0]
plastic_newton = [w for w, p in zip(newton, plastic) if p > 0]
print("| %s | %d | %s | %d (%d) | %s | %s | %s | %s | %d | %s | %s | %s | %s | %s | %.1f | %s | %s | %s "
      "| %s | %.1f | %.1f | %s | %s | %s | %s |" % (
          label, np, udofs if udofs else (3 * tdofs if tdofs else "?"), n, nplastic, three(newton, "%.2f"),
          "%.0f" % statistics.median(plastic_newton) if plastic_newton else "-",
          three(gmres, "%.1f"), "%.1f" % (sum(gmres) / max(sum(newton), 1)), sum(cutbacks),
          three(steps, "%.2f"), "%.2f" % statistics.mean(plastic_wall) if plastic_wall else "-",
          per(assembly), update, per(tm("mechanics: solve")), tm("mechanics: AMG setup"), per(commit),
          per(nonlocal_t), per(heat), per(post), setup, end - start,
          " / ".join("%.0f" % m for m in mem), " / ".join(cpu), load, time.strftime("%Y-%m-%d %H:%M")))
