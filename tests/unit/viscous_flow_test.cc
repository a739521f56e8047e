// Maxwell flow (doc/model.md §3): relaxation at fixed strain and loading at a constant
// strain rate against their closed forms, the frozen (elastic) limit, the consistent tangent
// against central differences, and the relaxation exponent shared with the free volume.
#include <bmgfe/materials/elastic_moduli.h>
#include <bmgfe/materials/free_volume.h>
#include <bmgfe/materials/viscous_flow.h>

#include <deal.II/base/symmetric_tensor.h>

#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <random>

using dealii::SymmetricTensor;
namespace vf = bmgfe::viscous_flow;

namespace
{
  SymmetricTensor<2, 3> random_tensor(std::mt19937 &gen, const double scale)
  {
    std::uniform_real_distribution<double> u(-1, 1);
    SymmetricTensor<2, 3>                  t;
    for (unsigned int i = 0; i < 3; ++i)
      for (unsigned int j = i; j < 3; ++j)
        t[i][j] = scale * u(gen);
    return t;
  }

  const double G = bmgfe::shear_modulus(96e9, 0.36), K = bmgfe::bulk_modulus(96e9, 0.36);
} // namespace

// Fixed strain (suddenly applied in the first step, then held): the deviatoric stress decays
// as s(t) = s0 exp(-G t / eta) -- tau_M = eta/G, because d eps_v/dt = s/(2 eta) and
// ds/dt = -2 G d eps_v/dt. The discrete update reproduces this exactly for any step:
// s_n = s_0 exp(-n G dt / eta).
TEST(ViscousFlow, RelaxationAtFixedStrainIsExact)
{
  std::mt19937                gen(3);
  const SymmetricTensor<2, 3> eps = random_tensor(gen, 1e-3);
  const double                eta = 3e12; // tau_M = eta / G ~ 85 s
  const double                tau_M = eta / G;
  for (const double dt : {1e-3, 1.0, 30.0, 600.0})
    {
      // Step 0: the strain appears instantaneously (dt = 0: lambda = 0, elastic).
      auto s = vf::update(eps, eps, SymmetricTensor<2, 3>(), G, 0.0);
      const SymmetricTensor<2, 3> s0 = s.deviatoric_stress;
      EXPECT_NEAR((s0 - 2 * G * dealii::deviator(eps)).norm(), 0, 1e-12 * s0.norm());
      double t = 0;
      for (unsigned int n = 0; n < 20; ++n)
        {
          s = vf::update(eps, SymmetricTensor<2, 3>(), s.viscous_strain, G,
                         vf::relaxation_exponent(G, eta, dt));
          t += dt;
          const SymmetricTensor<2, 3> exact = std::exp(-t / tau_M) * s0;
          ASSERT_LE((s.deviatoric_stress - exact).norm(), 1e-12 * s0.norm() + 1e-300)
            << "dt = " << dt << ", step " << n;
          // The viscous strain is deviatoric and is the relaxed part of the strain.
          ASSERT_NEAR(dealii::trace(s.viscous_strain), 0, 1e-18);
          ASSERT_LE((s.viscous_strain - (1 - std::exp(-t / tau_M)) * dealii::deviator(eps)).norm(),
                    1e-12 * eps.norm());
        }
    }
}

// Constant deviatoric strain rate from rest: s(t) = 2 G de/dt tau_M (1 - exp(-t/tau_M)),
// also exact in every step for the exponential integrator.
TEST(ViscousFlow, ConstantStrainRateIsExact)
{
  std::mt19937                gen(5);
  const SymmetricTensor<2, 3> rate  = dealii::deviator(random_tensor(gen, 1e-5)); // 1/s
  const double                eta   = 1e12, tau_M = eta / G;
  for (const double dt : {0.01, 3.0, 100.0})
    {
      SymmetricTensor<2, 3> eps, eps_v;
      double                t = 0;
      for (unsigned int n = 0; n < 30; ++n)
        {
          eps += dt * rate;
          t += dt;
          const auto s = vf::update(eps, dt * rate, eps_v, G, vf::relaxation_exponent(G, eta, dt));
          eps_v        = s.viscous_strain;
          const SymmetricTensor<2, 3> exact = 2 * G * tau_M * (1 - std::exp(-t / tau_M)) * rate;
          ASSERT_LE((s.deviatoric_stress - exact).norm(), 1e-11 * exact.norm())
            << "dt = " << dt << ", step " << n;
        }
    }
}

