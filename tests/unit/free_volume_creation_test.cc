// Stress-driven free-volume creation (free_volume_creation.h, doc/model.md "Stress-driven
// free-volume creation (optional)"):
//   - the integrator against the exact implicit solution of dx/dt = A e^{-1/x}/x,
//     F(x(t)) - F(x0) = int A dt, F(x) = e^{1/x}(x^2 + x)/2 - Ei(1/x)/2 (dF/dx = x e^{1/x}),
//     at constant T and with T linear in time (int A(T(t)) dt by composite Simpson);
//   - the rate: exactly zero without stress, even and strictly increasing in the stress,
//     quadratic for small stress, equal to the formula written out; the table of doc/model.md;
//   - ConstitutiveLaw::begin_step: relaxation, then creation from its result at the committed
//     stress (operator split); bit for bit the old value when disabled, at zero stress and at
//     the first step; every structural mode takes the same dx;
//   - the parameter file: defaults, units, out-of-range values and a model without
//     relaxation name the entry.
#include <bmgfe/base/input_error.h>
#include <bmgfe/core/parameters.h>
#include <bmgfe/materials/constitutive_law.h>
#include <bmgfe/materials/elastic_moduli.h>
#include <bmgfe/materials/free_volume.h>
#include <bmgfe/materials/free_volume_creation.h>
#include <bmgfe/materials/point_history.h>
#include <bmgfe/materials/thermoelastic_material.h>

#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/symmetric_tensor.h>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <limits>
#include <string>
#include <vector>

using bmgfe::ConstitutiveLaw;
using bmgfe::FreeVolumeCreationParameters;
using bmgfe::InputError;
using bmgfe::MaterialPointState;
using dealii::SymmetricTensor;

namespace
{
  const double k_B = 1.380649e-23; // J/K
  const double eV  = 1.602176634e-19;
  /// S = E/(3(1 - nu)) of Vit1 (E = 96 GPa, nu = 0.36): 5e10 Pa.
  const double S_vit1 = 96e9 / (3 * (1 - 0.36));

  /// A(T, tau) of dx/dt = A e^{-1/x}/x, written out from (C.1) with the default parameters.
  double A(const FreeVolumeCreationParameters &p, const double T, const double tau,
           const double S)
  {
    const double kT = k_B * T;
    return p.attempt_frequency * std::exp(-p.migration_energy * eV / kT) * 2 * kT /
           (p.overlap_factor * p.critical_volume * p.atomic_volume * S) *
           (std::cosh(tau * p.atomic_volume / (2 * kT)) - 1);
  }

  /// F(x) = e^{1/x}(x^2 + x)/2 - Ei(1/x)/2, an antiderivative of x e^{1/x}.
  double F(const double x)
  {
    return std::exp(1 / x) * (x * x + x) / 2 - std::expint(1 / x) / 2;
  }

  /// dt for which the exact solution goes from x0 to x1 at constant A.
  double time_to(const double x0, const double x1, const double a) { return (F(x1) - F(x0)) / a; }
} // namespace

// F' = x e^{1/x}: the antiderivative itself, by central differences.
TEST(FreeVolumeCreation, AntiderivativeOfTheClosedForm)
{
  for (const double x : {0.05, 0.1, 0.2, 0.5})
    {
      const double h = 1e-6 * x;
      const double d = (F(x + h) - F(x - h)) / (2 * h);
      EXPECT_NEAR(d / (x * std::exp(1 / x)), 1, 1e-7) << "x = " << x;
    }
}

