// The "virtual indentation" postprocessor run by bmgfe (planar_rod.prm: a planar rod
// cross-section, prescribed temperature, no mechanics; the indents measure the temperature):
// its files exist and are well formed, a uniform field gives FWHM 0, a linear field gives the
// value at each indent, 2 MPI ranks give the indents of 1 rank, and malformed entries are
// refused with one error line naming the entry.
#include <bmgfe_test_support.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace
{
  namespace fs = std::filesystem;
  using namespace bmgfe_test;

  const std::string prm = std::string(BMGFE_TEST_SOURCE_DIR) + "/indentation/planar_rod.prm";

  /// Run planar_rod.prm into `out` with extra --set entries; the run must succeed.
  void run(const std::string &out, std::vector<std::string> sets, const unsigned int ranks = 0)
  {
    fs::remove_all(out);
    std::vector<std::string> args = {prm, "--set", "Output directory=" + out};
    for (const auto &s : sets)
      {
        args.push_back("--set");
        args.push_back(s);
      }
    const RunResult r = run_bmgfe(args, ranks);
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }

  /// A PNG file: signature, IHDR of positive size, IEND at the end.
  ::testing::AssertionResult well_formed_png(const std::string &file)
  {
    const std::string data = read_file(file);
    if (data.size() < 57 || data.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0 || data.compare(12, 4, "IHDR") != 0)
      return ::testing::AssertionFailure() << file << " is not a PNG file";
    auto u32 = [&](const std::size_t at) {
      return (static_cast<unsigned char>(data[at]) << 24) | (static_cast<unsigned char>(data[at + 1]) << 16) |
             (static_cast<unsigned char>(data[at + 2]) << 8) | static_cast<unsigned char>(data[at + 3]);
    };
    if (u32(16) == 0 || u32(20) == 0 || data[24] != 8 || data[25] != 2)
      return ::testing::AssertionFailure() << file << ": not an 8-bit RGB image of positive size";
    if (data.compare(data.size() - 8, 4, "IEND") != 0)
      return ::testing::AssertionFailure() << file << " does not end with IEND";
    return ::testing::AssertionSuccess() << u32(16) << " x " << u32(20);
  }

  constexpr unsigned int n_indents = 3 * 25;
} // namespace

