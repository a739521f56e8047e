#!/usr/bin/python3
"""Load balance of the plastic models ('Mechanics/Load balance', doc/model.md "Load
balance"), run by ctest as io_load_balance:

  load_balance_test.py --bmgfe BIN --source DIR --mpirun MPIEXEC

compression_vit1 (plane strain, plastic, nonlocal free volume, platens, cells of 100 um) with
its soft spot moved off-centre (x = 2.5e-4 m, y = 1.4e-3 m), so that the first plastic points
lie on one of 2 ranks; run twice on 2 ranks with tight solver tolerances (CG 1e-14, Newton
1e-12, GMRES 1e-12, x-bar CG 1e-14, heat CG 1e-14): without repartitioning
('Repartition = false') and with it forced ('Imbalance threshold = 1.02').

Checked:
- the forced run repartitioned at least once: 'load balance: step N: imbalance A -> B' lines in
  its log, as many as summary.json's load_balance_repartitions; after each, the imbalance of
  the new partition is below the threshold's 1.02 plus the granularity of one cell (B <= 1.05)
  and below the one before (A), i.e. p4est received the weights;
- statistics.csv (every column except solver counters and wall time) and
  force_displacement.csv agree with the run without repartitioning to 1e-8 relative to each
  column's largest magnitude (restart_test.py's comparison);
- an 'Imbalance threshold' below 1 is an input error naming the entry.
"""
import argparse
import csv
import math
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "support"))
sys.path.insert(0, HERE)
from script_checks import check, failures, read_json  # noqa: E402
from restart_test import TIGHT, compare_statistics, number  # noqa: E402

PRM = "parameters/compression_vit1.prm"
SETS = ["Geometry/Mesh size=1e-4",
        "Output/Statistics flush interval=0",
        "Material/Free volume/Initial free volume perturbation="
        "0.001*exp(-((x - 2.5e-4)^2 + (y - 1.4e-3)^2)/(1.5e-4)^2)",
        "Mechanics/Nonlocal free volume/Linear solver tolerance=1e-14"] + TIGHT
LINE = re.compile(r"load balance: step (\d+): imbalance ([0-9.]+) -> ([0-9.]+)")


def run(args, out, extra):
    cmd = [args.mpirun, "-np", "2", "--oversubscribe", args.bmgfe,
           os.path.join(args.source, PRM), "--set", "Output directory=" + out]
    for s in SETS + extra:
        cmd += ["--set", s]
    t0 = time.time()
    with open(out + ".log", "w") as f:
        rc = subprocess.call(cmd, stdout=f, stderr=subprocess.STDOUT, timeout=900)
    return rc, open(out + ".log").read(), time.time() - t0


def compare_csv(ref, out, name, tol, what):
    """Every numeric column of `name` relative to its largest magnitude in the reference."""
    with open(os.path.join(ref, name)) as f:
        a = list(csv.reader(line for line in f if not line.startswith("#")))
    with open(os.path.join(out, name)) as f:
        b = list(csv.reader(line for line in f if not line.startswith("#")))
    check(a[0] == b[0] and len(a) == len(b) and len(a) > 2 and len(a[0]) > 3,
          "%s: %s has the reference's %d columns and %d rows" % (what, name, len(a[0]), len(b) - 1))
    worst, where = 0.0, ""
    for c, col in enumerate(a[0]):
        x = [number(r[c]) if c < len(r) else None for r in a[1:]]
        y = [number(r[c]) if c < len(r) else None for r in b[1:]]
        scale = max([abs(v) for v in x if v is not None and math.isfinite(v)] + [0.0])
        for i, (u, v) in enumerate(zip(x, y)):
            if u is None or v is None:
                if (u is None) != (v is None):
                    worst, where = math.inf, "%s row %d" % (col, i)
                continue
            d = abs(u - v) / scale if scale > 0 else abs(u - v)
            if d > worst:
                worst, where = d, "%s row %d: %r vs %r" % (col, i, u, v)
    check(worst <= tol, "%s: %s within %g (largest difference %.3g relative to the column, %s)"
          % (what, name, tol, worst, where or "none"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bmgfe", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--mpirun", default="mpirun")
    ap.add_argument("--work", default="load_balance_test")
    args = ap.parse_args()
    work = os.path.abspath(args.work)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)

    # Input error: the threshold is a ratio of at least 1.
    p = subprocess.run([args.bmgfe, "--validate", os.path.join(args.source, PRM), "--set",
                        "Mechanics/Load balance/Imbalance threshold=0.5"],
                       capture_output=True, text=True)
    check(p.returncode == 1 and "Mechanics/Load balance/Imbalance threshold" in p.stderr + p.stdout,
          "an imbalance threshold of 0.5 is an input error naming the entry (exit code %d)"
          % p.returncode)

    ref = os.path.join(work, "fixed")
    rc, log, seconds = run(args, ref, ["Mechanics/Load balance/Repartition=false"])
    check(rc == 0 and "load balance:" not in log,
          "2 ranks without repartitioning: exit code %d, %.1f s, no repartition" % (rc, seconds))
    out = os.path.join(work, "balanced")
    rc2, log2, seconds2 = run(args, out, ["Mechanics/Load balance/Repartition=true",
                                          "Mechanics/Load balance/Imbalance threshold=1.02"])
    lines = LINE.findall(log2)
    check(rc2 == 0 and len(lines) >= 1,
          "2 ranks with repartitioning forced (threshold 1.02): exit code %d, %.1f s, %d "
          "repartition(s)" % (rc2, seconds2, len(lines)))
    summary = read_json(os.path.join(out, "summary.json")) or {}
    check(summary.get("load_balance_repartitions") == len(lines),
          "summary.json counts them: load_balance_repartitions = %s"
          % summary.get("load_balance_repartitions"))
    worst_after = max([float(b) for _, _, b in lines] + [0.0])
    check(all(float(b) < float(a) and float(b) <= 1.05 for _, a, b in lines),
          "every repartition balanced the weights: largest imbalance after %.4f (<= 1.05), "
          "each below its imbalance before (%s)"
          % (worst_after, ", ".join("step %s: %s -> %s" % l for l in lines[:6])))
    if rc == 0 and rc2 == 0:
        compare_statistics(ref, out, 1e-8, "repartitioned vs fixed partition")
        compare_csv(ref, out, "force_displacement.csv", 1e-8, "repartitioned vs fixed partition")
    print("%d check(s) failed" % len(failures) if failures else "all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
