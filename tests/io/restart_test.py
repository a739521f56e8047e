#!/usr/bin/python3
"""Checkpoint/restart (doc/checkpoints.md), run by ctest:

  restart_test.py --bmgfe BIN --source DIR --case same       io_restart
  restart_test.py ... --case ranks --mpirun MPIEXEC          io_restart_mpi
  restart_test.py ... --case kill                            io_restart_kill

Two scenarios: compression_vit1 (plastic, softening, nonlocal free volume, platens; cells of
100 um; checkpoints every 4 s) and the viscous quench of tests/viscous/quench_axi.prm
(adaptive steps, T-dependent properties, Maxwell flow; checkpoints every 0.25 s). Each runs
once uninterrupted (the reference, with the same checkpoints); then:

- same:  kill -9 once two checkpoints exist, the newer from mid-run or later; --restart on 1
         rank: statistics.csv and summary.json equal the reference to 1e-12. Then again with
         the newest checkpoint truncated on purpose: the restart names it, skips it and
         continues from the one before, to the same 1e-12.
- ranks: SIGUSR1 at mid-run (bmgfe writes a checkpoint after that step, exit code 75), then
         --restart on 2 ranks from the 1-rank checkpoint: 1e-8.
- kill:  kill -9 at three moments drawn with a fixed seed (30-90 % of the run), --restart
         after each: the final results equal the reference to 1e-8.

Writing a checkpoint resets what it cannot carry (Krylov projection histories,
preconditioners; doc/checkpoints.md) in the running process too, so a restart from an
interval checkpoint continues the reference bit for bit on the same partition. A signal's
checkpoint comes at a step where the reference has none, and another partition sums in
another order: there the restarted solvers differ from the reference's at the level of the
solver tolerances, which the 'ranks' case sets tight (CG 1e-14, Newton 1e-12) so that the
comparison shows what the checkpoint carries.

Compared: every column of statistics.csv (probes of temperature, stress and free volume,
field extrema, reaction forces, plastic work, band geometry, ...) relative to the largest
magnitude of the column over the run, except solver counters and wall times (the restarted
solvers take other paths: iterations, residuals); every number of summary.json relative to
itself; a quantity below 1e-3 of the largest of its unit (round_off_scale) relative to that.
The .vtu snapshots hold Float32 and are not compared.
"""
import argparse
import csv
import math
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "support"))
from script_checks import check, failures, read_json  # noqa: E402

# Every run: statistics.csv written after every step (the test watches it).
COMMON = ["Output/Statistics flush interval=0"]
# Restarts from a signal's checkpoint (at any step) and onto another partition: tight solver
# tolerances, so that what is compared is what the checkpoint carries, not the solver noise.
TIGHT = ["Heat/Solver/Linear solver tolerance=1e-14",
         "Heat/Solver/Nonlinear tolerance=1e-10",
         "Mechanics/Solver/Linear solver tolerance=1e-14",
         "Mechanics/Newton/Tolerance=1e-12",
         "Mechanics/Newton/Linear tolerance=1e-12"]

SCENARIOS = {
    "compression": ("parameters/compression_vit1.prm",
                    ["Geometry/Mesh size=1e-4",
                     "Checkpoint/Interval in time=4"],
                    ["Mechanics/Nonlocal free volume/Linear solver tolerance=1e-14"]),
    "quench": ("tests/viscous/quench_axi.prm",
               ["Checkpoint/Interval in time=0.25"], []),
}

# Columns and keys that count solver work or time, not results.
# (preconditioner_rebuilds: a restart, like a checkpoint, builds the preconditioner afresh.)
SOLVER_WORDS = ("iteration", "residual", "rebuilt", "rebuilds", "inexact", "wall", "pid",
                "start_time", "end_time", "command", "restarted", "mpi_ranks", "host", "status")


def solver_column(name):
    return any(w in name for w in SOLVER_WORDS)


class Runner:
    def __init__(self, args, tight):
        self.args = args
        self.tight = tight

    def command(self, scenario, out, ranks=1, restart=False, extra=()):
        prm, sets, tight_sets = SCENARIOS[scenario]
        cmd = [] if ranks == 1 else [self.args.mpirun, "-np", str(ranks), "--oversubscribe"]
        cmd += [self.args.bmgfe, os.path.join(self.args.source, prm)]
        for s in COMMON + sets + (TIGHT + tight_sets if self.tight else []):
            cmd += ["--set", s]
        for s in extra:
            cmd += ["--set", s]
        cmd += ["--restart", out] if restart else ["--set", "Output directory=" + out]
        return cmd

    def run(self, scenario, out, ranks=1, restart=False, extra=()):
        log = out + (".restart" if restart else "") + ".log"
        with open(log, "a") as f:
            rc = subprocess.call(self.command(scenario, out, ranks, restart, extra), stdout=f,
                                 stderr=subprocess.STDOUT, timeout=600)
        return rc, open(log).read()

    def start(self, scenario, out, ranks=1, restart=False, log=None):
        log = open(log or out + (".restart" if restart else "") + ".log", "a")
        return subprocess.Popen(self.command(scenario, out, ranks, restart), stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)