// (a) Constant stress and temperature: |F(x_num) - F(x0) - A t| / (A t) < 1e-8, in one call
// over a step in which x grows by 30-100 %, and in ten calls.
TEST(FreeVolumeCreation, ClosedFormAtConstantStressAndTemperature)
{
  const FreeVolumeCreationParameters p;
  struct Case
  {
    double x0, tau, T, growth;
  };
  for (const Case c : {Case{0.05, 1e9, 600, 1.3}, Case{0.1, 0.5e9, 600, 1.5},
                       Case{0.2, 0.75e9, 600, 2.0}, Case{0.08, 1e9, 550, 1.3},
                       Case{0.15, 0.5e9, 650, 1.6}})
    {
      const double a  = A(p, c.T, c.tau, S_vit1);
      const double dt = time_to(c.x0, c.growth * c.x0, a);
      ASSERT_GT(dt, 0);
      const double x     = p.integrate(c.x0, c.T, c.T, c.tau, S_vit1, dt);
      const double error = std::abs(F(x) - F(c.x0) - a * dt) / (a * dt);
      double       x10   = c.x0;
      for (int i = 0; i < 10; ++i)
        x10 = p.integrate(x10, c.T, c.T, c.tau, S_vit1, dt / 10);
      const double error10 = std::abs(F(x10) - F(c.x0) - a * dt) / (a * dt);
      std::cout << "x0 = " << c.x0 << ", tau = " << c.tau / 1e9 << " GPa, T = " << c.T
                << " K: A = " << a << " 1/s, dt = " << dt << " s, x = " << x
                << ", closed-form error " << error << " (one step), " << error10
                << " (ten steps); x error " << std::abs(x / (c.growth * c.x0) - 1) << "\n";
      EXPECT_LT(error, 1e-8);
      EXPECT_LT(error10, 1e-8);
      EXPECT_NEAR(x / (c.growth * c.x0), 1, 1e-9);
    }
}

// The same with T linear in time: F(x(dt)) - F(x0) = int_0^dt A(T(t)) dt, the integral by
// composite Simpson (20000 intervals).
TEST(FreeVolumeCreation, ClosedFormWithLinearTemperature)
{
  const FreeVolumeCreationParameters p;
  struct Case
  {
    double T_old, T_new, x0, tau;
  };
  for (const Case c : {Case{550, 650, 0.08, 1e9}, Case{650, 500, 0.1, 0.7e9}})
    {
      const double T_old = c.T_old, T_new = c.T_new, x0 = c.x0, tau = c.tau;
      const double dt = time_to(x0, 1.4 * x0, A(p, std::max(T_old, T_new), tau, S_vit1));
      const unsigned int n = 20000;
      double             integral = 0;
      for (unsigned int i = 0; i <= n; ++i)
        {
          const double w = (i == 0 || i == n) ? 1 : (i % 2 ? 4 : 2);
          integral += w * A(p, T_old + (T_new - T_old) * i / n, tau, S_vit1);
        }
      integral *= dt / n / 3;
      const double x     = p.integrate(x0, T_old, T_new, tau, S_vit1, dt);
      const double error = std::abs(F(x) - F(x0) - integral) / integral;
      std::cout << "T " << T_old << " -> " << T_new << " K, x0 = " << x0 << ", tau = " << tau / 1e9
                << " GPa: x = " << x << ", closed-form error " << error << "\n";
      EXPECT_LT(error, 1e-8);
      EXPECT_GT(x, 1.01 * x0);
    }
}

// (b) No stress, no creation, exactly; even and strictly increasing in the stress; quadratic
// for small stress (no cancellation in cosh - 1); the formula written out.
TEST(FreeVolumeCreation, RateInTheStress)
{
  const FreeVolumeCreationParameters p;
  for (const double T : {77.0, 293.0, 600.0})
    for (const double x : {0.02, 0.05})
      {
        EXPECT_EQ(p.rate(T, x, 0.0, S_vit1), 0.0);
        EXPECT_EQ(p.integrate(x, T, T + 10, 0.0, S_vit1, 100.0), x);
        double previous = 0;
        for (const double tau : {1e3, 1e5, 1e7, 1e8, 3e8, 1e9, 2e9, 5e9})
          {
            const double r = p.rate(T, x, tau, S_vit1);
            EXPECT_GT(r, previous) << "T = " << T << ", x = " << x << ", tau = " << tau;
            EXPECT_EQ(p.rate(T, x, -tau, S_vit1), r);
            EXPECT_EQ(p.integrate(x, T, T, -tau, S_vit1, 10.0), p.integrate(x, T, T, tau, S_vit1, 10.0));
            previous = r;
          }
        // cosh z - 1 = z^2/2 (1 + z^2/12 + ...): doubling a small stress quadruples the rate.
        EXPECT_NEAR(p.rate(T, x, 2e3, S_vit1) / p.rate(T, x, 1e3, S_vit1), 4, 1e-9);
      }
  // Where nothing underflows, the rate is the formula.
  for (const double tau : {1e8, 1e9})
    for (const double x : {0.05, 0.1})
      EXPECT_NEAR(p.rate(600, x, tau, S_vit1) / (A(p, 600, tau, S_vit1) * std::exp(-1 / x) / x), 1,
                  1e-12);
  // Far below any temperature of interest: 0, not NaN (exp(-dG/kT) underflows, cosh would
  // overflow).
  EXPECT_EQ(p.rate(0.5, 0.02, 5e9, S_vit1), 0.0);
  EXPECT_EQ(p.integrate(0.02, 0.5, 0.5, 5e9, S_vit1, 1e6), 0.02);
}

