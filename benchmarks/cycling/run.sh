#!/usr/bin/env bash
# Cryogenic-cycling benchmark (issue 16, deliverable 5): N cycles of the mesoscale CTC model
# (parameters/ctc_vit1_mesoscale.prm: the cast 3 mm Vit1 section with its heterogeneity fields,
# 20 k cells, 6 um cells along one radius; viscoplastic free volume with the KWW spectrum;
# (ln2 1 min, boiling water 1 min) * N, then 5 min of room air) on R ranks with the scenario's
# settings, and the same for K cycles with the settings it had before the acceleration (the
# reference: Newton preconditioned by the AMG of the elastic stiffness rebuilt whenever a
# relaxation exponent exceeds 1e-12, at most 10 K per step, Picard to 1e-6 K), to show that
# the acceleration keeps the answer: the per-cycle results (cycles.csv) of the first K cycles of
# both runs side by side.
#
#   benchmarks/cycling/run.sh [--cycles N] [--ranks R] [--reference-cycles K] [--out DIR]
#                             [--bmgfe PATH] [--set Section/Entry=value ...]
#     --cycles N             cycles of the timed run (default 60)
#     --ranks R              MPI ranks (default 2)
#     --reference-cycles K   cycles of the reference run (default 3; 0: none)
#     --out DIR              results folder (default benchmarks/cycling/results)
#     --set ...              passed on to bmgfe in both runs (after the benchmark's own)
#
# The cast state (parameters/as_cast_vit1_mesoscale.prm, ~6 min on 2 ranks) is computed first
# if output/as_cast_vit1_mesoscale holds no completed run. The table (results.md in DIR):
# wall time of the run and per cycle (statistics.csv wall_time_s at the cycle ends), steps,
# Newton/GMRES iterations, preconditioner builds and the TimerOutput split; then the largest
# differences of the cycles.csv columns between the timed run and the reference, absolute
# and relative to the reference's own change over the K cycles (for x, T_f, dH_rel, H the
# change is the signal; their absolute level is set by the cast state).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
source "$root/benchmarks/common.sh"
bmgfe=""
cycles=60
ranks=2
reference_cycles=3
out="$here/results"
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --cycles) cycles="$2"; shift 2 ;;
    --ranks) ranks="$2"; shift 2 ;;
    --reference-cycles) reference_cycles="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --bmgfe) bmgfe="$2"; shift 2 ;;
    --set) extra+=(--set "$2"); shift 2 ;;
    *) echo "run.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done
require_benchmark_tools
mkdir -p "$out"
cd "$root"
prm=parameters/ctc_vit1_mesoscale.prm
load="$(cut -d' ' -f1 /proc/loadavg)"

state=output/as_cast_vit1_mesoscale
if ! grep -q '"completed"' "$state/summary.json" 2> /dev/null; then
  echo "run.sh: computing the cast state ($state) on $ranks ranks first"
  mkdir -p "$out/as_cast"
  run_timed_ranks "$out/as_cast" "$ranks" "" "$bmgfe" parameters/as_cast_vit1_mesoscale.prm \
    --overwrite  # not completed: replace what an unfinished attempt left
fi

# The settings before the acceleration (commit f8a251c).
reference_settings=(--set "Mechanics/Newton/Preconditioner=AMG"
                    --set "Time stepping/Initial time step=1e-3"
                    --set "Mechanics/Newton/Preconditioner relaxation bound=1e-12"
                    --set "Time stepping/Maximum temperature change=10"
                    --set "Heat/Solver/Nonlinear tolerance=1e-6")

run_case() { # NAME CYCLES [ARGS...]
  local name="$1" n="$2"
  shift 2
  local dir="$out/$name"
  rm -rf "$dir"
  mkdir -p "$dir"
  echo "run.sh: $name: $n cycles on $ranks ranks (load $(cut -d' ' -f1 /proc/loadavg))"
  date +%s.%N > "$dir/start"
  run_timed_ranks "$dir" "$ranks" "" "$bmgfe" "$prm" \
    --set "Thermal protocol/Sequence=(ln2, boiling_water)*$n, room" \
    --set "Output directory=$dir/run" "$@" "${extra[@]}"
  tail -n 1 "$dir/log.txt"
}

run_case "cycles_$cycles" "$cycles"
ref_dir=""
if [ "$reference_cycles" -gt 0 ]; then
  run_case "reference_$reference_cycles" "$reference_cycles" "${reference_settings[@]}"
  ref_dir="$out/reference_$reference_cycles"
fi
python3 "$here/summarise.py" "$out/cycles_$cycles" "$ref_dir" "$ranks" "$load" | tee "$out/results.md"
