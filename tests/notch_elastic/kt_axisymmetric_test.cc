// Elastic notch, axisymmetric (issue 15 verification, part 1): the notch-root stress
// concentration of the seed-004 specimen (D = 4.5 mm, L = 9 mm, notch root diameter 2.5 mm,
// width 0.5 mm, root radius 0.25 mm: depth t = 1 mm, t/rho = 4, 2t/D = 0.444, a/rho = 5) in
// elastic compression between frictionless platens (one step to a nominal strain of 1e-4,
// nu = 0.3): Kt = sigma_zz(root) / (F / (pi a^2)), a = 1.25 mm, F the platen force.
//
// How the root stress is read: the probe at the root point itself (r = a, z = L/2, the bottom
// of the semicircular groove), not the maximum over the surface. The point is fixed in space,
// so its value converges like any point value (a surface maximum is taken over nodes or
// quadrature points that move with the mesh and converges irregularly); by the symmetry of the
// groove about z = L/2 the axial surface stress is extremal there (the handbooks' Kt is the
// value at the bottom of the groove). The Q2 mapping interpolates the root arc, so the point
// lies in the mesh (asserted: no "outside the mesh" note) and sigma_rr there must vanish
// (traction-free surface): asserted on the finest mesh as a check of what the probe reads.
//
// Meshes: the default gmsh mesh ('Mesh size' R/8 = 0.281 mm, 'Notch mesh size' rho/4 =
// 62.5 um at the root, 628 quads) refined globally once, twice and three times ('Geometry/
// Global refinement' = 1, 2, 3: root cells rho/8, rho/16, rho/32, the far field R/16, R/32,
// R/64): nested meshes with exactly the ratio 2 everywhere, the new root vertices on the arc
// (its SphericalManifold). Re-meshing with gmsh at 'Mesh size' and 'Notch mesh size' halved
// (R/8 & rho/4, R/16 & rho/8, R/32 & rho/16, R/64 & rho/32) changes the mesh topology at the
// root on every level and gave the non-monotone 2.5691, 2.5554, 2.5586, 2.5567: no order can
// be read from those.
//
// Element and expected order: Q2 displacements with the Q2 (isoparametric) mapping
// ('Heat/Finite element degree = 2': the mapping degree follows the heat element's). A point
// value of the stress (a first derivative of u) converges as O(h^k) = O(h^2) for Q2; the Q2
// mapping puts the boundary within O(h^3) of the arc and its normal within O(h^2), which does
// not lower that: expected order 2, approached from below on these graded meshes. Asserted:
// 1.5 <= p <= 2.5 (a first-order error, e.g. the platen reactions of commit 1946077's bug,
// which gave p = 1.1, fails it).
//
// Measured (this machine, Release): Kt = 2.5603696 (level 1), 2.5575163 (2), 2.5566791 (3);
// observed order 1.77; Richardson 2.55633; the finest mesh 1.4e-4 above it (asserted <= 1e-3).
// Level 4 (not run: 77 s) gave 2.5564539, order 1.89 over levels 2-4, Richardson 2.55637.
// With the seed scenario's Q1 mapping (heat degree 1) the same meshes give 2.5772, 2.5618,
// 2.5577 (order 1.95, Richardson 2.5564): the same limit with an error about 6x larger.
//
// Literature (nu = 0.3 as in the handbooks): Young & Budynas, Roark's Formulas for Stress and
// Strain, 7th ed. (McGraw-Hill, 2002), Table 17.1, "U-notch in a circular shaft", elastic
// stress, axial tension, a polynomial fit of Peterson's chart data (notch_elastic_common.h has
// the formula; coefficients as transcribed from the table): h = t = 1 mm, r = rho = 0.25 mm,
// D = 4.5 mm, h/r = 4 (the 2 <= h/r <= 50 branch), 2h/D = 0.4444: C1 = 4.795, C2 = -6.719,
// C3 = 4.290, C4 = -1.362, Kt = 2.5366. The Richardson value is 0.78 % above it. Tolerance 2 %:
// a handbook fit of chart curves is not sharper than 1-2 % (curve reading plus the fit), no
// sharper published value for this exact groove could be checked here, and the discretization
// error (< 0.02 %) plays no part; a 2 % miss would mean a wrong model or a wrong groove.
// Printed, not asserted: Neuber's rule (Kts = 1 + 2 sqrt(t/rho) = 5, Neuber's deep hyperbolic
// groove Ktd = 2.448 at nu = 0.3) gives 2.361, 7.6 % lower: Neuber's combination rule is known
// to underestimate Kt of deep circumferential notches by several per cent.
// The material's nu = 0.368 lowers Kt by 1.1 % (2.5293 on level 2, PoissonRatio below).
//
// Length (part 2's shortened 3D rod): Kt is insensitive to the rod length once the platens are
// a rod radius from the notch: Richardson values over levels 0-2 for L = 9 mm and L = 4.5 mm
// (notch 2.25 mm = R from each platen) agree to 1e-5 (asserted <= 1e-3); L = 3 mm (1.5 mm from
// the platens) gives 2.5 % less (asserted: more than 1 %, so the comparison can tell). A
// frictionless platen is a symmetry plane: the short rod is a row of notches L apart.
#include "notch_elastic_common.h"

#include <map>

using namespace notch_elastic;

namespace
{
  struct Level
  {
    double kt, force, force_balance, sigma_rr, sigma_zz, wall;
  };

