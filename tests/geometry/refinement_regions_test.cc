// 'Geometry/Refinement regions': every cell that meets a box is refined to at most its cell
// size, cells far from it keep the mesh size; malformed text and a box of the wrong dimension
// are one input error naming the entry. Own main(): MPI (also run on 2 ranks).
#include <bmgfe/base/input_error.h>
#include <bmgfe/geometry/geometry.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/distributed/tria.h>

#include <gtest/gtest.h>

#include <cmath>

using namespace dealii;

namespace
{
  bmgfe::GeometryParameters parse(const std::string &body)
  {
    ParameterHandler prm;
    bmgfe::GeometryParameters::declare_parameters(prm);
    prm.parse_input_from_string("subsection Geometry\n" + body + "end\n");
    bmgfe::GeometryParameters g;
    g.parse_parameters(prm, "");
    return g;
  }

  double cell_size(const typename Triangulation<2>::active_cell_iterator &cell)
  {
    return std::sqrt(cell->measure());
  }
} // namespace

TEST(RefinementRegions, CellsMeetingTheBoxReachItsSizeOthersKeepTheMeshSize)
{
  // A 2 mm x 4 mm block (x centred on 0) of 0.25 mm cells; a strip 0.1 mm high across it at y = 2 mm.
  const auto g = parse("  set Type = block\n  set Block width = 2e-3\n  set Block height = 4e-3\n"
                       "  set Mesh size = 2.5e-4\n"
                       "  set Refinement regions = -1e-3, 1.95e-3, 1e-3, 2.05e-3: 2e-5\n");
  parallel::distributed::Triangulation<2> tria(MPI_COMM_WORLD);
  bmgfe::create_domain(g, bmgfe::Kinematics::plane_strain, tria);
  double largest_inside = 0, smallest_far = 1;
  for (const auto &cell : tria.active_cell_iterators())
    if (cell->is_locally_owned())
      {
        const Point<2> c = cell->center();
        double         lo = 1e9, hi = -1e9;
        for (const auto v : cell->vertex_indices())
          {
            lo = std::min(lo, cell->vertex(v)[1]);
            hi = std::max(hi, cell->vertex(v)[1]);
          }
        if (hi >= 1.95e-3 && lo <= 2.05e-3)
          largest_inside = std::max(largest_inside, cell_size(cell));
        if (std::abs(c[1] - 2e-3) > 1e-3)
          smallest_far = std::min(smallest_far, cell_size(cell));
      }
  largest_inside = Utilities::MPI::max(largest_inside, MPI_COMM_WORLD);
  smallest_far   = Utilities::MPI::min(smallest_far, MPI_COMM_WORLD);
  EXPECT_LE(largest_inside, 2e-5 * (1 + 1e-9));
  EXPECT_GT(largest_inside, 1e-5); // refined just enough: 0.25 mm / 2^4 = 15.6 um
  EXPECT_NEAR(smallest_far, 2.5e-4, 1e-9);
}

TEST(RefinementRegions, MalformedOrWrongDimensionIsAnInputError)
{
  for (const char *bad : {"0, 0, 1, 1", "0, 0, 1: 1e-3", "0, 0, x, 1: 1e-3", "1, 0, 0, 1: 1e-3",
                          "0, 0, 1, 1: 0"})
    EXPECT_THROW(bmgfe::parse_refinement_regions(bad), bmgfe::InputError) << bad;
  const auto g = parse("  set Type = block\n  set Refinement regions = 0, 0, 0, 1, 1, 1: 1e-4\n");
  parallel::distributed::Triangulation<2> tria(MPI_COMM_WORLD);
  try
    {
      bmgfe::create_domain(g, bmgfe::Kinematics::plane_strain, tria);
      ADD_FAILURE() << "a 3D box was accepted in 2D";
    }
  catch (const bmgfe::InputError &e)
    {
      EXPECT_NE(std::string(e.what()).find("entry 'Geometry/Refinement regions'"), std::string::npos);
    }
}

int main(int argc, char **argv)
{
  Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
