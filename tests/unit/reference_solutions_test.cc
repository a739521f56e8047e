// Bessel-series solution of a long cylinder cooled through a Robin boundary, against the
// doc/model.md §8 table (also reproduced by an independent radial finite-volume solution).
#include <bmgfe/base/input_error.h>
#include <bmgfe/postprocess/reference_solutions.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

using bmgfe::CylinderRobinCooling;

namespace
{
  // With the default 200 terms the root search costs about a second (Bessel evaluations on
  // a fine scan), so each Biot number is built once.
  const CylinderRobinCooling &bi1()
  {
    static const CylinderRobinCooling c(1.0);
    return c;
  }
  const CylinderRobinCooling &bi10()
  {
    static const CylinderRobinCooling c(10.0);
    return c;
  }
} // namespace

TEST(CylinderRobinCooling, TableBiot1)
{
  const auto &c = bi1();
  EXPECT_EQ(c.biot(), 1.0);
  EXPECT_EQ(c.eigenvalues().size(), 200u);
  // doc/model.md §8: Bi = 1, Fo = 0.2 -> centre 0.8702, surface 0.5702 (4-digit table values).
  EXPECT_NEAR(c.theta(0.0, 0.2), 0.8702, 5e-4);
  EXPECT_NEAR(c.theta(1.0, 0.2), 0.5702, 5e-4);
}

TEST(CylinderRobinCooling, TableBiot10)
{
  const auto &c = bi10();
  // doc/model.md §8: Bi = 10, Fo = 0.2 -> centre 0.6002, surface 0.0748.
  EXPECT_NEAR(c.theta(0.0, 0.2), 0.6002, 5e-4);
  EXPECT_NEAR(c.theta(1.0, 0.2), 0.0748, 5e-4);
}

TEST(CylinderRobinCooling, FirstEigenvalues)
{
  // Tabulated roots of zeta J1(zeta) = Bi J0(zeta) (e.g. Incropera Table 5.1).
  const auto &c1 = bi1();
  ASSERT_GE(c1.eigenvalues().size(), 2u);
  EXPECT_NEAR(c1.eigenvalues()[0], 1.2558, 1e-4);
  EXPECT_NEAR(c1.eigenvalues()[1], 4.0795, 1e-4);
  const auto &c10 = bi10();
  EXPECT_NEAR(c10.eigenvalues()[0], 2.1795, 1e-4);
}

TEST(CylinderRobinCooling, EigenvalueEquationAndOrdering)
{
  for (const double Bi : {0.1, 1.0, 10.0, 100.0})
    {
      const CylinderRobinCooling c(Bi, 20);
      const auto                &z = c.eigenvalues();
      ASSERT_EQ(z.size(), 20u) << Bi;
      for (std::size_t n = 0; n < z.size(); ++n)
        {
          // The root is exact to round-off: the residual of f = z J1 - Bi J0 is at most what a
          // relative root error of 1e-13 produces, |f| <= 1e-13 z |f'|, f' = z J0 + Bi J1.
          const double j0 = std::cyl_bessel_j(0, z[n]), j1 = std::cyl_bessel_j(1, z[n]);
          EXPECT_LE(std::abs(z[n] * j1 - Bi * j0), 1e-13 * z[n] * std::abs(z[n] * j0 + Bi * j1))
            << "Bi " << Bi << " n " << n;
          // ... roots increase strictly, one per interval (j_{1,n-1}, j_{0,n}) so none is
          // skipped: n pi < zeta_{n+1} < (n + 1) pi.
          if (n > 0)
            {
              EXPECT_GT(z[n], z[n - 1]) << "Bi " << Bi << " n " << n;
            }
          EXPECT_GT(z[n], n * M_PI) << "Bi " << Bi << " n " << n;
          EXPECT_LT(z[n], (n + 1) * M_PI) << "Bi " << Bi << " n " << n;
        }
    }
}

TEST(CylinderRobinCooling, InitialConditionAndDecay)
{
  const auto &c = bi1();
  // At t = 0 the series represents theta = 1 inside (slowly convergent: 200 terms).
  EXPECT_NEAR(c.theta(0.5, 0.0), 1.0, 1e-3);
  EXPECT_NEAR(c.theta(0.0, 0.0), 1.0, 1e-3);
  // Late times: one term, C1 J0(zeta1 rho) exp(-zeta1^2 Fo).
  const double z1 = c.eigenvalues()[0];
  const double C1 = 2 / z1 * std::cyl_bessel_j(1, z1) /
                    (std::pow(std::cyl_bessel_j(0, z1), 2) + std::pow(std::cyl_bessel_j(1, z1), 2));
  EXPECT_NEAR(C1, 1.2071, 1e-4); // Incropera Table 5.1, Bi = 1
  EXPECT_NEAR(c.theta(0.3, 2.0), C1 * std::cyl_bessel_j(0, 0.3 * z1) * std::exp(-z1 * z1 * 2.0),
              1e-9);
  // The centre cools monotonically.
  double previous = 2;
  for (const double Fo : {0.05, 0.1, 0.2, 0.5, 1.0})
    {
      const double t = c.theta(0, Fo);
      EXPECT_LT(t, previous) << Fo;
      previous = t;
    }
}

TEST(CylinderRobinCooling, NonPositiveBiotIsRejected)
{
  EXPECT_THROW(CylinderRobinCooling(0.0), bmgfe::InputError);
  EXPECT_THROW(CylinderRobinCooling(-1.0), bmgfe::InputError);
}
