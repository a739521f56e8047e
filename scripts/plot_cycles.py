#!/usr/bin/python3
"""Per-cycle measures of thermal-cycling runs against the cycle count (issue 16; doc/results.md
"Cryogenic thermal cycling"), from the cycles.csv that 'cycle statistics' writes.

  scripts/plot_cycles.py OUT.png LABEL=RUN_DIR ... [--relative]

One panel per measure: mean free volume, T_f, dH_rel, hardness and its FWHM, yielded volume
fraction, plastic work of the cycle and the largest stress/strength ratio of the cycle.
--relative plots the changes from cycle 0 (x, T_f, dH_rel, H) instead of the values.
"""
import argparse
import csv
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

PANELS = [
    ("free_volume_mean", "mean free volume x", True),
    ("fictive_temperature_mean_K", "mean T_f [K]", True),
    ("relaxation_enthalpy_mean_J_per_g", "mean ΔH_rel [J/g]", True),
    ("hardness_mean_Pa", "mean H [GPa]", True),
    ("hardness_fwhm", "FWHM of H/mean(H) (points)", False),
    ("yielded_fraction_total", "yielded volume fraction", False),
    ("plastic_work_cycle", "plastic work of the cycle", False),
    ("strength_ratio_max", "max σ_vM/σ_c(x) in the cycle", False),
]


def read(run):
    with open(os.path.join(run, "cycles.csv")) as f:
        return list(csv.DictReader(f))


def column(rows, name):
    key = [k for k in rows[0] if k.startswith(name)][0]
    return key, [float(r[key]) for r in rows]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("png")
    p.add_argument("runs", nargs="+", help="LABEL=RUN_DIR")
    p.add_argument("--relative", action="store_true")
    args = p.parse_args()
    fig, axes = plt.subplots(2, 4, figsize=(15, 6.5))
    for spec in args.runs:
        label, run = spec.split("=", 1)
        rows = read(run)
        cycles = [int(r["cycle"]) for r in rows]
        for ax, (name, title, relative) in zip(axes.flat, PANELS):
            key, v = column(rows, name)
            if name == "hardness_mean_Pa":
                v = [h / 1e9 for h in v]
            if args.relative and relative:
                v = [y - v[0] for y in v]
                title = "change of " + title
            ax.plot(cycles, v, "o-", ms=3, label=label)
            ax.set_title(title + (" [%s]" % key.split("cycle_")[-1] if name == "plastic_work_cycle" else ""),
                         fontsize=9)
            ax.set_xlabel("cycle")
            ax.grid(alpha=0.3)
    axes.flat[0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(args.png, dpi=110)
    print("wrote " + args.png)


if __name__ == "__main__":
    main()
