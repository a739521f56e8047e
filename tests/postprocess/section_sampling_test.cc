// The section sampling postprocessor (postprocess/section_sampling.h, issue 15): parsing of
// lines and grids and their points (no mesh), and a bmgfe run of an axisymmetric rod in uniform
// elastic uniaxial compression, sampled along a diameter that crosses the axis and on a grid
// wider than the rod: every sample inside the rod is the uniaxial state (sigma_zz = -E e,
// triaxiality -1/3, Lode parameter +1, tr eps_e = -(1 - 2 nu) e), every sample outside is nan,
// the two halves of the diameter mirror each other, and 2 ranks give the same tables.
#include <bmgfe/base/input_error.h>
#include <bmgfe/postprocess/section_sampling.h>

#include <bmgfe_test_support.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

using namespace bmgfe::postprocess::section_sampling;

TEST(SectionSampling, LinesGridsAndTheirPoints)
{
  const auto sets = parse_sets<2>("notch: 0, 4.5e-3; 1.25e-3, 4.5e-3; 6 | axis: 0, 0; 0, 9e-3; 10",
                                  "map: -1e-3, 1e-3; 1e-3, 1e-3; -1e-3, 3e-3; 3, 5", "L", "G");
  ASSERT_EQ(sets.size(), 3u);
  EXPECT_EQ(sets[0].name, "notch");
  EXPECT_FALSE(sets[0].grid);
  EXPECT_EQ(sets[0].n1, 6u);
  EXPECT_EQ(sets[0].n2, 1u);
  EXPECT_NEAR(sets[0].point(5, 0)[0], 1.25e-3, 1e-18);
  EXPECT_NEAR(sets[0].point(2, 0)[0], 0.5e-3, 1e-18);
  EXPECT_NEAR(sets[0].point(2, 0)[1], 4.5e-3, 1e-18);
  const auto &g = sets[2];
  EXPECT_TRUE(g.grid);
  EXPECT_EQ(g.n1, 3u);
  EXPECT_EQ(g.n2, 5u);
  EXPECT_NEAR(g.point(1, 4)[0], 0, 1e-18);
  EXPECT_NEAR(g.point(1, 4)[1], 3e-3, 1e-18);
  EXPECT_NEAR(g.point(2, 1)[0], 1e-3, 1e-18);
  EXPECT_NEAR(g.point(2, 1)[1], 1.5e-3, 1e-18);
  // 3D points.
  const auto s3 = parse_sets<3>("", "m: 0, 0, 0; 1, 0, 0; 0, 0, 2; 2, 3", "L", "G");
  EXPECT_NEAR(s3[0].point(1, 2)[2], 2, 1e-15);
}

TEST(SectionSampling, HalfBallKernelMoments)
{
  // The uniform half ball of radius R: mean depth 3R/8, no in-plane offset, mean square distance
  // 3R^2/5, mean square depth R^2/5 (the product rule integrates these exactly from n = 3 on;
  // n = 2 is exact up to r^3: weight and mean depth).
  const double R = 7.2e-5;
  for (const unsigned int n : {2u, 3u, 5u})
    {
      const auto samples = half_ball_samples(R, n);
      EXPECT_EQ(samples.size(), 4 * n * n * n);
      double w = 0, d = 0, u = 0, v = 0, r2 = 0, d2 = 0;
      for (const auto &q : samples)
        {
          EXPECT_GE(q.depth, 0);
          EXPECT_LE(std::sqrt(q.du * q.du + q.dv * q.dv + q.depth * q.depth), R * (1 + 1e-12));
          w += q.weight, d += q.weight * q.depth, u += q.weight * q.du, v += q.weight * q.dv;
          r2 += q.weight * (q.du * q.du + q.dv * q.dv + q.depth * q.depth);
          d2 += q.weight * q.depth * q.depth;
        }
      EXPECT_NEAR(w, 1, 1e-14) << n;
      EXPECT_NEAR(d, 3 * R / 8, 1e-14 * R) << n;
      EXPECT_NEAR(u, 0, 1e-18) << n;
      EXPECT_NEAR(v, 0, 1e-18) << n;
      if (n < 3)
        continue;
      EXPECT_NEAR(r2, 0.6 * R * R, 1e-13 * R * R) << n;
      EXPECT_NEAR(d2, 0.2 * R * R, 1e-13 * R * R) << n;
    }
}