// The numbers of doc/model.md: Vit1 (defaults, S = 5e10 Pa), x = 0.02 and 0.025.
TEST(FreeVolumeCreation, RateTableForTheDocumentation)
{
  const FreeVolumeCreationParameters p;
  for (const double x : {0.02, 0.025})
    for (const double T : {77.0, 293.0, 373.0, 600.0})
      {
        char line[200];
        std::snprintf(line, sizeof line, "x = %.3f, T = %3.0f K: dx/dt = %.2e, %.2e, %.2e 1/s",
                      x, T, p.rate(T, x, 0.1e9, S_vit1), p.rate(T, x, 0.5e9, S_vit1),
                      p.rate(T, x, 1e9, S_vit1));
        std::cout << line << " at tau = 0.1, 0.5, 1 GPa\n";
        EXPECT_GT(p.rate(T, x, 0.1e9, S_vit1), 0);
        EXPECT_LT(p.rate(T, x, 1e9, S_vit1), 1e-10); // negligible in a glass below Tg
      }
}

// (c) Through the material-point law.
namespace
{
  bmgfe::ThermoElasticMaterial vit1(const bool creation)
  {
    bmgfe::ThermoElasticMaterial m;
    m.free_volume.tau0               = 5e-18;
    m.strength.reference_free_volume = m.free_volume.x_ref();
    // dG_m = 0 makes the creation of one step large enough to be seen next to 1e-12.
    m.free_volume.creation.enabled          = creation;
    m.free_volume.creation.migration_energy = 0;
    return m;
  }

  ConstitutiveLaw::Settings viscous()
  {
    ConstitutiveLaw::Settings s;
    s.viscous                 = true;
    s.max_relaxation_exponent = 1000;
    return s;
  }

  /// A committed point at 600 K with a shear stress of a few hundred MPa.
  MaterialPointState committed(const bmgfe::ThermoElasticMaterial &m)
  {
    const SymmetricTensor<2, 3> one = dealii::unit_symmetric_tensor<3>();
    MaterialPointState          d;
    d.x            = m.free_volume.x_ref() + 1e-3;
    d.temperature  = 600;
    d.strain       = -3e-3 * one;
    d.strain[0][1] = 4e-3;
    d.strain[2][2] += 6e-3;
    SymmetricTensor<2, 3> viscous;
    viscous[0][0] = 2e-4, viscous[1][1] = -1e-4, viscous[2][2] = -1e-4, viscous[1][2] = 5e-5;
    d.inelastic_strain = viscous;
    d.x_trial          = d.x;
    return d;
  }

  /// tau = sqrt(s:s/2) of the committed stress as the output sees it.
  double committed_tau(const ConstitutiveLaw &law, const MaterialPointState &d)
  {
    const SymmetricTensor<2, 3> s = deviator(law.fields(d, d.strain, d.temperature).stress);
    return std::sqrt(s * s / 2);
  }
} // namespace

