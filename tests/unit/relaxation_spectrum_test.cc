// Relaxation spectrum (doc/model.md "Relaxation spectrum"), without a mesh:
//   - the Prony fit of exp(-xi^beta) (non-negative least squares): weights >= 0 summing to 1,
//     error below 1e-3 over six decades of time around the KWW time for beta = 0.4, 0.5, 0.7;
//   - the mode model at constant temperature follows x_eq + (x_0 - x_eq) exp(-(t/tau)^beta)
//     for a small departure (tau nearly constant);
//   - a single relaxation time reproduces the update of the code before the spectrum (stored
//     numbers of main 9daa0a1);
//   - frozen T_f after cooling at 1, 10, 100 K/min against an independent integration of the
//     mode ODEs written out in this file (exponential midpoint rule, 0.02 K steps);
//   - generalized Maxwell body: stress relaxation at fixed strain is G sum g_i
//     exp(-t/(b_i tau_M)) for any step; the viscoplastic update with N branches has the
//     consistent tangent of central differences, and its branches lose phi1(lambda_i) dev(d eps_p);
//   - the law object: the closed-form eigenstress and commit of the linear assembly against
//     respond() with N branches; pack()/unpack() of modes and branches;
//   - the Tg calibration with the spectrum.
#include <bmgfe/materials/constitutive_law.h>
#include <bmgfe/materials/elastic_moduli.h>
#include <bmgfe/materials/free_volume.h>
#include <bmgfe/materials/mohr_coulomb_strength.h>
#include <bmgfe/materials/point_history.h>
#include <bmgfe/materials/relaxation_spectrum.h>
#include <bmgfe/materials/tg_calibration.h>
#include <bmgfe/materials/thermoelastic_material.h>
#include <bmgfe/materials/viscoplastic_update.h>
#include <bmgfe/materials/viscous_flow.h>

#include <deal.II/base/symmetric_tensor.h>

#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <numeric>
#include <random>
#include <vector>

#include "free_volume_reference.h"

using bmgfe::FreeVolumeParameters;
using bmgfe::RelaxationSpectrum;
using dealii::SymmetricTensor;

namespace
{
  const SymmetricTensor<2, 3> one = dealii::unit_symmetric_tensor<3>();

  /// Vit1 defaults with a fixed tau0 (as free_volume_test.cc) and the KWW spectrum.
  FreeVolumeParameters vit1(const bool kww, const double beta = 0.5)
  {
    FreeVolumeParameters p;
    p.tau0                = 6.5e-18;
    p.tau0_calibrated     = false;
    p.kww_spectrum        = kww;
    p.stretching_exponent = beta;
    p.set_spectra();
    return p;
  }

  /// Frobenius norm of a tensor difference (the tests compare tensors through it).
  double size(const SymmetricTensor<2, 3> &a) { return a.norm(); }

  SymmetricTensor<2, 3> random_deviator(std::mt19937 &gen, const double scale)
  {
    std::uniform_real_distribution<double> u(-scale, scale);
    SymmetricTensor<2, 3>                  t;
    for (unsigned int k = 0; k < 6; ++k)
      t.access_raw_entry(k) = u(gen);
    return deviator(t);
  }
} // namespace

