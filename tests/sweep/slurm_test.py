#!/usr/bin/python3
"""`bmgfe-sweep slurm` on a SLURM of its own: starts munged (as the munge user), slurmctld and
slurmd on localhost with a generated configuration in a temporary folder (own ports, own munge
socket and key; the machine's SLURM and munge, if any, are not touched), submits a 4-run sweep
of tests/sweep/tiny_rod.prm as one job array, waits for it, collects the table and checks
it; then a two-stage chain (two arrays, the second --dependency=aftercorr on the first); then
a long run that SIGUSR1 to the batch shell stops (bmgfe exit code 75, summary.json
"interrupted") and the job script requeues; then shuts the daemons down. Installs nothing: without the daemons (Debian: slurmctld,
slurmd, slurm-client, munge; scripts/setup.sh installs them when the tests are built) or
without root it prints why and exits 77 (ctest SKIP_RETURN_CODE).

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

SLURM_CONF = """# written by tests/sweep/slurm_test.py: one node (this machine) for the test only
ClusterName=bmgfetest
SlurmctldHost=localhost
SlurmctldPort={ctld_port}
SlurmdPort={d_port}
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={tmp}/run/munge.socket
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
