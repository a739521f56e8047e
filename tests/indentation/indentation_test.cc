// The mesh-free parts of the virtual indentation (postprocess/indentation.h, doc/model.md §5):
// kernel averages of analytic fields on fine weighted point sets against closed forms or an
// independent 1D quadrature; array statistics from those averages; the kernel's reach; the
// Gaussian fit of a histogram of normal samples; the Berkovich contact depth and Johnson's
// expanding-cavity factor against numbers worked out by hand.
#include <bmgfe/postprocess/indentation.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/quadrature_lib.h>

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <random>
#include <vector>

namespace
{
  using namespace bmgfe::postprocess::indentation;

  constexpr double pi = 3.14159265358979323846;

  /// Spherical Bessel function j1(x) = sin x / x^2 - cos x / x.
  double spherical_j1(const double x) { return std::sin(x) / (x * x) - std::cos(x) / x; }

  /// A weighted point of a planar section (area weight) or of a 3D body (volume weight).
  struct WeightedPoint
  {
    SectionPoint p;
    double       w;
  };

  /// Area quadrature of the disk of radius `a` about (u0, v0): rho = a sin(phi) with a
  /// Gauss-Legendre rule in phi (the sqrt(a^2 - rho^2) of the planar hemisphere kernel becomes
  /// a cos(phi), smooth) and the trapezoidal rule in the angle (periodic: spectral).
  void add_disk(std::vector<WeightedPoint> &set, const double u0, const double v0, const double a,
                const unsigned int n_phi = 40, const unsigned int n_theta = 64)
  {
    const dealii::QGauss<1> g(n_phi);
    for (unsigned int q = 0; q < g.size(); ++q)
      {
        const double phi = 0.5 * pi * g.point(q)[0];
        const double rho = a * std::sin(phi);
        // dA = rho drho dtheta, drho = a cos(phi) dphi, dphi = (pi / 2) dt.
        const double w_radial = rho * a * std::cos(phi) * 0.5 * pi * g.weight(q);
        for (unsigned int t = 0; t < n_theta; ++t)
          {
            const double theta = 2 * pi * (t + 0.5) / n_theta;
            set.push_back({{u0 + rho * std::cos(theta), v0 + rho * std::sin(theta), 0.0},
                           w_radial * 2 * pi / n_theta});
          }
      }
  }

  /// Volume quadrature of the ball of radius a about (u0, v0, depth 0): Gauss in r (weight r^2)
  /// and in cos(theta) separately over [-1, 0] and [0, 1] (the surface depth = 0 is a boundary
  /// of the rule), trapezoidal in the azimuth. Half of its points lie above the surface.
  void add_ball(std::vector<WeightedPoint> &set, const double u0, const double v0, const double a,
                const unsigned int n = 24, const unsigned int n_az = 48)
  {
    const dealii::QGauss<1> g(n);
    for (unsigned int i = 0; i < g.size(); ++i)
      {
        const double r  = a * g.point(i)[0];
        const double wr = r * r * a * g.weight(i);
        for (const double side : {-1.0, 1.0})
          for (unsigned int j = 0; j < g.size(); ++j)
            {
              const double c  = side * g.point(j)[0]; // cos(theta) in [-1, 0] or [0, 1]
              const double s  = std::sqrt(1 - c * c);
              const double wc = g.weight(j);
              for (unsigned int k = 0; k < n_az; ++k)
                {
                  const double az = 2 * pi * (k + 0.5) / n_az;
                  set.push_back({{u0 + r * s * std::cos(az), v0 + r * s * std::sin(az), r * c},
                                 wr * wc * 2 * pi / n_az});
                }
            }
      }
  }

  using Field = std::function<double(const SectionPoint &)>;

  KernelAverages averages(const Kernel &kernel, const Section section,
                          const std::vector<std::array<double, 2>> &indents,
                          const std::vector<WeightedPoint> &set, const Field &f)
  {
    KernelAverages sums(kernel, section, indents, 1);
    for (const auto &wp : set)
      sums.add(wp.p, wp.w, [&](std::vector<double> &values) { values[0] = f(wp.p); });
    return sums;
  }

