// Shear-band postprocessor (doc/model.md §5) on synthetic fields of the equivalent plastic strain
// with known bands: straight Gaussian bands p = p0 exp(-d^2/(2 s^2)), d the distance to the
// band's mid-line (mid-plane in 3D), whose FWHM is 2 sqrt(2 ln 2) s, sampled on regular grids
// and on irregular point sets. The MPI test runs on 2 ranks (ctest: shear_bands_mpi).
#include <bmgfe/base/input_error.h>
#include <bmgfe/postprocess/shear_bands.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/numbers.h>
#include <deal.II/base/parameter_handler.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

using namespace dealii;
using namespace bmgfe;

namespace
{
  const double fwhm_per_sigma = 2 * std::sqrt(2 * std::log(2.0));

  double radians(const double degrees)
  {
    return degrees * numbers::PI / 180;
  }

  double degrees(const double radians)
  {
    return radians * 180 / numbers::PI;
  }

  /// Angle between two lines (or planes through their normals) [deg, 0..90].
  template <int dim>
  double axis_angle(const Tensor<1, dim> &a, const Tensor<1, dim> &b)
  {
    const double c = std::abs(a * b) / (a.norm() * b.norm());
    // atan2 of the sine and the cosine: accurate for tiny angles, unlike acos.
    return degrees(std::atan2(std::sqrt(std::max(0.0, 1 - c * c)), c));
  }

  /// Straight Gaussian band through `through`, with unit normal `normal`.
  template <int dim>
  struct GaussianBand
  {
    Point<dim>     through;
    Tensor<1, dim> normal;
    double         peak  = 0.2;
    double         sigma = 0;

    double distance(const Point<dim> &x) const { return normal * (x - through); }
    double value(const Point<dim> &x) const
    {
      const double d = distance(x);
      return peak * std::exp(-d * d / (2 * sigma * sigma));
    }
    Tensor<1, dim> gradient(const Point<dim> &x) const
    {
      return -distance(x) / (sigma * sigma) * value(x) * normal;
    }
    double fwhm() const { return fwhm_per_sigma * sigma; }
  };

  /// 2D band at angle theta [deg] to the load axis e_y: direction (sin theta, cos theta).
  GaussianBand<2> band_2d(const double theta, const Point<2> &through, const double sigma,
                          const double peak = 0.2)
  {
    GaussianBand<2> b;
    b.through   = through;
    b.normal[0] = std::cos(radians(theta));
    b.normal[1] = -std::sin(radians(theta));
    b.sigma     = sigma;
    b.peak      = peak;
    return b;
  }

  Tensor<1, 2> direction_2d(const double theta)
  {
    Tensor<1, 2> t;
    t[0] = std::sin(radians(theta));
    t[1] = std::cos(radians(theta));
    return t;
  }

  Tensor<1, 2> axis_y()
  {
    Tensor<1, 2> a;
    a[1] = 1;
    return a;
  }

  /// Sample positions in the square [-L/2, L/2]^2 with weight = area per sample.
  struct PointSet
  {
    std::vector<Point<2>> points;
    double                weight = 0;
  };

  /// Cell centres of an n x n grid.
  PointSet regular_grid(const unsigned int n, const double L)
  {
    PointSet     set;
    const double h = L / n;
    for (unsigned int i = 0; i < n; ++i)
      for (unsigned int j = 0; j < n; ++j)
        set.points.emplace_back(-L / 2 + (i + 0.5) * h, -L / 2 + (j + 0.5) * h);
    set.weight = h * h;
    return set;
  }

  /// Cell centres moved randomly by up to 0.45 cell widths in each direction.
  PointSet jittered_grid(const unsigned int n, const double L, const unsigned int seed)
  {
    PointSet                               set = regular_grid(n, L);
    std::mt19937                           random(seed);
    std::uniform_real_distribution<double> jitter(-0.45 * L / n, 0.45 * L / n);
    for (auto &x : set.points)
      {
        x[0] += jitter(random);
        x[1] += jitter(random);
      }
    return set;
  }

  /// Uniformly random points (no structure at all: clumps and holes).
  PointSet random_points(const unsigned int n_points, const double L, const unsigned int seed)
  {
    PointSet                               set;
    std::mt19937                           random(seed);
    std::uniform_real_distribution<double> u(-L / 2, L / 2);
    for (unsigned int i = 0; i < n_points; ++i)
      {
        const double x = u(random);
        set.points.emplace_back(x, u(random));
      }
    set.weight = L * L / n_points;
    return set;
  }

  template <int dim>
  std::vector<PlasticStrainSample<dim>>
  sample(const std::vector<Point<dim>> &points, const double weight,
         const std::function<double(const Point<dim> &)> &p,
         const std::function<Tensor<1, dim>(const Point<dim> &)> &gradient = nullptr)
  {
    std::vector<PlasticStrainSample<dim>> samples(points.size());
    for (std::size_t i = 0; i < points.size(); ++i)
      {
        samples[i].position       = points[i];
        samples[i].weight         = weight;
        samples[i].plastic_strain = p(points[i]);
        if (gradient)
          {
            samples[i].gradient     = gradient(points[i]);
            samples[i].has_gradient = true;
          }
      }
    return samples;
  }

