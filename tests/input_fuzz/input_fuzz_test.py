#!/usr/bin/env python3
"""Input that cannot hurt (issue 18): generated mutations of the shipped parameter files and
of a gmsh mesh, each given to bmgfe as a new user would.

Every mutation runs `bmgfe --validate` and, for a subset, a real run shortened to a
fraction of a second of simulated time in a temporary output directory, each under a 30 s timeout, in a
scratch working directory of its own. A mutation passes when bmgfe either starts cleanly
(exit 0) or prints exactly one line, 'bmgfe: error: ...', on stderr and exits with 1. It
fails on a signal, a timeout, another exit code, more than one error line (or an error line
that is not the only text on stderr), library text ('Amesos', '----', 'An error occurred in
line', 'Additional information', 'Stacktrace'), or a file left in the working directory.
Errors about the parameter file must have the 'FILE:LINE: ' form when the mutated line is in
the file, and the 'command-line override' form for --set mutations.

The generator is this file (random.Random(2026), standard library only): the same
mutations on every run. A failing run prints a table: mutation, command, exit code, output.

  input_fuzz_test.py --bmgfe build/bmgfe --source-dir . [--mpirun mpirun] [--jobs 2]
                     [--only SUBSTRING] [--list]
"""
import argparse
import concurrent.futures
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

SEED = 2026
TIMEOUT = 30.0

# Shipped scenarios that validate on their own in a few seconds (the *_mesoscale files and
# the 3D rod take 10+ s per validation; the 3D rod is used for the refinement case only).
# The scenarios that start from another one's output are validated without that state.
BASES = {
    "as_cast_vit1.prm": [],
    "band_deflection_vit1.prm": [],
    "compression_vit1.prm": [],
    "ctc_vit1_window.prm": [],
    "notch_compression_zr61.prm": [],
    "slr_cooling_la.prm": [],
    "htc_vit1.prm": ["Material/Free volume/Initial state="],
}

timings = []  # (seconds, mutation) of every case that ended by itself

LIBRARY_TEXT = ["Amesos", "----", "An error occurred in line", "Additional information",
                "Stacktrace", "terminate called", "MPI_ABORT", "Segmentation", "ExcMessage",
                "Aborted"]

NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
BAD_NUMBERS = ["0", "-1", "-1e-3", "1e-300", "1e300", "-1e300", "nan", "inf", "-inf",
               "abc", "", "1e", "3 apples", "1,5", "0x10"]


class Prm:
    """A parameter file as lines with, for every 'set', its subsection path."""

    def __init__(self, path):
        self.path = path
        with open(path) as f:
            self.lines = f.read().split("\n")
        self.sets = []  # (line index, path list, entry, value)
        self.subsections = []  # (line index, path list incl. the subsection)
        self.ends = []
        stack = []
        for i, raw in enumerate(self.lines):
            line = raw.split("#", 1)[0].strip()
            if line.startswith("subsection "):
                stack.append(line[len("subsection "):].strip())
                self.subsections.append((i, list(stack)))
            elif line == "end":
                self.ends.append(i)
                if stack:
                    stack.pop()
            elif line.startswith("set "):
                name, _, value = line[4:].partition("=")
                self.sets.append((i, list(stack), name.strip(), value.strip()))

    def text(self, lines=None):
        return "\n".join(self.lines if lines is None else lines)

    def set_value(self, index, value, lines=None):
        lines = list(self.lines if lines is None else lines)
        raw = lines[index]
        eq = raw.index("=")
        lines[index] = raw[:eq + 1] + (" " + value if value else "")
        return lines


