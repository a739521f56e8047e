// ParaView output, the .pvd record and the output folder of a small serial 2D run,
// read back with VTK's own XML readers.
#include "io_test_helpers.h"

#include <bmgfe_test_support.h>
#include <gtest/gtest.h>

#include <cmath>

using namespace bmgfe_test;
using namespace io_test;

namespace
{
  const std::string prm_file = std::string(BMGFE_TEST_SOURCE_DIR) + "/io/small_rod.prm";

  /// One run of small_rod.prm (snapshots every 4 steps), shared by the tests below.
  class SerialRun : public ::testing::Test
  {
  protected:
    static void SetUpTestSuite()
    {
      out    = fresh_directory("io_serial");
      result = run_bmgfe({prm_file, "--set", "Output directory=" + out, "--set",
                          "Material/Density=6000"});
    }
    void SetUp() override
    {
      ASSERT_EQ(result.exit_code, 0) << result.output;
      ASSERT_TRUE(fs::exists(out + "/statistics.csv")) << result.output;
    }
    static std::string out;
    static RunResult   result;
  };
  std::string SerialRun::out;
  RunResult   SerialRun::result;
} // namespace

TEST_F(SerialRun, FirstSnapshotHoldsTheUniformInitialTemperature)
{
  const Statistics stats(out + "/statistics.csv");
  ASSERT_GT(stats.n_rows(), 2u);
  ASSERT_EQ(stats.value("time_s", 0), 0.0);
  const std::string vis = snapshot_file(out, stats, 0);
  ASSERT_NE(vis, "-") << "no snapshot at t = 0";
  ASSERT_TRUE(fs::exists(out + "/" + vis)) << vis;

  const Grid g = read_pvtu(out + "/" + vis);
  EXPECT_GT(g.n_points, 0);
  EXPECT_GT(g.n_cells, 0);
  ASSERT_EQ(g.point_data.count("temperature_K"), 1u) << "no point field temperature_K";
  EXPECT_EQ(g.point_data.at("temperature_K").components, 1);
  // deal.II's VTU writer has no cell data: the cell-wise vector "mpi_rank" is written as
  // a point field (constant on each cell's patch).
  ASSERT_EQ(g.point_data.count("mpi_rank"), 1u) << "no point field mpi_rank";
  EXPECT_EQ(g.cell_data.size(), 0u);
  const Field &T = g.point_data.at("temperature_K");
  ASSERT_EQ(static_cast<long long>(T.values.size()), g.n_points);
  // 350 is exactly representable in float32: every value must equal it exactly.
  for (const double v : T.values)
    ASSERT_EQ(v, 350.0);
  for (const double s : g.point_data.at("mpi_rank").values)
    ASSERT_EQ(s, 0.0);
}

TEST_F(SerialRun, FinalSnapshotMatchesStatisticsExtremes)
{
  const Statistics  stats(out + "/statistics.csv");
  const std::size_t last = stats.n_rows() - 1;
  EXPECT_NEAR(stats.value("time_s", last), 1.0, 1e-12);
  const std::string vis = snapshot_file(out, stats, last);
  ASSERT_NE(vis, "-") << "no snapshot at the final time";
  const Grid g = read_pvtu(out + "/" + vis);
  ASSERT_EQ(g.point_data.count("temperature_K"), 1u);
  const Field &T     = g.point_data.at("temperature_K");
  const double T_min = stats.value("temperature_min_K", last);
  const double T_max = stats.value("temperature_max_K", last);
  // The rod has cooled, but not uniformly.
  EXPECT_LT(T_max, 350.0);
  EXPECT_GT(T_min, 293.15);
  EXPECT_GT(T_max - T_min, 0.1);
  // Q1 with 1 subdivision: the output points are the nodes, so the extremes of the VTU
  // field are the nodal extremes, rounded to float32 (relative 6e-8); 1e-6 leaves margin.
  EXPECT_NEAR(T.min(), T_min, 1e-6 * T_min);
  EXPECT_NEAR(T.max(), T_max, 1e-6 * T_max);
}

TEST_F(SerialRun, SnapshotsFollowTheStepInterval)
{
  const Statistics  stats(out + "/statistics.csv");
  const std::size_t last = stats.n_rows() - 1;
  for (std::size_t r = 0; r < stats.n_rows(); ++r)
    {
      const unsigned int step     = static_cast<unsigned int>(stats.value("time_step", r));
      const bool         expected = (step % 4 == 0) || r == last;
      EXPECT_EQ(snapshot_file(out, stats, r) != "-", expected) << "step " << step;
    }
}

TEST_F(SerialRun, PvdListsEverySnapshotWithItsTime)
{
  const Statistics stats(out + "/statistics.csv");
  std::vector<std::pair<double, std::string>> expected;
  for (std::size_t r = 0; r < stats.n_rows(); ++r)
    if (snapshot_file(out, stats, r) != "-")
      expected.emplace_back(stats.value("time_s", r), snapshot_file(out, stats, r));
  ASSERT_GE(expected.size(), 3u);

  const auto pvd = read_pvd(out + "/solution.pvd");
  ASSERT_EQ(pvd.size(), expected.size());
  for (std::size_t i = 0; i < pvd.size(); ++i)
    {
      // deal.II writes the timestep with 12 significant digits.
      EXPECT_NEAR(pvd[i].first, expected[i].first, 1e-10 * std::abs(expected[i].first) + 1e-14)
        << "snapshot " << i;
      EXPECT_EQ(pvd[i].second, expected[i].second) << "snapshot " << i;
      ASSERT_TRUE(fs::exists(out + "/" + pvd[i].second)) << pvd[i].second;
      // The pieces carry the time too (field data TIME): deal.II writes it as ASCII text
      // with the stream's default 6 significant digits, hence 1e-5 relative.
      const Grid g = read_pvtu(out + "/" + pvd[i].second);
      ASSERT_EQ(g.field_data.count("TIME"), 1u) << pvd[i].second;
      EXPECT_NEAR(g.field_data.at("TIME").values.at(0), expected[i].first,
                  1e-5 * expected[i].first + 1e-14);
      if (i > 0)
        {
          EXPECT_GT(pvd[i].first, pvd[i - 1].first);
        }
      for (const auto &piece : pvtu_pieces(out + "/" + pvd[i].second))
        {
          EXPECT_TRUE(fs::exists(fs::path(out + "/" + pvd[i].second).parent_path() / piece))
            << piece;
        }
    }
}

