#pragma once
// Shared helpers of tests/notch_elastic: the seed-004 notched rod (parameters/
// notch_compression_zr61.prm: R = 2.25 mm, L = 9 mm, notch root radius a = 1.25 mm (root
// diameter 2.5 mm), width 0.5 mm, root radius rho = 0.25 mm, one notch at L/2) run with --set
// overrides into its own output directory; the notch-root stress concentration
// Kt = sigma_zz(root) / (F / (pi a^2)) from statistics.csv; Richardson extrapolation; the
// handbook values of Kt for this groove.
#include <bmgfe_test_support.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace notch_elastic
{
  constexpr double R   = 2.25e-3; ///< rod radius
  constexpr double L   = 9e-3;    ///< rod length of the seed specimen
  constexpr double a   = 1.25e-3; ///< radius of the minimum section (notch root diameter / 2)
  constexpr double rho = 2.5e-4;  ///< notch root radius
  constexpr double t   = R - a;   ///< notch depth, 1 mm

  /// A parameter file of this folder.
  inline std::string prm(const std::string &name)
  {
    return std::string(BMGFE_TEST_SOURCE_DIR) + "/notch_elastic/" + name;
  }

  inline std::string number(const double v)
  {
    std::ostringstream s;
    s << std::setprecision(17) << v;
    return s.str();
  }

  struct Run
  {
    bmgfe_test::RunResult  result;
    double                 wall_seconds = 0;
    std::string            directory;
  };

  /// bmgfe on `prm_file` (a full path) with "Section/Entry=value" overrides into the fresh
  /// directory `out` (relative to the test's working directory) on `ranks` MPI ranks (0: no
  /// mpirun). Fails the calling test (ADD_FAILURE + exception) if the run does not complete.
  inline Run run(const std::string &out, const std::string &prm_file,
                 const std::vector<std::string> &sets, const unsigned int ranks = 0)
  {
    const std::vector<std::string> args = bmgfe_test::fresh_run_arguments(prm_file, sets, out);
    Run        r;
    const auto start = std::chrono::steady_clock::now();
    r.result         = bmgfe_test::run_bmgfe(args, ranks);
    r.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    r.directory = out;
    if (r.result.exit_code != 0 ||
        bmgfe_test::read_file(out + "/summary.json").find("\"completed\"") == std::string::npos)
      {
        ADD_FAILURE() << "bmgfe run '" << out << "' failed (exit code " << r.result.exit_code
                      << "):\n"
                      << r.result.output;
        throw std::runtime_error("bmgfe run failed: " + out);
      }
    return r;
  }

  /// The platen force F > 0 (compression) of the last row: the reaction of the loaded platen
  /// (boundary 3). The supported platen's reaction must balance it (checked by the caller).
  inline double platen_force(const bmgfe_test::Statistics &s)
  {
    return -s.value("reaction_force_z_on_boundary_3_N", s.n_rows() - 1);
  }

  /// Kt = sigma_zz(probe) / sigma_nom, sigma_nom = F/(pi a^2) (both negative in compression).
  inline double kt_at(const bmgfe_test::Statistics &s, const std::string &probe)
  {
    const double sigma = s.value("stress_zz_at_" + probe + "_Pa", s.n_rows() - 1);
    return sigma / (-platen_force(s) / (M_PI * a * a));
  }

  struct Richardson
  {
    double order;        ///< observed order p = log2((K0 - K1)/(K1 - K2))
    double extrapolated; ///< K2 + (K2 - K1)/(2^p - 1)
  };

  /// Three values on meshes refined by the ratio 2 (coarse to fine).
  inline Richardson richardson(const std::vector<double> &k)
  {
    Richardson r;
    r.order        = std::log((k[0] - k[1]) / (k[1] - k[2])) / std::log(2.0);
    r.extrapolated = k[2] + (k[2] - k[1]) / (std::pow(2.0, r.order) - 1);
    return r;
  }

  /// Young & Budynas, Roark's Formulas for Stress and Strain, 7th ed. (McGraw-Hill, 2002),
  /// Table 17.1, "U-notch in a circular shaft", elastic stress, axial tension (a fit of
  /// Peterson's data; nominal stress on the net section 4P/(pi d^2)): for 2 <= h/r <= 50,
  ///   C1 =  0.935 + 1.922 sqrt(h/r) + 0.004 h/r
  ///   C2 =  0.537 - 3.708 sqrt(h/r) + 0.040 h/r
  ///   C3 = -2.538 + 3.438 sqrt(h/r) - 0.012 h/r
  ///   C4 =  2.066 - 1.652 sqrt(h/r) - 0.031 h/r
  ///   Kt = C1 + C2 (2h/D) + C3 (2h/D)^2 + C4 (2h/D)^3
  /// (h notch depth, r root radius, D outer diameter; the groove of the figure is a U with
  /// parallel flanks and a semicircular bottom, as here).
  inline double kt_roark_u_notch_tension(const double D, const double h, const double r)
  {
    const double q = h / r, s = std::sqrt(q), x = 2 * h / D;
    const double c1 = 0.935 + 1.922 * s + 0.004 * q;
    const double c2 = 0.537 - 3.708 * s + 0.040 * q;
    const double c3 = -2.538 + 3.438 * s - 0.012 * q;
    const double c4 = 2.066 - 1.652 * s - 0.031 * q;
    return c1 + c2 * x + c3 * x * x + c4 * x * x * x;
  }

  /// Neuber's rule (H. Neuber, Kerbspannungslehre, 2nd ed., Springer 1958; as quoted in
  /// W. D. Pilkey & D. F. Pilkey, Peterson's Stress Concentration Factors, 3rd ed., Wiley 2008,
  /// ch. 2, notches and grooves):
  /// Kt = 1 + [(Kts - 1)(Ktd - 1)] / sqrt((Kts - 1)^2 + (Ktd - 1)^2) with the shallow-notch
  /// Kts = 1 + 2 sqrt(t/rho) and Neuber's deep hyperbolic groove in a round bar in tension
  /// Ktd = [(a/rho) sqrt(a/rho + 1) + (0.5 + nu)(a/rho) + (1 + nu)(sqrt(a/rho + 1) + 1)] / N,
  /// N = a/rho + 2 nu sqrt(a/rho + 1) + 2.
  inline double kt_neuber(const double a_, const double t_, const double rho_, const double nu)
  {
    const double x   = a_ / rho_, w = std::sqrt(x + 1);
    const double ktd = (x * w + (0.5 + nu) * x + (1 + nu) * (w + 1)) / (x + 2 * nu * w + 2);
    const double kts = 1 + 2 * std::sqrt(t_ / rho_);
    return 1 + (kts - 1) * (ktd - 1) / std::sqrt((kts - 1) * (kts - 1) + (ktd - 1) * (ktd - 1));
  }

  inline void record(const std::string &key, const double value)
  {
    std::ostringstream s;
    s << std::setprecision(8) << value;
    ::testing::Test::RecordProperty(key, s.str());
  }
} // namespace notch_elastic
