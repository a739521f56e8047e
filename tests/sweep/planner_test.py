#!/usr/bin/python3
"""Unit tests of scripts/bmgfe-sweep without bmgfe: the planner (lists, ranges, grids, zipped
lists, Latin hypercube, chains), the errors of bad sweep files, the run states, `collect` on
made-up summary.json files, the SLURM job script (--dry-run), and `local` with a stand-in
for mpirun + bmgfe (ordering of chains, concurrency, resuming, failures, continuing from a
checkpoint).

    python3 tests/sweep/planner_test.py [-v]
"""
import csv
import importlib.machinery
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
TOOL = os.path.join(REPO, "scripts", "bmgfe-sweep")
PYTHON = sys.executable

_loader = importlib.machinery.SourceFileLoader("bmgfe_sweep", TOOL)
_spec = importlib.util.spec_from_loader("bmgfe_sweep", _loader)
bs = importlib.util.module_from_spec(_spec)
_loader.exec_module(bs)

# Stand-ins for mpirun (drops its options up to -np N) and bmgfe (writes summary.json into the
# Output directory; 'Fail/Now=true' fails; a chained run needs its initial state completed;
# a run must be given --overwrite or --restart RUN_DIR, as `local` gives every run; the file
# 'modes' in the run directory lists them, one line per start).
FAKE_MPIRUN = """#!/usr/bin/python3
import os, sys
args = sys.argv[1:]
i = args.index("-np")
os.execv(args[i + 2], args[i + 2:])
"""
FAKE_BMGFE = """#!/usr/bin/python3
import json, os, sys, time
sets = {}
a = sys.argv[2:]
validate = a[-1:] == ["--validate"]
a = a[:-1] if validate else a
mode = []
if not validate:
    mode = a[-2:] if a[-2:-1] == ["--restart"] else a[-1:]
    assert mode == ["--overwrite"] or mode[:1] == ["--restart"], a
    a = a[:-len(mode)]
for k in range(0, len(a), 2):
    assert a[k] == "--set", a
    e, v = a[k + 1].split("=", 1)
    sets[e] = v
if validate:
    if sets.get("Fail/Now") == "true":
        print("bmgfe: error: command-line override 'Fail/Now=true': told to fail")
        sys.exit(1)
    print("bmgfe: %s is valid" % sys.argv[1])
    sys.exit(0)
out = sets["Output directory"]
assert mode[1:] in ([], [out]), (mode, out)
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "started"), "a") as f:
    f.write("%f\\n" % time.time())
with open(os.path.join(out, "modes"), "a") as f:
    f.write(" ".join(mode) + "\\n")
state = sets.get("Material/Initial state")
if state is not None:
    with open(os.path.join(state, "summary.json")) as f:
        if json.load(f)["status"] != "completed":
            sys.exit(3)
time.sleep(float(sets.get("Sleep/Seconds", "0.3")))
if sets.get("Fail/Now") == "true":
    print("bmgfe: error: told to fail")
    sys.exit(1)
summary = {"status": "completed", "message": "", "prm": sys.argv[1],
           "x_value": float(sets.get("A/x", "0")), "y_text": sets.get("B/y", ""),
           "t_mean_K": 300.0, "t_max_K": 310.5, "flag": True}
with open(os.path.join(out, "summary.json"), "w") as f:
    json.dump(summary, f)
with open(os.path.join(out, "ended"), "a") as f:
    f.write("%f\\n" % time.time())
"""


def write_checkpoint(run_dir, step, whole=True, name=None, end=True):
    """A made-up checkpoint folder as bmgfe leaves it: a file and manifest.txt (its size
    right when `whole`; no 'end' line unless `end`)."""
    folder = os.path.join(run_dir, "checkpoints", name or "checkpoint-%06d" % step)
    os.makedirs(folder)
    with open(os.path.join(folder, "state.bin"), "wb") as f:
        f.write(b"x" * 10)
    with open(os.path.join(folder, "manifest.txt"), "w") as f:
        f.write("bmgfe checkpoint 1\nstate.bin %d 0123456789abcdef\n%s" % (
            10 if whole else 11, "end\n" if end else ""))
    return folder


def read_float(*path):
    with open(os.path.join(*path)) as f:
        return float(f.read())


class SweepTestCase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="bmgfe_sweep_test_")
        for name in ("base.prm", "stage2.prm", "stage3.prm"):
            with open(os.path.join(self.tmp, name), "w") as f:
                f.write("set Dimension = 2\n")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def write(self, text, name="s.toml"):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(textwrap.dedent(text))
        return path

    def load(self, text):
        return bs.load(self.write(text))

    def error(self, text):
        with self.assertRaises(bs.SweepError) as cm:
            self.load(text)
        msg = str(cm.exception)
        self.assertTrue(msg.startswith(os.path.join(self.tmp, "s.toml") + ": "), msg)
        self.assertNotIn("\n", msg)
        return msg

    def texts(self, sw, entry):
        st = sw.stages[-1]
        return [dict(r.sets)[entry] for r in st.runs]

    def tool(self, *args, check=True):
        p = subprocess.run([PYTHON, TOOL] + list(args), capture_output=True, text=True,
                           cwd=self.tmp, timeout=120)
        if check and p.returncode != 0:
            self.fail("bmgfe-sweep %s: exit %d\n%s%s" % (" ".join(args), p.returncode,
                                                         p.stdout, p.stderr))
        return p


HEAD = """
prm = "base.prm"
output = "out"
"""


