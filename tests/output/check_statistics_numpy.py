#!/usr/bin/env python3
"""Run bmgfe and read its statistics.csv with numpy, as statistics_table.h promises:

    numpy.genfromtxt(file, delimiter=",", names=True, dtype=None, encoding=None)

Fails (exit 1, with the reason) if
  * numpy changes a column name (it deletes characters such as - . ( ) : and spaces),
  * the number of rows is not the number of steps + 1 (summary.json: time_steps) or the rows
    with a snapshot are not summary.json's snapshots,
  * a cell is not a number, is not finite (nan, inf), or numpy's value is not the cell's text
    (a shifted column), or
  * a cell is empty outside the documented empty cells: with --output-times-only COLUMN, the
    COLUMN has a value exactly at the output steps (snapshot >= 0) and none at the others.
--rejected-set S: bmgfe must refuse the override S (e.g. a probe name numpy would mangle).

usage: check_statistics_numpy.py BMGFE PRM OUT [--set S]... [--output-times-only C]...
                                 [--rejected-set S]...
"""
import argparse
import csv
import json
import math
import os
import shutil
import subprocess
import sys

import numpy


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def run(bmgfe, prm, out, sets):
    shutil.rmtree(out, ignore_errors=True)
    command = [bmgfe, prm, "--set", "Output directory=" + out]
    for s in sets:
        command += ["--set", s]
    return subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("bmgfe")
    parser.add_argument("prm")
    parser.add_argument("out")
    parser.add_argument("--set", action="append", default=[])
    parser.add_argument("--output-times-only", action="append", default=[])
    parser.add_argument("--rejected-set", action="append", default=[])
    args = parser.parse_args()

    result = run(args.bmgfe, args.prm, args.out, args.set)
    if result.returncode != 0:
        fail("bmgfe failed:\n" + result.stdout)
    with open(os.path.join(args.out, "summary.json")) as f:
        summary = json.load(f)
    if summary.get("status") != "completed":
        fail("run not completed: " + str(summary))
    file = os.path.join(args.out, "statistics.csv")
    with open(file, newline="") as f:
        rows = [r for r in csv.reader(f) if r]
    header, cells = rows[0], rows[1:]

    data = numpy.genfromtxt(file, delimiter=",", names=True, dtype=None, encoding=None)
    data = numpy.atleast_1d(data)
    plain = numpy.genfromtxt(file, delimiter=",", names=True)
    for names, how in ((data.dtype.names, "dtype=None"), (plain.dtype.names, "default dtype")):
        if list(names) != header:
            changed = [(h, n) for h, n in zip(header, names) if h != n]
            fail("numpy.genfromtxt (%s) changed column names: %s" % (how, changed or (header, names)))

    if len(data) != len(cells):
        fail("numpy read %d rows, the file has %d" % (len(data), len(cells)))
    steps = int(summary["time_steps"])
    if len(data) != steps + 1:
        fail("%d rows for %d time steps (expected steps + 1, the initial state first)" % (len(data), steps))
    snapshots = int(numpy.sum(data["snapshot"] >= 0))
    if snapshots != int(summary["snapshots"]):
        fail("%d rows with a snapshot, summary.json: %s" % (snapshots, summary["snapshots"]))

    empty_allowed = set(args.output_times_only)
    for c in empty_allowed:
        if c not in header:
            fail("no column '%s'" % c)
    checked = 0
    for j, name in enumerate(header):
        column = data[name]
        if column.dtype.kind not in "iuf":
            fail("column '%s' is not numeric (numpy dtype %s)" % (name, column.dtype))
        for i, row in enumerate(cells):
            text = row[j] if j < len(row) else ""
            output_step = data["snapshot"][i] >= 0
            if text == "":
                if name in empty_allowed and not output_step:
                    if not math.isnan(column[i]):
                        fail("empty cell of '%s' row %d read as %r" % (name, i, column[i]))
                    continue
                fail("empty cell: column '%s', row %d (time %s)" % (name, i, data["time_s"][i]))
            if name in empty_allowed and not output_step:
                fail("'%s' has a value (%s) at a step without output, row %d" % (name, text, i))
            value = float(column[i])
            if not math.isfinite(value):
                fail("column '%s', row %d: %s is not a finite number" % (name, i, text))
            if value != float(text) and abs(value - float(text)) > 1e-15 * abs(float(text)):
                fail("column '%s', row %d: numpy read %r for '%s'" % (name, i, value, text))
            checked += 1

    for s in args.rejected_set:
        rejected = run(args.bmgfe, args.prm, args.out + "_rejected", args.set + [s])
        if rejected.returncode == 0 or "error" not in rejected.stdout:
            fail("bmgfe accepted --set '%s':\n%s" % (s, rejected.stdout))
        print("rejected as it should: " + rejected.stdout.strip().splitlines()[-1])

    print("%s: %d columns, %d rows (%d steps), %d snapshots, %d numbers checked" %
          (file, len(header), len(data), steps, snapshots, checked))


if __name__ == "__main__":
    main()
