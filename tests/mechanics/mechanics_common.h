#pragma once
// Shared helpers of the mechanics tests: run bmgfe on a parameter file of this folder with
// --set overrides, read profiles/rings_00000.csv and evaluate the Timoshenko & Goodier
// long-cylinder thermal-stress solution (doc/model.md §8) for T' = sum_k c_k r^(2k).
#include <bmgfe_test_support.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace mechanics
{
  constexpr double b     = 1e-3;  ///< rod radius of the .prm files [m]
  constexpr double E     = 1e11;
  constexpr double nu    = 0.3;
  constexpr double alpha = 1e-5;
  constexpr double T_ref = 300;
  constexpr double dT    = 100;
  constexpr double K     = alpha * E / (1 - nu); ///< stress scale per kelvin

  inline std::string prm(const std::string &name)
  {
    return std::string(BMGFE_TEST_SOURCE_DIR) + "/mechanics/" + name;
  }

  inline std::string number(const double v)
  {
    std::ostringstream s;
    s << std::setprecision(17) << v;
    return s.str();
  }

  /// T'(r) = sum_k c[k] r^(2k) (a polynomial in r^2).
  struct Profile
  {
    std::string         name;
    std::vector<double> c;

    double T(const double r) const
    {
      double s = 0, p = 1;
      for (const double ck : c)
        s += ck * p, p *= r * r;
      return s;
    }
    /// I(r) = int_0^r T'(s) s ds
    double I(const double r) const
    {
      double s = 0, p = r * r;
      for (std::size_t k = 0; k < c.size(); ++k)
        s += c[k] * p / (2 * k + 2), p *= r * r;
      return s;
    }
    /// muparser expression of T = T_ref + T' with r^2 given by the string `r2`.
    std::string expression(const std::string &r2) const
    {
      std::string e = number(T_ref);
      for (std::size_t k = 0; k < c.size(); ++k)
        {
          e += " + (" + number(c[k]) + ")";
          for (std::size_t j = 0; j < k; ++j)
            e += "*(" + r2 + ")";
        }
      return e;
    }
  };

  /// T' = dT (r/b)^2
  inline Profile quadratic() { return {"quadratic", {0.0, dT / (b * b)}}; }

  /// T' = dT J0(2.405 r/b), first 8 terms of the power series of J0:
  /// J0(x) = sum_k (-1)^k (x/2)^(2k) / (k!)^2, x = 2.405 r/b.
  inline Profile bessel()
  {
    Profile p{"bessel", {}};
    const double a2 = std::pow(2.405 / (2 * b), 2);
    double       f  = 1; // k!
    for (int k = 0; k < 8; ++k)
      {
        if (k > 0)
          f *= k;
        p.c.push_back(dT * ((k % 2) ? -1.0 : 1.0) * std::pow(a2, k) / (f * f));
      }
    return p;
  }

  /// Exact cylindrical stresses {rr, tt, zz}; plane_strain: eps_zz = 0, else free ends
  /// (zero net axial force).
  inline std::array<double, 3> exact_stress(const Profile &p, const double r,
                                            const bool plane_strain)
  {
    const double Ib  = p.I(b) / (b * b);
    const double Ir  = (r > 0) ? p.I(r) / (r * r) : p.c[0] / 2; // limit r -> 0
    const double Tr  = p.T(r);
    const double szz = plane_strain ? K * (2 * nu * Ib - Tr) : K * (2 * Ib - Tr);
    return {K * (Ib - Ir), K * (Ib + Ir - Tr), szz};
  }

  /// Axial strain of the long cylinder: 0 (plane strain) or, with free ends (zero net axial
  /// force), eps_z = 2 alpha I(b)/b^2.
  inline double exact_axial_strain(const Profile &p, const bool plane_strain)
  {
    return plane_strain ? 0.0 : 2 * alpha * p.I(b) / (b * b);
  }

  /// Exact radial displacement over r (a polynomial in r^2), Timoshenko & Goodier: with
  /// A = alpha (1 + nu)/(1 - nu), u_r = A I(r)/r + C1 r, and sigma_rr(b) = 0 gives
  /// C1 = (1 - 2 nu) A I(b)/b^2 - nu eps_z (plane strain: (1 + nu)(1 - 2 nu)/(1 - nu) alpha
  /// I(b)/b^2; free ends: (1 - 3 nu)/(1 - nu) alpha I(b)/b^2). Coefficients d_k of r^(2k).
  inline std::vector<double> exact_ur_over_r(const Profile &p, const bool plane_strain)
  {
    const double        A  = alpha * (1 + nu) / (1 - nu);
    const double        C1 = (1 - 2 * nu) * A * p.I(b) / (b * b) - nu * exact_axial_strain(p, plane_strain);
    std::vector<double> d;
    for (std::size_t k = 0; k < p.c.size(); ++k)
      d.push_back(A * p.c[k] / (2 * k + 2));
    d[0] += C1;
    return d;
  }

  inline double exact_ur(const Profile &p, const double r, const bool plane_strain)
  {
    double s = 0, q = 1;
    for (const double dk : exact_ur_over_r(p, plane_strain))
      s += dk * q, q *= r * r;
    return r * s;
  }

  /// muparser text of u_r/r with r^2 given by the string `r2`.
  inline std::string exact_ur_over_r_expression(const Profile &p, const bool plane_strain,
                                                const std::string &r2)
  {
    std::string e;
    const auto  d = exact_ur_over_r(p, plane_strain);
    for (std::size_t k = 0; k < d.size(); ++k)
      {
        e += (k ? " + (" : "(") + number(d[k]) + ")";
        for (std::size_t j = 0; j < k; ++j)
          e += "*(" + r2 + ")";
      }
    return e;
  }

  /// Exact ring means of {rr, tt, zz} over [r0, r1] with weight r dr (Gauss-Legendre,
  /// 5 points on each of 20 sub-intervals).
  inline std::array<double, 3> exact_ring_mean(const Profile &p, const double r0, const double r1,
                                               const bool plane_strain)
  {
    static const double x[5] = {-0.9061798459386640, -0.5384693101056831, 0.0,
                                0.5384693101056831, 0.9061798459386640};
    static const double w[5] = {0.2369268850561891, 0.4786286704993665, 0.5688888888888889,
                                0.4786286704993665, 0.2369268850561891};
    std::array<double, 3> s{0, 0, 0};
    double                wsum = 0;
    const int             n    = 20;
    for (int i = 0; i < n; ++i)
      {
        const double a = r0 + (r1 - r0) * i / n, c = r0 + (r1 - r0) * (i + 1) / n;
        for (int q = 0; q < 5; ++q)
          {
            const double r  = 0.5 * (a + c) + 0.5 * (c - a) * x[q];
            const double wq = 0.5 * (c - a) * w[q] * r;
            const auto   v  = exact_stress(p, r, plane_strain);
            for (int d = 0; d < 3; ++d)
              s[d] += wq * v[d];
            wsum += wq;
          }
      }
    for (auto &v : s)
      v /= wsum;
    return s;
  }

  /// profiles/rings_*.csv: one row per ring, columns by name.
  struct Rings : bmgfe_test::CsvTable
  {
    using bmgfe_test::CsvTable::CsvTable;
    std::size_t        n() const { return n_rows(); }
    const std::string &string(const std::string &c, const std::size_t ring) const
    {
      return text(c, ring);
    }
  };

  struct Result
  {
    bmgfe_test::Statistics stats;
    Rings                  rings;
  };

  /// Run bmgfe on `prm_file` with "Section/Entry=value" overrides into the fresh directory
  /// `out`; fails the calling test (ADD_FAILURE + exception) if the run does not complete.
  /// Returns statistics.csv.
  inline bmgfe_test::Statistics run_statistics(const std::string &out, const std::string &prm_file,
                                               const std::vector<std::string> &sets,
                                               const unsigned int ranks = 0)
  {
    std::filesystem::remove_all(out);
    std::vector<std::string> args = {prm(prm_file)};
    for (const auto &s : sets)
      {
        args.push_back("--set");
        args.push_back(s);
      }
    args.push_back("--set");
    args.push_back("Output directory=" + out);
    const auto r = bmgfe_test::run_bmgfe(args, ranks);
    if (r.exit_code != 0 ||
        bmgfe_test::read_file(out + "/summary.json").find("\"completed\"") == std::string::npos)
      {
        ADD_FAILURE() << "bmgfe run '" << out << "' failed (exit code " << r.exit_code << "):\n"
                      << r.output;
        throw std::runtime_error("bmgfe run failed: " + out);
      }
    return bmgfe_test::Statistics(out + "/statistics.csv");
  }

  /// run_statistics() and the ring statistics at t = 0 (rods).
  inline Result run(const std::string &out, const std::string &prm_file,
                    const std::vector<std::string> &sets, const unsigned int ranks = 0)
  {
    auto stats = run_statistics(out, prm_file, sets, ranks);
    return {std::move(stats), Rings(out + "/profiles/rings_00000.csv")};
  }

  /// Largest |ring mean - exact ring mean| / (K dT) over the rings and {rr, tt, zz}.
  inline double ring_error(const Rings &rings, const Profile &p, const bool plane_strain)
  {
    double worst = 0;
    for (std::size_t i = 0; i < rings.n(); ++i)
      {
        const auto ex = exact_ring_mean(p, rings.value("r_inner_m", i), rings.value("r_outer_m", i),
                                        plane_strain);
        const char *cols[3] = {"stress_rr_mean_Pa", "stress_tt_mean_Pa", "stress_zz_mean_Pa"};
        for (int d = 0; d < 3; ++d)
          worst = std::max(worst, std::abs(rings.value(cols[d], i) - ex[d]) / (K * dT));
      }
    return worst;
  }

  /// CG iterations of the mechanics solve: the largest per-step count (the t = 0 solve;
  /// later steps of the constant prescribed field start from the converged solution).
  inline double cg_iterations(const bmgfe_test::Statistics &s)
  {
    double n = 0;
    for (const double v : s.column("linear_iterations_mechanics"))
      n = std::max(n, v);
    return n;
  }

  inline void record(const std::string &key, const double value)
  {
    std::ostringstream s;
    s << std::setprecision(6) << value;
    ::testing::Test::RecordProperty(key, s.str());
  }
} // namespace mechanics