class Mutation:
    def __init__(self, name, base, text, sets=(), run=False, ranks=1, line=None,
                 override=False, files=None, expect_error=None, expect_output=None, entry=None):
        self.name = name          # what was mutated, for the failure table
        self.base = base          # shipped file the mutation starts from
        self.text = text          # the mutated parameter file
        self.sets = list(sets)    # --set arguments (mutations and the base's own)
        self.run = run            # also run it (shortened), not only --validate
        self.ranks = ranks
        self.line = line          # 1-based line of the mutated entry in the file, if any
        self.entry = entry        # 'A/B/Entry' set on that line
        self.override = override  # the mutation is a --set
        self.files = files or {}  # extra files next to the parameter file: name -> text
        self.expect_error = expect_error  # text the error line must hold (None: any outcome)
        self.expect_output = expect_output  # text stdout must hold (a warning)


def entry_path(path, entry):
    return "/".join(path + [entry])


def shorten(text, durations=True):
    """A shipped scenario cut to a fraction of a second of simulated time: every segment lasts 0.05 s,
    no snapshots, a coarse mesh (the durations kept if not `durations`)."""
    out = []
    for raw in text.split("\n"):
        s = raw.split("#", 1)[0]
        m = re.match(r"(\s*set\s+)(Duration|Mesh size|Write visualization)(\s*=).*", s)
        if m and (durations or m.group(2) != "Duration"):
            value = {"Duration": "0.05 s", "Mesh size": "5e-4", "Write visualization": "false"}[m.group(2)]
            out.append(m.group(1) + m.group(2) + m.group(3) + " " + value)
        else:
            out.append(raw)
    return "\n".join(out)


