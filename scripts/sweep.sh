#!/usr/bin/env bash
# The sweeps of doc/results.md, now sweep files run by scripts/bmgfe-sweep (README.md,
# "Parameter sweeps"); run from anywhere, after scripts/setup.sh:
#   scripts/sweep.sh htc   # parameters/sweeps/htc_vit1.toml: the as-cast rod, then HTC holds of
#                          #   0.5, 1, 10, 30, 60, 120 min (output/sweeps/htc_vit1/)
#   scripts/sweep.sh slr   # parameters/sweeps/slr_cooling_la.toml: the La-based plate cooled at
#                          #   1, 5, 10, 20 K/min (output/sweeps/slr_cooling_la/)
# then the table of the headline numbers (results.md, results.csv and a plot in the sweep's
# folder). Finished runs are not run again. BMGFE_RANKS (default 1) ranks per run,
# BMGFE_SWEEP_JOBS (default 1) runs at a time. On a cluster: scripts/bmgfe-sweep slurm FILE.
set -euo pipefail
cd "$(dirname "$0")/.."
RANKS="${BMGFE_RANKS:-1}"
JOBS="${BMGFE_SWEEP_JOBS:-1}"
case "${1:-}" in
  htc) sweep=parameters/sweeps/htc_vit1.toml ;;
  slr) sweep=parameters/sweeps/slr_cooling_la.toml ;;
  *)
    echo "usage: scripts/sweep.sh htc|slr" >&2
    exit 2
    ;;
esac
scripts/bmgfe-sweep local "$sweep" -n "$RANKS" -j "$JOBS"
if [ "$1" = htc ]; then
  scripts/bmgfe-sweep collect "$sweep" --stage as_cast --no-plot   # the as-cast column
fi
scripts/bmgfe-sweep collect "$sweep"
