#!/usr/bin/env python3
"""The run directory never lies (issue 18): summary.json says "running" while bmgfe runs,
"interrupted" (exit code 75) after SIGTERM/SIGUSR1/SIGINT, "failed" with the reason after an
error, and stays "running" after kill -9; a directory that holds another run's results is
refused unless --overwrite, which replaces the earlier run's files and nothing else.

    run_directory_test.py BMGFE SMALL_ROD_PRM [--mpirun MPIRUN]

Without --mpirun: serial runs. With it: 2 ranks, SIGUSR1 to mpirun (which forwards it) and
SIGTERM to one rank only (all ranks must stop after the same step). The long runs are
small_rod.prm with a fixed time step of 5e-5 s (20 000 steps, half a minute or more); they
are stopped after about 2 s. Every check is printed; the exit code says whether any failed.
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

INTERRUPTED = 75
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "support"))
from script_checks import check, failures, read_json  # noqa: E402


def status(out):
    return (read_json(os.path.join(out, "summary.json")) or {}).get("status")


def statistics(out):
    with open(os.path.join(out, "statistics.csv")) as f:
        rows = [l.rstrip("\n").split(",") for l in f if l.strip()]
    return rows[0], rows[1:]


class Bmgfe:
    def __init__(self, args):
        self.bmgfe = os.path.abspath(args.bmgfe)
        self.prm = os.path.abspath(args.prm)
        self.mpirun = args.mpirun

    def command(self, out, extra=(), long=False, ranks=None):
        cmd = [self.bmgfe, self.prm, "--set", "Output directory=" + out]
        if long:
            cmd += ["--set", "Time stepping/Initial time step=5e-5",
                    "--set", "Time stepping/Maximum time step=5e-5"]
        cmd += list(extra)
        if ranks:
            cmd = [self.mpirun, "--oversubscribe", "-np", str(ranks)] + cmd
        return cmd

    def run(self, out, extra=(), ranks=None):
        p = subprocess.run(self.command(out, extra, ranks=ranks), capture_output=True, text=True,
                           timeout=300)
        return p.returncode, p.stdout + p.stderr

    def start(self, out, extra=(), ranks=None):
        """A long run in the background, once its summary.json says "running" and ~2 s of
        steps are done (the time of a SLURM signal is arbitrary)."""
        p = subprocess.Popen(self.command(out, extra, long=True, ranks=ranks),
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.time() + 120
        while status(out) != "running" and p.poll() is None and time.time() < deadline:
            time.sleep(0.05)
        time.sleep(2)
        return p


def finish(p, timeout=120):
    try:
        out, _ = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        out, _ = p.communicate()
        out += "\n(killed after %d s: the signal did not stop the run)" % timeout
    return p.returncode, out


def error_lines(text):
    return [l for l in text.splitlines() if l.startswith("bmgfe: error")]


def check_interrupted(out, rc, text, signal_name, ranks):
    s = read_json(os.path.join(out, "summary.json")) or {}
    check(rc == INTERRUPTED, "%s: exit code %d (want %d)" % (signal_name, rc, INTERRUPTED))
    check(s.get("status") == "interrupted", "%s: summary.json status %r" % (
        signal_name, s.get("status")))
    check(s.get("signal") == signal_name and signal_name in s.get("message", ""),
          "%s: signal and message name it: %r" % (signal_name, s.get("message")))
    check(s.get("mpi_ranks") == ranks, "%s: mpi_ranks %r" % (signal_name, s.get("mpi_ranks")))
    check("bmgfe: interrupted" in text and not error_lines(text),
          "%s: 'bmgfe: interrupted' and no error line" % signal_name)
    # The statistics end at the step the summary names (flushed when the run stopped).
    try:
        names, rows = statistics(out)
        steps, t = s.get("steps"), s.get("time_reached_s")
        last = dict(zip(names, rows[-1]))
        check(steps is not None and len(rows) == steps + 1 and int(last["time_step"]) == steps,
              "%s: statistics.csv has the %s steps of summary.json (%d rows)" % (
                  signal_name, steps, len(rows)))
        check(t is not None and 0 < t < 1 and abs(float(last["time_s"]) - t) <= 1e-9 * max(1, t),
              "%s: its last row is at time_reached_s = %s" % (signal_name, t))
    except (OSError, IndexError, KeyError, ValueError) as e:
        check(False, "%s: statistics.csv readable (%s)" % (signal_name, e))
    with open(os.path.join(out, "log.txt")) as f:
        check("bmgfe: interrupted" in f.read(), "%s: log.txt says interrupted" % signal_name)


def bmgfe_children(parent):
    """The bmgfe processes started by `parent` (mpirun), from /proc."""
    pids = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                stat = f.read()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1:stat.rindex(")")]
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        if ppid == parent and comm == "bmgfe":
            pids.append(int(d))
    return pids


def serial(b):
    # (a) SIGTERM mid-run: stops after a step, exit code 75, summary.json "interrupted".
    out = os.path.abspath("rundir_sigterm")
    shutil.rmtree(out, ignore_errors=True)
    p = b.start(out)
    s = read_json(os.path.join(out, "summary.json")) or {}
    check(s.get("status") == "running" and p.poll() is None, "while it runs: status running")
    check(s.get("pid") == p.pid and s.get("host") == socket.gethostname() and
          s.get("mpi_ranks") == 1 and "start_time" in s and "rundir_sigterm" in s.get("command", ""),
          "running: pid, host, ranks, start time and command line")
    p.send_signal(signal.SIGTERM)
    rc, text = finish(p)
    check_interrupted(out, rc, text, "SIGTERM", 1)
    # ... and a rerun into it is refused
    rc, text = b.run(out)
    check(rc == 1 and "(status interrupted)" in text,
          "rerun into the interrupted run: refused (exit %d) %s" % (rc, text.strip()))

    # (b) kill -9: nothing can be written, summary.json stays "running" with the dead pid.
    out = os.path.abspath("rundir_kill9")
    shutil.rmtree(out, ignore_errors=True)
    p = b.start(out)
    p.kill()
    p.wait()  # reaped: the pid no longer exists
    s = read_json(os.path.join(out, "summary.json")) or {}
    check(s.get("status") == "running" and s.get("pid") == p.pid,
          "kill -9: summary.json still says running, pid %s" % s.get("pid"))
    stale = sorted(os.listdir(os.path.join(out, "solution")))
    check(len(stale) > 20, "kill -9: %d snapshot files of the killed run" % len(stale))

    # (c) a rerun into the killed run's directory: refused, one error line, nothing touched
    rc, text = b.run(out)
    lines = [l for l in text.splitlines() if l.strip()]
    check(rc == 1, "rerun: exit code %d (want 1)" % rc)
    check(len(lines) == 1 and len(error_lines(text)) == 1, "rerun: one line: %r" % lines)
    check("entry 'Output directory'" in text and "holds the results of an earlier run" in text
          and "(status running, pid %d" % p.pid in text and "--overwrite" in text,
          "rerun: names the entry, the stale run's status and pid, and --overwrite")
    check(sorted(os.listdir(os.path.join(out, "solution"))) == stale,
          "rerun refused: the earlier snapshots are untouched")
    # --validate does not refuse
    rc, text = b.run(out, ["--validate"])
    check(rc == 0 and "is valid" in text, "--validate into it: valid (exit %d)" % rc)
    # --overwrite: the earlier run's files go, a user's files stay
    with open(os.path.join(out, "notes.txt"), "w") as f:
        f.write("mine\n")
    os.makedirs(os.path.join(out, "my_plots"), exist_ok=True)
    outside = os.path.abspath("rundir_outside.txt")
    with open(outside, "w") as f:
        f.write("outside\n")
    rc, text = b.run(out, ["--overwrite"])
    s = read_json(os.path.join(out, "summary.json")) or {}
    check(rc == 0 and s.get("status") == "completed", "--overwrite: completed (exit %d)" % rc)
    snapshots = sorted(os.listdir(os.path.join(out, "solution")))
    indices = [int(n.split("_")[1].split(".")[0]) for n in snapshots if n.startswith("solution_")]
    check(s.get("snapshots") is not None and indices and max(indices) < s["snapshots"] and
          len(snapshots) < len(stale),
          "--overwrite: only the new run's %s snapshots (%d files; %d before)" % (
              s.get("snapshots"), len(snapshots), len(stale)))
    check(os.path.exists(os.path.join(out, "notes.txt")) and
          os.path.isdir(os.path.join(out, "my_plots")) and os.path.exists(outside),
          "--overwrite: the user's notes.txt, my_plots/ and a file outside are kept")
    # a completed run is refused too
    rc, text = b.run(out)
    check(rc == 1 and "(status completed)" in text, "rerun into a completed run: refused")

    # (d) an error after the directory was set up (log.txt cannot be written): "failed" with
    # the reason, exit code 1, one error line.
    out = os.path.abspath("rundir_failed")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(os.path.join(out, "log.txt"))
    rc, text = b.run(out)
    s = read_json(os.path.join(out, "summary.json")) or {}
    check(rc == 1 and len(error_lines(text)) == 1 and "log.txt" in error_lines(text)[0],
          "error after set-up: exit %d, one error line naming log.txt: %r" % (
              rc, error_lines(text)))
    check(s.get("status") == "failed" and "log.txt" in s.get("message", ""),
          "error after set-up: summary.json failed: %r" % s.get("message"))

    # A live run is refused even with --overwrite; SIGINT (Ctrl-C) stops it like SIGTERM.
    out = os.path.abspath("rundir_live")
    shutil.rmtree(out, ignore_errors=True)
    p = b.start(out)
    rc, text = b.run(out, ["--overwrite"])
    check(rc == 1 and "is being written by another run" in text and p.poll() is None,
          "--overwrite into a live run: refused (exit %d) %s" % (rc, text.strip()))
    p.send_signal(signal.SIGINT)
    rc, text = finish(p)
    check_interrupted(out, rc, text, "SIGINT", 1)


def parallel(b):
    # SIGUSR1 to mpirun (what the SLURM script sends): forwarded to the ranks.
    out = os.path.abspath("rundir_mpi_usr1")
    shutil.rmtree(out, ignore_errors=True)
    p = b.start(out, ranks=2)
    check(status(out) == "running", "2 ranks: status running")
    p.send_signal(signal.SIGUSR1)
    rc, text = finish(p)
    check_interrupted(out, rc, text, "SIGUSR1", 2)

    # SIGTERM to one rank only: every rank stops after the same step.
    out = os.path.abspath("rundir_mpi_term")
    shutil.rmtree(out, ignore_errors=True)
    p = b.start(out, ranks=2)
    ranks = bmgfe_children(p.pid)
    rank0 = (read_json(os.path.join(out, "summary.json")) or {}).get("pid")
    others = [r for r in ranks if r != rank0]
    if check(len(ranks) == 2 and len(others) == 1,
             "2 ranks: found the processes %s (rank 0: %s)" % (ranks, rank0)):
        os.kill(others[0], signal.SIGTERM)
    else:
        p.send_signal(signal.SIGUSR1)
    rc, text = finish(p)
    check_interrupted(out, rc, text, "SIGTERM", 2)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("bmgfe")
    parser.add_argument("prm")
    parser.add_argument("--mpirun")
    args = parser.parse_args()
    b = Bmgfe(args)
    if args.mpirun:
        parallel(b)
    else:
        serial(b)
    if failures:
        print("%d check(s) failed" % len(failures))
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
