#!/usr/bin/python3
"""`bmgfe-sweep slurm` on a SLURM of its own: starts munged (as the munge user), slurmctld and
slurmd on localhost with a generated configuration in a temporary folder (own ports, own munge
socket and key; the machine's SLURM and munge, if any, are not touched), submits a 4-run sweep
of tests/sweep/tiny_rod.prm as one job array, waits for it, collects the table and checks
it; then a two-stage chain (two arrays, the second --dependency=aftercorr on the first); then
a long run that SIGUSR1 to the batch shell stops (bmgfe exit code 75, summary.json
"interrupted") and the job script requeues; then a run that SLURM's time limit interrupts
(--time=1 minute, SIGUSR1 from --signal) and that the requeued task continues from its
checkpoint (--restart) to the end, compared with the same run done directly; then shuts the
daemons down. Installs nothing: without the daemons (Debian: slurmctld, slurmd, slurm-client,
munge; scripts/setup.sh installs them when the tests are built) or without root it prints
why and exits 77 (ctest SKIP_RETURN_CODE).

    tests/sweep/slurm_test.py --bmgfe build/bmgfe [--work DIR] [--timeout 240]
"""
import argparse
import csv
import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time

from sweep_checks import HERE, check, failures, finish, read, read_json, tool
SKIP = 77

SWEEP = """# written by tests/sweep/slurm_test.py
prm     = "{prm}"
output  = "runs"
ranks   = 1
outputs = ["temperature_max_K", "time_steps", "final_time_s", "mpi_ranks"]

[[vary]]
mode    = "zip"
entries = [{{ entry = "Heat/Initial temperature", name = "T0", values = [340, 340, 360, 360] }},
           {{ entry = "Thermal protocol/quench/Heat transfer coefficient", name = "h", values = [1000, 4000, 1000, 4000] }}]

[slurm]
partition     = "bmgfetest"
time          = "00:05:00"
cpus_per_task = 1
"""

CHAIN = """# written by tests/sweep/slurm_test.py
output  = "chain"
[[stage]]
name = "a"
prm  = "{prm}"
[[stage]]
name    = "b"
prm     = "{prm}"
depends = "a"
sets    = {{ "Thermal protocol/quench/Heat transfer coefficient" = 4000 }}
[[vary]]
stage  = "a"
entry  = "Heat/Initial temperature"
name   = "T0"
values = [340, 360]
[slurm]
partition = "bmgfetest"
time      = "00:05:00"
"""

SIGNAL = """# written by tests/sweep/slurm_test.py: one long run (a small fixed time step)
prm     = "{prm}"
output  = "signal"
sets    = {{ "Time stepping/Initial time step" = 1e-5, "Time stepping/Maximum time step" = 1e-5 }}
[[vary]]
entry  = "Heat/Initial temperature"
name   = "T0"
values = [350]
[slurm]
partition    = "bmgfetest"
time         = "00:05:00"
max_requeues = 1
"""

# One run of ~30 s (66177 temperature unknowns, 5000 steps) that SLURM's time-limit signal
# stops after ~10 s: time = 1 minute (SLURM's least) and signal_seconds = 50. The initial guess
# of the heat solver's CG is the previous solution (history 0), which the checkpoint holds: a
# signal's checkpoint comes at a step where the uninterrupted run has none, and with a
# projection history (the default 12 solutions), which a checkpoint cannot hold
# (doc/checkpoints.md), the restarted steps differ from the uninterrupted ones within the
# solver tolerance (~3e-7 relative at the end of this run).
TIMELIMIT_SETS = [("Geometry/Global refinement", "5"),
                  ("Time stepping/Initial time step", "1e-4"),
                  ("Time stepping/Maximum time step", "1e-4"),
                  ("Heat/Solver/Initial guess history", "0")]
TIMELIMIT = """# written by tests/sweep/slurm_test.py: one run that the time limit interrupts
prm     = "{prm}"
output  = "timelimit"
sets    = {{ {sets} }}
[[vary]]
entry  = "Heat/Initial temperature"
name   = "T0"
values = [350]
[slurm]
partition      = "bmgfetest"
time           = "00:01:00"
signal_seconds = 50
max_requeues   = 1
"""

