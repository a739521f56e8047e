// NonlocalFreeVolume (x-bar - l^2 lap(x-bar) = x, zero normal flux; doc/model.md "Nonlocal
// free volume") against closed forms on meshes built with GridGenerator:
//  - eigenfunctions of the Neumann Laplacian, x-bar = x / (1 + l^2 k^2): planar cosines (Q1
//    and Q2), axisymmetric J0(k r) cos(m z), 3D ball j0(k r); L2 errors at the quadrature
//    points converge at order p + 1;
//  - a step in x: the exact 1D solution (two cosh branches), its 10-90 % width 2 l ln 5 and
//    conservation of the integral, on a uniform and a locally refined (hanging-node) mesh;
//  - l = 0 returns x exactly; the matrix and the AMG are built once for many updates;
//  - 1 rank (MPI_COMM_SELF) against all ranks, Trilinos against PETSc (CTest also runs this
//    binary on 2 ranks: nonlocal_free_volume_mpi);
//  - the parameters of "Mechanics/Nonlocal free volume".
#include <bmgfe/base/input_error.h>
#include <bmgfe/physics/nonlocal_free_volume.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/quadrature_lib.h>
#include <deal.II/fe/fe_q.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/fe/mapping_q.h>
#include <deal.II/grid/grid_generator.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

using namespace dealii;
using bmgfe::Kinematics;
using bmgfe::NonlocalParameters;
using Trilinos = bmgfe::linear_algebra::Trilinos;
using PETSc    = bmgfe::linear_algebra::PETSc;

namespace
{
  bool root() { return Utilities::MPI::this_mpi_process(MPI_COMM_WORLD) == 0; }

  /// Printed once (rank 0).
  std::ostream &out()
  {
    static std::ostringstream sink;
    return root() ? std::cout : sink;
  }

  template <int dim>
  using Field = std::function<double(const Point<dim> &)>;

  /// Quadrature points and volume elements (JxW times 2 pi r in axisymmetric models) of the
  /// locally owned cells, by active cell index: what the mechanics knows about its own
  /// quadrature points.
  template <int dim>
  struct PointTable
  {
    std::vector<std::vector<Point<dim>>> points;
    std::vector<std::vector<double>>     weights;

    PointTable(const Triangulation<dim> &tria, const Mapping<dim> &mapping,
               const Quadrature<dim> &quadrature, const Kinematics k)
      : points(tria.n_active_cells())
      , weights(tria.n_active_cells())
    {
      const FE_Q<dim> fe(1);
      FEValues<dim>   fv(mapping, fe, quadrature, update_quadrature_points | update_JxW_values);
      for (const auto &cell : tria.active_cell_iterators())
        if (cell->is_locally_owned())
          {
            fv.reinit(cell);
            const auto i = cell->active_cell_index();
            points[i]    = fv.get_quadrature_points();
            for (unsigned int q = 0; q < quadrature.size(); ++q)
              weights[i].push_back(fv.JxW(q) * bmgfe::volume_weight(k, points[i][q][0]));
          }
    }
  };

  struct Measures
  {
    double       relative_l2_error = 0; ///< ||x-bar - exact|| / ||exact|| at the quadrature points
    double       max_error         = 0; ///< max |x-bar - exact| at the quadrature points
    double       integral_x = 0, integral_xbar = 0;
    unsigned int iterations = 0;
    double       resolution = 0; ///< h / l
  };

  template <int dim, typename LA>
  Measures measure(const bmgfe::NonlocalFreeVolume<dim, LA> &filter,
                   const Triangulation<dim> &tria, const PointTable<dim> &table,
                   const Field<dim> &x, const Field<dim> &exact, const MPI_Comm comm)
  {
    double              e2 = 0, x2 = 0, emax = 0, ix = 0, ixbar = 0;
    std::vector<double> xbar;
    for (const auto &cell : tria.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          filter.values_at_quadrature_points(cell, xbar);
          const auto i = cell->active_cell_index();
          for (unsigned int q = 0; q < xbar.size(); ++q)
            {
              const Point<dim> &p = table.points[i][q];
              const double      w = table.weights[i][q];
              const double      e = xbar[q] - exact(p);
              e2 += e * e * w;
              x2 += exact(p) * exact(p) * w;
              emax = std::max(emax, std::abs(e));
              ix += x(p) * w;
              ixbar += xbar[q] * w;
            }
        }
    Measures m;
    m.relative_l2_error = std::sqrt(Utilities::MPI::sum(e2, comm) / Utilities::MPI::sum(x2, comm));
    m.max_error         = Utilities::MPI::max(emax, comm);
    m.integral_x        = Utilities::MPI::sum(ix, comm);
    m.integral_xbar     = Utilities::MPI::sum(ixbar, comm);
    m.resolution        = filter.cell_size_over_length();
    return m;
  }

