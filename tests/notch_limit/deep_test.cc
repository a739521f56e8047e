// Perfectly plastic limit of the seed-004 notch (issue 15 verification, part 2).
//
// notch_limit_deep.prm: the rod of parameters/notch_compression_zr61.prm (R = 2.25 mm,
// L = 9 mm, notch root diameter 2.5 mm, width 0.5 mm, root radius R_n = 0.25 mm: minimum-section
// radius a = 1.25 mm, a/R_n = 5, a U-notch 1 mm = 4 R_n = 0.8 a deep), compressed between
// frictionless platens; Mohr-Coulomb with friction 0 = Tresca, sigma_Y = 2 c (exact return
// mapping, no smoothing), no softening, no dilatancy, no heating. Q2, 628 cells (root cells
// R_n/4), 15 steps to 15 % nominal strain.
//
// Reference: no published limit load for this notch (a/R_n = 5 in a bar of D/d = 1.8) could be
// found and confirmed (the stored copies of Miller 1988, Int. J. Pres. Ves. & Piping 32, 197-327,
// hold its title page only; nothing of Shield 1955, Szczepinski et al. 1966 or Ewing & Hill
// 1967). The closest published value known to the author is Shield's (Proc. R. Soc. A 233 (1955)
// 267) mean pressure 5.69 k under a smooth flat circular punch on a Tresca half-space, by
// symmetry also the limit of an infinitely deep, sharp circumferential crack in a round bar:
// 2.85 sigma_Y (not confirmed from a stored copy). It is the upper end of notch constraint, for a
// bar of infinite outer radius, not a value for this notch (measured 1.87, 34 % below it). What
// is asserted instead: the limit-analysis bounds (rigorous, for any Tresca body), convergence,
// the mechanism, and Bridgman's error as measured.
//
// Verified (measured numbers in brackets; 'fine': Mesh size and Notch mesh size halved, 2268
// cells):
//  * the force reaches a plateau: the last step raises it by less than 0.1 % [0.05 %];
//  * the limit stress F/(pi a^2 sigma_Y) [1.9127; fine 1.9103, 0.13 % lower; with a Q1 mapping
//    of the root arcs, before the mapping took the displacement's degree, 1.9159 and 1.9112;
//    the reaction-force fix had raised them from 1.8807 and 1.8703: cells touching the platen
//    at a vertex only had been left out] within 1 % of the
//    fine mesh's, and between the lower bound 1 (sigma_z = -sigma_Y on the core r < a, zero
//    elsewhere) and the upper bound of uniform compression of the whole notched rod,
//    (pi R^2 L - V_notch)/(pi a^2 L) = 3.12. Rod length: 13.5 mm 1.873 (-0.4 %); 4.5 mm 1.825
//    (-3 %; there the centre stays elastic);
//  * Bridgman, (1 + 2R/a) ln(1 + a/2R) = 1.7539, is low by 4 to 10 % [measured 9.2 % above it;
//    fine 9.0 %];
//  * the centre (r <= 0.2 a, |z| <= 0.1 a) is on the yield surface but nearly rigid: its plastic
//    power is below 0.1 x that of the ring at the root, 0.8 a <= r <= a [0.036; fine 0.046]
//    (the blunt notch of shallow_test.cc deforms fastest at its centre);
//  * the centre triaxiality [-1.708; -1.683 at 10 %; fine -1.730] within 3 % of the fine
//    mesh's [fine -1.732 with the Q2 mapping] and drifting by less than 3 % between 10 % and 15 %: the stress of a nearly rigid
//    core is not fixed by the limit state, it keeps creeping. Bridgman averaged over the same
//    region: -1.572 (centre -1.586): the measured value is 8.7 % above it (fine 10.1 %).
//  * the stresses sampled in the root zone with 'Material state = nearest Gauss point' (section
//    sampling, 4676 points inside the body, plastic strain up to 4.8): sigma_1 - sigma_3 <=
//    sigma_Y (1 + 1e-9) at every point [max 1.0000]; the interpolated state gives up to 1.52
//    sigma_Y at 2754 of them (measured by hand, the reason for the entry).
// How far Bridgman is off, and why: 7 % on the limit load, 9-10 % on the centre triaxiality,
// both too low, and close only by a compensation of errors. Bridgman's neck deforms uniformly
// over the whole section; this notch collapses by a root-dominated field around a nearly rigid
// lens at the centre of the section (like the dead zone under a flat punch): in the slab
// 0.2 a - 0.8 a above the section the core flows at 6 x the rate of the section's centre, the
// shoulders (R - a = 0.8 a wide) little and at 0.9-1.0 sigma_Y. Near the root sigma_r rises
// faster than Bridgman's ln(1 + (a^2 - r^2)/(2 a R)) (a log-spiral-like field), over the core it
// stays flat; and the narrow shoulders, which Bridgman's formula does not know, cap the
// constraint. The same notch in a bar of R = 3 a (--set "Geometry/Rod radius=3.75e-3", Mesh
// size 0.28 mm; fine 0.14 mm/31 um in brackets): the whole section flows (centre power 0.8 x
// the root's [0.9]), limit stress 1.984 [1.976], 13 % above Bridgman's, centre triaxiality
// -2.41 [-2.49], 54 % [58 %] above Bridgman's. For a notch in a wide bar Bridgman's error is
// large; in the seed's bar with its 1 mm deep notch it is 7 %.
#include "notch_limit_common.h"