class Planner(SweepTestCase):
    def test_list(self):
        sw = self.load(HEAD + """
            [[vary]]
            entry = "Thermal protocol/furnace/Duration"
            name = "hold"
            values = [0.5, 1, 120]
            unit = "min"
            [[vary]]
            entry = "Mechanics/Enabled"
            values = [true, false]
            """)
        runs = sw.stages[0].runs
        self.assertEqual(len(runs), 6)
        self.assertEqual([os.path.basename(r.dir) for r in runs[:3]],
                         ["hold=0.5min_enabled=true", "hold=0.5min_enabled=false",
                          "hold=1min_enabled=true"])
        self.assertEqual(runs[0].sets, [
            ("Thermal protocol/furnace/Duration", "0.5 min"), ("Mechanics/Enabled", "true"),
            ("Output directory", "out/hold=0.5min_enabled=true")])
        self.assertEqual(bs.command(sw, runs[0], "bmgfe", []),
                         ["bmgfe", "base.prm", "--set", "Thermal protocol/furnace/Duration=0.5 min",
                          "--set", "Mechanics/Enabled=true", "--set",
                          "Output directory=out/hold=0.5min_enabled=true"])

    def test_range_step(self):
        sw = self.load(HEAD + """
            [[vary]]
            entry = "A/x"
            start = 0.1
            stop = 0.5
            step = 0.1
            """)
        self.assertEqual(self.texts(sw, "A/x"), ["0.1", "0.2", "0.3", "0.4", "0.5"])
        sw = self.load(HEAD + """
            [[vary]]
            entry = "Heat/Initial temperature"
            start = 400
            stop = 300
            step = -50
            """)
        self.assertEqual(self.texts(sw, "Heat/Initial temperature"), ["400", "350", "300"])
        self.assertEqual(sw.dims[0].name, "initial_temperature")

    def test_range_count_and_log(self):
        sw = self.load(HEAD + """
            [[vary]]
            entry = "A/x"
            start = 0
            stop = 1
            count = 5
            """)
        self.assertEqual(self.texts(sw, "A/x"), ["0", "0.25", "0.5", "0.75", "1"])
        sw = self.load(HEAD + """
            [[vary]]
            entry = "A/x"
            start = 1
            stop = 1e4
            count = 5
            log = true
            """)
        self.assertEqual(self.texts(sw, "A/x"), ["1", "10", "100", "1000", "10000"])

    def test_grid_is_a_product_first_block_outermost(self):
        separate = self.load(HEAD + """
            [[vary]]
            entry = "A/x"
            values = [1, 2]
            [[vary]]
            entry = "B/y"
            values = ["a", "b", "c"]
            """)
        grid = self.load(HEAD + """
            [[vary]]
            mode = "grid"
            entries = [{ entry = "A/x", values = [1, 2] }, { entry = "B/y", values = ["a", "b", "c"] }]
            """)
        for sw in (separate, grid):
            self.assertEqual([(dict(r.sets)["A/x"], dict(r.sets)["B/y"])
                              for r in sw.stages[0].runs],
                             [("1", "a"), ("1", "b"), ("1", "c"), ("2", "a"), ("2", "b"),
                              ("2", "c")])

    def test_zip(self):
        sw = self.load(HEAD + """
            [[vary]]
            mode = "zip"
            entries = [{ entry = "A/x", name = "x", values = [1, 2, 3] },
                       { entry = "B/y", name = "y", start = 10, stop = 30, step = 10 }]
            [[vary]]
            entry = "C/z"
            values = ["p q", "r/s"]
            """)
        runs = sw.stages[0].runs
        self.assertEqual(len(runs), 6)
        self.assertEqual([(dict(r.sets)["A/x"], dict(r.sets)["B/y"]) for r in runs[::2]],
                         [("1", "10"), ("2", "20"), ("3", "30")])
        # values with blanks and slashes: filesystem-safe directory names
        self.assertEqual(os.path.basename(runs[1].dir), "x=1_y=10_z=r_s")
        self.assertEqual(os.path.basename(runs[0].dir), "x=1_y=10_z=p_q")

    def test_zip_lengths_must_match(self):
        msg = self.error(HEAD + """
            [[vary]]
            mode = "zip"
            entries = [{ entry = "A/x", values = [1, 2, 3] }, { entry = "B/y", values = [1, 2] }]
            """)
        self.assertIn("vary[1]: zipped entries of different lengths: x: 3, y: 2", msg)

    LHS = HEAD + """
        [[vary]]
        mode = "latin_hypercube"
        count = 10
        seed = SEED
        entries = [{ entry = "A/x", min = 0.0, max = 1.0 },
                   { entry = "B/y", min = 1e-3, max = 1e1, log = true, digits = 6 }]
        [[vary]]
        entry = "C/z"
        values = [1, 2]
        """

    def test_latin_hypercube(self):
        import math
        a = self.load(self.LHS.replace("SEED", "7"))
        b = self.load(self.LHS.replace("SEED", "7"))
        c = self.load(self.LHS.replace("SEED", "8"))
        self.assertEqual(len(a.stages[0].runs), 20)
        self.assertEqual(a.dims[0].texts, b.dims[0].texts)   # reproducible
        self.assertEqual(a.dims[1].texts, b.dims[1].texts)
        self.assertNotEqual(a.dims[0].texts, c.dims[0].texts)  # another seed, other points
        x = a.dims[0].values
        y = a.dims[1].values
        # one point in each of the 10 strata of each entry (log strata for y)
        self.assertEqual(sorted(int(v * 10) for v in x), list(range(10)))
        self.assertEqual(sorted(int((math.log10(v) + 3) / 4 * 10) for v in y), list(range(10)))
        self.assertTrue(all(1e-3 <= v <= 1e1 for v in y))
        # default 4 significant digits in the --set value and the directory name
        self.assertTrue(all(len(t.replace("0.", "").lstrip("0")) <= 4 for t in a.dims[0].texts))
        r = a.stages[0].runs[0]
        self.assertEqual(os.path.basename(r.dir), "x=%s_y=%s_z=1" % (a.dims[0].texts[0],
                                                                     a.dims[1].texts[0]))
        self.assertEqual(dict(r.sets)["A/x"], a.dims[0].texts[0])
        # the same point for both entries (zipped), the list block inside
        self.assertEqual([(r.key["x"], r.key["z"]) for r in a.stages[0].runs[:4]],
                         [(0, 0), (0, 1), (1, 0), (1, 1)])

    def test_latin_hypercube_python_values(self):
        # the sampler itself, pinned: the seed must give these points on every machine
        cols = bs.latin_hypercube(4, 1, [dict(min=0.0, max=1.0, log=False)])
        self.assertEqual(["%.6f" % v for v in cols[0]],
                         ["%.6f" % v for v in bs.latin_hypercube(
                             4, 1, [dict(min=0.0, max=1.0, log=False)])[0]])
        self.assertEqual(sorted(int(v * 4) for v in cols[0]), [0, 1, 2, 3])

    def test_fixed_sets_and_run_name(self):
        sw = self.load("""
            prm = "base.prm"
            output = "out"
            sets = { "Verbosity" = "quiet", "Output/Write visualization" = false, "Heat/Initial temperature" = 350.0 }
            run_name = "h{h}"
            [[vary]]
            entry = "Heat/HTC"
            name = "h"
            values = [1000, 2000]
            """)
        r = sw.stages[0].runs[1]
        self.assertEqual(r.sets, [("Verbosity", "quiet"), ("Output/Write visualization", "false"),
                                  ("Heat/Initial temperature", "350.0"), ("Heat/HTC", "2000"),
                                  ("Output directory", "out/h2000")])

    def test_chain(self):
        sw = self.load("""
            output = "out"
            sets = { "Verbosity" = "quiet" }
            [[stage]]
            name = "cast"
            prm = "base.prm"
            [[stage]]
            name = "hold"
            prm = "stage2.prm"
            depends = "cast"
            sets = { "Material/Initial state" = "{cast.output}" }
            [[stage]]
            name = "press"
            prm = "stage3.prm"
            depends = "hold"
            ranks = 2
            sets = { "Material/Initial state" = "{hold.output}", "Other/Cast" = "{cast.output}/x" }
            [[vary]]
            stage = "hold"
            entry = "Furnace/Duration"
            name = "t"
            values = [1, 2]
            [[vary]]
            entry = "Press/Rate"
            name = "rate"
            values = [1e-4, 1e-3]
            """)
        cast, hold, press = sw.stages
        self.assertEqual([len(s.runs) for s in sw.stages], [1, 2, 4])
        self.assertEqual(cast.runs[0].dir, os.path.join(self.tmp, "out", "cast"))
        self.assertEqual([os.path.relpath(r.dir, sw.output) for r in hold.runs],
                         ["hold/t=1", "hold/t=2"])
        self.assertEqual([os.path.relpath(r.dir, sw.output) for r in press.runs],
                         ["press/t=1_rate=0.0001", "press/t=1_rate=0.001",
                          "press/t=2_rate=0.0001", "press/t=2_rate=0.001"])
        self.assertIs(hold.runs[1].dep, cast.runs[0])
        self.assertIs(press.runs[2].dep, hold.runs[1])
        self.assertEqual(press.ranks, 2)
        self.assertEqual(dict(hold.runs[0].sets)["Material/Initial state"], "out/cast")
        s = dict(press.runs[3].sets)
        self.assertEqual(s["Material/Initial state"], "out/hold/t=2")
        self.assertEqual(s["Other/Cast"], "out/cast/x")
        self.assertEqual(s["Verbosity"], "quiet")
        self.assertNotIn("Furnace/Duration", s)  # only the stage that varies it sets it
        self.assertEqual(s["Press/Rate"], "0.001")

    def test_directory_and_absolute_output(self):
        os.makedirs(os.path.join(self.tmp, "sweeps"))
        out = os.path.join(self.tmp, "elsewhere")
        path = self.write("""
            directory = ".."
            prm = "base.prm"
            output = "%s"
            [[vary]]
            entry = "A/x"
            values = [1]
            """ % out, name="sweeps/s.toml")
        sw = bs.load(path)
        self.assertEqual(sw.directory, self.tmp)
        self.assertEqual(sw.stages[0].prm, os.path.join(self.tmp, "base.prm"))
        self.assertEqual(dict(sw.stages[0].runs[0].sets)["Output directory"], "elsewhere/x=1")