  /// One filter on `tria`: set up, one update with `x`, compared with `exact`.
  template <int dim, typename LA = Trilinos>
  Measures solve_once(const parallel::distributed::Triangulation<dim> &tria,
                      const Mapping<dim> &mapping, const Kinematics k, const NonlocalParameters &prm,
                      const Field<dim> &x, const Field<dim> &exact)
  {
    const QGauss<dim>        quadrature(prm.fe_degree + 1);
    const PointTable<dim>    table(tria, mapping, quadrature, k);
    std::ostringstream       timer_sink;
    TimerOutput              timer(timer_sink, TimerOutput::never, TimerOutput::wall_times);
    bmgfe::NonlocalFreeVolume<dim, LA> filter(tria, mapping, quadrature, prm, k, timer);
    filter.setup();
    const auto report = filter.update([&](const auto &cell, const unsigned int q) {
      return x(table.points[cell->active_cell_index()][q]);
    });
    EXPECT_TRUE(report.converged);
    EXPECT_TRUE(report.solved);
    Measures m   = measure(filter, tria, table, x, exact, tria.get_communicator());
    m.iterations = report.iterations;
    return m;
  }

  NonlocalParameters parameters(const double length, const unsigned int degree = 1,
                                const double tolerance = 1e-12)
  {
    NonlocalParameters p;
    p.length           = length;
    p.fe_degree        = degree;
    p.linear_tolerance = tolerance;
    return p;
  }

  /// Orders log2(e_i / e_{i+1}) of errors on meshes halved each time; printed.
  std::vector<double> orders(const std::string &what, const std::vector<Measures> &m)
  {
    std::vector<double> r;
    out() << what << "\n  refinement  h/l        rel. L2 error   max error   order  CG its\n";
    for (std::size_t i = 0; i < m.size(); ++i)
      {
        if (i > 0)
          r.push_back(std::log2(m[i - 1].relative_l2_error / m[i].relative_l2_error));
        out() << "  " << std::setw(10) << i << "  " << std::setw(8) << std::setprecision(3)
              << m[i].resolution << "  " << std::setw(13) << std::scientific << std::setprecision(4)
              << m[i].relative_l2_error << "  " << std::setw(10) << m[i].max_error
              << std::defaultfloat << "  " << std::setw(5) << std::setprecision(3)
              << (i > 0 ? r.back() : 0.0) << "  " << m[i].iterations << "\n";
      }
    return r;
  }

  // Lengths in m, as in the simulations: l is a mesoscale length of micrometres.
  constexpr double L   = 100e-6;
  constexpr double ell = 10e-6;
  constexpr double pi  = 3.14159265358979323846;
} // namespace