SLURM_CONF = """# written by tests/sweep/slurm_test.py: one node (this machine) for the test only
ClusterName=bmgfetest
SlurmctldHost=localhost
SlurmctldPort={ctld_port}
SlurmdPort={d_port}
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={tmp}/run/munge.socket,cred_expire=10
SlurmUser=root
SlurmdUser=root
StateSaveLocation={tmp}/state
SlurmdSpoolDir={tmp}/spool
SlurmctldPidFile={tmp}/slurmctld.pid
SlurmdPidFile={tmp}/slurmd.pid
SlurmctldLogFile={tmp}/log/slurmctld.log
SlurmdLogFile={tmp}/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
NodeName=localhost NodeAddr=127.0.0.1 CPUs={cpus} State=UNKNOWN
PartitionName=bmgfetest Nodes=localhost Default=YES MaxTime=INFINITE State=UP
# debug2: the log says when slurmctld checks the time limits (every 30 s), which is when it
# sends the --signal of a job near its limit
SlurmctldDebug=debug2
"""

def skip(why):
    print("SKIP: %s" % why, flush=True)
    sys.exit(SKIP)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_empty_queue(env, timeout):
    """Polls squeue until no job is left or `timeout` s have passed; returns the deadline."""
    end = time.time() + timeout
    while time.time() < end:
        q = run(["squeue", "-h", "-o", "%i"], env)
        if q.returncode == 0 and not q.stdout.strip():
            break
        time.sleep(1)
    return end


def run(cmd, env, timeout=60):
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)


def limit_checks(log):
    """The times (epoch s) at which slurmctld checked the jobs' time limits, from its log."""
    stamps = []
    try:
        with open(log, errors="replace") as f:
            for line in f:
                if "Testing job time limits" in line and line.startswith("["):
                    stamp = line[1:line.index("]")]
                    whole, _, frac = stamp.partition(".")
                    stamps.append(time.mktime(time.strptime(whole, "%Y-%m-%dT%H:%M:%S")) +
                                  float("0." + (frac or "0")))
    except (OSError, ValueError):
        pass
    return stamps


def wait_before_limit_check(log, lead):
    """slurmctld checks the time limits every 30 s (PERIODIC_TIMEOUT) and sends a job's
    --signal at the first check at which the job is within signal_seconds + 30 s of its end
    (so up to 60 s early; with --time=1 and @50, at the first check after the start). Sleeps
    until `lead` s before the next check; returns that check's time, None if unknown."""
    stamps = limit_checks(log)
    if not stamps:
        return None
    diffs = [b - a for a, b in zip(stamps, stamps[1:]) if 29 < b - a < 32]
    period = sum(diffs) / len(diffs) if diffs else 30.0
    nxt = stamps[-1]
    while nxt < time.time() + lead:
        nxt += period
    time.sleep(max(0.0, nxt - lead - time.time()))
    return nxt


def statistics_rows(path):
    with open(path) as f:
        rows = list(csv.DictReader(f))
    return rows