TEST(VirtualIndentation, FilesOfALinearField)
{
  const std::string out = "out_indentation_linear";
  run(out, {});
  const std::string dir = out + "/indentation";
  // 'Times = 0.5' and the end of the run (t = 1).
  const CsvTable times(dir + "/times.csv");
  ASSERT_EQ(times.n_rows(), 2u);
  EXPECT_DOUBLE_EQ(times.value("time_s", 0), 0.5);
  EXPECT_DOUBLE_EQ(times.value("time_s", 1), 1.0);
  for (const char *index : {"00000", "00001"})
    {
      const CsvTable indents(dir + "/indents_" + index + ".csv");
      ASSERT_EQ(indents.n_rows(), n_indents);
      EXPECT_EQ(indents.header(), (std::vector<std::string>{"array", "i", "j", "x_m", "y_m", "r_m", "status",
                                                            "kernel_points", "temperature_K"}));
      unsigned int kernel = 0, outside = 0;
      double       worst  = 0;
      for (std::size_t n = 0; n < indents.n_rows(); ++n)
        {
          const std::string status = indents.text("status", n);
          const double      x = indents.value("x_m", n), y = indents.value("y_m", n);
          const double      T = indents.value("temperature_K", n);
          EXPECT_NEAR(indents.value("r_m", n), std::hypot(x, y), 1e-15);
          if (status == "kernel")
            {
              ++kernel;
              EXPECT_GE(indents.value("kernel_points", n), 10);
              // The planar kernel sqrt(R^2 - rho^2) is symmetric: a linear field averages to its
              // value at the indent, up to the asymmetry of the ~110 quadrature points in the
              // kernel (mesh size R/2): within 2 % of the field's change over R (10 K).
              EXPECT_NEAR(T, 300 + 1e5 * x, 0.2) << n;
              worst = std::max(worst, std::abs(T - 300 - 1e5 * x));
            }
          else
            {
              EXPECT_EQ(status, "outside") << n;
              EXPECT_TRUE(std::isnan(T)) << n;
              // Only indents whose plastic zone (R = 100 um) leaves the rod (1 mm) are skipped.
              EXPECT_GT(std::hypot(x, y) + 1e-4, 1e-3) << n;
              ++outside;
            }
        }
      std::cout << "[ linear field ] " << index << ": " << kernel << " kernel averages, " << outside
                << " outside; largest |T - T(indent)| " << worst << " K" << std::endl;
      EXPECT_EQ(kernel + outside, n_indents);
      EXPECT_GE(kernel, 50u);
      EXPECT_GE(outside, 5u);

      // Per-array statistics agree with the indents: 2.3548 std/mean over the measured ones.
      const CsvTable profile(dir + "/fwhm_profile_" + index + ".csv");
      ASSERT_EQ(profile.n_rows(), 3u);
      for (std::size_t a = 0; a < 3; ++a)
        {
          std::vector<double> v;
          for (std::size_t n = 0; n < indents.n_rows(); ++n)
            if (indents.value("array", n) == a && indents.text("status", n) == "kernel")
              v.push_back(indents.value("temperature_K", n));
          double mean = 0, var = 0;
          for (const double t : v)
            mean += t / v.size();
          for (const double t : v)
            var += (t - mean) * (t - mean) / v.size();
          EXPECT_EQ(profile.value("indents", a), v.size());
          EXPECT_NEAR(profile.value("temperature_mean_K", a), mean, 1e-9);
          EXPECT_NEAR(profile.value("temperature_std_K", a), std::sqrt(var), 1e-9);
          EXPECT_NEAR(profile.value("temperature_fwhm", a), 2.3548200450309493 * std::sqrt(var) / mean, 1e-9);
          // x spread of the array: 4 x 50 um of 1e5 K/m over about 300 K.
          EXPECT_GT(profile.value("temperature_fwhm", a), 1e-3);
        }

      const CsvTable histograms(dir + "/histograms_" + index + ".csv");
      ASSERT_EQ(histograms.n_rows(), 3u * 4u); // 3 arrays, one quantity, 4 bins
      for (std::size_t a = 0; a < 3; ++a)
        {
          double total = 0;
          for (std::size_t b = 0; b < 4; ++b)
            {
              EXPECT_LT(histograms.value("lower", 4 * a + b), histograms.value("upper", 4 * a + b));
              total += histograms.value("count", 4 * a + b);
            }
          EXPECT_EQ(total, profile.value("indents", a));
          // The linear field spreads an array's values evenly (a flat histogram): the Gaussian fit
          // runs away (s without bound) and is reported as failed, nan in both files.
          EXPECT_TRUE(std::isnan(profile.value("temperature_fwhm_fit", a))) << a;
          EXPECT_TRUE(std::isnan(histograms.value("fit_count", 4 * a))) << a;
        }

      for (const char *array : {"00", "01", "02"})
        {
          const std::string base = dir + "/maps_" + index + "/temperature_array_" + array;
          const CsvTable    map(base + ".csv");
          EXPECT_EQ(map.header().size(), 6u); // y_m/x_m and 5 columns
          EXPECT_EQ(map.n_rows(), 5u);
          EXPECT_TRUE(well_formed_png(base + ".png"));
        }
    }
  const std::string summary = read_file(out + "/summary.json");
  EXPECT_NE(summary.find("\"temperature_fwhm_centre_array\""), std::string::npos) << summary;
  EXPECT_NE(summary.find("\"indentation_indents\""), std::string::npos) << summary;
}