TEST(SectionSampling, MalformedEntriesNameTheEntry)
{
  const auto fails = [](const std::string &lines, const std::string &grids, const std::string &what) {
    try
      {
        parse_sets<2>(lines, grids, "entry 'L'", "entry 'G'");
        ADD_FAILURE() << "accepted '" << lines << "' / '" << grids << "'";
      }
    catch (const bmgfe::InputError &e)
      {
        EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
      }
  };
  fails("0, 0; 1, 0; 5", "", "entry 'L'");                         // no name
  fails("a b: 0, 0; 1, 0; 5", "", "not a name");                   // two words
  fails("a: 0, 0; 1, 0", "", "a line is");                         // no count
  fails("a: 0, 0, 0; 1, 0; 5", "", "2 coordinates");               // 3 coordinates in 2D
  fails("a: 0, 0; 1, 0; 1", "", "from 2 to 100000");               // one point
  fails("a: 0, 0; 1, 0; 2.5", "", "whole number");                 // fraction
  fails("a: 0, 0; 0, 0; 5", "", "coincide");                       // zero length
  fails("a: 0, 0; x, 0; 5", "", "entry 'L'");                      // not a number
  fails("", "g: 0, 0; 1, 0; 2, 0; 3, 3", "parallel");              // degenerate grid
  fails("", "g: 0, 0; 1, 0; 0, 1; 3", "two numbers");              // one count
  fails("a: 0, 0; 1, 0; 5", "a: 0, 0; 1, 0; 0, 1; 3, 3", "twice"); // shared name
}

namespace
{
  std::vector<std::string> uniaxial_rod(const std::string &dir)
  {
    return {std::string(BMGFE_SMALL_ROD_PRM),
            "--set", "Output directory=" + dir,
            "--set", "Heat/Initial temperature=293.15",
            "--set", "Thermal protocol/quench/Environment temperature=293.15",
            "--set", "Mechanics/Enabled=true",
            "--set", "Mechanics/Loading programme/Enabled=true",
            "--set", "Mechanics/Loading programme/Segments=load to -0.001 in 1 s",
            "--set", "Postprocess/List of postprocessors=default, section sampling",
            "--set", "Postprocess/Section sampling/Times=0.5",
            // A diameter at mid-height, 0.1 mm beyond the surface on both sides.
            "--set", "Postprocess/Section sampling/Lines=diameter: -1.6e-3, 3e-3; 1.6e-3, 3e-3; 33",
            // The meridional section and more: 0.2 mm apart.
            "--set", "Postprocess/Section sampling/Grids=section: -1.8e-3, 0; 1.8e-3, 0; -1.8e-3, 6e-3; 19, 31"};
  }
} // namespace

TEST(SectionSampling, UniformUniaxialCompressionOfARod)
{
  const std::string dir = "section_uniaxial";
  std::filesystem::remove_all(dir);
  const auto run = bmgfe_test::run_bmgfe(uniaxial_rod(dir));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  // Vit1 defaults: E = 96 GPa, nu = 0.36; frictionless platens, isothermal, e = 0.001 at the end.
  const double e = 1e-3, E = 96e9, nu = 0.36;
  const bmgfe_test::CsvTable line(dir + "/section_sampling/diameter_00001.csv");
  ASSERT_EQ(line.n_rows(), 33u);
  double worst_stress = 0, worst_measure = 0;
  for (std::size_t i = 0; i < 33; ++i)
    {
      const double r = line.value("r_m", i);
      EXPECT_NEAR(r, -1.6e-3 + 1e-4 * i, 1e-15);
      EXPECT_NEAR(line.value("distance_m", i), 1e-4 * i, 1e-15);
      if (std::abs(r) > 1.5e-3 + 1e-12)
        {
          EXPECT_TRUE(std::isnan(line.value("stress_zz_Pa", i))) << "r = " << r;
          continue;
        }
      worst_stress = std::max({worst_stress, std::abs(line.value("stress_zz_Pa", i) + E * e),
                               std::abs(line.value("stress_rr_Pa", i)), std::abs(line.value("stress_tt_Pa", i))});
      worst_measure = std::max({worst_measure, std::abs(line.value("triaxiality", i) + 1.0 / 3),
                                std::abs(line.value("lode_parameter", i) - 1),
                                std::abs(line.value("elastic_volumetric_strain", i) + (1 - 2 * nu) * e) / e});
      // Mirror: the sample at -r equals the one at +r.
      EXPECT_EQ(line.value("stress_zz_Pa", i), line.value("stress_zz_Pa", 32 - i));
    }
  std::cout << "diameter: largest stress deviation " << worst_stress << " Pa, largest measure deviation "
            << worst_measure << '\n';
  EXPECT_LT(worst_stress, 1e-8 * E * e);
  EXPECT_LT(worst_measure, 1e-8);
  // The sample at t = 0.5 s: half the strain.
  const bmgfe_test::CsvTable half(dir + "/section_sampling/diameter_00000.csv");
  EXPECT_NEAR(half.value("stress_zz_Pa", 16), -0.5 * E * e, 1e-8 * E * e);

  // The grid: nan outside r <= R (corners included), the uniaxial stress inside.
  const bmgfe_test::CsvTable grid(dir + "/section_sampling/section_00001.csv");
  ASSERT_EQ(grid.n_rows(), 19u * 31u);
  std::size_t inside = 0;
  for (std::size_t k = 0; k < grid.n_rows(); ++k)
    {
      const double r = grid.value("r_m", k), s = grid.value("stress_zz_Pa", k);
      EXPECT_EQ(grid.value("i", k), k % 19);
      EXPECT_EQ(grid.value("j", k), k / 19);
      if (std::abs(r) > 1.5e-3 + 1e-12)
        EXPECT_TRUE(std::isnan(s)) << "r = " << r;
      else
        {
          ++inside;
          EXPECT_NEAR(s, -E * e, 1e-8 * E * e) << "r = " << r;
        }
    }
  EXPECT_EQ(inside, 15u * 31u); // |x| <= 1.4 mm of the 0.2 mm grid
  for (const char *q : {"triaxiality", "von_mises_stress", "lode_parameter"})
    EXPECT_TRUE(std::filesystem::exists(dir + "/section_sampling/section_" + std::string(q) + "_00001.png")) << q;
  const bmgfe_test::CsvTable times(dir + "/section_sampling/times.csv");
  ASSERT_EQ(times.n_rows(), 2u);
  EXPECT_DOUBLE_EQ(times.value("time_s", 0), 0.5);

  // 2 ranks: the same tables.
  const std::string dir2 = "section_uniaxial_2_ranks";
  std::filesystem::remove_all(dir2);
  const auto run2 = bmgfe_test::run_bmgfe(uniaxial_rod(dir2), 2);
  ASSERT_EQ(run2.exit_code, 0) << run2.output;
  const bmgfe_test::CsvTable grid2(dir2 + "/section_sampling/section_00001.csv");
  ASSERT_EQ(grid2.n_rows(), grid.n_rows());
  double diff = 0;
  for (std::size_t k = 0; k < grid.n_rows(); ++k)
    for (const char *c : {"stress_zz_Pa", "stress_rr_Pa", "principal_stress_1_Pa"})
      {
        const double a = grid.value(c, k), b = grid2.value(c, k);
        if (std::isnan(a))
          EXPECT_TRUE(std::isnan(b));
        else
          diff = std::max(diff, std::abs(a - b));
      }
  std::cout << "1 vs 2 ranks: largest difference " << diff << " Pa\n";
  EXPECT_LT(diff, 1e-8 * E * e);
}

