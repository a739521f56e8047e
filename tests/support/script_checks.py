"""Shared by the Python script tests (tests/sweep, tests/io): checks that are counted, not
raised (every check is printed, then the exit code says whether any failed), and a JSON
reader that tolerates a missing or half-written file (summary.json while a run writes it)."""
import json

failures = []


def check(cond, what):
    print(("ok:   " if cond else "FAIL: ") + what, flush=True)
    if not cond:
        failures.append(what)
    return cond


def read_json(path):
    """The parsed file, or None when it is missing or not (yet) valid JSON."""
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None
