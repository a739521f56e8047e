#!/usr/bin/env bash
# Heat benchmarks of bmgfe: runs every case on 1 and 2 MPI ranks and collects DoFs, steps,
# CG iterations, wall time per step (assembly / solve / output), set-up time and peak memory
# per rank into a Markdown table (see benchmarks/README.md).
#
#   benchmarks/heat/run.sh [options] [--set Section/Entry=value ...]
#     --bmgfe PATH      bmgfe executable (default: build/bmgfe, the Release build of setup.sh)
#     --cases LIST      "peer 1M" (default) - peer: rod_quench_peer_heat.prm, 1M: rod_3d_1M.prm,
#                       te: ../thermoelastic/rod_quench_peer_thermoelastic.prm (heat + mechanics),
#                       te-translations: the same with translations only in the mechanics AMG,
#                       te-coarse: ../thermoelastic/rod_quench_peer_thermoelastic_coarse.prm (the
#                       coarse mesh refined once by p4est: 275 200 hexes), heat-coarse: its heat
#                       alone
#     --label TEXT      first column of the table (default: the case)
#     --ranks LIST      "1 2" (default)
#     --backend NAME    Trilinos (default) or PETSc
#     --repeat N        runs per configuration (default 1; the machine may be shared)
#     --out DIR         results folder (default benchmarks/heat/results)
#     --set ...         passed on to bmgfe (e.g. --set "Heat/Solver/AMG smoother sweeps=2")
#
# Set-up time = from mpirun start to the end of step 1 (mesh read + p4est + DoFs + operator
# assembly + AMG + first solve), from time stamps of bmgfe's progress lines. Later steps =
# steps 2..N, from the per-step wall-clock column of statistics.csv. The split into
# assembly / solve / output is TimerOutput totals of rank 0 divided by the number of steps.
# Peak memory = "Maximum resident set size" of /usr/bin/time -v for every rank; CPU share =
# its "Percent of CPU this job got" (below 100 % the machine was busy with other work).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bmgfe=""
cases="peer 1M"
ranks="1 2"
backend="Trilinos"
label=""
repeat=1
out="$here/results"
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --bmgfe) bmgfe="$2"; shift 2 ;;
    --cases) cases="$2"; shift 2 ;;
    --ranks) ranks="$2"; shift 2 ;;
    --backend) backend="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    --label) label="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --set) extra+=(--set "$2"); shift 2 ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done
# shellcheck source=../common.sh
. "$here/../common.sh"
require_benchmark_tools

# The reference mesh (270 400 hexes) is generated once; bmgfe reads the .msh. The
# thermo-elastic case uses the same mesh with the bottom face labelled 3 (for u_z = 0).
make_mesh() {
  local geo="$1" mesh="$2"
  [ -s "$mesh" ] && return 0
  command -v gmsh > /dev/null || { echo "run.sh: gmsh is needed to generate $mesh" >&2; exit 2; }
  echo "generating $mesh with gmsh (takes ~30 s)"
  gmsh -3 "$geo" -o "$mesh.tmp" -format msh22 -v 1 > /dev/null
  mv "$mesh.tmp" "$mesh"
}
if [[ " $cases " == *" peer "* ]]; then
  make_mesh "$root/meshes/rod_quench_peer.geo" "$root/meshes/rod_quench_peer.msh"
fi
if [[ " $cases " == *" te "* || " $cases " == *" te-translations "* ]]; then
  make_mesh "$root/meshes/rod_quench_peer_bottom.geo" "$root/meshes/rod_quench_peer_bottom.msh"
fi
if [[ " $cases " == *"-coarse "* ]]; then
  make_mesh "$root/meshes/rod_quench_peer_coarse.geo" "$root/meshes/rod_quench_peer_coarse.msh"
fi