// The default fit (28 terms, 10^-7 - 10^2): at constant tau the relaxation function
// sum w_i exp(-t/(a_i tau)) matches exp(-(t/tau)^beta) to 1e-3 over six decades of t
// (1e-4 - 1e2 tau), for beta = 0.4, 0.5, 0.7; weights >= 0 with sum 1.
TEST(RelaxationSpectrum, PronyFitOfKWW)
{
  for (const double beta : {0.4, 0.5, 0.7})
    {
      const RelaxationSpectrum s = bmgfe::fit_kww(beta, 28, -7, 2);
      ASSERT_EQ(s.size(), 28u);
      double sum = 0;
      for (unsigned int i = 0; i < s.size(); ++i)
        {
          EXPECT_GE(s.weights[i], 0.0);
          sum += s.weights[i];
          EXPECT_NEAR(std::log10(s.times[i]), -7 + i / 3.0, 1e-12);
        }
      EXPECT_NEAR(sum, 1.0, 1e-14);
      // At constant tau, in physical time: sum w_i exp(-t/(a_i tau)) vs exp(-(t/tau)^beta).
      const double tau   = 137.0; // s
      double       worst = 0;
      for (double e = -4; e <= 2 + 1e-9; e += 0.01)
        {
          const double t = tau * std::pow(10.0, e);
          double       prony = 0;
          for (unsigned int i = 0; i < s.size(); ++i)
            prony += s.weights[i] * std::exp(-t / (s.times[i] * tau));
          worst = std::max(worst, std::abs(prony - std::exp(-std::pow(t / tau, beta))));
        }
      std::cout << "beta = " << beta << ": max |Prony - KWW| over t/tau = 1e-4 - 1e2: " << worst
                << ", over 1e-6 - 1e3: " << bmgfe::kww_fit_error(s, beta, 1e-6, 1e3) << "\n";
      EXPECT_LT(worst, 1e-3) << "beta = " << beta;
      EXPECT_LT(bmgfe::kww_fit_error(s, beta, 1e-6, 1e3), 1e-3) << "beta = " << beta;
      // Too few terms do not make it (the check can fail).
      EXPECT_GT(bmgfe::kww_fit_error(bmgfe::fit_kww(beta, 6, -7, 2), beta, 1e-4, 1e2), 1e-3);
    }
  // One term is the single relaxation time, exactly.
  const RelaxationSpectrum single = bmgfe::fit_kww(0.5, 1, -7, 2);
  EXPECT_EQ(single.weights, std::vector<double>{1.0});
  EXPECT_EQ(single.times, std::vector<double>{1.0});
  EXPECT_THROW(bmgfe::fit_kww(1.5, 10, -7, 2), std::invalid_argument);
  EXPECT_THROW(bmgfe::fit_kww(0.5, 10, 2, -7), std::invalid_argument);
}

// Lawson-Hanson on a problem with a known answer: b = A (1, 0, 2) + a component that the
// unconstrained least squares would fit with a negative second weight.
TEST(RelaxationSpectrum, NonNegativeLeastSquares)
{
  const std::vector<double> A = {1, 0, 0, //
                                 0, 1, 0, //
                                 0, 0, 1, //
                                 1, 1, 1};
  const std::vector<double> b = {1, -1, 2, 3};
  const std::vector<double> w = bmgfe::nonnegative_least_squares(A, 4, 3, b);
  // With w_2 = 0 the rest is the least squares of rows 1, 3, 4: w_1 = 1, w_3 = 2 fit exactly
  // except row 4 (3 vs 3): exact.
  EXPECT_NEAR(w[0], 1, 1e-14);
  EXPECT_EQ(w[1], 0.0);
  EXPECT_NEAR(w[2], 2, 1e-14);
  // KKT: the gradient A^T (b - A w) is <= 0 at the zero weight.
  double g1 = 0;
  for (unsigned int i = 0; i < 4; ++i)
    g1 += A[i * 3 + 1] * (b[i] - (A[i * 3] * w[0] + A[i * 3 + 1] * w[1] + A[i * 3 + 2] * w[2]));
  EXPECT_LE(g1, 1e-14);
}

// A small departure from equilibrium at constant T: tau(T, x) is nearly constant, and the
// mode model relaxes as the KWW function, with steps of one per decade of time (each step is
// exact for constant tau).
TEST(RelaxationSpectrum, ModeModelRelaxesAsKWWAtConstantTemperature)
{
  for (const double beta : {0.4, 0.5, 0.7})
    {
      const FreeVolumeParameters p  = vit1(true, beta);
      const double               T  = 600;
      const double               xe = p.x_eq(T), x0 = xe + 1e-7;
      const double               tau = p.tau(T, xe);
      std::vector<double>        modes(p.structural_spectrum.size(), x0);
      double                     t = 0, worst = 0;
      for (double e = -5; e <= 2 + 1e-9; e += 0.25)
        {
          const double t_new = tau * std::pow(10.0, e);
          const auto   s     = p.update(modes, T, T, t_new - t);
          modes              = s.modes;
          t                  = t_new;
          EXPECT_NEAR(s.x, p.total_free_volume(modes), 1e-16);
          const double relaxed = (s.x - xe) / (x0 - xe);
          worst = std::max(worst, std::abs(relaxed - std::exp(-std::pow(t / tau, beta))));
        }
      std::cout << "beta = " << beta << ": (x - x_eq)/(x0 - x_eq) vs exp(-(t/tau)^beta) over "
                << "1e-5 - 1e2 tau (tau = " << tau << " s): max difference " << worst << "\n";
      EXPECT_LT(worst, 1.5e-3) << "beta = " << beta;
    }
  // The single time relaxes as exp(-t/tau) instead: far from the KWW curve at t = 0.01 tau.
  const FreeVolumeParameters p = vit1(false);
  const double xe = p.x_eq(600), x0 = xe + 1e-7, tau = p.tau(600, xe);
  const double relaxed = (p.update(x0, 600, 600, 0.01 * tau).x - xe) / (x0 - xe);
  EXPECT_NEAR(relaxed, std::exp(-0.01), 1e-5);
  EXPECT_GT(std::abs(relaxed - std::exp(-std::pow(0.01, 0.5))), 0.05);
}