  template <int dim>
  void expect_finite(const ShearBandResult<dim> &r)
  {
    EXPECT_TRUE(std::isfinite(r.max_plastic_strain));
    EXPECT_TRUE(std::isfinite(r.background_plastic_strain));
    EXPECT_TRUE(std::isfinite(r.threshold));
    EXPECT_TRUE(std::isfinite(r.neighbour_distance));
    for (const auto &b : r.bands)
      {
        for (unsigned int d = 0; d < dim; ++d)
          EXPECT_TRUE(std::isfinite(b.centre[d]) && std::isfinite(b.direction[d]) &&
                      std::isfinite(b.normal[d]));
        EXPECT_TRUE(std::isfinite(b.angle_to_load_axis) && std::isfinite(b.width) &&
                    std::isfinite(b.peak_plastic_strain) && std::isfinite(b.mean_plastic_strain) &&
                    std::isfinite(b.volume) && std::isfinite(b.coherence));
      }
  }

  /// The checks of one straight band: angle 0.5 deg, width 5 %, centre on the mid-line.
  void expect_band(const ShearBand<2> &b, const GaussianBand<2> &exact, const double theta,
                   const double spacing, const std::string &what)
  {
    SCOPED_TRACE(what);
    EXPECT_NEAR(b.angle_to_load_axis, theta, 0.5);
    EXPECT_LT(axis_angle(b.direction, direction_2d(theta)), 0.5);
    EXPECT_LT(axis_angle(b.normal, exact.normal), 0.5);
    EXPECT_NEAR(b.direction.norm(), 1.0, 1e-12);
    EXPECT_NEAR(b.direction * b.normal, 0.0, 1e-12);
    EXPECT_GE(b.direction * axis_y(), 0.0);
    EXPECT_NEAR(b.width / exact.fwhm(), 1.0, 0.05);
    EXPECT_EQ(b.width_sides, 2u);
    EXPECT_LT(std::abs(exact.distance(b.centre)), spacing);
    EXPECT_NEAR(b.peak_plastic_strain, exact.peak, 0.01 * exact.peak);
    EXPECT_GT(b.mean_plastic_strain, 0.5 * exact.peak);
    EXPECT_LT(b.mean_plastic_strain, b.peak_plastic_strain);
    EXPECT_GT(b.coherence, 0.9);
    EXPECT_FALSE(b.crossing);
  }

  const double L     = 2e-3;  // section [m]
  const double sigma = 40e-6; // FWHM 94 um
  const Point<2> off_centre(0.1 * L, -0.05 * L);
  const std::vector<double> angles = {0, 20, 42, 45, 60, 90};

  ShearBandParameters defaults()
  {
    return ShearBandParameters();
  }
} // namespace

TEST(ShearBands2D, OneStraightBandOnRegularGrid)
{
  const unsigned int n    = 250; // spacing 8 um = sigma/5
  const PointSet     grid = regular_grid(n, L);
  for (const double theta : angles)
    {
      const auto exact = band_2d(theta, off_centre, sigma);
      const auto r     = find_shear_bands<2>(
        sample<2>(grid.points, grid.weight, [&](const Point<2> &x) { return exact.value(x); }),
        defaults(), axis_y());
      ASSERT_EQ(r.bands.size(), 1u) << "theta " << theta;
      expect_band(r.bands[0], exact, theta, L / n, "grid, theta " + std::to_string(theta));
      expect_finite(r);
      std::cout << "grid theta " << theta << ": angle " << r.bands[0].angle_to_load_axis
                << ", width/FWHM " << r.bands[0].width / exact.fwhm() << ", coherence "
                << r.bands[0].coherence << '\n';
    }
}

TEST(ShearBands2D, OneStraightBandOnIrregularPoints)
{
  const unsigned int n = 250;
  for (const double theta : angles)
    for (const bool jittered : {true, false})
      {
        const PointSet set = jittered ? jittered_grid(n, L, 17 + static_cast<unsigned>(theta)) :
                                        random_points(n * n, L, 29 + static_cast<unsigned>(theta));
        const auto exact = band_2d(theta, off_centre, sigma);
        const auto r     = find_shear_bands<2>(
          sample<2>(set.points, set.weight, [&](const Point<2> &x) { return exact.value(x); }),
          defaults(), axis_y());
        const std::string what =
          std::string(jittered ? "jittered" : "random") + ", theta " + std::to_string(theta);
        ASSERT_EQ(r.bands.size(), 1u) << what;
        expect_band(r.bands[0], exact, theta, L / n, what);
        std::cout << what << ": angle " << r.bands[0].angle_to_load_axis << ", width/FWHM "
                  << r.bands[0].width / exact.fwhm() << ", coherence " << r.bands[0].coherence
                  << '\n';
      }
}

