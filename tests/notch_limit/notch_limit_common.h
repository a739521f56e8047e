#pragma once
// Shared helpers of tests/notch_limit: run bmgfe on a notched-rod parameter file of this folder
// (bmgfe_test_support.h) and read what the perfectly plastic limit needs:
//  * the limit stress F/(pi a^2 sigma_Y) from the loaded platen's reaction (statistics.csv),
//  * the state of the centre of the notch section from the ring statistics (profiles/): volume
//    averages over the quadrature points of r <= 0.2 a, |z - z_notch| <= 0.1 a (ring 0 of 9
//    rings of 0.25 mm in a slab of +-0.125 mm), and of the ring at the notch root.
// Why not the 'probes': a probe's stress is C : (eps(x) - eps_p(x)) with eps_p interpolated
// between the quadrature points (extrapolated at a cell corner such as the centre). Once
// eps_p >> eps_e the interpolation error of eps_p swamps the elastic strain: at the centre of a
// blunt notch (a/R = 0.8) under compression the probe's triaxiality had the wrong sign (+0.27)
// at 2 % nominal strain and read +4.3 with a von Mises stress of 1.35 sigma_Y at 15 %, while
// every quadrature point there is on the yield surface (the point values of profiles/profile_*
// likewise). The ring averages use the quadrature-point stresses themselves.
// Reference: Bridgman (MODEL.md §8), for a neck of minimum-section radius a and notch radius R:
// triaxiality eta(r) = 1/3 + ln(1 + (a^2 - r^2)/(2 a R)) (magnitude; negative in compression),
// mean axial stress at full plasticity sigma_avg/sigma_Y = (1 + 2R/a) ln(1 + a/2R).
#include <bmgfe_test_support.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace notch_limit
{
  /// Mohr-Coulomb with friction 0 is Tresca, sigma_1 - sigma_3 = 2 c: the uniaxial yield stress
  /// is 2 c. The return mapping is the exact multi-surface one (main plane, edges; no apex for
  /// mu = 0; no smoothing, source/materials/mohr_coulomb.cc), so the yield stress is exactly 2 c.
  /// Where sigma_r = sigma_theta (Bridgman's neck, and the centre of the notch section here)
  /// Tresca and von Mises coincide: the ring averages of the von Mises stress equal 2 c there.
  constexpr double cohesion = 8e8;
  constexpr double sigma_Y  = 2 * cohesion;
  /// Minimum-section radius of both rods (rod radius 2.25 mm, notch root diameter 2.5 mm).
  constexpr double a = 1.25e-3;
  /// Outer radius of ring 0 ('Statistics/Number of rings = 9' over the rod radius 2.25 mm).
  constexpr double centre_radius = 0.25e-3;

  inline std::string prm(const std::string &name)
  {
    return std::string(BMGFE_TEST_SOURCE_DIR) + "/notch_limit/" + name;
  }

  /// Bridgman's triaxiality (magnitude) at radius r of the minimum section.
  inline double bridgman_triaxiality(const double r, const double R)
  {
    return 1.0 / 3 + std::log(1 + (a * a - r * r) / (2 * a * R));
  }

  /// Bridgman's triaxiality averaged like ring 0: over r <= r0 with the weight r (the volume
  /// element 2 pi r dr dz; Simpson's rule, 200 intervals).
  inline double bridgman_centre_triaxiality(const double R, const double r0 = centre_radius)
  {
    const unsigned int n = 200;
    double             sum = 0, weight = 0;
    for (unsigned int i = 0; i <= n; ++i)
      {
        const double r = r0 * i / n, w = (i == 0 || i == n) ? 1 : (i % 2 ? 4 : 2);
        sum += w * r * bridgman_triaxiality(r, R);
        weight += w * r;
      }
    return sum / weight;
  }

  /// Bridgman's mean axial stress over the minimum section at full plasticity, / sigma_Y.
  inline double bridgman_limit_stress(const double R)
  {
    return (1 + 2 * R / a) * std::log(1 + a / (2 * R));
  }

  /// Ring averages at one profile time.
  struct Rings
  {
    double time = 0;
    double centre_triaxiality = 0;   ///< ring 0, sigma_m / sigma_vM (negative: compression)
    double centre_von_mises   = 0;   ///< ring 0 [Pa]
    double centre_power       = 0;   ///< ring 0, plastic power sigma : d eps_p/dt [W/m^3]
    double root_power         = 0;   ///< the ring at the notch root, a - 0.25 mm <= r <= a
  };

  struct Result
  {
    std::vector<double> time, limit_stress; ///< F/(pi a^2 sigma_Y) of the loaded platen, > 0
    std::vector<Rings>  rings;              ///< at the profile times and the end
    double              wall_time = 0;      ///< of the bmgfe run [s]

    double last() const { return limit_stress.back(); }
    /// Relative rise of the limit stress over the last step.
    double last_rise() const
    {
      const std::size_t n = limit_stress.size();
      return limit_stress[n - 1] / limit_stress[n - 2] - 1;
    }
  };

  inline std::string percent(const double x)
  {
    std::ostringstream s;
    s << std::showpos << std::fixed << std::setprecision(1) << 100 * x << " %";
    return s.str();
  }

  /// Run bmgfe on `prm_name` of this folder (serial) into the fresh directory `out` with extra
  /// "Section/Entry=value" overrides; fails the calling test and throws if it does not complete.
  inline Result run(const std::string &prm_name, const std::string &out,
                    const std::vector<std::string> &sets = {})
  {
    const std::vector<std::string> args = bmgfe_test::fresh_run_arguments(prm(prm_name), sets, out);
    const auto start = std::chrono::steady_clock::now();
    const auto r     = bmgfe_test::run_bmgfe(args);
    Result     result;
    result.wall_time =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const std::string summary = bmgfe_test::read_file(out + "/summary.json");
    if (r.exit_code != 0 || summary.find("\"completed\"") == std::string::npos)
      {
        ADD_FAILURE() << "bmgfe run '" << out << "' failed (exit code " << r.exit_code << "):\n"
                      << r.output;
        throw std::runtime_error("bmgfe run failed: " + out);
      }

    const bmgfe_test::Statistics stats(out + "/statistics.csv");
    for (std::size_t i = 0; i < stats.n_rows(); ++i)
      {
        result.time.push_back(stats.value("time_s", i));
        // Compression: the reaction of the loaded platen is negative.
        result.limit_stress.push_back(-stats.value("reaction_force_z_on_boundary_3_N", i) /
                                      (M_PI * a * a * sigma_Y));
      }

    const bmgfe_test::CsvTable times(out + "/profiles/times.csv");
    for (std::size_t i = 0; i < times.n_rows(); ++i)
      {
        char name[64];
        std::snprintf(name, sizeof(name), "/profiles/rings_%05d.csv",
                      static_cast<int>(times.value("index", i)));
        const bmgfe_test::CsvTable rings(out + name);
        Rings                      ring;
        ring.time               = times.value("time_s", i);
        ring.centre_triaxiality = rings.value("triaxiality_mean", 0);
        ring.centre_von_mises   = rings.value("von_mises_stress_mean_Pa", 0);
        ring.centre_power       = rings.value("plastic_power_mean_W_per_m3", 0);
        for (std::size_t k = 0; k < rings.n_rows(); ++k)
          if (rings.value("r_outer_m", k) >= a * (1 - 1e-9))
            {
              ring.root_power = rings.value("plastic_power_mean_W_per_m3", k);
              break;
            }
        result.rings.push_back(ring);
      }
    if (result.rings.empty())
      throw std::runtime_error("no ring statistics in " + out);

    std::cout << std::fixed << std::setprecision(4) << prm_name << " (" << out << ", "
              << std::setprecision(0) << result.wall_time << " s):\n  limit stress F/(pi a^2 sigma_Y):"
              << std::setprecision(4);
    for (std::size_t i = 0; i < result.limit_stress.size(); ++i)
      std::cout << (i % 8 ? " " : "\n   ") << result.limit_stress[i];
    std::cout << "\n  centre (r <= 0.2 a, |z| <= 0.1 a):";
    for (const auto &g : result.rings)
      std::cout << "\n    t = " << std::setprecision(1) << g.time << " s: triaxiality "
                << std::setprecision(4) << g.centre_triaxiality << ", von Mises / sigma_Y "
                << g.centre_von_mises / sigma_Y << ", plastic power centre / root "
                << g.centre_power / g.root_power;
    std::cout << "\n";
    return result;
  }

  inline void record(const std::string &key, const double value)
  {
    std::ostringstream s;
    s << std::setprecision(6) << value;
    ::testing::Test::RecordProperty(key, s.str());
  }
} // namespace notch_limit
