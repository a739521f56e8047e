#pragma once
// Shared helpers of the plasticity tests ('Mechanics/Inelastic model = plastic'): run bmgfe on
// a parameter file with --set overrides (bmgfe_test_support.h), read force_displacement.csv
// and the Newton residual histories of statistics.csv, and the closed-form Mohr-Coulomb
// strength of a material point.
#include <bmgfe_test_support.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace plasticity
{
  /// A parameter file of this folder.
  inline std::string prm(const std::string &name)
  {
    return std::string(BMGFE_TEST_SOURCE_DIR) + "/plasticity/" + name;
  }

  /// The shipped plane-strain compression scenario.
  inline std::string compression_vit1()
  {
    return std::string(BMGFE_SOURCE_DIR) + "/parameters/compression_vit1.prm";
  }

  /// Overrides of compression_vit1.prm for a short run into the plastic range: load to
  /// `per_mille` / 1000 nominal strain at the scenario's rate 1e-3 1/s in steps of 0.5 s (yield
  /// at about 1.65 %: 20 gives 8 plastic steps), cells of 50 um (20 x 40) with the
  /// regularisation length 100 um (h = l/2), no snapshots.
  inline std::vector<std::string> short_compression_sets(const unsigned int per_mille = 20)
  {
    char segments[128];
    std::snprintf(segments, sizeof(segments), "load to -%.3f in %u s", per_mille / 1000.0, per_mille);
    return {std::string("Mechanics/Loading programme/Segments=") + segments,
            "Thermal protocol/test/Duration=" + std::to_string(per_mille) + " s",
            "Geometry/Mesh size=5e-5",
            "Mechanics/Nonlocal free volume/Length=1e-4",
            "Output/Write visualization=false",
            "Verbosity=quiet"};
  }

  /// Uniaxial compressive strength of Mohr-Coulomb, 2 c cos(phi)/(1 - sin(phi)), phi = atan(mu).
  inline double uniaxial_strength(const double c, const double mu)
  {
    const double phi = std::atan(mu);
    return 2 * c * std::cos(phi) / (1 - std::sin(phi));
  }

  struct RunOutput
  {
    bmgfe_test::RunResult result;
    std::string           directory;
    std::string           summary; ///< summary.json
    bool completed() const
    {
      return result.exit_code == 0 && summary.find("\"completed\"") != std::string::npos;
    }
  };

  /// Run bmgfe on `prm_file` (a full path) with "Section/Entry=value" overrides into the fresh
  /// directory `out` (relative to the test's working directory), on `ranks` MPI ranks (0:
  /// without mpirun). Does not judge the outcome.
  inline RunOutput run_raw(const std::string &out, const std::string &prm_file,
                     const std::vector<std::string> &sets, const unsigned int ranks = 0)
  {
    const std::vector<std::string> args = bmgfe_test::fresh_run_arguments(prm_file, sets, out);
    RunOutput r;
    r.directory = out;
    r.result    = bmgfe_test::run_bmgfe(args, ranks);
    r.summary   = bmgfe_test::read_file(out + "/summary.json");
    return r;
  }

  /// run_raw() that must complete: fails the calling test (ADD_FAILURE + exception) otherwise.
  /// Returns statistics.csv.
  inline bmgfe_test::Statistics run(const std::string &out, const std::string &prm_file,
                                    const std::vector<std::string> &sets,
                                    const unsigned int ranks = 0)
  {
    const RunOutput r = run_raw(out, prm_file, sets, ranks);
    if (!r.completed())
      {
        ADD_FAILURE() << "bmgfe run '" << out << "' failed (exit code " << r.result.exit_code
                      << "):\n"
                      << r.result.output;
        throw std::runtime_error("bmgfe run failed: " + out);
      }
    return bmgfe_test::Statistics(out + "/statistics.csv");
  }

  /// force_displacement.csv: the rows of the loading programme (time, segment, nominal strain,
  /// platen displacement, force, supported force, nominal stress).
  struct LoadingCurve
  {
    struct Row
    {
      double      time = 0;
      std::string segment;
      double      strain = 0, displacement = 0, force = 0, supported_force = 0, stress = 0;
    };
    std::vector<std::string> header;
    std::vector<Row>         rows;

    explicit LoadingCurve(const std::string &file)
    {
      const bmgfe_test::CsvTable csv(file);
      header = csv.header();
      if (header.size() != 7 || header[0] != "time_s" || header[2] != "nominal_strain" ||
          header[6] != "nominal_stress_Pa")
        throw std::runtime_error("unexpected header of " + file);
      for (std::size_t i = 0; i < csv.n_rows(); ++i)
        {
          const std::vector<std::string> &cells = csv.row(i);
          if (cells.size() != 7)
            throw std::runtime_error("malformed row " + std::to_string(i) + " of " + file);
          Row r;
          r.time            = std::stod(cells[0]);
          r.segment         = cells[1];
          r.strain          = std::stod(cells[2]);
          r.displacement    = std::stod(cells[3]);
          r.force           = std::stod(cells[4]);
          r.supported_force = std::stod(cells[5]);
          r.stress          = std::stod(cells[6]);
          rows.push_back(r);
        }
    }
  };

  /// "1.000e+00,3.2e-03,..." -> numbers; "-" (no Newton iteration) -> empty.
  /// The relative Newton residuals of the last substep of step `step` (newton_residuals.csv of
  /// the output directory `out`).
  inline std::vector<double> newton_residuals(const std::string &out, const double step)
  {
    const bmgfe_test::CsvTable table(out + "/newton_residuals.csv");
    std::vector<double>        v;
    for (std::size_t r = 0; r < table.n_rows(); ++r)
      if (table.value("time_step", r) == step)
        v.push_back(table.value("relative_residual", r));
    return v;
  }

  /// Observed order log(r_n/r_n-1) / log(r_n-1/r_n-2) of the last two reductions of a
  /// Newton residual sequence, counting only residuals above `floor` (round-off); NaN with
  /// fewer than three such residuals.
  inline double observed_order(const std::vector<double> &residuals, const double floor)
  {
    std::vector<double> r;
    for (const double v : residuals)
      if (v > floor)
        r.push_back(v);
    const std::size_t n = r.size();
    if (n < 3)
      return std::nan("");
    return std::log(r[n - 1] / r[n - 2]) / std::log(r[n - 2] / r[n - 3]);
  }

  inline std::string join(const std::vector<double> &v)
  {
    std::ostringstream s;
    s << std::setprecision(3) << std::scientific;
    for (std::size_t i = 0; i < v.size(); ++i)
      s << (i ? ", " : "") << v[i];
    return s.str();
  }

  /// One unit in the last printed digit of a number written by statistics.csv
  /// ("1.79622939e-02" -> 1e-10): the resolution of the text.
  inline double last_digit_unit(const std::string &text)
  {
    const auto e   = text.find_first_of("eE");
    const int  exp = e == std::string::npos ? 0 : std::stoi(text.substr(e + 1));
    const auto dot = text.find('.');
    const int  digits =
      dot == std::string::npos ? 0 : static_cast<int>((e == std::string::npos ? text.size() : e) - dot - 1);
    return std::pow(10.0, exp - digits);
  }

  inline double median(std::vector<double> v)
  {
    if (v.empty())
      return std::nan("");
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
  }

  inline void record(const std::string &key, const double value)
  {
    std::ostringstream s;
    s << std::setprecision(6) << value;
    ::testing::Test::RecordProperty(key, s.str());
  }
} // namespace plasticity
