// Cell weights of the load balance (physics/load_balance.h, 'Mechanics/Load balance'): a point
// that yielded in the last converged step (committed plastic power > 0) costs 'Plastic point
// cost', an elastic one 1; a cell weighs weight_scale times the sum; the imbalance is the
// largest rank's weight over the mean.
#include <bmgfe/physics/load_balance.h>

#include <deal.II/base/mpi.h>

#include <gtest/gtest.h>

#include <memory>
#include <vector>

using namespace bmgfe;

namespace
{
  std::vector<std::shared_ptr<MaterialPointState>> cell_points(const unsigned int elastic,
                                                               const unsigned int plastic)
  {
    std::vector<std::shared_ptr<MaterialPointState>> points;
    for (unsigned int i = 0; i < elastic + plastic; ++i)
      {
        points.push_back(std::make_shared<MaterialPointState>());
        points.back()->plastic_power = i < plastic ? 2.5e6 : 0.0;
        // An accumulated plastic strain of earlier steps does not make a point plastic now.
        points.back()->equivalent_plastic_strain = 0.01;
      }
    return points;
  }
} // namespace

TEST(LoadBalance, PlasticPointsWeighTheirCost)
{
  const double cost = 3.5;
  EXPECT_EQ(load_balance::cell_weight(cell_points(27, 0), cost), 2700u);
  EXPECT_EQ(load_balance::cell_weight(cell_points(0, 27), cost), 9450u);
  EXPECT_EQ(load_balance::cell_weight(cell_points(20, 7), cost), 2000u + 2450u);
  // Yielded in the last step: its committed plastic power.
  auto points = cell_points(1, 0);
  EXPECT_FALSE(load_balance::yielded(*points[0]));
  points[0]->plastic_power = 1e-3;
  EXPECT_TRUE(load_balance::yielded(*points[0]));
  EXPECT_DOUBLE_EQ(load_balance::point_cost(*points[0], cost), cost);
  // Never zero (p4est needs a positive weight).
  EXPECT_EQ(load_balance::cell_weight(cell_points(0, 0), cost), 1u);
}

TEST(LoadBalance, ImbalanceOfOneRankIsOne)
{
  EXPECT_DOUBLE_EQ(load_balance::imbalance(1234.0, MPI_COMM_SELF), 1.0);
  EXPECT_DOUBLE_EQ(load_balance::imbalance(0.0, MPI_COMM_SELF), 1.0);
}

int main(int argc, char **argv)
{
  ::testing::InitGoogleTest(&argc, argv);
  dealii::Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  return RUN_ALL_TESTS();
}