// The single relaxation time (the struct default) gives the numbers of the update before the
// relaxation spectrum: final x, sum of the reduced times and sub-steps of eight histories,
// computed with main 9daa0a1's FreeVolumeParameters::update (tau0 = 6.5e-18 s, steps as
// listed).
TEST(RelaxationSpectrum, SingleTimeReproducesTheUpdateBeforeTheSpectrum)
{
  struct Stored
  {
    const char   *name;
    double        x, reduced_time;
    unsigned long substeps;
  };
  const std::vector<Stored> stored = {
    {"cool 1 K/min, 2 K steps", 0.021049813093820088, 551238.17374169524, 373},
    {"cool 10 K/min, 10 K steps", 0.022132426045043146, 55134.400210993612, 299},
    {"cool 100 K/min, 0.5 K steps", 0.023331971909769888, 5515.7301520308729, 440},
    {"age 560 K, 10 min steps", 0.019223982458905955, 0.66163111025650212, 1014},
    {"age 610 K, 1 s steps", 0.021193780667754517, 2.6128130368795692, 3600},
    {"hold 720 K then quench 100 K/s and 1 h at 300 K", 0.025815543520208456, 5501825.3321561906, 6354},
    {"heat 20 K/min to 800 K", 0.041382992917453933, 219625760.45887977, 470},
    {"heat 600 s steps 450 -> 700 K", 0.030703502581662597, 110243.70687492186, 299}};
  const FreeVolumeParameters p = vit1(false);
  ASSERT_TRUE(p.structural_spectrum.single());
  // The histories of the generator: segments (T_end, duration) from T0 in steps of at most dt.
  const auto run = [&](double x, const std::vector<std::pair<double, double>> &segments,
                       double T, const double dt) {
    Stored r{"", 0, 0, 0};
    for (const auto &[T_end, duration] : segments)
      {
        const unsigned int n = std::max(1.0, std::ceil(duration / dt - 1e-9));
        for (unsigned int k = 0; k < n; ++k)
          {
            const double Ta = T + (T_end - T) * k / n, Tb = T + (T_end - T) * (k + 1.0) / n;
            const auto   s  = p.update(x, Ta, Tb, duration / n);
            x               = s.x;
            r.reduced_time += s.reduced_time;
            r.substeps += s.substeps;
          }
        T = T_end;
      }
    r.x = x;
    return r;
  };
  const std::vector<Stored> now = {
    run(p.x_eq(700), {{480, 220 * 60}}, 700, 120),
    run(p.x_eq(700), {{480, 22 * 60}}, 700, 60),
    run(p.x_eq(700), {{480, 2.2 * 60}}, 700, 0.3),
    run(p.x_of_fictive_temperature(623), {{560, 7 * 86400}}, 560, 600),
    run(p.x_of_fictive_temperature(623), {{610, 3600}}, 610, 1),
    run(p.x_of_fictive_temperature(640), {{720, 600}, {300, 4.2}, {300, 3600}}, 720, 0.7),
    run(p.x_of_fictive_temperature(623), {{800, 500.0 / 20 * 60}}, 300, 15),
    run(p.x_of_fictive_temperature(660), {{700, 3000}}, 450, 600)};
  for (std::size_t k = 0; k < stored.size(); ++k)
    {
      EXPECT_NEAR(now[k].x, stored[k].x, 1e-10 * stored[k].x) << stored[k].name;
      EXPECT_NEAR(now[k].reduced_time, stored[k].reduced_time, 1e-10 * stored[k].reduced_time)
        << stored[k].name;
      EXPECT_EQ(now[k].substeps, stored[k].substeps) << stored[k].name;
      std::cout << stored[k].name << ": x differs by " << now[k].x - stored[k].x << "\n";
    }
}

