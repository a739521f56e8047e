// The virtual synchrotron scan (postprocess/synchrotron_scan.h, issue 15): its pixels and
// samples, the rotation of the axisymmetric tensor into the scan frame and the average over the
// beam path against closed forms (no mesh), and a bmgfe run of an axisymmetric rod in uniform
// elastic uniaxial compression whose scan must be the uniaxial elastic strain in every pixel,
// with the inside fraction of each pixel that of its samples inside the rod, on 1 and 2 ranks.
#include <bmgfe/postprocess/synchrotron_scan.h>

#include <bmgfe_test_support.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

using namespace bmgfe::postprocess::synchrotron;
using dealii::SymmetricTensor;

namespace
{
  Settings seed_like()
  {
    Settings s;
    s.region = {{-1e-3, 0, 1e-3, 2e-3}};
    return s; // fast along: 50 x 1 um = 50 um, slow 50 um
  }
} // namespace

TEST(SynchrotronScan, PixelsAndSamples)
{
  Settings s = seed_like();
  EXPECT_EQ(grid_size(s), (std::array<unsigned int, 2>{{40, 40}}));
  const auto pixels = make_pixels(s, Frame::axisymmetric);
  ASSERT_EQ(pixels.size(), 1600u);
  // Pixel (i, j) at j * 40 + i, centred in its 50 um square.
  EXPECT_NEAR(pixels[41].across, -1e-3 + 1.5 * 5e-5, 1e-15);
  EXPECT_NEAR(pixels[41].along, 1.5 * 5e-5, 1e-15);
  // 5 samples along the fast axis (the beam of 0.5 um is one sample across), 8 through the
  // 1 mm slice; weights sum to 1; samples inside the pixel's swept extent; the beam path
  // symmetric about the axis.
  const auto &p = pixels[41];
  ASSERT_EQ(p.samples.size(), 40u);
  double sum = 0, beam = 0;
  for (const auto &q : p.samples)
    {
      sum += q.weight;
      beam += q.beam;
      EXPECT_LE(std::abs(q.along - p.along), 2.5e-5);
      EXPECT_NEAR(q.across, p.across, 1e-18);
      EXPECT_LE(std::abs(q.beam), 5e-4);
    }
  EXPECT_NEAR(sum, 1, 1e-14);
  EXPECT_NEAR(beam, 0, 1e-15);
  // Fast axis across: the pitch swaps; a wide beam adds samples along the slow axis.
  s.fast_along = false;
  s.slow_step  = 1e-4;
  s.beam_size  = 2e-5;
  EXPECT_EQ(grid_size(s), (std::array<unsigned int, 2>{{40, 20}}));
  EXPECT_EQ(make_pixels(s, Frame::planar).front().samples.size(), 5u * 2u);
}

TEST(SynchrotronScan, AxisymmetricTensorInTheScanFrame)
{
  // (r, z, theta) = (0, 1, 2).
  SymmetricTensor<2, 3> eps;
  eps[0][0] = 1e-3;  // rr
  eps[1][1] = -2e-3; // zz
  eps[2][2] = 4e-4;  // theta theta
  eps[0][1] = 3e-4;  // rz
  const double x = 3e-4, y = 4e-4, r = 5e-4;
  const auto   c = scan_components(eps, Frame::axisymmetric, x, y, 1, 0);
  EXPECT_DOUBLE_EQ(c[0], -2e-3);
  EXPECT_NEAR(c[1], (1e-3 * x * x + 4e-4 * y * y) / (r * r), 1e-18);
  EXPECT_NEAR(c[2], 3e-4 * x / r, 1e-18);
  EXPECT_NEAR(c[3], 1e-3 - 2e-3 + 4e-4, 1e-18);
  // The other side of the axis: the shear changes sign, the rest does not.
  const auto m = scan_components(eps, Frame::axisymmetric, -x, y, 1, 0);
  EXPECT_NEAR(m[2], -c[2], 1e-18);
  EXPECT_NEAR(m[1], c[1], 1e-18);
  // On the axis: e_r along the across axis.
  EXPECT_NEAR(scan_components(eps, Frame::axisymmetric, 0, 0, 1, 0)[1], 1e-3, 1e-18);
  // Cartesian frames take the named components.
  const auto s = scan_components(eps, Frame::solid, x, y, 2, 0);
  EXPECT_DOUBLE_EQ(s[0], 4e-4);
  EXPECT_DOUBLE_EQ(s[1], 1e-3);
  EXPECT_DOUBLE_EQ(s[2], 0);
}

