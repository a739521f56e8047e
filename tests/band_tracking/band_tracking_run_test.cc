// The band-tracking postprocessor in bmgfe runs: the plane-strain compression scenario
// (parameters/compression_vit1.prm) shortened and coarsened to run in about 15 s: cells of
// l = 50 um (half the scenario's resolution), 1 s steps to 2.5 % nominal strain, the soft spot
// raised to +0.005 as in tests/shear_band_mechanics so that two bands grow out of it and cross
// there (an X). Checked: the files of every output time, the statistics columns and summary
// entries, and the X itself: one band of four edges meeting at one crossing at the spot, the
// arms straight at equal angles (the problem is symmetric), all four ends at the boundary.
// The same run on 2 MPI ranks gives the same centrelines.
#include <bmgfe_test_support.h>
#include <gtest/gtest.h>
#include <vtkNew.h>
#include <vtkPolyData.h>
#include <vtkXMLPolyDataReader.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

namespace
{
  std::vector<std::string> arguments(const std::string &dir)
  {
    const std::vector<std::string> sets = {
      "Verbosity=quiet",
      "Output/Write visualization=false",
      "Output/Interval in time=5",
      "Mechanics/Loading programme/Segments=load to -0.025 in 25 s",
      "Thermal protocol/test/Duration=25 s",
      "Time stepping/Initial time step=1",
      "Mechanics/Newton/Maximum iterations=30",
      "Mechanics/Newton/Maximum cutbacks=12",
      "Geometry/Mesh size=5e-5",
      "Material/Free volume/Initial free volume perturbation=0.005*exp(-(x^2 + (y - 1e-3)^2)/"
      "(1.5e-4)^2)",
      "Postprocess/List of postprocessors=default, band tracking",
      "Output directory=" + dir};
    std::vector<std::string> args = {std::string(BMGFE_SOURCE_DIR) +
                                     "/parameters/compression_vit1.prm"};
    for (const auto &s : sets)
      {
        args.push_back("--set");
        args.push_back(s);
      }
    return args;
  }

  void run(const std::string &dir, const unsigned int ranks)
  {
    std::filesystem::remove_all(dir);
    const auto start = std::chrono::steady_clock::now();
    const auto r     = bmgfe_test::run_bmgfe(arguments(dir), ranks);
    std::cout << "run " << dir << " on " << std::max(ranks, 1u) << " rank(s): "
              << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()
              << " s\n";
    ASSERT_EQ(r.exit_code, 0) << r.output;
    ASSERT_NE(bmgfe_test::read_file(dir + "/summary.json").find("\"completed\""), std::string::npos);
  }

  /// The integer after "key": in summary.json.
  double summary_value(const std::string &dir, const std::string &key)
  {
    const std::string text = bmgfe_test::read_file(dir + "/summary.json");
    const auto        at   = text.find("\"" + key + "\"");
    if (at == std::string::npos)
      throw std::runtime_error("no " + key + " in summary.json");
    return std::stod(text.substr(text.find(':', at) + 1));
  }
} // namespace

