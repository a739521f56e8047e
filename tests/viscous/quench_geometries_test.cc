// Viscous (tempering) quench of a finite rod in the axisymmetric model and in 3D (the
// generalized-plane-strain cross-section is quench_test.cc): a 3 mm Vit1 rod, 6 mm long,
// equilibrium liquid at 750 K, water quench on all surfaces. At mid-length after 8 s:
//  * surface sigma_tt and sigma_zz compressive, centre sigma_rr, sigma_tt, sigma_zz tensile,
//    with a real magnitude (> 50 MPa);
//  * the volume-averaged axial stress (zero for a free body: int sigma dV = int x t dA = 0)
//    below 2 % of the peak probe stress;
//  * the surface freezes more free volume than the centre (x, T_f higher), also in the ring
//    means of the middle third;
//  * axisymmetric and 3D agree on the residual state within 15 % of the peak (different
//    meshes: Q1 on 0.25 mm r-z cells vs 0.375 mm hexahedra).
#include "viscous_common.h"

#include <chrono>

using namespace mechanics;

namespace
{
  struct Residual
  {
    double surface_tt, surface_zz, centre_rr, centre_tt, centre_zz, peak, mean_axial;
    double x_centre, x_surface, Tf_centre, Tf_surface;
  };

  Residual check_quench(const std::string &prm_file, const std::string &label)
  {
    const auto   start = std::chrono::steady_clock::now();
    const auto   res   = viscous::run("out_" + label, prm_file, {});
    const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const auto       &s    = res.stats;
    const std::size_t last = s.n_rows() - 1;
    const auto        v    = [&](const std::string &c) { return s.value(c, last); };
    Residual          r{};
    r.surface_tt = v("stress_tt_at_surface_Pa");
    r.surface_zz = v("stress_zz_at_surface_Pa");
    r.centre_rr  = v("stress_rr_at_centre_Pa");
    r.centre_tt  = v("stress_tt_at_centre_Pa");
    r.centre_zz  = v("stress_zz_at_centre_Pa");
    for (const double a : {r.surface_tt, r.surface_zz, r.centre_rr, r.centre_tt, r.centre_zz})
      r.peak = std::max(r.peak, std::abs(a));
    r.mean_axial = v("volume_average_axial_stress_Pa");
    r.x_centre   = v("free_volume_at_centre");
    r.x_surface  = v("free_volume_at_surface");
    r.Tf_centre  = v("fictive_temperature_at_centre_K");
    r.Tf_surface = v("fictive_temperature_at_surface_K");
    std::cout << label << ": t = " << v("time_s") << " s, " << last << " steps, " << seconds
              << " s wall; T centre " << v("temperature_at_centre_K") << " K\n"
              << "  surface: tt " << r.surface_tt << " zz " << r.surface_zz << " Pa; centre: rr "
              << r.centre_rr << " tt " << r.centre_tt << " zz " << r.centre_zz << " Pa\n"
              << "  volume-averaged sigma_zz " << r.mean_axial << " Pa = "
              << r.mean_axial / r.peak << " of the peak\n"
              << "  T_f centre " << r.Tf_centre << " K, surface " << r.Tf_surface << " K; x centre "
              << r.x_centre << ", surface " << r.x_surface << '\n';
    record(label + "_surface_tt", r.surface_tt);
    record(label + "_surface_zz", r.surface_zz);
    record(label + "_centre_zz", r.centre_zz);
    record(label + "_mean_axial_over_peak", r.mean_axial / r.peak);
    record(label + "_seconds", seconds);

    EXPECT_LT(v("temperature_at_centre_K"), 320) << label; // cold: residual state
    EXPECT_LT(r.surface_tt, 0) << label;
    EXPECT_LT(r.surface_zz, 0) << label;
    EXPECT_GT(r.centre_rr, 0) << label;
    EXPECT_GT(r.centre_tt, 0) << label;
    EXPECT_GT(r.centre_zz, 0) << label;
    EXPECT_GT(r.peak, 5e7) << label;
    EXPECT_LT(std::abs(r.mean_axial), 0.02 * r.peak) << label;
    EXPECT_GT(r.x_surface, r.x_centre) << label;
    EXPECT_GT(r.Tf_surface, r.Tf_centre) << label;
    EXPECT_GT(r.Tf_centre, 580) << label;
    EXPECT_LT(r.Tf_surface, 750) << label;
    const auto &rings = res.rings;
    EXPECT_GT(rings.n(), 1u) << label;
    if (rings.n() > 1)
      {
        EXPECT_GT(rings.value("free_volume_mean", rings.n() - 1), rings.value("free_volume_mean", 0)) << label;
        EXPECT_GT(rings.value("fictive_temperature_mean_K", rings.n() - 1), rings.value("fictive_temperature_mean_K", 0)) << label;
        EXPECT_LT(rings.value("stress_tt_mean_Pa", rings.n() - 1), 0) << label;
        EXPECT_GT(rings.value("stress_tt_mean_Pa", 0), 0) << label;
      }
    return r;
  }
} // namespace

TEST(ViscousQuenchGeometries, AxisymmetricAnd3D)
{
  const Residual axi = check_quench("quench_axi.prm", "axisymmetric");
  const Residual d3  = check_quench("quench_3d.prm", "3D");
  const double   peak = std::max(axi.peak, d3.peak);
  double         worst = 0;
  for (const auto &[a, b] : {std::pair{axi.surface_tt, d3.surface_tt},
                             std::pair{axi.surface_zz, d3.surface_zz},
                             std::pair{axi.centre_tt, d3.centre_tt},
                             std::pair{axi.centre_zz, d3.centre_zz}})
    worst = std::max(worst, std::abs(a - b) / peak);
  std::cout << "axisymmetric vs 3D: largest probe-stress difference " << worst
            << " of the peak; T_f centre " << axi.Tf_centre << " / " << d3.Tf_centre
            << " K, surface " << axi.Tf_surface << " / " << d3.Tf_surface << " K\n";
  record("axi_vs_3d", worst);
  EXPECT_LT(worst, 0.15);
  EXPECT_NEAR(axi.Tf_centre, d3.Tf_centre, 2.0);
}
