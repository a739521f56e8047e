// Instant-freezing limit of the viscous model (doc/model.md §8): "elastic below Tg, stress-free
// above: residual = -(thermal stress of the profile frozen at Tg); for the first Bessel mode
// at Bi = 1: surface sigma_tt = sigma_zz = -0.173 K theta_c, centre sigma_tt = sigma_rr =
// +0.092 K theta_c, centre sigma_zz = +0.185 K theta_c", K = alpha E/(1 - nu),
// theta_c = Tg - T_bath.
//
// Realisation (freeze_gps.prm): long-rod cross-section (generalized plane strain, zero net
// axial force); the temperature is the first Bessel mode of a Bi = 1 quench,
// T = T_bath + theta0 J0(zeta1 r/R) e^{-t} with zeta1 J1(zeta1) = J0(zeta1), prescribed
// (the heat solver is verified elsewhere); the Maxwell rate G/eta is 1e4 1/s until the
// centre reaches Tg at t = 1 s and 0 afterwards ('Maxwell rate override', the whole body
// freezes with the profile of that instant, which is what the closed form assumes); no
// structural strain (dalpha = 0). At t = 35 s the profile has decayed to 5e-13 K.
//
// Q2 displacements on an R/8 disk (point stresses at the probes are O(h^2); with Q1 on R/16
// the surface vertex value is 5 % low while the ring means agree to 0.2 %).
// Checked: the ring means of sigma_rr, sigma_tt, sigma_zz against the exact ring means of
// -(Timoshenko & Goodier stresses of theta_c J0(zeta1 r/R)) within 1 % of K theta_c, the
// probe values at the centre and surface against the numbers of doc/model.md §8 within 3 %, and
// zero net axial force.
#include "viscous_common.h"

#include <chrono>
#include <cmath>

using namespace mechanics;

namespace
{
  constexpr double T_bath  = 300;
  constexpr double Tg      = 623;
  constexpr double theta_c = Tg - T_bath;

  /// zeta J1(zeta) = Bi J0(zeta), first root, by bisection.
  double first_root(const double Bi)
  {
    double lo = 1e-6, hi = 2.4048;
    for (int i = 0; i < 200; ++i)
      {
        const double m = 0.5 * (lo + hi);
        const double f = m * std::cyl_bessel_j(1.0, m) - Bi * std::cyl_bessel_j(0.0, m);
        (f < 0 ? lo : hi) = m;
      }
    return 0.5 * (lo + hi);
  }

  /// amplitude * J0(zeta r/b) as a polynomial in r^2 (12 terms of the power series).
  Profile bessel_mode(const double zeta, const double amplitude)
  {
    Profile      p{"bessel_mode", {}};
    const double a2 = std::pow(zeta / (2 * b), 2);
    double       f  = 1;
    for (int k = 0; k < 12; ++k)
      {
        if (k > 0)
          f *= k;
        p.c.push_back(amplitude * ((k % 2) ? -1.0 : 1.0) * std::pow(a2, k) / (f * f));
      }
    return p;
  }

  /// muparser polynomial sum_k c_k (r^2)^k.
  std::string polynomial(const Profile &p, const std::string &r2)
  {
    std::string e = "0";
    for (std::size_t k = 0; k < p.c.size(); ++k)
      {
        e += " + (" + number(p.c[k]) + ")";
        for (std::size_t j = 0; j < k; ++j)
          e += "*(" + r2 + ")";
      }
    return e;
  }
} // namespace

