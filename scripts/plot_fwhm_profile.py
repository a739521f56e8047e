#!/usr/bin/python3
"""FWHM of H/mean(H) per indentation array against the radius (seed 000, Fig. 8 g), from
the virtual indentation of one or more runs (doc/results.md, "Mesoscale heterogeneity").

  scripts/plot_fwhm_profile.py OUT.png LABEL=RUN_DIR[:INDEX] ... [--quantity hardness]

INDEX is the indentation time index NNNNN (default: the last one in times.csv). The seed's
values (AC centre 0.272; A0.5 centre 0.115, edge 0.135) are drawn as markers.
"""
import argparse
import csv
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def profile(run, index):
    folder = os.path.join(run, "indentation")
    if index is None:
        index = int(list(csv.DictReader(open(os.path.join(folder, "times.csv"))))[-1]["index"])
    rows = [line for line in open(os.path.join(folder, f"fwhm_profile_{index:05d}.csv")) if not line.startswith("#")]
    return [r for r in csv.DictReader(rows) if int(r["indents"]) > 0]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("output")
    parser.add_argument("runs", nargs="+", help="LABEL=RUN_DIR[:INDEX]")
    parser.add_argument("--quantity", default="hardness")
    args = parser.parse_args()
    fig, ax = plt.subplots(figsize=(6, 4))
    for item in args.runs:
        label, _, spec = item.partition("=")
        run, _, index = spec.partition(":")
        rows = profile(run, int(index) if index else None)
        r = [1e3 * float(x["r_m"]) for x in rows]
        ax.plot(r, [float(x[f"{args.quantity}_fwhm"]) for x in rows], "o-", label=f"model {label}")
    ax.plot([0], [0.272], "ks", label="seed 000 AC (centre)")
    ax.plot([0, 1.35], [0.115, 0.135], "k^", label="seed 000 A0.5 (centre, edge)")
    ax.set_xlabel("array centre r [mm]")
    ax.set_ylabel(f"FWHM of {args.quantity}/mean (2.355 std/mean)")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(args.output, dpi=120)


if __name__ == "__main__":
    main()