// x = cos(k1 X) cos(k2 Y) on [0, L] x [0, L/2] (k1 = 2 pi/L, k2 = 2 pi/L: zero normal
// derivative on all four sides) is an eigenfunction of the Neumann Laplacian, so
// x-bar = x / (1 + l^2 (k1^2 + k2^2)). Planar kinematics (plane strain and generalized plane
// strain share it).
TEST(NonlocalFreeVolume, PlanarCosineConvergesAtOrderPPlusOne)
{
  const double     k1 = 2 * pi / L, k2 = 2 * pi / L;
  const double     factor = 1 / (1 + ell * ell * (k1 * k1 + k2 * k2));
  const Field<2>   x      = [&](const Point<2> &p) { return std::cos(k1 * p[0]) * std::cos(k2 * p[1]); };
  const Field<2>   exact  = [&](const Point<2> &p) { return factor * x(p); };
  const MappingQ<2> mapping(1);
  for (const unsigned int degree : {1u, 2u})
    {
      std::vector<Measures> m;
      for (unsigned int r = 0; r < 3; ++r)
        {
          parallel::distributed::Triangulation<2> tria(MPI_COMM_WORLD);
          GridGenerator::subdivided_hyper_rectangle(tria, {2, 1}, Point<2>(0, 0),
                                                    Point<2>(L, L / 2));
          tria.refine_global((degree == 1 ? 3 : 2) + r);
          m.push_back(solve_once(tria, mapping, Kinematics::plane_strain, parameters(ell, degree),
                                 x, exact));
        }
      const auto p = orders("planar cos(k1 X) cos(k2 Y), Q" + std::to_string(degree) +
                              ", l = L/10, x-bar = x/" + std::to_string(1 / factor),
                            m);
      for (const double o : p)
        EXPECT_GT(o, degree + 1 - 0.1) << "Q" << degree;
      EXPECT_LT(m.back().relative_l2_error, degree == 1 ? 2e-3 : 2e-4);
    }
}

// x = J0(k r) cos(m z) on the r-z section [0, R] x [0, H] of a cylinder, with J0'(k R) =
// -J1(k R) = 0 (k R = j'_{0,1} = 3.8317...) and m = pi/H: zero flux on the mantle and the
// ends, and regular on the axis. The axisymmetric Laplacian has it as an eigenfunction, so
// x-bar = x / (1 + l^2 (k^2 + m^2)). Integrating without 2 pi r (a planar model) gives
// another x-bar, which this comparison must see.
TEST(NonlocalFreeVolume, AxisymmetricBesselConvergesAtOrderTwo)
{
  const double     R = L, H = L, k = 3.8317059702075125 / R, m = pi / H;
  const double     factor = 1 / (1 + ell * ell * (k * k + m * m));
  const Field<2>   x      = [&](const Point<2> &p) {
    return std::cyl_bessel_j(0.0, k * p[0]) * std::cos(m * p[1]);
  };
  const Field<2>   exact = [&](const Point<2> &p) { return factor * x(p); };
  const MappingQ<2> mapping(1);
  std::vector<Measures> axi, planar;
  for (unsigned int r = 0; r < 3; ++r)
    {
      parallel::distributed::Triangulation<2> tria(MPI_COMM_WORLD);
      GridGenerator::subdivided_hyper_rectangle(tria, {2, 2}, Point<2>(0, 0), Point<2>(R, H));
      tria.refine_global(2 + r);
      axi.push_back(solve_once(tria, mapping, Kinematics::axisymmetric, parameters(ell), x, exact));
      planar.push_back(solve_once(tria, mapping, Kinematics::plane_strain, parameters(ell), x, exact));
    }
  for (const double o : orders("axisymmetric J0(k r) cos(m z), Q1, l = R/10", axi))
    EXPECT_GT(o, 1.9);
  EXPECT_LT(axi.back().relative_l2_error, 2e-3);
  // Without the weight r the operator is not the axisymmetric one: the error stays O(1e-2).
  out() << "  same x with planar weights: rel. L2 error " << planar.back().relative_l2_error << "\n";
  EXPECT_GT(planar.back().relative_l2_error, 20 * axi.back().relative_l2_error);
}

// 3D: x = j0(k r) = sin(k r)/(k r) on a ball of radius R with j0'(k R) = 0 (tan(kR) = kR,
// k R = 4.4934...) is an eigenfunction of the Neumann Laplacian: x-bar = x/(1 + l^2 k^2).
TEST(NonlocalFreeVolume, BallInThreeDimensions)
{
  const double      R = L / 2, k = 4.493409457909064 / R;
  const double      factor = 1 / (1 + ell * ell * k * k);
  const Field<3>    x      = [&](const Point<3> &p) {
    const double s = k * p.norm();
    return s < 1e-8 ? 1 - s * s / 6 : std::sin(s) / s;
  };
  const Field<3>    exact = [&](const Point<3> &p) { return factor * x(p); };
  const MappingQ<3> mapping(2); // the curved surface: geometry error below the FE error
  std::vector<Measures> m;
  for (unsigned int r = 1; r < 4; ++r)
    {
      // 32 cells whose refinements stay well shaped (hyper_ball's 7 cells degrade).
      parallel::distributed::Triangulation<3> tria(MPI_COMM_WORLD);
      GridGenerator::hyper_ball_balanced(tria, Point<3>(), R);
      tria.refine_global(r);
      m.push_back(solve_once(tria, mapping, Kinematics::three_dimensional, parameters(ell), x, exact));
    }
  for (const double o : orders("3D ball j0(k r), Q1, l = R/5", m))
    EXPECT_GT(o, 1.9);
  EXPECT_LT(m.back().relative_l2_error, 4e-3);
}

