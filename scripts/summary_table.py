#!/usr/bin/env python3
"""Headline numbers of several bmgfe runs as one Markdown table (rows: quantities, columns:
runs), read from each run directory's summary.json.

    scripts/summary_table.py output/htc_vit1_*min
    scripts/summary_table.py --keys "centre T_f (K)" "edge T_f (K)" -- output/slr_*

Runs whose summary.json does not say "completed" are refused (exit code 1).
"""
import argparse
import json
import os
import sys

DEFAULT_KEYS = [
    "centre T_f (K)", "edge T_f (K)", "edge - centre T_f (K)",
    "centre x (-)", "edge x (-)",
    "centre H (Pa)", "edge H (Pa)", "volume mean H (Pa)",
    "centre FWHM of H/mean(H) (-)", "edge FWHM of H/mean(H) (-)",
    "centre H_app (Pa)", "edge H_app (Pa)",
    "centre sigma_tt (Pa)", "edge sigma_tt (Pa)", "centre sigma_zz (Pa)", "edge sigma_zz (Pa)",
    "maximal von Mises stress (Pa)",
    "centre dH_rel (J/g)", "edge dH_rel (J/g)", "volume mean dH_rel (J/g)",
    "time steps", "wall time (s)",
]


def fmt(v):
    if isinstance(v, (int, float)):
        if float(v).is_integer() and abs(v) < 1e6:
            return str(int(v))
        return "%.4g" % v
    return str(v)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("runs", nargs="+", help="run directories (each with summary.json)")
    ap.add_argument("--keys", nargs="+", default=DEFAULT_KEYS, help="summary.json keys (rows)")
    args = ap.parse_args()
    summaries = []
    for run in args.runs:
        path = os.path.join(run, "summary.json")
        try:
            with open(path) as f:
                s = json.load(f)
        except (OSError, ValueError) as e:
            sys.exit("summary_table.py: error: %s: %s" % (path, e))
        if s.get("status") != "completed":
            sys.exit("summary_table.py: error: %s: status '%s', not 'completed'" % (path, s.get("status")))
        summaries.append(s)
    names = [os.path.basename(os.path.normpath(r)) for r in args.runs]
    print("| quantity | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for k in args.keys:
        if not any(k in s for s in summaries):
            continue
        print("| %s | %s |" % (k, " | ".join(fmt(s[k]) if k in s else "–" for s in summaries)))


if __name__ == "__main__":
    main()
