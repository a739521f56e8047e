// A geometry added in a file of its own -- this one -- with BMGFE_REGISTER_GEOMETRY and no
// edit anywhere else: 'Geometry/Type' accepts it, its entries are declared, parsed and
// documented, and create_domain() builds and refines it.
#include <bmgfe/base/input_error.h>
#include <bmgfe/geometry/geometry.h>
#include <bmgfe/geometry/geometry_model.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/distributed/tria.h>
#include <deal.II/grid/grid_generator.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>

using namespace dealii;

namespace bmgfe
{
  /// A square (2D) or cube (3D) of side 'Square side', corner at the origin.
  class SquareGeometry : public GeometryModelBase<SquareGeometry>
  {
  public:
    static void declare_parameters(ParameterHandler &prm)
    {
      prm.declare_entry("Square side", "1e-3", Patterns::Double(0), "Side of the square [m].");
    }
    void parse_parameters(ParameterHandler &prm, GeometryParameters &) override
    {
      side = prm.get_double("Square side");
      require(side > 0, "entry 'Geometry/Square side'", "must be positive");
    }
    template <int dim>
    DomainInfo<dim> build(const GeometryParameters &, Kinematics,
                          parallel::distributed::Triangulation<dim> &tria) const
    {
      GridGenerator::hyper_cube(tria, 0, side);
      DomainInfo<dim> info;
      info.description = "square";
      return info;
    }
    double side = 0;
  };

  BMGFE_REGISTER_GEOMETRY(SquareGeometry, "square", "a square of 'Square side'.")
} // namespace bmgfe

TEST(GeometryPlugin, RegisteredFromItsOwnFile)
{
  bool found = false;
  for (const auto &g : bmgfe::registered_geometries())
    found = found || g.name == "square";
  EXPECT_TRUE(found);
  EXPECT_EQ(bmgfe::registered_geometries().size(), 6u); // and the five built-in ones

  ParameterHandler prm;
  bmgfe::GeometryParameters::declare_parameters(prm);
  std::ostringstream out;
  prm.print_parameters(out, ParameterHandler::PRM);
  EXPECT_NE(out.str().find("square: a square"), std::string::npos);
  EXPECT_NE(out.str().find("set Square side"), std::string::npos);

  prm.parse_input_from_string("subsection Geometry\n  set Type = square\n"
                              "  set Square side = 2e-3\n  set Global refinement = 2\nend\n");
  bmgfe::GeometryParameters g;
  g.parse_parameters(prm, "");
  EXPECT_EQ(g.type, bmgfe::GeometryParameters::Type::other);
  EXPECT_EQ(g.type_name, "square");
  parallel::distributed::Triangulation<2> tria(MPI_COMM_WORLD);
  const auto info = bmgfe::create_domain(g, bmgfe::Kinematics::plane_strain, tria);
  EXPECT_EQ(info.description, "square");
  EXPECT_FALSE(info.rod);
  EXPECT_EQ(tria.n_global_active_cells(), 16u);
  double xmax = 0;
  for (const auto &v : tria.get_vertices())
    xmax = std::max(xmax, v[0]);
  EXPECT_DOUBLE_EQ(xmax, 2e-3);
}

int main(int argc, char **argv)
{
  Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