namespace
{
  /// x-bar for the step x = 1 (X > 0), 0 (X < 0) on [-a, a] with zero flux at X = +-a: the
  /// homogeneous solutions cosh((a -+ X)/l) satisfy the end conditions, continuity of value
  /// and slope at X = 0 fix the amplitudes; as a/l grows it becomes 1 - e^{-X/l}/2 (X > 0),
  /// e^{X/l}/2 (X < 0).
  double step_response(const double X, const double a, const double l)
  {
    const double c = 2 * std::cosh(a / l);
    return X >= 0 ? 1 - std::cosh((a - X) / l) / c : std::cosh((a + X) / l) / c;
  }

  struct StepResult
  {
    Measures m;
    double   width = 0; ///< distance between the 10 % and 90 % crossings of x-bar
  };

  /// Step at X = 0 on [-10 l, 10 l] x [0, l/4], cells of l/8 (everywhere, or only within 3 l
  /// of the step, on a mesh of l/4 cells: hanging nodes).
  StepResult step(const bool local_refinement)
  {
    const double a = 10 * ell, h = ell / 8;
    parallel::distributed::Triangulation<2> tria(MPI_COMM_WORLD);
    const unsigned int nx = static_cast<unsigned int>(std::round(2 * a / h));
    if (local_refinement)
      {
        GridGenerator::subdivided_hyper_rectangle(tria, {nx / 2, 1}, Point<2>(-a, 0),
                                                  Point<2>(a, 2 * h));
        for (const auto &cell : tria.active_cell_iterators())
          if (cell->is_locally_owned() && std::abs(cell->center()[0]) < 3 * ell)
            cell->set_refine_flag();
        tria.execute_coarsening_and_refinement();
      }
    else
      GridGenerator::subdivided_hyper_rectangle(tria, {nx, 2}, Point<2>(-a, 0), Point<2>(a, 2 * h));

    const Field<2>    x     = [](const Point<2> &p) { return p[0] > 0 ? 1.0 : 0.0; };
    const Field<2>    exact = [&](const Point<2> &p) { return step_response(p[0], a, ell); };
    const MappingQ<2> mapping(1);
    const QGauss<2>   quadrature(2);
    const PointTable<2> table(tria, mapping, quadrature, Kinematics::plane_strain);
    std::ostringstream  sink;
    TimerOutput         timer(sink, TimerOutput::never, TimerOutput::wall_times);
    bmgfe::NonlocalFreeVolume<2, Trilinos> filter(tria, mapping, quadrature, parameters(ell),
                                                 Kinematics::plane_strain, timer);
    filter.setup();
    const auto report = filter.update(
      [&](const auto &cell, const unsigned int q) { return x(table.points[cell->active_cell_index()][q]); });
    EXPECT_TRUE(report.converged);
    StepResult s;
    s.m            = measure(filter, tria, table, x, exact, MPI_COMM_WORLD);
    s.m.iterations = report.iterations;

    // The 10-90 % width from the computed x-bar along X (all quadrature points of all ranks,
    // linear interpolation between neighbouring ones).
    std::vector<double> profile; // X, x-bar, X, x-bar, ...
    std::vector<double> xbar;
    for (const auto &cell : tria.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          filter.values_at_quadrature_points(cell, xbar);
          for (unsigned int q = 0; q < xbar.size(); ++q)
            {
              profile.push_back(table.points[cell->active_cell_index()][q][0]);
              profile.push_back(xbar[q]);
            }
        }
    std::vector<std::pair<double, double>> all;
    for (const auto &part : Utilities::MPI::all_gather(MPI_COMM_WORLD, profile))
      for (std::size_t i = 0; i + 1 < part.size(); i += 2)
        all.emplace_back(part[i], part[i + 1]);
    std::sort(all.begin(), all.end());
    const auto crossing = [&](const double level) {
      for (std::size_t i = 1; i < all.size(); ++i)
        if (all[i - 1].second < level && all[i].second >= level)
          return all[i - 1].first + (level - all[i - 1].second) /
                                      (all[i].second - all[i - 1].second) *
                                      (all[i].first - all[i - 1].first);
      ADD_FAILURE() << "x-bar does not cross " << level;
      return 0.0;
    };
    s.width = crossing(0.9) - crossing(0.1);
    return s;
  }
} // namespace

