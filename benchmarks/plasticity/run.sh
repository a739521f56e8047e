#!/usr/bin/env bash
# Plasticity benchmark of bmgfe: the 3D Vit1 rod in uniaxial compression
# (parameters/compression_rod_vit1.prm: 154 k displacement DoFs, frictionless platens,
# free-volume Mohr-Coulomb with the nonlocal free volume, Newton + GMRES preconditioned by the ML
# AMG of the elastic stiffness), cut to a programme that ends before the whole rod yields: the
# elastic state at 1.6 % nominal strain (step 0), then ten steps of 0.25 s (0.025 %, the
# scenario's rate 1e-3 1/s and step) to 1.85 %; the soft spot yields from about 1.75 %, so the
# last five steps are plastic (up to ~4 000 of the 393 216 quadrature points). No visualization
# output. Runs on 1 and 2 MPI ranks and prints a Markdown table (see benchmarks/README.md,
# section "Plasticity").
#
#   benchmarks/plasticity/run.sh [options] [--set Section/Entry=value ...]
#     --case NAME       rod (default; above) or notch (benchmarks/notch/run.sh: the 3D notched
#                       Zr61Ti2Cu25Al12 rod of parameters/notch_compression_zr61.prm, see there)
#     --bmgfe PATH      bmgfe executable (default: build/bmgfe, else build-bench/bmgfe)
#     --ranks LIST      "1 2" (default)
#     --repeat N        runs per configuration (default 1; the machine may be shared)
#     --perf            run the 1-rank case under 'perf record' (self time per symbol, 499 Hz)
#                       and estimate the material-point update's share of the assembly
#     --out DIR         results folder (default benchmarks/plasticity/results)
#     --label TEXT      first column of the table (default "rod")
#     --set ...         passed on to bmgfe after the benchmark's own overrides (e.g. --set
#                       "Mechanics/Newton/Linear tolerance=1e-3")
#
# Per-step figures are over steps 1..N of statistics.csv (step 0, the state at t = 0, is part of
# the set-up). Newton / GMRES iterations per step: the statistics columns 'Newton iterations
# (mechanics)' and 'Linear iterations (mechanics)' (all substeps of a step); plastic steps =
# steps with plastic quadrature points. Time split: TimerOutput totals (largest over the ranks;
# they include the solve of step 0, the elastic state at t = 0) divided by N + 1. "assembly" = 'mechanics: assemble tangent and residual' (the element loop: the
# material-point update, the tangent, the residual of every line-search trial and, once, the
# elastic stiffness for the AMG), "solve" = GMRES + ML V-cycles, "AMG setup" = the ML hierarchy
# (built once), "commit" = 'mechanics: commit state' without its nonlocal part, "nonlocal" =
# 'nonlocal: assemble rhs / solve / evaluate', "post" = 'mechanics: stresses' + 'postprocess'
# (probes, reaction forces, shear-band analysis) + 'output'. The material-point update
# (viscoplastic::update, the Mohr-Coulomb return map with its eigen-decomposition) runs inside
# the assembly loop without a timer of its own: --perf gives its share of the samples, times
# the run's wall time. Set-up = from mpirun to the end of step 0. Peak memory = "Maximum
# resident set size" of /usr/bin/time -v per rank; CPU share = its "Percent of CPU this job got"
# (below 100 % the machine was busy with other work). All timer sections per run are in
# <out>/<run>/timers.md; the table is made by summarise.py (also usable on its own:
# summarise.py RUN_DIR START_EPOCH RANKS LOAD LABEL).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bmgfe=""
ranks="1 2"
repeat=1
perf=0
out="$here/results"
prm="$root/parameters/compression_rod_vit1.prm"
label="rod"
# The benchmark: the scenario's mesh, material, spot and time step; a shorter programme.
# The programme starts 16 s early: step 0 solves the elastic state at 1.6 % strain directly, then
# ten steps of 0.25 s (0.025 % each, the scenario's rate and step) to 1.85 %. (A fast loading
# segment instead would make the predictor of the first slow step extrapolate the fast rate.)
case_args=(--set "Mechanics/Loading programme/Start time=-16"
           --set "Mechanics/Loading programme/Segments=load to -0.03 in 30 s"
           --set "Thermal protocol/test/Duration=2.5 s"
           --set "Output/Write visualization=false")
