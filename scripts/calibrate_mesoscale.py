#!/usr/bin/env python3
"""Calibrate the mesoscale heterogeneity of seed 000 (doc/model.md "Mesoscale heterogeneity").

Two numbers, nothing else, are fitted to the as-cast (AC) rod, measured by the virtual
indentation of htc_vit1_mesoscale.prm at t = 0 (the cast state with the structural field):

  * 'Heterogeneity/Free-volume amplitude' delta_x: the FWHM of H/mean(H) of the centre array
    (Gaussian fit to the histogram, as the paper: 0.272, seed 000 Fig. 8 f), by the secant
    method on delta_x;
  * 'Postprocess/Hardness/Tabor factor' C_T: the mean hardness of all arrays (6.6 GPa, seed 000
    Fig. 7 b). H = C_T sigma_c(x) is proportional to C_T, so one evaluation fixes it.

Each evaluation runs bmgfe on the file for one step of 1 ms (the t = 0 indentation is the
AC state). The cast state must exist (run as_cast_vit1_mesoscale.prm first). Prints the two
values; --write puts them into the file.

  scripts/calibrate_mesoscale.py parameters/htc_vit1_mesoscale.prm --np 2 [--write]
"""
import argparse
import csv
import math
import os
import re
import shutil
import subprocess
import sys


def read_profile(path):
    rows = [line for line in open(path) if not line.startswith("#")]
    return list(csv.DictReader(rows))


def evaluate(args, delta_x, tabor, workdir):
    out = os.path.join(workdir, "eval")
    shutil.rmtree(out, ignore_errors=True)
    command = []
    if args.np > 1:
        command += ["mpirun", "-np", str(args.np), "--oversubscribe"]
    command += [args.bmgfe, args.prm,
                "--set", f"Heterogeneity/Free-volume amplitude={delta_x!r}",
                "--set", f"Postprocess/Hardness/Tabor factor={tabor!r}",
                "--set", "Thermal protocol/Sequence=furnace",
                "--set", "Thermal protocol/furnace/Duration=1 ms",
                "--set", "Output/Write visualization=false",
                "--set", "Verbosity=quiet",
                "--set", f"Output directory={out}"]
    for s in args.set:
        command += ["--set", s]
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    run = subprocess.run(command, capture_output=True, text=True, env=env)
    if run.returncode != 0:
        sys.exit("calibrate_mesoscale: bmgfe failed:\n" + run.stdout[-3000:] + run.stderr[-3000:])
    profile = read_profile(os.path.join(out, "indentation", "fwhm_profile_00000.csv"))
    measured = [r for r in profile if int(r["indents"]) > 0]
    centre = min(measured, key=lambda r: float(r["r_m"]))
    n = sum(int(r["indents"]) for r in measured)
    mean_h = sum(float(r["hardness_mean_Pa"]) * int(r["indents"]) for r in measured) / n
    return {"fwhm_fit": float(centre["hardness_fwhm_fit"]), "fwhm_std": float(centre["hardness_fwhm"]),
            "mean_hardness": mean_h, "centre_r": float(centre["r_m"]),
            "app_fwhm_fit": float(centre["apparent_hardness_fwhm_fit"])}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("prm")
    parser.add_argument("--bmgfe", default=os.path.join(os.path.dirname(__file__), "..", "build", "bmgfe"))
    parser.add_argument("--np", type=int, default=2)
    parser.add_argument("--fwhm", type=float, default=0.272, help="target AC centre FWHM (seed 000: 0.27245)")
    parser.add_argument("--hardness", type=float, default=6.6e9, help="target AC mean hardness [Pa]")
    parser.add_argument("--tolerance", type=float, default=5e-4, help="on the FWHM")
    parser.add_argument("--set", action="append", default=[], help="passed on to bmgfe")
    parser.add_argument("--write", action="store_true", help="write the values into the file")
    parser.add_argument("--workdir", default="output/calibrate_mesoscale")
    args = parser.parse_args()
    if not os.path.isfile(args.prm):
        sys.exit(f"calibrate_mesoscale: no file {args.prm}")
    os.makedirs(args.workdir, exist_ok=True)

    tabor = 3.0
    history = []
    d0 = 0.1
    r0 = evaluate(args, d0, tabor, args.workdir)
    history.append((d0, r0))
    print(f"delta_x = {d0:.6g}: centre FWHM {r0['fwhm_fit']:.5g} (fit), {r0['fwhm_std']:.5g} (2.355 std)", flush=True)
    d1 = d0 * args.fwhm / r0["fwhm_fit"]
    for _ in range(8):
        r1 = evaluate(args, d1, tabor, args.workdir)
        history.append((d1, r1))
        print(f"delta_x = {d1:.6g}: centre FWHM {r1['fwhm_fit']:.5g} (fit), {r1['fwhm_std']:.5g} (2.355 std)", flush=True)
        if abs(r1["fwhm_fit"] - args.fwhm) < args.tolerance:
            break
        slope = (r1["fwhm_fit"] - r0["fwhm_fit"]) / (d1 - d0)
        d0, r0 = d1, r1
        d1 = d1 + (args.fwhm - r1["fwhm_fit"]) / slope
        if not (0 < d1 < 1):
            sys.exit(f"calibrate_mesoscale: delta_x left (0, 1): {d1}")
    else:
        sys.exit("calibrate_mesoscale: the secant iteration did not converge")
    delta_x = d1
    tabor = tabor * args.hardness / r1["mean_hardness"]
    check = evaluate(args, delta_x, tabor, args.workdir)
    print(f"calibrated: delta_x = {delta_x:.6g} (AC centre FWHM {check['fwhm_fit']:.5g}, fit; "
          f"{check['fwhm_std']:.5g}, 2.355 std; apparent hardness {check['app_fwhm_fit']:.5g}), "
          f"Tabor factor = {tabor:.6g} (AC mean H {check['mean_hardness'] / 1e9:.4f} GPa)")
    if args.write:
        text = open(args.prm).read()
        text, n1 = re.subn(r"(\n\s*set Free-volume amplitude\s*=\s*)[^\n]*", lambda m: m.group(1) + f"{delta_x:.6g}", text)
        text, n2 = re.subn(r"(\n\s*set Tabor factor\s*=\s*)[^\n]*", lambda m: m.group(1) + f"{tabor:.6g}", text)
        if n1 != 1 or n2 != 1:
            sys.exit("calibrate_mesoscale: --write needs exactly one 'set Free-volume amplitude' and one "
                     "'set Tabor factor' line in the file")
        open(args.prm, "w").write(text)
        print(f"written into {args.prm}")


if __name__ == "__main__":
    main()