// A step in x gives a smooth x-bar: the exact 1D response pointwise, the 10-90 % width
// 2 l ln 5 (x-bar = e^{X/l}/2 = 0.1 at X = -l ln 5), and the integral of x kept (zero flux).
TEST(NonlocalFreeVolume, StepGivesExponentialProfileAndKeepsTheIntegral)
{
  for (const bool local : {false, true})
    {
      const StepResult s      = step(local);
      const double     width  = 2 * ell * std::log(5.0);
      const double     defect = std::abs(s.m.integral_xbar - s.m.integral_x) / s.m.integral_x;
      out() << "step, l = " << ell << " m, h = l/8" << (local ? " near the step (hanging nodes)" : "")
            << ": max |x-bar - exact| = " << s.m.max_error << ", 10-90 % width = "
            << std::setprecision(6) << s.width / ell << " l (exact 2 ln 5 = " << width / ell
            << " l), integral defect " << std::setprecision(3) << defect << ", CG its "
            << s.m.iterations << "\n";
      // Q1 interpolation error bound h^2/8 max|x-bar''| = (l/8)^2/8 / (2 l^2) = 9.8e-4 (on
      // the locally refined mesh, the l/4 cells start 3 l from the step, where |x-bar''| is
      // e^-3 smaller).
      EXPECT_LT(s.m.max_error, 9.8e-4);
      EXPECT_NEAR(s.width / width, 1.0, 5e-3);
      EXPECT_LT(defect, 1e-10);
    }
}

// l = 0: x-bar is x itself at every quadrature point (bit for bit), without a field or matrix.
TEST(NonlocalFreeVolume, ZeroLengthReturnsXExactly)
{
  parallel::distributed::Triangulation<2> tria(MPI_COMM_WORLD);
  GridGenerator::subdivided_hyper_rectangle(tria, {3, 2}, Point<2>(0, 0), Point<2>(L, L));
  tria.refine_global(2);
  const MappingQ<2>   mapping(1);
  const QGauss<2>     quadrature(2);
  const PointTable<2> table(tria, mapping, quadrature, Kinematics::axisymmetric);
  const Field<2>      x = [](const Point<2> &p) { return 0.02 + 0.01 * std::sin(3e4 * p[0] + 7e4 * p[1]); };
  std::ostringstream  sink;
  TimerOutput         timer(sink, TimerOutput::never, TimerOutput::wall_times);
  bmgfe::NonlocalFreeVolume<2, Trilinos> filter(tria, mapping, quadrature, parameters(0),
                                               Kinematics::axisymmetric, timer);
  filter.setup();
  EXPECT_TRUE(filter.is_local());
  const auto report = filter.update(
    [&](const auto &cell, const unsigned int q) { return x(table.points[cell->active_cell_index()][q]); });
  EXPECT_TRUE(report.converged);
  EXPECT_FALSE(report.solved);
  EXPECT_EQ(filter.n_matrix_assemblies(), 0u);
  unsigned int        checked = 0;
  std::vector<double> xbar;
  for (const auto &cell : tria.active_cell_iterators())
    if (cell->is_locally_owned())
      {
        filter.values_at_quadrature_points(cell, xbar);
        ASSERT_EQ(xbar.size(), quadrature.size());
        for (unsigned int q = 0; q < xbar.size(); ++q, ++checked)
          {
            EXPECT_EQ(xbar[q], x(table.points[cell->active_cell_index()][q]));
            EXPECT_EQ(filter.value(cell, q), xbar[q]);
          }
      }
  EXPECT_EQ(Utilities::MPI::sum(checked, MPI_COMM_WORLD), tria.n_global_active_cells() * 4);
}

