// Reaction forces of prescribed displacements ('Reaction force <c> on boundary <id>' in
// statistics.csv): uniaxial compression of an elastic rod, symmetry at z = 0, the top end
// (id 3) pushed down by d, no thermal strain. The exact solution is uniform,
// sigma_zz = E d/L, so the reaction is E (d/L) times the section's area:
//  * axisymmetric: pi R^2, exact to round-off (Q1 represents the linear field);
//  * 3D: the built-in rod's section is a 16-gon with straight faces (mapping of degree 1),
//    area 8 R^2 sin(pi/8) = 0.9745 pi R^2; and the same number on 2 MPI ranks.
#include "mechanics_common.h"

using namespace mechanics;

namespace
{
  double reaction(const bmgfe_test::Statistics &s)
  {
    return s.value("reaction_force_z_on_boundary_3_N", s.n_rows() - 1);
  }
} // namespace

TEST(ReactionForce, AxisymmetricRodInCompression)
{
  // rod_axisymmetric.prm: R = 1 mm, L = 8 mm, E = 1e11 Pa.
  const auto   s     = run_statistics("out_reaction_axi", "rod_axisymmetric.prm",
                                  {"Heat/Prescribed temperature field=300",
                                   "Mechanics/Boundary conditions/Prescribed displacement=3: z = -8e-6*t"});
  const double exact = -1e11 * 1e-3 * M_PI * 1e-6;
  std::cout << "axisymmetric: reaction " << reaction(s) << " N, exact " << exact << " N\n";
  EXPECT_NEAR(reaction(s), exact, 1e-9 * std::abs(exact));
  // Before the load (t = 0) there is none.
  EXPECT_NEAR(s.value("reaction_force_z_on_boundary_3_N", 0), 0, 1e-9 * std::abs(exact));
}

TEST(ReactionForce, Rod3DInCompressionOneAndTwoRanks)
{
  // rod_3d.prm: R = 1 mm, L = 4 mm, E = 1e11 Pa; d = 4 um: strain 1e-3.
  const std::vector<std::string> sets = {
    "Heat/Prescribed temperature field=300",
    "Mechanics/Boundary conditions/Prescribed displacement=3: z = -4e-6*t"};
  const auto   s1    = run_statistics("out_reaction_3d", "rod_3d.prm", sets);
  const auto   s2    = run_statistics("out_reaction_3d_mpi", "rod_3d.prm", sets, 2);
  const double area  = 8 * 1e-6 * std::sin(M_PI / 8);
  const double exact = -1e11 * 1e-3 * area;
  std::cout << "3D: reaction " << reaction(s1) << " N (2 ranks " << reaction(s2) << " N), "
            << "E eps A(16-gon) = " << exact << " N, E eps pi R^2 = " << -1e11 * 1e-3 * M_PI * 1e-6
            << " N\n";
  EXPECT_NEAR(reaction(s1), exact, 1e-6 * std::abs(exact));
  EXPECT_NEAR(reaction(s2), reaction(s1), 1e-8 * std::abs(exact));
}