TEST(FreeVolumeCreation, ThroughTheConstitutiveLaw)
{
  const auto            m = vit1(true);
  const ConstitutiveLaw law(m, viscous());
  const double          T_new = 640, t = 10, dt = 0.5;
  const double          E = m.youngs(600, 0), nu = m.poisson_ratio.value(600);
  const double          S = FreeVolumeCreationParameters::squeeze_modulus(E, nu);
  EXPECT_NEAR(S, S_vit1, 1e-6);

  MaterialPointState d      = committed(m);
  const double       lambda = law.begin_step(d, d, T_new, t, dt);
  const double       relaxed = m.free_volume.update(d.x, d.temperature, T_new, dt).x;
  const double       tau     = committed_tau(law, d);
  const double expected = m.free_volume.creation.integrate(relaxed, d.temperature, T_new, tau, S, dt);
  std::cout << "tau = " << tau / 1e6 << " MPa: relaxed x = " << relaxed << ", + creation "
            << expected - relaxed << "; begin_step differs by " << d.x_trial - expected << "\n";
  EXPECT_GT(tau, 2e8);
  EXPECT_GT(expected - relaxed, 1e-8); // the creation is seen
  EXPECT_NEAR(d.x_trial, expected, 1e-12);

  // Without creation: bit for bit the relaxation alone, and the same lambda.
  const auto            m_off = vit1(false);
  const ConstitutiveLaw off(m_off, viscous());
  MaterialPointState    e = committed(m_off);
  EXPECT_EQ(off.begin_step(e, e, T_new, t, dt), lambda);
  EXPECT_EQ(e.x_trial, relaxed);

  // No stress (eps = eps_v): nothing created, bit for bit.
  MaterialPointState z = committed(m);
  z.strain             = z.inelastic_strain;
  law.begin_step(z, z, T_new, t, dt);
  EXPECT_EQ(z.x_trial, m.free_volume.update(z.x, z.temperature, T_new, dt).x);

  // First step (T_n = NaN): no committed stress, nothing created.
  MaterialPointState first = committed(m);
  first.temperature        = std::numeric_limits<double>::quiet_NaN();
  law.begin_step(first, first, T_new, t, dt);
  EXPECT_EQ(first.x_trial, m.free_volume.update(first.x, T_new, T_new, dt).x);
}

// With a relaxation spectrum every mode takes the same dx, and x = sum w_i x_i holds.
TEST(FreeVolumeCreation, EveryStructuralModeTakesTheSameIncrement)
{
  auto m                         = vit1(true);
  m.free_volume.kww_spectrum     = true;
  m.free_volume.set_spectra();
  const ConstitutiveLaw law(m, viscous());
  const double          T_new = 640, t = 10, dt = 0.5;
  MaterialPointState    d = committed(m);
  const unsigned int    n = m.free_volume.structural_spectrum.size();
  ASSERT_GT(n, 1u);
  law.begin_step(d, d, T_new, t, dt);
  const bmgfe::FreeVolumeStep relaxed =
    m.free_volume.update(std::vector<double>(n, d.x), d.temperature, T_new, dt);
  const double S  = FreeVolumeCreationParameters::squeeze_modulus(m.youngs(600, 0),
                                                                  m.poisson_ratio.value(600));
  const double x  = m.free_volume.creation.integrate(relaxed.x, d.temperature, T_new,
                                                     committed_tau(law, d), S, dt);
  const double dx = x - relaxed.x;
  EXPECT_GT(dx, 1e-8);
  EXPECT_NEAR(d.x_trial, x, 1e-12);
  ASSERT_EQ(d.x_modes_trial.size(), n);
  for (unsigned int i = 0; i < n; ++i)
    EXPECT_NEAR(d.x_modes_trial[i], relaxed.modes[i] + dx, 1e-15);
  EXPECT_NEAR(m.free_volume.total_free_volume(d.x_modes_trial), d.x_trial, 1e-15);
}

// (d) The parameter file.
namespace
{
  FreeVolumeCreationParameters parse(const std::string &body)
  {
    dealii::ParameterHandler prm;
    bmgfe::FreeVolumeParameters::declare_parameters(prm);
    prm.parse_input_from_string("subsection Material\n subsection Free volume\n"
                                "  set Relaxation time prefactor = 5e-18\n"
                                "  subsection Creation\n" +
                                body + "  end\n end\nend\n");
    bmgfe::FreeVolumeParameters p;
    p.parse_parameters(prm);
    return p.creation;
  }

