// The 3D model against the axisymmetric one (issue 15 verification, part 2; issue text: "the
// axisymmetric and 3D models agree within 1 %"), on the elastic notch of
// kt_axisymmetric_test.cc. Kt = sigma_zz(root) / (F / (pi a^2)), a = 1.25 mm.
//
// Reference: the axisymmetric model on the same shortened rod (L = 4.5 mm: the notch 2.25 mm =
// R from each platen; kt_axisymmetric_test.cc shows Kt is the L = 9 mm value to 1e-5),
// Richardson-extrapolated over 3 nested meshes (levels 0-2: Kt = 2.55616; the platen force
// F = 69.8636 N and the axis stress sigma_zz(0, L/2)/sigma_nom = 0.5938 converged to < 1e-5).
// The comparison is with this mesh-independent value, so what differs is the 3D model plus its
// own discretization error.
//
// Reading Kt in 3D: the root is a circle; the 3D mesh (gmsh tetrahedra split into hexahedra)
// is not axisymmetric, so the computed root stress varies around it. Probes at N angles on the
// root circle, each read 2 um and 4 um below the root (r = a - 2 um, a - 4 um: the flat
// facets of the faceted root lie up to ~1.6 um inside r = a, so a point at r = a may be outside
// the mesh) and extrapolated linearly to r = a; Kt of the 3D model = the mean over the angles,
// its spread (min, max, standard deviation) the measure of the 3D mesh's resolution of the root.
//
// Cost of the 3D model (this 2-core machine, shared with other jobs; 2 MPI ranks; L = 4.5 mm,
// nu = 0.3; lateral rigid-body motions removed by point constraints, notch_elastic_3d.prm):
//  * coarsest mesh the geometry accepts ('Notch mesh size' = rho/2 = 125 um, 'Mesh size' = R):
//    31 744 hexahedra. Q1: 110 217 DoFs, 9 s wall on a quiet machine (up to 59 s while other
//    jobs ran), 0.75 GB per rank. Q2: 806 061 DoFs, 257 s wall (733 s under load), 5.4 GB per
//    rank; half of its CG work is the t = 0 step, which solves a round-off right-hand side to
//    the same relative tolerance as the load step.
//  * 'Mesh size' = R/4 instead: 60 856 hexahedra, Q1 210 735 DoFs, 103 s (under load).
//  * the seed's L = 9 mm with 'Mesh size' 1 mm and 'Notch mesh size' 125 um: 39 784 hexahedra,
//    Q2 did not finish a step in 3.5 min (parameters/notch_compression_zr61.prm).
//
// Measured (mean over the root circle vs the axisymmetric Richardson value 2.5562):
//  * Q1, coarsest mesh, 16 angles: Kt mean 2.5669 (+0.42 %), per angle 2.18-3.19 (-15 % to
//    +25 %), standard deviation 7.6 %; with 36 angles the mean is 2.589 (+1.3 %). F 71.237 N
//    (+2.0 %: Q1 is stiff on cells of up to R), axis stress 0.611 (+2.9 %).
//  * Q2, coarsest mesh, 36 angles: Kt mean 2.5814 (+0.99 %), per angle 2.503-2.898 (-2.1 % to
//    +13 %), standard deviation 2.6 %; F 69.803 N (-0.09 %), axis stress -0.28 %.
// So the 1 % is NOT verified in the CI budget (about 3 min for the whole folder): the
// affordable Q1 run resolves the root to several per cent only (its mean lands within 1 % or
// not depending on how many angles are averaged), and the Q2 run that meets 1 % on the mean
// (by a hair, with a per-angle spread of -2 % to +13 %) costs 4-12 min and 11 GB. The flat
// facets of the 3D root (no curved manifold on the root torus in 3D, unlike the r-z section's
// root arcs, doc/model.md; a Q2 mapping cannot curve them) and the four hexahedra per
// tetrahedron are what costs: Q2 does not remove the spread.
//
// What the two tests assert:
//  * CoarseQ1 (CI): a consistency bound, NOT the target: the mean Kt over 16 angles, F
//    and the axis stress within 5 % of the axisymmetric values. 5 %: the per-angle standard
//    deviation of 7.6 % gives the 16-angle mean a standard error of 1.9 %, so 5 % is about
//    2.5 standard errors; F and the axis stress carry Q1's stiffness error on cells of R (2-3 %
//    measured). It fails for a broken 3D model (wrong platens, net section, kinematics), not
//    for the 1 % target. The platen reactions must balance (1e-9).
//  * DISABLED_Q2WithinOnePercent (4-12 min; run with --gtest_also_run_disabled_tests): the
//    issue's 1 % on the mean Kt over 36 angles and on F, with Q2 on the same mesh: passes
//    (+0.99 %, -0.09 %).
#include "notch_elastic_common.h"