def rows(out):
    try:
        with open(os.path.join(out, "statistics.csv")) as f:
            return max(0, sum(1 for _ in f) - 1)
    except OSError:
        return 0


def read_table(out):
    with open(os.path.join(out, "statistics.csv")) as f:
        r = list(csv.reader(f))
    return r[0], r[1:]


def number(text):
    try:
        return float(text)
    except ValueError:
        return None


def round_off_scale(largest, unit_largest):
    """The scale of a quantity: its largest magnitude over the run, or, for a quantity that
    stays below 1e-3 of the largest of its unit (a shear stress on the axis of symmetry, the
    mean axial stress of a free body: round-off of 1e-6 Pa where the stresses are 1e8 Pa),
    that largest of its unit: a small component of a tensor is as accurate as the tensor."""
    return largest if largest >= 1e-3 * unit_largest else unit_largest


def compare_statistics(ref, out, tol, what):
    ha, ra = read_table(ref)
    hb, rb = read_table(out)
    check(ha == hb, "%s: statistics.csv has the reference's columns" % what)
    check(len(ra) == len(rb), "%s: statistics.csv has %d rows (reference %d)" % (what, len(rb), len(ra)))
    steps = [number(r[0]) for r in rb]
    check(steps == list(range(len(rb))) and steps == [number(r[0]) for r in ra],
          "%s: time steps 0..%d once each, as in the reference" % (what, len(rb) - 1))
    worst, where = 0.0, ""
    largest, unit_largest = {}, {}
    for c, name in enumerate(ha):
        values = [number(r[c]) if c < len(r) else None for r in ra]
        largest[name] = max([abs(x) for x in values if x is not None and math.isfinite(x)] + [0.0])
        unit = name.rsplit("_", 1)[-1]
        unit_largest[unit] = max(unit_largest.get(unit, 0.0), largest[name])
    for c, name in enumerate(ha):
        if solver_column(name) or c >= len(hb):
            continue
        a = [number(r[c]) if c < len(r) else None for r in ra]
        b = [number(r[c]) if c < len(r) else None for r in rb]
        scale = round_off_scale(largest[name], unit_largest[name.rsplit("_", 1)[-1]])
        for i, (x, y) in enumerate(zip(a, b)):
            if x is None or y is None:
                if (x is None) != (y is None):
                    worst, where = math.inf, "%s row %d: '%s' vs '%s'" % (name, i, ra[i][c], rb[i][c])
                continue
            if math.isnan(x) and math.isnan(y):
                continue
            d = abs(x - y) / scale if scale > 0 else abs(x - y)
            if d > worst:
                worst, where = d, "%s row %d: %r vs %r" % (name, i, x, y)
    check(worst <= tol, "%s: statistics.csv within %g of the reference (largest difference "
          "%.3g relative to the column, %s)" % (what, tol, worst, where or "none"))
    return worst