namespace
{
  /// Independent integration of the mode ODEs dx_i/dt = -(x_i - x_eq(T))/(a_i tau(T, x)),
  /// x = sum w_i x_i, written from the equations: the exponential midpoint rule (each mode
  /// exact for a frozen tau; tau at the midpoint predicted by a half step) with fixed steps of
  /// dT kelvin, from the equilibrium liquid down to T_end at `rate`.
  double independent_frozen_Tf(const FreeVolumeParameters &p, const double rate,
                               const double T_start, const double T_end, const double dT)
  {
    const reference::Law law{p.vogel_temperature, p.fragility * p.vogel_temperature,
                             p.activation_energy / 8.617333262e-5, p.tau0};
    const auto &w = p.structural_spectrum.weights, &a = p.structural_spectrum.times;
    std::vector<double> x(w.size(), law.x_eq(T_start)), half(w.size());
    const auto total = [&](const std::vector<double> &m) {
      double s = 0;
      for (std::size_t i = 0; i < m.size(); ++i)
        s += w[i] * m[i];
      return s;
    };
    const double h = dT / rate;
    for (double T = T_start; T > T_end + 1e-9; T -= dT)
      {
        const double Tm = T - dT / 2;
        // Predictor: half a step with tau at the start.
        const double tau_a = law.tau(T, total(x));
        for (std::size_t i = 0; i < x.size(); ++i)
          half[i] = law.x_eq(Tm) + (x[i] - law.x_eq(Tm)) * std::exp(-h / 2 / (a[i] * tau_a));
        // Whole step with tau at the midpoint; x_eq linear in time: exact for a frozen tau.
        const double tau_m = law.tau(Tm, total(half));
        const double xa = law.x_eq(T), xb = law.x_eq(T - dT);
        for (std::size_t i = 0; i < x.size(); ++i)
          {
            const double z   = h / (a[i] * tau_m);
            const double ph1 = z < 1e-8 ? 1 - z / 2 : -std::expm1(-z) / z;
            x[i]             = xb + (x[i] - xa) * std::exp(-z) - (xb - xa) * ph1;
          }
      }
    return law.T0 + law.B * total(x);
  }
} // namespace

// Frozen T_f of the KWW mode model after cooling at 1, 10, 100 K/min from the liquid to 480 K:
// the code's update (2 K and 10 K per call) against the independent integration (0.02 K
// steps, self-checked against 0.04 K) within 0.5 K.
TEST(RelaxationSpectrum, FrozenFictiveTemperatureAgainstIndependentIntegration)
{
  const FreeVolumeParameters p       = vit1(true, 0.5);
  const FreeVolumeParameters single  = vit1(false);
  const double               T_start = 720, T_end = 480;
  double                     previous = 0;
  for (const double per_min : {1.0, 10.0, 100.0})
    {
      const double rate   = per_min / 60;
      const double ref    = independent_frozen_Tf(p, rate, T_start, T_end, 0.02);
      const double coarse = independent_frozen_Tf(p, rate, T_start, T_end, 0.04);
      EXPECT_LT(std::abs(ref - coarse), 0.02) << per_min << " K/min";
      for (const double dT : {2.0, 10.0})
        {
          std::vector<double> modes(p.structural_spectrum.size(), p.x_eq(T_start));
          double              x = 0;
          for (double T = T_start; T > T_end + 1e-9; T -= dT)
            {
              const auto s = p.update(modes, T, T - dT, dT / rate);
              modes        = s.modes;
              x            = s.x;
            }
          const double model = p.fictive_temperature(x);
          std::cout << per_min << " K/min, dT = " << dT << " K: independent T_f = " << ref
                    << " K (0.04 K steps: " << coarse << "), model " << model << " K, error "
                    << model - ref << " K\n";
          EXPECT_LT(std::abs(model - ref), 0.5) << per_min << " K/min, dT = " << dT;
        }
      EXPECT_GT(ref, previous + 1); // faster cooling freezes more free volume
      previous = ref;
      // The spectrum changes the glass (with the same tau0): the check can fail.
      double x = single.x_eq(T_start);
      for (double T = T_start; T > T_end + 1e-9; T -= 2)
        x = single.update(x, T, T - 2, 2 / rate).x;
      EXPECT_GT(std::abs(single.fictive_temperature(x) - ref), 1.0) << per_min << " K/min";
    }
}

