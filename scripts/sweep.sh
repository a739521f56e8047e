#!/usr/bin/env bash
# Parameter sweeps of the viscous scenarios, each run as its own bmgfe job, then one table of
# the headline numbers (scripts/summary_table.py). Run from the repository (outputs go to
# output/), after scripts/setup.sh:
#   scripts/sweep.sh htc   # as-cast rod (as_cast_vit1.prm), then HTC holds of 0.5, 1, 10, 30, 60, 120 min
#   scripts/sweep.sh slr   # La-based plate cooled from the supercooled liquid at 1, 5, 10, 20 K/min
# BMGFE_RANKS (default 1) ranks per run. On a cluster, submit the same bmgfe command lines
# as an array job instead (one --set per array index).
set -euo pipefail
cd "$(dirname "$0")/.."
BMGFE="${BMGFE_BUILD_DIR:-build}/bmgfe"
RANKS="${BMGFE_RANKS:-1}"
if [ "$(id -u)" -eq 0 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
run() { mpirun --oversubscribe -np "$RANKS" "$BMGFE" "$@"; }

case "${1:-}" in
  htc)
    run parameters/as_cast_vit1.prm
    dirs=()
    for h in 0.5 1 10 30 60 120; do
      run parameters/htc_vit1.prm --set "Thermal protocol/furnace/Duration=$h min" \
                                  --set "Output directory=output/htc_vit1_${h}min"
      dirs+=("output/htc_vit1_${h}min")
    done
    scripts/summary_table.py output/as_cast_vit1 "${dirs[@]}"
    ;;
  slr)
    dirs=()
    for r in 1 5 10 20; do
      run parameters/slr_cooling_la.prm --set "Thermal protocol/cool/Environment temperature rate=-$r" \
                                        --set "Output directory=output/slr_cooling_la_${r}Kmin"
      dirs+=("output/slr_cooling_la_${r}Kmin")
    done
    scripts/summary_table.py "${dirs[@]}"
    ;;
  *)
    echo "usage: scripts/sweep.sh htc|slr" >&2
    exit 2
    ;;
esac