case_name=rod
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --bmgfe) bmgfe="$2"; shift 2 ;;
    --ranks) ranks="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    --perf) perf=1; shift ;;
    --out) out="$2"; shift 2 ;;
    --label) label="$2"; shift 2 ;;
    --set) extra+=(--set "$2"); shift 2 ;;
    --case) case_name="$2"; shift 2 ;;
    -h|--help) sed -n '2,45p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done
case "$case_name" in
  rod) ;;
  notch)
    prm="$root/parameters/notch_compression_zr61.prm"
    [ "$label" = rod ] && label="notch"
    [ "$out" = "$here/results" ] && out="$root/benchmarks/notch/results"
    # The solid rod (3D): the scenario's section revolved in 16 cells (9 600 hexahedra), Q2 as
    # in the scenario, frictionless platens, the scenario's material and rate. Step 0 solves
    # the elastic state at 0.35 % nominal strain directly (the roots yield from ~0.38 %), then
    # ten steps of 2.5 s (0.025 % each, the scenario's step) to 0.6 %, where the plastic zones
    # at the roots grow. The fronts form near 3 % (doc/results.md, "Notched Zr61Ti2Cu25Al12
    # rod"), so the benchmark measures the cost of the first plastic steps. Only the
    # postprocessors that every run has.
    case_args=(--set "Dimension=3"
               --set "Heat/Boundary conditions/Insulated boundary ids="
               --set "Mechanics/Boundary conditions/Point constraints=(0, 0, 0): x, y; (2.25e-3, 0, 0): y"
               --set "Mechanics/Loading programme/Start time=-35"
               --set "Mechanics/Loading programme/Segments=load to -0.0075 in 75 s"
               --set "Thermal protocol/test/Duration=25 s"
               --set "Time stepping/Initial time step=2.5"
               --set "Postprocess/List of postprocessors=run statistics, mechanics statistics, reaction forces, plasticity statistics"
               --set "Output/Write visualization=false") ;;
  *) echo "run.sh: unknown case '$case_name' (rod, notch)" >&2; exit 2 ;;
esac
# shellcheck source=../common.sh
. "$here/../common.sh"
require_benchmark_tools
if [ "$perf" = 1 ]; then
  command -v perf > /dev/null || { echo "run.sh: --perf needs perf" >&2; exit 2; }
fi

mkdir -p "$out"
table="$out/results.md"
if [ ! -s "$table" ]; then
  {
    echo "| case | ranks | DoFs (u) | steps (plastic) | Newton its/step mean / median / max | Newton its/plastic step median | GMRES its/step mean / median / max | GMRES its per Newton it | cutbacks | step wall mean / median / max [s] | plastic step wall mean [s] | assembly/step [s] | material update/step [s] | solve/step [s] | AMG setup [s] | commit/step [s] | nonlocal/step [s] | heat/step [s] | post/step [s] | set-up [s] | total [s] | peak RSS/rank [MB] | CPU share/rank | load at start | date |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  } > "$table"
fi

run_one() {
  local np="$1" rep="$2"
  local tag="${label}_np${np}_r${rep}"
  local dir="$out/$tag"
  rm -rf "$dir"
  mkdir -p "$dir"
  local load
  load="$(cut -d' ' -f1 /proc/loadavg)"
  echo "== $tag (load $load)"
  local prefix=""
  if [ "$perf" = 1 ] && [ "$np" = 1 ]; then
    prefix='perf record -F 499 -q -o "$0/perf.data" --'
  fi
  local start="$EPOCHREALTIME"
  run_timed_ranks "$dir" "$np" "$prefix" \
    "$bmgfe" "$prm" --set "Output directory=$dir/output" --set "Verbosity=normal" \
    "${case_args[@]}" "${extra[@]}"
  if [ -s "$dir/perf.data" ]; then
    perf report -i "$dir/perf.data" --stdio --no-children --sort dso,symbol --percent-limit 0.05 \
      2> /dev/null | grep '%' > "$dir/perf_symbols.txt" || true
  fi
  python3 "$here/summarise.py" "$dir" "$start" "$np" "$load" "$label" >> "$table"
  tail -n 1 "$table"
}

for np in $ranks; do
  for rep in $(seq 1 "$repeat"); do
    run_one "$np" "$rep"
  done
done
echo "results: $table"