#include <algorithm>
#include <numeric>

using namespace notch_elastic;

namespace
{
  constexpr double length = 4.5e-3; ///< shortened rod (notch 2.25 mm = R from each platen)

  /// Probes 'c<k>_<j>' at angles 2 pi (k + 1/2)/n on the root circle, j = 0, 1 at depths 2 and
  /// 4 um below r = a, and 'centre' on the axis, all at z = length/2.
  std::string ring_probes(const unsigned int n)
  {
    std::ostringstream s;
    s << std::setprecision(17) << "centre: 0, 0, " << length / 2;
    for (unsigned int k = 0; k < n; ++k)
      for (unsigned int j = 0; j < 2; ++j)
        {
          const double phi = 2 * M_PI * (k + 0.5) / n, r = a - 2e-6 * (j + 1);
          s << "; c" << k << "_" << j << ": " << r * std::cos(phi) << ", " << r * std::sin(phi)
            << ", " << length / 2;
        }
    return s.str();
  }

  struct Ring
  {
    std::vector<double> kt; ///< per angle, extrapolated to r = a
    double              mean = 0, min = 0, max = 0, stddev = 0;
  };

  Ring root_ring(const bmgfe_test::Statistics &s, const unsigned int n)
  {
    Ring ring;
    for (unsigned int k = 0; k < n; ++k)
      {
        const double k2 = kt_at(s, "c" + std::to_string(k) + "_0"); // 2 um deep
        const double k4 = kt_at(s, "c" + std::to_string(k) + "_1"); // 4 um deep
        ring.kt.push_back(2 * k2 - k4);
      }
    ring.mean = std::accumulate(ring.kt.begin(), ring.kt.end(), 0.0) / n;
    ring.min  = *std::min_element(ring.kt.begin(), ring.kt.end());
    ring.max  = *std::max_element(ring.kt.begin(), ring.kt.end());
    for (const double k : ring.kt)
      ring.stddev += (k - ring.mean) * (k - ring.mean) / n;
    ring.stddev = std::sqrt(ring.stddev);
    return ring;
  }

  struct Reference
  {
    double kt, force, axis;
  };

  /// The axisymmetric model on the rod of length 4.5 mm: Richardson Kt over levels 0, 1, 2;
  /// F and the axis stress of level 2.
  Reference axisymmetric_reference()
  {
    std::vector<double> kt;
    Reference           ref{};
    for (const unsigned int level : {0u, 1u, 2u})
      {
        const auto r = run("out_kt_3d_axisymmetric_" + std::to_string(level),
                           prm("notch_elastic_axisymmetric.prm"),
                           {"Geometry/Global refinement=" + std::to_string(level),
                            "Geometry/Rod length=" + number(length),
                            "Statistics/Probe points=root: " + number(a) + ", " +
                              number(length / 2) + "; centre: 0, " + number(length / 2)});
        const bmgfe_test::Statistics s(r.directory + "/statistics.csv");
        kt.push_back(kt_at(s, "root"));
        ref.force = platen_force(s);
        ref.axis  = kt_at(s, "centre");
      }
    ref.kt = richardson(kt).extrapolated;
    std::cout << "axisymmetric, L = 4.5 mm: Kt " << kt[0] << ", " << kt[1] << ", " << kt[2]
              << " -> Richardson " << ref.kt << "; F = " << ref.force
              << " N, axis sigma_zz/sigma_nom = " << ref.axis << "\n";
    return ref;
  }