TEST(ShearBands2D, GivenGradientsAreUsed)
{
  // With the exact grad p, every gradient of a straight band is parallel to its normal, so
  // the structure tensor has rank one: the orientation is exact up to rounding.
  const PointSet set = jittered_grid(200, L, 5);
  for (const double theta : {20.0, 42.0, 77.0})
    {
      const auto exact = band_2d(theta, off_centre, sigma);
      const auto r     = find_shear_bands<2>(
        sample<2>(
          set.points, set.weight, [&](const Point<2> &x) { return exact.value(x); },
          [&](const Point<2> &x) { return exact.gradient(x); }),
        defaults(), axis_y());
      ASSERT_EQ(r.bands.size(), 1u);
      EXPECT_NEAR(r.bands[0].angle_to_load_axis, theta, 1e-8);
      EXPECT_NEAR(r.bands[0].coherence, 1.0, 1e-12);
      EXPECT_NEAR(r.bands[0].width / exact.fwhm(), 1.0, 0.05);
    }
  // Given gradients are taken as they are: a wrong gradient field gives the wrong angle.
  const auto exact = band_2d(20, off_centre, sigma);
  const auto wrong = band_2d(50, off_centre, sigma);
  const auto r     = find_shear_bands<2>(
    sample<2>(
      set.points, set.weight, [&](const Point<2> &x) { return exact.value(x); },
      [&](const Point<2> &x) { return wrong.normal * exact.gradient(x).norm(); }),
    defaults(), axis_y());
  ASSERT_EQ(r.bands.size(), 1u);
  EXPECT_NEAR(r.bands[0].angle_to_load_axis, 50, 1e-8);
}

TEST(ShearBands2D, ResultDoesNotDependOnSampleOrder)
{
  const PointSet set   = jittered_grid(150, L, 3);
  const auto     exact = band_2d(42, off_centre, 60e-6);
  auto samples = sample<2>(set.points, set.weight, [&](const Point<2> &x) { return exact.value(x); });
  const auto first = find_shear_bands<2>(samples, defaults(), axis_y());
  std::shuffle(samples.begin(), samples.end(), std::mt19937(11));
  const auto second = find_shear_bands<2>(samples, defaults(), axis_y());
  ASSERT_EQ(first.bands.size(), 1u);
  ASSERT_EQ(second.bands.size(), 1u);
  EXPECT_EQ(first.bands[0].angle_to_load_axis, second.bands[0].angle_to_load_axis);
  EXPECT_EQ(first.bands[0].width, second.bands[0].width);
  EXPECT_EQ(first.bands[0].centre, second.bands[0].centre);
}

TEST(ShearBands2D, TwoParallelBandsAreTwo)
{
  const PointSet set = jittered_grid(250, L, 8);
  const double   theta = 42;
  // 0.6 mm apart along the normal; the second band is wider and its peak 0.8 times the
  // first one's, so that both exceed half the maximum.
  const auto a = band_2d(theta, Point<2>(-0.3e-3 * std::cos(radians(theta)),
                                         0.3e-3 * std::sin(radians(theta))), sigma, 0.2);
  const auto b = band_2d(theta, Point<2>(0.3e-3 * std::cos(radians(theta)),
                                         -0.3e-3 * std::sin(radians(theta))), 1.5 * sigma, 0.16);
  const auto r = find_shear_bands<2>(
    sample<2>(set.points, set.weight,
              [&](const Point<2> &x) { return std::max(a.value(x), b.value(x)); }),
    defaults(), axis_y());
  ASSERT_EQ(r.bands.size(), 2u);
  // Both bands have the same length in the square; the wider one has the larger area and
  // comes first.
  expect_band(r.bands[0], b, theta, L / 250, "wider band");
  expect_band(r.bands[1], a, theta, L / 250, "narrower band");
  EXPECT_EQ(r.bands[0].id, 0u);
  EXPECT_EQ(r.bands[1].id, 1u);
  EXPECT_GT(r.bands[0].volume, r.bands[1].volume);
}

