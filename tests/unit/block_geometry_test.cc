// Built-in geometry 'block' (Geometry/Type = block): a rectangle (2D planar) or box (3D)
// with the load axis last, boundary ids 1 lateral, 2 bottom, 3 top; refused for
// axisymmetric models. Small serial meshes (own main(): MPI is initialised), plus
// `bmgfe --validate` and `--print-parameters` with the new entries.
#include <bmgfe/base/input_error.h>
#include <bmgfe/geometry/geometry.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/distributed/tria.h>

#include <bmgfe_test_support.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <string>

using namespace dealii;
using bmgfe::GeometryParameters;
using bmgfe::InputError;
using bmgfe::Kinematics;

namespace
{
  GeometryParameters parse_geometry(const std::string &body)
  {
    ParameterHandler prm;
    GeometryParameters::declare_parameters(prm);
    prm.parse_input_from_string("subsection Geometry\n" + body + "end\n");
    GeometryParameters g;
    g.parse_parameters(prm, "");
    return g;
  }

  /// Boundary measure per id, and the extreme load-axis coordinates of each id's faces.
  template <int dim>
  struct BoundaryData
  {
    std::map<unsigned int, double> measure;
    std::map<unsigned int, double> min_axis, max_axis;
  };

  template <int dim>
  BoundaryData<dim> boundary_data(const Triangulation<dim> &tria)
  {
    BoundaryData<dim> b;
    for (const auto &cell : tria.active_cell_iterators())
      for (const auto f : cell->face_indices())
        if (cell->face(f)->at_boundary())
          {
            const unsigned int id = cell->face(f)->boundary_id();
            const double       z  = cell->face(f)->center()[dim - 1];
            b.measure[id] += cell->face(f)->measure();
            b.min_axis[id] = b.min_axis.count(id) ? std::min(b.min_axis[id], z) : z;
            b.max_axis[id] = b.max_axis.count(id) ? std::max(b.max_axis[id], z) : z;
          }
    return b;
  }
} // namespace

TEST(BlockGeometry, ParametersAndDefaults)
{
  const GeometryParameters g = parse_geometry("  set Type = block\n");
  EXPECT_EQ(g.type, GeometryParameters::Type::block);
  EXPECT_DOUBLE_EQ(g.block_width, 3e-3);
  EXPECT_DOUBLE_EQ(g.block_height, 6e-3);
  EXPECT_DOUBLE_EQ(g.block_depth, 3e-3);
  const GeometryParameters h = parse_geometry("  set Type = block\n  set Block width = 1e-3\n"
                                              "  set Block height = 4e-3\n  set Block depth = 2e-3\n");
  EXPECT_DOUBLE_EQ(h.block_width, 1e-3);
  EXPECT_DOUBLE_EQ(h.block_height, 4e-3);
  EXPECT_DOUBLE_EQ(h.block_depth, 2e-3);
  EXPECT_THROW(parse_geometry("  set Type = block\n  set Block height = 0\n"), InputError);
  // A zero block size does not matter for other types.
  EXPECT_NO_THROW(parse_geometry("  set Type = rod\n  set Block height = 0\n"));
}

TEST(BlockGeometry, Rectangle2D)
{
  GeometryParameters g = parse_geometry("  set Type = block\n");
  parallel::distributed::Triangulation<2> tria(MPI_COMM_WORLD);
  const auto info = bmgfe::create_domain(g, Kinematics::plane_strain, tria);
  // Default mesh size W/8: 8 x 16 cells of 0.375 mm.
  EXPECT_EQ(tria.n_global_active_cells(), 8u * 16u);
  const auto b = boundary_data(tria);
  ASSERT_EQ(b.measure.size(), 3u);
  EXPECT_NEAR(b.measure.at(1), 2 * 6e-3, 1e-15);
  EXPECT_NEAR(b.measure.at(2), 3e-3, 1e-15);
  EXPECT_NEAR(b.measure.at(3), 3e-3, 1e-15);
  EXPECT_NEAR(b.max_axis.at(2), 0, 1e-18);
  EXPECT_NEAR(b.min_axis.at(3), 6e-3, 1e-18);
  // Lower corner (-W/2, 0), upper (W/2, H).
  double xmin = 1, xmax = -1, ymin = 1, ymax = -1;
  for (const auto &v : tria.get_vertices())
    {
      xmin = std::min(xmin, v[0]), xmax = std::max(xmax, v[0]);
      ymin = std::min(ymin, v[1]), ymax = std::max(ymax, v[1]);
    }
  EXPECT_NEAR(xmin, -1.5e-3, 1e-18);
  EXPECT_NEAR(xmax, 1.5e-3, 1e-18);
  EXPECT_NEAR(ymin, 0, 1e-18);
  EXPECT_NEAR(ymax, 6e-3, 1e-18);
  ASSERT_EQ(info.default_probes.size(), 2u);
  EXPECT_EQ(info.default_probes[0].first, "centre");
  EXPECT_NEAR(info.default_probes[0].second.distance(Point<2>(0, 3e-3)), 0, 1e-18);
  EXPECT_EQ(info.default_probes[1].first, "surface");
  EXPECT_NEAR(info.default_probes[1].second.distance(Point<2>(1.5e-3, 3e-3)), 0, 1e-18);
  EXPECT_FALSE(info.description.empty());
  EXPECT_EQ(info.radius, 0);
  EXPECT_EQ(info.half_thickness, 0);
}

