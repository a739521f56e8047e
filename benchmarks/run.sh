#!/usr/bin/env bash
# All of issue 17's performance figures in one run: the reference problem (heat alone and heat +
# thermo-elasticity, the coarse gmsh mesh refined once by p4est) with the chosen mechanics solver
# and its alternatives, and the plasticity benchmark (3D rod compression) with the chosen Newton
# preconditioner and the elastic-AMG one, each on 1 and 2 ranks; then the weak-scaling projection
# to 64 ranks from the measured 1- and 2-rank runs. Tables in benchmarks/results/ (Markdown).
#
#   benchmarks/run.sh [--ranks "1 2"] [--only reference|plasticity|scaling] [--bmgfe PATH]
#                     [--out DIR]
#
# Cases (labels in the first column of the tables):
#   heat            heat alone (Q1, 286 k DoFs), 20 steps of 2 ms
#   te-blocks       heat + mechanics, 'Mechanics/Solver/Operator = block-assembled' (geometric
#                   multigrid, Chebyshev degree 2, operators in node blocks, ML on the coarse
#                   level) - the choice of the benchmark input
#   te-mf           heat + mechanics, 'Mechanics/Solver/Operator = matrix-free' (the same
#                   multigrid with the cell loop, Chebyshev degree 5)
#   te-ml           heat + mechanics, assembled matrix, CG + ML (Trilinos) with rigid-body modes
#   te-gamg         heat + mechanics, assembled matrix, CG + GAMG (PETSc) with rigid-body modes
#   plastic-ew       the plasticity benchmark (benchmarks/plasticity/run.sh) as
#                    compression_rod_vit1.prm sets it: elastic AMG, Eisenstat-Walker forcing term
#   plastic-tangent  the same with 'Mechanics/Newton/Preconditioner = tangent AMG'
#   plastic-constant the same with a constant forcing term (the solver before issue 17)
# The machine should be otherwise idle; each table row states the load at its start and the
# CPU share every rank got. Times on another machine of this kind can differ by up to 2x:
# compare with a FEniCSx run of the same sitting (../README.md, "Reference figures").
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ranks="1 2"
only=""
bmgfe_args=()
out="$here/results"
while [ $# -gt 0 ]; do
  case "$1" in
    --ranks) ranks="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    --bmgfe) bmgfe_args=(--bmgfe "$2"); shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done
mkdir -p "$out"

if [ -z "$only" ] || [ "$only" = reference ]; then
  reference=("$here/heat/run.sh" "${bmgfe_args[@]}" --ranks "$ranks" --out "$out/reference")
  "${reference[@]}" --cases heat-coarse --label heat
  "${reference[@]}" --cases te-coarse --label te-blocks --set "Mechanics/Solver/Operator=block-assembled"
  "${reference[@]}" --cases te-coarse --label te-mf --set "Mechanics/Solver/Operator=matrix-free"
  "${reference[@]}" --cases te-coarse --label te-ml --set "Mechanics/Solver/Operator=assembled"
  "${reference[@]}" --cases te-coarse --label te-gamg --backend PETSc \
    --set "Mechanics/Solver/Operator=assembled"
fi

if [ -z "$only" ] || [ "$only" = plasticity ]; then
  plasticity=("$here/plasticity/run.sh" "${bmgfe_args[@]}" --ranks "$ranks" --out "$out/plasticity")
  "${plasticity[@]}" --label plastic-ew
  "${plasticity[@]}" --label plastic-tangent --set "Mechanics/Newton/Preconditioner=tangent AMG"
  "${plasticity[@]}" --label plastic-constant --set "Mechanics/Newton/Preconditioner=AMG" \
    --set "Mechanics/Newton/Forcing term=constant"
fi

if [ -z "$only" ] || [ "$only" = scaling ]; then
  one="$(ls -d "$out"/reference/te-blocks_Trilinos_np1_r1 2> /dev/null || true)"
  two="$(ls -d "$out"/reference/te-blocks_Trilinos_np2_r1 2> /dev/null || true)"
  if [ -n "$one" ] && [ -n "$two" ]; then
    python3 "$here/scaling/project.py" "$one" "$two" > "$out/scaling.md"
    cat "$out/scaling.md"
  else
    echo "run.sh: the projection needs the te-blocks runs on 1 and 2 ranks (--only reference first)" >&2
    exit 2
  fi
fi
echo "results: $out/reference/results.md, $out/plasticity/results.md, $out/scaling.md"
