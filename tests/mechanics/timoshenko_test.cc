// Thermal stresses in a long solid cylinder under a prescribed radial temperature profile
// (Timoshenko & Goodier, doc/model.md §8), T' = dT (r/b)^2 and T' = dT J0(2.405 r/b)
// (8-term power series), for the axisymmetric section (mid-length of a free-ended rod),
// the generalized plane strain (zero net axial force) and plane strain cross-sections and a
// 3D rod (mid-plane slab). The ring means of sigma_rr, sigma_tt, sigma_zz are compared
// with the exact ring averages (weight r dr): within 1 % of K dT on the finest mesh, and
// in 2D converging at order >= 1.9 between the two finest meshes (ring means are O(h^2),
// point values at vertices only O(h)).
#include "mechanics_common.h"

using namespace mechanics;

namespace
{
  struct Case
  {
    std::string              name;
    std::string              prm_file;
    std::vector<std::string> sets;
    std::string              r2; ///< r^2 in the coordinates of the model
    bool                     plane_strain;
    /// meshes: (Geometry/Mesh size, Geometry/Global refinement); the disk meshes of the
    /// planar and 3D cases are refined through the mesh size (see RefinedDisk below)
    std::vector<std::pair<double, unsigned int>> meshes;
    bool                                         check_order;
  };

  void check(const Case &c, const Profile &p)
  {
    std::vector<double> h, err;
    for (const auto &[size, g] : c.meshes)
      {
        auto sets = c.sets;
        sets.push_back("Geometry/Mesh size=" + number(size));
        sets.push_back("Geometry/Global refinement=" + std::to_string(g));
        sets.push_back("Heat/Prescribed temperature field=" + p.expression(c.r2));
        const double      cell = size * std::pow(0.5, g);
        const std::string tag  = "h" + std::to_string(static_cast<int>(std::round(b / cell)));
        const std::string out  = "out_timoshenko_" + c.name + "_" + p.name + "_" + tag;
        const auto        res  = run(out, c.prm_file, sets);
        ASSERT_EQ(res.rings.n(), 8u);
        const double e = ring_error(res.rings, p, c.plane_strain);
        h.push_back(cell);
        err.push_back(e);
        std::cout << c.name << " " << p.name << " cells R/" << std::defaultfloat << std::round(b / cell)
                  << ": max ring-mean error / (K dT) = " << std::scientific << std::setprecision(3)
                  << e << ", CG iterations " << std::defaultfloat
                  << cg_iterations(res.stats) << '\n';
        record(c.name + "_" + p.name + "_" + tag, e);
        if (c.name == "generalized_plane_strain")
          {
            // zero net axial force (free ends), relative to the force scale K dT pi b^2
            const double F = res.stats.value("net_axial_force_N", res.stats.n_rows() - 1);
            std::cout << "  net axial force " << F << " N\n";
            EXPECT_LT(std::abs(F), 1e-8 * K * dT * M_PI * b * b);
          }
      }
    EXPECT_LT(err.back(), 1e-2) << c.name << " " << p.name << ": finest mesh ring means";
    if (c.check_order)
      {
        const std::size_t n     = err.size();
        const double      order = std::log(err[n - 2] / err[n - 1]) / std::log(h[n - 2] / h[n - 1]);
        std::cout << c.name << " " << p.name << ": order between the two finest meshes " << std::fixed
                  << std::setprecision(2) << order << '\n';
        record(c.name + "_" + p.name + "_order", order);
        EXPECT_GE(order, 1.9) << c.name << " " << p.name;
      }
  }

  const Case axisymmetric{"axisymmetric", "rod_axisymmetric.prm", {}, "x^2", false,
                          {{b / 8, 0}, {b / 8, 1}, {b / 8, 2}}, true};
  const Case generalized{"generalized_plane_strain", "rod_planar.prm",
                         {"Kinematics=generalized plane strain"}, "x^2 + y^2", false,
                         {{b / 8, 0}, {b / 16, 0}, {b / 32, 0}}, true};
  const Case plane_strain{"plane_strain", "rod_planar.prm", {"Kinematics=plane strain"},
                          "x^2 + y^2", true, {{b / 8, 0}, {b / 16, 0}, {b / 32, 0}}, true};
  // 3D: L = 4R, slab [0, R] at the mid-plane z = 0 of the doubled rod. At R/8 the ring
  // means are 1.7e-2 K dT off (as in 2D), so the 1 % check needs R/16 (~50 s per run).
  const Case rod3d{"3d", "rod_3d.prm", {}, "x^2 + y^2", false, {{b / 8, 0}, {b / 16, 0}}, false};
} // namespace

TEST(Timoshenko, ExactSolutionSelfCheck)
{
  // sigma_rr(b) = 0, sigma_rr(0) = sigma_tt(0), zero net axial force for free ends.
  for (const auto &p : {quadratic(), bessel()})
    {
      const auto sb = exact_stress(p, b, false);
      EXPECT_NEAR(sb[0], 0, 1e-12 * K * dT);
      const auto s0 = exact_stress(p, 0, false);
      EXPECT_NEAR(s0[0], s0[1], 1e-12 * K * dT);
      const auto m = exact_ring_mean(p, 0, b, false);
      EXPECT_NEAR(m[2], 0, 1e-10 * K * dT);
    }
  // 8-term series vs J0(2.405) = 4.99e-4 (the first zero of J0 is 2.404826); next series term 1.2e-8
  EXPECT_NEAR(bessel().T(b) / dT, std::cyl_bessel_j(0.0, 2.405), 1e-7);
}

TEST(Timoshenko, Axisymmetric)
{
  check(axisymmetric, quadratic());
  check(axisymmetric, bessel());
}

TEST(Timoshenko, GeneralizedPlaneStrain)
{
  check(generalized, quadratic());
  check(generalized, bessel());
}

TEST(Timoshenko, PlaneStrain)
{
  check(plane_strain, quadratic());
  check(plane_strain, bessel());
}

TEST(Timoshenko, Rod3D)
{
  check(rod3d, quadratic());
  check(rod3d, bessel());
}