TEST(ShearBands2D, CrossingBandsAreSplitByOrientation)
{
  // An X of two bands at +-42 degrees to the load axis through the same point: one connected
  // cluster, split into two bands by the orientation of grad p.
  for (const bool jittered : {false, true})
    {
      const PointSet set = jittered ? jittered_grid(250, L, 4) : regular_grid(250, L);
      const auto     a   = band_2d(42, off_centre, sigma);
      const auto     b   = band_2d(-42, off_centre, sigma);
      const auto     r   = find_shear_bands<2>(
        sample<2>(set.points, set.weight,
                  [&](const Point<2> &x) { return std::max(a.value(x), b.value(x)); }),
        defaults(), axis_y());
      ASSERT_EQ(r.bands.size(), 2u) << (jittered ? "jittered" : "grid");
      // One band leans to +x, the other to -x; their order is by area.
      const auto &plus  = r.bands[0].direction[0] > 0 ? r.bands[0] : r.bands[1];
      const auto &minus = r.bands[0].direction[0] > 0 ? r.bands[1] : r.bands[0];
      for (const auto *band : {&plus, &minus})
        {
          EXPECT_NEAR(band->angle_to_load_axis, 42, 2);
          EXPECT_TRUE(band->crossing);
          EXPECT_NEAR(band->width / a.fwhm(), 1.0, 0.1);
        }
      // Each centre on its own band's mid-line (the middle of the band's extent, not the
      // crossing point: the X is off-centre in the square).
      EXPECT_LT(std::abs(a.distance(plus.centre)), L / 250);
      EXPECT_LT(std::abs(b.distance(minus.centre)), L / 250);
      EXPECT_LT(axis_angle(plus.direction, direction_2d(42)), 2);
      EXPECT_LT(axis_angle(minus.direction, direction_2d(-42)), 2);
      std::cout << (jittered ? "jittered" : "grid") << " X: angles "
                << r.bands[0].angle_to_load_axis << ", " << r.bands[1].angle_to_load_axis
                << "; widths/FWHM " << r.bands[0].width / a.fwhm() << ", "
                << r.bands[1].width / a.fwhm() << "; coherence " << r.bands[0].coherence << ", "
                << r.bands[1].coherence << '\n';

      // Without splitting the X is one band with a low coherence (the two normals 84 degrees
      // apart nearly cancel in the structure tensor).
      ShearBandParameters no_split;
      no_split.split_crossing_bands = false;
      const auto joined = find_shear_bands<2>(
        sample<2>(set.points, set.weight,
                  [&](const Point<2> &x) { return std::max(a.value(x), b.value(x)); }),
        no_split, axis_y());
      ASSERT_EQ(joined.bands.size(), 1u);
      EXPECT_LT(joined.bands[0].coherence, 0.2);
      EXPECT_FALSE(joined.bands[0].crossing);
    }
}

TEST(ShearBands2D, SeveralCrossingBandsInOneCluster)
{
  // An X and a third band parallel to one arm that crosses the other arm: one cluster, two
  // orientation families, the first with two parallel bands.
  const PointSet set = jittered_grid(250, L, 21);
  const auto     a   = band_2d(42, off_centre, sigma);
  const auto     b   = band_2d(-42, off_centre, sigma);
  const auto     c   = band_2d(42, Point<2>(-0.6e-3, 0.5e-3), 1.2 * sigma, 0.18);
  auto r = find_shear_bands<2>(sample<2>(set.points, set.weight,
                                         [&](const Point<2> &x) {
                                           return std::max({a.value(x), b.value(x), c.value(x)});
                                         }),
                               defaults(), axis_y());
  ASSERT_EQ(r.bands.size(), 3u);
  for (const auto &band : r.bands)
    {
      EXPECT_NEAR(band.angle_to_load_axis, 42, 2);
      EXPECT_TRUE(band.crossing);
      // Each centre on one of the three mid-lines.
      EXPECT_LT(std::min({std::abs(a.distance(band.centre)), std::abs(b.distance(band.centre)),
                          std::abs(c.distance(band.centre))}),
                L / 250);
    }

  // A # of two pairs of parallel bands at +-42 degrees, 0.8 mm apart: four bands.
  std::vector<GaussianBand<2>> hash;
  for (const double theta : {42.0, -42.0})
    for (const double shift : {-0.4e-3, 0.4e-3})
      {
        const Tensor<1, 2> n = band_2d(theta, Point<2>(), sigma).normal;
        hash.push_back(band_2d(theta, Point<2>() + shift * n, sigma));
      }
  r = find_shear_bands<2>(sample<2>(set.points, set.weight,
                                    [&](const Point<2> &x) {
                                      double p = 0;
                                      for (const auto &band : hash)
                                        p = std::max(p, band.value(x));
                                      return p;
                                    }),
                          defaults(), axis_y());
  ASSERT_EQ(r.bands.size(), 4u);
  for (const auto &exact : hash)
    {
      // Every band of the # is found once, on its mid-line and with its orientation.
      unsigned int found = 0;
      for (const auto &band : r.bands)
        if (std::abs(exact.distance(band.centre)) < L / 250 &&
            axis_angle(band.normal, exact.normal) < 2)
          {
            ++found;
            EXPECT_NEAR(band.width / exact.fwhm(), 1.0, 0.1);
            EXPECT_TRUE(band.crossing);
          }
      EXPECT_EQ(found, 1u);
    }
}

