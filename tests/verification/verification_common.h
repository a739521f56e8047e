#pragma once
// Shared helpers of the verification tests: run bmgfe on one of the parameter files of
// this folder with --set overrides into its own output directory and read the statistics.
#include <bmgfe_test_support.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

namespace verification
{
  /// Long cylinder of the .prm files: R = 1.5 mm, k = 5, rho = 6100, c_p = 420.
  constexpr double R      = 1.5e-3;
  constexpr double k      = 5.0;
  constexpr double t_fo   = 1.5e-3 * 1.5e-3 * 6100.0 * 420.0 / 5.0; ///< R^2/a = 1.1529 s
  constexpr double T0     = 393.0;
  constexpr double T_env  = 293.0;
  constexpr double theta0 = T0 - T_env;

  inline double h_for_biot(const double Bi) { return Bi * k / R; }

  inline std::string prm(const std::string &name)
  {
    return std::string(BMGFE_TEST_SOURCE_DIR) + "/verification/" + name;
  }

  inline std::string number(const double v)
  {
    std::ostringstream s;
    s << std::setprecision(17) << v;
    return s.str();
  }

  struct Job
  {
    std::string                  prm_file;
    std::vector<std::string>     sets; ///< "Section/Entry=value"
    unsigned int                 ranks = 0; ///< 0: no mpirun
  };

  /// Run bmgfe into the (fresh) directory `out` and return its statistics. Fails the
  /// calling test (ADD_FAILURE + exception) if the run does not complete.
  inline bmgfe_test::Statistics run(const std::string &out, const Job &r)
  {
    const std::vector<std::string> args = bmgfe_test::fresh_run_arguments(prm(r.prm_file), r.sets, out);
    const auto result = bmgfe_test::run_bmgfe(args, r.ranks);
    if (result.exit_code != 0 ||
        bmgfe_test::read_file(out + "/summary.json").find("\"completed\"") == std::string::npos)
      {
        ADD_FAILURE() << "bmgfe run '" << out << "' failed (exit code " << result.exit_code
                      << "):\n"
                      << result.output;
        throw std::runtime_error("bmgfe run failed: " + out);
      }
    return bmgfe_test::Statistics(out + "/statistics.csv");
  }

  /// Row whose time is within 1e-9 s of t; fails if there is none.
  inline std::size_t row_at(const bmgfe_test::Statistics &s, const double t)
  {
    const std::size_t r = s.row_at_time(t);
    EXPECT_NEAR(s.value("time_s", r), t, 1e-9) << "no statistics row at t = " << t;
    return r;
  }

  /// Observed orders log(e_i/e_{i+1}) / log(x_i/x_{i+1}) between consecutive entries.
  inline std::vector<double> observed_orders(const std::vector<double> &x,
                                             const std::vector<double> &e)
  {
    std::vector<double> p;
    for (std::size_t i = 0; i + 1 < e.size(); ++i)
      p.push_back(std::log(e[i] / e[i + 1]) / std::log(x[i] / x[i + 1]));
    return p;
  }

  /// Largest relative difference |a - b| / max(|a|, |b|, floor) over the numeric columns
  /// `columns` of two statistics files with the same number of rows (nan == nan).
  inline double max_relative_difference(const bmgfe_test::Statistics &a,
                                        const bmgfe_test::Statistics &b,
                                        const std::vector<std::string> &columns,
                                        std::string &where, const double floor = 1e-300)
  {
    double worst = 0;
    for (const auto &c : columns)
      for (std::size_t r = 0; r < std::min(a.n_rows(), b.n_rows()); ++r)
        {
          const double x = a.value(c, r), y = b.value(c, r);
          if (std::isnan(x) && std::isnan(y))
            continue;
          const double d = (std::isnan(x) != std::isnan(y))
                             ? std::numeric_limits<double>::infinity()
                             : std::abs(x - y) / std::max({std::abs(x), std::abs(y), floor});
          if (d > worst)
            {
              worst = d;
              where = "'" + c + "' row " + std::to_string(r);
            }
        }
    return worst;
  }

  inline void record(const std::string &key, const double value)
  {
    std::ostringstream s;
    s << std::setprecision(6) << value;
    ::testing::Test::RecordProperty(key, s.str());
  }
} // namespace verification
