# Shared by the benchmark drivers (sourced by heat/run.sh and plasticity/run.sh): the bmgfe
# executable and the tools they need, and the launch of every MPI rank under /usr/bin/time with
# a wall-clock time stamp on every output line. The caller sets $root (the repository) and
# $bmgfe (empty: look in the build folders) before calling require_benchmark_tools.

# Sets bmgfe to build/bmgfe or build-bench/bmgfe when it is empty; stops the driver (exit 2)
# with a message when the executable, /usr/bin/time (memory figures) or mpirun is missing.
require_benchmark_tools() {
  if [ -z "$bmgfe" ]; then
    for candidate in "$root/build/bmgfe" "$root/build-bench/bmgfe"; do
      if [ -x "$candidate" ]; then bmgfe="$candidate"; break; fi
    done
  fi
  [ -x "$bmgfe" ] || { echo "run.sh: no bmgfe executable (use --bmgfe)" >&2; exit 2; }
  [ -x /usr/bin/time ] || { echo "run.sh: /usr/bin/time is needed for the memory figures" >&2; exit 2; }
  command -v mpirun > /dev/null || { echo "run.sh: mpirun not found" >&2; exit 2; }
}

# Open MPI refuses to run as root without these (containers, CI).
export OMPI_ALLOW_RUN_AS_ROOT=${OMPI_ALLOW_RUN_AS_ROOT:-1}
export OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=${OMPI_ALLOW_RUN_AS_ROOT_CONFIRM:-1}

# run_timed_ranks DIR NP PREFIX COMMAND [ARGS...]: NP ranks of COMMAND, each under
# /usr/bin/time -v -o DIR/time.RANK, itself under PREFIX (shell words run first, e.g.
# 'perf record -o "$0/perf.data" --' with $0 = DIR; empty for none). Standard output and error
# go to DIR/log.txt, every line preceded by the $EPOCHREALTIME at which it arrived.
run_timed_ranks() {
  local dir="$1" np="$2" prefix="$3"
  shift 3
  mpirun --oversubscribe -np "$np" \
    sh -c "exec $prefix /usr/bin/time -v -o \"\$0/time.\${OMPI_COMM_WORLD_RANK:-0}\" \"\$@\"" \
    "$dir" "$@" 2>&1 |
    while IFS= read -r line; do printf '%s %s\n' "$EPOCHREALTIME" "$line"; done > "$dir/log.txt"
}