// Generalized Maxwell body at fixed strain: dev(sigma) = 2 G e_0 sum g_i exp(-xi/b_i) with
// xi = sum lambda for any step sizes (exact), and the series is the KWW function of beta_G.
TEST(RelaxationSpectrum, GeneralizedMaxwellStressRelaxation)
{
  FreeVolumeParameters p             = vit1(true, 0.5);
  p.shear_stretching_exponent        = 0.6;
  p.set_spectra();
  const RelaxationSpectrum &shear = p.shear_spectrum;
  ASSERT_EQ(shear.size(), 28u);
  EXPECT_NE(shear.weights, p.structural_spectrum.weights);
  const double          G = 35e9, tau_M = 50;
  SymmetricTensor<2, 3> strain;
  strain[0][1] = 1e-3, strain[0][0] = 2e-3, strain[1][1] = -1e-3;
  // Loading step: elastic (lambda = 0).
  auto step = bmgfe::viscous_flow::update(strain, strain, SymmetricTensor<2, 3>(), {}, G, shear, 0, 0);
  ASSERT_EQ(step.branch_viscous_strains.size(), 28u);
  EXPECT_LT(size(step.deviatoric_stress - 2 * G * deviator(strain)), 1e-6);
  std::vector<SymmetricTensor<2, 3>> branches = step.branch_viscous_strains;
  SymmetricTensor<2, 3>              total    = step.viscous_strain;
  double                             t = 0, worst = 0, worst_kww = 0;
  std::mt19937                       gen(3);
  std::uniform_real_distribution<double> u(-3, 1);
  while (t < 1e3 * tau_M)
    {
      const double dt = tau_M * std::pow(10.0, u(gen));
      step            = bmgfe::viscous_flow::update(strain, SymmetricTensor<2, 3>(), total, branches,
                                         G, shear, dt / tau_M, 0);
      branches        = step.branch_viscous_strains;
      total           = step.viscous_strain;
      t += dt;
      double exact = 0;
      for (unsigned int i = 0; i < shear.size(); ++i)
        exact += shear.weights[i] * std::exp(-t / (shear.times[i] * tau_M));
      const SymmetricTensor<2, 3> s = 2 * G * exact * deviator(strain);
      worst     = std::max(worst, size(step.deviatoric_stress - s) / (2 * G * size(deviator(strain))));
      worst_kww = std::max(worst_kww, std::abs(exact - std::exp(-std::pow(t / tau_M, 0.6))));
      // dev(sigma) = 2 G (e - eps_v) with the total viscous strain.
      EXPECT_LT(size(step.deviatoric_stress - 2 * G * (deviator(strain) - total)), 1e-6);
    }
  std::cout << "generalized Maxwell: stress vs G sum g_i exp(-t/(b_i tau_M)): " << worst
            << " relative; series vs KWW(0.6): " << worst_kww << "\n";
  EXPECT_LT(worst, 1e-12);
  EXPECT_LT(worst_kww, 1e-3);
  // The cap of every branch exponent: the fastest branch is capped first.
  EXPECT_EQ(bmgfe::viscous_flow::branch_exponent(10.0, 1e-7, 1000), 1000.0);
  EXPECT_EQ(bmgfe::viscous_flow::branch_exponent(10.0, 100, 1000), 0.1);
}

namespace
{
  bmgfe::MohrCoulombFlow flow_of(const FreeVolumeParameters &fv, const bmgfe::MohrCoulombStrength &s)
  {
    bmgfe::MohrCoulombFlow flow;
    flow.dilatancy_factor         = s.dilatancy_factor;
    flow.steady_state_free_volume = s.steady_state_free_volume;
    flow.zeta                     = fv.zeta();
    return flow;
  }
} // namespace