// Many updates with changing x reuse the matrix and the AMG hierarchy (built once), and each
// x-bar equals that of a fresh filter solving from zero to a tighter tolerance: the warm start
// (previous x-bar, or the projection onto the last ones) changes the iterations, not the
// answer. x is a band of high free volume that moves by 1 % of the length per update, so
// the x_s do not lie in a space of a few fields. The mesh (8385 DoFs) is larger than ML's
// coarse size, so the AMG is a real multilevel one.
TEST(NonlocalFreeVolume, MatrixAndPreconditionerAreBuiltOnce)
{
  const double w = 0.1 * L;
  const auto   band = [&](const unsigned int s) {
    return Field<2>([s, w](const Point<2> &p) {
      const double c = (0.3 + 0.01 * s) * L;
      return 0.02 + 0.01 * std::exp(-(std::pow(p[0] - c, 2) + std::pow(p[1] - L / 4, 2)) / (w * w));
    });
  };
  parallel::distributed::Triangulation<2> tria(MPI_COMM_WORLD);
  GridGenerator::subdivided_hyper_rectangle(tria, {2, 1}, Point<2>(0, 0), Point<2>(L, L / 2));
  tria.refine_global(6);
  const MappingQ<2>   mapping(1);
  const QGauss<2>     quadrature(2);
  const PointTable<2> table(tria, mapping, quadrature, Kinematics::plane_strain);
  const auto          at_points = [&](const Field<2> &x) {
    return [&table, x](const auto &cell, const unsigned int q) {
      return x(table.points[cell->active_cell_index()][q]);
    };
  };
  std::ostringstream sink;
  TimerOutput        timer(sink, TimerOutput::never, TimerOutput::wall_times);

  // The reference: a new filter for every x, CG from zero to 1e-13.
  std::vector<std::vector<double>> reference;
  for (unsigned int s = 0; s < 8; ++s)
    {
      bmgfe::NonlocalFreeVolume<2, Trilinos> fresh(tria, mapping, quadrature,
                                                  parameters(ell, 1, 1e-13),
                                                  Kinematics::plane_strain, timer);
      fresh.setup();
      EXPECT_TRUE(fresh.update(at_points(band(s))).converged);
      reference.emplace_back();
      std::vector<double> v;
      for (const auto &cell : tria.active_cell_iterators())
        if (cell->is_locally_owned())
          {
            fresh.values_at_quadrature_points(cell, v);
            reference.back().insert(reference.back().end(), v.begin(), v.end());
          }
    }

  for (const unsigned int history : {1u, 4u})
    {
      NonlocalParameters prm     = parameters(ell, 1, 1e-10);
      prm.initial_guess_history = history;
      bmgfe::NonlocalFreeVolume<2, Trilinos> filter(tria, mapping, quadrature, prm,
                                                   Kinematics::plane_strain, timer);
      filter.setup();
      std::vector<unsigned int> iterations;
      double                    largest_difference = 0;
      for (unsigned int s = 0; s < 8; ++s)
        {
          const auto report = filter.update(at_points(band(s)));
          ASSERT_TRUE(report.converged);
          iterations.push_back(report.iterations);
          EXPECT_EQ(filter.n_matrix_assemblies(), 1u);
          EXPECT_EQ(filter.n_preconditioner_builds(), 1u);
          std::vector<double> v;
          std::size_t         i = 0;
          for (const auto &cell : tria.active_cell_iterators())
            if (cell->is_locally_owned())
              {
                filter.values_at_quadrature_points(cell, v);
                for (const double value : v)
                  largest_difference =
                    std::max(largest_difference, std::abs(value - reference[s][i++]));
              }
        }
      largest_difference = Utilities::MPI::max(largest_difference, MPI_COMM_WORLD);
      out() << "8 updates, moving band, initial guess history " << history
            << ": CG iterations (tolerance 1e-10)";
      for (const auto i : iterations)
        out() << " " << i;
      out() << "; max |x-bar - fresh solve| = " << largest_difference << "\n";
      // x-bar is about 0.02-0.03: CG's 1e-10 relative residual leaves a few 1e-11.
      EXPECT_LT(largest_difference, 1e-9);
      // The warm start never costs iterations.
      for (std::size_t s = 1; s < iterations.size(); ++s)
        EXPECT_LE(iterations[s], iterations[0]) << "update " << s;
    }
}

