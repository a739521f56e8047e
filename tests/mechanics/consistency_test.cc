// Consistency of the mechanics solution:
//  * generalized plane strain, Bessel profile: 1 vs 2 MPI ranks, all stress statistics to
//    1e-9 relative (CG to 1e-12), Trilinos (CG + ML) vs PETSc (CG + GAMG) ring means to 1e-6;
//  * 3D rod: AMG with the full rigid-body near-null space vs translations only, same ring
//    means to 1e-6 (CG to 1e-10), CG iteration counts printed for two meshes;
//  * random field g(X): ring columns of g identical on 1 and 2 ranks, ring means of g on
//    refinement 1 and 2 within 1e-2.
#include "mechanics_common.h"

#include <cstdlib>

using namespace mechanics;

namespace
{
  class Consistency : public ::testing::Test
  {
  protected:
    static void SetUpTestSuite() { setenv("OMPI_MCA_mpi_yield_when_idle", "1", 0); }
  };

  const std::vector<std::string> ring_columns = {"stress_rr_mean_Pa", "stress_tt_mean_Pa",
                                                 "stress_zz_mean_Pa", "von_mises_stress_mean_Pa",
                                                 "mean_stress_mean_Pa"};

  /// max over rings and columns of |a - b| / max(|a|, |b|, K dT)
  double ring_difference(const Rings &a, const Rings &b, const std::vector<std::string> &cols)
  {
    EXPECT_EQ(a.n(), b.n());
    double d = 0;
    for (std::size_t i = 0; i < std::min(a.n(), b.n()); ++i)
      for (const auto &c : cols)
        {
          const double x = a.value(c, i), y = b.value(c, i);
          d = std::max(d, std::abs(x - y) / std::max({std::abs(x), std::abs(y), K * dT}));
        }
    return d;
  }

  std::vector<std::string> gps_bessel(const std::string &backend)
  {
    return {"Kinematics=generalized plane strain", "Linear algebra=" + backend,
            "Geometry/Mesh size=" + number(b / 16), "Mechanics/Solver/Linear solver tolerance=1e-12",
            "Heat/Prescribed temperature field=" + bessel().expression("x^2 + y^2")};
  }
} // namespace

TEST_F(Consistency, OneVsTwoRanksAndBackends)
{
  const auto one = run("out_consistency_gps_1rank", "rod_planar.prm", gps_bessel("Trilinos"));
  const auto two = run("out_consistency_gps_2ranks", "rod_planar.prm", gps_bessel("Trilinos"), 2);
  // All stress columns of the statistics (probes, maximum, axial force and strain).
  double      worst = 0;
  std::string where;
  for (const auto &c : one.stats.columns())
    if (c.find("tress") != std::string::npos || c.find("axial") != std::string::npos ||
        c.find("Axial") != std::string::npos)
      {
        // floor: K dT for stresses, K dT pi b^2 for the force, alpha dT for the strain
        const double floor = c.find("force") != std::string::npos ? K * dT * M_PI * b * b :
                             c.find("strain") != std::string::npos ? alpha * dT :
                                                                      K * dT;
        for (std::size_t r = 0; r < one.stats.n_rows(); ++r)
          {
            const double x = one.stats.value(c, r), y = two.stats.value(c, r);
            const double d = std::abs(x - y) / std::max({std::abs(x), std::abs(y), floor});
            if (d > worst)
              worst = d, where = c;
          }
      }
  std::cout << "1 vs 2 ranks: max relative difference of the stress statistics " << std::scientific
            << std::setprecision(3) << worst << " (" << where << ")\n";
  const double rings12 = ring_difference(one.rings, two.rings, ring_columns);
  std::cout << "1 vs 2 ranks: max relative difference of the ring means " << rings12 << '\n';
  record("one_vs_two_ranks_statistics", worst);
  record("one_vs_two_ranks_rings", rings12);
  EXPECT_LT(worst, 1e-9);
  EXPECT_LT(rings12, 1e-9);

  // Same discrete problem, both CG to 1e-12 relative residual: the algebraic error
  // (<= cond(A) * 1e-12, cond ~ 1e4 here) is far below 1e-6.
  const auto petsc = run("out_consistency_gps_petsc", "rod_planar.prm", gps_bessel("PETSc"));
  const double dp  = ring_difference(one.rings, petsc.rings, ring_columns);
  std::cout << "Trilinos vs PETSc: max relative difference of the ring means " << dp
            << std::defaultfloat << " (CG iterations " << cg_iterations(one.stats) << " vs "
            << cg_iterations(petsc.stats) << ")\n";
  record("trilinos_vs_petsc_rings", dp);
  EXPECT_LT(dp, 1e-6);
}

