#!/usr/bin/env bash
# The chain of seed 000 for one or more HTC hold times: casting (parameters/as_cast_vit1.prm,
# once), HTC hold at 0.98 Tg + water quench (parameters/htc_vit1.prm), room-temperature
# compression of the treated rod (parameters/compression_htc_vit1.prm), each stage reading the
# previous one's output (doc/model.md, "Runs that continue a previous run").
#   scripts/chain_htc_compression.sh 0 0.5 60     # AC (hold 0: the cast rod itself), A0.5, A60
# Outputs: output/as_cast_vit1, output/htc_vit1_<h>min, output/compression_htc_vit1_<h>min
# (AC: output/compression_htc_vit1_0min), then one table of the compression results
# (scripts/summary_table.py). BMGFE_RANKS (default 1) ranks per run; completed stages are
# rerun only with BMGFE_RERUN=1. A stage that is (re)run replaces what its output directory
# holds (bmgfe --overwrite: a failed, interrupted or killed attempt, or with BMGFE_RERUN=1 the
# completed run).
set -euo pipefail
cd "$(dirname "$0")/.."
BMGFE="${BMGFE_BUILD_DIR:-build}/bmgfe"
RANKS="${BMGFE_RANKS:-1}"
if [ "$(id -u)" -eq 0 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
[ $# -ge 1 ] || { echo "usage: $0 HOLD_MIN [HOLD_MIN ...]   (0: the as-cast rod)" >&2; exit 2; }
run() { mpirun --oversubscribe -np "$RANKS" "$BMGFE" "$@" --overwrite; }
done_before() { [ "${BMGFE_RERUN:-0}" != 1 ] && grep -q '"completed"' "$1/summary.json" 2>/dev/null; }

done_before output/as_cast_vit1 || run parameters/as_cast_vit1.prm
dirs=()
for h in "$@"; do
  if [ "$h" = 0 ]; then
    state=output/as_cast_vit1
  else
    state="output/htc_vit1_${h}min"
    done_before "$state" ||
      run parameters/htc_vit1.prm --set "Thermal protocol/furnace/Duration=$h min" \
                                  --set "Output directory=$state"
  fi
  out="output/compression_htc_vit1_${h}min"
  done_before "$out" ||
    run parameters/compression_htc_vit1.prm --set "Material/Free volume/Initial state=$state" \
                                            --set "Output directory=$out"
  dirs+=("$out")
done
scripts/summary_table.py --keys yield_stress_Pa nominal_stress_peak_Pa nominal_strain_at_peak \
  failed failure_strain plastic_strain_at_failure band_tracking_bands band_tracking_branch_points \
  band_tracking_tips_inside wall_time_s -- "${dirs[@]}"