namespace
{
  /// x-bar of the axisymmetric test field on a locally refined mesh (hanging nodes) of
  /// `comm`, as CellId -> values at the quadrature points of every locally owned cell.
  template <typename LA>
  std::map<CellId, std::vector<double>> distributed_xbar(const MPI_Comm comm)
  {
    parallel::distributed::Triangulation<2> tria(comm);
    GridGenerator::subdivided_hyper_rectangle(tria, {3, 4}, Point<2>(0, 0), Point<2>(L, 1.5 * L));
    tria.refine_global(4); // about 4000 DoFs: more than ML's coarse size
    for (const auto &cell : tria.active_cell_iterators())
      if (cell->is_locally_owned() && cell->center().distance(Point<2>(0.6 * L, 0.7 * L)) < 0.3 * L)
        cell->set_refine_flag();
    tria.execute_coarsening_and_refinement();
    const MappingQ<2>   mapping(1);
    const QGauss<2>     quadrature(2);
    const PointTable<2> table(tria, mapping, quadrature, Kinematics::axisymmetric);
    // A rough x: a band of high free volume and a short-wavelength modulation.
    const Field<2> x = [](const Point<2> &p) {
      const double band = std::abs(p[1] - 0.8 * p[0] - 0.3 * L) < 0.1 * L ? 0.01 : 0.0;
      return 0.02 + band + 0.002 * std::sin(2e5 * p[0]) * std::cos(1.3e5 * p[1]);
    };
    std::ostringstream sink;
    TimerOutput        timer(sink, TimerOutput::never, TimerOutput::wall_times);
    bmgfe::NonlocalFreeVolume<2, LA> filter(tria, mapping, quadrature, parameters(ell),
                                            Kinematics::axisymmetric, timer);
    filter.setup();
    // Two updates: the second one starts from the first x-bar.
    for (const double scale : {1.0, 1.05})
      EXPECT_TRUE(filter
                    .update([&](const auto &cell, const unsigned int q) {
                      return scale * x(table.points[cell->active_cell_index()][q]);
                    })
                    .converged);
    std::map<CellId, std::vector<double>> values;
    for (const auto &cell : tria.active_cell_iterators())
      if (cell->is_locally_owned())
        filter.values_at_quadrature_points(cell, values[cell->id()]);
    return values;
  }

  double max_difference(const std::map<CellId, std::vector<double>> &reference,
                        const std::map<CellId, std::vector<double>> &other, const MPI_Comm comm)
  {
    double d = 0;
    for (const auto &[id, values] : other)
      {
        const auto it = reference.find(id);
        EXPECT_TRUE(it != reference.end());
        if (it != reference.end())
          for (unsigned int q = 0; q < values.size(); ++q)
            d = std::max(d, std::abs(values[q] - it->second[q]));
      }
    return Utilities::MPI::max(d, comm);
  }
} // namespace

// Every rank solves the whole problem alone (MPI_COMM_SELF) and its part of the distributed
// one; the cells are matched by CellId. Same with PETSc instead of Trilinos.
TEST(NonlocalFreeVolume, OneRankAllRanksAndBothBackendsAgree)
{
  const auto serial   = distributed_xbar<Trilinos>(MPI_COMM_SELF);
  const auto parallel = distributed_xbar<Trilinos>(MPI_COMM_WORLD);
  const auto petsc    = distributed_xbar<PETSc>(MPI_COMM_WORLD);
  double     scale    = 0;
  for (const auto &[id, values] : serial)
    for (const double v : values)
      scale = std::max(scale, std::abs(v));
  const double d_ranks   = max_difference(serial, parallel, MPI_COMM_WORLD) / scale;
  const double d_backend = max_difference(serial, petsc, MPI_COMM_WORLD) / scale;
  out() << "1 rank vs " << Utilities::MPI::n_mpi_processes(MPI_COMM_WORLD)
        << " ranks: max |difference| / max x-bar = " << d_ranks
        << "; Trilinos vs PETSc: " << d_backend << "\n";
  EXPECT_LT(d_ranks, 1e-10);
  EXPECT_LT(d_backend, 1e-10);
}

