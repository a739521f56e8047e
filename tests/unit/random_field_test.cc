// RandomField: a function of the coordinates and the seed only, with the statistics of
// the requested covariance (doc/model.md §6).
#include <bmgfe/base/input_error.h>
#include <bmgfe/materials/random_field.h>

#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <vector>

using bmgfe::RandomField;

namespace
{
  /// Spatial statistics of one realisation sampled on an n x n grid of spacing h in the
  /// plane z = 0.3: mean, variance, and the correlation length estimated as the lag at
  /// which the empirical correlation (along x and y, lags that are multiples of h) falls to
  /// the model's C(l), by linear interpolation between lags.
  struct Realisation
  {
    double mean = 0, variance = 0, correlation_length = 0;
  };

  Realisation sample(const RandomField &g, const unsigned int n, const double h)
  {
    std::vector<double> v(static_cast<std::size_t>(n) * n);
    double              sum = 0, sum2 = 0;
    for (unsigned int i = 0; i < n; ++i)
      for (unsigned int j = 0; j < n; ++j)
        {
          const double x = g.value({{h * i, h * j, 0.3}});
          v[i * n + j]   = x;
          sum += x;
          sum2 += x * x;
        }
    Realisation r;
    const double N = static_cast<double>(n) * n;
    r.mean         = sum / N;
    r.variance     = sum2 / N - r.mean * r.mean;

    const auto correlation = [&](const unsigned int k) {
      double c = 0;
      for (unsigned int i = 0; i + k < n; ++i)
        for (unsigned int j = 0; j + k < n; ++j)
          c += (v[i * n + j] - r.mean) * (v[(i + k) * n + j] - r.mean) +
               (v[i * n + j] - r.mean) * (v[i * n + j + k] - r.mean);
      return c / (2.0 * (n - k) * (n - k) * r.variance);
    };
    const double target = g.covariance(g.correlation_length());
    double       previous = 1.0;
    for (unsigned int k = 1; k < n / 4; ++k)
      {
        const double c = correlation(k);
        if (c <= target)
          {
            r.correlation_length = h * (k - 1 + (previous - target) / (previous - c));
            break;
          }
        previous = c;
      }
    return r;
  }
} // namespace

TEST(RandomField, DeterministicFunctionOfCoordinatesAndSeed)
{
  const RandomField a(RandomField::Covariance::squared_exponential, 1e-4, 500, 42);
  const RandomField b(RandomField::Covariance::squared_exponential, 1e-4, 500, 42);
  const RandomField c(RandomField::Covariance::squared_exponential, 1e-4, 500, 43);
  for (const auto &p : std::vector<std::array<double, 3>>{{{0, 0, 0}}, {{1e-4, 2e-4, 3e-4}}, {{1e-3, -5e-4, 2e-3}}})
    {
      // Bit-identical: the same seed must give the same field whatever else happens.
      EXPECT_EQ(a.value(p), b.value(p));
      EXPECT_NE(a.value(p), c.value(p));
    }
}

// Issue requirement: mean, variance and correlation length of a realisation within 10 %.
// A square of 80 l x 80 l holds ~1000 correlation areas (sampling errors of a few %), and
// 1000 modes reproduce the covariance to ~0.5/sqrt(1000) = 1.6 %.
TEST(RandomField, SquaredExponentialStatisticsWithinTenPercent)
{
  const double      l = 1.0;
  const RandomField g(RandomField::Covariance::squared_exponential, l, 1000, 7);
  const Realisation s = sample(g, 320, 0.25 * l);
  EXPECT_NEAR(s.mean, 0.0, 0.1);
  EXPECT_NEAR(s.variance, 1.0, 0.1);
  EXPECT_NEAR(s.correlation_length, l, 0.1 * l);
  std::cout << "squared exponential: mean " << s.mean << ", variance " << s.variance
            << ", correlation length " << s.correlation_length / l << " l\n";
}

TEST(RandomField, Matern32StatisticsWithinTenPercent)
{
  const double      l = 2.0;
  const RandomField g(RandomField::Covariance::matern32, l, 1000, 11);
  const Realisation s = sample(g, 320, 0.25 * l);
  EXPECT_NEAR(s.mean, 0.0, 0.1);
  EXPECT_NEAR(s.variance, 1.0, 0.1);
  EXPECT_NEAR(s.correlation_length, l, 0.1 * l);
  std::cout << "Matern 3/2: mean " << s.mean << ", variance " << s.variance
            << ", correlation length " << s.correlation_length / l << " l\n";
}

TEST(RandomField, CovarianceFunctions)
{
  const RandomField se(RandomField::Covariance::squared_exponential, 2.0, 10, 1);
  EXPECT_DOUBLE_EQ(se.covariance(0), 1.0);
  EXPECT_NEAR(se.covariance(2.0), std::exp(-0.5), 1e-15);
  const RandomField m(RandomField::Covariance::matern32, 2.0, 10, 1);
  EXPECT_NEAR(m.covariance(2.0), (1 + std::sqrt(3.0)) * std::exp(-std::sqrt(3.0)), 1e-15);
}

TEST(RandomField, RejectsBadInput)
{
  EXPECT_THROW(RandomField(RandomField::Covariance::matern32, 0.0, 10, 1), bmgfe::InputError);
  EXPECT_THROW(RandomField(RandomField::Covariance::matern32, 1.0, 0, 1), bmgfe::InputError);
  EXPECT_THROW(RandomField::parse_covariance("gaussian"), bmgfe::InputError);
  EXPECT_EQ(RandomField::parse_covariance("Matern 3/2"), RandomField::Covariance::matern32);
}