  /// A 5 x 5 array of indents 1.3 apart about (0.4, -0.25): further apart than two kernel
  /// radii (R = 0.5), so that each indent's point set lies in no other kernel.
  std::vector<std::array<double, 2>> array_of_indents(const double spacing = 1.3)
  {
    std::vector<std::array<double, 2>> out;
    for (int j = -2; j <= 2; ++j)
      for (int i = -2; i <= 2; ++i)
        out.push_back({{0.4 + spacing * i, -0.25 + spacing * j}});
    return out;
  }

  /// The union of the point sets `add(set, u, v)` about every indent.
  template <typename Add>
  std::vector<WeightedPoint> around(const std::vector<std::array<double, 2>> &indents, const Add &add)
  {
    std::vector<WeightedPoint> set;
    for (const auto &c : indents)
      add(set, c[0], c[1]);
    return set;
  }

  constexpr double R = 0.5;   // plastic-zone radius
  constexpr double L = 1.5;   // wavelength of the sinusoid: k R = 2.09
  constexpr double k = 2 * pi / L;
  constexpr double a0 = 2.0, b0 = 0.3, c0 = 0.7, e0 = -1.1;

  /// The population statistics of `v`, computed here independently of array_statistics().
  void expect_statistics(const std::vector<double> &analytic, const std::vector<double> &measured)
  {
    double mean = 0;
    for (const double v : analytic)
      mean += v;
    mean /= analytic.size();
    double var = 0;
    for (const double v : analytic)
      var += (v - mean) * (v - mean);
    const double std  = std::sqrt(var / analytic.size());
    const double fwhm = 2.3548200450309493 * std / mean;
    const ArrayStatistics s = array_statistics(measured);
    EXPECT_EQ(s.n, analytic.size());
    EXPECT_NEAR(s.mean, mean, 1e-6);
    EXPECT_NEAR(s.std, std, 1e-6);
    EXPECT_NEAR(s.fwhm, fwhm, 1e-6);
    EXPECT_GT(std, 1e-2); // the fields vary over the array: the check can fail
    std::cout << "[ statistics ] mean " << s.mean << " (analytic " << mean << "), std " << s.std << " ("
              << std << "), FWHM " << s.fwhm << " (" << fwhm << ")" << std::endl;
  }
} // namespace

TEST(IndentationKernel, PlanarHemisphereLinearAndSinusoid)
{
  const Kernel kernel{KernelShape::hemisphere, R};
  const auto   indents = array_of_indents();
  auto set = around(indents, [](auto &points, double u, double v) { add_disk(points, u, v, R); });
  // Far points with absurd values: outside every kernel, they must not count.
  for (int n = 0; n < 50; ++n)
    set.push_back({{10.0 + n, 10.0, 0.0}, 1.0});
  const auto big = [](const SectionPoint &p) { return p.u > 5 ? 1e9 : 0.0; };

  // Linear: the hemisphere's planar weight sqrt(R^2 - rho^2) is symmetric about the indent, so the
  // average is the value at the indent.
  const auto linear = averages(kernel, Section::planar, indents, set,
                               [&](const SectionPoint &p) { return a0 + b0 * p.u + big(p); });
  // Sinusoid: the planar hemisphere average of exp(i k x) is the ball's, 3 j1(kR) / (kR).
  const double factor = 3 * spherical_j1(k * R) / (k * R);
  const auto   wave   = averages(kernel, Section::planar, indents, set,
                             [&](const SectionPoint &p) { return a0 + c0 * std::sin(k * p.u) + big(p); });
  std::vector<double> analytic_linear, analytic_wave, measured_linear, measured_wave;
  double              worst = 0;
  for (std::size_t i = 0; i < indents.size(); ++i)
    {
      analytic_linear.push_back(a0 + b0 * indents[i][0]);
      analytic_wave.push_back(a0 + c0 * factor * std::sin(k * indents[i][0]));
      measured_linear.push_back(linear.average(i, 0));
      measured_wave.push_back(wave.average(i, 0));
      EXPECT_NEAR(measured_linear[i], analytic_linear[i], 1e-6) << i;
      EXPECT_NEAR(measured_wave[i], analytic_wave[i], 1e-6) << i;
      worst = std::max({worst, std::abs(measured_linear[i] - analytic_linear[i]),
                        std::abs(measured_wave[i] - analytic_wave[i])});
      // All 40 x 64 points of its own disk, none of the others'.
      EXPECT_EQ(linear.n_points(i), 40 * 64) << i;
    }
  // By hand, kR = 2 pi / 3 = 2.0944: j1 = 0.86603 / 4.3865 + 0.5 / 2.0944 = 0.19743 + 0.23873 =
  // 0.43616, 3 j1 / kR = 0.62476; not the uniform disk's 2 J1(kR)/(kR) = 0.552 nor 1.
  EXPECT_NEAR(factor, 0.62476, 1e-5);
  std::cout << "[ planar hemisphere ] largest |average - analytic| " << worst << std::endl;
  expect_statistics(analytic_linear, measured_linear);
  expect_statistics(analytic_wave, measured_wave);
}