TEST(BlockGeometry, Box3DWithMeshSize)
{
  GeometryParameters g = parse_geometry("  set Type = block\n  set Block depth = 2e-3\n"
                                        "  set Mesh size = 1e-3\n");
  parallel::distributed::Triangulation<3> tria(MPI_COMM_WORLD);
  const auto info = bmgfe::create_domain(g, Kinematics::three_dimensional, tria);
  EXPECT_EQ(tria.n_global_active_cells(), 3u * 2u * 6u);
  const auto b = boundary_data(tria);
  ASSERT_EQ(b.measure.size(), 3u);
  EXPECT_NEAR(b.measure.at(1), 2 * (3e-3 + 2e-3) * 6e-3, 1e-15);
  EXPECT_NEAR(b.measure.at(2), 3e-3 * 2e-3, 1e-15);
  EXPECT_NEAR(b.measure.at(3), 3e-3 * 2e-3, 1e-15);
  EXPECT_NEAR(b.max_axis.at(2), 0, 1e-18);
  EXPECT_NEAR(b.min_axis.at(3), 6e-3, 1e-18);
  // The lateral faces span the whole height.
  EXPECT_NEAR(b.min_axis.at(1), 0.5e-3, 1e-15);
  EXPECT_NEAR(b.max_axis.at(1), 5.5e-3, 1e-15);
  ASSERT_EQ(info.default_probes.size(), 2u);
  EXPECT_NEAR(info.default_probes[0].second.distance(Point<3>(0, 0, 3e-3)), 0, 1e-18);
  EXPECT_NEAR(info.default_probes[1].second.distance(Point<3>(1.5e-3, 0, 3e-3)), 0, 1e-18);
}

TEST(BlockGeometry, AxisymmetricIsRefused)
{
  GeometryParameters g = parse_geometry("  set Type = block\n");
  parallel::distributed::Triangulation<2> tria(MPI_COMM_WORLD);
  try
    {
      bmgfe::create_domain(g, Kinematics::axisymmetric, tria);
      ADD_FAILURE() << "an axisymmetric block was accepted";
    }
  catch (const InputError &e)
    {
      const std::string what = e.what();
      EXPECT_NE(what.find("entry 'Geometry/Type'"), std::string::npos) << what;
      EXPECT_NE(what.find("rod"), std::string::npos) << what;
    }
}

namespace
{
  std::string block_prm(const std::string &dimension_and_kinematics)
  {
    return dimension_and_kinematics +
           "set Verbosity = quiet\n"
           "set Output directory = out_block_geometry\n"
           "subsection Geometry\n"
           "  set Type = block\n"
           "  set Mesh size = 1e-3\n"
           "end\n"
           "subsection Thermal protocol\n"
           "  set Sequence = hold\n"
           "  subsection hold\n"
           "    set Duration = 1 s\n"
           "  end\n"
           "end\n"
           "subsection Heat\n"
           "  subsection Boundary conditions\n"
           "    set Insulated boundary ids = 1, 2, 3\n"
           "  end\n"
           "end\n"
           "subsection Mechanics\n"
           "  set Enabled = true\n"
           "  subsection Boundary conditions\n"
           "    set Fixed components = 2: " +
           std::string(dimension_and_kinematics.find("3") != std::string::npos ? "z" : "y") +
           "\n"
           "    set Point constraints = " +
           std::string(dimension_and_kinematics.find("3") != std::string::npos ?
                         "(0, 0, 0): x, y; (1.5e-3, 0, 0): y" :
                         "(0, 0): x") +
           "\n"
           "  end\n"
           "end\n";
  }
} // namespace

TEST(BlockGeometry, ValidateAndPrintParameters)
{
  for (const std::string &head :
       {std::string("set Dimension = 2\nset Kinematics = plane strain\n"),
        std::string("set Dimension = 3\n")})
    {
      const std::string file = "block_geometry_validate.prm";
      std::ofstream(file) << block_prm(head);
      const auto r = bmgfe_test::run_bmgfe({"--validate", file});
      EXPECT_EQ(r.exit_code, 0) << head << r.output;
      EXPECT_NE(r.output.find("is valid"), std::string::npos) << r.output;
    }
  // Axisymmetric: one error line naming the entry.
  {
    const std::string file = "block_geometry_axisymmetric.prm";
    std::ofstream(file) << block_prm("set Dimension = 2\nset Kinematics = axisymmetric\n");
    const auto r = bmgfe_test::run_bmgfe({"--validate", file});
    EXPECT_NE(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("bmgfe: error:"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("entry 'Geometry/Type'"), std::string::npos) << r.output;
  }
  const auto p = bmgfe_test::run_bmgfe({"--print-parameters"});
  EXPECT_EQ(p.exit_code, 0) << p.output.substr(0, 500);
  for (const char *entry : {"set Block width", "set Block height", "set Block depth",
                            "subsection Loading programme", "set Segments",
                            "set Initial free volume perturbation"})
    EXPECT_NE(p.output.find(entry), std::string::npos) << entry;
}

int main(int argc, char **argv)
{
  Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