// Frozen glass (eta huge, or infinite in double precision): purely elastic.
TEST(ViscousFlow, FrozenGlassIsElastic)
{
  std::mt19937                gen(7);
  const SymmetricTensor<2, 3> eps   = random_tensor(gen, 2e-3);
  const SymmetricTensor<2, 3> d_eps = random_tensor(gen, 5e-4);
  const SymmetricTensor<2, 3> eps_v = dealii::deviator(random_tensor(gen, 1e-4));
  for (const double eta : {1e30, 1e60, std::numeric_limits<double>::infinity()})
    {
      const auto s = vf::update(eps, d_eps, eps_v, G, vf::relaxation_exponent(G, eta, 600));
      const SymmetricTensor<2, 3> elastic = 2 * G * (dealii::deviator(eps) - eps_v);
      EXPECT_LE((s.deviatoric_stress - elastic).norm(), 1e-12 * elastic.norm()) << eta;
      EXPECT_LE((s.viscous_strain - eps_v).norm(), 1e-12 * eps_v.norm()) << eta;
      EXPECT_NEAR(s.tangent_factor, 2 * G, 1e-12 * 2 * G);
    }
  // Liquid limit: lambda = inf relaxes everything within the step.
  const auto s = vf::update(eps, d_eps, eps_v, G, std::numeric_limits<double>::infinity());
  EXPECT_EQ(s.deviatoric_stress.norm(), 0);
  EXPECT_EQ(s.tangent_factor, 0);
}

// d sigma_n+1 / d eps_n+1 = K 1x1 + 2 G phi1(lambda) P_dev against central differences of
// the full stress, in random directions, for lambda from frozen to liquid.
TEST(ViscousFlow, ConsistentTangentMatchesFiniteDifferences)
{
  std::mt19937 gen(11);
  double       worst = 0;
  for (const double lambda : {0.0, 1e-6, 0.3, 1.0, 5.0, 100.0})
    for (unsigned int trial = 0; trial < 20; ++trial)
      {
        const SymmetricTensor<2, 3> eps_old = random_tensor(gen, 1e-3);
        const SymmetricTensor<2, 3> eps_v   = dealii::deviator(random_tensor(gen, 5e-4));
        const SymmetricTensor<2, 3> eps_new = eps_old + random_tensor(gen, 2e-4);
        const double                eig     = 1.3e-3; // thermal + structural eigenstrain
        const auto stress_of = [&](const SymmetricTensor<2, 3> &e) {
          const auto s = vf::update(e, e - eps_old, eps_v, G, lambda);
          return vf::stress(K, dealii::trace(e) - 3 * eig, s);
        };
        const auto s0 = vf::update(eps_new, eps_new - eps_old, eps_v, G, lambda);
        const SymmetricTensor<4, 3> C = vf::tangent(K, s0.tangent_factor);
        const SymmetricTensor<2, 3> dir = random_tensor(gen, 1.0);
        const double                h   = 1e-6;
        const SymmetricTensor<2, 3> fd =
          (stress_of(eps_new + h * dir) - stress_of(eps_new - h * dir)) / (2 * h);
        const SymmetricTensor<2, 3> an = C * dir;
        const double rel = (fd - an).norm() / an.norm();
        worst            = std::max(worst, rel);
        ASSERT_LT(rel, 1e-6) << "lambda = " << lambda;
      }
  std::cout << "largest relative difference tangent vs central differences: " << worst << "\n";
  // The tangent factor really is 2 G phi1(lambda) (not 2 G, not 2G/(1 + lambda)).
  const auto s = vf::update(SymmetricTensor<2, 3>(), SymmetricTensor<2, 3>(),
                            SymmetricTensor<2, 3>(), G, 2.0);
  EXPECT_NEAR(s.tangent_factor, 2 * G * (1 - std::exp(-2.0)) / 2.0, 1e-6);
}

// eta and tau share the mobility: the exponent from the free-volume reduced time equals
// G dt / eta at constant T and x, and eta(T, x) = eta0 m(T, x).
TEST(ViscousFlow, ExponentFromReducedTime)
{
  bmgfe::FreeVolumeParameters p;
  p.tau0            = 6.5e-18;
  p.tau0_calibrated = false;
  const double eta0 = p.viscosity_prefactor(G);
  EXPECT_DOUBLE_EQ(eta0, G * p.tau0);
  const double T = 650, x = p.x_eq(T);
  const double eta = vf::viscosity(p, eta0, T, x);
  EXPECT_NEAR(eta / p.tau(T, x), G, 1e-9 * G); // Maxwell: eta = G tau
  const double dt = 0.37 * p.tau(T, x);
  const auto   fv = p.update(x, T, T, dt); // equilibrium: x does not move
  EXPECT_NEAR(vf::relaxation_exponent_from_reduced_time(G, p.tau0, eta0, fv.reduced_time),
              vf::relaxation_exponent(G, eta, dt), 1e-12);
  // Cooling from the liquid freezes the stress: the exponent over a cooling at 20 K/min
  // from 700 K to 300 K is dominated by the first kelvins, and tiny at the end.
  double xc = p.x_eq(700), T_old = 700, lambda_last = 0;
  for (double Tn = 699; Tn >= 300; Tn -= 1)
    {
      const auto step = p.update(xc, T_old, Tn, 3.0);
      xc              = step.x;
      T_old           = Tn;
      lambda_last     = vf::relaxation_exponent_from_reduced_time(G, p.tau0, eta0,
                                                                  step.reduced_time);
    }
  EXPECT_LT(lambda_last, 1e-12);
  EXPECT_GT(vf::relaxation_exponent(G, vf::viscosity(p, eta0, 699, p.x_eq(699)), 3.0), 100);
}
