#!/usr/bin/env python3
"""Plot centre-to-edge profiles of one or several bmgfe runs into a PNG.

    scripts/plot_profiles.py --field FIELD --out FILE.png CSV [CSV ...] [--label TEXT ...]

CSV files are the `profiles/profile_NNNNN.csv` (point values along a radius) or
`profiles/rings_NNNNN.csv` (ring statistics: the mean is drawn with a band of +-1 standard
deviation) files that bmgfe writes at `Statistics/Profile times` and at the end of a run;
files of both kinds and of different runs may be mixed. Each curve is labelled with its run
folder and time unless --label gives one label per file. Stresses (fields with 'stress' or
'von_mises' in the name) are drawn in MPa, radii in mm.

Examples:
    scripts/plot_profiles.py --field stress_tt --out hoop.png output/htc_*/profiles/rings_00002.csv
    scripts/plot_profiles.py --field T --out T.png run/profiles/profile_0000{0,1,2}.csv
"""
import argparse
import csv
import os
import re
import sys


def read_csv(path):
    """(time or None, column names, rows as float lists) of a bmgfe profile/ring file."""
    time = None
    with open(path, newline="") as f:
        first = f.readline()
        match = re.search(r"time = ([0-9.eE+-]+)", first)
        if match:
            time = float(match.group(1))
        if not first.startswith("#"):
            f.seek(0)
        reader = csv.reader(f)
        header = next(reader)
        rows = [[float(v) for v in row] for row in reader if row]
    return time, header, rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", metavar="CSV")
    parser.add_argument("--field", required=True, help="e.g. T, stress_tt, von_mises, g")
    parser.add_argument("--out", required=True, help="PNG file to write")
    parser.add_argument("--label", action="append", help="one per CSV, in order")
    parser.add_argument("--title", default=None)
    args = parser.parse_args()
    if args.label and len(args.label) != len(args.files):
        sys.exit("plot_profiles.py: give one --label per CSV file (%d files, %d labels)"
                 % (len(args.files), len(args.label)))

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    in_mpa = "stress" in args.field or "von_mises" in args.field
    scale = 1e-6 if in_mpa else 1.0
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for i, path in enumerate(args.files):
        try:
            time, header, rows = read_csv(path)
        except (OSError, StopIteration, ValueError) as error:
            sys.exit("plot_profiles.py: %s: cannot read it as a bmgfe profile CSV (%s)"
                     % (path, error))
        folder = os.path.basename(os.path.dirname(os.path.dirname(os.path.abspath(path))))
        label = args.label[i] if args.label else (
            folder + ("" if time is None else ", t = %.4g s" % time))
        if "r_inner" in header:  # ring statistics
            name = args.field + "_mean"
            if name not in header:
                sys.exit("plot_profiles.py: %s: no field '%s' (ring columns: %s)"
                         % (path, args.field, ", ".join(h[:-5] for h in header if h.endswith("_mean"))))
            c, s = header.index(name), header.index(args.field + "_std")
            r = [0.5e3 * (row[1] + row[2]) for row in rows]
            mean = [row[c] * scale for row in rows]
            std = [row[s] * scale for row in rows]
            line, = ax.plot(r, mean, "o-", label=label + " (ring mean +- std)")
            ax.fill_between(r, [m - d for m, d in zip(mean, std)],
                            [m + d for m, d in zip(mean, std)], color=line.get_color(), alpha=0.2)
        else:  # point profile
            if args.field not in header:
                sys.exit("plot_profiles.py: %s: no field '%s' (columns: %s)"
                         % (path, args.field, ", ".join(header[1:])))
            c = header.index(args.field)
            ax.plot([row[0] * 1e3 for row in rows], [row[c] * scale for row in rows], "-",
                    label=label)
    ax.set_xlabel("r [mm]")
    ax.set_ylabel(args.field + (" [MPa]" if in_mpa else ""))
    ax.axhline(0, color="0.7", linewidth=0.8) if in_mpa else None
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    if args.title:
        ax.set_title(args.title)
    fig.tight_layout()
    fig.savefig(args.out, dpi=120)
    print("plot_profiles.py: wrote %s (%d curves)" % (args.out, len(args.files)))


if __name__ == "__main__":
    main()