TEST(ShearBands2D, TJunctionStaysOneBand)
{
  // A band along the load axis ending on a band across it: the stem does not cross the bar,
  // so this is not split (documented: T junctions count as one band).
  const PointSet set  = regular_grid(250, L);
  const Point<2> joint(0, 0.3e-3);
  const auto     bar  = band_2d(90, joint, sigma);
  const auto     stem = band_2d(0, joint, sigma);
  const auto     p    = [&](const Point<2> &x) {
    const double p_stem = x[1] <= joint[1] ?
                            stem.value(x) :
                            stem.peak * std::exp(-(x - joint).norm_square() / (2 * sigma * sigma));
    return std::max(bar.value(x), p_stem);
  };
  const auto r = find_shear_bands<2>(sample<2>(set.points, set.weight, p), defaults(), axis_y());
  ASSERT_EQ(r.bands.size(), 1u);
  EXPECT_FALSE(r.bands[0].crossing);
  EXPECT_LT(r.bands[0].coherence, 0.5);
}

TEST(ShearBands2D, BentBandStaysOneBand)
{
  // A V: two half-bands at +-42 degrees meeting at the apex. Its orientation families do not
  // cross each other, so it is one (bent) band with a lower coherence than a straight one.
  const PointSet set = regular_grid(250, L);
  const auto     a   = band_2d(42, off_centre, sigma);
  const auto     b   = band_2d(-42, off_centre, sigma);
  const auto     p   = [&](const Point<2> &x) {
    // Upper half-plane: the distance to the two arms; below the apex: to the apex.
    if (x[1] >= off_centre[1])
      return std::max(a.value(x), b.value(x));
    const double d2 = (x - off_centre).norm_square();
    return a.peak * std::exp(-d2 / (2 * sigma * sigma));
  };
  const auto r = find_shear_bands<2>(sample<2>(set.points, set.weight, p), defaults(), axis_y());
  ASSERT_EQ(r.bands.size(), 1u);
  EXPECT_FALSE(r.bands[0].crossing);
  EXPECT_LT(r.bands[0].coherence, 0.5);
}

TEST(ShearBands2D, NoBand)
{
  const PointSet set = regular_grid(100, L);
  const auto     check_none = [&](const std::function<double(const Point<2> &)> &p,
                              const std::string &what) {
    const auto r = find_shear_bands<2>(sample<2>(set.points, set.weight, p), defaults(), axis_y());
    EXPECT_EQ(r.bands.size(), 0u) << what;
    expect_finite(r);
  };
  // Below the minimum plastic strain (1e-3).
  const auto weak = band_2d(42, off_centre, sigma, 5e-4);
  check_none([&](const Point<2> &x) { return weak.value(x); }, "weak band");
  // Uniform plastic flow is no localisation, however large.
  check_none([](const Point<2> &) { return 0.05; }, "uniform");
  check_none([](const Point<2> &) { return 0.0; }, "elastic");
  // A weak band on top of a uniform flow.
  check_none([&](const Point<2> &x) { return 0.05 + weak.value(x); }, "weak band on flow");

  const auto empty = find_shear_bands<2>({}, defaults(), axis_y());
  EXPECT_EQ(empty.bands.size(), 0u);
  EXPECT_EQ(empty.n_samples, 0u);
  expect_finite(empty);

  // ... but a strong band on uniform flow is found, with the flow as background.
  const auto strong = band_2d(42, off_centre, sigma, 0.2);
  const auto r      = find_shear_bands<2>(
    sample<2>(regular_grid(250, L).points, regular_grid(250, L).weight,
              [&](const Point<2> &x) { return 0.05 + strong.value(x); }),
    defaults(), axis_y());
  ASSERT_EQ(r.bands.size(), 1u);
  EXPECT_NEAR(r.background_plastic_strain, 0.05, 1e-9);
  expect_band(r.bands[0], band_2d(42, off_centre, sigma, 0.25), 42, L / 250, "band on flow");
}

TEST(ShearBands2D, SmallClustersAreIgnored)
{
  // A band and a small round hot spot (radius ~ 2 sigma): the spot is a band of its own
  // unless the minimum volume or number of points excludes it.
  const PointSet set  = regular_grid(250, L);
  const auto     band = band_2d(30, off_centre, sigma);
  const Point<2> spot(-0.6e-3, 0.6e-3);
  const auto     p = [&](const Point<2> &x) {
    return std::max(band.value(x), 0.2 * std::exp(-(x - spot).norm_square() / (2 * sigma * sigma)));
  };
  const auto samples = sample<2>(set.points, set.weight, p);
  EXPECT_EQ(find_shear_bands<2>(samples, defaults(), axis_y()).bands.size(), 2u);
  ShearBandParameters prm;
  prm.minimum_band_volume = 0.05e-6; // m^2; the spot's core is about pi (1.18 sigma)^2 = 7e-9
  const auto r = find_shear_bands<2>(samples, prm, axis_y());
  ASSERT_EQ(r.bands.size(), 1u);
  EXPECT_NEAR(r.bands[0].angle_to_load_axis, 30, 0.5);
  prm                     = defaults();
  prm.minimum_points      = 200;
  EXPECT_EQ(find_shear_bands<2>(samples, prm, axis_y()).bands.size(), 1u);
}