class LocalSlurm:
    """munged, slurmctld and slurmd for this test only."""

    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="bmgfe_slurm_")  # short: the socket path < 108
        self.procs = []
        self.env = dict(os.environ, SLURM_CONF=os.path.join(self.tmp, "slurm.conf"))

    def start(self):
        t = self.tmp
        os.chmod(t, 0o755)
        munge = pwd.getpwnam("munge")
        for d, mode in (("munge", 0o700), ("run", 0o755)):
            os.mkdir(os.path.join(t, d), mode)
            os.chown(os.path.join(t, d), munge.pw_uid, munge.pw_gid)
        for d in ("state", "spool", "log"):
            os.mkdir(os.path.join(t, d))
        key = os.path.join(t, "munge", "munge.key")
        with open(key, "wb") as f:
            f.write(os.urandom(1024))
        os.chmod(key, 0o600)
        os.chown(key, munge.pw_uid, munge.pw_gid)
        self.spawn("munged", ["runuser", "-u", "munge", "--", shutil.which("munged"),
                              "--foreground", "--socket=%s/run/munge.socket" % t,
                              "--key-file=%s" % key, "--pid-file=%s/run/munged.pid" % t,
                              "--log-file=%s/munge/munged.log" % t,
                              "--seed-file=%s/munge/munged.seed" % t])
        self.wait_for(lambda: os.path.exists(os.path.join(t, "run", "munge.socket")), 20,
                      "munged's socket")
        with open(self.env["SLURM_CONF"], "w") as f:
            f.write(SLURM_CONF.format(tmp=t, ctld_port=free_port(), d_port=free_port(),
                                      cpus=min(2, os.cpu_count() or 1)))
        self.spawn("slurmctld", [shutil.which("slurmctld"), "-D", "-i", "-f",
                                 self.env["SLURM_CONF"]])
        self.spawn("slurmd", [shutil.which("slurmd"), "-D", "-f", self.env["SLURM_CONF"],
                              "-N", "localhost"])

        def idle():
            p = run(["sinfo", "-h", "-o", "%t"], self.env, timeout=20)
            return p.returncode == 0 and p.stdout.strip() == "idle"
        self.wait_for(idle, 60, "the node 'localhost' idle in sinfo")

    def spawn(self, name, cmd):
        log = open(os.path.join(self.tmp, "log", name + ".out"), "w")
        p = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=self.env,
                             stdin=subprocess.DEVNULL)
        self.procs.append((name, p, log))

    def wait_for(self, cond, timeout, what):
        end = time.time() + timeout
        while time.time() < end:
            for name, p, _ in self.procs:
                if p.poll() is not None:
                    raise RuntimeError("%s exited (code %d)" % (name, p.returncode))
            if cond():
                return
            time.sleep(0.5)
        raise RuntimeError("timeout after %d s waiting for %s" % (timeout, what))

    def stop(self):
        # slurmd, slurmctld, then munged (runuser passes the signal on; the pid file as well)
        pidfile = os.path.join(self.tmp, "run", "munged.pid")
        for name, p, log in reversed(self.procs):
            if p.poll() is None:
                if name == "munged" and os.path.exists(pidfile):
                    try:  # runuser exits once munged has
                        os.kill(int(read(pidfile)), 15)
                    except (ValueError, ProcessLookupError):
                        p.terminate()
                else:
                    p.terminate()
                try:
                    p.wait(20)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
            log.close()

    def dump_logs(self):
        logdir = os.path.join(self.tmp, "log")
        for name in sorted(os.listdir(logdir)):
            with open(os.path.join(logdir, name), errors="replace") as f:
                lines = f.read().splitlines()[-25:]
            print("---- %s (last lines)" % name)
            print("\n".join(lines))


