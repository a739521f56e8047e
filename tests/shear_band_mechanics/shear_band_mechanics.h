#pragma once
// Helpers of the shear-band mechanics tests: run the shipped plane-strain compression scenario
// parameters/compression_vit1.prm with --set overrides, read the band tables
// shear_bands-NNNNN.csv (postprocess/shear_bands.h) and force_displacement.csv, and pick "the
// band" out of a band table.
//
// Which rows of a band table are bands. A soft spot at the centre of the specimen grows two
// bands that cross there (an X). The spot and the crossing carry the largest plastic strain
// (the strains of both bands add up where they cross), so the postprocessor's largest entry,
// the one statistics.csv reports, is often that region: an isotropic blob of coherence < 0.1
// reported at 0 or 90 deg (observed with the spot at the edge and at the centre). Depending on
// how far the arms rise above the threshold, the table then holds the blob plus the arms (each
// an elongated band, coherence about 0.8-0.95), or the X split into its two crossing bands
// (crossing = 1, coherence about 0.4 because each half keeps part of the crossing), or one
// unsplit cluster (coherence < 0.1). The rule used here: a row is a band when it was split from
// crossing bands or when its coherence is at least 0.5 (straight, elongated); blobs and unsplit
// clusters are not. The band angle and width are the area-weighted means over the band rows.
#include <bmgfe/io/snapshot_reader.h>