TEST(ShearBands2D, WeakBandNextToStrongSpotHasItsFullWidth)
{
  // A band only 2 % above the threshold (half of a stronger spot elsewhere): its core above
  // the threshold is about 0.4 sigma thick, far thinner than its FWHM of 2.35 sigma. The
  // profile window starts at four half-widths of that core and must grow until the profile
  // falls to half the band's peak on both sides (width_sides = 2, not a lower bound).
  const PointSet set  = regular_grid(250, L);
  const auto     band = band_2d(45, Point<2>(0.3e-3, 0.3e-3), 2 * sigma, 0.102);
  const Point<2> spot(-0.6e-3, 0.6e-3); // off the band's line
  const double   spot_sigma = 3 * sigma;
  const auto     p          = [&](const Point<2> &x) {
    return std::max(band.value(x),
                    0.2 * std::exp(-(x - spot).norm_square() / (2 * spot_sigma * spot_sigma)));
  };
  const auto r = find_shear_bands<2>(sample<2>(set.points, set.weight, p), defaults(), axis_y());
  expect_finite(r);
  const ShearBand<2> *weak = nullptr;
  for (const auto &b : r.bands)
    if (b.coherence > 0.9)
      weak = &b;
  ASSERT_NE(weak, nullptr) << r.bands.size() << " band(s), none elongated";
  std::cout << "weak band: width/FWHM " << weak->width / band.fwhm() << ", sides "
            << weak->width_sides << ", angle " << weak->angle_to_load_axis << '\n';
  EXPECT_EQ(weak->width_sides, 2u);
  EXPECT_NEAR(weak->width / band.fwhm(), 1.0, 0.05);
  EXPECT_NEAR(weak->angle_to_load_axis, 45, 0.5);
}

TEST(ShearBands3D, PlanarBandInABox)
{
  // Box of 1 mm, 50^3 jittered points (spacing 20 um), band sigma 80 um; load axis z. The
  // band normal is tilted so that the band plane makes theta with the axis, at azimuth 30 deg.
  const unsigned int n = 50;
  const double       a = 1e-3, h = a / n;
  std::mt19937       random(123);
  std::uniform_real_distribution<double> jitter(-0.4 * h, 0.4 * h);
  std::vector<Point<3>> points;
  for (unsigned int i = 0; i < n; ++i)
    for (unsigned int j = 0; j < n; ++j)
      for (unsigned int k = 0; k < n; ++k)
        points.emplace_back(-a / 2 + (i + 0.5) * h + jitter(random),
                            -a / 2 + (j + 0.5) * h + jitter(random),
                            -a / 2 + (k + 0.5) * h + jitter(random));
  Tensor<1, 3> axis;
  axis[2] = 1;
  for (const double theta : {42.0, 0.0, 90.0})
    for (const bool with_gradient : {false, true})
      {
        GaussianBand<3> band;
        band.through   = Point<3>(0.05e-3, -0.1e-3, 0.02e-3);
        band.sigma     = 80e-6;
        const double phi = radians(30);
        band.normal[0] = std::cos(radians(theta)) * std::cos(phi);
        band.normal[1] = std::cos(radians(theta)) * std::sin(phi);
        band.normal[2] = -std::sin(radians(theta));
        const auto samples =
          with_gradient ?
            sample<3>(
              points, h * h * h, [&](const Point<3> &x) { return band.value(x); },
              [&](const Point<3> &x) { return band.gradient(x); }) :
            sample<3>(points, h * h * h, [&](const Point<3> &x) { return band.value(x); });
        const auto r = find_shear_bands<3>(samples, defaults(), axis);
        const std::string what = "theta " + std::to_string(theta) +
                                 (with_gradient ? ", given gradients" : ", fitted gradients");
        ASSERT_EQ(r.bands.size(), 1u) << what;
        const auto &b = r.bands[0];
        EXPECT_NEAR(b.angle_to_load_axis, theta, 1.0) << what;
        EXPECT_LT(axis_angle(b.normal, band.normal), 1.0) << what;
        EXPECT_NEAR(b.normal.norm(), 1.0, 1e-12);
        EXPECT_NEAR(b.direction * b.normal, 0.0, 1e-12);
        // The direction is the load axis projected onto the band plane (any in-plane
        // direction when the axis is normal to the band).
        if (theta < 89)
          {
            EXPECT_LT(axis_angle(b.direction, axis - (axis * band.normal) * band.normal), 1.0);
          }
        EXPECT_NEAR(b.width / band.fwhm(), 1.0, 0.05) << what;
        EXPECT_LT(std::abs(band.distance(b.centre)), h);
        EXPECT_GT(b.coherence, 0.9);
        expect_finite(r);
        std::cout << what << ": background " << r.background_plastic_strain << ", angle "
                  << b.angle_to_load_axis << ", normal error "
                  << axis_angle(b.normal, band.normal) << " deg, width/FWHM "
                  << b.width / band.fwhm() << ", coherence " << b.coherence << '\n';
      }
}