TEST(Viscous, InstantFreezingBi1)
{
  const double  zeta = first_root(1.0);
  const Profile unit = bessel_mode(zeta, 1.0);
  EXPECT_NEAR(unit.T(b), std::cyl_bessel_j(0.0, zeta), 1e-12);
  // theta0 e^{-1} = theta_c: the centre passes Tg at t = 1 s.
  const std::string T = number(T_bath) + " + " + number(theta_c * std::exp(1.0)) + "*exp(-t)*(" +
                        polynomial(unit, "x^2 + y^2") + ")";
  const auto start = std::chrono::steady_clock::now();
  const auto res   = viscous::run("out_viscous_freeze", "freeze_gps.prm",
                                  {"Heat/Prescribed temperature field=" + T});
  const double seconds =
    std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  const Profile frozen = bessel_mode(zeta, theta_c);
  const double  scale  = K * theta_c;
  // Closed form (doc/model.md §8) from the exact formulas: a self-check of the quoted numbers.
  const auto centre  = exact_stress(frozen, 0, false);
  const auto surface = exact_stress(frozen, b, false);
  EXPECT_NEAR(-surface[1] / scale, -0.173, 1e-3);
  EXPECT_NEAR(-surface[2] / scale, -0.173, 1e-3);
  EXPECT_NEAR(-centre[1] / scale, 0.092, 1e-3);
  EXPECT_NEAR(-centre[0] / scale, 0.092, 1e-3);
  EXPECT_NEAR(-centre[2] / scale, 0.185, 2e-3);

  // Ring means against -(exact ring means of the frozen profile).
  ASSERT_EQ(res.rings.n(), 8u);
  double      worst = 0;
  const char *cols[3] = {"stress_rr_mean_Pa", "stress_tt_mean_Pa", "stress_zz_mean_Pa"};
  for (std::size_t i = 0; i < res.rings.n(); ++i)
    {
      const auto ex = exact_ring_mean(frozen, res.rings.value("r_inner_m", i),
                                      res.rings.value("r_outer_m", i), false);
      for (int d = 0; d < 3; ++d)
        worst = std::max(worst, std::abs(res.rings.value(cols[d], i) + ex[d]) / scale);
    }
  std::cout << "instant freezing, Bi = 1 (zeta1 = " << zeta << "): max ring-mean error / (K theta_c) = "
            << worst << "; run " << seconds << " s\n";
  record("ring_mean_error", worst);
  EXPECT_LT(worst, 1e-2);

  // Probe values at the end (doc/model.md §8 numbers, 3 %).
  const std::size_t last = res.stats.n_rows() - 1;
  const auto        at   = [&](const std::string &c) { return res.stats.value(c, last) / scale; };
  const double s_tt  = at("stress_tt_at_surface_Pa"), s_zz = at("stress_zz_at_surface_Pa");
  const double c_tt  = at("stress_tt_at_centre_Pa"), c_rr = at("stress_rr_at_centre_Pa");
  const double c_zz  = at("stress_zz_at_centre_Pa");
  std::cout << "surface tt " << s_tt << " zz " << s_zz << " (-0.173); centre tt " << c_tt << " rr "
            << c_rr << " (+0.092) zz " << c_zz << " (+0.185)  [K theta_c]\n";
  for (const auto &[name, v] : std::vector<std::pair<std::string, double>>{
         {"surface_tt", s_tt}, {"surface_zz", s_zz}, {"centre_tt", c_tt}, {"centre_rr", c_rr},
         {"centre_zz", c_zz}})
    record(name, v);
  EXPECT_NEAR(s_tt, -surface[1] / scale, 0.03 * 0.173);
  EXPECT_NEAR(s_zz, -surface[2] / scale, 0.03 * 0.173);
  EXPECT_NEAR(c_tt, -centre[1] / scale, 0.03 * 0.092);
  EXPECT_NEAR(c_rr, -centre[0] / scale, 0.03 * 0.092);
  EXPECT_NEAR(c_zz, -centre[2] / scale, 0.03 * 0.185);
  // Free body: zero net axial force, relative to the force scale K theta_c pi b^2.
  const double F = res.stats.value("net_axial_force_N", last);
  EXPECT_LT(std::abs(F), 1e-6 * scale * M_PI * b * b);
  // Before freezing the body is liquid: at t = 1 s (first row after the switch) the stresses
  // are those of the Maxwell rate 1e4 1/s (tiny), and the temperature is uniform at the end.
  EXPECT_NEAR(res.stats.value("temperature_max_K", last), T_bath, 1e-6);
}