TEST_F(SerialRun, OutputFolderHoldsParametersStatisticsAndSummary)
{
  EXPECT_TRUE(fs::is_regular_file(out + "/statistics.csv"));
  EXPECT_TRUE(fs::is_regular_file(out + "/solution.pvd"));

  ASSERT_TRUE(fs::is_regular_file(out + "/parameters.prm"));
  const std::string prm_text = slurp(out + "/parameters.prm");
  EXPECT_TRUE(std::regex_search(prm_text, std::regex("set Density\\s*=\\s*6000\\b")))
    << "parameters.prm does not hold the overridden density";

  ASSERT_TRUE(fs::is_regular_file(out + "/parameters.json"));
  boost::property_tree::ptree json;
  ASSERT_NO_THROW(json = read_json(out + "/parameters.json")) << "parameters.json is not valid JSON";
  EXPECT_EQ(json_parameter(json, "Material/Density"), "6000"); // overridden with --set
  EXPECT_EQ(json_parameter(json, "Heat/Initial temperature"), "350");
  EXPECT_EQ(json_parameter(json, "Output/Interval in steps"), "4");

  ASSERT_TRUE(fs::is_regular_file(out + "/summary.json"));
  boost::property_tree::ptree summary;
  ASSERT_NO_THROW(summary = read_json(out + "/summary.json")) << "summary.json is not valid JSON";
  EXPECT_EQ(summary.get<std::string>("status"), "completed");
  EXPECT_NEAR(summary.get<double>("final_time_s"), 1.0, 1e-12);
  EXPECT_EQ(summary.get<unsigned int>("snapshots"), read_pvd(out + "/solution.pvd").size());
  EXPECT_EQ(summary.get<unsigned int>("mpi_ranks"), 1u);
  EXPECT_FALSE(fs::exists(out + "/summary.json.tmp"));
  EXPECT_FALSE(fs::exists(out + "/statistics.csv.tmp"));
}

// Output/Interval in time: a snapshot at the first step at or after every multiple of it.
TEST(TimeInterval, SnapshotAtFirstStepAfterEveryMultiple)
{
  const std::string out = fresh_directory("io_time_interval");
  const auto r = run_bmgfe({prm_file, "--set", "Output directory=" + out, "--set",
                            "Output/Interval in steps=0", "--set", "Output/Interval in time=0.3"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Statistics stats(out + "/statistics.csv");
  const auto       pvd = read_pvd(out + "/solution.pvd");
  std::vector<double> expected{0.0};
  for (const double m : {0.3, 0.6, 0.9})
    for (std::size_t row = 0; row < stats.n_rows(); ++row)
      if (stats.value("time_s", row) >= m - 1e-12)
        {
          if (stats.value("time_s", row) > expected.back())
            expected.push_back(stats.value("time_s", row));
          break;
        }
  if (expected.back() < 1.0)
    expected.push_back(1.0); // end of the protocol
  ASSERT_EQ(pvd.size(), expected.size());
  for (std::size_t i = 0; i < pvd.size(); ++i)
    EXPECT_NEAR(pvd[i].first, expected[i], 1e-10 * expected[i] + 1e-14) << "snapshot " << i;
  std::size_t written = 0;
  for (std::size_t row = 0; row < stats.n_rows(); ++row)
    written += snapshot_file(out, stats, row) != "-";
  EXPECT_EQ(written, pvd.size());
}

// log.txt: the version with its git hash, the command line, the date, the ranks and the
// start-up report, then the console output; fields.csv lists the arrays with units.
TEST_F(SerialRun, LogAndFieldListBesideTheResults)
{
  ASSERT_TRUE(fs::is_regular_file(out + "/log.txt"));
  const std::string log = slurp(out + "/log.txt");
  EXPECT_TRUE(std::regex_search(log, std::regex("version +: bmgfe [0-9.]+ \\(git [0-9a-f]+")))
    << log.substr(0, 400);
  EXPECT_NE(log.find("command      : "), std::string::npos);
  EXPECT_NE(log.find("small_rod.prm"), std::string::npos);
  EXPECT_TRUE(std::regex_search(log, std::regex("started +: 20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]T")));
  EXPECT_NE(log.find("MPI ranks    : 1"), std::string::npos);
  EXPECT_NE(log.find("  model        : 2D axisymmetric"), std::string::npos);
  EXPECT_NE(log.find("postprocess  : "), std::string::npos);
  EXPECT_NE(log.find("bmgfe: completed"), std::string::npos);
  const std::string fields = slurp(out + "/fields.csv");
  EXPECT_EQ(fields.rfind("array,unit,association,components,description\n", 0), 0u);
  EXPECT_NE(fields.find("\ntemperature_K,K,point,1,"), std::string::npos);
}