TEST(SynchrotronScan, ChordAverageOfARadialAndHoopStrain)
{
  // Constant eps_rr = a, eps_tt = b through the whole chord of half-length h at x: the mean of
  // (a x^2 + b y^2)/(x^2 + y^2) over |y| <= h is b + (a - b)(x/h) atan(h/x).
  Settings s;
  s.region        = {{2e-4, 0, 2.5e-4, 5e-5}};
  s.slow_step     = 5e-5;
  s.slice         = 0;
  s.body_radius   = 1e-3;
  s.slice_samples = 4000;
  s.samples       = 1;
  const auto pixels = make_pixels(s, Frame::axisymmetric);
  ASSERT_EQ(pixels.size(), 1u);
  SymmetricTensor<2, 3> eps;
  const double a = 2e-3, b = -1e-3;
  eps[0][0] = a;
  eps[2][2] = b;
  double mean = 0;
  for (const auto &q : pixels[0].samples)
    mean += q.weight * scan_components(eps, Frame::axisymmetric, q.across, q.beam, 1, 0)[1];
  const double x = pixels[0].across, h = 1e-3;
  EXPECT_NEAR(mean, b + (a - b) * (x / h) * std::atan(h / x), 1e-9);
}

TEST(SynchrotronScan, PrincipalStrains)
{
  const auto uniaxial = principal_strains(1e-3, 0, 0);
  EXPECT_DOUBLE_EQ(uniaxial[0], 1e-3);
  EXPECT_DOUBLE_EQ(uniaxial[1], 0);
  EXPECT_DOUBLE_EQ(uniaxial[2], 0);
  // Pure shear: principal strains +-e12 at 45 deg to the load axis.
  const auto shear = principal_strains(0, 0, 1e-3);
  EXPECT_NEAR(shear[0], 1e-3, 1e-18);
  EXPECT_NEAR(shear[1], -1e-3, 1e-18);
  EXPECT_NEAR(shear[2], 45, 1e-12);
  // Compression along the load: the first (larger) principal strain is across it.
  EXPECT_NEAR(principal_strains(-1e-3, 3e-4, 0)[2], 90, 1e-12);
}

namespace
{
  struct ScanTable
  {
    std::vector<double> across, along, inside, e11, e22, e12, vol;
  };

  ScanTable read_scan(const std::string &file)
  {
    const bmgfe_test::CsvTable csv(file);
    ScanTable                  t;
    for (std::size_t r = 0; r < csv.n_rows(); ++r)
      {
        t.across.push_back(csv.value("across_m", r));
        t.along.push_back(csv.value("along_m", r));
        t.inside.push_back(csv.value("inside_fraction", r));
        t.e11.push_back(csv.value("eps_11", r));
        t.e22.push_back(csv.value("eps_22", r));
        t.e12.push_back(csv.value("eps_12", r));
        t.vol.push_back(csv.value("eps_vol", r));
      }
    return t;
  }

