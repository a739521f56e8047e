// Displacement of the Timoshenko & Goodier long solid cylinder (doc/model.md §8) under
// T' = dT (r/b)^2: u_r = A I(r)/r + C1 r with A = alpha (1 + nu)/(1 - nu) and C1 from
// sigma_rr(b) = 0 (mechanics_common.h, exact_ur_over_r), compared through 'Statistics/
// Reference displacement' (L2 error of u, r-weighted in the axisymmetric model); Q1 must
// converge at order >= 1.9 between successive meshes.
//
//  * plane strain (eps_zz = 0) and generalized plane strain (zero net axial force, so
//    eps_zz = 2 alpha I(b)/b^2, to which the computed 'Axial strain' must converge at order
//    >= 1.9 too): disk
//    cross-section of rod_planar.prm, meshes R/8, R/16, R/32 through 'Mesh size' (as in
//    timoshenko_test.cc); rigid motions removed by point constraints that the exact field
//    satisfies.
//  * axisymmetric: rod_axisymmetric.prm shortened to L = R (r-z square), u_r = 0 on the axis,
//    u_z = 0 on the symmetry plane z = 0 and, on the top end z = L, u_z = eps_z L with zero
//    shear traction: the exact long-cylinder field (u_z = eps_z z, sigma_rz = 0) solves this
//    problem, so the end effects of a free end are absent. eps_z is the free-end value
//    2 alpha I(b)/b^2 ('generalized plane strain' of the rod) or 0 (plane strain). The two
//    differ by the uniaxial field u_r = -nu eps_z r, u_z = eps_z z, which Q1 represents
//    exactly (u_r/r is constant), so both give the same error: the second case checks the
//    prescribed end displacement and the exact field with eps_z = 0.
#include "mechanics_common.h"

#include <bmgfe/materials/elastic_moduli.h>

using namespace mechanics;

namespace
{
  struct Case
  {
    std::string              name, prm_file;
    std::vector<std::string> sets;
    bool                     plane_strain, axisymmetric;
    std::vector<std::pair<double, unsigned int>> meshes; ///< (Mesh size, Global refinement)
  };

  void check(const Case &c)
  {
    const Profile     p    = quadratic();
    const double      eps_z = exact_axial_strain(p, c.plane_strain);
    const std::string poly  = exact_ur_over_r_expression(p, c.plane_strain, c.axisymmetric ? "x^2" : "x^2 + y^2");
    std::vector<std::string> sets = c.sets;
    sets.push_back("Heat/Prescribed temperature field=" + p.expression(c.axisymmetric ? "x^2" : "x^2 + y^2"));
    if (c.axisymmetric)
      {
        sets.push_back("Statistics/Reference displacement=x*(" + poly + "); " + number(eps_z) + "*y");
        sets.push_back("Geometry/Rod length=" + number(b));
        sets.push_back("Statistics/Ring axial range=0, " + number(b));
        sets.push_back("Mechanics/Boundary conditions/Prescribed displacement=3: z = " + number(eps_z) + "*y");
      }
    else
      sets.push_back("Statistics/Reference displacement=x*(" + poly + "); y*(" + poly + ")");

    std::vector<double> h, err, axial;
    for (const auto &[size, g] : c.meshes)
      {
        auto s = sets;
        s.push_back("Geometry/Mesh size=" + number(size));
        s.push_back("Geometry/Global refinement=" + std::to_string(g));
        const double      cell  = size * std::pow(0.5, g);
        const std::string tag   = "h" + std::to_string(static_cast<int>(std::round(b / cell)));
        const auto        stats = run_statistics("out_timoshenko_u_" + c.name + "_" + tag, c.prm_file, s);
        const double      e     = stats.value("displacement_l2_error", stats.n_rows() - 1);
        h.push_back(cell);
        err.push_back(e);
        std::cout << c.name << " R/" << std::round(b / cell) << ": L2 error of u " << std::scientific
                  << std::setprecision(4) << e << std::defaultfloat;
        if (c.name == "generalized_plane_strain")
          {
            const double a = stats.value("axial_strain", stats.n_rows() - 1);
            std::cout << ", axial strain " << std::setprecision(10) << a << " (exact " << eps_z << ")";
            axial.push_back(std::abs(a / eps_z - 1));
          }
        std::cout << '\n';
        record(c.name + "_u_error_" + tag, e);
      }
    for (std::size_t i = 1; i < err.size(); ++i)
      {
        const double order = std::log(err[i - 1] / err[i]) / std::log(h[i - 1] / h[i]);
        std::cout << c.name << ": order R/" << std::round(b / h[i - 1]) << " -> R/"
                  << std::round(b / h[i]) << ": " << std::fixed << std::setprecision(3) << order
                  << std::defaultfloat << '\n';
        record(c.name + "_u_order_" + std::to_string(i), order);
        EXPECT_GE(order, 1.9) << c.name << " level " << i;
        if (!axial.empty())
          {
            const double o = std::log(axial[i - 1] / axial[i]) / std::log(h[i - 1] / h[i]);
            std::cout << c.name << ": relative error of the axial strain " << std::scientific
                      << std::setprecision(3) << axial[i - 1] << " -> " << axial[i] << ", order "
                      << std::fixed << o << std::defaultfloat << '\n';
            EXPECT_GE(o, 1.9) << c.name << " axial strain, level " << i;
          }
      }
    if (!axial.empty())
      EXPECT_LT(axial.back(), 1e-3) << c.name << ": axial strain on the finest mesh";
  }

