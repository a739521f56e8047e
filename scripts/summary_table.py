#!/usr/bin/env python3
"""Headline numbers of several bmgfe runs as one Markdown table (rows: quantities, columns:
runs), read from each run directory's summary.json.

    scripts/summary_table.py output/htc_vit1_*min
    scripts/summary_table.py --keys fictive_temperature_centre_ring_K fictive_temperature_edge_ring_K -- output/slr_*

Runs whose summary.json does not say "completed" are refused (exit code 1).
"""
import argparse
import json
import os
import sys

DEFAULT_KEYS = [
    "fictive_temperature_centre_ring_K", "fictive_temperature_edge_ring_K",
    "fictive_temperature_edge_minus_centre_ring_K",
    "free_volume_centre_ring", "free_volume_edge_ring",
    "hardness_centre_ring_Pa", "hardness_edge_ring_Pa", "hardness_volume_mean_Pa",
    "relative_hardness_fwhm_centre_ring", "relative_hardness_fwhm_edge_ring",
    "apparent_hardness_centre_ring_Pa", "apparent_hardness_edge_ring_Pa",
    "stress_tt_centre_ring_Pa", "stress_tt_edge_ring_Pa", "stress_zz_centre_ring_Pa",
    "stress_zz_edge_ring_Pa", "von_mises_stress_max_Pa",
    "relaxation_enthalpy_centre_ring_J_per_g", "relaxation_enthalpy_edge_ring_J_per_g",
    "relaxation_enthalpy_volume_mean_J_per_g",
    "time_steps", "wall_time_s",
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
