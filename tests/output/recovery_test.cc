// postprocess::QuadratureProjection on linear elements: the superconvergent patch recovery
// (quadrature_projection.h) on a rectangle, 1 rank.
//  * Linear data is reproduced exactly at every node, corners included (fails if a fit or the
//    extrapolation to boundary nodes is wrong).
//  * The derivative of the Q1 interpolant of u = x^3 (what a Q1 displacement gives as strain:
//    constant across a cell in x, exact to O(h^2) only at the cell centre) is recovered to
//    O(h^2) at every node, boundary nodes included: error <= 2.6 h^2 (linear extrapolation of
//    the centre values: (3/8) h^2 u''' + h^2/4 = 2.5 h^2) and order >= 1.9. The plain L2
//    projection of the same data is off by O(h) at the boundary (0.22 at h = 1/8, order 1):
//    the test fails if the recovery falls back to it.
#include <bmgfe/linear_algebra/backend.h>
#include <bmgfe/postprocess/quadrature_projection.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/quadrature_lib.h>
#include <deal.II/distributed/tria.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/fe/mapping_q1.h>
#include <deal.II/grid/grid_generator.h>

#include <gtest/gtest.h>

#include <cmath>
#include <functional>

using namespace dealii;
using LA = bmgfe::linear_algebra::Trilinos;

namespace
{
  /// Largest |recovered - exact| over the nodes of an n x n (x 2 in 3D) mesh of [0, 1]^dim, the
  /// data at the quadrature points given by data(cell, point).
  template <int dim>
  double recovery_error(
    const unsigned int n,
    const std::function<double(const typename Triangulation<dim>::active_cell_iterator &,
                               const Point<dim> &)>             &data,
    const std::function<double(const Point<dim> &)>              &exact)
  {
    parallel::distributed::Triangulation<dim> tria(MPI_COMM_WORLD);
    std::vector<unsigned int>                 cells(dim, n);
    if (dim == 3)
      cells[2] = 2;
    Point<dim> top;
    for (unsigned int d = 0; d < dim; ++d)
      top[d] = 1;
    GridGenerator::subdivided_hyper_rectangle(tria, cells, Point<dim>(), top);
    const MappingQ1<dim> mapping;
    const QGauss<dim>    rule(2);
    bmgfe::postprocess::QuadratureProjection<dim, LA> projection(tria, mapping, 1, rule);
    projection.setup();
    projection.begin(1);
    FEValues<dim> fv(mapping, projection.dof_handler().get_fe(), rule, update_quadrature_points);
    for (const auto &cell : tria.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          fv.reinit(cell);
          std::vector<double> values;
          for (const auto &x : fv.get_quadrature_points())
            values.push_back(data(cell, x));
          projection.add_cell(cell, values);
        }
    projection.finish();
    double worst = 0;
    for (const auto &cell : projection.dof_handler().active_cell_iterators())
      for (const auto v : cell->vertex_indices())
        worst = std::max(worst, std::abs(projection.field(0)[cell->vertex_dof_index(v, 0)] -
                                         exact(cell->vertex(v))));
    return worst;
  }
} // namespace

TEST(PatchRecovery, LinearDataExact)
{
  const auto f2 = [](const Point<2> &x) { return 1 + 2 * x[0] - 3 * x[1]; };
  EXPECT_LT((recovery_error<2>(
              5, [&](const auto &, const Point<2> &x) { return f2(x); }, f2)),
            1e-12);
  const auto f3 = [](const Point<3> &x) { return -1 + 2 * x[0] - 3 * x[1] + 0.5 * x[2]; };
  EXPECT_LT((recovery_error<3>(
              4, [&](const auto &, const Point<3> &x) { return f3(x); }, f3)),
            1e-12);
}

TEST(PatchRecovery, Q1StrainSecondOrderAtBoundaries)
{
  // d/dx of the Q1 interpolant of x^3 in the cell [a, b] x [c, d]: (b^3 - a^3) / (b - a).
  const auto strain = [](const Triangulation<2>::active_cell_iterator &cell, const Point<2> &) {
    double a = 1e9, b = -1e9;
    for (const auto v : cell->vertex_indices())
      a = std::min(a, cell->vertex(v)[0]), b = std::max(b, cell->vertex(v)[0]);
    return (b * b * b - a * a * a) / (b - a);
  };
  const auto   exact = [](const Point<2> &x) { return 3 * x[0] * x[0]; };
  const double e8    = recovery_error<2>(8, strain, exact);
  const double e16   = recovery_error<2>(16, strain, exact);
  std::cout << "largest nodal error: h = 1/8 " << e8 << ", h = 1/16 " << e16 << ", order "
            << std::log2(e8 / e16) << '\n';
  EXPECT_LE(e8, 2.6 / 64);
  EXPECT_LE(e16, 2.6 / 256);
  EXPECT_GE(std::log2(e8 / e16), 1.9);
}

int main(int argc, char **argv)
{
  Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