TEST(ShearBandsCsv, HeaderAndRows)
{
  const PointSet set = regular_grid(250, L);
  const auto     a   = band_2d(42, off_centre, sigma);
  const auto     b   = band_2d(-42, off_centre, sigma);
  const auto     r   = find_shear_bands<2>(
    sample<2>(set.points, set.weight,
              [&](const Point<2> &x) { return std::max(a.value(x), b.value(x)); }),
    defaults(), axis_y());
  ASSERT_EQ(r.bands.size(), 2u);
  write_shear_band_csv("shear_bands_test.csv", 1.5, r);

  std::ifstream            in("shear_bands_test.csv");
  std::vector<std::string> comments, rows;
  std::string              header, line;
  while (std::getline(in, line))
    if (line.rfind("#", 0) == 0)
      comments.push_back(line);
    else if (header.empty())
      header = line;
    else
      rows.push_back(line);
  EXPECT_EQ(header, "time_s,band,centre_x_m,centre_y_m,angle_to_load_axis_deg,direction_x,"
                    "direction_y,normal_x,normal_y,width_m,width_sides,peak_p,mean_p,area_m2,"
                    "coherence,n_points,crossing");
  ASSERT_GE(comments.size(), 3u);
  // The units are documented in the comment lines.
  std::string all_comments;
  for (const auto &c : comments)
    all_comments += c + '\n';
  for (const std::string unit : {"[s]", "[m]", "[deg, 0..90]", "[m^2]", "FWHM"})
    EXPECT_NE(all_comments.find(unit), std::string::npos) << unit;
  ASSERT_EQ(rows.size(), 2u);
  for (std::size_t i = 0; i < rows.size(); ++i)
    {
      std::vector<double> values;
      std::stringstream   s(rows[i]);
      std::string         cell;
      while (std::getline(s, cell, ','))
        values.push_back(std::stod(cell));
      ASSERT_EQ(values.size(), 17u);
      EXPECT_EQ(values[0], 1.5);
      EXPECT_EQ(values[1], static_cast<double>(i));
      EXPECT_NEAR(values[4], r.bands[i].angle_to_load_axis, 1e-9);
      EXPECT_NEAR(values[9], r.bands[i].width, 1e-9 * r.bands[i].width);
      EXPECT_EQ(values[16], 1.0);
    }

  // No band: the header alone. 3D: z columns and a volume.
  std::ostringstream none;
  write_shear_band_csv(none, 2.0, find_shear_bands<2>({}, defaults(), axis_y()));
  EXPECT_NE(none.str().find("\ntime_s,band,centre_x_m"), std::string::npos);
  EXPECT_EQ(none.str().back(), '\n');
  EXPECT_EQ(none.str().find("\n2,"), std::string::npos);
  std::ostringstream three;
  Tensor<1, 3>       z;
  z[2] = 1;
  write_shear_band_csv(three, 0.0, find_shear_bands<3>({}, defaults(), z));
  EXPECT_NE(three.str().find("centre_z_m,angle_to_load_axis_deg,direction_x,direction_y,"
                             "direction_z,normal_x,normal_y,normal_z,width_m,width_sides,"
                             "peak_p,mean_p,volume_m3,coherence,n_points,crossing\n"),
            std::string::npos);
  EXPECT_THROW(write_shear_band_csv("no_such_directory/x.csv", 0.0, r), std::runtime_error);
}

TEST(ShearBandsParameters, DeclareParseCheck)
{
  ParameterHandler prm;
  ShearBandParameters::declare_parameters(prm);
  ShearBandParameters p;
  p.parse_parameters(prm);
  const ShearBandParameters d;
  EXPECT_EQ(p.threshold_fraction, d.threshold_fraction);
  EXPECT_EQ(p.minimum_plastic_strain, d.minimum_plastic_strain);
  EXPECT_EQ(p.neighbour_distance, d.neighbour_distance);
  EXPECT_EQ(p.minimum_band_volume, d.minimum_band_volume);
  EXPECT_EQ(p.minimum_points, d.minimum_points);
  EXPECT_EQ(p.split_crossing_bands, d.split_crossing_bands);
  EXPECT_EQ(p.minimum_crossing_angle, d.minimum_crossing_angle);

  prm.parse_input_from_string("subsection Postprocess\n subsection Shear bands\n"
                              "  set Threshold fraction = 0.3\n"
                              "  set Minimum plastic strain = 0.01\n"
                              "  set Neighbour distance = 2e-5\n"
                              "  set Minimum band volume = 1e-9\n"
                              "  set Minimum number of points = 50\n"
                              "  set Split crossing bands = false\n"
                              "  set Minimum crossing angle = 30\n end\nend\n");
  p.parse_parameters(prm);
  EXPECT_EQ(p.threshold_fraction, 0.3);
  EXPECT_EQ(p.minimum_plastic_strain, 0.01);
  EXPECT_EQ(p.neighbour_distance, 2e-5);
  EXPECT_EQ(p.minimum_band_volume, 1e-9);
  EXPECT_EQ(p.minimum_points, 50u);
  EXPECT_FALSE(p.split_crossing_bands);
  EXPECT_EQ(p.minimum_crossing_angle, 30);

  // The pattern admits 1 and 0; the check does not.
  prm.parse_input_from_string("subsection Postprocess\n subsection Shear bands\n"
                              "  set Threshold fraction = 1\n end\nend\n");
  EXPECT_THROW(p.parse_parameters(prm), InputError);
  ShearBandParameters bad;
  bad.minimum_plastic_strain = 0;
  EXPECT_THROW(bad.check(), InputError);
  bad                    = d;
  bad.neighbour_distance = -1;
  EXPECT_THROW(bad.check(), InputError);
  EXPECT_THROW((void)ShearBandAnalysis<2>(d, Tensor<1, 2>()), InputError);

  // A sample with a NaN is a caller's error, not a silent "no band".
  auto samples = sample<2>(regular_grid(20, L).points, 1e-8, [](const Point<2> &) { return 0.1; });
  samples[7].plastic_strain = std::nan("");
  EXPECT_THROW(find_shear_bands<2>(samples, d, axis_y()), std::invalid_argument);
}

