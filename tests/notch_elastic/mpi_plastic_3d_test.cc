// 1 vs 2 MPI ranks on a short 3D notched-rod run with the plastic model (issue 15
// verification, part 3): parameters/notch_compression_zr61.prm (Zr61 material, free-volume
// Mohr-Coulomb plasticity with nonlocal free volume, heat with plastic dissipation,
// frictionless platens, deformation gauges) in 3D, every statistics.csv column compared row by
// row: the platen reactions, the probes (stresses, von Mises, fictive temperature, free volume
// at the notch root and on the axis), the plastic statistics (Newton iterations, plastic
// points, plastic work, maximal equivalent plastic strain), gauges, temperatures.
//
// Overrides, and why:
//  * Dimension = 3 (no axis boundary: no insulated ids), Q1 displacements.
//  * Point constraints (0, 0, 0): x, y and (R, 0, 0): y (at the nearest vertices of the bottom
//    end). Frictionless platens hold only u_z, so without them the lateral rigid-body motions
//    (x, y, rotation about z) are free: the system is singular and CG picks a rigid rotation
//    that depends on the partition. This test found it: with the 3D recipe of
//    notch_compression_zr61.prm's header (no point constraints) 'largest_rotation_rad' differed
//    by 20 % between 1 and 2 ranks (0.0279 vs 0.0224 rad in the first, elastic step at 0.25 %
//    nominal strain: rigid drift, which also set off the small-strain note at 1 % nominal strain)
//    while every stress agreed; the pinned system also needs half the CG iterations.
//  * The seed's notch (root radius 0.25 mm, width 0.5 mm) on L = 4.5 mm with the default cell
//    sizes (R/8, root radius/4): the section revolved in 16 cells, 6 976 hexahedra, Q1. (Before
//    the revolved mesh, gmsh tetrahedra split into hexahedra needed >= 31 744 hexahedra for
//    this notch, and the test ran a 1 mm groove instead.)
//  * Loading: to a nominal strain of 1 % in 4 steps of 25 s (the seed's rate 1e-4 1/s): 1 792
//    plastic quadrature points at the end, maximal equivalent plastic strain 0.031.
//  * Newton tolerance 1e-12 instead of 1e-8: converged to round-off, the two runs compare the
//    parallel assembly and solvers, not where each Newton iteration happened to stop (as in
//    tests/plasticity/mpi_test.cc).
//  * Nonlocal free volume CG tolerance 1e-13 instead of 1e-10: with 1e-10 the nonlocal free
//    volume differs by ~1e-10 between the partitions, the cohesion with it, and the largest
//    difference was 7.7e-9 in sigma_rr at the root at the last step (-23 417 576.92 vs
//    -23 417 577.10 Pa; a component 70 times smaller than sigma_zz there), everything else
//    <= 3.5e-10: within 1e-8, but by a margin of 1.3 (on the earlier tetrahedral mesh). With
//    1e-13: 3.3e-10 at most there.
//  * Postprocessors: the seed's without the synchrotron scan (expensive), plus probes; no
//    visualization.
//
// Compared: every numeric column except wall time, the linear-iteration counts and the number
// of inexact (iteration-capped) linear solves (GMRES/CG with AMG depend on the partition), and
// the final Newton residual (round-off, ~1e-13). The counts newton_iterations,
// plastic_quadrature_points, mechanics_substeps, mechanics_cutbacks and rejected_steps must be
// equal; every other value to 1e-8 relative, |a - b| <= 1e-8 max(|a|, |b|, 1e-6 s) with s the
// largest |value| of the column (the t = 0 row holds round-off of zero, e.g. stresses of 1e-7
// Pa against 1e9 Pa).
// Measured: largest relative difference 3.0e-9 (sigma_rz on the axis at the last step, a
// component that is zero for the axisymmetric solution); wall time 12 s (1 rank) + 9 s (2
// ranks) on this machine.
#include "notch_elastic_common.h"

#include <set>

using namespace notch_elastic;

