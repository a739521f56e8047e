#!/usr/bin/env python3
"""Two values of one entry that must not change the results: the 3D rod of rod_matrix_free.prm
(random expansion and modulus fields, curved surface, quench, the assembled operator) run with
each value on 1 and 2 ranks. Every column of statistics.csv (solver counters and wall time
aside) and every number of summary.json must agree to --tolerance relative to the column's
(number's) largest magnitude, or to 1e-3 of the largest magnitude of its unit where a column is
itself round-off (the volume mean of a stress component of a free body: its round-off is
relative to the stresses it sums). Used for
 * 'Mechanics/Vectorised postprocessing' (one MatrixFree pass for the postprocessors' strains
   and temperatures instead of FEValues): the solution is the same, the option only reads
   fields; 1e-12;
 * 'Mechanics/Solver/Thermal load matrix' (the load f(T_ref) + G (T - T_ref) from the coupling
   matrix instead of the cell loop): the load differs by round-off, CG (to 1e-12) carries it
   into the solution; 1e-10."""
import argparse
import csv
import json
import os
import shutil
import subprocess
import sys

p = argparse.ArgumentParser()
p.add_argument("--bmgfe", required=True)
p.add_argument("--source", required=True)
p.add_argument("--mpirun", default="mpirun")
p.add_argument("--entry", required=True, help="Section/Entry")
p.add_argument("--values", nargs=2, required=True, help="reference value, other value")
p.add_argument("--tolerance", type=float, required=True)
p.add_argument("--name", required=True, help="prefix of the output folders")
p.add_argument("--set", action="append", default=[], dest="sets",
               help="further Section/Entry=value for both runs (repeatable)")
p.add_argument("--expect-in-log", default="",
               help="text that log.txt of the runs with the other value must contain")
a = p.parse_args()
prm = os.path.join(a.source, "tests", "mechanics", "rod_matrix_free.prm")
failures = []


def run(out, ranks, value):
    shutil.rmtree(out, ignore_errors=True)
    cmd = [a.bmgfe, prm, "--set", "Output directory=" + out, "--set", "Mechanics/Solver/Operator=assembled",
           "--set", "%s=%s" % (a.entry, value)]
    for extra in a.sets:
        cmd += ["--set", extra]
    if ranks > 1:
        cmd = [a.mpirun, "--oversubscribe", "-np", str(ranks)] + cmd
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("run failed (%s):\n%s%s" % (" ".join(cmd), r.stdout, r.stderr))
    return out


def table(out):
    rows = list(csv.reader(open(os.path.join(out, "statistics.csv"))))
    return rows[0], rows[1:]


def skipped(name):
    return any(k in name for k in ("wall", "iterations", "rebuil", "time_step_s"))


def unit(name):
    return name.rsplit("_", 1)[-1] if "_" in name else ""


def compare(ref, out, what):
    h, a_rows = table(ref)
    h2, b_rows = table(out)
    if h != h2 or len(a_rows) != len(b_rows):
        failures.append("%s: statistics.csv differs in its columns or rows" % what)
        return
    columns = {}
    for j, name in enumerate(h):
        if skipped(name):
            continue
        try:
            columns[name] = ([float(r[j]) for r in a_rows], [float(r[j]) for r in b_rows])
        except ValueError:
            continue
    unit_largest = {}
    for name, (xa, _) in columns.items():
        unit_largest[unit(name)] = max(unit_largest.get(unit(name), 0.0), max(abs(x) for x in xa))
    worst = (0.0, "")
    for name, (xa, xb) in columns.items():
        scale = max(max(abs(x) for x in xa), 1e-3 * unit_largest[unit(name)])
        if scale == 0:
            continue
        d = max(abs(x - y) for x, y in zip(xa, xb)) / scale
        worst = max(worst, (d, name))
    sa = json.load(open(os.path.join(ref, "summary.json")))
    sb = json.load(open(os.path.join(out, "summary.json")))

    def numbers(node, path=""):
        if isinstance(node, dict):
            for k, v in node.items():
                yield from numbers(v, path + "/" + k)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                yield from numbers(v, "%s[%d]" % (path, i))
        elif isinstance(node, (int, float)) and not isinstance(node, bool):
            yield path, float(node)

    na, nb = dict(numbers(sa)), dict(numbers(sb))
    summary_unit_largest = {}
    for k, v in na.items():
        summary_unit_largest[unit(k)] = max(summary_unit_largest.get(unit(k), 0.0), abs(v))
    worst_summary = (0.0, "")
    for k, v in na.items():
        if skipped(k) or "seconds" in k or k in ("/pid", "/started", "/finished") or k not in nb:
            continue
        scale = max(abs(v), abs(nb[k]), 1e-3 * summary_unit_largest[unit(k)])
        if scale > 0:
            worst_summary = max(worst_summary, (abs(v - nb[k]) / scale, k))
    print("%s: statistics.csv largest relative difference %.3g (%s); summary.json %.3g (%s)" %
          (what, worst[0], worst[1], worst_summary[0], worst_summary[1]))
    if worst[0] > a.tolerance:
        failures.append("%s: statistics.csv column %s differs by %.3g" % (what, worst[1], worst[0]))
    if worst_summary[0] > a.tolerance:
        failures.append("%s: summary.json %s differs by %.3g" % (what, worst_summary[1], worst_summary[0]))


for ranks in (1, 2):
    ref = run("%s_%s_np%d" % (a.name, a.values[0], ranks), ranks, a.values[0])
    out = run("%s_%s_np%d" % (a.name, a.values[1], ranks), ranks, a.values[1])
    if a.expect_in_log:
        for d, must in ((out, True), (ref, False)):
            found = a.expect_in_log in open(os.path.join(d, "log.txt")).read()
            if found != must:
                failures.append("%s/log.txt %s '%s'" % (d, "lacks" if must else "contains",
                                                        a.expect_in_log))
    compare(ref, out, "%d rank%s" % (ranks, "s" if ranks > 1 else ""))

if failures:
    print("\n".join("FAILED: " + f for f in failures))
    sys.exit(1)
print("ok")
