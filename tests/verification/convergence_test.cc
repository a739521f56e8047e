// Verification 2: convergence of the L2 error against the Bessel-series solution of the
// cooled cylinder (doc/model.md §8) at Fo = 0.2, the end of the protocol.
//  * in h for Q1 (time error made negligible by a small BDF2 step), axisymmetric and planar;
//  * in dt for BDF2 (order 2) and implicit Euler (order 1, so the test discriminates),
//    with Q2 on a fine mesh so that the spatial error is far below the time error.
// Observed orders between consecutive refinements are printed; the finest pair is asserted.
#include "verification_common.h"

using namespace verification;

namespace
{
  const double t_end = 0.2 * t_fo;

  double final_l2_error(const bmgfe_test::Statistics &s)
  {
    const std::size_t last = s.n_rows() - 1;
    EXPECT_NEAR(s.value("time_s", last), t_end, 1e-12);
    const double e = s.value("temperature_l2_error", last);
    EXPECT_TRUE(std::isfinite(e)) << "no L2 error at the end of the protocol";
    return e;
  }

  void print_study(const std::string &title, const std::string &x_name,
                   const std::vector<double> &x, const std::vector<double> &e,
                   const std::vector<double> &p)
  {
    std::cout << title << '\n';
    for (std::size_t i = 0; i < x.size(); ++i)
      {
        std::cout << "  " << x_name << " = " << std::scientific << std::setprecision(4) << x[i]
                  << "  L2 error = " << e[i];
        if (i > 0)
          std::cout << "  observed order = " << std::fixed << std::setprecision(3) << p[i - 1];
        std::cout << '\n';
      }
  }

  /// Runs of one prm file differing in `sets_of(i)`; returns the final L2 errors.
  template <typename F>
  std::vector<double> study(const std::string &name, const std::string &prm_file,
                            const std::vector<std::string> &common, const std::size_t n, F sets_of)
  {
    std::vector<double> errors;
    for (std::size_t i = 0; i < n; ++i)
      {
        Job r;
        r.prm_file = prm_file;
        r.sets     = common;
        for (const auto &s : sets_of(i))
          r.sets.push_back(s);
        errors.push_back(final_l2_error(run("out_convergence_" + name + "_" + std::to_string(i), r)));
      }
    return errors;
  }
} // namespace

// Q1 on r-z strips of 8, 16, 32, 64 radial cells (one cell in z: the solution does not
// depend on z), Bi = 10, BDF2 with dt = 1e-4 R^2/a (2000 steps): the time error is about
// 1 % of the spatial error on the finest mesh (see TimeBDF2 below).
TEST(Convergence, SpaceQ1Axisymmetric)
{
  const std::vector<std::string> common = {
    "Geometry/Rod length=" + number(R / 64), "Geometry/Global refinement=0",
    "Thermal protocol/quench/Heat transfer coefficient=" + number(h_for_biot(10)),
    "Thermal protocol/quench/Duration=" + number(t_end),
    "Time stepping/Initial time step=" + number(1e-4 * t_fo), "Output/Interval in time=0"};
  const std::vector<double> h = {R / 8, R / 16, R / 32, R / 64};
  const auto e = study("space_axisymmetric", "cylinder_axisymmetric.prm", common, h.size(),
                       [&](std::size_t i) {
                         return std::vector<std::string>{"Geometry/Mesh size=" + number(h[i])};
                       });
  const auto p = observed_orders(h, e);
  print_study("h-convergence, Q1, axisymmetric, Bi = 10, Fo = 0.2:", "h", h, e, p);
  for (std::size_t i = 0; i < p.size(); ++i)
    record("space_axisymmetric_order_" + std::to_string(i), p[i]);
  EXPECT_GE(p.back(), 1.9);
}

// Q1 on the disk (hyper_ball_balanced, curved boundary) with cells of R/4, R/8, R/16,
// Bi = 1, BDF2 with dt = 5e-4 R^2/a: the time error is negligible against the (larger,
// per unit length) spatial error of these meshes.
TEST(Convergence, SpaceQ1Planar)
{
  const std::vector<std::string> common = {
    "Thermal protocol/quench/Duration=" + number(t_end),
    "Time stepping/Initial time step=" + number(5e-4 * t_fo), "Output/Interval in time=0"};
  const std::vector<double> h = {R / 4, R / 8, R / 16};
  const auto e = study("space_planar", "cylinder_planar.prm", common, h.size(), [&](std::size_t i) {
    return std::vector<std::string>{"Geometry/Mesh size=" + number(h[i])};
  });
  const auto p = observed_orders(h, e);
  print_study("h-convergence, Q1, planar disk, Bi = 1, Fo = 0.2:", "h", h, e, p);
  for (std::size_t i = 0; i < p.size(); ++i)
    record("space_planar_order_" + std::to_string(i), p[i]);
  EXPECT_GE(p.back(), 1.9);
}

namespace
{
  /// dt-study on a Q2 strip of 64 radial cells, Bi = 10, N = 25, 50, 100, 200 steps to Fo = 0.2.
  void time_study(const std::string &scheme, const double minimum_order, const double maximum_order)
  {
    const std::vector<std::string> common = {
      "Geometry/Mesh size=" + number(R / 64), "Geometry/Rod length=" + number(R / 64),
      "Geometry/Global refinement=0", "Heat/Finite element degree=2",
      "Thermal protocol/quench/Heat transfer coefficient=" + number(h_for_biot(10)),
      "Thermal protocol/quench/Duration=" + number(t_end), "Time stepping/Adaptive=false",
      "Time stepping/Scheme=" + scheme, "Output/Interval in time=0"};
    const std::vector<double> dt = {t_end / 25, t_end / 50, t_end / 100, t_end / 200};
    const std::string name = scheme == "BDF2" ? "BDF2" : "implicit_Euler";
    const auto e = study("time_" + name, "cylinder_axisymmetric.prm", common, dt.size(),
                         [&](std::size_t i) {
                           return std::vector<std::string>{"Time stepping/Initial time step=" +
                                                           number(dt[i])};
                         });
    const auto p = observed_orders(dt, e);
    print_study("dt-convergence, " + scheme + ", Q2 axisymmetric (64 radial cells), Bi = 10, Fo = 0.2:",
                "dt", dt, e, p);
    for (std::size_t i = 0; i < p.size(); ++i)
      record("time_" + name + "_order_" + std::to_string(i), p[i]);
    EXPECT_GE(p.back(), minimum_order);
    EXPECT_LE(p.back(), maximum_order);
  }
} // namespace

// BDF2 (first step implicit Euler): order >= 1.9. The upper bound 2.2 catches an error
// that is dominated by something else than the time discretisation (e.g. cancellation).
TEST(Convergence, TimeBDF2) { time_study("BDF2", 1.9, 2.2); }

// Implicit Euler: order 1 (0.9 .. 1.1), so the BDF2 test above discriminates the schemes.
TEST(Convergence, TimeImplicitEuler) { time_study("implicit Euler", 0.9, 1.1); }