TEST_F(Consistency, RigidBodyModes)
{
  for (const unsigned int g : {0u, 1u})
    {
      std::map<bool, Result> res;
      for (const bool rbm : {true, false})
        res.emplace(rbm, run("out_consistency_rbm_" + std::string(rbm ? "on" : "off") + "_g" +
                               std::to_string(g),
                             "rod_3d.prm",
                             {"Geometry/Mesh size=" + number(b / (4 << g)),
                              "Mechanics/Solver/Linear solver tolerance=1e-10",
                              std::string("Mechanics/Solver/Rigid body modes=") +
                                (rbm ? "true" : "false")}));
      const auto  &on = res.at(true), &off = res.at(false);
      const double d  = ring_difference(on.rings, off.rings, ring_columns);
      const double it_on  = cg_iterations(on.stats);
      const double it_off = cg_iterations(off.stats);
      std::cout << std::defaultfloat << "3D rod, cells R/" << (4 << g) << ": CG iterations with rigid-body modes " << it_on
                << ", translations only " << it_off << "; ring-mean difference " << std::scientific
                << std::setprecision(3) << d << '\n';
      record("rbm_iterations_on_g" + std::to_string(g), it_on);
      record("rbm_iterations_off_g" + std::to_string(g), it_off);
      EXPECT_LT(d, 1e-6);
    }
}

TEST_F(Consistency, RandomField)
{
  const std::vector<std::string> het = {"Heterogeneity/Enabled=true",
                                        "Heterogeneity/CTE amplitude=0.1",
                                        "Heterogeneity/Correlation length=2e-4"};
  auto with = [&](const unsigned int g) {
    auto s = het;
    s.push_back("Geometry/Global refinement=" + std::to_string(g));
    return s;
  };
  const auto one  = run("out_consistency_field_1rank", "rod_axisymmetric.prm", with(1));
  const auto two  = run("out_consistency_field_2ranks", "rod_axisymmetric.prm", with(1), 2);
  const auto fine = run("out_consistency_field_fine", "rod_axisymmetric.prm", with(2));
  ASSERT_EQ(one.rings.n(), two.rings.n());
  unsigned int identical = 0, total = 0;
  double       dmax = 0, dmesh = 0, gmax = 0;
  for (std::size_t i = 0; i < one.rings.n(); ++i)
    {
      for (const std::string c : {"heterogeneity_mean", "heterogeneity_std", "heterogeneity_fwhm"})
        {
          ++total;
          identical += one.rings.string(c, i) == two.rings.string(c, i);
          // The ring sums are reduced over ranks in a different order: allow the last
          // printed digit (12 significant digits).
          const double x = one.rings.value(c, i), y = two.rings.value(c, i);
          dmax = std::max(dmax, std::abs(x - y));
          EXPECT_LE(std::abs(x - y), 1e-11 * std::max(1.0, std::abs(x))) << c << " ring " << i;
        }
      dmesh = std::max(dmesh, std::abs(one.rings.value("heterogeneity_mean", i) - fine.rings.value("heterogeneity_mean", i)));
      gmax  = std::max(gmax, std::abs(one.rings.value("heterogeneity_mean", i)));
    }
  std::cout << "random field: " << identical << " of " << total
            << " g ring entries textually identical on 1 and 2 ranks, max difference "
            << std::scientific << std::setprecision(3) << dmax
            << "; ring means of g, refinement 1 vs 2: max difference " << dmesh
            << " (max |ring mean of g| " << gmax << ")\n";
  record("field_rank_difference", dmax);
  record("field_mesh_difference", dmesh);
  EXPECT_LT(dmesh, 1e-2);
  // the field is active: some ring std of g is not zero
  EXPECT_GT(one.rings.value("heterogeneity_std", one.rings.n() - 1), 0.1);
}