  std::string parse_error(const std::string &body)
  {
    try
      {
        parse(body);
      }
    catch (const InputError &e)
      {
        return e.what();
      }
    ADD_FAILURE() << "no InputError for\n" << body;
    return "";
  }
} // namespace

TEST(FreeVolumeCreation, ParameterFile)
{
  const FreeVolumeCreationParameters d = parse("");
  EXPECT_FALSE(d.enabled);
  EXPECT_DOUBLE_EQ(d.attempt_frequency, 1e13);
  EXPECT_NEAR(d.migration_energy * eV, 0.2e-18, 1e-23);
  EXPECT_DOUBLE_EQ(d.atomic_volume, 20e-30);
  EXPECT_DOUBLE_EQ(d.critical_volume, 0.8);
  EXPECT_DOUBLE_EQ(d.overlap_factor, 0.15);

  const FreeVolumeCreationParameters p =
    parse("set Enabled = true\nset Attempt frequency = 5e12\nset Migration energy = 1\n"
          "set Atomic volume = 16.3\nset Critical volume = 1\nset Overlap factor = 0.5\n");
  EXPECT_TRUE(p.enabled);
  EXPECT_DOUBLE_EQ(p.attempt_frequency, 5e12);
  EXPECT_DOUBLE_EQ(p.migration_energy, 1);
  EXPECT_DOUBLE_EQ(p.atomic_volume, 16.3e-30);
  EXPECT_DOUBLE_EQ(p.critical_volume_m3(), 16.3e-30);
  EXPECT_DOUBLE_EQ(p.overlap_factor, 0.5);

  const std::string entry = "entry 'Material/Free volume/Creation/";
  std::string       what  = parse_error("set Enabled = true\nset Atomic volume = -20\n");
  EXPECT_NE(what.find(entry + "Atomic volume': must be positive (got -20)"), std::string::npos)
    << what;
  what = parse_error("set Enabled = true\nset Attempt frequency = 0\n");
  EXPECT_NE(what.find(entry + "Attempt frequency'"), std::string::npos) << what;
  what = parse_error("set Migration energy = -0.1\n");
  EXPECT_NE(what.find(entry + "Migration energy'"), std::string::npos) << what;
  what = parse_error("set Critical volume = 0\n");
  EXPECT_NE(what.find(entry + "Critical volume'"), std::string::npos) << what;
  what = parse_error("set Overlap factor = -0.15\n");
  EXPECT_NE(what.find(entry + "Overlap factor'"), std::string::npos) << what;
}

// A model without free-volume relaxation cannot take the creation: one error naming the entry.
TEST(FreeVolumeCreation, NeedsAViscousModel)
{
  const std::string file = "unit_creation.prm";
  {
    std::ofstream out(file);
    out << "set Dimension = 2\n"
           "set Output directory = unit-output\n"
           "subsection Thermal protocol\n"
           "  set Sequence = hold\n"
           "  subsection hold\n"
           "    set Duration = 10 s\n"
           "    set Environment temperature = 600\n"
           "  end\n"
           "end\n";
  }
  const std::string enable = "Material/Free volume/Creation/Enabled=true";
  for (const std::string model : {"none", "plastic"})
    {
      bmgfe::Parameters p;
      try
        {
          bmgfe::read_parameters(file, {enable, "Mechanics/Enabled=true",
                                        "Mechanics/Inelastic model=" + model}, p);
          ADD_FAILURE() << "no InputError for the model " << model;
        }
      catch (const InputError &e)
        {
          const std::string what = e.what();
          EXPECT_NE(what.find("entry 'Material/Free volume/Creation/Enabled'"), std::string::npos)
            << what;
        }
    }
  for (const std::string model : {"viscous", "viscoplastic"})
    {
      bmgfe::Parameters p;
      EXPECT_NO_THROW(bmgfe::read_parameters(file, {enable, "Mechanics/Enabled=true",
                                                    "Mechanics/Inelastic model=" + model}, p));
      EXPECT_TRUE(p.elastic.free_volume.creation.enabled);
    }
}
