// Perfectly plastic limit of a blunt notch against Bridgman (issue 15 verification, part 2).
//
// notch_limit_shallow.prm: the seed rod (R = 2.25 mm, L = 9 mm) with a notch 1 mm deep cut by a
// tool of root radius R_n = 1.5 mm, shallower than its root radius (the notched rod's arcs meet
// the surface at an angle), minimum-section radius a = 1.25 mm, a/R_n = 0.833: Bridgman's range
// a/R <= 1. Compression between frictionless platens, Mohr-Coulomb with friction 0 = Tresca,
// sigma_Y = 2 c (exact return mapping, no smoothing), no softening, no dilatancy, no heating:
// elastic-perfectly plastic. Q2, 1148 cells (root cells a/10), 12 steps to 3 % nominal strain.
//
// Verified (measured numbers in brackets; 'fine': Mesh size and Notch mesh size halved, 4883
// cells):
//  * the force reaches a plateau: the last step raises it by less than 0.1 % [0.03 %];
//  * the centre (r <= 0.2 a, |z| <= 0.1 a) is fully plastic: its mean von Mises stress is
//    sigma_Y to 1e-3 [1.0000], and it deforms fastest (plastic power 3.4 x that of the ring at
//    the root, 0.8 a <= r <= a): the whole section flows, fastest at the axis;
//  * the converged limit stress F/(pi a^2 sigma_Y) (the fine mesh's) against Bridgman's
//    (1 + 2R/a) ln(1 + a/2R) = 1.1842 within 10 % [fine 1.2961, +9.45 %; this mesh 1.3008,
//    +9.8 %. With a Q1 mapping of the root arcs (before the mapping took the displacement's
//    degree): 1.2966 and 1.3028. Before the reaction-force fix (cells touching the platen at a
//    vertex only were left out) these were 1.2735 and 1.2736, +7.5 %. 30 steps to 6 %: 1.2759;
//    L = 13.5 mm: 1.2731, L = 6 mm: 1.2491 (too short, -2 %), all before the fix];
//  * the limit stress of this mesh within 1 % of the fine mesh's [0.36 %], which ties the run
//    to the converged value compared with Bridgman;
//  * the centre triaxiality is a property of the limit state: the same at 2.25 % and 3 %
//    nominal strain within 3 % [-1.169, -1.176], within 3 % of the fine mesh's [-1.1955].
// Not met, DISABLED_ below (run it with --gtest_also_run_disabled_tests): the centre triaxiality
// against Bridgman within 10 %. Bridgman averaged over the same region: -0.675 (centre -0.682);
// measured -1.176: 74 % more. Bridgman assumes a neck that deforms uniformly over the section
// with stress trajectories whose curvature grows linearly from 0 at the axis to 1/R at the
// surface, which makes sigma_r = sigma_theta flat near the axis, ln(1 + a/2R) = 0.35 sigma_Y at
// the centre. The small-strain limit field of the notch is not a uniform neck: it deforms
// fastest at the axis and sigma_r rises nearly linearly from the root inwards, to 0.84 sigma_Y
// on average over r <= 0.2 a. The excess sits on the small area near the axis, so the mean
// axial stress is only 9.5 % above Bridgman's. (Poisson's ratio 0.2 instead of 0.368 and 13.5 mm
// instead of 9 mm of rod move the mean over r <= 0.1 a by 2 % and 5 %: not an elastic remnant.)
#include "notch_limit_common.h"

using namespace notch_limit;

namespace
{
  constexpr double R_notch = 1.5e-3;
  // Measured on the fine mesh ('Mesh size' 0.14 mm, 'Notch mesh size' 62.5 um, 4883 cells).
  constexpr double fine_limit_stress = 1.2961, fine_centre_triaxiality = -1.1955;
} // namespace

TEST(NotchLimit, BluntNotchLimitLoadAgainstBridgman)
{
  const Result r = run("notch_limit_shallow.prm", "out_notch_limit_shallow");
  ASSERT_GE(r.limit_stress.size(), 10u);
  ASSERT_EQ(r.rings.size(), 2u); // 9 s and the end, 12 s

  const double bridgman = bridgman_limit_stress(R_notch);
  const double eta_b    = -bridgman_centre_triaxiality(R_notch);
  const Rings &end = r.rings.back(), &before = r.rings.front();
  std::cout << "a/R = " << a / R_notch << ": limit stress " << r.last() << ", Bridgman "
            << bridgman << " (" << percent(r.last() / bridgman - 1) << "), fine mesh "
            << fine_limit_stress << "\ncentre triaxiality " << end.centre_triaxiality
            << ", Bridgman " << eta_b << " (centre " << -bridgman_triaxiality(0, R_notch)
            << "; measured " << percent(end.centre_triaxiality / eta_b - 1) << ")\n";
  record("limit_stress", r.last());
  record("limit_stress_bridgman", bridgman);
  record("centre_triaxiality", end.centre_triaxiality);
  record("centre_triaxiality_bridgman", eta_b);
  record("wall_time_s", r.wall_time);

  // Full plasticity: the plateau, the centre on the yield surface.
  EXPECT_LT(r.last_rise(), 1e-3);
  EXPECT_NEAR(end.centre_von_mises / sigma_Y, 1, 1e-3);
  EXPECT_GT(end.centre_power, end.root_power);
  // Bridgman's limit load within 10 % of the converged (fine-mesh) value; this mesh within 1 %
  // of it.
  EXPECT_NEAR(fine_limit_stress / bridgman, 1, 0.10);
  EXPECT_NEAR(r.last() / fine_limit_stress, 1, 0.01);
  // The centre triaxiality is a property of the limit state: the same on the plateau, and the
  // same on the fine mesh (compression: negative).
  EXPECT_LT(end.centre_triaxiality, 0);
  EXPECT_NEAR(end.centre_triaxiality / before.centre_triaxiality, 1, 0.03);
  EXPECT_NEAR(end.centre_triaxiality / fine_centre_triaxiality, 1, 0.03);
}

// The target of issue 15 that the measurement does not meet (see the top of the file): Bridgman's
// centre triaxiality within 10 %. Measured -1.176 against -0.675 (+74 %).
TEST(NotchLimit, DISABLED_BluntNotchCentreTriaxialityAgainstBridgman)
{
  const Result r     = run("notch_limit_shallow.prm", "out_notch_limit_shallow_bridgman");
  const double eta_b = -bridgman_centre_triaxiality(R_notch);
  EXPECT_NEAR(r.rings.back().centre_triaxiality / eta_b, 1, 0.10);
}