def timelimit_check(cluster, args, exe):
    """A task killed by a short time limit that is requeued and finishes from its checkpoint:
    SIGUSR1 from --signal=B:USR1@50 with --time=1 ~10 s after the start, bmgfe exit code 75
    with a checkpoint, `scontrol requeue` by the job script, the requeued task continuing
    with --restart; its statistics and end equal those of the run done directly."""
    env = cluster.env
    prm = os.path.join(HERE, "tiny_rod.prm")
    bmgfe = exe[1]
    sets = [a for e, v in TIMELIMIT_SETS + [("Heat/Initial temperature", "350")]
            for a in ("--set", "%s=%s" % (e, v))]
    # 1. the reference: the same run without SLURM, not interrupted
    t = time.time()
    ref = subprocess.run([bmgfe, prm] + sets + ["--set", "Output directory=timelimit_reference"],
                         capture_output=True, text=True, env=env, timeout=300)
    ref_time = time.time() - t
    check(ref.returncode == 0, "time limit: the reference run directly: exit code %d in %.1f s"
          % (ref.returncode, ref_time))
    ref_rows = statistics_rows("timelimit_reference/statistics.csv") if ref.returncode == 0 else []

    # 2. submitted ~11 s before slurmctld's next time-limit check, which sends SIGUSR1
    with open("timelimit.toml", "w") as f:
        f.write(TIMELIMIT.format(prm=prm, sets=", ".join('"%s" = %s' % (e, v)
                                                         for e, v in TIMELIMIT_SETS)))
    log = os.path.join(cluster.tmp, "log", "slurmctld.log")
    t = time.time()
    tick = wait_before_limit_check(log, 11)
    print("time limit: waited %.1f s; the next time-limit check of slurmctld %s" % (
        time.time() - t, "in %.1f s" % (tick - time.time()) if tick else
        "unknown (no debug2 lines): SIGUSR1 comes 0-30 s after the start"), flush=True)
    t0 = time.time()
    p, _ = tool(["slurm", "timelimit.toml"] + exe, env)
    check(p.returncode == 0 and "1 run (array 0)" in p.stdout, "time limit: one run submitted")
    script = read("timelimit/slurm/timelimit.sbatch")
    check("#SBATCH --time=00:01:00\n" in script and "#SBATCH --signal=B:USR1@50\n" in script,
          "time limit: --time=00:01:00 and --signal=B:USR1@50 in the job script")
    run_dir = "timelimit/T0=350"
    marker = os.path.join(run_dir, "bmgfe-sweep.json")

    # 3. the requeue: bmgfe stopped (exit code 75), the script requeued the task. SLURM holds
    # a requeued batch job for cred_expire + 1 s (slurm.conf above: 10 s instead of the
    # default 120; a job started earlier, e.g. with 'scontrol update StartTime=now', is killed
    # with "Job credential revoked"). The test gives it 5 minutes so that the time limit does
    # not stop it a second time.
    end, m = time.time() + 120, {}
    while time.time() < end:
        m = read_json(marker) or {}
        if m.get("state") in ("requeued", "exited"):
            break
        time.sleep(0.2)
    t_requeued = time.time() - t0
    check((m.get("state"), m.get("exit_code")) == ("requeued", 75),
          "time limit: bmgfe exited with 75 and the task was requeued after %.1f s (%s)"
          % (t_requeued, m))
    task = m.get("slurm_job", "")
    end, state = time.time() + 60, ""
    while task and time.time() < end:
        q = run(["squeue", "-h", "-o", "%T", "-j", task.split("_")[0]], env)
        state = q.stdout.strip()
        if state.startswith("PENDING"):
            break
        time.sleep(0.2)
    q = run(["scontrol", "update", "JobId=%s" % task, "TimeLimit=00:05:00"], env)
    check(q.returncode == 0, "time limit: requeued task %s (%s) given 5 minutes "
          "(scontrol update TimeLimit=00:05:00) %s" % (task, state, q.stderr.strip()))
    end = wait_for_empty_queue(env, args.timeout)
    check(time.time() < end, "time limit: the task finished (%.1f s after the submission)"
          % (time.time() - t0))

    # 4. what the task's output says
    outs = sorted(os.path.join("timelimit/slurm", n) for n in os.listdir("timelimit/slurm")
                  if n.endswith(".out"))
    out = read(outs[0]) if outs else ""
    lines = [l for l in out.splitlines() if l.startswith("bmgfe-sweep:") or
             l.startswith("bmgfe: interrupted") or l.startswith("Restarted at")]
    print("time limit: the task's output (%s):" % (outs[0] if outs else "none"))
    print("".join("  | " + l + "\n" for l in lines), end="", flush=True)
    starts = [l for l in lines if ", restart " in l and " on " in l]
    check(len(starts) == 2 and starts[0].endswith("restart 0") and starts[1].endswith(
        "restart 1"), "time limit: two starts, the second with SLURM_RESTART_COUNT 1")
    check(sum("interrupted (exit code 75)" in l for l in lines) == 1 and
          any("SIGUSR1: passing SIGUSR1 on to bmgfe" in l for l in lines),
          "time limit: SIGUSR1 passed on once, bmgfe exited with 75 once")
    ctld = read(log)
    check("warning signal 10 to JobId=" in ctld,
          "time limit: slurmctld sent the warning signal 10 (SIGUSR1) of --signal")
    first = out.split("restart 1")[0]
    second = out.split("restart 1")[-1] if "restart 1" in out else ""
    check("starting from the beginning with --overwrite" in first,
          "time limit: the first start from the beginning (--overwrite)")
    ck = [l for l in second.splitlines() if "continuing from checkpoint" in l]
    check(len(ck) == 1 and ck[0].rstrip().endswith("with --restart"),
          "time limit: the second start continued from a checkpoint with --restart")
    step = None
    if ck:
        try:
            step = int(ck[0].split("(step ")[1].split(")")[0])
        except (IndexError, ValueError):
            pass
    # 5. the run's results
    s = read_json(os.path.join(run_dir, "summary.json")) or {}
    check(s.get("status") == "completed" and s.get("restarted") is True,
          "time limit: summary.json completed, restarted: %s, %s" % (s.get("status"),
                                                                     s.get("restarted")))
    m = read_json(marker) or {}
    check((m.get("state"), m.get("exit_code"), m.get("restart_step")) == ("exited", 0, step),
          "time limit: bmgfe-sweep.json exited 0, restart_step %s" % m.get("restart_step"))
    rows = statistics_rows(os.path.join(run_dir, "statistics.csv")) \
        if os.path.exists(os.path.join(run_dir, "statistics.csv")) else []
    steps = [int(r["time_step"]) for r in rows]
    check(bool(steps) and steps == list(range(steps[-1] + 1)) and
          steps[-1] == s.get("time_steps") and step is not None and 0 < step < steps[-1],
          "time limit: statistics.csv time_step 0..%s, each once (restart at step %s)"
          % (steps[-1] if steps else None, step))
    if rows and ref_rows:
        a, b = ref_rows[-1], rows[-1]
        check(list(a) == list(b), "time limit: statistics.csv columns as the reference's")
        worst = (0.0, "")
        for k in a:
            if k == "wall_time_s":
                continue
            x, y = float(a[k]), float(b[k])
            d = abs(x - y) / max(abs(x), abs(y), 1e-300)
            worst = max(worst, (d, k))
        for k in ("time_step", "time_s", "temperature_max_K", "temperature_min_K",
                  "temperature_at_centre_K"):
            print("time limit: final %-24s reference %-20s restarted %s" % (k, a[k], b[k]))
        check(worst[0] <= 1e-8, "time limit: the final row equals the reference's to 1e-8 "
              "(largest relative difference %.3g%s; wall_time_s aside)" % (
                  worst[0], " in " + worst[1] if worst[0] > 0 else ""))
    p, _ = tool(["status", "timelimit.toml"], env)
    check(p.stdout.rstrip().endswith("1 completed"), "time limit: status 1 completed")
    print("time limit: reference %.1f s; submission to requeue %.1f s; submission to the "
          "end %.1f s" % (ref_time, t_requeued, time.time() - t0), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bmgfe", required=True)
    ap.add_argument("--work", default=os.getcwd())
    ap.add_argument("--timeout", type=float, default=240)
    args = ap.parse_args()
    missing = [p for p in ("munged", "slurmctld", "slurmd", "sbatch", "squeue", "sinfo",
                           "runuser") if not shutil.which(p)]
    if missing:
        skip("%s not installed (Debian: apt-get install slurmctld slurmd slurm-client munge; "
             "scripts/setup.sh does it when the tests are built)" % ", ".join(missing))
    if os.geteuid() != 0:
        skip("starting munged as the munge user and slurmd needs root")
    try:
        pwd.getpwnam("munge")
    except KeyError:
        skip("no user 'munge' (the munge package creates it)")

    work = os.path.join(os.path.abspath(args.work), "sweep_slurm")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    os.chdir(work)
    with open("slurm.toml", "w") as f:
        f.write(SWEEP.format(prm=os.path.join(HERE, "tiny_rod.prm")))
    cluster = LocalSlurm()
    t0 = time.time()
    try:
        cluster.start()
        print("SLURM up in %.1f s (%s)" % (time.time() - t0, cluster.tmp), flush=True)
        env = cluster.env
        exe = ["--bmgfe", os.path.abspath(args.bmgfe)]
        t1 = time.time()
        p, _ = tool(["slurm", "slurm.toml"] + exe, env)
        check(p.returncode == 0 and ", 4 runs (array 0-3)" in p.stdout,
              "slurm: one array of 4 runs submitted")
        script = read("runs/slurm/slurm.sbatch")
        check("#SBATCH --array=0-3\n" in script and "#SBATCH --partition=bmgfetest\n" in script
              and "#SBATCH --time=00:05:00\n" in script, "job script: array and resources")
        p, _ = tool(["status", "slurm.toml"], env)
        check(p.returncode == 0 and any(s in p.stdout for s in ("queued", "running",
                                                                  "completed")),
              "status right after submission")
        # wait for the array to leave the queue
        end = wait_for_empty_queue(env, args.timeout)
        check(time.time() < end, "the array finished within %.0f s (%.1f s)" % (
            args.timeout, time.time() - t1))
        p, _ = tool(["status", "slurm.toml"], env)
        check(p.stdout.rstrip().endswith("4 completed"), "status: 4 completed")
        p, _ = tool(["collect", "slurm.toml"], env)
        check(p.returncode == 0, "collect: exit code 0")
        with open("runs/results.csv") as f:
            rows = list(csv.reader(f))
        header = ["run", "T0", "h", "status", "temperature_max_K", "time_steps",
                  "final_time_s", "mpi_ranks"]
        check(rows[0] == header, "results.csv columns %s" % rows[0])
        check([r[:4] for r in rows[1:]] == [
            ["T0=340_h=1000", "340", "1000", "completed"],
            ["T0=340_h=4000", "340", "4000", "completed"],
            ["T0=360_h=1000", "360", "1000", "completed"],
            ["T0=360_h=4000", "360", "4000", "completed"]], "results.csv: the 4 runs")
        tmax = {}
        for row in rows[1:]:
            d = dict(zip(header, row))
            with open(os.path.join("runs", d["run"], "summary.json")) as f:
                s = json.load(f)
            check(all(float(d[k]) == float(s[k]) for k in header[4:]),
                  "row %s: the values of its summary.json" % d["run"])
            m = json.loads(read(os.path.join("runs", d["run"], "bmgfe-sweep.json")))
            check(m.get("slurm_job", "").endswith("_%d" % (len(tmax))) and
                  m.get("exit_code") == 0, "row %s: ran as array task %s" % (
                      d["run"], m.get("slurm_job")))
            tmax[(int(d["T0"]), int(d["h"]))] = float(d["temperature_max_K"])
        if len(tmax) == 4:
            check(tmax[(340, 1000)] < tmax[(360, 1000)] and tmax[(340, 4000)] < tmax[(360, 4000)]
                  and tmax[(340, 1000)] > tmax[(340, 4000)], "temperature_max_K: T0 and h applied")
        with open("runs/results.md") as f:
            md = f.read().splitlines()
        check(len(md) == 6 and md[0] == "| " + " | ".join(header) + " |", "results.md")
        # resubmitting submits nothing
        p, _ = tool(["slurm", "slurm.toml"] + exe, env)
        check(p.returncode == 0 and "all 4 runs completed, not submitted" in p.stdout,
              "slurm again: nothing submitted")

        # a chain as dependent arrays: stage b's task i starts after stage a's task i ended
        with open("chain.toml", "w") as f:
            f.write(CHAIN.format(prm=os.path.join(HERE, "tiny_rod.prm")))
        t2 = time.time()
        p, _ = tool(["slurm", "chain.toml"] + exe, env)
        check(p.returncode == 0 and "--dependency=aftercorr:" in p.stdout,
              "chain: stage b submitted with --dependency=aftercorr")
        end = wait_for_empty_queue(env, args.timeout)
        check(time.time() < end, "the chain finished (%.1f s)" % (time.time() - t2))
        p, _ = tool(["status", "chain.toml"], env)
        check(p.stdout.rstrip().endswith("4 completed"), "chain: 4 completed")
        for temp in (340, 360):
            a = json.loads(read("chain/a/T0=%d/bmgfe-sweep.json" % temp))
            b = json.loads(read("chain/b/T0=%d/bmgfe-sweep.json" % temp))
            check(b["start"] >= a["end"], "chain: b/T0=%d started after a/T0=%d ended"
                  % (temp, temp))

        # SIGUSR1 to the batch shell (what --signal=B:USR1@N sends before the time limit):
        # the job script passes it on, bmgfe stops after a step with exit code 75 and
        # summary.json "interrupted", and the task is requeued (max_requeues = 1); once the
        # requeued task is cancelled, the run is "interrupted".
        with open("signal.toml", "w") as f:
            f.write(SIGNAL.format(prm=os.path.join(HERE, "tiny_rod.prm")))
        p, _ = tool(["slurm", "signal.toml"] + exe, env)
        check(p.returncode == 0, "signal: one run submitted")
        run_dir = "signal/T0=350"
        end = time.time() + args.timeout
        while time.time() < end:
            s = read_json(os.path.join(run_dir, "summary.json"))
            m = read_json(os.path.join(run_dir, "bmgfe-sweep.json"))
            if s and s.get("status") == "running" and m and m.get("state") == "running":
                break
            time.sleep(0.2)
        time.sleep(1)
        task = (read_json(os.path.join(run_dir, "bmgfe-sweep.json")) or {}).get("slurm_job")
        check(bool(task), "signal: the task runs (%s)" % task)
        q = run(["scancel", "--batch", "--signal=USR1", str(task)], env)
        check(q.returncode == 0, "signal: scancel --batch --signal=USR1 %s %s" % (task, q.stderr))
        end = time.time() + 60
        while time.time() < end:
            m = read_json(os.path.join(run_dir, "bmgfe-sweep.json")) or {}
            if m.get("state") != "running":
                break
            time.sleep(0.5)
        s = read_json(os.path.join(run_dir, "summary.json")) or {}
        check((m.get("state"), m.get("exit_code")) == ("requeued", 75),
              "signal: bmgfe exited with 75 and the task was requeued (%s)" % m)
        check(s.get("status") == "interrupted" and s.get("signal") == "SIGUSR1",
              "signal: summary.json interrupted by SIGUSR1: %s" % s.get("message"))
        # requeued: pending again, or already restarted (its output says "restart 1")
        end, state = time.time() + 60, ""
        while time.time() < end:
            q = run(["squeue", "-h", "-o", "%T", "-j", str(task).split("_")[0]], env)
            state = q.stdout.strip()
            outs = [os.path.join("signal/slurm", n) for n in os.listdir("signal/slurm")
                    if n.endswith(".out")]
            if state.startswith(("PENDING", "REQUEUE")) or any(
                    "restart 1" in read(o) for o in outs):
                break
            time.sleep(0.5)
        check(state.startswith(("PENDING", "REQUEUE")) or any("restart 1" in read(o) for o in outs),
              "signal: the task is in the queue again (%s)" % state)
        run(["scancel", str(task).split("_")[0]], env)
        wait_for_empty_queue(env, 60)
        p, _ = tool(["status", "signal.toml"], env)
        check(p.stdout.rstrip().endswith("1 interrupted"), "signal: status 1 interrupted")

        timelimit_check(cluster, args, exe)
    except (RuntimeError, OSError, subprocess.SubprocessError) as e:
        check(False, "SLURM: %s" % e)
    finally:
        if failures:
            cluster.dump_logs()
            for name in sorted(os.listdir("runs/slurm")) if os.path.isdir("runs/slurm") else []:
                if name.endswith(".out"):
                    print("---- %s\n%s" % (name, read(os.path.join("runs/slurm", name))))
        cluster.stop()
        shutil.rmtree(cluster.tmp, ignore_errors=True)
    print("slurm test: %.1f s in all" % (time.time() - t0))
    return finish()


if __name__ == "__main__":
    sys.exit(main())