// Viscoplastic update with 28 Maxwell branches past the yield point: the consistent tangent
// against central differences; the stress is the sum of the branches after each lost
// phi1(lambda_i) dev(d eps_p); sum g_i eps_v,i + eps_p is the inelastic strain.
TEST(RelaxationSpectrum, ViscoplasticTangentWithBranches)
{
  const FreeVolumeParameters fv = vit1(true, 0.5);
  bmgfe::MohrCoulombStrength strength;
  strength.reference_free_volume = fv.x_ref();
  const bmgfe::MohrCoulombFlow flow = flow_of(fv, strength);
  const double K = bmgfe::bulk_modulus(96e9, 0.36), G = bmgfe::shear_modulus(96e9, 0.36);
  std::mt19937 gen(11);
  const unsigned int n = fv.shear_spectrum.size();
  std::vector<SymmetricTensor<2, 3>> branches(n);
  SymmetricTensor<2, 3>              total_viscous;
  for (unsigned int i = 0; i < n; ++i)
    {
      branches[i] = random_deviator(gen, 2e-4);
      total_viscous += fv.shear_spectrum.weights[i] * branches[i];
    }
  for (const double lambda : {0.0, 1e-3, 0.5, 20.0})
    {
      bmgfe::ViscoplasticInput in;
      in.strain_old         = -2e-3 * one;
      in.strain_old[0][1]   = 1e-3;
      in.plastic_strain_old = random_deviator(gen, 1e-4) + 1e-5 * one;
      in.inelastic_strain_old       = in.plastic_strain_old + total_viscous;
      in.branch_viscous_strains_old = &branches;
      in.shear_spectrum             = &fv.shear_spectrum;
      in.strain                     = in.strain_old;
      if (lambda < 1)
        in.strain[0][0] += 0.02, in.strain[1][1] -= 0.03, in.strain[0][1] += 0.01;
      else
        // lambda = 20 relaxes all but ~5 % of the shear modulus within the step, and the
        // compression of the increment above (trace -0.01, p ~ 1 GPa) raises the Mohr-Coulomb
        // strength by mu p: a larger, isochoric increment keeps the point plastic (the tangent
        // of the plastic region is what is tested).
        in.strain[0][0] += 0.2, in.strain[1][1] -= 0.2, in.strain[0][1] += 0.1;
      in.isotropic_eigenstrain   = 1e-3;
      in.bulk_modulus            = K;
      in.shear_modulus           = G;
      in.relaxation_exponent     = lambda;
      in.max_relaxation_exponent = 1000;
      in.free_volume = in.strength_free_volume = fv.x_ref();
      in.plastic                               = true;
      const bmgfe::ViscoplasticResult r = bmgfe::viscoplastic::update(in, strength, flow);
      ASSERT_TRUE(r.converged);
      ASSERT_NE(r.region, bmgfe::MohrCoulombRegion::elastic) << "lambda = " << lambda;
      ASSERT_EQ(r.branch_viscous_strains.size(), n);
      // The stress is the sum of the branches: dev sigma = sum 2 G g_i (e - eps_v,i) with
      // e = dev(eps - eps_p,n - d eps_p).
      const SymmetricTensor<2, 3> e = deviator(in.strain - in.plastic_strain_old - r.plastic_strain_increment);
      SymmetricTensor<2, 3>       branch_stress, branch_total;
      for (unsigned int i = 0; i < n; ++i)
        {
          branch_stress += 2 * G * fv.shear_spectrum.weights[i] * (e - r.branch_viscous_strains[i]);
          branch_total += fv.shear_spectrum.weights[i] * r.branch_viscous_strains[i];
        }
      EXPECT_LT(size(branch_stress - deviator(r.stress)), 1e-9 * size(r.stress)) << lambda;
      const SymmetricTensor<2, 3> plastic_new = in.plastic_strain_old + r.plastic_strain_increment;
      EXPECT_LT(size(deviator(r.inelastic_strain - plastic_new) - branch_total), 1e-12) << lambda;
      // Consistent tangent vs central differences.
      const double h = 1e-9;
      double       worst = 0, scale = 0;
      for (unsigned int k = 0; k < 3; ++k)
        for (unsigned int l = k; l < 3; ++l)
          {
            SymmetricTensor<2, 3> delta;
            delta[k][l]                 = k == l ? h : h / 2;
            bmgfe::ViscoplasticInput pl = in, mi = in;
            pl.strain += delta;
            mi.strain -= delta;
            const auto rp = bmgfe::viscoplastic::update(pl, strength, flow);
            const auto rm = bmgfe::viscoplastic::update(mi, strength, flow);
            ASSERT_EQ(rp.region, r.region);
            ASSERT_EQ(rm.region, r.region);
            const SymmetricTensor<2, 3> fd = (rp.stress - rm.stress) / (2 * h);
            worst = std::max(worst, size(fd - r.tangent * delta / h));
          }
      for (unsigned int k = 0; k < 6; ++k)
        for (unsigned int l = 0; l < 6; ++l)
          scale = std::max(scale, std::abs(r.tangent.access_raw_entry(k * 6 + l)));
      std::cout << "N = 28 branches, lambda = " << lambda << " (" << bmgfe::mohr_coulomb::region_name(r.region)
                << "): tangent vs central differences " << worst / scale << " relative\n";
      EXPECT_LT(worst / scale, 1e-5) << "lambda = " << lambda;
    }
}