using namespace notch_limit;

namespace
{
  constexpr double R_rod = 2.25e-3, L = 9e-3, R_notch = 2.5e-4, width = 5e-4;
  // Measured on the fine mesh ('Mesh size' 0.14 mm, 'Notch mesh size' 31.25 um, 2268 cells).
  constexpr double fine_limit_stress = 1.9103, fine_centre_triaxiality = -1.732;

  /// Volume the notch removes (slot beyond the fillet centres plus the semicircular root, by
  /// Pappus; width = 2 R_notch: no flat root), as in tests/geometry.
  double notch_volume()
  {
    const double c = a + R_notch; // radius of the fillet centres
    return M_PI * (R_rod * R_rod - c * c) * width +
           2 * M_PI * (c - 4 * R_notch / (3 * M_PI)) * M_PI * R_notch * R_notch / 2;
  }
} // namespace

TEST(NotchLimit, SeedNotchLimitLoad)
{
  const Result r = run("notch_limit_deep.prm", "out_notch_limit_deep");
  ASSERT_GE(r.limit_stress.size(), 10u);
  ASSERT_EQ(r.rings.size(), 2u); // 10 s and the end, 15 s

  const double bridgman = bridgman_limit_stress(R_notch);
  const double eta_b    = -bridgman_centre_triaxiality(R_notch);
  // Kinematic bound: u_z = -V z/L, u_r = V r/(2L) everywhere (isochoric, frictionless platens):
  // Tresca dissipation sigma_Y |eps_zz| per volume, F V = sigma_Y (V/L) (volume of the rod).
  const double upper = (M_PI * R_rod * R_rod * L - notch_volume()) / (M_PI * a * a * L);
  const Rings &end = r.rings.back(), &before = r.rings.front();
  std::cout << "a/R = " << a / R_notch << ": limit stress " << r.last() << ", Bridgman "
            << bridgman << " (measured " << percent(r.last() / bridgman - 1)
            << "), bounds 1 and " << upper << ", fine mesh " << fine_limit_stress
            << "\ncentre triaxiality " << end.centre_triaxiality << ", Bridgman " << eta_b
            << " (centre " << -bridgman_triaxiality(0, R_notch) << "; measured "
            << percent(end.centre_triaxiality / eta_b - 1) << ")\n";
  record("limit_stress", r.last());
  record("limit_stress_bridgman", bridgman);
  record("centre_triaxiality", end.centre_triaxiality);
  record("centre_triaxiality_bridgman", eta_b);
  record("wall_time_s", r.wall_time);

  // Full plasticity: the plateau.
  EXPECT_LT(r.last_rise(), 1e-3);
  // The limit stress: within the limit-analysis bounds, converged in the mesh.
  EXPECT_GT(r.last(), 1);
  EXPECT_LT(r.last(), upper);
  EXPECT_NEAR(r.last() / fine_limit_stress, 1, 0.01);
  // Bridgman is low, by less than 10 %.
  EXPECT_GT(r.last() / bridgman, 1.04);
  EXPECT_LT(r.last() / bridgman, 1.10);
  // The mechanism: the centre is on the yield surface but hardly deforms.
  EXPECT_NEAR(end.centre_von_mises / sigma_Y, 1, 1e-3);
  EXPECT_LT(end.centre_power, 0.1 * end.root_power);
  // Its triaxiality: converged in the mesh, slowly creeping on the plateau.
  EXPECT_LT(end.centre_triaxiality, 0);
  EXPECT_NEAR(end.centre_triaxiality / fine_centre_triaxiality, 1, 0.03);
  EXPECT_NEAR(end.centre_triaxiality / before.centre_triaxiality, 1, 0.03);

  // Sampled stresses with the nearest Gauss point's state: on or inside the yield surface.
  const bmgfe_test::CsvTable root("out_notch_limit_deep/section_sampling/root_00000.csv");
  double       worst = 0, largest_p = 0;
  unsigned int inside = 0;
  for (std::size_t i = 0; i < root.n_rows(); ++i)
    {
      const double s1 = root.value("principal_stress_1_Pa", i), s3 = root.value("principal_stress_3_Pa", i);
      if (std::isnan(s1))
        continue;
      ++inside;
      worst     = std::max(worst, (s1 - s3) / sigma_Y);
      largest_p = std::max(largest_p, root.value("equivalent_plastic_strain", i));
    }
  std::cout << "root zone: " << inside << " sampled points inside, largest (sigma_1 - sigma_3)/sigma_Y "
            << worst << ", largest plastic strain " << largest_p << "\n";
  record("root_zone_largest_tresca_over_yield", worst);
  EXPECT_GT(inside, 4000u);
  EXPECT_GT(largest_p, 1.0); // the plastic strain dwarfs the elastic one there
  EXPECT_LE(worst, 1 + 1e-9);
  EXPECT_GT(worst, 1 - 1e-9); // and the root zone is at yield
}
