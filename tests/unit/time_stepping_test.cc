// Variable-step BDF2 coefficients and the adaptive step-size controller.
#include <bmgfe/physics/time_stepping.h>

#include <gtest/gtest.h>

#include <cmath>

using bmgfe::bdf_coefficients;
using bmgfe::TimeStepController;
using bmgfe::TimeSteppingParameters;

TEST(BDFCoefficients, FirstOrderIsImplicitEuler)
{
  for (const auto c : {bdf_coefficients(0.1, 0.05, true), bdf_coefficients(0.1, 0, false),
                       bdf_coefficients(0.1, -1, false)})
    {
      // (T^{n+1} - T^n) / dt: also when there is no previous step (dt_old <= 0).
      EXPECT_EQ(c.a0, 1.0);
      EXPECT_EQ(c.a1, -1.0);
      EXPECT_EQ(c.a2, 0.0);
    }
}

TEST(BDFCoefficients, ConstantStep)
{
  const auto c = bdf_coefficients(0.25, 0.25, false);
  // Classical BDF2: (3/2 T^{n+1} - 2 T^n + 1/2 T^{n-1}) / dt.
  EXPECT_NEAR(c.a0, 1.5, 1e-15);
  EXPECT_NEAR(c.a1, -2.0, 1e-15);
  EXPECT_NEAR(c.a2, 0.5, 1e-15);
}

TEST(BDFCoefficients, VariableStepFormula)
{
  for (const double w : {2.0, 0.5, 1.3, 2.4})
    {
      const double dt_old = 0.01, dt = w * dt_old;
      const auto   c      = bdf_coefficients(dt, dt_old, false);
      // a0 = (1+2w)/(1+w), a1 = -(1+w), a2 = w^2/(1+w) with w = dt/dt_old.
      EXPECT_NEAR(c.a0, (1 + 2 * w) / (1 + w), 1e-14) << w;
      EXPECT_NEAR(c.a1, -(1 + w), 1e-14) << w;
      EXPECT_NEAR(c.a2, w * w / (1 + w), 1e-14) << w;
    }
  const auto c = bdf_coefficients(2.0, 1.0, false);
  // w = 2: 5/3, -3, 4/3.
  EXPECT_NEAR(c.a0, 5.0 / 3.0, 1e-15);
  EXPECT_NEAR(c.a1, -3.0, 1e-15);
  EXPECT_NEAR(c.a2, 4.0 / 3.0, 1e-15);
}

TEST(BDFCoefficients, ConsistencyAndExactForQuadratics)
{
  // f(t) = 3 + 2 t - 5 t^2 has f'(t) = 2 - 10 t. Second order: the difference formula is
  // exact for quadratics whatever the step ratio.
  const auto f  = [](double t) { return 3 + 2 * t - 5 * t * t; };
  const auto df = [](double t) { return 2 - 10 * t; };
  for (const double dt_old : {0.1, 0.37, 1.0})
    for (const double w : {0.3, 1.0, 1.9, 2.0})
      {
        const double dt = w * dt_old, tn = 0.7;
        const auto   c  = bdf_coefficients(dt, dt_old, false);
        // Constants have zero derivative: a0 + a1 + a2 = 0.
        EXPECT_NEAR(c.a0 + c.a1 + c.a2, 0.0, 1e-13);
        const double approx = (c.a0 * f(tn + dt) + c.a1 * f(tn) + c.a2 * f(tn - dt_old)) / dt;
        EXPECT_NEAR(approx, df(tn + dt), 1e-10 * (1 + std::abs(df(tn + dt))))
          << "dt_old " << dt_old << " w " << w;
        // Implicit Euler is only first order: its error on the quadratic is 5 dt, not 0.
        const auto   e  = bdf_coefficients(dt, dt_old, true);
        const double ie = (e.a0 * f(tn + dt) + e.a1 * f(tn)) / dt;
        EXPECT_NEAR(ie - df(tn + dt), 5 * dt, 1e-10);
      }
}

namespace
{
  TimeSteppingParameters adaptive_parameters()
  {
    TimeSteppingParameters p;
    p.adaptive                   = true;
    p.initial_time_step          = 1e-2;
    p.minimum_time_step          = 1e-4;
    p.maximum_time_step          = 1.0;
    p.maximum_temperature_change = 4.0;
    p.maximum_growth             = 2.0;
    p.growth_threshold           = 1.25;
    return p;
  }
} // namespace