TEST(BandTrackingRun, CompressionX)
{
  const std::string dir = "band_tracking_run";
  run(dir, 0);
  if (HasFatalFailure())
    return;
  // Files of the six output times (0, 5, ..., 25 s) and the ParaView time series.
  for (unsigned int i = 0; i < 6; ++i)
    for (const std::string kind : {"points-", "segments-", "nodes-", "bands-", "centrelines-"})
      {
        const std::string file = dir + "/band_tracking/" + kind + "0000" + std::to_string(i) +
                                 (kind == "centrelines-" ? ".vtp" : ".csv");
        EXPECT_TRUE(std::filesystem::exists(file)) << file;
      }
  const std::string pvd = bmgfe_test::read_file(dir + "/band_tracking.pvd");
  std::size_t n_data_sets = 0;
  for (std::size_t at = pvd.find("<DataSet "); at != std::string::npos;
       at             = pvd.find("<DataSet ", at + 1))
    ++n_data_sets;
  EXPECT_EQ(n_data_sets, 6u) << pvd;
  EXPECT_NE(pvd.find("timestep=\"25\" group=\"\" part=\"0\" file=\"band_tracking/centrelines-00005.vtp\""),
            std::string::npos)
    << pvd;

  // statistics.csv: the columns, no band before the bands form (elastic at t = 5 s).
  const bmgfe_test::Statistics stats(dir + "/statistics.csv");
  for (const std::string column :
       {"band_tracking_bands", "band_tracking_branch_points", "band_tracking_crossings",
        "band_tracking_kinks", "band_tracking_tips_inside", "band_tracking_largest_deflection_deg",
        "band_tracking_length_m"})
    EXPECT_TRUE(stats.has(column)) << column;
  EXPECT_EQ(stats.value("band_tracking_bands", stats.row_at_time(5)), 0);
  const std::size_t last = stats.n_rows() - 1;
  EXPECT_EQ(stats.value("band_tracking_bands", last), 1);
  EXPECT_EQ(stats.value("band_tracking_crossings", last), 1);
  EXPECT_EQ(stats.value("band_tracking_branch_points", last), 0);
  EXPECT_EQ(stats.value("band_tracking_tips_inside", last), 0);
  EXPECT_EQ(summary_value(dir, "band_tracking_crossings"), 1);
  EXPECT_EQ(summary_value(dir, "band_tracking_bands"), 1);

  // The X at t = 25 s.
  const bmgfe_test::CsvTable segments(dir + "/band_tracking/segments-00005.csv");
  const bmgfe_test::CsvTable nodes(dir + "/band_tracking/nodes-00005.csv");
  ASSERT_EQ(segments.n_rows(), 4u); // four straight arms
  double lo = 90, hi = 0;
  for (std::size_t r = 0; r < segments.n_rows(); ++r)
    {
      const double angle = segments.value("angle_to_load_axis_deg", r);
      std::cout << "  arm " << r << ": " << angle << " deg to the load axis, length "
                << segments.value("length_m", r) << " m, mean p " << segments.value("mean_p", r)
                << ", mean x-bar " << segments.value("mean_xbar", r) << '\n';
      lo = std::min(lo, angle);
      hi = std::max(hi, angle);
      EXPECT_GT(segments.value("length_m", r), 0.5e-3);
      EXPECT_GT(segments.value("mean_xbar", r), 0.0);
    }
  EXPECT_LT(hi - lo, 0.5);
  EXPECT_GT(lo, 40.0);
  EXPECT_LT(hi, 50.0);
  unsigned int n_tips = 0, n_crossings = 0;
  for (std::size_t r = 0; r < nodes.n_rows(); ++r)
    if (nodes.text("type", r) == "tip")
      {
        ++n_tips;
        EXPECT_EQ(nodes.value("at_boundary", r), 1);
      }
    else if (nodes.text("type", r) == "crossing")
      {
        ++n_crossings;
        // At the soft spot, within one cell (50 um).
        EXPECT_LT(std::hypot(nodes.value("x_m", r), nodes.value("y_m", r) - 1e-3), 5e-5);
        const double theta = 0.5 * (lo + hi);
        EXPECT_NEAR(nodes.value("crossing_angle_deg", r), std::min(2 * theta, 180 - 2 * theta), 1.0);
      }
  EXPECT_EQ(n_tips, 4u);
  EXPECT_EQ(n_crossings, 1u);

  // The polylines: VTK reads them.
  vtkNew<vtkXMLPolyDataReader> reader;
  reader->SetFileName((dir + "/band_tracking/centrelines-00005.vtp").c_str());
  reader->Update();
  EXPECT_EQ(reader->GetOutput()->GetNumberOfLines(), 4);
  EXPECT_EQ(reader->GetOutput()->GetNumberOfVerts(), 5); // 4 tips, 1 crossing
}

TEST(BandTrackingRun, TwoRanksGiveTheSameCentrelines)
{
  run("band_tracking_run_1", 0);
  run("band_tracking_run_2", 2);
  if (HasFatalFailure())
    return;
  const bmgfe_test::CsvTable one("band_tracking_run_1/band_tracking/points-00005.csv");
  const bmgfe_test::CsvTable two("band_tracking_run_2/band_tracking/points-00005.csv");
  ASSERT_EQ(one.n_rows(), two.n_rows());
  ASSERT_GT(one.n_rows(), 0u);
  // The solutions agree to the solver tolerance, not bit for bit.
  double worst = 0;
  for (std::size_t r = 0; r < one.n_rows(); ++r)
    {
      EXPECT_EQ(one.text("edge", r), two.text("edge", r));
      EXPECT_EQ(one.text("segment", r), two.text("segment", r));
      worst = std::max({worst, std::abs(one.value("x_m", r) - two.value("x_m", r)),
                        std::abs(one.value("y_m", r) - two.value("y_m", r))});
    }
  std::cout << "  largest difference of a centreline point: " << worst << " m\n";
  EXPECT_LT(worst, 1e-7);
}
