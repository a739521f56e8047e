// 'Output/Output times' on tests/io/small_rod.prm (adaptive steps of a quench, 1 s):
//  * '0.13:0.2:0.93': a snapshot at exactly every listed time: one solution.pvd record with
//    |timestep - t| <= 1e-12, its file present, its TIME field data t (float32), and the
//    statistics row of that time (|time_s - t| <= 1e-12) names that record in its snapshot
//    column. Fails if the time stepping steps over a listed time or lands off it.
//  * '0.5, 5': 5 s lies past the end: the start-up report and log.txt warn about it, and no
//    snapshot or statistics row lies past t = 1 s; 0.5 s is written.
#include "io_test_helpers.h"

#include <bmgfe_test_support.h>

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

namespace
{
  const std::string small_rod = std::string(BMGFE_TEST_SOURCE_DIR) + "/io/small_rod.prm";

  bmgfe_test::RunResult run(const std::string &out, const std::string &times)
  {
    std::filesystem::remove_all(out);
    const auto r = bmgfe_test::run_bmgfe(
      {small_rod, "--set", "Output directory=" + out, "--set", "Output/Output times=" + times});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return r;
  }

  /// Index of the solution.pvd record at time t (-1: none within 1e-12).
  long record_at(const std::vector<std::pair<double, std::string>> &pvd, const double t)
  {
    long found = -1;
    for (std::size_t i = 0; i < pvd.size(); ++i)
      if (std::abs(pvd[i].first - t) <= 1e-12)
        {
          EXPECT_EQ(found, -1) << "two records at t = " << t;
          found = static_cast<long>(i);
        }
    return found;
  }
} // namespace

TEST(OutputTimes, RangeHitExactly)
{
  const std::string out = io_test::fresh_directory("out_output_times");
  run(out, "0.13:0.2:0.93");
  const auto                   pvd = io_test::read_pvd(out + "/solution.pvd");
  const bmgfe_test::Statistics stats(out + "/statistics.csv");
  for (const double t : {0.13, 0.33, 0.53, 0.73, 0.93})
    {
      const long record = record_at(pvd, t);
      ASSERT_GE(record, 0) << "no snapshot at t = " << t;
      const std::string file = out + "/" + pvd[record].second;
      ASSERT_TRUE(std::filesystem::exists(file)) << file;
      const auto grid = io_test::read_pvtu(file);
      ASSERT_TRUE(grid.field_data.count("TIME")) << file;
      EXPECT_NEAR(grid.field_data.at("TIME").values.at(0), t, 1e-7 * t) << file;
      const std::size_t row = stats.row_at_time(t);
      EXPECT_NEAR(stats.value("time_s", row), t, 1e-12);
      EXPECT_EQ(stats.value("snapshot", row), static_cast<double>(record)) << "statistics row of t = " << t;
    }
}

TEST(OutputTimes, PastTheEndIgnoredWithWarning)
{
  const std::string out     = io_test::fresh_directory("out_output_times_past_end");
  const auto        r       = run(out, "0.5, 5");
  const std::string warning = "Warning: snapshot time ignored, Output/Output times: 5 s (the run is 0 - 1 s)";
  EXPECT_NE(r.output.find(warning), std::string::npos) << r.output;
  EXPECT_NE(bmgfe_test::read_file(out + "/log.txt").find(warning), std::string::npos);
  const auto pvd = io_test::read_pvd(out + "/solution.pvd");
  EXPECT_GE(record_at(pvd, 0.5), 0);
  ASSERT_FALSE(pvd.empty());
  for (const auto &[time, file] : pvd)
    EXPECT_LE(time, 1 + 1e-12) << file;
  EXPECT_NEAR(pvd.back().first, 1, 1e-12);
  const bmgfe_test::Statistics stats(out + "/statistics.csv");
  for (const double t : stats.column("time_s"))
    EXPECT_LE(t, 1 + 1e-12);
}