TEST(TimeStepController, AcceptRejectThreshold)
{
  const auto               p = adaptive_parameters();
  const TimeStepController c(p);
  // Accepted up to 1.25 x the bound (5 K here), rejected above.
  EXPECT_TRUE(c.accept(0.1, 0.0));
  EXPECT_TRUE(c.accept(0.1, 4.0));
  EXPECT_TRUE(c.accept(0.1, 5.0));
  EXPECT_FALSE(c.accept(0.1, 5.0001));
  EXPECT_FALSE(c.accept(0.1, 100.0));
  // At the minimum step everything is accepted (otherwise the run could not continue).
  EXPECT_TRUE(c.accept(1e-4, 100.0));
  EXPECT_FALSE(c.accept(1.01e-4, 100.0));
}

TEST(TimeStepController, NonAdaptiveAlwaysAcceptsAndKeepsTheInitialStep)
{
  auto p     = adaptive_parameters();
  p.adaptive = false;
  const TimeStepController c(p);
  EXPECT_TRUE(c.accept(0.5, 1e6));
  EXPECT_DOUBLE_EQ(c.next(0.5, 1e6, true), 1e-2);
  EXPECT_DOUBLE_EQ(c.next(0.003, 0.0, true), 1e-2);
}

TEST(TimeStepController, GrowthCappedAtMaximumGrowth)
{
  const auto               p = adaptive_parameters();
  const TimeStepController c(p);
  // No change at all or a tiny one: the step at most doubles.
  EXPECT_DOUBLE_EQ(c.next(0.1, 0.0, true), 0.2);
  EXPECT_DOUBLE_EQ(c.next(0.1, 0.01, true), 0.2);
  // Factor 0.9 * 4 / 2 = 1.8 is below the cap and above the hysteresis threshold.
  EXPECT_NEAR(c.next(0.1, 2.0, true), 0.18, 1e-15);
}

TEST(TimeStepController, ShrinkOnReject)
{
  const auto               p = adaptive_parameters();
  const TimeStepController c(p);
  // factor = 0.9 * 4 / 8 = 0.45.
  EXPECT_NEAR(c.next(0.1, 8.0, false), 0.045, 1e-15);
  // A rejected step never grows: at most 0.9 (e.g. a failed solve with a small change).
  EXPECT_NEAR(c.next(0.1, 0.0, false), 0.09, 1e-15);
  EXPECT_NEAR(c.next(0.1, 1.0, false), 0.09, 1e-15);
  // At least 0.2 x per step.
  EXPECT_NEAR(c.next(0.1, 1e6, false), 0.02, 1e-15);
  // An accepted step above the bound (but within 1.25 x) shrinks too: 0.9 * 4 / 4.5 = 0.8.
  EXPECT_NEAR(c.next(0.1, 4.5, true), 0.08, 1e-15);
}

TEST(TimeStepController, HysteresisKeepsTheStep)
{
  const auto               p = adaptive_parameters();
  const TimeStepController c(p);
  // Factors in [1, 1.25) keep dt unchanged (matrix and AMG are reused).
  EXPECT_EQ(c.next(0.1, 3.5, true), 0.1);   // factor 1.0286
  EXPECT_EQ(c.next(0.1, 3.0, true), 0.1);   // factor 1.2
  EXPECT_EQ(c.next(0.1, 2.9, true), 0.1);   // factor 1.2414
  // Just above the threshold the step grows: 0.9 * 4 / 2.8 = 1.2857.
  EXPECT_NEAR(c.next(0.1, 2.8, true), 0.1 * 3.6 / 2.8, 1e-15);
  // Just below 1 it shrinks: 0.9 * 4 / 3.7 = 0.973.
  EXPECT_NEAR(c.next(0.1, 3.7, true), 0.1 * 3.6 / 3.7, 1e-15);
}

TEST(TimeStepController, ClampedToMinimumAndMaximum)
{
  const auto               p = adaptive_parameters();
  const TimeStepController c(p);
  EXPECT_DOUBLE_EQ(c.next(0.8, 0.0, true), 1.0);     // 1.6 -> maximum 1
  EXPECT_DOUBLE_EQ(c.next(1.0, 0.0, true), 1.0);
  EXPECT_DOUBLE_EQ(c.next(2e-4, 1e3, false), 1e-4);  // 4e-5 -> minimum 1e-4
  EXPECT_DOUBLE_EQ(c.next(1e-4, 1e3, true), 1e-4);
}