def compare_summary(ref, out, tol, what):
    a = read_json(os.path.join(ref, "summary.json")) or {}
    b = read_json(os.path.join(out, "summary.json")) or {}
    check(b.get("status") == "completed", "%s: summary.json says completed" % what)
    check(b.get("restarted") is True, "%s: summary.json says restarted" % what)
    numbers = {k: v for k, v in a.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
    # Values that are zero to round-off against the largest of the same unit (the last token
    # of the key).
    unit_scale = {}
    for k, v in numbers.items():
        unit = k.rsplit("_", 1)[-1]
        unit_scale[unit] = max(unit_scale.get(unit, 0.0), abs(v) if math.isfinite(v) else 0.0)
    worst, where, missing = 0.0, "", []
    for k, v in numbers.items():
        if solver_column(k):
            continue
        w = b.get(k)
        if not isinstance(w, (int, float)):
            missing.append(k)
            continue
        scale = max(round_off_scale(abs(v), unit_scale[k.rsplit("_", 1)[-1]]), 1e-300)
        d = abs(v - w) / scale
        if d > worst:
            worst, where = d, "%s: %r vs %r" % (k, v, w)
    check(not missing, "%s: summary.json has every number of the reference%s" %
          (what, " (missing: %s)" % ", ".join(missing) if missing else ""))
    check(worst <= tol, "%s: summary.json within %g of the reference (largest difference %.3g, %s)"
          % (what, tol, worst, where or "none"))
    return worst


def interrupt_at(runner, scenario, out, at_rows, ranks=1):
    """Start a run and SIGUSR1 it once statistics.csv has `at_rows` rows; its exit code."""
    p = runner.start(scenario, out, ranks)
    deadline = time.time() + 600
    while p.poll() is None and rows(out) < at_rows and time.time() < deadline:
        time.sleep(0.02)
    if p.poll() is None:
        os.killpg(p.pid, signal.SIGUSR1) if ranks > 1 else p.send_signal(signal.SIGUSR1)
    return p.wait(timeout=600)


def checkpoints(out):
    d = os.path.join(out, "checkpoints")
    return sorted(n for n in os.listdir(d) if n.startswith("checkpoint-")) if os.path.isdir(d) else []


def wait_for_checkpoint(p, out, step, deadline=600):
    """Wait until `out` holds two whole checkpoints, the newer of a step >= `step`; then
    kill -9."""
    end = time.time() + deadline
    while p.poll() is None and time.time() < end:
        names = [n for n in checkpoints(out)
                 if os.path.exists(os.path.join(out, "checkpoints", n, "manifest.txt"))]
        if len(names) >= 2 and int(names[-1].split("-")[1]) >= step:
            break
        time.sleep(0.005)
    alive = p.poll() is None
    if alive:
        os.killpg(p.pid, signal.SIGKILL)
    p.wait(timeout=60)
    return alive


def pvd_records(out):
    """(timestep, file) of every DataSet of solution.pvd ([] without one)."""
    try:
        text = open(os.path.join(out, "solution.pvd")).read()
    except OSError:
        return []
    return re.findall(r'<DataSet\s+timestep="([^"]*)"[^>]*file="([^"]*)"', text)


def case_same(runner, work, scenario, total):
    ref = os.path.join(work, scenario + "_reference")
    out = os.path.join(work, scenario + "_interrupted")
    # Killed (kill -9) once the checkpoint of mid-run exists, so that the run stops wherever
    # it is after it, as a node failure would stop it.
    p = runner.start(scenario, out)
    killed = wait_for_checkpoint(p, out, total // 2)
    s = read_json(os.path.join(out, "summary.json")) or {}
    check(killed and s.get("status") == "running",
          "%s: killed after the checkpoint of mid-run (step %d of %d; checkpoints %s)" %
          (scenario, rows(out) - 1, total, ", ".join(checkpoints(out))))
    truncated = os.path.join(work, scenario + "_truncated")
    shutil.copytree(out, truncated)
    rc, log = runner.run(scenario, out, restart=True)
    check(rc == 0, "%s: --restart on 1 rank: exit code %d" % (scenario, rc))
    compare_statistics(ref, out, 1e-12, scenario + " restarted")
    compare_summary(ref, out, 1e-12, scenario + " restarted")
    check(pvd_records(out) == pvd_records(ref),
          "%s: solution.pvd lists the reference's %d snapshots, none twice" %
          (scenario, len(pvd_records(ref))))
    # Files the postprocessors append to: cut back to the checkpoint, then continued.
    for name in ("force_displacement.csv", "newton_residuals.csv", "cycles.csv",
                 "profiles/times.csv"):
        if os.path.exists(os.path.join(ref, name)):
            same = open(os.path.join(ref, name)).read() == open(os.path.join(out, name)).read()
            check(same, "%s: %s equals the reference's" % (scenario, name))

    # The newest checkpoint damaged (a full disk, a crash while copying): skipped.
    names = checkpoints(truncated)
    check(len(names) >= 2, "%s: two checkpoints kept (%s)" % (scenario, ", ".join(names)))
    # Other parameters than the checkpoint's: one error line naming the entry, nothing touched.
    before = open(os.path.join(truncated, "summary.json")).read()
    rc = subprocess.run(runner.command(scenario, truncated, restart=True,
                                       extra=["Material/Density=6000"]),
                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300)
    errors = [l for l in rc.stdout.splitlines() if l.startswith("bmgfe: error:")]
    check(rc.returncode == 1 and len(errors) == 1 and "'Material/Density' was '6100'" in errors[0]
          and open(os.path.join(truncated, "summary.json")).read() == before,
          "%s: --restart with another density refused: %s" % (scenario, errors))
    if len(names) >= 2:
        data = os.path.join(truncated, "checkpoints", names[-1], "mesh_fixed.data")
        size = os.path.getsize(data)
        with open(data, "r+b") as f:
            f.truncate(size // 2)
        rc, log = runner.run(scenario, truncated, restart=True)
        check(rc == 0 and ("skipped " + names[-1]) in log and ("Restart: " in log and names[-2] in log),
              "%s: the truncated %s is skipped, the restart uses %s (exit code %d)" %
              (scenario, names[-1], names[-2], rc))
        compare_statistics(ref, truncated, 1e-12, scenario + " restarted from the older checkpoint")
        compare_summary(ref, truncated, 1e-12, scenario + " restarted from the older checkpoint")


def case_ranks(runner, work, scenario, total):
    ref = os.path.join(work, scenario + "_reference")
    out = os.path.join(work, scenario + "_one_rank")
    rc = interrupt_at(runner, scenario, out, total // 2)
    check(rc == 75, "%s: 1 rank, SIGUSR1 at mid-run: exit code %s" % (scenario, rc))
    rc, log = runner.run(scenario, out, ranks=2, restart=True)
    check(rc == 0 and "written on 1 rank" in log,
          "%s: --restart on 2 ranks from the 1-rank checkpoint: exit code %d" % (scenario, rc))
    s = read_json(os.path.join(out, "summary.json")) or {}
    check(s.get("mpi_ranks") == 2, "%s: the restarted run used 2 ranks" % scenario)
    compare_statistics(ref, out, 1e-8, scenario + " 1 -> 2 ranks")
    compare_summary(ref, out, 1e-8, scenario + " 1 -> 2 ranks")


def case_kill(runner, work, scenario, total, seed=2026):
    """kill -9 three times at random moments, --restart after each."""
    ref = os.path.join(work, scenario + "_reference")
    out = os.path.join(work, scenario + "_killed")
    rng = random.Random(seed)
    # Kill points as fractions of the reference's steps; a kill waits for the first whole
    # checkpoint (before it, there is nothing to restart from).
    fractions = sorted(rng.uniform(0.3, 0.9) for _ in range(3))
    for k, f in enumerate(fractions):
        at = max(2, int(f * total))
        log = "%s.%d.log" % (out, k)
        p = runner.start(scenario, out, restart=k > 0, log=log)
        deadline = time.time() + 600
        while p.poll() is None and time.time() < deadline:
            # A restart rewrites statistics.csv from its checkpoint after its first step:
            # until then the rows are the killed run's.
            started = k == 0 or "Restarted at step" in open(log).read()
            whole = any(os.path.exists(os.path.join(out, "checkpoints", n, "manifest.txt"))
                        for n in checkpoints(out))
            if started and whole and rows(out) > at:
                break
            time.sleep(0.005)
        killed = p.poll() is None
        if killed:
            os.killpg(p.pid, signal.SIGKILL)
        p.wait(timeout=60)
        s = read_json(os.path.join(out, "summary.json")) or {}
        check(killed and s.get("status") == "running",
              "%s: kill -9 %d at step %d of %d (drawn: %d): summary.json left at %s, checkpoints %s" %
              (scenario, k + 1, rows(out) - 1, total, at, s.get("status"), ", ".join(checkpoints(out))))
    rc, log = runner.run(scenario, out, restart=True)
    check(rc == 0, "%s: --restart after the third kill: exit code %d" % (scenario, rc))
    compare_statistics(ref, out, 1e-8, scenario + " after three kills")
    compare_summary(ref, out, 1e-8, scenario + " after three kills")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bmgfe", required=True)
    ap.add_argument("--source", required=True, help="the bmgfe source tree")
    ap.add_argument("--case", choices=["same", "ranks", "kill"], required=True)
    ap.add_argument("--mpirun", default="mpirun")
    ap.add_argument("--work", default="restart_test")
    args = ap.parse_args()
    work = os.path.abspath(args.work + "_" + args.case)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    runner = Runner(args, tight=args.case == "ranks")
    for scenario in SCENARIOS:
        ref = os.path.join(work, scenario + "_reference")
        t0 = time.time()
        rc, _ = runner.run(scenario, ref)
        total = rows(ref) - 1
        check(rc == 0 and total > 10, "%s: uninterrupted reference run: exit code %d, %d steps, "
              "%.1f s" % (scenario, rc, total, time.time() - t0))
        if rc != 0:
            continue
        {"same": case_same, "ranks": case_ranks, "kill": case_kill}[args.case](
            runner, work, scenario, total)
    print("%d check(s) failed" % len(failures) if failures else "all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