class Errors(SweepTestCase):
    def test_messages(self):
        cases = [
            ('prm = "base.prm"\noutput = "o"\noutptus = []\n[[vary]]\nentry = "A"\nvalues = [1]\n',
             "unknown key 'outptus'; did you mean 'outputs'?"),
            (HEAD + '[[vary]]\nentry = "A"\nvaluse = [1]\n',
             "vary[1] (A): unknown key 'valuse'; did you mean 'values'?"),
            (HEAD + '[[vary]]\nentry = "A"\nvalues = []\n', "vary[1] (A): 'values' is empty"),
            (HEAD, "no [[vary]] block: nothing to sweep"),
            (HEAD + '[[vary]]\nentry = "A"\n', "no values: give 'values'"),
            (HEAD + '[[vary]]\nentry = "Output directory"\nvalues = ["a"]\n',
             "'Output directory' is set by bmgfe-sweep"),
            ('prm = "base.prm"\noutput = "o"\nsets = { "Output directory" = "x" }\n'
             '[[vary]]\nentry = "A"\nvalues = [1]\n', "'Output directory' is set by bmgfe-sweep"),
            ('prm = "base.prm"\noutput = "o"\nsets = { "A" = 2 }\n[[vary]]\nentry = "A"\n'
             'values = [1]\n', "entry 'A' is both varied and fixed in 'sets'"),
            (HEAD + '[[vary]]\nentry = "S/A"\nvalues = [1]\n[[vary]]\nentry = "T/A"\nvalues = [2]\n',
             "vary[2]: name 'a' is used twice (set 'name')"),
            (HEAD + '[[vary]]\nentry = "A"\nvalues = [1, 1.0, 1]\n', "value '1' is listed twice"),
            (HEAD + '[[vary]]\nentry = "A"\nstart = 0\nstop = 1\nstep = -0.5\n',
             "'step' -0.5 does not lead from 0 to 1"),
            (HEAD + '[[vary]]\nentry = "A"\nstart = 0\nstop = 1\n',
             "a range needs one of 'step' and 'count'"),
            (HEAD + '[[vary]]\nentry = "A"\nvalues = [[1, 2]]\n',
             "values must be numbers, strings or booleans"),
            (HEAD + '[[vary]]\nmode = "latin_hypercube"\ncount = 4\n'
             'entries = [{ entry = "A", min = 0, max = 1 }]\n', "vary[1]: missing key 'seed'"),
            (HEAD + '[[vary]]\nmode = "latin_hypercube"\ncount = 4\nseed = 1\n'
             'entries = [{ entry = "A", min = 1, max = 1 }]\n', "'min' (1) must be below 'max' (1)"),
            (HEAD + '[[vary]]\nmode = "zipp"\nentries = []\n', "did you mean 'zip'?"),
            (HEAD + '[[vary]]\nmode = "zip"\nentries = []\n', "'entries' is empty"),
            (HEAD + 'run_name = "r{q}"\n[[vary]]\nentry = "A"\nvalues = [1]\n',
             "run_name 'r{q}': {q} is not a varied name of the sweep (a)"),
            (HEAD + 'run_name = "r{a}"\n[[vary]]\nentry = "A"\nvalues = [1]\n[[vary]]\n'
             'entry = "B"\nvalues = [1, 2]\n', "two runs would share the directory 'o"),
            ('prm = "nope.prm"\noutput = "o"\n[[vary]]\nentry = "A"\nvalues = [1]\n',
             "prm 'nope.prm' does not exist"),
            ('prm = "base.prm"\n[[vary]]\nentry = "A"\nvalues = [1]\n', "missing key 'output'"),
            ('prm = "base.prm"\noutput = "o"\nranks = "2"\n[[vary]]\nentry = "A"\nvalues = [1]\n',
             "'ranks' must be an integer, not '2'"),
            ('output = "o"\n[[stage]]\nname = "a"\nprm = "base.prm"\n[[stage]]\nname = "b"\n'
             'prm = "base.prm"\ndepends = "c"\n[[vary]]\nentry = "A"\nvalues = [1]\n',
             "stage 'b': depends on 'c', which is not an earlier stage (earlier: a)"),
            ('output = "o"\n[[stage]]\nname = "a"\nprm = "base.prm"\n[[stage]]\nname = "b"\n'
             'prm = "base.prm"\nsets = { "S" = "{a.output}" }\n[[vary]]\nentry = "A"\nvalues = [1]\n',
             "{a.output}: 'a' is not a stage this one depends on"),
            ('output = "o"\n[[stage]]\nname = "a"\nprm = "base.prm"\n[[vary]]\nstage = "b"\n'
             'entry = "A"\nvalues = [1]\n', "stage 'b' is not a [[stage]] of this file (known: a)"),
            (HEAD + '[[vary]]\nstage = "b"\nentry = "A"\nvalues = [1]\n',
             "is not a [[stage]] of this file (it has none)"),
            (HEAD + '[slurm]\ntime = 10\n[[vary]]\nentry = "A"\nvalues = [1]\n',
             "slurm: 'time' must be a string, not 10"),
            (HEAD + '[slurm]\npartiton = "x"\n[[vary]]\nentry = "A"\nvalues = [1]\n',
             "slurm: unknown key 'partiton'; did you mean 'partition'?"),
            (HEAD + '[plot]\nx = "b"\n[[vary]]\nentry = "A"\nvalues = [1]\n',
             "plot: x 'b' is not a varied name (a)"),
            (HEAD + '[[vary]]\nentry = "A"\nvalues = [1]\n[[vary]]\nentry = "A"\nname = "b"\n'
             'values = [2]\n', "entry 'A' is varied twice"),
            ('prm = "base.prm"\noutput = "o"\n[[vary]]\nentry = "A"\nvalues = [1,\n',
             "not valid TOML"),
        ]
        for text, expected in cases:
            with self.subTest(expected=expected):
                self.assertIn(expected, self.error(text))

    def test_command_line_error_is_one_line(self):
        path = self.write(HEAD + '[[vary]]\nentry = "A"\nvalues = []\n')
        for cmd in ("plan", "status", "collect", "local", "slurm"):
            p = self.tool(cmd, path, check=False)
            self.assertEqual(p.returncode, 2, cmd)
            self.assertEqual(p.stderr, "bmgfe-sweep: error: %s: vary[1] (A): 'values' is "
                                       "empty\n" % path)
            self.assertEqual(p.stdout, "")
        p = self.tool("plan", os.path.join(self.tmp, "missing.toml"), check=False)
        self.assertEqual(p.returncode, 2)
        self.assertRegex(p.stderr, r"^bmgfe-sweep: error: .*missing.toml: No such file")
        self.assertNotIn("Traceback", p.stderr)