namespace
{
  bmgfe::ThermoElasticMaterial vit1_material(const bool kww)
  {
    bmgfe::ThermoElasticMaterial m;
    m.free_volume                    = vit1(kww, 0.5);
    m.strength.reference_free_volume = m.free_volume.x_ref();
    return m;
  }
} // namespace

// The law object with 28 modes and branches (viscous model): begin_step carries the modes;
// the closed-form eigenstress and commit of the linear assembly equal respond() (minus the
// response at zero strain; its viscous strains); its tangent matches central differences;
// commit() keeps modes and branches and pack()/unpack() restores them.
TEST(RelaxationSpectrum, LawWithModesAndBranches)
{
  const auto                       m = vit1_material(true);
  bmgfe::ConstitutiveLaw::Settings settings;
  settings.viscous                 = true;
  settings.max_relaxation_exponent = 1000;
  const bmgfe::ConstitutiveLaw law(m, settings);
  bmgfe::MaterialPointState    d;
  d.x           = m.free_volume.x_of_fictive_temperature(640);
  d.temperature = 600;
  d.strain      = -3e-3 * one;
  d.strain[0][1] = 1e-3;
  std::mt19937 gen(5);
  const unsigned int n = 28;
  for (unsigned int i = 0; i < n; ++i)
    {
      d.branch_viscous_strains.push_back(random_deviator(gen, 1e-4));
      d.free_volume_modes.push_back(d.x + 1e-4 * (i % 5 - 2.0));
    }
  d.x = m.free_volume.total_free_volume(d.free_volume_modes);
  for (unsigned int i = 0; i < n; ++i)
    d.inelastic_strain += m.free_volume.shear_spectrum.weights[i] * d.branch_viscous_strains[i];
  const double T = 610;
  const double lambda_max = law.begin_step(d, d, T, 10, 2.0);
  ASSERT_EQ(d.x_modes_trial.size(), n);
  const auto step = m.free_volume.update(d.free_volume_modes, 600, T, 2.0);
  EXPECT_EQ(d.x_modes_trial, step.modes);
  EXPECT_EQ(d.x_trial, step.x);
  EXPECT_EQ(lambda_max, std::min(1000.0, d.lambda / m.free_volume.shear_spectrum.times[0]));
  ASSERT_GT(d.lambda, 1e-4);

  SymmetricTensor<2, 3> eps = d.strain;
  eps[0][0] += 1e-3, eps[1][2] -= 5e-4;
  const bmgfe::PointResponse r  = law.respond(d, d, eps, T);
  const bmgfe::PointResponse r0 = law.respond(d, d, SymmetricTensor<2, 3>(), T);
  bmgfe::LamePair            pair;
  double                     eigenstrain = 0;
  const SymmetricTensor<2, 3> s = law.eigen_stress(d, d, T, pair, eigenstrain);
  EXPECT_LT(size(s + r0.stress), 1e-12 * size(s));
  EXPECT_NEAR(pair.mu, r.stiffness.mu, 1e-9 * r.stiffness.mu);
  EXPECT_LT(size(pair.lambda * trace(eps) * one + 2 * pair.mu * eps - s - r.stress), 1e-9 * size(r.stress));
  const bmgfe::PointUpdate u = law.linear_update(d, d, eps, T);
  EXPECT_LT(size(u.inelastic_strain - r.update.inelastic_strain), 1e-15);
  ASSERT_EQ(u.branch_viscous_strains.size(), n);
  for (unsigned int i = 0; i < n; ++i)
    EXPECT_LT(size(u.branch_viscous_strains[i] - r.update.branch_viscous_strains[i]), 1e-18);
  EXPECT_EQ(u.free_volume_modes, d.x_modes_trial);
  // G_eff = G sum g_i phi1(lambda_i) < G phi1(lambda) of one element with the KWW time.
  const double G = bmgfe::shear_modulus(m.youngs(T, 0), m.poisson_ratio.value(T));
  EXPECT_LT(r.stiffness.mu, G);

  // Tangent against central differences.
  const double h = 1e-8;
  double       worst = 0;
  for (unsigned int i = 0; i < 3; ++i)
    for (unsigned int j = i; j < 3; ++j)
      {
        SymmetricTensor<2, 3> dE;
        dE[i][j] = h;
        const SymmetricTensor<2, 3> fd =
          (law.respond(d, d, eps + dE, T).stress - law.respond(d, d, eps - dE, T).stress) / (2 * h);
        worst = std::max(worst, size(fd - r.tangent * dE / h) / (3 * bmgfe::bulk_modulus(96e9, 0.36)));
      }
  EXPECT_LT(worst, 1e-6);

  // Commit, pack, unpack.
  d.update = u;
  d.commit();
  EXPECT_EQ(d.free_volume_modes, u.free_volume_modes);
  EXPECT_EQ(d.branch_viscous_strains.size(), n);
  EXPECT_EQ(d.n_packed(), bmgfe::MaterialPointState::n_packed_fixed + n + 6 * n);
  std::vector<double> packed(d.n_packed(), -1.0);
  d.pack(packed.data());
  EXPECT_EQ(packed[24], n);
  EXPECT_EQ(packed[25], n);
  bmgfe::MaterialPointState b;
  b.unpack(packed.data());
  EXPECT_EQ(b.free_volume_modes, d.free_volume_modes);
  EXPECT_EQ(b.branch_viscous_strains, d.branch_viscous_strains);
  EXPECT_EQ(b.x_modes_trial, d.free_volume_modes);
  EXPECT_EQ(b.x, d.x);

  // A state without modes (read from an older run's totals): every mode at x, every branch
  // at the total viscous strain, i.e. the step from such a state equals the step from
  // explicit copies of the totals.
  bmgfe::MaterialPointState bare = d, full = d;
  bare.free_volume_modes.clear();
  bare.branch_viscous_strains.clear();
  full.free_volume_modes.assign(n, d.x);
  full.branch_viscous_strains.assign(n, d.inelastic_strain);
  law.begin_step(bare, bare, 620, 20, 5.0);
  law.begin_step(full, full, 620, 20, 5.0);
  EXPECT_EQ(bare.x_trial, full.x_trial);
  EXPECT_EQ(law.respond(bare, bare, eps, 620).stress, law.respond(full, full, eps, 620).stress);
}

// tau0 calibrated with the spectrum: the model's Tg at 20 K/min is the target; the KWW glass
// needs another tau0 than the single time (the check can fail).
TEST(RelaxationSpectrum, TgCalibrationWithModes)
{
  FreeVolumeParameters p = vit1(true, 0.5);
  const auto           c = bmgfe::calibrate_tau0(p, 623, 20.0 / 60);
  p.tau0                 = c.tau0;
  const double tg        = bmgfe::cool_through_glass_transition(p, 20.0 / 60).glass_transition;
  std::cout << "KWW beta = 0.5, 28 terms: tau0 = " << c.tau0 << " s, tau(Tg) = "
            << p.tau(623, p.x_eq(623)) << " s, <a> = " << bmgfe::mean_relaxation_time(p)
            << ", model Tg = " << tg << " K (" << c.evaluations << " coolings)\n";
  EXPECT_NEAR(tg, 623, 1e-2);
  EXPECT_NEAR(bmgfe::mean_relaxation_time(p), std::tgamma(1 / 0.5) / 0.5, 0.05);
  const auto single = bmgfe::calibrate_tau0(vit1(false), 623, 20.0 / 60);
  EXPECT_GT(std::abs(std::log(c.tau0 / single.tau0)), 0.1);
}