TEST(IndentationKernel, PlanarGaussianAgainstIndependentQuadrature)
{
  const Kernel kernel{KernelShape::gaussian, R};
  const double s = kernel.sigma(), a = kernel.support();
  EXPECT_DOUBLE_EQ(a, 3 * R);
  // The average of cos(k x) over the 3D Gaussian exp(-r^2 / 2 s^2) cut off at r = 3R below the
  // indent (fields uniform in depth, so the half ball averages as the whole ball):
  // int r^2 exp(-r^2/2s^2) j0(kr) dr / int r^2 exp(-r^2/2s^2) dr over [0, 3R] (1D Gauss, 400 points).
  const dealii::QGauss<1> g(400);
  double                  num = 0, den = 0;
  for (unsigned int q = 0; q < g.size(); ++q)
    {
      const double r = a * g.point(q)[0], w = g.weight(q) * r * r * std::exp(-r * r / (2 * s * s));
      num += w * std::sin(k * r) / (k * r);
      den += w;
    }
  const double factor = num / den;

  const auto indents = array_of_indents(3.5); // support 1.5: disks 3 wide, 3.5 apart
  const auto set = around(indents, [a](auto &points, double u, double v) { add_disk(points, u, v, a, 60, 96); });
  const auto wave = averages(kernel, Section::planar, indents, set,
                             [&](const SectionPoint &p) { return a0 + c0 * std::sin(k * p.v) + b0 * p.u; });
  std::vector<double> analytic, measured;
  for (std::size_t i = 0; i < indents.size(); ++i)
    {
      analytic.push_back(a0 + b0 * indents[i][0] + c0 * factor * std::sin(k * indents[i][1]));
      measured.push_back(wave.average(i, 0));
      EXPECT_NEAR(measured[i], analytic[i], 1e-6) << i;
    }
  std::cout << "[ planar gaussian ] factor " << factor << ", indent 7: " << measured[7] << " vs "
            << analytic[7] << std::endl;
  expect_statistics(analytic, measured);
}

TEST(IndentationKernel, ThreeDimensionalHemisphere)
{
  const Kernel kernel{KernelShape::hemisphere, R};
  const auto   indents = array_of_indents();
  const auto   set = around(indents, [](auto &points, double u, double v) { add_ball(points, u, v, R); });
  // Linear in u and in depth, sinusoidal in v: the uniform half ball averages the depth at its
  // centroid 3R/8 and exp(i k y) to 3 spherical_j1(kR)/(kR). The points above the surface (depth < 0) must
  // not count: with them the depth would average to 0.
  const double factor = 3 * spherical_j1(k * R) / (k * R);
  const auto   sums   = averages(kernel, Section::three_dimensional, indents, set, [&](const SectionPoint &p) {
    return a0 + b0 * p.u + e0 * p.depth + c0 * std::sin(k * p.v);
  });
  std::vector<double> analytic, measured;
  for (std::size_t i = 0; i < indents.size(); ++i)
    {
      analytic.push_back(a0 + b0 * indents[i][0] + e0 * 3 * R / 8 + c0 * factor * std::sin(k * indents[i][1]));
      measured.push_back(sums.average(i, 0));
      EXPECT_NEAR(measured[i], analytic[i], 1e-6) << i;
      EXPECT_EQ(sums.n_points(i), 24 * 24 * 48) << i; // the lower half of its own ball
    }
  EXPECT_DOUBLE_EQ(kernel.centroid_depth(), 3 * R / 8);
  expect_statistics(analytic, measured);
}