def generate(source_dir, rng):
    prm_dir = os.path.join(source_dir, "parameters")
    bases = {name: Prm(os.path.join(prm_dir, name)) for name in BASES}
    mutations = []

    def add(m):
        m.sets = [*m.sets, *BASES.get(m.base, [])] if not m.override else [*BASES.get(m.base, []), *m.sets]
        mutations.append(m)

    names = sorted(bases)
    # 1. Numbers of every kind in random entries (in the file and by --set).
    for k in range(48):
        base = bases[names[k % len(names)]]
        numeric = [s for s in base.sets if NUMBER.search(s[3]) and s[2] not in ("Output directory",)]
        i, path, entry, value = rng.choice(numeric)
        bad = rng.choice(BAD_NUMBERS)
        if k % 3 == 2:
            add(Mutation(f"--set {entry_path(path, entry)}={bad!r}", names[k % len(names)],
                         base.text(), sets=[f"{entry_path(path, entry)}={bad}"], override=True))
        else:
            add(Mutation(f"line {i + 1}: {entry_path(path, entry)} = {bad!r}", names[k % len(names)],
                         base.text(base.set_value(i, bad)), line=i + 1, entry=entry_path(path, entry)))
    # 2. The entries with an apostrophe, in the file and by --set.
    for name in ("slr_cooling_la.prm", "compression_vit1.prm"):
        base = bases[name]
        for i, path, entry, value in base.sets:
            if "'" in entry:
                for bad in ("-5", "abc"):
                    add(Mutation(f"line {i + 1}: {entry_path(path, entry)} = {bad}", name,
                                 base.text(base.set_value(i, bad)), line=i + 1,
                                 entry=entry_path(path, entry)))
                add(Mutation(f"--set {entry_path(path, entry)}=-5", name, base.text(),
                             sets=[f"{entry_path(path, entry)}=-5"], override=True))
    # 3. Deleted and duplicated lines, unknown entries, broken subsection/end.
    for k in range(28):
        name = names[k % len(names)]
        base = bases[name]
        lines = list(base.lines)
        kind = k % 7
        if kind == 0:
            i = rng.choice(base.sets)[0]
            desc = f"line {i + 1} deleted"
            del lines[i]
        elif kind == 1:
            i = rng.choice(base.sets)[0]
            desc = f"line {i + 1} duplicated"
            lines.insert(i, lines[i])
        elif kind == 2:
            i = rng.choice(base.sets)[0]
            desc = f"unknown entry before line {i + 1}"
            lines.insert(i, "  set Bogus entry = 1")
        elif kind == 3:
            i = rng.choice(base.ends)
            desc = f"'end' on line {i + 1} deleted"
            del lines[i]
        elif kind == 4:
            i = rng.choice(base.ends)
            desc = f"extra 'end' after line {i + 1}"
            lines.insert(i + 1, "end")
        elif kind == 5:
            i, path = rng.choice(base.subsections)
            desc = f"subsection on line {i + 1} misspelt"
            lines[i] = lines[i].replace(path[-1], path[-1][:-1] + "x", 1)
        else:
            i = rng.choice(base.sets)[0]
            desc = f"'set' keyword of line {i + 1} lost"
            lines[i] = lines[i].replace("set ", "", 1)
        add(Mutation(desc, name, base.text(lines)))
    # 4. Deeply nested and broken Sequence expressions.
    base = bases["slr_cooling_la.prm"]
    seq = next(s for s in base.sets if s[2] == "Sequence")
    for depth in (40, 1000, 20000):
        value = "(" * depth + "heat, hold, cool, rest" + ")*1" * depth
        add(Mutation(f"Sequence nested {depth} deep", "slr_cooling_la.prm",
                     base.text(base.set_value(seq[0], value)), line=seq[0] + 1))
    for value in ("(heat, hold", "heat, hold)*2", "heat*1e300", "heat*-1", "heat*0",
                  "(heat, hold, cool, rest)*100000000"):
        add(Mutation(f"Sequence = {value}", "slr_cooling_la.prm",
                     base.text(base.set_value(seq[0], value)), line=seq[0] + 1))
    add(Mutation("--set Sequence nested 20000 deep", "slr_cooling_la.prm", base.text(),
                 sets=["Thermal protocol/Sequence=" + "(" * 20000 + "heat" + ")" * 20000],
                 override=True))
    # 5. Malformed --set arguments.
    for s in ("Geometry", "=3", "Geometry/=1", "Geometry/Bogus=1", "Bogus/Type=rod",
              "Geometry/Type=", "Dimension=7", "Material/Young's modulus=1e300x"):
        add(Mutation(f"--set {s!r}", "as_cast_vit1.prm", bases["as_cast_vit1.prm"].text(),
                     sets=[s], override=True))
    # 6. The cases of the issue: values a validation must refuse or a run must survive.
    slr = bases["slr_cooling_la.prm"]
    cases = [  # (what, --set arguments, text the error must hold or None)
        ("Output/Interval in time = 1e-300", ["Output/Interval in time=1e-300"],
         "entry 'Output/Interval in time'"),
        ("fixed step 1e-300", ["Time stepping/Adaptive=false", "Time stepping/Initial time step=1e-300"],
         "entry 'Time stepping/Initial time step'"),
        ("fixed step 1e-300, Minimum 1e-300",
         ["Time stepping/Adaptive=false", "Time stepping/Initial time step=1e-300",
          "Time stepping/Minimum time step=1e-300"], "entry 'Time stepping/"),
        ("Minimum time step 1e-300", ["Time stepping/Minimum time step=1e-300"],
         "entry 'Time stepping/Minimum time step'"),
        ("probe outside the body", ["Statistics/Probe points=far: 1, 1"], "Probe points"),
        ("Initial temperature 0 K", ["Heat/Initial temperature=0"], "entry 'Heat/Initial temperature'"),
        ("Initial temperature -x", ["Heat/Initial temperature=300 - 1e6*x"],
         "entry 'Heat/Initial temperature'"),
        ("Environment temperature 0 K", ["Thermal protocol/hold/Environment temperature=0"],
         "entry 'Thermal protocol/hold/Environment temperature'"),
        ("Stress-free temperature 0 K", ["Material/Stress-free temperature=0"],
         "entry 'Material/Stress-free temperature'"),
        ("Young's modulus 1e300", ["Material/Young's modulus=1e300"], "entry 'Material/Young's modulus'"),
        ("Output/Interval in steps huge", ["Output/Interval in steps=2147483647"], None),
        ("Maximum number of steps = 1", ["Time stepping/Maximum number of steps=1"], None),
    ]
    for desc, sets, expected in cases:
        add(Mutation(desc, "slr_cooling_la.prm", slr.text(), sets=sets, override=True,
                     expect_error=expected))
    add(Mutation("Global refinement = 12 (3D)", "compression_rod_vit1.prm",
                 Prm(os.path.join(prm_dir, "compression_rod_vit1.prm")).text(),
                 sets=["Geometry/Global refinement=12"], override=True,
                 expect_error="entry 'Geometry/Global refinement'"))
    add(Mutation("Global refinement = 12 (2D)", "slr_cooling_la.prm", slr.text(),
                 sets=["Geometry/Global refinement=12"], override=True,
                 expect_error="entry 'Geometry/Global refinement'"))
    for h in ("1e-9", "1e-6"):
        add(Mutation(f"Mesh size = {h}", "slr_cooling_la.prm", slr.text(),
                     sets=[f"Geometry/Mesh size={h}"], override=True,
                     expect_error="entry 'Geometry/Mesh size'"))
    add(Mutation("Mesh size = 1e-5 (3D rod)", "compression_rod_vit1.prm",
                 Prm(os.path.join(prm_dir, "compression_rod_vit1.prm")).text(),
                 sets=["Geometry/Mesh size=1e-5"], override=True,
                 expect_error="entry 'Geometry/Mesh size'"))
    # Values far longer than any entry needs.
    for desc, value in (("Density = 100000 digits", "1" * 100000),
                        ("Density = 50000 '('", "(" * 50000)):
        i = next(s[0] for s in slr.sets if s[2] == "Density")
        add(Mutation(desc, "slr_cooling_la.prm", slr.text(slr.set_value(i, value)), line=i + 1))
    # 7. Real runs of shortened scenarios (1 rank; a few on 2).
    runs = [
        ("slr_cooling_la.prm", "unchanged", [], 1),
        ("as_cast_vit1.prm", "unchanged", [], 2),
        ("as_cast_vit1.prm", "Young's modulus 1e300", ["Material/Young's modulus=1e300"], 1),
        ("as_cast_vit1.prm", "Young's modulus 1e-300", ["Material/Young's modulus=1e-300"], 1),
        ("slr_cooling_la.prm", "Initial temperature 0 K", ["Heat/Initial temperature=0"], 2),
        ("slr_cooling_la.prm", "Density 1e-300", ["Material/Density=1e-300"], 1),
        ("slr_cooling_la.prm", "Thermal conductivity 1e300", ["Material/Thermal conductivity=1e300"], 1),
        ("slr_cooling_la.prm", "Environment temperature 1e6 K",
         ["Thermal protocol/hold/Environment temperature=1e6"], 1),
        ("slr_cooling_la.prm", "Emissivity 1, environment 1e4 K",
         ["Thermal protocol/hold/Emissivity=1", "Thermal protocol/hold/Environment temperature=1e4"], 1),
        ("slr_cooling_la.prm", "Output/Interval in time 1e-300", ["Output/Interval in time=1e-300"], 1),
        ("compression_vit1.prm", "Young's modulus 1e300", ["Material/Young's modulus=1e300"], 1),
        ("compression_vit1.prm", "Cohesion 1e-300", ["Material/Mohr-Coulomb/Cohesion=1e-300"], 1),
    ]
    for name, desc, sets, ranks in runs:
        base = bases[name]
        add(Mutation(f"run: {desc}", name, shorten(base.text()), sets=sets, override=True,
                     run=True, ranks=ranks))
    # The progress guard: runs of the full protocol whose step stalls must stop by themselves.
    for name, desc, sets in (
            ("as_cast_vit1.prm", "heat-transfer coefficient 1e12 (60 s protocol)",
             ["Thermal protocol/mould/Heat transfer coefficient=1e12",
              "Time stepping/Maximum number of steps=2000000"]),
            ("slr_cooling_la.prm", "Maximum temperature change 1e-300 (20 min protocol)",
             ["Time stepping/Maximum temperature change=1e-300",
              "Time stepping/Maximum number of steps=100000"])):
        add(Mutation(f"run: {desc}", name, shorten(bases[name].text(), durations=False),
                     sets=sets, override=True, run=True, expect_error="the time step has stalled"))
    # 8. Meshes: a gmsh mesh file (written below from meshes/rod_cross_section.geo) mutated.
    mutations.extend(mesh_mutations(source_dir, bases["slr_cooling_la.prm"], rng))
    return mutations