  const std::vector<std::pair<double, unsigned int>> disk_meshes = {{b / 8, 0}, {b / 16, 0}, {b / 32, 0}};
  const std::vector<std::pair<double, unsigned int>> rz_meshes   = {{b / 8, 0}, {b / 8, 1}, {b / 8, 2}};
} // namespace

TEST(TimoshenkoDisplacement, ExactSolutionSelfCheck)
{
  // The displacement reproduces the stresses of exact_stress(): sigma_rr and sigma_tt from
  // u_r (central differences), sigma_zz with the axial strain.
  const Profile p      = quadratic();
  const auto [lambda, mu] = bmgfe::lame_pair(E, nu);
  for (const bool ps : {true, false})
    for (const double r : {0.1 * b, 0.5 * b, 0.9 * b, b})
      {
        const double dr = 1e-6 * b, u = exact_ur(p, r, ps);
        const double du = (exact_ur(p, r + dr, ps) - exact_ur(p, r - dr, ps)) / (2 * dr);
        const double ez = exact_axial_strain(p, ps);
        const double tr = du + u / r + ez, th = (3 * lambda + 2 * mu) * alpha * p.T(r);
        const auto   s  = exact_stress(p, r, ps);
        EXPECT_NEAR(lambda * tr + 2 * mu * du - th, s[0], 1e-7 * K * dT) << r;
        EXPECT_NEAR(lambda * tr + 2 * mu * u / r - th, s[1], 1e-7 * K * dT) << r;
        EXPECT_NEAR(lambda * tr + 2 * mu * ez - th, s[2], 1e-7 * K * dT) << r;
      }
}

TEST(TimoshenkoDisplacement, Axisymmetric)
{
  check({"axisymmetric", "rod_axisymmetric.prm", {}, false, true, rz_meshes});
}

TEST(TimoshenkoDisplacement, AxisymmetricPlaneStrain)
{
  check({"axisymmetric_plane_strain", "rod_axisymmetric.prm", {}, true, true, rz_meshes});
}

TEST(TimoshenkoDisplacement, GeneralizedPlaneStrain)
{
  check({"generalized_plane_strain", "rod_planar.prm", {"Kinematics=generalized plane strain"},
         false, false, disk_meshes});
}

TEST(TimoshenkoDisplacement, PlaneStrain)
{
  check({"plane_strain", "rod_planar.prm", {"Kinematics=plane strain"}, true, false, disk_meshes});
}