TEST(NotchPlastic3D, OneAndTwoRanksAgree)
{
  const std::string              seed = std::string(BMGFE_SOURCE_DIR) + "/parameters/notch_compression_zr61.prm";
  const std::vector<std::string> sets = {
    "Dimension=3",
    "Verbosity=quiet",
    "Heat/Boundary conditions/Insulated boundary ids=",
    "Mechanics/Boundary conditions/Point constraints=(0, 0, 0): x, y; (2.25e-3, 0, 0): y",
    "Geometry/Rod length=4.5e-3",
    "Geometry/Mesh size=0",
    "Geometry/Notch mesh size=0",
    "Mechanics/Finite element degree=1",
    "Mechanics/Newton/Tolerance=1e-12",
    "Mechanics/Nonlocal free volume/Linear solver tolerance=1e-13",
    "Mechanics/Loading programme/Segments=load to -0.01 in 100 s",
    "Thermal protocol/test/Duration=100 s",
    "Time stepping/Initial time step=25",
    "Postprocess/List of postprocessors=default, deformation gauges, probes",
    "Postprocess/Deformation gauges/Extensometers=notch: 2.25e-3, 0, 2e-3; 2.25e-3, 0, 2.5e-3",
    "Statistics/Probe points=root: 1.25e-3, 0, 2.25e-3; centre: 0, 0, 2.25e-3",
    "Output/Write visualization=false"};
  const auto r1 = run("out_mpi_plastic_3d_1", seed, sets, 0);
  const auto r2 = run("out_mpi_plastic_3d_2", seed, sets, 2);
  std::cout << "wall time: 1 rank " << r1.wall_seconds << " s, 2 ranks " << r2.wall_seconds << " s\n";
  const bmgfe_test::Statistics s1(r1.directory + "/statistics.csv"), s2(r2.directory + "/statistics.csv");
  ASSERT_EQ(s1.columns(), s2.columns());
  ASSERT_EQ(s1.n_rows(), s2.n_rows());
  ASSERT_EQ(s1.n_rows(), 5u) << "t = 0 and 4 steps";

  const std::set<std::string> counts  = {"newton_iterations", "plastic_quadrature_points",
                                         "mechanics_substeps", "mechanics_cutbacks",
                                         "rejected_steps"};
  const std::set<std::string> skipped = {"wall_time_s", "linear_iterations_mechanics",
                                         "linear_iterations_heat", "inexact_linear_solves",
                                         "newton_residual_final"};
  double      worst = 0;
  std::string worst_where;
  for (const auto &c : s1.columns())
    {
      if (skipped.count(c))
        continue;
      if (counts.count(c))
        {
          for (std::size_t row = 0; row < s1.n_rows(); ++row)
            EXPECT_EQ(s1.text(c, row), s2.text(c, row)) << c << " at step " << row;
          continue;
        }
      double scale = 0;
      for (std::size_t row = 0; row < s1.n_rows(); ++row)
        scale = std::max({scale, std::abs(s1.value(c, row)), std::abs(s2.value(c, row))});
      for (std::size_t row = 0; row < s1.n_rows(); ++row)
        {
          const double x = s1.value(c, row), y = s2.value(c, row);
          if (std::isnan(x) && std::isnan(y))
            continue;
          const double d = std::abs(x - y) / std::max({std::abs(x), std::abs(y), 1e-6 * scale, 1e-300});
          EXPECT_LE(d, 1e-8) << c << " at step " << row << ": 1 rank " << s1.text(c, row)
                             << ", 2 ranks " << s2.text(c, row);
          if (!(d <= worst))
            {
              worst       = d;
              worst_where = c + " at step " + std::to_string(row);
            }
        }
    }
  const std::size_t last = s1.n_rows() - 1;
  std::cout << "largest relative difference 1 vs 2 ranks: " << worst << " (" << worst_where
            << "); plastic quadrature points at the end " << s1.text("plastic_quadrature_points", last)
            << ", maximal equivalent plastic strain " << s1.text("equivalent_plastic_strain_max", last)
            << "\n";
  record("largest_relative_difference_1_vs_2_ranks", worst);
  // The comparison must include plasticity.
  EXPECT_GE(s1.value("plastic_quadrature_points", last), 100);
  EXPECT_GT(s1.value("equivalent_plastic_strain_max", last), 1e-2);
}
