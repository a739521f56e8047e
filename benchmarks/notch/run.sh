#!/usr/bin/env bash
# Notched-rod benchmark (issue 15): the 3D Zr61Ti2Cu25Al12 rod of
# parameters/notch_compression_zr61.prm through its first plastic steps, on 1 and 2 MPI ranks:
# DoFs, steps, Newton and GMRES iterations per step, wall time per step and its split, peak
# memory. The driver is the plasticity benchmark's (benchmarks/plasticity/run.sh --case notch,
# which documents the case and the columns); options are passed on (--ranks, --repeat, --perf,
# --set ...). Results: benchmarks/notch/results/results.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec "$here/../plasticity/run.sh" --case notch "$@"