def square_msh(scale=1.0, h=2.5e-4, n=8):
    """A msh22 quad mesh of a square [-n h/2, n h/2]^2 with physical ids: surface 1, edges 1."""
    nodes = []
    for j in range(n + 1):
        for i in range(n + 1):
            nodes.append(((i - n / 2) * h * scale, (j - n / 2) * h * scale))
    idx = lambda i, j: j * (n + 1) + i + 1
    elements = []
    for k in range(n):
        for a, b in ((idx(k, 0), idx(k + 1, 0)), (idx(n, k), idx(n, k + 1)),
                     (idx(k + 1, n), idx(k, n)), (idx(0, k + 1), idx(0, k))):
            elements.append((1, [a, b]))
    for j in range(n):
        for i in range(n):
            elements.append((3, [idx(i, j), idx(i + 1, j), idx(i + 1, j + 1), idx(i, j + 1)]))
    return nodes, elements


def msh_text(nodes, elements):
    out = ["$MeshFormat", "2.2 0 8", "$EndMeshFormat", "$Nodes", str(len(nodes))]
    out += [f"{k + 1} {x!r} {y!r} 0" for k, (x, y) in enumerate(nodes)]
    out += ["$EndNodes", "$Elements", str(len(elements))]
    out += [f"{k + 1} {t} 2 1 1 " + " ".join(map(str, v)) for k, (t, v) in enumerate(elements)]
    out += ["$EndElements", ""]
    return "\n".join(out)