mkdir -p "$out"
table="$out/results.md"
if [ ! -s "$table" ]; then
  {
    echo "| case | backend | ranks | DoFs | steps | CG its step 1 | CG its/step later (mean) | later step mean [s] | later step median [s] | best [s] | heat assembly/step [s] | heat solve/step [s] | mech CG its step 1 / later (mean) | mech rhs/step [s] | mech solve/step [s] | mech stresses/step [s] | output+post/step [s] | set-up incl. step 1 [s] | mesh [s] | peak RSS/rank [MB] | CPU share/rank | machine load at start | date |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  } > "$table"
fi

run_one() {
  local case="$1" np="$2" rep="$3" prm
  case "$case" in
    peer) prm="$here/rod_quench_peer_heat.prm" ;;
    1M) prm="$here/rod_3d_1M.prm" ;;
    te|te-translations) prm="$here/../thermoelastic/rod_quench_peer_thermoelastic.prm" ;;
    te-coarse|heat-coarse) prm="$here/../thermoelastic/rod_quench_peer_thermoelastic_coarse.prm" ;;
    *) echo "run.sh: unknown case '$case'" >&2; return 1 ;;
  esac
  local tag="${label:-$case}_${backend}_np${np}_r${rep}"
  local case_args=()
  if [ "$case" = te-translations ]; then
    case_args=(--set "Mechanics/Solver/Rigid body modes=false" --set "Thermal protocol/quench/Duration=0.006")
  fi
  if [ "$case" = heat-coarse ]; then
    case_args=(--set "Mechanics/Enabled=false" --set "Thermal protocol/quench/Duration=0.04")
  fi
  local dir="$out/$tag"
  rm -rf "$dir"
  mkdir -p "$dir"
  local load
  load="$(cut -d' ' -f1 /proc/loadavg)"
  echo "== $tag (load $load)"
  local start="$EPOCHREALTIME"
  run_timed_ranks "$dir" "$np" "" \
    "$bmgfe" "$prm" --set "Output directory=$dir/output" --set "Linear algebra=$backend" \
    --set "Verbosity=normal" "${case_args[@]}" "${extra[@]}"
  python3 - "$dir" "$start" "${label:-$case}" "$backend" "$np" "$load" >> "$table" << 'EOF'
import glob, re, statistics, sys, time
d, start, case, backend, np, load = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
log = open(d + "/log.txt").read().splitlines()
dofs = steps = "?"; setup = float("nan")
timers = {}
for l in log:
    stamp, _, text = l.partition(" ")
    m = re.search(r"(\d+) temperature DoFs", text)
    if m: dofs = m.group(1)
    if re.match(r"step\s+1\s", text): setup = float(stamp) - start
    m = re.match(r"\|\s*([^|]+?)\s*\|\s*(\d+)\s*\|\s*([0-9.e+-]+)s", text)
    if m: timers[m.group(1)] = (int(m.group(2)), float(m.group(3)))
    if "error" in text: print("run.sh: " + text, file=sys.stderr)
stats = open(d + "/output/statistics.csv").read().splitlines()
cols = {name: i for i, name in enumerate(stats[0].split(","))}
rows = [l.split(",") for l in stats[1:] if l.strip()]
wall = [float(r[cols["wall_time_s"]]) for r in rows]
its = [int(r[cols["linear_iterations_heat"]]) for r in rows]
mech = "linear_iterations_mechanics" in cols
mits = [int(r[cols["linear_iterations_mechanics"]]) for r in rows] if mech else []
n = len(rows) - 1
later = [wall[i] - wall[i - 1] for i in range(2, len(rows))]
per = lambda keys: sum(timers.get(k, (0, 0.0))[1] for k in keys) / max(n, 1)
timefiles = [open(f).read() for f in sorted(glob.glob(d + "/time.*"))]
mem = [int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024 for t in timefiles]
cpu = [re.search(r"Percent of CPU this job got: (\S+)", t).group(1) for t in timefiles]
fmt = lambda x: "%.3f" % x
mech_its = ("%d / %.2f" % (mits[1], statistics.mean(mits[2:])) if mech and n >= 2 else "-")
mech_per = lambda k: fmt(timers.get(k, (0, 0.0))[1] / max(timers.get(k, (1, 0.0))[0], 1)) if mech else "-"
print("| %s | %s | %s | %s | %d | %d | %.2f | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %.1f | %.1f | %s | %s | %s | %s |" % (
    case, backend, np, dofs, n, its[1] if n >= 1 else -1,
    statistics.mean(its[2:]) if n >= 2 else float("nan"),
    fmt(statistics.mean(later)) if later else "-", fmt(statistics.median(later)) if later else "-",
    fmt(min(later)) if later else "-",
    fmt(per(["heat: assemble rhs", "heat: assemble system"])), fmt(per(["heat: solve"])),
    mech_its, mech_per("mechanics: assemble rhs"), mech_per("mechanics: solve"),
    mech_per("mechanics: stresses"), fmt(per(["output", "postprocess"])), setup, timers.get("setup: mesh", (0, float("nan")))[1],
    " / ".join("%.0f" % m for m in mem), " / ".join(cpu), load, time.strftime("%Y-%m-%d %H:%M")))
EOF
  tail -n 1 "$table"
}

for case in $cases; do
  for np in $ranks; do
    for rep in $(seq 1 "$repeat"); do
      run_one "$case" "$np" "$rep"
    done
  done
done
echo "results: $table"