TEST(ShearBandsMpi, SplitSamplesGiveTheSameResult)
{
  const unsigned int n_ranks = Utilities::MPI::n_mpi_processes(MPI_COMM_WORLD);
  const unsigned int rank    = Utilities::MPI::this_mpi_process(MPI_COMM_WORLD);
  if (n_ranks < 2)
    GTEST_SKIP() << "needs at least 2 MPI ranks (ctest: shear_bands_mpi)";

  // An X and a separate parallel band, on a jittered set; every rank builds the same samples
  // and adds every n_ranks-th to its analysis.
  const PointSet set = jittered_grid(200, L, 99);
  const auto     a   = band_2d(42, off_centre, sigma);
  const auto     b   = band_2d(-42, off_centre, sigma);
  const auto     c   = band_2d(42, Point<2>(-0.6e-3, 0.5e-3), 1.2 * sigma, 0.18);
  const auto     p   = [&](const Point<2> &x) {
    return std::max({a.value(x), b.value(x), c.value(x)});
  };
  const auto all = sample<2>(set.points, set.weight, p);

  ShearBandAnalysis<2> analysis(defaults(), axis_y());
  for (std::size_t i = rank; i < all.size(); i += n_ranks)
    analysis.add(all[i].position, all[i].weight, all[i].plastic_strain);
  EXPECT_LT(analysis.samples().size(), all.size());
  const auto parallel = analysis.analyse(MPI_COMM_WORLD);
  const auto serial   = find_shear_bands<2>(all, defaults(), axis_y());

  ASSERT_EQ(serial.bands.size(), 3u);
  if (rank == 0)
    for (const auto &band : parallel.bands)
      std::cout << "band " << band.id << " on " << n_ranks << " ranks: angle "
                << band.angle_to_load_axis << ", width " << band.width << " m, area "
                << band.volume << " m^2\n";
  EXPECT_EQ(parallel.n_samples, all.size());
  ASSERT_EQ(parallel.bands.size(), serial.bands.size());
  EXPECT_EQ(parallel.threshold, serial.threshold);
  EXPECT_EQ(parallel.neighbour_distance, serial.neighbour_distance);
  for (std::size_t i = 0; i < serial.bands.size(); ++i)
    {
      const auto &s = serial.bands[i], &q = parallel.bands[i];
      EXPECT_EQ(q.id, s.id);
      EXPECT_EQ(q.centre, s.centre);
      EXPECT_EQ(q.direction, s.direction);
      EXPECT_EQ(q.normal, s.normal);
      EXPECT_EQ(q.angle_to_load_axis, s.angle_to_load_axis);
      EXPECT_EQ(q.width, s.width);
      EXPECT_EQ(q.width_sides, s.width_sides);
      EXPECT_EQ(q.peak_plastic_strain, s.peak_plastic_strain);
      EXPECT_EQ(q.mean_plastic_strain, s.mean_plastic_strain);
      EXPECT_EQ(q.volume, s.volume);
      EXPECT_EQ(q.coherence, s.coherence);
      EXPECT_EQ(q.n_points, s.n_points);
      EXPECT_EQ(q.crossing, s.crossing);
    }

  // gather_samples: everything on the root, nothing elsewhere.
  const auto gathered = gather_samples(analysis.samples(), MPI_COMM_WORLD, 1);
  EXPECT_EQ(gathered.size(), rank == 1 ? all.size() : 0u);

  // An error found on rank 0 (a NaN sample on rank 1) reaches every rank instead of leaving
  // them waiting for the result.
  ShearBandAnalysis<2> broken(defaults(), axis_y());
  broken.add(Point<2>(0, 0), 1e-8, rank == 1 ? std::nan("") : 0.1);
  EXPECT_THROW(broken.analyse(MPI_COMM_WORLD), std::runtime_error);
}

int main(int argc, char **argv)
{
  Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
