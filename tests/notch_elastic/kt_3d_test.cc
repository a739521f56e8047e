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
// The 3D rod is the r-z section revolved about the axis (16 cells around, a structured core
// r < a/2), Q2 displacements on a Q2 mapping that puts the root faces on their torus and the
// surface on its cylinder. Kt is read at N angles on the root circle, each 2 um and 4 um below
// the root and extrapolated linearly to r = a (as before, when the root was faceted); the mean
// over the angles is compared, the spread around the circle shows the mesh's symmetry.
//
// Measured (this machine, 2 MPI ranks; against the axisymmetric Richardson value 2.5562):
//  * default sizes (R/8, root radius/4; the axisymmetric level 0's), 6 976 hexahedra, 173 559
//    DoFs, 28 s, 1.35 GB per rank: Kt 2.57783 (+0.85 %), spread around the root 1.4e-6
//    relative; F 69.8625 N (-0.002 %), axis stress 0.59240 (-0.24 %). With 32 cells around:
//    2.57795 (the circumferential resolution is not what is left).
//  * sizes halved (26 384 hexahedra, 144 s, 4.2 GB per rank): 2.56408 (+0.31 %); the
//    axisymmetric model on the same sizes: 2.56654 / 2.55934 (coarse / halved, at r = a), so the
//    3D - axisymmetric difference on equal cell sizes falls from 0.44 % to 0.18 %: the 3D model
//    converges to the axisymmetric one.
//  * Before (gmsh tetrahedra split into hexahedra, flat facets at the root): Q1 31 744
//    hexahedra, mean +0.42 % but per angle -15 % to +25 %; Q2 on the same mesh 806 061 DoFs,
//    4-12 min, 5.4 GB per rank, mean +0.99 %, per angle -2.1 % to +13 %.
// Asserted: the 1 % on the mean Kt, F and the axis stress, and a spread around the
// root below 1e-5 (an axisymmetric load on a revolved mesh).
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

  Result3D run_3d(const std::string &out, const unsigned int n_angles)
  {
    const auto r = run(out, prm("notch_elastic_3d.prm"),
                       {"Statistics/Probe points=" + ring_probes(n_angles)}, 2);
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
    std::cout << "3D (" << res.wall << " s on 2 ranks), " << n_angles
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

TEST(Notch3D, RevolvedQ2WithinOnePercentOfAxisymmetric)
{
  const Reference ref = axisymmetric_reference();
  const Result3D  res = run_3d("out_kt_3d_q2", 16);
  compare(ref, res, "q2");
  EXPECT_NEAR(res.ring.mean, ref.kt, 0.01 * ref.kt);
  EXPECT_NEAR(res.force, ref.force, 0.01 * ref.force);
  EXPECT_NEAR(res.axis, ref.axis, 0.01 * ref.axis);
  EXPECT_LT(res.ring.max - res.ring.min, 1e-5 * res.ring.mean);
}
