// Postprocessor "deformation gauges" (postprocess/deformation_gauges.h, issue 15) on an
// axisymmetric rod in uniform elastic uniaxial compression (frictionless platens, isothermal):
// strain (-e, nu e, nu e) in (z, r, theta), no rotation. Axial and radial extensometers change by
// -e and nu e, the largest principal strain is e, the largest rotation 0; the small-strain note
// appears when the limit is below e and not otherwise.
#include <bmgfe_test_support.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

namespace
{
  std::vector<std::string> uniaxial_rod(const std::string &dir, const std::string &limit)
  {
    return {std::string(BMGFE_SMALL_ROD_PRM),
            "--set", "Output directory=" + dir,
            "--set", "Verbosity=normal",
            "--set", "Heat/Initial temperature=293.15",
            "--set", "Thermal protocol/quench/Environment temperature=293.15",
            "--set", "Mechanics/Enabled=true",
            "--set", "Mechanics/Loading programme/Enabled=true",
            "--set", "Mechanics/Loading programme/Segments=load to -0.001 in 1 s",
            "--set", "Postprocess/List of postprocessors=default, deformation gauges",
            "--set", "Postprocess/Deformation gauges/Small-strain limit=" + limit,
            "--set", "Postprocess/Deformation gauges/Extensometers=axial: 0, 1e-3; 0, 5e-3 | "
                     "radial: 5e-4, 3e-3; 1.5e-3, 3e-3"};
  }
} // namespace

TEST(DeformationGauges, UniformUniaxialCompressionOfARod)
{
  const double e = 1e-3, nu = 0.36;
  const std::string dir = "gauges_uniaxial";
  std::filesystem::remove_all(dir);
  const auto run = bmgfe_test::run_bmgfe(uniaxial_rod(dir, "0.05"));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(run.output.find("passes the small-strain limit"), std::string::npos) << run.output;
  const bmgfe_test::Statistics s(dir + "/statistics.csv");
  const std::size_t last = s.n_rows() - 1;
  std::cout << "axial change " << s.value("extensometer_axial_change", last) << ", radial "
            << s.value("extensometer_radial_change", last) << ", strain "
            << s.value("largest_principal_strain", last) << ", rotation "
            << s.value("largest_rotation_rad", last) << '\n';
  EXPECT_NEAR(s.value("extensometer_axial_change", last), -e, 1e-9 * e);
  EXPECT_NEAR(s.value("extensometer_radial_change", last), nu * e, 1e-9 * e);
  EXPECT_NEAR(s.value("extensometer_axial_length_m", last), 4e-3 * (1 - e), 1e-12);
  EXPECT_NEAR(s.value("largest_principal_strain", last), e, 1e-9 * e);
  EXPECT_LT(s.value("largest_rotation_rad", last), 1e-9 * e);
  EXPECT_NE(bmgfe_test::read_file(dir + "/summary.json").find("\"small_strain_limit_passed_s\": null"),
            std::string::npos);

  // A limit below the strain: one note, and its time in summary.json.
  const std::string low = "gauges_uniaxial_low_limit";
  std::filesystem::remove_all(low);
  const auto run2 = bmgfe_test::run_bmgfe(uniaxial_rod(low, "5e-4"));
  ASSERT_EQ(run2.exit_code, 0) << run2.output;
  const auto first = run2.output.find("passes the small-strain limit");
  EXPECT_NE(first, std::string::npos) << run2.output;
  EXPECT_EQ(run2.output.find("passes the small-strain limit", first + 1), std::string::npos);
  EXPECT_EQ(bmgfe_test::read_file(low + "/summary.json").find("\"small_strain_limit_passed_s\": null"),
            std::string::npos);
}

TEST(DeformationGauges, RefusesMalformedExtensometers)
{
  for (const std::string &bad : {"axial 0, 1e-3; 0, 5e-3", "axial: 0, 1e-3", "axial: 0, 1e-3; 0, 1e-3",
                                 "a: 0, 1e-3; 0, 2e-3 | a: 0, 3e-3; 0, 4e-3"})
    {
      auto args = uniaxial_rod("gauges_bad", "0.05");
      args.back() = "Postprocess/Deformation gauges/Extensometers=" + bad;
      args.push_back("--validate");
      const auto run = bmgfe_test::run_bmgfe(args);
      EXPECT_NE(run.exit_code, 0) << bad;
      EXPECT_NE(run.output.find("Postprocess/Deformation gauges/Extensometers"), std::string::npos)
        << bad << ": " << run.output;
    }
}