TEST(SectionSampling, HalfBallKernelsBehindTheMeridionalCut)
{
  // Kernels of radius 0.25 mm behind the meridional cut of the uniaxial rod: the averages are
  // the uniform state, and the inside fraction of a kernel near the surface is the weight of its
  // samples within the rod, r = sqrt((x + du)^2 + d^2) <= 1.5 mm.
  const std::string dir = "section_kernel";
  std::filesystem::remove_all(dir);
  auto args = uniaxial_rod(dir);
  for (const char *a : {"--set", "Postprocess/Section sampling/Kernel radius=2.5e-4", "--set",
                        "Postprocess/Section sampling/Kernel sets=diameter"})
    args.push_back(a);
  const auto run = bmgfe_test::run_bmgfe(args);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const double E = 96e9, e = 1e-3, R = 2.5e-4;
  const auto   kernel = half_ball_samples(R, 3);
  const bmgfe_test::CsvTable line(dir + "/section_sampling/diameter_00001.csv");
  ASSERT_EQ(line.n_rows(), 33u);
  std::size_t partial = 0;
  for (std::size_t i = 0; i < 33; ++i)
    {
      const double x = line.value("r_m", i);
      double       expected = 0;
      for (const auto &q : kernel)
        if (std::hypot(x + q.du, q.depth) <= 1.5e-3)
          expected += q.weight;
      EXPECT_NEAR(line.value("inside_fraction", i), expected, 1e-9) << "x = " << x; // 10 digits in the CSV
      partial += expected > 0 && expected < 1;
      if (expected > 0)
        EXPECT_NEAR(line.value("stress_zz_Pa", i), -E * e, 1e-8 * E * e) << "x = " << x;
      else
        EXPECT_TRUE(std::isnan(line.value("stress_zz_Pa", i))) << "x = " << x;
    }
  EXPECT_GE(partial, 4u); // kernels cut by the surface on both sides
  // The grid is not in 'Kernel sets': point values, no inside fraction.
  const bmgfe_test::CsvTable grid(dir + "/section_sampling/section_00001.csv");
  const auto &h = grid.header();
  EXPECT_EQ(std::find(h.begin(), h.end(), "inside_fraction"), h.end());
  // A kernel set that does not exist is an input error naming the entry.
  auto bad = uniaxial_rod(dir + "_bad");
  for (const char *a : {"--set", "Postprocess/Section sampling/Kernel sets=diameter, nowhere", "--validate"})
    bad.push_back(a);
  const auto refused = bmgfe_test::run_bmgfe(bad);
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.output.find("Kernel sets"), std::string::npos) << refused.output;
  EXPECT_NE(refused.output.find("nowhere"), std::string::npos) << refused.output;
}
