// Calibration of tau0 (and eta0) to Tg (doc/model.md §2): the calibrated model's Tg
// (intersection of the glass and liquid T_f lines on cooling at 20 K/min) equals the target,
// and an independent high-accuracy integration with the calibrated tau0 finds the same Tg.
#include <bmgfe/base/input_error.h>
#include <bmgfe/materials/free_volume.h>
#include <bmgfe/materials/tg_calibration.h>

#include <deal.II/base/parameter_handler.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <iostream>
#include <string>

#include "free_volume_reference.h"

using bmgfe::FreeVolumeParameters;

namespace
{
  /// Tg by the reference integrator, with the definition of tg_calibration.h: cool from
  /// the equilibrium liquid at `rate` in chunks of 0.5 K until T <= T_f - 40 K and
  /// dT_f/dT < 1e-5; the glass line through the last two points meets T_f = T.
  double reference_tg(const FreeVolumeParameters &p, const double rate)
  {
    const reference::Law law{p.vogel_temperature, p.fragility * p.vogel_temperature,
                              p.activation_energy / 8.617333262e-5, p.tau0};
    const double         Ts = law.T0 + law.B / std::log(1e-3 / (rate * law.tau0));
    const auto           T  = [&](const double t) { return Ts - rate * t; };
    double               x = law.x_eq(Ts), t = 0, slope = 1, Tn = Ts;
    while ((slope >= bmgfe::frozen_glass_slope ||
            Tn > law.T0 + law.B * x - bmgfe::glass_line_offset) &&
           Tn > law.T0 + 1)
      {
        const double x_new = reference::integrate(law, T, x, t, t + 0.5 / rate, 1e-13);
        slope              = law.B * (x - x_new) / 0.5;
        x                  = x_new;
        t += 0.5 / rate;
        Tn = T(t);
      }
    return (law.T0 + law.B * x - slope * Tn) / (1 - slope);
  }

  FreeVolumeParameters parse(const std::string &body)
  {
    dealii::ParameterHandler prm;
    FreeVolumeParameters::declare_parameters(prm);
    prm.parse_input_from_string("subsection Material\n subsection Free volume\n" + body +
                                " end\nend\n");
    FreeVolumeParameters p;
    p.parse_parameters(prm);
    return p;
  }

  std::string parse_error(const std::string &body)
  {
    try
      {
        parse(body);
      }
    catch (const bmgfe::InputError &e)
      {
        return e.what();
      }
    ADD_FAILURE() << "no InputError for\n" << body;
    return "";
  }
} // namespace

// Vit1 defaults: Tg = 623 K at 20 K/min.
TEST(TgCalibration, Vit1DefaultReproducesTg)
{
  FreeVolumeParameters p;
  const auto           start = std::chrono::steady_clock::now();
  const auto           c     = bmgfe::calibrate_prefactors(p, 96e9 / (2 * 1.36));
  const double         ms =
    std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  p.tau0 = c.tau0;
  std::cout << bmgfe::calibration_summary(p, c) << "  (calibration took " << ms << " ms)\n";
  EXPECT_NEAR(c.model_tg, 623, 0.1);
  // The calibrated tau0 reproduces it through the public cooling function ...
  const auto cooling = bmgfe::cool_through_glass_transition(p, 20.0 / 60);
  EXPECT_NEAR(cooling.glass_transition, 623, 0.1);
  EXPECT_LT(std::abs(cooling.glass_slope), 1e-5);
  // ... and through the independent high-accuracy integration of the ODE.
  const double ref = reference_tg(p, 20.0 / 60);
  std::cout << "reference Tg with the calibrated tau0: " << ref << " K (model "
            << cooling.glass_transition << " K)\n";
  EXPECT_NEAR(ref, 623, 0.1);
  // eta0 by the Maxwell relation.
  EXPECT_NEAR(c.eta0, 96e9 / (2 * 1.36) * c.tau0, 1e-12 * c.eta0);
}

// Other targets, rates and an activation energy: always within 0.1 K, Tg rising with tau0.
TEST(TgCalibration, OtherTargets)
{
  FreeVolumeParameters p;
  p.activation_energy = 1.5;
  for (const double target : {580.0, 650.0})
    for (const double rate_per_min : {1.0, 20.0})
      {
        const auto c = bmgfe::calibrate_tau0(p, target, rate_per_min / 60);
        p.tau0       = c.tau0;
        const double tg = bmgfe::cool_through_glass_transition(p, rate_per_min / 60).glass_transition;
        const double ref = reference_tg(p, rate_per_min / 60);
        std::cout << "target " << target << " K at " << rate_per_min << " K/min: tau0 = " << c.tau0
                  << " s, model Tg " << tg << " K, reference Tg " << ref << " K, "
                  << c.evaluations << " coolings\n";
        EXPECT_NEAR(tg, target, 0.1);
        EXPECT_NEAR(ref, target, 0.1);
      }
  p.tau0          = 1e-18;
  const double t1 = bmgfe::cool_through_glass_transition(p, 20.0 / 60).glass_transition;
  p.tau0          = 1e-17;
  const double t2 = bmgfe::cool_through_glass_transition(p, 20.0 / 60).glass_transition;
  EXPECT_GT(t2, t1 + 1);
  EXPECT_THROW(bmgfe::calibrate_tau0(p, 400, 20.0 / 60), bmgfe::InputError); // below T0
}

// The parameter file: "calibrate" runs the calibration at parse time; numbers are taken as
// they are; out-of-range values name the entry.
TEST(TgCalibration, ParameterFile)
{
  const FreeVolumeParameters p = parse("");
  EXPECT_TRUE(p.tau0_calibrated);
  EXPECT_TRUE(p.eta0_from_maxwell);
  EXPECT_NEAR(bmgfe::cool_through_glass_transition(p, p.calibration_rate).glass_transition, 623,
              0.1);
  const FreeVolumeParameters q =
    parse("set Relaxation time prefactor = 2.5e-19\nset Viscosity prefactor = 4e-5\n"
          "set Glass transition temperature = 625\nset Calibration cooling rate = 10\n"
          "set Initial fictive temperature = 640\n");
  EXPECT_FALSE(q.tau0_calibrated);
  EXPECT_DOUBLE_EQ(q.tau0, 2.5e-19);
  EXPECT_DOUBLE_EQ(q.viscosity_prefactor(3e10), 4e-5);
  EXPECT_DOUBLE_EQ(q.calibration_rate, 10.0 / 60);
  EXPECT_NEAR(q.fictive_temperature(q.x_initial()), 640, 1e-12);

  EXPECT_NE(parse_error("set Relaxation time prefactor = fast\n")
              .find("entry 'Material/Free volume/Relaxation time prefactor'"),
            std::string::npos);
  EXPECT_NE(parse_error("set Relaxation time prefactor = -1e-19\n").find("must be positive"),
            std::string::npos);
  EXPECT_NE(parse_error("set Viscosity prefactor = 0\n")
              .find("entry 'Material/Free volume/Viscosity prefactor'"),
            std::string::npos);
  EXPECT_NE(parse_error("set Glass transition temperature = 400\n")
              .find("entry 'Material/Free volume/Glass transition temperature': must exceed the "
                    "Vogel temperature"),
            std::string::npos);
  EXPECT_NE(parse_error("set Initial fictive temperature = 300\n")
              .find("entry 'Material/Free volume/Initial fictive temperature'"),
            std::string::npos);
  EXPECT_NE(parse_error("set Activation energy = 9\n")
              .find("entry 'Material/Free volume/Activation energy'"),
            std::string::npos);
}
