#!/usr/bin/env python3
"""The module layering of bmgfe, checked from the #include lines.

Every module of include/bmgfe/<module>/ and source/<module>/ has a rank; a file may include
headers of its own module and of modules of lower rank only. base/ is the bottom (input
errors, expressions, kinematics, units), core/ (Simulator, Parameters) the top below main.cc:
no module other than core/ and main.cc includes core/, and nothing below physics/ includes
physics/. Exit status 1 and one line per violation when the layering is broken.

usage: check_layering.py SOURCE_DIR
"""
import pathlib
import re
import sys

RANKS = {
    "base": 0,
    "linear_algebra": 1,
    "materials": 1,
    "protocol": 1,
    "geometry": 1,
    "io": 1,
    "physics": 2,
    "postprocess": 3,
    "core": 4,
}
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]bmgfe/([a-z_]+)/([^>"]+)[>"]')


def module_of(root, path):
    rel = path.relative_to(root).parts
    if rel[0] == "include" and len(rel) > 3 and rel[1] == "bmgfe":
        return rel[2]
    if rel[0] == "source" and len(rel) > 2:
        return rel[1]
    return None


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    files = [p for d in ("include", "source") for p in (root / d).rglob("*")
             if p.suffix in (".h", ".cc")]
    if not files:
        print(f"check_layering: no sources under {root}")
        return 1
    violations = []
    checked = 0
    for path in sorted(files):
        module = module_of(root, path)
        if module is None:
            continue  # source/main.cc may include anything
        if module not in RANKS:
            violations.append(f"{path.relative_to(root)}: module '{module}' has no rank in "
                              "check_layering.py (add it to RANKS)")
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            checked += 1
            target = m.group(1)
            if target == module:
                continue
            if target not in RANKS:
                violations.append(f"{path.relative_to(root)}:{number}: includes unknown module "
                                  f"'{target}'")
            elif RANKS[target] >= RANKS[module]:
                violations.append(f"{path.relative_to(root)}:{number}: {module} (rank "
                                  f"{RANKS[module]}) includes {target}/{m.group(2)} (rank "
                                  f"{RANKS[target]}): only lower modules may be included")
    for v in violations:
        print(v)
    print(f"check_layering: {len(files)} files, {checked} bmgfe includes, "
          f"{len(violations)} violations")
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
