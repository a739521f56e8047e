// Geometries: the registry (geometry_model.h), the rod axis (rod_axis.h), the axis of the
// built-in rods and of mesh files declared rods (meshes/notched_rod.geo, meshed
// by gmsh here), and the one-line input error of a radius that contradicts the mesh.
// Own main(): MPI is initialised; the mesh tests also run on 2 ranks (bmgfe_geometry_mpi).
#include <bmgfe/base/input_error.h>
#include <bmgfe/geometry/geometry.h>
#include <bmgfe/geometry/geometry_model.h>
#include <bmgfe/geometry/rod_axis.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/distributed/tria.h>
#include <deal.II/fe/mapping_q.h>
#include <deal.II/grid/grid_tools.h>

#include <bmgfe_test_support.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace dealii;
using bmgfe::CylindricalBasis;
using bmgfe::GeometryParameters;
using bmgfe::InputError;
using bmgfe::Kinematics;
using bmgfe::RodAxis;

namespace
{
  const std::string meshes = std::string(BMGFE_SOURCE_DIR) + "/meshes/";

  GeometryParameters parse_geometry(const std::string &body)
  {
    ParameterHandler prm;
    GeometryParameters::declare_parameters(prm);
    prm.parse_input_from_string("subsection Geometry\n" + body + "end\n");
    GeometryParameters g;
    g.parse_parameters(prm, "");
    return g;
  }

  template <int dim>
  bmgfe::DomainInfo<dim> domain(const std::string &body, const Kinematics kin)
  {
    parallel::distributed::Triangulation<dim> tria(MPI_COMM_WORLD);
    return bmgfe::create_domain(parse_geometry(body), kin, tria);
  }

  /// The message of the InputError that `f` throws ("" and a test failure if none).
  template <typename F>
  std::string input_error(F f)
  {
    try
      {
        f();
      }
    catch (const InputError &e)
      {
        return e.what();
      }
    ADD_FAILURE() << "no InputError";
    return "";
  }

  bool contains(const std::string &text, const std::string &part)
  {
    return text.find(part) != std::string::npos;
  }

  void expect_vector(const Tensor<1, 3> &actual, const Tensor<1, 3> &expected, const double tol,
                     const std::string &what)
  {
    EXPECT_LE((actual - expected).norm(), tol) << what << ": " << actual << " != " << expected;
  }

  /// The domain is a rod with this axis; DomainInfo::radius agrees.
  template <int dim>
  void expect_rod(const bmgfe::DomainInfo<dim> &info, const Tensor<1, 3> &point,
                  const Tensor<1, 3> &direction, const double radius, const double length)
  {
    ASSERT_TRUE(info.rod);
    expect_vector(info.rod->point, point, 1e-12 * (1 + point.norm()), "point");
    expect_vector(info.rod->direction, direction, 1e-15, "direction");
    EXPECT_NEAR(info.rod->radius, radius, 1e-12 * radius);
    EXPECT_NEAR(info.rod->length, length, 1e-12 * radius);
    EXPECT_EQ(info.radius, info.rod->radius);
  }

  /// Largest |distance from the axis - R| / R over the vertices of boundary faces of `id`
  /// (locally owned cells, reduced over the ranks).
  template <int dim>
  double off_surface(const parallel::distributed::Triangulation<dim> &tria, const RodAxis &axis,
                     const types::boundary_id id)
  {
    double worst = 0;
    for (const auto &cell : tria.active_cell_iterators())
      if (cell->is_locally_owned())
        for (const auto f : cell->face_indices())
          if (cell->face(f)->at_boundary() && cell->face(f)->boundary_id() == id)
            for (const auto v : cell->face(f)->vertex_indices())
              worst = std::max(worst, std::abs(axis.radial_distance(cell->face(f)->vertex(v)) -
                                               axis.radius) / axis.radius);
    return Utilities::MPI::max(worst, MPI_COMM_WORLD);
  }

  const std::string notched_rod = "  set Type = gmsh\n"
                                  "  set Mesh file = " + meshes + "notched_rod.geo\n"
                                  "  set Mesh rod axis direction = 0, 1\n";
} // namespace

// ---------------------------------------------------------------------------------------
// Registry

TEST(GeometryRegistry, ListsTheBuiltInGeometries)
{
  std::vector<std::string> names;
  for (const auto &g : bmgfe::registered_geometries())
    {
      names.push_back(g.name);
      EXPECT_FALSE(g.documentation.empty()) << g.name;
      EXPECT_TRUE(g.create_model() != nullptr) << g.name;
    }
  // Nothing in this test refers to the geometries' object files: they are here only because
  // bmgfe_core is linked whole.
  EXPECT_EQ(names, (std::vector<std::string>{"block", "gmsh", "notched rod", "plate", "rod"}));
}

TEST(GeometryRegistry, RefusesUnknownNamesWithTheKnownOnes)
{
  const std::string what = input_error([] { bmgfe::find_geometry("sphere"); });
  EXPECT_TRUE(contains(what, "entry 'Geometry/Type'")) << what;
  EXPECT_TRUE(contains(what, "'sphere'")) << what;
  EXPECT_TRUE(contains(what, "block, gmsh, notched rod, plate, rod")) << what;
  EXPECT_EQ(bmgfe::find_geometry("plate").name, "plate");
  // A second registration under a taken name is a programming error.
  EXPECT_THROW(bmgfe::register_geometry(bmgfe::find_geometry("rod")), std::logic_error);
}