  struct Result3D
  {
    Ring   ring;
    double force, axis, wall;
  };

  Result3D run_3d(const std::string &out, const unsigned int degree, const unsigned int n_angles)
  {
    const auto r = run(out, prm("notch_elastic_3d.prm"),
                       {"Mechanics/Finite element degree=" + std::to_string(degree),
                        "Statistics/Probe points=" + ring_probes(n_angles)},
                       2);
    EXPECT_EQ(r.result.output.find("outside the mesh"), std::string::npos)
      << "a probe was moved: " << r.result.output;
    const bmgfe_test::Statistics s(r.directory + "/statistics.csv");
    Result3D                     res;
    res.ring  = root_ring(s, n_angles);
    res.force = platen_force(s);
    res.axis  = kt_at(s, "centre");
    res.wall  = r.wall_seconds;
    EXPECT_LT(std::abs(s.value("reaction_force_z_on_boundary_2_N", s.n_rows() - 1) / res.force - 1),
              1e-9)
      << "the platen reactions do not balance";
    std::cout << "3D Q" << degree << " (" << res.wall << " s on 2 ranks), " << n_angles
              << " angles: Kt mean " << res.ring.mean << ", min " << res.ring.min << ", max "
              << res.ring.max << ", standard deviation " << res.ring.stddev << "; F = "
              << res.force << " N, axis " << res.axis << "\n  per angle:";
    for (const double k : res.ring.kt)
      std::cout << ' ' << std::setprecision(4) << k;
    std::cout << std::setprecision(6) << '\n';
    return res;
  }

  void compare(const Reference &ref, const Result3D &res, const std::string &tag)
  {
    std::cout << tag << ": mean Kt " << 100 * (res.ring.mean / ref.kt - 1) << " %, per angle "
              << 100 * (res.ring.min / ref.kt - 1) << " % to " << 100 * (res.ring.max / ref.kt - 1)
              << " %, F " << 100 * (res.force / ref.force - 1) << " %, axis stress "
              << 100 * (res.axis / ref.axis - 1) << " % against the axisymmetric model\n";
    record(tag + "_kt_mean", res.ring.mean);
    record(tag + "_kt_min", res.ring.min);
    record(tag + "_kt_max", res.ring.max);
    record(tag + "_kt_mean_relative_difference", res.ring.mean / ref.kt - 1);
    record(tag + "_force_relative_difference", res.force / ref.force - 1);
    record(tag + "_wall_seconds", res.wall);
    record("axisymmetric_kt_richardson", ref.kt);
  }
} // namespace

TEST(Notch3D, CoarseQ1AgreesWithAxisymmetric)
{
  const Reference ref = axisymmetric_reference();
  const Result3D  res = run_3d("out_kt_3d_q1", 1, 16);
  compare(ref, res, "q1");
  // Consistency bound (see the top of the file), not the 1 %.
  EXPECT_NEAR(res.ring.mean, ref.kt, 0.05 * ref.kt);
  EXPECT_NEAR(res.force, ref.force, 0.05 * ref.force);
  EXPECT_NEAR(res.axis, ref.axis, 0.05 * ref.axis);
}

// The target with Q2 on the coarsest mesh: 4-12 min and 5.4 GB per rank here, outside
// the CI budget. Measured: mean Kt +0.99 %, F -0.09 % (passes), per-angle spread -2.1 % to +13 %.
TEST(Notch3D, DISABLED_Q2WithinOnePercent)
{
  const Reference ref = axisymmetric_reference();
  const Result3D  res = run_3d("out_kt_3d_q2", 2, 36);
  compare(ref, res, "q2");
  EXPECT_NEAR(res.ring.mean, ref.kt, 0.01 * ref.kt);
  EXPECT_NEAR(res.force, ref.force, 0.01 * ref.force);
}