TEST(IndentationKernel, RadiusHonoured)
{
  const double eps = 1e-9;
  auto         one_point = [](const Kernel &kernel, const Section section, const SectionPoint &p) {
    KernelAverages sums(kernel, section, {{{0.0, 0.0}}}, 1);
    sums.add(p, 1.0, [](std::vector<double> &v) { v[0] = 1; });
    return std::make_pair(sums.n_points(0), sums.kernel_weight(0));
  };
  const Kernel hemisphere{KernelShape::hemisphere, 2.0};
  EXPECT_DOUBLE_EQ(hemisphere.support(), 2.0);
  // Planar: in-plane distance.
  auto in  = one_point(hemisphere, Section::planar, {0.0, 2.0 * (1 - eps), 0.0});
  auto out = one_point(hemisphere, Section::planar, {2.0 * (1 + eps), 0.0, 0.0});
  EXPECT_EQ(in.first, 1);
  EXPECT_GT(in.second, 0);
  EXPECT_EQ(out.first, 0);
  EXPECT_EQ(out.second, 0);
  // 3D: distance from the indent, below the surface only.
  in  = one_point(hemisphere, Section::three_dimensional, {1.2, 0.0, 1.6 * (1 - eps)});
  out = one_point(hemisphere, Section::three_dimensional, {1.2, 0.0, 1.6 * (1 + eps)});
  EXPECT_EQ(in.first, 1);
  EXPECT_EQ(in.second, 1);
  EXPECT_EQ(out.first, 0);
  EXPECT_EQ(out.second, 0);
  EXPECT_EQ(one_point(hemisphere, Section::three_dimensional, {0.1, 0.0, -0.01}).second, 0);
  // Axisymmetric: an indent on the axis sees the whole ring within R.
  in = one_point(hemisphere, Section::axisymmetric, {2.0 * (1 - eps), 0.0, 0.0});
  EXPECT_EQ(in.first, 1);
  EXPECT_DOUBLE_EQ(in.second, 1.0);
  EXPECT_EQ(one_point(hemisphere, Section::axisymmetric, {2.0 * (1 + eps), 0.0, 0.0}).second, 0);

  // Gaussian: weight out to 3R, counted as "within the plastic zone" only within R.
  const Kernel gaussian{KernelShape::gaussian, 2.0};
  EXPECT_DOUBLE_EQ(gaussian.support(), 6.0);
  EXPECT_DOUBLE_EQ(gaussian.sigma(), 2.0 / std::sqrt(5.0));
  in = one_point(gaussian, Section::three_dimensional, {0.0, 4.0, 0.0});
  EXPECT_EQ(in.first, 0);
  EXPECT_NEAR(in.second, std::exp(-16.0 / (2 * 0.8)), 1e-15);
  EXPECT_EQ(one_point(gaussian, Section::three_dimensional, {0.0, 2.0 * (1 - eps), 0.0}).first, 1);
  EXPECT_GT(one_point(gaussian, Section::three_dimensional, {0.0, 6.0 * (1 - eps), 0.0}).second, 0);
  EXPECT_EQ(one_point(gaussian, Section::three_dimensional, {0.0, 6.0 * (1 + eps), 0.0}).second, 0);
  EXPECT_EQ(one_point(gaussian, Section::planar, {6.0 * (1 + eps), 0.0, 0.0}).second, 0);
}

TEST(IndentationStatistics, HistogramBins)
{
  const Histogram h = make_histogram({1.0, 2.0, 2.5, 3.0, 5.0}, 4);
  ASSERT_EQ(h.counts.size(), 4u);
  EXPECT_DOUBLE_EQ(h.width, 1.0);
  EXPECT_EQ(h.counts, (std::vector<unsigned int>{1, 2, 1, 1})); // the maximum in the last bin
  EXPECT_EQ(h.total(), 5u);
  EXPECT_EQ(make_histogram({4.0, 4.0, 4.0}, 5).counts, (std::vector<unsigned int>{3}));
  EXPECT_EQ(sturges_bins(289), 10u);
  // Equal values: FWHM 0, and the fit's FWHM 0.
  const ArrayStatistics s = array_statistics(std::vector<double>(20, 6.6e9));
  EXPECT_EQ(s.fwhm, 0);
  EXPECT_EQ(s.fwhm_fit, 0);
}