def mesh_mutations(source_dir, slr, rng):
    """Broken meshes under the plate scenario (generalized plane strain, 2 mm square here)."""
    lines = list(slr.lines)
    for i, path, entry, value in slr.sets:
        if path == ["Geometry"]:
            lines[i] = ""
    # The mesh square is 2 mm wide: probes and point constraints inside it.
    text = "\n".join(lines)
    text = re.sub(r"(set Probe points\s*=).*", r"\1 centre: 0, 0; edge: 9e-4, 0", text)
    text = re.sub(r"(set Point constraints\s*=).*", r"\1 (0, 0): x, y; (1e-3, 0): y", text)
    text = re.sub(r"(set Robin boundary ids\s*=).*", r"\1 1", text)
    text = text.replace("subsection Geometry", "subsection Geometry\n  set Type = gmsh\n"
                        "  set Mesh file = mesh.msh", 1)
    nodes, elements = square_msh()
    good = msh_text(nodes, elements)
    out = [Mutation("mesh: unchanged", "slr_cooling_la.prm", text, files={"mesh.msh": good})]
    mm_nodes, _ = square_msh(scale=1e3)
    variants = {
        "empty file": "",
        "binary junk": "\x00\x01\x02garbage\xff" * 10,
        "truncated": good[: len(good) // 2],
        "node count too large": good.replace("$Nodes\n81", "$Nodes\n82", 1),
        "nan coordinate": good.replace(f"\n41 0.0 0.0 0", "\n41 nan 0.0 0", 1),
        "element with a missing node": good.replace(" 1 2 11 10\n", " 1 2 11 999\n", 1),
        "element list cut": good.split("$Elements")[0],
        "all nodes equal": msh_text([(0.0, 0.0)] * len(nodes), elements),
        "inverted elements": msh_text(nodes, [(t, v[::-1]) if t == 3 else (t, v) for t, v in elements]),
        "in mm, no scaling": msh_text(mm_nodes, elements),
        "msh format 9": good.replace("2.2 0 8", "9.9 0 8", 1),
    }
    for desc, content in variants.items():
        out.append(Mutation(f"mesh: {desc}", "slr_cooling_la.prm", text, files={"mesh.msh": content},
                            expect_output="is it in mm?" if "in mm" in desc else None,
                            expect_error="has no volume" if "all nodes equal" in desc else None))
    geo = open(os.path.join(source_dir, "meshes", "rod_cross_section.geo")).read()
    text_geo = text.replace("mesh.msh", "mesh.geo")
    out.append(Mutation("mesh: .geo syntax error", "slr_cooling_la.prm", text_geo,
                        files={"mesh.geo": geo.replace("Circle(1) = {2,1,3};", "Circle(1) = {2,1,3", 1)}))
    out.append(Mutation("mesh: .geo without a physical surface", "slr_cooling_la.prm", text_geo,
                        files={"mesh.geo": geo.replace("Physical Surface(1) = {1};", "", 1)}))
    out.append(Mutation("run: mesh unchanged", "slr_cooling_la.prm", shorten(text),
                        files={"mesh.msh": good}, run=True))
    out.append(Mutation("run: mesh inverted", "slr_cooling_la.prm", shorten(text), run=True,
                        files={"mesh.msh": msh_text(nodes, [(t, v[::-1]) if t == 3 else (t, v)
                                                            for t, v in elements])}))
    return out


def without_mpirun_exit_report(text):
    """stderr without mpirun's own report that a rank exited with a non-zero code (the
    blocks framed by lines of '-' that say so); an MPI_ABORT report stays."""
    out, block = [], None
    for line in text.split("\n"):
        if re.fullmatch(r"-{20,}", line.strip()):
            if block is None:
                block = []
                continue
            if not any("non-zero" in b or "exited with non-zero status" in b for b in block):
                out += ["-" * 20] + block + ["-" * 20]
            block = None
            continue
        (out if block is None else block).append(line)
    if block is not None:
        out += ["-" * 20] + block
    return "\n".join(out)


def check(m, args, work):
    """Run one mutation; return None if it passes, else (reason, command, rc, stdout, stderr)."""
    case = tempfile.mkdtemp(dir=work)
    prm = os.path.join(case, "input", "case.prm")
    os.makedirs(os.path.dirname(prm))
    with open(prm, "w") as f:
        f.write(m.text)
    for name, content in m.files.items():
        with open(os.path.join(case, "input", name), "w", errors="surrogateescape") as f:
            f.write(content)
    cwd = os.path.join(case, "cwd")
    os.makedirs(cwd)
    out_dir = os.path.join(case, "out")
    command = [args.bmgfe] + ([] if m.run else ["--validate"]) + [prm]
    for s in m.sets + [f"Output directory={out_dir}"]:
        command += ["--set", s]
    if m.ranks > 1:
        command = [args.mpirun, "--oversubscribe", "-np", str(m.ranks)] + command
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1")
    start = time.time()
    p = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, err = p.communicate(timeout=TIMEOUT)
        rc = p.returncode
    except subprocess.TimeoutExpired:
        # The child leads its own process group: end it with mpirun's ranks.
        os.killpg(p.pid, signal.SIGKILL)
        out, err = p.communicate()
        rc = None
    stdout, stderr = out.decode(errors="replace"), err.decode(errors="replace")
    elapsed = time.time() - start
    shown = " ".join(q if re.fullmatch(r"[\w./=-]+", q) else repr(q) for q in command)
    if len(shown) > 400:
        shown = shown[:400] + "..."

    def fail(reason):
        return (m, reason, shown, rc, stdout, stderr, elapsed)

    leftover = os.listdir(cwd)
    shutil.rmtree(case, ignore_errors=True)
    if rc is None:
        return fail(f"no answer within {TIMEOUT:.0f} s")
    if rc < 0:
        return fail(f"signal {-rc}")
    if m.ranks > 1:
        stderr = without_mpirun_exit_report(stderr)
    stderr_lines = [line for line in stderr.split("\n") if line.strip()]
    errors = [line for line in stderr_lines if line.startswith("bmgfe: error")]
    for text in LIBRARY_TEXT:
        # stdout ends with the timing table (a frame of '-'): library text only on stderr there.
        if text in stderr or (text in stdout and text != "----"):
            return fail(f"library text {text!r}")
    if leftover:
        return fail(f"files written into the working directory: {leftover}")
    timings.append((elapsed, m.name))
    if rc == 0:
        if errors:
            return fail("exit 0 with an error line")
        if m.expect_error is not None:
            return fail(f"accepted; expected an error naming {m.expect_error!r}")
        if m.expect_output is not None and m.expect_output not in stdout:
            return fail(f"no {m.expect_output!r} on stdout")
        return None
    if rc != 1:
        return fail(f"exit code {rc}")
    if len(errors) != 1 or not errors[0].startswith("bmgfe: error: "):
        return fail(f"{len(errors)} 'bmgfe: error: ' lines")
    if len(stderr_lines) != 1:
        return fail("text on stderr besides the error line")
    message = errors[0][len("bmgfe: error: "):]
    if m.override and m.sets:
        # An error about the overridden entry names the override, not the file.
        named = re.search(r"entry '(.+?)'(?![A-Za-z0-9])", message)
        overridden = [s.split("=", 1)[0] for s in m.sets]
        if named and named.group(1) in overridden and "command-line override" not in message:
            return fail("a --set value is blamed on the file")
    if m.line is not None and message.startswith(prm) and not re.match(re.escape(prm) + r":\d+: ", message):
        return fail("an error about the file without a line number")
    located = re.match(re.escape(prm) + r":(\d+): entry '(.+?)'(?![A-Za-z0-9])", message)
    if m.entry is not None and located and located.group(2) == m.entry and int(located.group(1)) != m.line:
        return fail(f"the error names line {located.group(1)}, the entry is on line {m.line}")
    if re.search(r"Line <\d+> of file|The entry value|The string <|does not match the (given )?pattern", message):
        return fail("deal.II's wording")
    if m.expect_error is not None and m.expect_error not in message:
        return fail(f"the error does not name {m.expect_error!r}")
    if len(message) > 1000:
        return fail(f"an error line of {len(message)} characters")
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bmgfe", required=True)
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--mpirun", default="mpirun")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", default="")
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args()

    mutations = generate(args.source_dir, random.Random(SEED))
    selected = [m for m in mutations if args.only in m.name or args.only in m.base]
    if args.list:
        for k, m in enumerate(mutations):
            print(f"{k:3d} {'run ' if m.run else 'val '}{m.base:28s} {m.name[:100]}")
        return 0
    print(f"input_fuzz: {len(selected)} mutations ({sum(m.run for m in selected)} runs), seed {SEED}")
    start = time.time()
    work = tempfile.mkdtemp(prefix="bmgfe_input_fuzz_")
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            results = list(pool.map(lambda m: check(m, args, work), selected))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    failures = [r for r in results if r is not None]
    print("slowest: " + "; ".join(f"{name} {seconds:.1f} s" for seconds, name in sorted(timings)[-4:]))
    slowest = max((r[6] for r in failures), default=0)
    print(f"input_fuzz: {len(selected) - len(failures)} of {len(selected)} pass "
          f"({time.time() - start:.0f} s)")
    if failures:
        print(f"\n{len(failures)} failures:")
        for k, (m, reason, command, rc, stdout, stderr, elapsed) in enumerate(failures):
            print(f"--- [{k + 1}] {m.base}: {m.name[:200]}")
            print(f"    failure: {reason} (exit {rc}, {elapsed:.1f} s)")
            print(f"    command: {command}")
            tail = (stderr.strip() or stdout.strip()).split("\n")
            for line in tail[-6:]:
                print(f"    | {line[:300]}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