// ------------------------------------------------------------------ parameters
namespace
{
  NonlocalParameters parse(const std::string &body)
  {
    ParameterHandler prm;
    NonlocalParameters::declare_parameters(prm);
    prm.parse_input_from_string("subsection Mechanics\n  subsection Nonlocal free volume\n" + body +
                                "  end\nend\n");
    NonlocalParameters p;
    p.parse_parameters(prm);
    return p;
  }

  std::string error_of(const std::string &body)
  {
    try
      {
        parse(body);
      }
    catch (const bmgfe::InputError &e)
      {
        return e.what();
      }
    ADD_FAILURE() << "no InputError for\n" << body;
    return "";
  }
} // namespace

TEST(NonlocalParameters, DefaultsAreLocalAndEntriesAreRead)
{
  const NonlocalParameters d = parse("");
  EXPECT_EQ(d.length, 0.0);
  EXPECT_TRUE(d.is_local());
  EXPECT_EQ(d.fe_degree, 1u);
  EXPECT_EQ(d.linear_tolerance, 1e-10);
  EXPECT_EQ(d.max_linear_iterations, 1000u);
  EXPECT_EQ(d.initial_guess_history, 4u);
  EXPECT_EQ(d.over_nonlocal_factor, 2.0);
  EXPECT_EQ(d.local_increment_weight, 0.0);
  EXPECT_EQ(NonlocalParameters().over_nonlocal_factor, d.over_nonlocal_factor);

  const NonlocalParameters p = parse("set Length = 5e-6\n set Finite element degree = 2\n"
                                     "set Linear solver tolerance = 1e-8\n"
                                     "set Maximum linear iterations = 50\n"
                                     "set Initial guess history = 1\n");
  EXPECT_EQ(p.length, 5e-6);
  EXPECT_FALSE(p.is_local());
  EXPECT_EQ(p.fe_degree, 2u);
  EXPECT_EQ(p.linear_tolerance, 1e-8);
  EXPECT_EQ(p.max_linear_iterations, 50u);
  EXPECT_EQ(p.initial_guess_history, 1u);
}

TEST(NonlocalParameters, OutOfRangeValuesNameTheEntry)
{
  // The pattern of the entry accepts 0, which CG can never reach.
  EXPECT_NE(error_of("set Linear solver tolerance = 0\n")
              .find("entry 'Mechanics/Nonlocal free volume/Linear solver tolerance'"),
            std::string::npos);
  // Values that bypass the ParameterHandler (set in code) are checked as well.
  const auto check_error = [](const std::function<void(NonlocalParameters &)> &change) {
    NonlocalParameters p;
    change(p);
    try
      {
        p.check();
      }
    catch (const bmgfe::InputError &e)
      {
        return std::string(e.what());
      }
    return std::string("no error");
  };
  EXPECT_NE(check_error([](auto &p) { p.length = -1e-6; })
              .find("entry 'Mechanics/Nonlocal free volume/Length'"),
            std::string::npos);
  EXPECT_NE(check_error([](auto &p) { p.length = std::nan(""); })
              .find("entry 'Mechanics/Nonlocal free volume/Length'"),
            std::string::npos);
  EXPECT_NE(check_error([](auto &p) { p.fe_degree = 3; })
              .find("entry 'Mechanics/Nonlocal free volume/Finite element degree'"),
            std::string::npos);
  EXPECT_NE(check_error([](auto &p) { p.max_linear_iterations = 0; })
              .find("entry 'Mechanics/Nonlocal free volume/Maximum linear iterations'"),
            std::string::npos);
  EXPECT_EQ(check_error([](auto &) {}), "no error");
  // A negative length is refused by the entry's pattern already.
  EXPECT_ANY_THROW(parse("set Length = -1e-6\n"));
}

int main(int argc, char **argv)
{
  Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