TEST(VirtualIndentation, UniformFieldHasNoWidth)
{
  const std::string out = "out_indentation_uniform";
  run(out, {"Heat/Prescribed temperature field=412.5"});
  const CsvTable indents(out + "/indentation/indents_00001.csv");
  for (std::size_t n = 0; n < indents.n_rows(); ++n)
    if (indents.text("status", n) == "kernel")
      {
        EXPECT_NEAR(indents.value("temperature_K", n), 412.5, 1e-10) << n;
      }
  const CsvTable profile(out + "/indentation/fwhm_profile_00001.csv");
  double         largest = 0;
  for (std::size_t a = 0; a < profile.n_rows(); ++a)
    {
      EXPECT_GT(profile.value("indents", a), 1);
      EXPECT_LT(profile.value("temperature_fwhm", a), 1e-12) << a;
      EXPECT_LT(profile.value("temperature_fwhm_fit", a), 1e-12) << a;
      largest = std::max(largest, profile.value("temperature_fwhm", a));
    }
  std::cout << "[ uniform field ] largest FWHM " << largest << std::endl;
}

TEST(VirtualIndentation, TwoRanksGiveTheIndentsOfOne)
{
  const std::string one = "out_indentation_np1", two = "out_indentation_np2";
  const std::vector<std::string> sets = {"Heat/Prescribed temperature field=2000 + 1e5*x + 3e9*x*y"}; // > 0 K on the rod
  run(one, sets);
  run(two, sets, 2);
  ASSERT_NE(read_file(two + "/log.txt").find("MPI ranks    : 2"), std::string::npos);
  for (const char *index : {"00000", "00001"})
    {
      const CsvTable a(one + "/indentation/indents_" + index + ".csv");
      const CsvTable b(two + "/indentation/indents_" + index + ".csv");
      ASSERT_EQ(a.n_rows(), b.n_rows());
      double worst = 0;
      for (std::size_t n = 0; n < a.n_rows(); ++n)
        {
          EXPECT_EQ(a.text("status", n), b.text("status", n)) << n;
          EXPECT_EQ(a.value("kernel_points", n), b.value("kernel_points", n)) << n;
          const double ta = a.value("temperature_K", n), tb = b.value("temperature_K", n);
          if (std::isnan(ta))
            EXPECT_TRUE(std::isnan(tb)) << n;
          else
            {
              EXPECT_NEAR(ta, tb, 1e-10) << n;
              worst = std::max(worst, std::abs(ta - tb));
            }
        }
      std::cout << "[ 2 ranks ] " << index << ": largest difference " << worst << " K" << std::endl;
    }
}

TEST(VirtualIndentation, MalformedEntriesAreRefused)
{
  const std::vector<std::pair<std::string, std::string>> cases = {
    {"Array centres", "0, 0; 1e-4"},
    {"Array centres", "0, zero"},
    {"Indent spacing", "-5e-5"},
    {"Indent spacing", "5e-5 m"},
    {"Times", "0.5, soon"},
  };
  for (const auto &[name, value] : cases)
    {
      const std::string out = fs::absolute("out_indentation_refused").string();
      fs::remove_all(out);
      const RunResult r = run_bmgfe({prm, "--set", "Output directory=" + out, "--set",
                                     "Postprocess/Virtual indentation/" + name + "=" + value});
      EXPECT_NE(r.exit_code, 0) << r.output;
      std::vector<std::string> errors;
      std::istringstream       in(r.output);
      for (std::string line; std::getline(in, line);)
        if (line.find("rror") != std::string::npos)
          errors.push_back(line);
      ASSERT_EQ(errors.size(), 1u) << name << " = " << value << ":\n" << r.output;
      std::cout << "[ error line ] " << errors[0] << std::endl;
      EXPECT_EQ(errors[0].rfind("bmgfe: error: ", 0), 0u) << errors[0];
      EXPECT_NE(errors[0].find("Virtual indentation/" + name), std::string::npos) << errors[0];
      EXPECT_FALSE(fs::exists(out + "/summary.json")) << name;
    }
}