TEST(GeometryRegistry, ParametersDocumentEveryGeometry)
{
  ParameterHandler prm;
  GeometryParameters::declare_parameters(prm);
  std::ostringstream out;
  prm.print_parameters(out, ParameterHandler::PRM);
  // The help as one line (the printer wraps it into '#' comment lines).
  const std::string text = std::regex_replace(out.str(), std::regex("\\s*\\n\\s*#?\\s*"), " ");
  for (const char *part :
       {"rod: a cylinder", "plate: thickness", "block: a rectangle", "gmsh: 'Mesh file'",
        "set Rod radius", "set Rod length", "set Plate width",
        "set Plate thickness", "set Block width", "set Block height", "set Block depth",
        "set Mesh size", "set Mesh file", "set Mesh scaling", "set Mesh rod axis direction",
        "set Mesh rod axis point", "set Mesh rod radius", "set Global refinement",
        "set Boundary refinement", "set Boundary refinement ids", "notched rod: a rod",
        "set Notch root diameter", "set Notch width", "set Notch root radius",
        "set Notch positions", "set Notch mesh size"})
    EXPECT_TRUE(contains(text, part)) << part;
  // 'Type' accepts the registered names only.
  for (const char *type : {"rod", "plate", "block", "gmsh", "notched rod"})
    EXPECT_NO_THROW(prm.parse_input_from_string(std::string("subsection Geometry\n  set Type = ") +
                                                type + "\nend\n"))
      << type;
  EXPECT_ANY_THROW(prm.parse_input_from_string("subsection Geometry\n  set Type = sphere\nend\n"));
  // The executable documents them too.
  const auto r = bmgfe_test::run_bmgfe({"--print-parameters"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char *part : {"set Mesh rod axis direction", "set Mesh rod radius", "rod: a"})
    EXPECT_TRUE(contains(r.output, part)) << part;
}

TEST(GeometryRegistry, ParsingChoosesTheModel)
{
  const GeometryParameters g = parse_geometry("  set Type = plate\n  set Plate width = 4e-3\n");
  EXPECT_EQ(g.type, GeometryParameters::Type::plate);
  EXPECT_EQ(g.type_name, "plate");
  ASSERT_NE(g.model, nullptr);
  EXPECT_DOUBLE_EQ(g.plate_width, 4e-3);
  // Built-in geometries set up in code, without parsing, still work.
  GeometryParameters h;
  h.type       = GeometryParameters::Type::rod;
  h.rod_radius = 1e-3;
  parallel::distributed::Triangulation<2> tria(MPI_COMM_WORLD);
  const auto info = bmgfe::create_domain(h, Kinematics::axisymmetric, tria);
  ASSERT_TRUE(info.rod);
  EXPECT_DOUBLE_EQ(info.rod->radius, 1e-3);
}

// ---------------------------------------------------------------------------------------
// RodAxis

TEST(RodAxis, DistanceAndAxialCoordinate)
{
  RodAxis a;
  a.point     = Point<3>(1, 2, 3);
  a.direction = Tensor<1, 3>({0, 0, 2}); // not a unit vector: the helpers normalise it
  EXPECT_NEAR(a.radial_distance(Point<3>(4, 6, -5)), 5, 1e-14);
  EXPECT_NEAR(a.axial_coordinate(Point<3>(4, 6, -5)), -8, 1e-14);
  // Oblique axis through the origin.
  RodAxis b;
  b.direction = Tensor<1, 3>({1, 1, 0});
  EXPECT_NEAR(b.radial_distance(Point<3>(1, 0, 0)), std::sqrt(0.5), 1e-15);
  EXPECT_NEAR(b.axial_coordinate(Point<3>(1, 0, 0)), std::sqrt(0.5), 1e-15);
  EXPECT_NEAR(b.radial_distance(Point<3>(2, 2, 0)), 0, 1e-15);
  EXPECT_NEAR(b.radial_distance(Point<3>(0, 0, 3)), 3, 1e-15);
  // 2D points are (x, y, 0): the axis r = 0 of an axisymmetric model.
  RodAxis c;
  c.direction = Tensor<1, 3>({0, 1, 0});
  EXPECT_NEAR(c.radial_distance(Point<2>(0.7, 5)), 0.7, 1e-15);
  EXPECT_NEAR(c.axial_coordinate(Point<2>(0.7, 5)), 5, 1e-15);
  EXPECT_EQ(RodAxis::to_model_3d(Point<2>(1, 2)), Point<3>(1, 2, 0));
}

TEST(RodAxis, CylindricalBasisIsOrthonormalAndRightHanded)
{
  std::vector<RodAxis> axes(3);
  axes[0].direction = Tensor<1, 3>({0, 0, 1});
  axes[1].point     = Point<3>(0.3, -0.2, 0.1);
  axes[1].direction = Tensor<1, 3>({1, 2, 2});
  axes[2].point     = Point<3>(0, 0, 0);
  axes[2].direction = Tensor<1, 3>({0, -1, 0});
  for (const auto &a : axes)
    for (const Point<3> &x : {Point<3>(1, 0, 0), Point<3>(0.4, 2, -1), Point<3>(-3, 0.5, 7)})
      {
        const CylindricalBasis b = a.cylindrical_basis(x);
        EXPECT_NEAR(b.e_r.norm(), 1, 1e-14);
        EXPECT_NEAR(b.e_theta.norm(), 1, 1e-14);
        EXPECT_NEAR(b.e_z.norm(), 1, 1e-14);
        EXPECT_NEAR(b.e_r * b.e_theta, 0, 1e-14);
        EXPECT_NEAR(b.e_r * b.e_z, 0, 1e-14);
        EXPECT_NEAR(b.e_theta * b.e_z, 0, 1e-14);
        expect_vector(cross_product_3d(b.e_r, b.e_theta), b.e_z, 1e-14, "e_r x e_theta");
        expect_vector(b.e_z, a.direction / a.direction.norm(), 1e-14, "e_z");
        // e_r points from the axis to x: x = foot + r e_r.
        const Point<3> foot = a.point + a.axial_coordinate(x) * b.e_z;
        expect_vector(x - foot, a.radial_distance(x) * b.e_r, 1e-13, "x - foot");
      }
  // The z axis: at (0, 2, 0) e_r = y, e_theta = -x.
  const CylindricalBasis b = axes[0].cylindrical_basis(Point<3>(0, 2, 5));
  expect_vector(b.e_r, Tensor<1, 3>({0, 1, 0}), 1e-15, "e_r");
  expect_vector(b.e_theta, Tensor<1, 3>({-1, 0, 0}), 1e-15, "e_theta");
}

TEST(RodAxis, BasisOnTheAxis)
{
  RodAxis z;
  z.direction = Tensor<1, 3>({0, 0, 1});
  z.radius    = 1e-3;
  CylindricalBasis b = z.cylindrical_basis(Point<3>(0, 0, 4e-3));
  expect_vector(b.e_r, Tensor<1, 3>({1, 0, 0}), 0, "z axis: e_r");
  expect_vector(b.e_theta, Tensor<1, 3>({0, 1, 0}), 0, "z axis: e_theta");
  // Along x the least aligned coordinate vectors are y and z: y (the first).
  RodAxis x;
  x.direction = Tensor<1, 3>({1, 0, 0});
  b           = x.cylindrical_basis(Point<3>(3, 0, 0));
  expect_vector(b.e_r, Tensor<1, 3>({0, 1, 0}), 0, "x axis: e_r");
  expect_vector(b.e_theta, Tensor<1, 3>({0, 0, 1}), 0, "x axis: e_theta");
  // The axis r = 0 of an axisymmetric model: e_r = (1, 0, 0), the limit r -> 0+, and
  // e_theta = (0, 0, -1).
  RodAxis r;
  r.direction = Tensor<1, 3>({0, 1, 0});
  r.radius    = 1e-3;
  for (const Point<2> &p : {Point<2>(0, 2e-3), Point<2>(1e-9, 2e-3), Point<2>(1e-3, 0)})
    {
      b = r.cylindrical_basis(p);
      expect_vector(b.e_r, Tensor<1, 3>({1, 0, 0}), 1e-15, "axisymmetric: e_r");
      expect_vector(b.e_z, Tensor<1, 3>({0, 1, 0}), 1e-15, "axisymmetric: e_z");
      expect_vector(b.e_theta, Tensor<1, 3>({0, 0, -1}), 1e-15, "axisymmetric: e_theta");
    }
  // An oblique axis: still an orthonormal, right-handed basis on it.
  RodAxis o;
  o.direction = Tensor<1, 3>({1, 2, 2});
  b           = o.cylindrical_basis(Point<3>(1, 2, 2));
  EXPECT_NEAR(b.e_r.norm(), 1, 1e-14);
  EXPECT_NEAR(b.e_r * b.e_z, 0, 1e-14);
  expect_vector(cross_product_3d(b.e_r, b.e_theta), b.e_z, 1e-14, "oblique: e_r x e_theta");
}

// ---------------------------------------------------------------------------------------
// Built-in geometries

TEST(BuiltInRod, ThreeDimensional)
{
  const std::string body = "  set Type = rod\n  set Rod radius = 1e-3\n  set Rod length = 4e-3\n"
                           "  set Mesh size = 5e-4\n  set Global refinement = 1\n";
  parallel::distributed::Triangulation<3> tria(MPI_COMM_WORLD);
  const auto info = bmgfe::create_domain(parse_geometry(body), Kinematics::three_dimensional, tria);
  expect_rod(info, Tensor<1, 3>(), Tensor<1, 3>({0, 0, 1}), 1e-3, 4e-3);
  ASSERT_TRUE(info.rod);
  // The refined lateral surface is still on the cylinder (its manifold comes from the axis).
  EXPECT_LT(off_surface(tria, *info.rod, 1), 1e-12);
  EXPECT_NEAR(info.rod->radial_distance(info.default_probes[1].second), 1e-3, 1e-18);
}

TEST(BuiltInRod, Axisymmetric)
{
  const auto info = domain<2>("  set Type = rod\n  set Rod radius = 2e-3\n  set Rod length = 5e-3\n",
                              Kinematics::axisymmetric);
  expect_rod(info, Tensor<1, 3>(), Tensor<1, 3>({0, 1, 0}), 2e-3, 5e-3);
  ASSERT_TRUE(info.rod);
  EXPECT_EQ(info.rod->radial_distance(info.default_probes[0].second), 0);
  EXPECT_DOUBLE_EQ(info.rod->axial_coordinate(info.default_probes[0].second), 2.5e-3);
}

TEST(BuiltInRod, PlanarCrossSection)
{
  const std::string body = "  set Type = rod\n  set Rod radius = 1.5e-3\n  set Global refinement = 2\n";
  parallel::distributed::Triangulation<2> tria(MPI_COMM_WORLD);
  const auto info = bmgfe::create_domain(parse_geometry(body), Kinematics::plane_strain, tria);
  expect_rod(info, Tensor<1, 3>(), Tensor<1, 3>({0, 0, 1}), 1.5e-3, 0);
  ASSERT_TRUE(info.rod);
  EXPECT_LT(off_surface(tria, *info.rod, 1), 1e-12);
}

TEST(BuiltInGeometries, PlatesAndBlocksAreNoRods)
{
  const auto plate = domain<2>("  set Type = plate\n", Kinematics::axisymmetric);
  EXPECT_FALSE(plate.rod);
  EXPECT_EQ(plate.radius, 0);
  EXPECT_DOUBLE_EQ(plate.half_thickness, 1e-3);
  const auto block = domain<3>("  set Type = block\n  set Mesh size = 1e-3\n",
                               Kinematics::three_dimensional);
  EXPECT_FALSE(block.rod);
}

// ---------------------------------------------------------------------------------------
// Mesh files declared rods

TEST(MeshFileRod, NotchedAxisymmetricRadiusFromTheMesh)
{
  parallel::distributed::Triangulation<2> tria(MPI_COMM_WORLD);
  const auto info = bmgfe::create_domain(parse_geometry(notched_rod + "  set Mesh rod radius = auto\n"),
                                         Kinematics::axisymmetric, tria);
  expect_rod(info, Tensor<1, 3>(), Tensor<1, 3>({0, 1, 0}), 2.25e-3, 9e-3);
  EXPECT_TRUE(contains(info.description, "a rod of radius 0.00225")) << info.description;
  // Probes: on the axis at mid-length (the notch plane), and where the radius from there
  // leaves the mesh: the notch root (r = R would lie outside, in the notch).
  EXPECT_LT(info.default_probes[0].second.distance(Point<2>(0, 4.5e-3)), 1e-15);
  EXPECT_LT(info.default_probes[1].second.distance(Point<2>(1.25e-3, 4.5e-3)), 1e-12)
    << info.default_probes[1].second;
  // The mesh: physical groups as boundary ids, the notch root at r = 1.25 mm.
  std::set<unsigned int> ids;
  double                 root = 1;
  for (const auto &cell : tria.active_cell_iterators())
    if (cell->is_locally_owned())
      for (const auto f : cell->face_indices())
        if (cell->face(f)->at_boundary())
          {
            ids.insert(cell->face(f)->boundary_id());
            if (cell->face(f)->boundary_id() == 1)
              for (const auto v : cell->face(f)->vertex_indices())
                root = std::min(root, cell->face(f)->vertex(v)[0]);
          }
  root = Utilities::MPI::min(root, MPI_COMM_WORLD);
  EXPECT_NEAR(root, 1.25e-3, 1e-12);
  if (Utilities::MPI::n_mpi_processes(MPI_COMM_WORLD) == 1)
    {
      EXPECT_EQ(ids, (std::set<unsigned int>{0, 1, 2, 3}));
    }
  // 0 means 'auto' too.
  EXPECT_NEAR(domain<2>(notched_rod + "  set Mesh rod radius = 0\n", Kinematics::axisymmetric)
                .rod->radius,
              2.25e-3, 1e-15);
}

TEST(MeshFileRod, ExplicitRadiusWithinOnePercentOfTheMesh)
{
  const auto info = domain<2>(notched_rod + "  set Mesh rod radius = 2.26e-3\n",
                              Kinematics::axisymmetric);
  ASSERT_TRUE(info.rod);
  EXPECT_DOUBLE_EQ(info.rod->radius, 2.26e-3);
  EXPECT_DOUBLE_EQ(info.radius, 2.26e-3);
  const std::string what = input_error(
    [] { domain<2>(notched_rod + "  set Mesh rod radius = 2.5e-3\n", Kinematics::axisymmetric); });
  EXPECT_TRUE(contains(what, "entry 'Geometry/Mesh rod radius'")) << what;
  EXPECT_TRUE(contains(what, "0.0025 m")) << what;
  EXPECT_TRUE(contains(what, "0.00225 m")) << what;
  EXPECT_TRUE(contains(input_error([] { parse_geometry(notched_rod + "  set Mesh rod radius = wide\n"); }),
                       "entry 'Geometry/Mesh rod radius'"));
}

TEST(MeshFileRod, ThreeDimensionalAxisPointMovesToTheEnd)
{
  // rod_3d.geo in mm (scaling 1e3): the given point lies half-way up, the direction points
  // down, so axial coordinate 0 is the top end.
  const auto info = domain<3>("  set Type = gmsh\n  set Mesh file = " + meshes + "rod_3d.geo\n"
                              "  set Mesh scaling = 1e3\n"
                              "  set Mesh rod axis point = 0, 0, 3\n"
                              "  set Mesh rod axis direction = 0, 0, -2\n",
                              Kinematics::three_dimensional);
  expect_rod(info, Tensor<1, 3>({0, 0, 6}), Tensor<1, 3>({0, 0, -1}), 1.5, 6);
  EXPECT_LT(info.default_probes[0].second.distance(Point<3>(0, 0, 3)), 1e-12);
  EXPECT_LT(info.default_probes[1].second.distance(Point<3>(1.5, 0, 3)), 1e-12);
}

TEST(MeshFileRod, PlanarCrossSectionGetsTheCircle)
{
  const std::string body = "  set Type = gmsh\n  set Mesh file = " + meshes + "rod_cross_section.geo\n"
                           "  set Mesh rod axis direction = 0, 0, 1\n  set Global refinement = 1\n";
  parallel::distributed::Triangulation<2> tria(MPI_COMM_WORLD);
  const auto info = bmgfe::create_domain(parse_geometry(body), Kinematics::plane_strain, tria);
  expect_rod(info, Tensor<1, 3>(), Tensor<1, 3>({0, 0, 1}), 1.5e-3, 0);
  ASSERT_TRUE(info.rod);
  // The refined circumference stays on the circle: the manifold follows the declared axis.
  EXPECT_LT(off_surface(tria, *info.rod, 1), 1e-12);
}

TEST(MeshFileRod, AxisMustFitTheKinematics)
{
  const std::string file = "  set Type = gmsh\n  set Mesh file = " + meshes + "rod_axisymmetric.geo\n";
  std::string what = input_error([&] {
    domain<2>(file + "  set Mesh rod axis direction = 0, 0, 1\n", Kinematics::axisymmetric);
  });
  EXPECT_TRUE(contains(what, "entry 'Geometry/Mesh rod axis direction'")) << what;
  EXPECT_TRUE(contains(what, "r = 0")) << what;
  what = input_error([&] {
    domain<2>(file + "  set Mesh rod axis direction = 0, 1\n  set Mesh rod axis point = 1e-3, 0\n",
              Kinematics::axisymmetric);
  });
  EXPECT_TRUE(contains(what, "entry 'Geometry/Mesh rod axis point'")) << what;
  what = input_error([&] {
    domain<2>(file + "  set Mesh rod axis direction = 0, 1\n", Kinematics::plane_strain);
  });
  EXPECT_TRUE(contains(what, "entry 'Geometry/Mesh rod axis direction'")) << what;
  EXPECT_TRUE(contains(what, "normal")) << what;
  what = input_error([&] {
    domain<2>(file + "  set Mesh rod axis direction = 0, 0\n", Kinematics::axisymmetric);
  });
  EXPECT_TRUE(contains(what, "zero vector")) << what;
  what = input_error([&] {
    domain<3>("  set Type = gmsh\n  set Mesh file = " + meshes + "rod_3d.geo\n"
              "  set Mesh rod axis direction = 0, 1\n",
              Kinematics::three_dimensional);
  });
  EXPECT_TRUE(contains(what, "needs 3 components")) << what;
  // Without a direction a mesh file is no rod.
  const auto info = domain<2>(file, Kinematics::axisymmetric);
  EXPECT_FALSE(info.rod);
  EXPECT_EQ(info.radius, 0);
}

TEST(MeshFile, DefaultProbesLieInTheMesh)
{
  // Not declared a rod: the centre of the bounding box, (1.125, 4.5) mm, and its +x side,
  // (2.25, 4.5) mm, which lies in the notch; the surface probe becomes the notch root.
  const auto info = domain<2>("  set Type = gmsh\n  set Mesh file = " + meshes +
                                "notched_rod.geo\n",
                              Kinematics::axisymmetric);
  EXPECT_FALSE(info.rod);
  EXPECT_LT(info.default_probes[0].second.distance(Point<2>(1.125e-3, 4.5e-3)), 1e-15);
  EXPECT_LT(info.default_probes[1].second.distance(Point<2>(1.25e-3, 4.5e-3)), 1e-12)
    << info.default_probes[1].second;
}

// bmgfe --validate: the wrong radius is one line naming the file, the line and the entry.
TEST(MeshFileRodValidate, WrongRadiusIsOneErrorLine)
{
  const auto prm = [](const std::string &radius) {
    return "set Dimension        = 2\n"
           "set Kinematics       = axisymmetric\n"
           "set Verbosity        = quiet\n"
           "set Output directory = out_geometry_validate\n"
           "subsection Geometry\n"
           "  set Type                    = gmsh\n"
           "  set Mesh file               = " + meshes + "notched_rod.geo\n"
           "  set Mesh rod axis direction = 0, 1\n"
           "  set Mesh rod radius         = " + radius + "\n" // line 9
           "end\n"
           // The profile line runs from the first probe outwards to R; from the default centre
           // (the notch plane) it would cross the notch, and PointProbes::initialize() does not
           // return from a point outside the mesh: probes away from the notch.
           "subsection Statistics\n"
           "  set Probe points = centre: 0, 2e-3; notch_root: 1.25e-3, 4.5e-3\n"
           "end\n"
           "subsection Thermal protocol\n"
           "  set Sequence = quench\n"
           "  subsection quench\n"
           "    set Duration = 1 s\n"
           "  end\n"
           "end\n"
           "subsection Heat\n"
           "  subsection Boundary conditions\n"
           "    set Robin boundary ids     = 1, 2, 3\n"
           "    set Insulated boundary ids = 0\n"
           "  end\n"
           "end\n";
  };
  const std::string good = "geometry_notched_rod.prm", bad = "geometry_notched_rod_bad.prm";
  std::ofstream(good) << prm("auto");
  std::ofstream(bad) << prm("2.5e-3");
  const auto ok = bmgfe_test::run_bmgfe({"--validate", good});
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_TRUE(contains(ok.output, "is valid")) << ok.output;
  const auto r = bmgfe_test::run_bmgfe({"--validate", bad});
  EXPECT_NE(r.exit_code, 0) << r.output;
  std::istringstream       lines(r.output);
  std::vector<std::string> nonempty;
  for (std::string line; std::getline(lines, line);)
    if (!line.empty())
      nonempty.push_back(line);
  ASSERT_EQ(nonempty.size(), 1u) << r.output;
  EXPECT_EQ(nonempty[0].rfind("bmgfe: error: " + bad + ":9: entry 'Geometry/Mesh rod radius': ", 0), 0u)
    << nonempty[0];
  EXPECT_TRUE(contains(nonempty[0], "0.0025 m")) << nonempty[0];
  EXPECT_TRUE(contains(nonempty[0], "0.00225 m")) << nonempty[0];
}

int main(int argc, char **argv)
{
  Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}

// ---------------------------------------------------------------------------------------
// Built-in notched rod (issue 15, seed 004): meshes/notched_rod.geo compiled in, meshed by gmsh

namespace
{
  /// Seed 004's specimen: Ø4.5 mm, L/D = 2, notch root diameter 2.5 mm, width 0.5 mm, root
  /// radius 0.25 mm (the entries' defaults) at mid-length.
  const std::string seed_notched_rod = "  set Type = notched rod\n"
                                       "  set Rod radius = 2.25e-3\n"
                                       "  set Rod length = 9e-3\n";

  /// Closed forms of one notch of root radius rn, width w, root radius rho in a rod of radius
  /// R: the area it removes from the r-z section (the slot from r = rn + rho outwards, the
  /// two quarter discs of the root and the flat root between them) and, by Pappus, the volume
  /// it removes from the rod (each part's area times 2 pi times the radius of its centroid).
  double notch_area(const double R, const double rn, const double w, const double rho)
  {
    return (R - rn - rho) * w + M_PI * rho * rho / 2 + rho * (w - 2 * rho);
  }

  double notch_volume(const double R, const double rn, const double w, const double rho)
  {
    const double a = rn + rho; // centre of the fillets
    return M_PI * (R * R - a * a) * w +                                   // slot
           2 * M_PI * (a - 4 * rho / (3 * M_PI)) * M_PI * rho * rho / 2 + // quarter discs
           2 * M_PI * (rn + rho / 2) * rho * (w - 2 * rho);               // flat root
  }

  template <int dim>
  double measure(const parallel::distributed::Triangulation<dim> &tria)
  {
    double sum = 0;
    for (const auto &cell : tria.active_cell_iterators())
      if (cell->is_locally_owned())
        sum += cell->measure();
    return Utilities::MPI::sum(sum, MPI_COMM_WORLD);
  }

  template <int dim>
  std::set<unsigned int> boundary_ids(const parallel::distributed::Triangulation<dim> &tria)
  {
    std::set<unsigned int> ids;
    for (const auto &cell : tria.active_cell_iterators())
      if (cell->is_locally_owned())
        for (const auto f : cell->face_indices())
          if (cell->face(f)->at_boundary())
            ids.insert(cell->face(f)->boundary_id());
    // The union over the ranks.
    std::set<unsigned int> all;
    for (const auto &rank : Utilities::MPI::all_gather(MPI_COMM_WORLD, std::vector<unsigned int>(ids.begin(), ids.end())))
      all.insert(rank.begin(), rank.end());
    return all;
  }

  /// Smallest distance from the axis of a vertex on the lateral surface (id 1).
  template <int dim>
  double smallest_lateral_radius(const parallel::distributed::Triangulation<dim> &tria)
  {
    double r = 1;
    for (const auto &cell : tria.active_cell_iterators())
      if (cell->is_locally_owned())
        for (const auto f : cell->face_indices())
          if (cell->face(f)->at_boundary() && cell->face(f)->boundary_id() == 1)
            for (const auto v : cell->face(f)->vertex_indices())
              {
                const auto &x = cell->face(f)->vertex(v);
                r = std::min(r, dim == 2 ? x[0] : std::hypot(x[0], x[1]));
              }
    return Utilities::MPI::min(r, MPI_COMM_WORLD);
  }
} // namespace

TEST(NotchedRod, AxisymmetricSectionOfTheSeedSpecimen)
{
  parallel::distributed::Triangulation<2> tria(MPI_COMM_WORLD);
  const auto info = bmgfe::create_domain(parse_geometry(seed_notched_rod), Kinematics::axisymmetric, tria);
  const double R = 2.25e-3, L = 9e-3, rn = 1.25e-3, w = 5e-4, rho = 2.5e-4, hn = rho / 4;
  expect_rod(info, Tensor<1, 3>(), Tensor<1, 3>({0, 1, 0}), R, L);
  EXPECT_TRUE(contains(info.description, "notched rod, radius 0.00225 m, length 0.009 m, 1 notch(es)"))
    << info.description;
  // Chords of length hn on an arc of radius rho add a segment of c^3/(12 rho) each: the mesh
  // exceeds the closed form by about (pi rho) hn^2/(12 rho) = pi hn^2/12 per notch (the root
  // cells are hn within 1.5 rho of the root, which holds both fillets). Bound: 1.5 x that.
  const double exact = R * L - notch_area(R, rn, w, rho), area = measure(tria);
  const double chords = M_PI * hn * hn / 12;
  std::cout << "section area " << area << " m^2, closed form " << exact << ", difference "
            << (area - exact) / chords << " x pi hn^2/12, " << tria.n_global_active_cells()
            << " cells\n";
  EXPECT_GE(area, exact);
  EXPECT_LE(area - exact, 1.5 * chords);
  EXPECT_EQ(boundary_ids(tria), (std::set<unsigned int>{0, 1, 2, 3}));
  // The root: no vertex inside r = rn, the nearest within the sagitta of half a root cell.
  const double root = smallest_lateral_radius(tria);
  EXPECT_GE(root, rn - 1e-12);
  EXPECT_LE(root, rn + rho * (1 - std::cos(hn / rho)));
  EXPECT_LT(info.default_probes[1].second.distance(Point<2>(rn, L / 2)), 1e-15);
  EXPECT_EQ(info.default_probes[1].first, "root");
}

TEST(NotchedRod, TwoNotchesWithFlatRootsAndRefinementOnTheArcs)
{
  const std::string body = seed_notched_rod + "  set Notch positions = 0.3, 0.7\n"
                                              "  set Notch width = 8e-4\n";
  const double R = 2.25e-3, L = 9e-3, rn = 1.25e-3, w = 8e-4, rho = 2.5e-4, hn = rho / 4;
  const double exact = R * L - 2 * notch_area(R, rn, w, rho), chords = M_PI * hn * hn / 12;
  parallel::distributed::Triangulation<2> coarse(MPI_COMM_WORLD), fine(MPI_COMM_WORLD);
  bmgfe::create_domain(parse_geometry(body), Kinematics::axisymmetric, coarse);
  bmgfe::create_domain(parse_geometry(body + "  set Global refinement = 1\n"),
                       Kinematics::axisymmetric, fine);
  const double e_coarse = measure(coarse) - exact, e_fine = measure(fine) - exact;
  std::cout << "two notches: area error " << e_coarse / chords << " -> " << e_fine / chords
            << " x pi hn^2/12 after one refinement\n";
  EXPECT_GE(e_coarse, 0);
  EXPECT_LE(e_coarse, 2 * 1.5 * chords);
  // The new vertices of the arcs lie on the arcs (SphericalManifold per fillet): the chord
  // error falls about 4x; on straight chords it would stay.
  EXPECT_LT(std::abs(e_fine), 0.4 * std::abs(e_coarse));
  EXPECT_EQ(boundary_ids(fine), (std::set<unsigned int>{0, 1, 2, 3}));
  EXPECT_GE(smallest_lateral_radius(fine), rn - 1e-12);
}

TEST(NotchedRod, NotchShallowerThanItsRootRadius)
{
  // A 1 mm deep notch cut with a tool of 1.5 mm radius (tests/notch_limit's blunt notch): the
  // root arcs meet the surface at an angle, the opening there is 2 sqrt(rho^2 - (rho - d)^2) +
  // w - 2 rho. The notch removes the circular segment of the tool (plus the flat root).
  const double R = 2.25e-3, L = 9e-3, rn = 1.25e-3, rho = 1.5e-3, hn = 1.25e-4, d = R - rn;
  for (const double w : {3e-3, 3.5e-3})
    {
      parallel::distributed::Triangulation<2> tria(MPI_COMM_WORLD);
      const auto info = bmgfe::create_domain(
        parse_geometry(seed_notched_rod + "  set Notch root diameter = 2.5e-3\n"
                                          "  set Notch root radius = 1.5e-3\n"
                                          "  set Notch width = " + std::to_string(w) + "\n"
                                          "  set Notch mesh size = 1.25e-4\n"),
        Kinematics::axisymmetric, tria);
      const double half_angle = std::acos((rho - d) / rho);
      const double segment    = rho * rho * half_angle - (rho - d) * rho * std::sin(half_angle);
      const double exact      = R * L - segment - (w - 2 * rho) * d, area = measure(tria);
      // Chords of length hn on the arcs (length 2 rho half_angle): hn^2/(12 rho) per length.
      const double chords = 2 * rho * half_angle * hn * hn / (12 * rho);
      std::cout << "shallow notch, width " << w << ": section area " << area << " m^2, closed form "
                << exact << ", difference " << (area - exact) / chords << " x the chord segments, "
                << tria.n_global_active_cells() << " cells\n";
      EXPECT_GE(area, exact);
      EXPECT_LE(area - exact, 1.5 * chords);
      EXPECT_EQ(boundary_ids(tria), (std::set<unsigned int>{0, 1, 2, 3}));
      const double root = smallest_lateral_radius(tria);
      EXPECT_GE(root, rn - 1e-12);
      EXPECT_LE(root, rn + rho * (1 - std::cos(hn / rho)));
      EXPECT_LT(info.default_probes[1].second.distance(Point<2>(rn, L / 2)), 1e-15);
    }
}

TEST(NotchedRod, SolidRodIn3D)
{
  // The r-z section revolved in n = 16 cells around a structured core.
  const std::string body = seed_notched_rod + "  set Mesh size = 6e-4\n"
                                              "  set Notch mesh size = 1.25e-4\n";
  parallel::distributed::Triangulation<3> tria(MPI_COMM_WORLD), fine(MPI_COMM_WORLD);
  const auto info = bmgfe::create_domain(parse_geometry(body), Kinematics::three_dimensional, tria);
  const double R = 2.25e-3, L = 9e-3, rn = 1.25e-3, w = 5e-4, rho = 2.5e-4;
  const unsigned int n = 16;
  expect_rod(info, Tensor<1, 3>(), Tensor<1, 3>({0, 0, 1}), R, L);
  EXPECT_TRUE(contains(info.description, "revolved in 16 cells")) << info.description;
  const double exact = M_PI * R * R * L - notch_volume(R, rn, w, rho);
  // Straight edges around the rod: every cell is a prism on a chord, the solid's volume times
  // the polygon's n sin(2 pi/n)/(2 pi) = 0.9745 (less the core's square, which is exact), up to
  // the chords on the root arcs in the r-z plane.
  const double polygon = n * std::sin(2 * M_PI / n) / (2 * M_PI), q1 = measure(tria);
  // The manifolds (cylinders about the axis, tori at the roots) under a quadratic mapping: the
  // curved solid.
  const MappingQ<3> q2(2);
  const double      mapped = GridTools::volume(tria, q2);
  std::cout << "3D: volume with straight edges " << q1 << " m^3 (" << (q1 / exact - 1) * 100
            << " %, polygon " << (polygon - 1) * 100 << " %), Q2 mapping " << mapped << " ("
            << (mapped / exact - 1) * 100 << " %), closed form " << exact << ", "
            << tria.n_global_active_cells() << " hexahedra\n";
  EXPECT_NEAR(q1 / exact, polygon, 2e-3);
  EXPECT_NEAR(mapped / exact, 1, 2e-4);
  EXPECT_EQ(boundary_ids(tria), (std::set<unsigned int>{1, 2, 3}));
  EXPECT_GE(smallest_lateral_radius(tria), rn * (1 - 1e-9));
  EXPECT_LE(smallest_lateral_radius(tria), rn + rho * (1 - std::cos(1.25e-4 / rho)));
  // Refinement puts the new vertices of the root faces on the torus and those of the surface
  // on the cylinder: the straight-edged volume moves toward the solid's.
  bmgfe::create_domain(parse_geometry(body + "  set Global refinement = 1\n"),
                       Kinematics::three_dimensional, fine);
  const double q1_fine = measure(fine);
  std::cout << "after one refinement: " << (q1_fine / exact - 1) * 100 << " %\n";
  EXPECT_NEAR(q1_fine / exact, (2 * n) * std::sin(M_PI / n) / (2 * M_PI), 1e-3);
  double worst = 0;
  const double zc = L / 2, c = rn + rho;
  for (const auto &cell : fine.active_cell_iterators())
    if (cell->is_locally_owned())
      for (const auto f : cell->face_indices())
        if (cell->face(f)->at_boundary() && cell->face(f)->boundary_id() == 1)
          for (const auto v : cell->face(f)->vertex_indices())
            {
              const Point<3> &x = cell->face(f)->vertex(v);
              const double    r = std::hypot(x[0], x[1]);
              if (r < c - 1e-9)
                worst = std::max(worst, std::abs(std::hypot(c - r, std::abs(x[2] - zc) - (w / 2 - rho)) - rho));
              else if (std::abs(x[2] - zc) > w / 2 + 1e-9)
                worst = std::max(worst, std::abs(r - R)); // on the cylinder
            }
  worst = Utilities::MPI::max(worst, MPI_COMM_WORLD);
  std::cout << "largest distance of a refined surface vertex from the surface " << worst << " m\n";
  EXPECT_LT(worst, 1e-12);
}

TEST(NotchedRod, CircumferentialCellsAreChecked)
{
  for (const char *n : {"4", "18", "0"})
    {
      const std::string what = input_error([&] {
        parse_geometry(seed_notched_rod + "  set Circumferential cells = " + n + "\n");
      });
      EXPECT_TRUE(contains(what, "entry 'Geometry/Circumferential cells'")) << what;
      EXPECT_TRUE(contains(what, "multiple of 4 of at least 8")) << what;
    }
}

TEST(NotchedRod, RefusesNotchesThatDoNotFit)
{
  const auto error = [](const std::string &extra) {
    return input_error([&] { parse_geometry(seed_notched_rod + extra); });
  };
  const std::string narrow = error("  set Notch width = 4e-4\n");
  EXPECT_TRUE(contains(narrow, "entry 'Geometry/Notch width'")) << narrow;
  EXPECT_TRUE(contains(narrow, "twice the 'Notch root radius'")) << narrow;
  // A root diameter of the rod's is no notch; a notch shallower than a root cell is refused.
  const std::string none = error("  set Notch root diameter = 4.5e-3\n");
  EXPECT_TRUE(contains(none, "entry 'Geometry/Notch root diameter'")) << none;
  EXPECT_TRUE(contains(none, "not less than the rod diameter")) << none;
  const std::string shallow = error("  set Notch root diameter = 4.45e-3\n");
  EXPECT_TRUE(contains(shallow, "entry 'Geometry/Notch mesh size'")) << shallow;
  EXPECT_TRUE(contains(shallow, "larger than the notch depth")) << shallow;
  const std::string overlap = error("  set Notch positions = 0.5, 0.52\n");
  EXPECT_TRUE(contains(overlap, "entry 'Geometry/Notch positions'")) << overlap;
  EXPECT_TRUE(contains(overlap, "notches 1 and 2 overlap")) << overlap;
  EXPECT_TRUE(contains(error("  set Notch positions = 0.01\n"), "does not lie inside the rod"));
  EXPECT_TRUE(contains(error("  set Notch positions = 0.1, 0.3, 0.5, 0.7, 0.9\n"), "at most 4"));
  EXPECT_TRUE(contains(error("  set Notch positions = half\n"), "entry 'Geometry/Notch positions'"));
  EXPECT_TRUE(contains(error("  set Notch mesh size = 3e-4\n"), "entry 'Geometry/Notch mesh size'"));
  // Above half the root radius: the root would not be resolved.
  EXPECT_TRUE(contains(error("  set Notch mesh size = 2e-4\n"), "half the 'Notch root radius'"));
  // A plane section of a notched rod is refused at build time.
  const std::string plane = input_error(
    [] { domain<2>(seed_notched_rod, Kinematics::plane_strain); });
  EXPECT_TRUE(contains(plane, "entry 'Geometry/Type'")) << plane;
  EXPECT_TRUE(contains(plane, "axisymmetric")) << plane;
}
