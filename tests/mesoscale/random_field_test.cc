// The random field where the mesoscale scenarios resolve it (doc/model.md "Mesoscale
// heterogeneity"): g at the quadrature points of the refined strip of a rod cross-section (the
// geometry of as_cast_vit1_mesoscale.prm, l_c = 10 um) has mean 0, variance 1 and
// correlation length l_c within 5 %: the JxW-weighted statistics over the strip, pooled over
// 8 seeds (the strip holds ~150 x 15 correlation areas per seed); the correlation length from
// the mean squared x-derivative, E[(dg/dx)^2] = 1 / l_c^2 for the squared-exponential
// covariance (central differences of g, h = l_c / 1000). Own main(): MPI (also on 2 ranks).
#include <bmgfe/base/kinematics.h>
#include <bmgfe/geometry/geometry.h>
#include <bmgfe/materials/random_field.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/quadrature_lib.h>
#include <deal.II/distributed/tria.h>
#include <deal.II/fe/fe_nothing.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/fe/mapping_q.h>

#include <gtest/gtest.h>

#include <cmath>
#include <iostream>

using namespace dealii;

TEST(Mesoscale, RandomFieldOnTheRefinedStrip)
{
  ParameterHandler prm;
  bmgfe::GeometryParameters::declare_parameters(prm);
  prm.parse_input_from_string("subsection Geometry\n  set Type = rod\n  set Rod radius = 1.5e-3\n"
                              "  set Mesh size = 1.5e-4\n"
                              "  set Refinement regions = -7.5e-5, -7.5e-5, 1.5e-3, 7.5e-5: 6e-6\nend\n");
  bmgfe::GeometryParameters geometry;
  geometry.parse_parameters(prm, "");
  parallel::distributed::Triangulation<2> tria(MPI_COMM_WORLD);
  bmgfe::create_domain(geometry, bmgfe::Kinematics::generalized_plane_strain, tria);

  const double   l = 1e-5, h = l / 1000;
  MappingQ<2>    mapping(1);
  FE_Nothing<2>  fe;
  QGauss<2>      quadrature(2);
  FEValues<2>    fv(mapping, fe, quadrature, update_quadrature_points | update_JxW_values);
  double         w = 0, m1 = 0, m2 = 0, d2 = 0;
  for (unsigned int seed = 1; seed <= 8; ++seed)
    {
      const bmgfe::RandomField g(bmgfe::RandomField::Covariance::squared_exponential, l, 1000, seed);
      for (const auto &cell : tria.active_cell_iterators())
        if (cell->is_locally_owned() && std::abs(cell->center()[1]) < 7.5e-5 && cell->center()[0] > -7.5e-5)
          {
            fv.reinit(cell);
            for (unsigned int q = 0; q < quadrature.size(); ++q)
              {
                const Point<2> &p = fv.quadrature_point(q);
                const double    v = g.value({{p[0], p[1], 0}});
                const double    dx =
                  (g.value({{p[0] + h, p[1], 0}}) - g.value({{p[0] - h, p[1], 0}})) / (2 * h);
                w += fv.JxW(q);
                m1 += fv.JxW(q) * v;
                m2 += fv.JxW(q) * v * v;
                d2 += fv.JxW(q) * dx * dx;
              }
          }
    }
  w  = Utilities::MPI::sum(w, MPI_COMM_WORLD);
  m1 = Utilities::MPI::sum(m1, MPI_COMM_WORLD) / w;
  m2 = Utilities::MPI::sum(m2, MPI_COMM_WORLD) / w;
  d2 = Utilities::MPI::sum(d2, MPI_COMM_WORLD) / w;
  const double variance = m2 - m1 * m1;
  const double length   = std::sqrt(variance / d2);
  std::cout << "refined strip, 8 seeds: mean " << m1 << ", variance " << variance
            << ", correlation length " << length / l << " l_c\n";
  EXPECT_NEAR(m1, 0, 0.05);
  EXPECT_NEAR(variance, 1, 0.05);
  EXPECT_NEAR(length / l, 1, 0.05);
}


int main(int argc, char **argv)
{
  Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
