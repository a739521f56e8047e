"""Shared by local_test.py and slurm_test.py: the checks that are counted, not raised (every
check of a run is printed, then the exit code says whether any failed), and the tool under test
run with its output echoed into the test log."""
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOOL = os.path.join(os.path.dirname(os.path.dirname(HERE)), "scripts", "bmgfe-sweep")

sys.path.insert(0, os.path.join(os.path.dirname(HERE), "support"))
from script_checks import check, failures, read_json  # noqa: E402,F401  (re-exported)


def tool(args, env=None, timeout=300):
    """Runs scripts/bmgfe-sweep ARGS; returns the completed process and its wall time."""
    t = time.time()
    p = subprocess.run([sys.executable, TOOL] + list(args), capture_output=True, text=True,
                       env=env, timeout=timeout)
    dt = time.time() - t
    print("$ bmgfe-sweep %s   (exit %d, %.1f s)" % (" ".join(args), p.returncode, dt))
    print("".join("  | " + l + "\n" for l in (p.stdout + p.stderr).splitlines()), end="",
          flush=True)
    return p, dt


def read(path):
    with open(path, errors="replace") as f:
        return f.read()


def finish():
    """The exit code of the test: 1 if any check failed."""
    if failures:
        print("%d check(s) failed" % len(failures))
        return 1
    print("all checks passed")
    return 0
