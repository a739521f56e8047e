#!/usr/bin/python3
"""`bmgfe-sweep local` with bmgfe: a 6-run sweep (initial temperature x heat-transfer
coefficient of tests/sweep/tiny_rod.prm) with 2 concurrent jobs of 1 rank; rerunning it runs
nothing; status; collect writes results.csv / results.md with the varied parameters as columns
and the summary.json values; a run that bmgfe refuses fails the sweep (exit 1, state failed).

    tests/sweep/local_test.py --bmgfe build/bmgfe [--mpirun mpirun] [--work DIR]
"""
import argparse
import csv
import json
import os
import shutil
import sys

from sweep_checks import HERE, check, finish, tool

SWEEP = """# written by tests/sweep/local_test.py
prm     = "{prm}"
output  = "runs"
ranks   = 1
outputs = ["temperature_max_K", "temperature_min_K", "time_steps", "final_time_s"]

[[vary]]
entry  = "Heat/Initial temperature"
name   = "T0"
values = [340, 360]

[[vary]]
entry  = "Thermal protocol/quench/Heat transfer coefficient"
name   = "h"
values = [1000, 2000, 4000]

[plot]
x = "h"
y = "temperature_max_K"
"""

def read_json(path):
    with open(path) as f:
        return json.load(f)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bmgfe", required=True)
    ap.add_argument("--mpirun", default=None)
    ap.add_argument("--work", default=os.getcwd())
    args = ap.parse_args()
    work = os.path.join(os.path.abspath(args.work), "sweep_local")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    os.chdir(work)
    with open("local.toml", "w") as f:
        f.write(SWEEP.format(prm=os.path.join(HERE, "tiny_rod.prm")))
    exe = ["--bmgfe", os.path.abspath(args.bmgfe)] + (["--mpirun", args.mpirun]
                                                      if args.mpirun else [])

    # 1. six runs, two at a time
    p, dt = tool(["local", "local.toml", "-j", "2", *exe], timeout=None)
    check(p.returncode == 0, "local: exit code 0")
    check("0 completed before, 6 to run, 2 at a time" in p.stdout, "local: 6 runs to do")
    check("local: 6 of 6 runs completed" in p.stdout, "local: 6 of 6 runs completed")
    runs = sorted(os.path.join("runs", d) for d in os.listdir("runs")
                  if os.path.isdir(os.path.join("runs", d)))
    check(runs == ["runs/T0=340_h=1000", "runs/T0=340_h=2000", "runs/T0=340_h=4000",
                   "runs/T0=360_h=1000", "runs/T0=360_h=2000", "runs/T0=360_h=4000"],
          "run directories named after the varied values: %s" % runs)
    spans = []
    for r in runs:
        s = read_json(os.path.join(r, "summary.json"))
        check(s.get("status") == "completed", "%s: summary.json completed" % r)
        m = read_json(os.path.join(r, "bmgfe-sweep.json"))
        check(m.get("exit_code") == 0, "%s: exit code 0 in bmgfe-sweep.json" % r)
        spans.append((m["start"], m["end"]))
    events = sorted([(s, 1) for s, _ in spans] + [(e, -1) for _, e in spans])
    level = peak = 0
    for _, d in events:
        level += d
        peak = max(peak, level)
    check(peak == 2, "2 runs at a time (at most %d at once)" % peak)
    mtimes = {r: os.path.getmtime(os.path.join(r, "summary.json")) for r in runs}

    # 2. rerun: nothing to do
    p, dt2 = tool(["local", "local.toml", "-j", "2", *exe], timeout=None)
    check(p.returncode == 0, "rerun: exit code 0")
    check("6 completed before, 0 to run" in p.stdout and "started" not in p.stdout,
          "rerun: runs nothing")
    check(all(os.path.getmtime(os.path.join(r, "summary.json")) == mtimes[r] for r in runs),
          "rerun: summary.json files untouched")
    check(dt2 < 10, "rerun: %.1f s" % dt2)

    # 3. status
    p, _ = tool(["status", "local.toml"], timeout=None)
    check(p.returncode == 0 and p.stdout.rstrip().endswith("6 completed"), "status: 6 completed")

    # 4. collect
    p, _ = tool(["collect", "local.toml"], timeout=None)
    check(p.returncode == 0, "collect: exit code 0")
    with open("runs/results.csv") as f:
        rows = list(csv.reader(f))
    header = ["run", "T0", "h", "status", "temperature_max_K", "temperature_min_K", "time_steps",
              "final_time_s"]
    check(rows[0] == header, "results.csv columns %s" % rows[0])
    check(len(rows) == 7, "results.csv: 6 runs")
    table = {}
    for row in rows[1:]:
        d = dict(zip(rows[0], row))
        s = read_json(os.path.join("runs", d["run"], "summary.json"))
        check(d["run"] == "T0=%s_h=%s" % (d["T0"], d["h"]) and d["status"] == "completed",
              "row %s: its parameters and status" % d["run"])
        same = all(float(d[k]) == float(s[k]) for k in header[4:])
        check(same, "row %s: the values of its summary.json" % d["run"])
        check(float(d["final_time_s"]) == 0.5, "row %s: final time 0.5 s" % d["run"])
        table[(int(d["T0"]), int(d["h"]))] = float(d["temperature_max_K"])
    # the runs did get their values: hotter start -> hotter end, more cooling -> colder end
    if len(table) == 6:
        check(all(table[(340, h)] < table[(360, h)] for h in (1000, 2000, 4000)),
              "temperature_max_K rises with T0")
        check(all(table[(t, 1000)] > table[(t, 2000)] > table[(t, 4000)] for t in (340, 360)),
              "temperature_max_K falls with h")
        check(all(293.15 < table[(t, h)] < t for t, h in table), "293.15 K < T_max < T0")
    with open("runs/results.md") as f:
        md = f.read().splitlines()
    check(md[0] == "| " + " | ".join(header) + " |", "results.md header")
    check(len(md) == 8 and md[2].startswith("| T0=340_h=1000 | 340 | 1000 | completed | "),
          "results.md rows")
    try:
        import matplotlib  # noqa: F401
        check(os.path.getsize("runs/results_temperature_max_K_vs_h.png") > 1000,
              "plot of temperature_max_K against h")
    except ImportError:
        print("note: no matplotlib: the plot is not checked")

    # 5. a run bmgfe refuses (negative heat-transfer coefficient): failed, exit code 1
    with open("bad.toml", "w") as f:
        f.write(SWEEP.format(prm=os.path.join(HERE, "tiny_rod.prm"))
                .replace('"runs"', '"bad_runs"').replace("[1000, 2000, 4000]", "[-5]")
                .replace("[340, 360]", "[340]"))
    p, _ = tool(["local", "bad.toml", *exe], timeout=None)
    check(p.returncode == 1, "a refused run: exit code 1")
    p, _ = tool(["status", "bad.toml"], timeout=None)
    check("failed" in p.stdout and "exit code 1" in p.stdout, "status: failed with exit code 1")

    print("local sweep: %.1f s for 6 runs on 2 jobs, rerun %.1f s" % (dt, dt2))
    return finish()


if __name__ == "__main__":
    sys.exit(main())