SWEEP = """
prm = "base.prm"
output = "out"
outputs = ["x_value", "t_*_K", "no_such_key"]
[[vary]]
entry = "A/x"
name = "x"
values = [1.5, 2.5]
[[vary]]
entry = "B/y"
name = "y"
values = ["u", "v"]
unit = "mm"
[plot]
x = "x"
y = "x_value"
"""


class StatesAndCollect(SweepTestCase):
    def fake_run(self, run, summary=None, marker=None):
        os.makedirs(run.dir, exist_ok=True)
        if summary is not None:
            with open(os.path.join(run.dir, "summary.json"), "w") as f:
                json.dump(summary, f)
        if marker is not None:
            with open(os.path.join(run.dir, "bmgfe-sweep.json"), "w") as f:
                json.dump(marker, f)

    def test_states(self):
        sw = self.load(SWEEP)
        r = sw.stages[0].runs
        self.fake_run(r[0], {"status": "completed", "x_value": 1.5})
        self.fake_run(r[1], {"status": "failed", "message": "diverged"})
        self.fake_run(r[2], marker={"state": "running", "host": bs.socket.gethostname(),
                                    "pid": os.getpid(), "start": time.time()})
        dead = subprocess.Popen(["true"])
        dead.wait()
        os.makedirs(r[3].dir)
        with open(os.path.join(r[3].dir, "bmgfe-sweep.json"), "w") as f:
            json.dump({"state": "running", "host": bs.socket.gethostname(), "pid": dead.pid}, f)
        self.assertEqual([bs.run_state(x)[0] for x in r],
                         ["completed", "failed", "running", "interrupted"])
        self.fake_run(r[3], marker={"state": "exited", "exit_code": 1})
        with open(os.path.join(r[3].dir, "bmgfe-sweep.log"), "w") as f:
            f.write("step 1\nbmgfe: error: x.prm:3: entry 'A/x': bad\n")
        self.assertEqual(bs.run_state(r[3]),
                         ("failed", "exit code 1: bmgfe: error: x.prm:3: entry 'A/x': bad"))
        shutil.rmtree(r[3].dir)
        self.assertEqual(bs.run_state(r[3]), ("pending", ""))
        # bmgfe's own summary.json: "interrupted" (a signal), "running" of a live process
        # (this one) on this host, "running" left by a killed bmgfe
        host = bs.socket.gethostname()
        self.fake_run(r[3], {"status": "interrupted", "message": "SIGUSR1 received: stopped"})
        self.assertEqual(bs.run_state(r[3]), ("interrupted",
                                              "summary.json: interrupted SIGUSR1 received: stopped"))
        self.fake_run(r[3], {"status": "running", "host": host, "pid": os.getpid()})
        self.assertEqual(bs.run_state(r[3]), ("running", "pid %d" % os.getpid()))
        self.fake_run(r[3], {"status": "running", "host": host, "pid": dead.pid},
                      marker={"state": "exited", "exit_code": 137})
        self.assertEqual(bs.run_state(r[3]), ("interrupted", "summary.json still says running: "
                                              "bmgfe was killed (exit code 137)"))
        self.fake_run(r[3], {"status": "running", "host": "elsewhere", "pid": os.getpid()},
                      marker={})
        self.assertEqual(bs.run_state(r[3])[0], "interrupted")
        shutil.rmtree(r[3].dir)
        p = self.tool("status", os.path.join(self.tmp, "s.toml"))
        self.assertIn("1 pending, 1 running, 1 completed, 1 failed", p.stdout)
        self.assertRegex(p.stdout, r"x=1\.5_y=vmm +failed +summary.json: failed diverged")

    def test_checkpoints(self):
        # the newest whole checkpoint: not one being written (.tmp), one whose file is cut
        # short or whose manifest lacks its end; only for a run that has not completed
        sw = self.load(SWEEP)
        r = sw.stages[0].runs
        self.fake_run(r[0], {"status": "interrupted", "message": "SIGUSR1 received"})
        self.assertIsNone(bs.newest_checkpoint(r[0]))
        five = write_checkpoint(r[0].dir, 5)
        write_checkpoint(r[0].dir, 3)
        write_checkpoint(r[0].dir, 12, name=".checkpoint-000012.tmp")
        write_checkpoint(r[0].dir, 9, whole=False)
        write_checkpoint(r[0].dir, 10, end=False)
        self.assertEqual(bs.newest_checkpoint(r[0]), (five, 5))
        self.assertEqual(bs.restart_point(r[0]), (five, 5))
        self.assertTrue(bs.whole_checkpoint(five))
        self.assertFalse(bs.whole_checkpoint(os.path.join(r[0].dir, "checkpoints",
                                                          "checkpoint-000009")))
        # a failed run and one killed (summary.json "running" of no process) continue too
        self.fake_run(r[1], {"status": "failed", "message": "killed"})
        write_checkpoint(r[1].dir, 1000000)
        self.fake_run(r[2], {"status": "running", "host": "elsewhere", "pid": 1})
        write_checkpoint(r[2].dir, 7)
        self.assertEqual(bs.restart_point(r[1])[1], 1000000)
        self.assertEqual(bs.restart_point(r[2])[1], 7)
        self.fake_run(r[3], {"status": "completed"})
        write_checkpoint(r[3].dir, 8)
        self.assertIsNone(bs.restart_point(r[3]))
        p = self.tool("status", os.path.join(self.tmp, "s.toml"))
        self.assertRegex(p.stdout, r"x=1\.5_y=umm +interrupted \(checkpoint at step 5\) +"
                                   r"summary.json: interrupted SIGUSR1 received")
        self.assertIn("failed (checkpoint at step 1000000)", p.stdout)
        self.assertIn("interrupted (checkpoint at step 7)", p.stdout)
        self.assertIn("1 completed, 1 failed, 2 interrupted", p.stdout)

    def test_collect(self):
        sw = self.load(SWEEP)
        for i, r in enumerate(sw.stages[0].runs[:3]):
            self.fake_run(r, {"status": "completed", "message": "", "x_value": 0.1 * (i + 1),
                              "t_mean_K": 300 + i, "t_max_K": 310.25, "other": 1})
        p = self.tool("collect", os.path.join(self.tmp, "s.toml"))
        self.assertIn("1 of 4 runs not completed", p.stderr)
        self.assertIn("no run has no_such_key", p.stderr)
        with open(os.path.join(self.tmp, "out", "results.csv")) as f:
            rows = list(csv.reader(f))
        self.assertEqual(rows[0], ["run", "x", "y", "status", "x_value", "t_mean_K", "t_max_K",
                                   "no_such_key"])
        self.assertEqual(rows[1], ["x=1.5_y=umm", "1.5", "u", "completed", "0.1", "300",
                                   "310.25", ""])
        self.assertEqual(rows[3][3:5], ["completed", "0.30000000000000004"])
        self.assertEqual(rows[4], ["x=2.5_y=vmm", "2.5", "v", "pending", "", "", "", ""])
        with open(os.path.join(self.tmp, "out", "results.md")) as f:
            md = f.read().splitlines()
        self.assertEqual(md[0], "| run | x | y (mm) | status | x_value | t_mean_K | t_max_K | "
                                "no_such_key |")
        self.assertEqual(md[2], "| x=1.5_y=umm | 1.5 | u | completed | 0.1 | 300 | 310.2 | – |")
        self.assertEqual(len(md), 6)
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            self.assertIn("no matplotlib", p.stderr)
        else:
            png = os.path.join(self.tmp, "out", "results_x_value_vs_x.png")
            self.assertTrue(os.path.getsize(png) > 1000)
        # chosen keys and stage on the command line
        p = self.tool("collect", os.path.join(self.tmp, "s.toml"), "--keys", "other",
                      "--no-plot")
        with open(os.path.join(self.tmp, "out", "results.csv")) as f:
            self.assertEqual(next(csv.reader(f)), ["run", "x", "y", "status", "other"])
        p = self.tool("collect", os.path.join(self.tmp, "s.toml"), "--x", "q", check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("--x 'q' is not a varied name (x, y)", p.stderr)


class SlurmScript(SweepTestCase):
    def test_dry_run(self):
        path = self.write("""
            output = "out"
            [slurm]
            partition = "debug"
            time = "00:10:00"
            mem = "1G"
            account = "proj"
            extra = ["--qos=short"]
            setup = ["module load openmpi"]
            [[stage]]
            name = "cast"
            prm = "base.prm"
            [[stage]]
            name = "hold"
            prm = "stage2.prm"
            depends = "cast"
            sets = { "Material/Initial state" = "{cast.output}" }
            slurm = { requeue = false, signal_seconds = 0 }
            [[stage]]
            name = "press"
            prm = "stage3.prm"
            depends = "hold"
            ranks = 2
            sets = { "Material/Initial state" = "{hold.output}" }
            slurm = { time = "01:00:00", max_requeues = 5, signal_seconds = 120 }
            [[vary]]
            stage = "hold"
            entry = "Furnace/Duration"
            name = "t"
            values = [1, 2, 3]
            unit = "min"
            """)
        p = self.tool("slurm", path, "--dry-run", "--bmgfe", "/bin/true")
        self.assertIn("cast: 1 run in out/slurm/cast.sbatch (not submitted: sbatch --parsable "
                      "out", p.stdout.replace(self.tmp + "/", ""))
        self.assertIn("--dependency=afterok:<job of cast>", p.stdout)
        self.assertIn("--dependency=aftercorr:<job of hold>", p.stdout)
        with open(os.path.join(self.tmp, "out", "slurm", "press.sbatch")) as f:
            script = f.read()
        for line in ("#SBATCH --array=0-2", "#SBATCH --ntasks=2", "#SBATCH --time=01:00:00",
                     "#SBATCH --partition=debug", "#SBATCH --mem=1G", "#SBATCH --account=proj",
                     "#SBATCH --qos=short", "#SBATCH --requeue", "module load openmpi",
                     "#SBATCH --signal=B:USR1@120",
                     "INTERRUPTED_EXIT_CODE=75", "REQUEUE=yes", "MAX_REQUEUES=5",
                     "RESTART=yes",
                     "trap 'forward SIGUSR1' USR1", "trap 'forward SIGTERM' TERM",
                     "mpirun -np 2 \"$BMGFE\" \"${args[@]}\" > >(trap '' TERM USR1 INT; "
                     "exec tee -a \"$dir/bmgfe-sweep.log\") 2>&1 &",
                     "  scontrol requeue \"$task\" && exit 0",
                     "  args+=(--restart \"$dir\")", "  args+=(--overwrite)",
                     "  1) dir=out/press/t=2min",
                     "     args=(stage3.prm --set 'Material/Initial state=out/hold/t=2min' "
                     "--set 'Output directory=out/press/t=2min') ;;"):
            self.assertIn(line + "\n", script)
        # the traps come before anything else runs
        self.assertLess(script.index("trap 'forward SIGUSR1' USR1"), script.index("\ncd "))
        with open(os.path.join(self.tmp, "out", "slurm", "hold.sbatch")) as f:
            hold = f.read()
        self.assertIn("REQUEUE=no\n", hold)
        self.assertNotIn("--requeue", hold)
        self.assertNotIn("#SBATCH --signal", hold)
        self.assertIn("--set 'Furnace/Duration=3 min'", hold)
        p = subprocess.run(["bash", "-n", os.path.join(self.tmp, "out", "slurm", "press.sbatch")])
        self.assertEqual(p.returncode, 0)
        # --no-restart: the tasks start their runs from the beginning
        self.tool("slurm", path, "--dry-run", "--no-restart", "--bmgfe", "/bin/true")
        with open(os.path.join(self.tmp, "out", "slurm", "press.sbatch")) as f:
            self.assertIn("RESTART=no\n", f.read())
        # completed runs are left out of the array
        sw = bs.load(path)
        for r in sw.stages[1].runs[:2] + [sw.stages[0].runs[0]]:
            os.makedirs(r.dir, exist_ok=True)
            with open(os.path.join(r.dir, "summary.json"), "w") as f:
                f.write('{"status": "completed"}')
        p = self.tool("slurm", path, "--dry-run", "--bmgfe", "/bin/true")
        self.assertIn("cast: all 1 runs completed, not submitted", p.stdout)
        self.assertNotIn("<job of cast>", p.stdout)
        # press/t=1min and t=2min read holds that completed before: not in hold's array, so
        # not aftercorr (task i after task i) but after the whole of it
        self.assertIn("--dependency=afterok:<job of hold>", p.stdout)
        with open(os.path.join(self.tmp, "out", "slurm", "hold.sbatch")) as f:
            self.assertIn("#SBATCH --array=2\n", f.read())

    def test_signal_is_passed_on_and_the_task_requeued(self):
        # The job script without SLURM: bash with the array task's variables, a stand-in
        # scontrol that records its arguments, and a stand-in bmgfe that stops on SIGUSR1
        # as bmgfe does (summary.json "interrupted", exit code 75).
        fake = os.path.join(self.tmp, "bin")
        os.makedirs(fake)
        with open(os.path.join(fake, "scontrol"), "w") as f:
            f.write('#!/bin/sh\necho "$@" >> "%s/scontrol.txt"\n' % self.tmp)
        with open(os.path.join(fake, "bmgfe"), "w") as f:
            f.write(textwrap.dedent("""\
                #!/usr/bin/python3
                import json, os, signal, sys, time
                out = [a.split("=", 1)[1] for a in sys.argv if a.startswith("Output directory=")][0]
                def stop(signum, frame):
                    with open(os.path.join(out, "summary.json"), "w") as f:
                        json.dump({"status": "interrupted", "message": "SIGUSR1 received",
                                   "signal": signal.Signals(signum).name}, f)
                    sys.exit(75)
                signal.signal(signal.SIGUSR1, stop)
                with open(os.path.join(out, "args.json"), "w") as f:
                    json.dump(sys.argv[1:], f)
                print("fake bmgfe running", flush=True)
                time.sleep(60)
                sys.exit(0)
                """))
        for name in ("scontrol", "bmgfe"):
            os.chmod(os.path.join(fake, name), 0o755)
        path = self.write("""
            prm = "base.prm"
            output = "out"
            [slurm]
            launcher = "env"
            max_requeues = 2
            [[vary]]
            entry = "A/x"
            values = [1]
            """)
        self.tool("slurm", path, "--dry-run", "--bmgfe", os.path.join(fake, "bmgfe"))
        script = os.path.join(self.tmp, "out", "slurm", "s.sbatch")
        run_dir = os.path.join(self.tmp, "out", "x=1")

        def task(signum, restart_count):
            for name in ("summary.json", "args.json"):
                if os.path.exists(os.path.join(run_dir, name)):
                    os.remove(os.path.join(run_dir, name))
            env = dict(os.environ, SLURM_ARRAY_JOB_ID="42", SLURM_ARRAY_TASK_ID="0",
                       SLURM_RESTART_COUNT=str(restart_count),
                       PATH=fake + os.pathsep + os.environ["PATH"])
            p = subprocess.Popen(["bash", script], cwd=self.tmp, env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            deadline = time.time() + 30
            while not os.path.exists(os.path.join(run_dir, "args.json")) and \
                    time.time() < deadline:
                time.sleep(0.05)
            time.sleep(0.3)
            p.send_signal(signum)  # to the batch shell, as --signal=B:USR1@N does
            out, _ = p.communicate(timeout=30)
            with open(os.path.join(run_dir, "bmgfe-sweep.json")) as f:
                return p.returncode, out, json.load(f)

        # SIGUSR1 to the shell: bmgfe gets SIGUSR1, exits 75, the task is requeued
        rc, out, marker = task(signal.SIGUSR1, 0)
        self.assertEqual(rc, 0, out)
        self.assertIn("passing SIGUSR1 on to bmgfe", out)
        self.assertEqual(marker["state"], "requeued", out)
        with open(os.path.join(self.tmp, "scontrol.txt")) as f:
            self.assertEqual(f.read(), "requeue 42_0\n")
        with open(os.path.join(run_dir, "args.json")) as f:
            self.assertEqual(json.load(f)[-1], "--overwrite")
        with open(os.path.join(run_dir, "summary.json")) as f:
            self.assertEqual(json.load(f)["signal"], "SIGUSR1")
        # SIGTERM (scancel) to the shell after max_requeues restarts: passed on as SIGUSR1,
        # not requeued again; the run is interrupted, the task fails with 75
        rc, out, marker = task(signal.SIGTERM, 2)
        self.assertEqual(rc, 75, out)
        self.assertIn("SIGTERM: passing SIGUSR1 on to bmgfe", out)
        self.assertEqual((marker["state"], marker["exit_code"]), ("exited", 75))
        with open(os.path.join(self.tmp, "scontrol.txt")) as f:
            self.assertEqual(f.read(), "requeue 42_0\n")
        self.assertEqual(bs.run_state(bs.load(path).stages[0].runs[0])[0], "interrupted")

    def test_requeued_task_continues_from_the_checkpoint(self):
        # The job script without SLURM, as above, with a stand-in bmgfe that writes a
        # checkpoint when SIGUSR1 stops it and completes at once when given --restart.
        fake = os.path.join(self.tmp, "bin")
        os.makedirs(fake)
        with open(os.path.join(fake, "scontrol"), "w") as f:
            f.write('#!/bin/sh\necho "$@" >> "%s/scontrol.txt"\n' % self.tmp)
        with open(os.path.join(fake, "bmgfe"), "w") as f:
            f.write(textwrap.dedent("""\
                #!/usr/bin/python3
                import json, os, signal, sys, time
                out = [a.split("=", 1)[1] for a in sys.argv if a.startswith("Output directory=")][0]
                with open(os.path.join(out, "args.json"), "w") as f:
                    json.dump(sys.argv[1:], f)
                def summary(status):
                    with open(os.path.join(out, "summary.json"), "w") as f:
                        json.dump({"status": status}, f)
                if "--restart" in sys.argv:
                    summary("completed")
                    sys.exit(0)
                def stop(signum, frame):
                    folder = os.path.join(out, "checkpoints", "checkpoint-000007")
                    os.makedirs(folder)
                    with open(os.path.join(folder, "state.bin"), "w") as f:
                        f.write("state")
                    with open(os.path.join(folder, "manifest.txt"), "w") as f:
                        f.write("bmgfe checkpoint 1\\nstate.bin 5 0123456789abcdef\\nend\\n")
                    summary("interrupted")
                    sys.exit(75)
                signal.signal(signal.SIGUSR1, stop)
                summary("running")
                time.sleep(60)
                """))
        for name in ("scontrol", "bmgfe"):
            os.chmod(os.path.join(fake, name), 0o755)
        path = self.write("""
            prm = "base.prm"
            output = "out"
            [slurm]
            launcher = "env"
            setup = ["sleep ${SETUP_SLEEP:-0}"]
            [[vary]]
            entry = "A/x"
            values = [1]
            """)
        self.tool("slurm", path, "--dry-run", "--bmgfe", os.path.join(fake, "bmgfe"))
        script = os.path.join(self.tmp, "out", "slurm", "s.sbatch")
        run_dir = os.path.join(self.tmp, "out", "x=1")

        def task(restart_count, signal_after=None, setup_sleep=0):
            env = dict(os.environ, SLURM_ARRAY_JOB_ID="42", SLURM_ARRAY_TASK_ID="0",
                       SLURM_RESTART_COUNT=str(restart_count), SETUP_SLEEP=str(setup_sleep),
                       PATH=fake + os.pathsep + os.environ["PATH"])
            p = subprocess.Popen(["bash", script], cwd=self.tmp, env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if signal_after == "start":  # once bmgfe runs
                deadline = time.time() + 30
                while time.time() < deadline and (bs.read_json(os.path.join(
                        run_dir, "summary.json")) or {}).get("status") != "running":
                    time.sleep(0.05)
                time.sleep(0.3)
                p.send_signal(signal.SIGUSR1)
            elif signal_after is not None:
                time.sleep(signal_after)
                p.send_signal(signal.SIGUSR1)
            out, _ = p.communicate(timeout=30)
            with open(os.path.join(run_dir, "bmgfe-sweep.json")) as f:
                return p.returncode, out, json.load(f)

        def args():
            with open(os.path.join(run_dir, "args.json")) as f:
                return json.load(f)

        # SIGUSR1 before bmgfe runs (during the setup lines): bmgfe is not started, the
        # task is requeued to start again
        rc, out, marker = task(0, signal_after=0.5, setup_sleep=1.5)
        self.assertEqual(rc, 0, out)
        self.assertIn("bmgfe-sweep: SIGUSR1 before bmgfe started", out)
        self.assertIn("interrupted (exit code 75): requeueing 42_0 to start again from the "
                      "beginning", out)
        self.assertFalse(os.path.exists(os.path.join(run_dir, "args.json")))
        self.assertEqual(marker["state"], "requeued")
        # the first start: from the beginning; SIGUSR1 stops bmgfe, which leaves checkpoint 7
        rc, out, marker = task(1, signal_after="start")
        self.assertEqual(rc, 0, out)
        self.assertIn("bmgfe-sweep: out/x=1: starting from the beginning with --overwrite", out)
        self.assertEqual(args()[-1], "--overwrite")
        self.assertIn("bmgfe-sweep: out/x=1 interrupted (exit code 75), checkpoint at step 7: "
                      "requeueing 42_0 to continue from it", out)
        self.assertEqual((marker["state"], marker["restart_step"]), ("requeued", None))
        self.assertEqual(bs.run_state(bs.load(path).stages[0].runs[0])[0], "queued")
        # the requeued task continues from it
        rc, out, marker = task(2)
        self.assertEqual(rc, 0, out)
        self.assertIn("bmgfe-sweep: out/x=1: continuing from checkpoint "
                      "out/x=1/checkpoints/checkpoint-000007 (step 7) with --restart", out)
        self.assertEqual(args()[-3:], ["Output directory=out/x=1", "--restart", "out/x=1"])
        self.assertEqual((marker["state"], marker["exit_code"], marker["restart_step"]),
                         ("exited", 0, 7))
        with open(os.path.join(self.tmp, "scontrol.txt")) as f:
            self.assertEqual(f.read(), "requeue 42_0\nrequeue 42_0\n")
        with open(os.path.join(run_dir, "bmgfe-sweep.log")) as f:  # both attempts
            self.assertEqual(f.read(), "# bmgfe-sweep: task 42_0, restart 1: starting from the "
                             "beginning with --overwrite\n# bmgfe-sweep: task 42_0, restart 2: "
                             "continuing from checkpoint out/x=1/checkpoints/checkpoint-000007 "
                             "(step 7) with --restart\n")
        # completed: the task does nothing
        rc, out, marker = task(3)
        self.assertIn("bmgfe-sweep: out/x=1 completed before", out)

    def test_array_spec(self):
        self.assertEqual(bs.array_spec([0, 1, 2, 4, 6, 7]), "0-2,4,6-7")


class LocalWithStandIns(SweepTestCase):
    def setUp(self):
        super().setUp()
        for name, text in (("mpirun", FAKE_MPIRUN), ("bmgfe", FAKE_BMGFE)):
            with open(os.path.join(self.tmp, name), "w") as f:
                f.write(text.replace("#!/usr/bin/python3", "#!" + PYTHON))
            os.chmod(os.path.join(self.tmp, name), 0o755)

    def local(self, path, *args, check=True):
        return self.tool("local", path, "--bmgfe", os.path.join(self.tmp, "bmgfe"), "--mpirun",
                         os.path.join(self.tmp, "mpirun"), *args, check=check)

    def test_plan_validate(self):
        path = self.write("""
            output = "out"
            [[stage]]
            name = "cast"
            prm = "base.prm"
            [[stage]]
            name = "hold"
            prm = "stage2.prm"
            depends = "cast"
            [[vary]]
            stage = "cast"
            entry = "Fail/Now"
            name = "fail"
            values = [false, true]
            """)
        p = self.tool("plan", path, "--validate", "--bmgfe", os.path.join(self.tmp, "bmgfe"),
                      check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("out/cast/fail=false: valid\n", p.stdout)
        self.assertIn("out/cast/fail=true: INVALID: bmgfe: error: command-line override "
                      "'Fail/Now=true': told to fail\n", p.stdout)
        self.assertIn("out/hold/fail=false: not validated (reads out/cast/fail=false, not "
                      "completed)", p.stdout)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "out", "cast")))

    def test_continue_from_checkpoint(self):
        # a run that left a whole checkpoint and did not complete continues with --restart;
        # --no-restart and --force start it from the beginning; one without a checkpoint
        # starts from the beginning
        path = self.write("""
            prm = "base.prm"
            output = "out"
            [[vary]]
            entry = "A/x"
            name = "x"
            values = [1, 2]
            """)
        sw = bs.load(path)
        one, two = (r.dir for r in sw.stages[0].runs)

        def interrupted(d, step):
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, "summary.json"), "w") as f:
                json.dump({"status": "interrupted"}, f)
            if step is not None:
                write_checkpoint(d, step)

        def modes(d):
            with open(os.path.join(d, "modes")) as f:
                return f.read().splitlines()

        interrupted(one, 3)
        interrupted(two, None)
        p = self.local(path)
        self.assertIn("out/x=1: started from checkpoint checkpoint-000003 (step 3, --restart)",
                      p.stdout)
        self.assertIn("out/x=2: started from the beginning (--overwrite)", p.stdout)
        self.assertEqual(modes(one), ["--restart out/x=1"])
        self.assertEqual(modes(two), ["--overwrite"])
        with open(os.path.join(one, "bmgfe-sweep.json")) as f:
            self.assertEqual(json.load(f)["restart_step"], 3)
        # completed now: --force reruns it from the beginning, despite the checkpoint
        p = self.local(path, "--force")
        self.assertEqual(modes(one), ["--restart out/x=1", "--overwrite"])
        interrupted(one, None)  # (checkpoint 3 is still there)
        p = self.local(path, "--no-restart")
        self.assertIn("out/x=1: started from the beginning (--overwrite)", p.stdout)
        self.assertEqual(modes(one)[-1], "--overwrite")

    def test_chain_order_concurrency_resume_and_failure(self):
        path = self.write("""
            output = "out"
            [[stage]]
            name = "cast"
            prm = "base.prm"
            [[stage]]
            name = "hold"
            prm = "stage2.prm"
            depends = "cast"
            sets = { "Material/Initial state" = "{cast.output}" }
            [[vary]]
            entry = "A/x"
            name = "x"
            values = [1, 2, 3, 4]
            [[vary]]
            entry = "Fail/Now"
            name = "fail"
            values = [false]
            """)
        p = self.local(path, "-j", "2")
        self.assertIn("0 completed before, 5 to run, 2 at a time", p.stdout)
        self.assertIn("[5/5]", p.stdout)
        self.assertIn("s: 5 of 5 runs completed", p.stdout)
        sw = bs.load(path)
        cast_end = read_float(sw.stages[0].runs[0].dir, "ended")
        spans = []
        for r in sw.stages[1].runs:
            start = read_float(r.dir, "started")
            self.assertGreater(start, cast_end)  # after the stage it depends on
            spans.append((start, read_float(r.dir, "ended")))
        # never more than 2 at a time, and 2 at a time at some moment
        events = sorted([(s, 1) for s, _ in spans] + [(e, -1) for _, e in spans])
        level, peak = 0, 0
        for _, d in events:
            level += d
            peak = max(peak, level)
        self.assertEqual(peak, 2)
        # resumed: nothing to do
        p = self.local(path, "-j", "2")
        self.assertIn("5 completed before, 0 to run", p.stdout)
        self.assertNotIn("started", p.stdout)
        # a failed run is rerun; its dependents are not run after a failure
        os.remove(os.path.join(sw.stages[1].runs[2].dir, "summary.json"))
        p = self.local(path)
        self.assertIn("4 completed before, 1 to run", p.stdout)
        self.assertIn("hold/x=3_fail=false: completed", p.stdout)
        path2 = self.write("""
            output = "out2"
            [[stage]]
            name = "cast"
            prm = "base.prm"
            sets = { "Fail/Now" = true }
            [[stage]]
            name = "hold"
            prm = "stage2.prm"
            depends = "cast"
            sets = { "Material/Initial state" = "{cast.output}" }
            [[vary]]
            entry = "A/x"
            name = "x"
            values = [1, 2, 3, 4]
            """, name="s2.toml")
        p = self.local(path2, check=False)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("cast: failed", p.stdout)
        self.assertIn("out2/hold/x=1: not run, out2/cast failed", p.stdout)
        self.assertIn("0 of 5 runs completed, failed:", p.stdout)
        p = self.tool("status", path2)
        self.assertIn("5 failed", p.stdout)
        self.assertIn("exit code 1: bmgfe: error: told to fail", p.stdout)


if __name__ == "__main__":
    unittest.main()
