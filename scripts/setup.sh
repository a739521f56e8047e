#!/usr/bin/env bash
# Install what bmgfe needs from Debian 12 packages (only if missing) and build it in
# Release into ./build. Used by quickstart.sh, test.sh and .ci/run.
#   BMGFE_BUILD_DIR   build folder (default: build)
#   BMGFE_JOBS        parallel compile jobs (default: number of cores)
#   BMGFE_CMAKE_ARGS  extra arguments of the CMake configuration (kept in its cache)
#   BMGFE_BUILD_TARGET  build only this target (e.g. bmgfe; default: everything)
#   DEAL_II_DIR       use a deal.II installation of your own instead of Debian's
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(build-essential cmake ccache libdeal.ii-dev libvtk9-dev googletest libgtest-dev
          gmsh openmpi-bin libopenmpi-dev python3-matplotlib)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ -n "${DEAL_II_DIR:-}" ]; then
  echo "bmgfe setup: using deal.II from DEAL_II_DIR=$DEAL_II_DIR; not installing Debian's"
elif [ ${#missing[@]} -gt 0 ]; then
  echo "bmgfe setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# With the tests (scripts/test.sh): SLURM and munge for tests/sweep's job-array test, which
# starts its own munged/slurmctld/slurmd on localhost. Where they cannot be installed, that
# test is skipped and says why.
if [ -z "${DEAL_II_DIR:-}" ] && [[ "${BMGFE_CMAKE_ARGS:-}" == *"-DBMGFE_BUILD_TESTS=ON"* ]]; then
  test_missing=()
  for p in slurmctld slurmd slurm-client munge; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || test_missing+=("$p")
  done
  if [ ${#test_missing[@]} -gt 0 ]; then
    echo "bmgfe setup: installing ${test_missing[*]} (tests/sweep: SLURM job arrays)"
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    { $SUDO apt-get update -q &&
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends \
        "${test_missing[@]}"; } ||
      echo "bmgfe setup: could not install ${test_missing[*]}: the SLURM test will be skipped"
  fi
fi

# ccache keys on the compiler's command line and, with -g (Debian's deal.II flags), on the
# working directory: with the repository as base directory and without the directory in the
# hash, another clone of the same sources (a CI run on a clean clone) hits the cache instead of
# compiling everything again (~45 min on 2 cores). The debug info then names the directory of
# the first build.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"
export CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-1}"
BUILD_DIR="${BMGFE_BUILD_DIR:-build}"
JOBS="${BMGFE_JOBS:-$(nproc)}"
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release ${DEAL_II_DIR:+-DDEAL_II_DIR="$DEAL_II_DIR"} \
  ${BMGFE_CMAKE_ARGS:-}
cmake --build "$BUILD_DIR" -j "$JOBS" ${BMGFE_BUILD_TARGET:+--target "$BMGFE_BUILD_TARGET"}
echo "bmgfe setup: built ${BMGFE_BUILD_TARGET:-everything} in $BUILD_DIR"
