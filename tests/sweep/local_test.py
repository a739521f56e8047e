#!/usr/bin/python3
"""`bmgfe-sweep local` with bmgfe: a 6-run sweep (initial temperature x heat-transfer
coefficient of tests/sweep/tiny_rod.prm) with 2 concurrent jobs of 1 rank; rerunning it runs
nothing; status; collect writes results.csv / results.md with the varied parameters as columns
and the summary.json values; a run that bmgfe refuses fails the sweep (exit 1, state failed);
a run that SIGUSR1 stops (exit code 75, a checkpoint) is continued by the next `local` with
bmgfe --restart from its checkpoint and completes.

    tests/sweep/local_test.py --bmgfe build/bmgfe [--mpirun mpirun] [--work DIR]
"""
import argparse
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time

from sweep_checks import HERE, TOOL, check, finish, read, tool
import sweep_checks

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

# One run of ~7 s (16705 temperature unknowns, 5000 steps) that SIGUSR1 stops after ~2 s.
RESUME = """# written by tests/sweep/local_test.py
prm     = "{prm}"
output  = "resume"
sets    = {{ "Geometry/Global refinement" = 4, "Time stepping/Initial time step" = 1e-4, "Time stepping/Maximum time step" = 1e-4 }}
[[vary]]
entry  = "Heat/Initial temperature"
name   = "T0"
values = [350]
"""


def read_json(path):
    with open(path) as f:
        return json.load(f)


def resume_check(exe):
    """`local` continues a run that SIGUSR1 stopped from its checkpoint (--restart)."""
    with open("resume.toml", "w") as f:
        f.write(RESUME.format(prm=os.path.join(HERE, "tiny_rod.prm")))
    run = "resume/T0=350"
    t = time.time()
    p = subprocess.Popen([sys.executable, TOOL, "local", "resume.toml", *exe],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    summary, end = {}, time.time() + 60
    while time.time() < end and p.poll() is None:
        summary = sweep_checks.read_json(os.path.join(run, "summary.json")) or {}
        if summary.get("status") == "running":
            break
        time.sleep(0.1)
    time.sleep(2)  # some steps
    pid = summary.get("pid")
    check(isinstance(pid, int) and pid > 0, "resume: bmgfe runs (pid %s)" % pid)
    if isinstance(pid, int) and pid > 0:
        os.kill(pid, signal.SIGUSR1)  # bmgfe's rank 0 (as mpirun would pass it on)
    out, _ = p.communicate(timeout=120)
    print("$ bmgfe-sweep local resume.toml   (exit %d, %.1f s; SIGUSR1 to bmgfe)" % (
        p.returncode, time.time() - t))
    print("".join("  | " + l + "\n" for l in out.splitlines()), end="", flush=True)
    check(p.returncode == 1 and "resume/T0=350: interrupted" in out,
          "resume: the sweep reports the run interrupted (exit code 1)")
    m = read_json(os.path.join(run, "bmgfe-sweep.json"))
    s = read_json(os.path.join(run, "summary.json"))
    check(m.get("exit_code") == 75, "resume: bmgfe exit code 75")
    ckpt = s.get("checkpoint", "")
    check(s.get("status") == "interrupted" and os.path.isfile(os.path.join(ckpt, "manifest.txt")),
          "resume: summary.json interrupted, checkpoint %s" % ckpt)
    try:
        step = int(os.path.basename(ckpt).split("-")[1])
    except (IndexError, ValueError):
        step = -1
    p, _ = tool(["status", "resume.toml"], timeout=None)
    check("interrupted (checkpoint at step %d)" % step in p.stdout and
          p.stdout.rstrip().endswith("1 interrupted"),
          "resume: status interrupted (checkpoint at step %d)" % step)

    p, _ = tool(["local", "resume.toml", *exe], timeout=None)
    check(p.returncode == 0 and "0 completed before, 1 to run" in p.stdout and
          "started from checkpoint checkpoint-%06d (step %d, --restart)" % (step, step) in p.stdout
          and "1 of 1 run completed" in p.stdout,
          "resume: the rerun continued from step %d with --restart and completed" % step)
    s = read_json(os.path.join(run, "summary.json"))
    m = read_json(os.path.join(run, "bmgfe-sweep.json"))
    check(s.get("status") == "completed" and s.get("restarted") is True and
          m.get("exit_code") == 0 and m.get("restart_step") == step,
          "resume: summary.json completed, restarted; bmgfe-sweep.json exit code 0, restart_step")
    check(s.get("command", "").replace("'", "").endswith(" --restart resume/T0=350") and
          "--overwrite" not in s.get("command", ""),
          "resume: bmgfe ran with --restart (summary.json: %s)" % s.get("command"))
    log = read(os.path.join(run, "bmgfe-sweep.log"))
    check("bmgfe: interrupted: SIGUSR1 received" in log and "Restarted at step %d," % step in log,
          "resume: bmgfe-sweep.log holds both attempts")
    with open(os.path.join(run, "statistics.csv")) as f:
        steps = [int(r["time_step"]) for r in csv.DictReader(f)]
    check(steps == list(range(len(steps))) and steps[-1] == s.get("time_steps") == 5000,
          "resume: statistics.csv time_step 0..%s, each once" % (steps[-1] if steps else None))


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

    # 6. a run that SIGUSR1 stops is continued from its checkpoint by the next `local`
    resume_check(exe)

    print("local sweep: %.1f s for 6 runs on 2 jobs, rerun %.1f s" % (dt, dt2))
    return finish()


if __name__ == "__main__":
    sys.exit(main())