  /// One elastic run of notch_elastic_axisymmetric.prm at `level` global refinements and rod
  /// length `length`, probe 'root' at (a, length/2); each (tag, level) runs once per program.
  Level run_level(const std::string &tag, const unsigned int level, const double length = L,
                  const std::vector<std::string> &extra = {})
  {
    static std::map<std::string, Level> done;
    const std::string                   key = tag + "_" + std::to_string(level);
    if (const auto it = done.find(key); it != done.end())
      return it->second;
    std::vector<std::string> sets = {"Geometry/Global refinement=" + std::to_string(level),
                                     "Geometry/Rod length=" + number(length),
                                     "Statistics/Probe points=root: " + number(a) + ", " +
                                       number(length / 2)};
    sets.insert(sets.end(), extra.begin(), extra.end());
    const auto r = run("out_kt_axi_" + tag + "_" + std::to_string(level),
                       prm("notch_elastic_axisymmetric.prm"), sets);
    EXPECT_EQ(r.result.output.find("outside the mesh"), std::string::npos)
      << "the root probe was moved: " << r.result.output;
    const bmgfe_test::Statistics s(r.directory + "/statistics.csv");
    const std::size_t            last = s.n_rows() - 1;
    Level                        l;
    l.kt            = kt_at(s, "root");
    l.force         = platen_force(s);
    l.force_balance = s.value("reaction_force_z_on_boundary_2_N", last) / l.force - 1;
    l.sigma_rr      = s.value("stress_rr_at_root_Pa", last);
    l.sigma_zz      = s.value("stress_zz_at_root_Pa", last);
    l.wall          = r.wall_seconds;
    std::cout << "  " << tag << " level " << level << ": Kt = " << std::setprecision(8) << l.kt
              << ", F = " << l.force << " N, sigma_rr/sigma_zz at the root = " << std::setprecision(3)
              << l.sigma_rr / l.sigma_zz << ", platens balance to " << l.force_balance << " ("
              << std::setprecision(3) << l.wall << " s)\n";
    done[key] = l;
    return l;
  }
} // namespace

TEST(NotchKtAxisymmetric, ConvergenceAndHandbookValue)
{
  std::vector<double> kt;
  for (const unsigned int level : {1u, 2u, 3u})
    {
      const Level l = run_level("L9", level);
      kt.push_back(l.kt);
      // The two platens' reactions balance (F is the net-section force): to the solver's
      // tolerance, 1e-12 relative.
      EXPECT_LT(std::abs(l.force_balance), 1e-9) << "level " << level;
      if (level == 3)
        {
          EXPECT_LT(std::abs(l.sigma_rr), 1e-3 * std::abs(l.sigma_zz))
            << "the traction-free root carries sigma_rr";
        }
    }
  const Richardson r = richardson(kt);
  const double     finest_error = (kt[2] - r.extrapolated) / r.extrapolated;
  const double     roark        = kt_roark_u_notch_tension(2 * R, t, rho);
  const double     neuber       = kt_neuber(a, t, rho, 0.3);
  std::cout << std::setprecision(8) << "observed order " << r.order << ", Richardson Kt "
            << r.extrapolated << ", finest mesh off by " << finest_error << "\n"
            << "Roark Table 17.1 (U-notch, circular shaft, tension): " << roark << " (FE "
            << std::setprecision(3) << 100 * (r.extrapolated / roark - 1) << " %); Neuber's rule "
            << std::setprecision(5) << neuber << " (FE " << std::setprecision(3)
            << 100 * (r.extrapolated / neuber - 1) << " %)\n";
  record("kt_level_1", kt[0]);
  record("kt_level_2", kt[1]);
  record("kt_level_3", kt[2]);
  record("observed_order", r.order);
  record("kt_richardson", r.extrapolated);
  record("kt_roark", roark);
  EXPECT_GE(r.order, 1.5);
  EXPECT_LE(r.order, 2.5);
  EXPECT_LT(std::abs(finest_error), 1e-3);
  EXPECT_NEAR(r.extrapolated, roark, 0.02 * roark);
}

TEST(NotchKtAxisymmetric, InsensitiveToLengthBeyondOneRadiusFromTheNotch)
{
  const auto extrapolated = [](const std::string &tag, const double length) {
    std::vector<double> kt;
    for (const unsigned int level : {0u, 1u, 2u})
      kt.push_back(run_level(tag, level, length).kt);
    const Richardson r = richardson(kt);
    std::cout << tag << ": order " << r.order << ", Richardson Kt " << std::setprecision(8)
              << r.extrapolated << "\n";
    return r.extrapolated;
  };
  const double k9 = extrapolated("L9", 9e-3), k45 = extrapolated("L4.5", 4.5e-3),
               k3 = extrapolated("L3", 3e-3);
  std::cout << "Kt(L = 4.5 mm)/Kt(L = 9 mm) - 1 = " << k45 / k9 - 1
            << ", Kt(L = 3 mm)/Kt(L = 9 mm) - 1 = " << k3 / k9 - 1 << "\n";
  record("kt_length_4.5mm_relative_to_9mm", k45 / k9 - 1);
  record("kt_length_3mm_relative_to_9mm", k3 / k9 - 1);
  EXPECT_LT(std::abs(k45 / k9 - 1), 1e-3);
  EXPECT_GT(std::abs(k3 / k9 - 1), 1e-2);
}

// The material's Poisson's ratio (0.368, doc/material_zr61.md) against the handbooks' 0.3, on
// level 2: printed for the record (measured 2.5293 vs 2.5575, -1.1 %); asserted only that Kt
// falls with nu (Neuber's Ktd does: 2.448 -> 2.420).
TEST(NotchKtAxisymmetric, PoissonRatio)
{
  const double k30  = run_level("L9", 2).kt;
  const double k368 = run_level("nu0.368", 2, L, {"Material/Poisson's ratio=0.368"}).kt;
  std::cout << "Kt(nu = 0.368)/Kt(nu = 0.3) - 1 = " << k368 / k30 - 1 << "\n";
  record("kt_nu_0.368", k368);
  EXPECT_LT(k368, k30);
}
