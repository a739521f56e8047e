#!/usr/bin/python3
"""Rejuvenation threshold of cryogenic thermal cycling: a map over (delta_alpha, delta_x) of the
free-volume change after N cycles (doc/results.md, "Cryogenic thermal cycling"; issue 16).

  scripts/ctc_threshold_map.py OUT_DIR [--alpha 0,0.1,0.5,1,2,4,6,8] [--x 0,0.198069]
                               [--cycles 20] [--jobs 1] [--np 1] [--set "Entry=value" ...]
                               [--bmgfe build/bmgfe] [--prm parameters/ctc_vit1_window.prm]

Runs the window model (parameters/ctc_vit1_window.prm) once per grid point into
OUT_DIR/a<delta_alpha>_x<delta_x>/ (a finished run, summary.json 'completed', is not run again),
then writes OUT_DIR/map.csv (one row per point: the amplitudes, the mean free volume before
and after the cycles and its change, the yielded volume fraction, the plastic work, the
largest stress/strength ratio of the cycles, the largest von Mises stress) and, with
matplotlib, OUT_DIR/map.png (the change of x and the stress/strength ratio against
delta_alpha, one curve per delta_x) with the threshold where the ratio reaches 1.
Extra --set options go to every run (e.g. the creation term:
--set "Material/Free volume/Creation/Enabled=true").
"""
import argparse
import concurrent.futures
import csv
import json
import os
import subprocess
import sys


def run_point(args, a, x, out):
    summary = os.path.join(out, "summary.json")
    if os.path.exists(summary):
        with open(summary) as f:
            if json.load(f).get("status") == "completed":
                return out, 0
    cmd = []
    if args.np > 1:
        cmd += ["mpirun", "--oversubscribe", "-np", str(args.np)]
    cmd += [args.bmgfe, args.prm,
            "--set", "Heterogeneity/CTE amplitude=%g" % a,
            "--set", "Heterogeneity/Free-volume amplitude=%g" % x,
            "--set", "Thermal protocol/Sequence=(ln2, boiling_water)*%d" % args.cycles,
            "--set", "Output directory=" + out]
    for s in args.set:
        cmd += ["--set", s]
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    with open(out + ".log", "w") as log:
        rc = subprocess.call(cmd, stdout=log, stderr=subprocess.STDOUT)
    return out, rc


def read_cycles(out):
    with open(os.path.join(out, "cycles.csv")) as f:
        return list(csv.DictReader(f))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out")
    p.add_argument("--alpha", default="0,0.1,0.5,1,2,4,6,8")
    p.add_argument("--x", default="0,0.198069")
    p.add_argument("--cycles", type=int, default=20)
    p.add_argument("--jobs", type=int, default=1)
    p.add_argument("--np", type=int, default=1)
    p.add_argument("--set", action="append", default=[])
    here = os.path.dirname(os.path.abspath(__file__))
    p.add_argument("--bmgfe", default=os.path.join(here, "..", "build", "bmgfe"))
    p.add_argument("--prm", default=os.path.join(here, "..", "parameters", "ctc_vit1_window.prm"))
    args = p.parse_args()
    alphas = [float(v) for v in args.alpha.split(",")]
    xs = [float(v) for v in args.x.split(",")]
    points = [(a, x, os.path.join(args.out, "a%g_x%g" % (a, x))) for x in xs for a in alphas]
    failed = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for out, rc in pool.map(lambda t: run_point(args, *t), points):
            print(("done   " if rc == 0 else "FAILED ") + out, flush=True)
            if rc != 0:
                failed.append(out)
    rows = []
    for a, x, out in points:
        if out in failed:
            continue
        c = read_cycles(out)
        first, last = c[0], c[-1]
        ratio = max(float(r["strength_ratio_max"]) for r in c)
        vm = max(float(r["von_mises_max_Pa"]) for r in c)
        work = [k for k in last if k.startswith("plastic_work_total")][0]
        rows.append({
            "delta_alpha": a, "delta_x": x, "cycles": int(last["cycle"]),
            "x_initial": float(first["free_volume_mean"]), "x_final": float(last["free_volume_mean"]),
            "x_change": float(last["free_volume_mean"]) - float(first["free_volume_mean"]),
            "x_change_relative": (float(last["free_volume_mean"]) - float(first["free_volume_mean"])) /
                                 float(first["free_volume_mean"]),
            "x_change_last_cycle": float(last["free_volume_mean"]) - float(c[-2]["free_volume_mean"]),
            "yielded_fraction": float(last["yielded_fraction_total"]),
            "plastic_work_total": float(last[work]),
            "strength_ratio_max": ratio, "strength_ratio_initial": float(first["strength_ratio_max"]),
            "von_mises_max_Pa": vm})
    with open(os.path.join(args.out, "map.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)
    print("wrote " + os.path.join(args.out, "map.csv"))
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib missing: no map.png")
        return 1 if failed else 0
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
    for x in xs:
        r = sorted([row for row in rows if row["delta_x"] == x], key=lambda row: row["delta_alpha"])
        a = [row["delta_alpha"] for row in r]
        ax1.plot(a, [row["x_change_relative"] for row in r], "o-", label="δ_x = %g" % x)
        ax2.plot(a, [row["strength_ratio_max"] for row in r], "o-", label="δ_x = %g" % x)
    ax1.set_xlabel("CTE amplitude δ_α")
    ax1.set_ylabel("Δx̄/x̄ after %d cycles" % args.cycles)
    ax1.axhline(0, color="grey", lw=0.5)
    ax1.set_yscale("symlog", linthresh=1e-8)
    ax2.axhline(1, color="k", ls="--", lw=0.8, label="yield (σ_vM = σ_c(x))")
    ax2.set_xlabel("CTE amplitude δ_α")
    ax2.set_ylabel("max σ_vM / σ_c(x) over the cycles")
    for ax in (ax1, ax2):
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
    fig.suptitle("Cryogenic cycling 77 K ↔ 373 K, Vit1 window (l_c = 10 µm, δ_E = 0.03)")
    fig.tight_layout()
    fig.savefig(os.path.join(args.out, "map.png"), dpi=120)
    print("wrote " + os.path.join(args.out, "map.png"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