TEST(IndentationStatistics, GaussianFitRecoversSigma)
{
  // Arrays of n normal samples of mean 1 and sigma 0.04 (H/mean(H) of an array), 400 seeds each:
  // how often the fitted s lies within one and two of its standard errors of 0.04.
  for (const unsigned int n : {289u, 5000u})
    {
      unsigned int within_1 = 0, within_2 = 0, converged = 0;
      const unsigned int trials = 400;
      double             mean_sigma = 0, mean_error = 0;
      for (unsigned int seed = 1; seed <= trials; ++seed)
        {
          std::mt19937                     rng(seed);
          std::normal_distribution<double> normal(1.0, 0.04);
          std::vector<double>              v(n);
          for (auto &x : v)
            x = normal(rng);
          const ArrayStatistics s = array_statistics(v);
          if (!s.fit.converged)
            continue;
          ++converged;
          const double deviation = std::abs(s.fit.sigma - 0.04);
          within_1 += deviation <= s.fit.sigma_error;
          within_2 += deviation <= 2 * s.fit.sigma_error;
          mean_sigma += s.fit.sigma / trials;
          mean_error += s.fit.sigma_error / trials;
          EXPECT_DOUBLE_EQ(s.fwhm_fit, 2.3548200450309493 * s.fit.sigma);
        }
      std::cout << "[ gaussian fit ] n = " << n << ", " << trials << " seeds: " << converged << " converged, mean s "
                << mean_sigma << " (true 0.04), mean standard error " << mean_error << "; |s - 0.04| within 1 SE "
                << within_1 << ", within 2 SE " << within_2 << std::endl;
      EXPECT_EQ(converged, trials);
      EXPECT_NEAR(mean_sigma, 0.04, 0.1 * 0.04);
      EXPECT_GE(within_1, 0.5 * trials);
      EXPECT_GE(within_2, 0.8 * trials); // 95 % if the standard error were exact: it is ~15 % low
    }
}

TEST(IndentationEstimates, BerkovichContactDepthAndExpandingCavity)
{
  // By hand: 24.5 * 6.6e9 = 1.617e11 Pa; 0.05 N / 1.617e11 Pa = 3.0921e-13 m^2; sqrt = 0.55607 um.
  EXPECT_NEAR(berkovich_contact_depth(0.05, 6.6e9), 5.5607e-7, 1e-11);
  EXPECT_NEAR(berkovich_contact_depth(98.0, 1.0), 2.0, 1e-15); // sqrt(98 / 24.5) = sqrt(4)
  // Johnson, Vit1 (E = 96 GPa, nu = 0.36, Y = 1.8 GPa), cone of half angle 70.3 deg:
  // tan(19.7 deg) = 0.35805; E tan(beta) / (6 Y (1 - nu)) = 34.373e9 / 6.912e9 = 4.9729;
  // 2 (1 - 2 nu) / (3 (1 - nu)) = 0.56 / 1.92 = 0.29167; (c/a)^3 = 5.2646, c/a = 1.7396;
  // a/h = tan(70.3 deg) = 2.7929; c/h = 4.8586.
  EXPECT_NEAR(expanding_cavity_plastic_zone_factor(96e9, 0.36, 1.8e9), 4.8586, 1e-3);
  // nu = 1/2 (incompressible): (c/a)^3 = E tan(beta) / (3 Y); E tan(beta) = 3 Y: c/a = 1.
  const double beta = (90 - 70.3) * pi / 180;
  EXPECT_NEAR(expanding_cavity_plastic_zone_factor(3.0 / std::tan(beta), 0.5, 1.0),
              std::tan(70.3 * pi / 180), 1e-12);
}

int main(int argc, char **argv)
{
  dealii::Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
