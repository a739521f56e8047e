#!/usr/bin/env bash
# Set everything up and run the whole test suite (ctest). Extra arguments go to ctest,
# e.g. scripts/test.sh -L unit
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
cd "${BMGFE_BUILD_DIR:-build}"
ctest --output-on-failure -j "${BMGFE_TEST_JOBS:-1}" "$@"
