// Input errors on 2 MPI ranks: one error line (not one per rank), non-zero exit, no hang
// (the CTest TIMEOUT catches a rank left waiting in a collective call).
#include "input_error_checks.h"

using namespace bmgfe_test;
using namespace input_errors;

namespace
{
  std::string refused_on_two_ranks(const std::string &name, const std::string &file)
  {
    const std::string out = absent_directory("out_mpi_" + name);
    const RunResult   r   = run_bmgfe({file, "--set", "Output directory=" + out}, 2);
    // mpirun may add its own lines about the non-zero exit status.
    const std::string line = single_error_line(r, false);
    expect_no_completed_run(out);
    return line;
  }
} // namespace

// Found while reading the parameter file.
TEST(InputErrorsMpi, UnknownEntry)
{
  const std::string file = input("unknown_entry.prm");
  const auto        line = refused_on_two_ranks("unknown_entry", file);
  EXPECT_TRUE(contains(line, "Heat transfer coeficient")) << line;
}

// Found after the mesh has been built (collective setup).
TEST(InputErrorsMpi, UnknownBoundaryId)
{
  const std::string file = input("unknown_boundary_id.prm");
  const auto        line = refused_on_two_ranks("unknown_boundary_id", file);
  EXPECT_TRUE(contains(line, "boundary id 7")) << line;
}

// The .geo is meshed by gmsh on rank 0 only; the refusal must still reach every rank.
TEST(InputErrorsMpi, SimplexMesh)
{
  const std::string file = input("simplex_mesh.prm");
  const auto        line = refused_on_two_ranks("simplex_mesh", file);
  EXPECT_TRUE(contains(line, "recombine")) << line;
}