  std::vector<std::string> uniaxial_rod(const std::string &dir)
  {
    return {std::string(BMGFE_SMALL_ROD_PRM),
            "--set", "Output directory=" + dir,
            "--set", "Heat/Initial temperature=293.15",
            "--set", "Thermal protocol/quench/Environment temperature=293.15",
            "--set", "Mechanics/Enabled=true",
            "--set", "Mechanics/Loading programme/Enabled=true",
            "--set", "Mechanics/Loading programme/Segments=load to -0.001 in 1 s",
            "--set", "Postprocess/List of postprocessors=default, synchrotron scan",
            "--set", "Postprocess/Synchrotron scan/Slow step=1e-4",
            "--set", "Postprocess/Synchrotron scan/Frames summed=100",
            "--set", "Postprocess/Synchrotron scan/Slice thickness=1.2e-3",
            "--set", "Postprocess/Synchrotron scan/Region=-1.6e-3, 0, 1.6e-3, 6e-3"};
  }
} // namespace

TEST(SynchrotronScan, UniformUniaxialCompressionOfARod)
{
  const std::string dir = "scan_uniaxial";
  std::filesystem::remove_all(dir);
  const auto run = bmgfe_test::run_bmgfe(uniaxial_rod(dir));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const ScanTable t = read_scan(dir + "/synchrotron_scan/scan_00000.csv");
  ASSERT_EQ(t.across.size(), 32u * 60u);
  // Frictionless platens, isothermal: sigma_zz uniform, eps_e = (-e, nu e, nu e) in (z, r, theta)
  // with e = 0.001 and the material's nu = 0.36 (the Vit1 default).
  const double e = 1e-3, nu = 0.36;
  double       worst = 0;
  std::size_t  filled = 0;
  // The inside fraction of every pixel: that of its samples within r <= R = 1.5 mm.
  Settings s;
  s.region    = {{-1.6e-3, 0, 1.6e-3, 6e-3}};
  s.slow_step = 1e-4;
  s.frames    = 100;
  s.slice     = 1.2e-3;
  const auto pixels = make_pixels(s, Frame::axisymmetric);
  ASSERT_EQ(pixels.size(), t.across.size());
  for (std::size_t p = 0; p < t.across.size(); ++p)
    {
      double inside = 0;
      for (const auto &q : pixels[p].samples)
        if (std::hypot(q.across, q.beam) <= 1.5e-3)
          inside += q.weight;
      EXPECT_NEAR(t.inside[p], inside, 1e-9) << "pixel " << p;
      if (inside == 0)
        {
          EXPECT_TRUE(std::isnan(t.e11[p]));
          continue;
        }
      ++filled;
      worst = std::max({worst, std::abs(t.e11[p] + e), std::abs(t.e22[p] - nu * e), std::abs(t.e12[p]),
                        std::abs(t.vol[p] + (1 - 2 * nu) * e)});
    }
  std::cout << filled << " pixels inside; largest deviation from the uniaxial elastic strain "
            << worst << '\n';
  EXPECT_GT(filled, 1500u);
  EXPECT_LT(worst, 1e-8 * e);

  // 2 ranks: the same scan.
  const std::string dir2 = "scan_uniaxial_2_ranks";
  std::filesystem::remove_all(dir2);
  const auto run2 = bmgfe_test::run_bmgfe(uniaxial_rod(dir2), 2);
  ASSERT_EQ(run2.exit_code, 0) << run2.output;
  const ScanTable t2 = read_scan(dir2 + "/synchrotron_scan/scan_00000.csv");
  ASSERT_EQ(t2.e11.size(), t.e11.size());
  double diff = 0;
  for (std::size_t p = 0; p < t.e11.size(); ++p)
    if (!std::isnan(t.e11[p]))
      diff = std::max({diff, std::abs(t.e11[p] - t2.e11[p]), std::abs(t.e22[p] - t2.e22[p]),
                       std::abs(t.vol[p] - t2.vol[p])});
    else
      EXPECT_TRUE(std::isnan(t2.e11[p]));
  std::cout << "1 vs 2 ranks: largest difference " << diff << '\n';
  EXPECT_LT(diff, 1e-10 * e);
  for (const char *name : {"eps_11", "eps_22", "eps_12", "eps_vol"})
    EXPECT_TRUE(std::filesystem::exists(dir + "/synchrotron_scan/" + name + "_00000.png")) << name;
}