#include <bmgfe_test_support.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <limits>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace shear_band_mechanics
{
  /// The shipped scenario all tests of this folder start from.
  inline std::string scenario()
  {
    return std::string(BMGFE_SOURCE_DIR) + "/parameters/compression_vit1.prm";
  }

  /// tan(phi) of Vit1 and the Coulomb band angle 45 deg - phi/2 to the load axis.
  constexpr double friction_coefficient = 0.105;
  inline double coulomb_angle_deg()
  {
    return 45.0 - 0.5 * std::atan(friction_coefficient) * 180.0 / M_PI;
  }

  /// One row of a shear_bands-NNNNN.csv.
  struct Band
  {
    double       time = 0, centre_x = 0, centre_y = 0, angle = 0, width = 0;
    unsigned int width_sides = 0;
    double       peak_p = 0, mean_p = 0, area = 0, coherence = 0;
    unsigned int n_points = 0;
    bool         crossing = false;
  };

  struct BandTable
  {
    std::string       file;
    double            time = std::numeric_limits<double>::quiet_NaN();
    std::vector<Band> bands; ///< largest area first, as written
  };

  inline BandTable read_bands(const std::string &file)
  {
    BandTable t;
    t.file = file;
    const bmgfe_test::CsvTable csv(file);
    for (std::size_t r = 0; r < csv.n_rows(); ++r)
      {
        Band b;
        b.time        = csv.value("time_s", r);
        b.centre_x    = csv.value("centre_x_m", r);
        b.centre_y    = csv.value("centre_y_m", r);
        b.angle       = csv.value("angle_to_load_axis_deg", r);
        b.width       = csv.value("width_m", r);
        b.width_sides = static_cast<unsigned int>(csv.value("width_sides", r));
        b.peak_p      = csv.value("peak_p", r);
        b.mean_p      = csv.value("mean_p", r);
        b.area        = csv.value("area_m2", r);
        b.coherence   = csv.value("coherence", r);
        b.n_points    = static_cast<unsigned int>(csv.value("n_points", r));
        b.crossing    = csv.value("crossing", r) != 0;
        t.bands.push_back(b);
      }
    // The time is also in the first '#' line ("... at t = 25 s: ..."), for tables without rows.
    std::ifstream in(file);
    std::string   first;
    std::getline(in, first);
    const auto at = first.find("at t = ");
    if (at != std::string::npos)
      t.time = std::stod(first.substr(at + 7));
    return t;
  }

  /// All shear_bands-*.csv of a run directory, in output order.
  inline std::vector<BandTable> read_all_bands(const std::string &dir)
  {
    std::vector<std::string> files;
    for (const auto &e : std::filesystem::directory_iterator(dir))
      {
        const std::string name = e.path().filename().string();
        if (name.rfind("shear_bands-", 0) == 0 && e.path().extension() == ".csv")
          files.push_back(e.path().string());
      }
    std::sort(files.begin(), files.end());
    std::vector<BandTable> tables;
    for (const auto &f : files)
      tables.push_back(read_bands(f));
    return tables;
  }

  /// The rule of the top of this file: split from crossing bands, or coherence >= 0.5.
  constexpr double minimum_band_coherence = 0.5;
  inline bool is_band(const Band &b)
  {
    return b.crossing || b.coherence >= minimum_band_coherence;
  }

  struct BandSummary
  {
    unsigned int n_bands = 0; ///< rows that are bands
    double       angle   = std::numeric_limits<double>::quiet_NaN(); ///< area-weighted [deg]
    double       width   = std::numeric_limits<double>::quiet_NaN(); ///< area-weighted FWHM [m]
    double       area    = 0;
  };

  inline BandSummary summarise(const BandTable &t)
  {
    BandSummary s;
    double      a = 0, w = 0;
    for (const auto &b : t.bands)
      if (is_band(b))
        {
          ++s.n_bands;
          s.area += b.area;
          a += b.area * b.angle;
          w += b.area * b.width;
        }
    if (s.n_bands > 0 && s.area > 0)
      {
        s.angle = a / s.area;
        s.width = w / s.area;
      }
    return s;
  }

  inline void print_table(const BandTable &t, std::ostream &out = std::cout)
  {
    std::ostringstream o;
    o << "  " << std::filesystem::path(t.file).filename().string() << " (t = " << t.time
      << " s): " << t.bands.size() << " row(s)\n";
    o << std::fixed;
    for (std::size_t i = 0; i < t.bands.size(); ++i)
      {
        const Band &b = t.bands[i];
        o << "    " << i << ": angle " << std::setprecision(2) << b.angle << " deg, width "
          << std::setprecision(1) << b.width * 1e6 << " um (sides " << b.width_sides
          << "), centre (" << b.centre_x * 1e6 << ", " << b.centre_y * 1e6 << ") um, peak p "
          << std::setprecision(4) << b.peak_p << ", coherence " << std::setprecision(3)
          << b.coherence << ", " << b.n_points << " points, crossing " << b.crossing
          << (is_band(b) ? "  <- band" : "") << '\n';
      }
    out << o.str();
  }

  /// Band angle from the ridge of the plastic-strain field, away from the crossing (issue 14):
  /// a straight-line fit x = a + b y of the ridge of every arm of an X (or V) of bands that
  /// cross at (x0, y0). The postprocessor's angle (structure tensor of grad p over a band
  /// row) depends on which pieces of the X rise above its threshold: with the spot and the
  /// crossing strongest, its band rows can be the arm ends at the free sides (coherence 0.8,
  /// 88 points of 572) or nothing but the blob; at mu = 0.3 it gave 37.8 deg where the arms
  /// run at 42.6 deg. The ridge fit measures the arms themselves.
  /// The snapshot field (the L2-projected p of a run directory's last snapshot, or of a
  /// .pvtu) is sampled on rows y = const spaced `dy`, at points spaced `dx` along each row; in
  /// each row and on each side of x0 the ridge is the centroid of p - p_half over the
  /// contiguous stretch around the row's maximum where p >= p_half = (max + min)/2 of that
  /// half row (the arm's FWHM core in that row). A row counts when that stretch lies inside
  /// the half row with `margin` on both sides (neither cut by the free side nor merged with
  /// the other arm); an arm is the run of such rows from |y - y0| = `exclusion` outwards (the
  /// crossing and the soft spot are not arms), up to the first row without a ridge (the arm
  /// has reached the free side). The angle of an arm to the load axis (y) is atan|b|; the
  /// result is the mean over the arms with at least `minimum_rows` rows.
  struct RidgeArm
  {
    int          side_x = 0, side_y = 0; ///< +-1: the quadrant around (x0, y0)
    unsigned int rows   = 0;
    double       angle  = std::numeric_limits<double>::quiet_NaN(); ///< [deg]
    double       rms    = std::numeric_limits<double>::quiet_NaN(); ///< of the fit [m]
    std::vector<std::pair<double, double>> ridge;                    ///< (y, x)
  };

  struct RidgeFit
  {
    std::vector<RidgeArm> arms; ///< arms with at least minimum_rows rows
    double angle = std::numeric_limits<double>::quiet_NaN(); ///< mean over arms [deg]
    double spread = 0; ///< largest |arm angle - mean| [deg]
  };

  struct RidgeSettings
  {
    double x0 = 0, y0 = 0;                   ///< crossing [m]
    double x_min = 0, x_max = 0;             ///< the section's lateral extent [m]
    double y_min = 0, y_max = 0;             ///< and along the load axis [m]
    double dx = 2.5e-6, dy = 1.25e-5;        ///< sampling [m]
    double exclusion = 2e-4;                 ///< |y - y0| below this is the crossing [m]
    double margin = 1e-5;                    ///< of the FWHM stretch from the half-row ends [m]
    unsigned int minimum_rows = 5;
    /// The snapshot field whose ridge is fitted: the accumulated equivalent plastic strain p
    /// (plastic_power_W_per_m3 gives the band active in the last step instead).
    std::string field = "equivalent_plastic_strain";
  };

  inline RidgeFit ridge_angle(const std::string &snapshot, const RidgeSettings &s)
  {
    const bmgfe::SnapshotReader reader(snapshot, "ridge_angle");
    const std::vector<unsigned int> field = {reader.field_index(s.field)};
    std::vector<double>             value;
    RidgeFit                        fit;
    for (const int sy : {-1, 1})
      for (const int sx : {-1, 1})
        {
          RidgeArm arm;
          arm.side_x = sx;
          arm.side_y = sy;
          // The ridge of the half row at height y from x0 outwards, false if it has none.
          const double end = sx > 0 ? s.x_max : s.x_min;
          const auto   ridge_of_row = [&](const double y, double &ridge) {
            std::vector<double> xs, ps;
            for (double d = 0.5 * s.dx; d < std::abs(end - s.x0); d += s.dx)
              {
                const double x = s.x0 + sx * d;
                if (reader.sample({{x, y, 0}}, field, value))
                  {
                    xs.push_back(x);
                    ps.push_back(value[0]);
                  }
              }
            if (xs.size() < 3)
              return false;
            const auto   top  = std::max_element(ps.begin(), ps.end());
            const double pmin = *std::min_element(ps.begin(), ps.end());
            const double half = 0.5 * (*top + pmin);
            if (!(*top > pmin))
              return false;
            std::size_t lo = top - ps.begin(), hi = lo;
            while (lo > 0 && ps[lo - 1] >= half)
              --lo;
            while (hi + 1 < ps.size() && ps[hi + 1] >= half)
              ++hi;
            const double inner = std::min(std::abs(xs[lo] - s.x0), std::abs(xs[hi] - s.x0));
            const double outer = std::max(std::abs(xs[lo] - s.x0), std::abs(xs[hi] - s.x0));
            if (lo == 0 || hi + 1 == ps.size() || inner < s.margin ||
                outer > std::abs(end - s.x0) - s.margin)
              return false;
            double w = 0, wx = 0;
            for (std::size_t i = lo; i <= hi; ++i)
              {
                w += ps[i] - half;
                wx += (ps[i] - half) * xs[i];
              }
            ridge = wx / w;
            return w > 0;
          };
          // The arm: the run of rows with a ridge from the exclusion radius outwards, up to the
          // first row without one (the arm has reached the free side).
          for (double r = s.exclusion;; r += s.dy)
            {
              const double y = s.y0 + sy * r;
              if (y <= s.y_min + 0.5 * s.dy || y >= s.y_max - 0.5 * s.dy)
                break;
              double x = 0;
              if (ridge_of_row(y, x))
                arm.ridge.emplace_back(y, x);
              else if (!arm.ridge.empty())
                break;
            }
          arm.rows = arm.ridge.size();
          if (arm.rows < s.minimum_rows)
            continue;
          double sy_ = 0, sx_ = 0, syy = 0, sxy = 0;
          for (const auto &[y, x] : arm.ridge)
            {
              sy_ += y;
              sx_ += x;
              syy += y * y;
              sxy += x * y;
            }
          const double n = arm.rows;
          const double b = (n * sxy - sy_ * sx_) / (n * syy - sy_ * sy_);
          const double a = (sx_ - b * sy_) / n;
          double       e = 0;
          for (const auto &[y, x] : arm.ridge)
            e += (x - a - b * y) * (x - a - b * y);
          arm.rms   = std::sqrt(e / n);
          arm.angle = std::atan(std::abs(b)) * 180 / M_PI;
          fit.arms.push_back(arm);
        }
    if (!fit.arms.empty())
      {
        double sum = 0;
        for (const auto &arm : fit.arms)
          sum += arm.angle;
        fit.angle = sum / fit.arms.size();
        for (const auto &arm : fit.arms)
          fit.spread = std::max(fit.spread, std::abs(arm.angle - fit.angle));
      }
    return fit;
  }

  /// force_displacement.csv: nominal strain and nominal stress of every step.
  struct Curve
  {
    std::vector<double> strain, stress;

    double peak_magnitude() const
    {
      double m = 0;
      for (const double s : stress)
        m = std::max(m, std::abs(s));
      return m;
    }
  };

  inline Curve read_curve(const std::string &dir)
  {
    const bmgfe_test::CsvTable csv(dir + "/force_displacement.csv");
    Curve       c;
    for (std::size_t r = 0; r < csv.n_rows(); ++r)
      {
        c.strain.push_back(csv.value("nominal_strain", r));
        c.stress.push_back(csv.value("nominal_stress_Pa", r));
      }
    return c;
  }

  /// Largest |stress_a - stress_b| at the nominal strains both curves have (equal to 1e-9),
  /// and how many such strains there are.
  inline std::pair<double, unsigned int> max_curve_difference(const Curve &a, const Curve &b,
                                                              double *at_strain = nullptr)
  {
    double       worst = 0;
    unsigned int n     = 0;
    for (std::size_t i = 0; i < a.strain.size(); ++i)
      for (std::size_t j = 0; j < b.strain.size(); ++j)
        if (std::abs(a.strain[i] - b.strain[j]) < 1e-9)
          {
            ++n;
            const double d = std::abs(a.stress[i] - b.stress[j]);
            if (d > worst)
              {
                worst = d;
                if (at_strain)
                  *at_strain = a.strain[i];
              }
            break;
          }
    return {worst, n};
  }

  struct RunOutput
  {
    std::string            dir;
    bmgfe_test::Statistics stats;
    double                 seconds = 0; ///< wall time of the bmgfe run
  };

  /// Runs compression_vit1.prm with `sets` into the fresh directory `dir` (relative to the
  /// test's working directory); fails the calling test (ADD_FAILURE + exception) if the run
  /// does not complete.
  inline RunOutput run(const std::string &dir, const std::vector<std::string> &sets)
  {
    std::filesystem::remove_all(dir);
    std::vector<std::string> args = {scenario()};
    for (const auto &s : sets)
      {
        args.push_back("--set");
        args.push_back(s);
      }
    args.push_back("--set");
    args.push_back("Output directory=" + dir);
    const auto start = std::chrono::steady_clock::now();
    const auto r     = bmgfe_test::run_bmgfe(args);
    const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (r.exit_code != 0 ||
        bmgfe_test::read_file(dir + "/summary.json").find("\"completed\"") == std::string::npos)
      {
        ADD_FAILURE() << "bmgfe run '" << dir << "' failed (exit code " << r.exit_code << "):\n"
                      << r.output;
        throw std::runtime_error("bmgfe run failed: " + dir);
      }
    std::ostringstream o;
    o << "run " << dir << ": " << std::fixed << std::setprecision(1) << seconds << " s wall\n";
    std::cout << o.str();
    return {dir, bmgfe_test::Statistics(dir + "/statistics.csv"), seconds};
  }

  inline std::string number(const double v)
  {
    std::ostringstream s;
    s << std::setprecision(10) << v;
    return s.str();
  }

  /// Gaussian soft spot: free volume + amplitude exp(-((x - x0)^2 + (y - y0)^2)/radius^2).
  inline std::string soft_spot(const double amplitude, const double x0, const double y0,
                               const double radius)
  {
    return "Material/Free volume/Initial free volume perturbation=" + number(amplitude) +
           "*exp(-((x - (" + number(x0) + "))^2 + (y - (" + number(y0) + "))^2)/(" +
           number(radius) + ")^2)";
  }

  inline void record(const std::string &key, const double value)
  {
    std::ostringstream s;
    s << std::setprecision(6) << value;
    ::testing::Test::RecordProperty(key, s.str());
  }
} // namespace shear_band_mechanics
