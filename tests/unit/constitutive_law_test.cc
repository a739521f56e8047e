// The material-point law object (constitutive_law.h) and its history (point_history.h),
// without a mesh, for the four 'Mechanics/Inelastic model's:
//   - K, G and the Lame pairs of elastic_moduli.h against numbers worked out by hand;
//   - none: the thermo-elastic closed form, the classical Lame pair, no inelastic strain;
//   - viscous: begin_step against FreeVolumeParameters::update and the relaxation exponent
//     of its reduced time (the cap and the rate override too), the response against
//     viscoplastic::update and the closed-form Maxwell step, the affinity
//     sigma(eps) = C_t : eps + sigma(0) that the linear assembly relies on;
//   - plastic and viscoplastic: the response against viscoplastic::update with the strength
//     free volume of the settings, the consistent tangent against central differences;
//   - fields(): the stress of a committed point is C(K, G) : (eps - eps_iso 1 - eps_in), and
//     after a commit it is the stress of the step;
//   - trial and committed values: an uncommitted trial leaves the committed state as it was,
//     commit() makes the trial the state; pack()/unpack() of every committed field.
#include <bmgfe/materials/constitutive_law.h>
#include <bmgfe/materials/elastic_moduli.h>
#include <bmgfe/materials/free_volume.h>
#include <bmgfe/materials/point_history.h>
#include <bmgfe/materials/thermoelastic_material.h>
#include <bmgfe/materials/viscoplastic_update.h>
#include <bmgfe/materials/viscous_flow.h>

#include <deal.II/base/symmetric_tensor.h>

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

using bmgfe::ConstitutiveLaw;
using bmgfe::MaterialPointState;
using bmgfe::PointResponse;
using dealii::SymmetricTensor;

namespace
{
  const SymmetricTensor<2, 3> one = dealii::unit_symmetric_tensor<3>();

  /// Vit1 defaults (E = 96 GPa, nu = 0.36, alpha = 9.5e-6/K from 293.15 K) with a tau0 that
  /// puts tau(Tg) near 100 s, and the strength at the free-volume model's x_ref.
  bmgfe::ThermoElasticMaterial vit1()
  {
    bmgfe::ThermoElasticMaterial m;
    m.free_volume.tau0                = 5e-18;
    m.strength.reference_free_volume = m.free_volume.x_ref();
    return m;
  }

  ConstitutiveLaw::Settings settings(const bool viscous, const bool plastic)
  {
    ConstitutiveLaw::Settings s;
    s.viscous                 = viscous;
    s.plastic                 = plastic;
    s.max_relaxation_exponent = 1000;
    return s;
  }

  /// A committed state with history: x, T_n, eps_n, a deviatoric viscous strain and (plastic
  /// models) a plastic strain with its share of the free volume.
  MaterialPointState history(const bmgfe::ThermoElasticMaterial &m, const bool plastic)
  {
    MaterialPointState d;
    d.g           = 0;
    d.x           = m.free_volume.x_ref() + 1e-3;
    d.temperature = 600;
    d.strain      = -3e-3 * one;
    d.strain[0][1] = 1e-3;
    d.strain[2][2] += 2e-3;
    SymmetricTensor<2, 3> viscous;
    viscous[0][0] = 2e-4, viscous[1][1] = -1e-4, viscous[2][2] = -1e-4, viscous[1][2] = 5e-5;
    d.inelastic_strain = viscous;
    if (plastic)
      {
        d.plastic_strain[0][0] = 1e-4, d.plastic_strain[2][2] = -5e-5, d.plastic_strain[0][2] = 3e-5;
        d.inelastic_strain += d.plastic_strain;
        d.equivalent_plastic_strain = 1e-4;
        d.plastic_free_volume       = trace(d.plastic_strain) / m.free_volume.zeta();
        d.nonlocal_free_volume      = d.x - 2e-4;
      }
    d.x_trial = d.x;
    return d;
  }

  double max_abs(const SymmetricTensor<2, 3> &a)
  {
    double r = 0;
    for (unsigned int k = 0; k < 6; ++k)
      r = std::max(r, std::abs(a.access_raw_entry(k)));
    return r;
  }

  /// The ViscoplasticInput the law should build (written out here, not taken from the law).
  bmgfe::ViscoplasticInput expected_input(const bmgfe::ThermoElasticMaterial &m,
                                          const MaterialPointState &d,
                                          const SymmetricTensor<2, 3> &strain, const double T,
                                          const bool viscous, const bool plastic)
  {
    const double             E = m.youngs(T, d.g), nu = m.poisson_ratio.value(T);
    bmgfe::ViscoplasticInput in;
    in.strain                = strain;
    in.strain_old            = d.strain;
    in.inelastic_strain_old  = d.inelastic_strain;
    in.plastic_strain_old    = d.plastic_strain;
    in.bulk_modulus          = E / (3 * (1 - 2 * nu));
    in.shear_modulus         = E / (2 * (1 + nu));
    in.isotropic_eigenstrain = m.thermal_strain(T, d.g);
    in.free_volume           = d.x;
    if (viscous)
      {
        in.isotropic_eigenstrain += m.free_volume.structural_strain(d.x_trial - d.plastic_free_volume);
        in.relaxation_exponent = d.lambda;
        in.free_volume         = d.x_trial;
      }
    in.strength_free_volume = in.free_volume;
    in.plastic              = plastic;
    return in;
  }

  bmgfe::MohrCoulombFlow flow_of(const bmgfe::ThermoElasticMaterial &m)
  {
    bmgfe::MohrCoulombFlow flow;
    flow.dilatancy_factor         = m.strength.dilatancy_factor;
    flow.steady_state_free_volume = m.strength.steady_state_free_volume;
    flow.zeta                     = m.free_volume.zeta();
    return flow;
  }

  /// Largest entry of (sigma(eps + h E_kl) - sigma(eps - h E_kl)) / 2h - C : E_kl over the six
  /// directions, relative to the largest entry of C.
  double tangent_error(const ConstitutiveLaw &law, const MaterialPointState &d,
                       const SymmetricTensor<2, 3> &strain, const double T)
  {
    const PointResponse r     = law.respond(d, d, strain, T);
    const double        h     = 1e-8;
    double              worst = 0, scale = 0;
    for (unsigned int i = 0; i < 3; ++i)
      for (unsigned int j = 0; j < 3; ++j)
        for (unsigned int k = 0; k < 3; ++k)
          for (unsigned int l = 0; l < 3; ++l)
            scale = std::max(scale, std::abs(r.tangent[i][j][k][l]));
    for (unsigned int i = 0; i < 3; ++i)
      for (unsigned int j = i; j < 3; ++j)
        {
          SymmetricTensor<2, 3> dE;
          dE[i][j]                         = h;
          const SymmetricTensor<2, 3> plus  = law.respond(d, d, strain + dE, T).stress;
          const SymmetricTensor<2, 3> minus = law.respond(d, d, strain - dE, T).stress;
          const SymmetricTensor<2, 3> fd    = (plus - minus) / (2 * h);
          worst = std::max(worst, max_abs(fd - r.tangent * dE / h));
        }
    return worst / scale;
  }
} // namespace

TEST(ElasticModuli, AgainstHandWorkedValues)
{
  // E = 1, nu = 1/4: K = 1/(3 * 1/2) = 2/3, G = 1/(2 * 5/4) = 2/5, lambda = (1/4)/((5/4)(1/2)) = 2/5.
  EXPECT_NEAR(bmgfe::bulk_modulus(1, 0.25), 2.0 / 3, 1e-15);
  EXPECT_NEAR(bmgfe::shear_modulus(1, 0.25), 0.4, 1e-15);
  EXPECT_NEAR(bmgfe::lame_pair(1, 0.25).lambda, 0.4, 1e-15);
  EXPECT_NEAR(bmgfe::lame_pair(1, 0.25).mu, 0.4, 1e-15);
  // K - 2 mu / 3 with mu = G is the same lambda.
  EXPECT_NEAR(bmgfe::lame_pair_from_bulk(2.0 / 3, 0.4).lambda, 0.4, 1e-15);
  // Vit1: K = 114.29 GPa, G = 35.29 GPa.
  EXPECT_NEAR(bmgfe::bulk_modulus(96e9, 0.36), 96e9 / 0.84, 1e-3);
  EXPECT_NEAR(bmgfe::shear_modulus(96e9, 0.36), 96e9 / 2.72, 1e-3);
}

TEST(ConstitutiveLaw, NoneIsThermoElastic)
{
  const auto            m = vit1();
  const ConstitutiveLaw law(m, settings(false, false));
  EXPECT_FALSE(law.has_history());
  MaterialPointState d; // as set up by the mechanics: no history
  d.x = d.x_trial = m.free_volume.x_ref();
  SymmetricTensor<2, 3> eps;
  eps[0][0] = 1e-3, eps[1][1] = -2e-3, eps[0][1] = 4e-4, eps[2][2] = 5e-4;
  const double T    = 500;
  const double E    = 96e9, nu = 0.36;
  const double la   = E * nu / ((1 + nu) * (1 - 2 * nu)), mu = E / (2 * (1 + nu));
  const SymmetricTensor<2, 3> elastic = eps - 9.5e-6 * (T - 293.15) * one;
  const SymmetricTensor<2, 3> exact   = la * trace(elastic) * one + 2 * mu * elastic;

  EXPECT_EQ(law.begin_step(d, d, T, 1.0, 1.0), 0.0);
  const PointResponse r = law.respond(d, d, eps, T);
  EXPECT_LT(max_abs(r.stress - exact), 1e-12 * max_abs(exact));
  EXPECT_NEAR(r.stiffness.lambda, la, 1e-6);
  EXPECT_NEAR(r.stiffness.mu, mu, 1e-6);
  for (unsigned int i = 0; i < 3; ++i)
    for (unsigned int j = 0; j < 3; ++j)
      for (unsigned int k = 0; k < 3; ++k)
        for (unsigned int l = 0; l < 3; ++l)
          EXPECT_NEAR(r.tangent[i][j][k][l],
                      la * (i == j) * (k == l) + mu * ((i == k) * (j == l) + (i == l) * (j == k)), 1e-4);
  EXPECT_LT(max_abs(r.update.inelastic_strain), 1e-18);
  EXPECT_EQ(r.update.plastic_work, 0.0);
  // The right-hand side of the linear assembly: minus the response at zero strain.
  const SymmetricTensor<2, 3> eigen = 9.5e-6 * (T - 293.15) * one;
  const SymmetricTensor<2, 3> eigen_stress = la * trace(eigen) * one + 2 * mu * eigen;
  EXPECT_LT(max_abs(law.respond(d, d, SymmetricTensor<2, 3>(), T).stress + eigen_stress),
            1e-12 * max_abs(eigen_stress));
  bmgfe::LamePair pair;
  double          eigenstrain = 0;
  EXPECT_LT(max_abs(law.eigen_stress(d, d, T, pair, eigenstrain) - eigen_stress),
            1e-12 * max_abs(eigen_stress));
  EXPECT_NEAR(eigenstrain, eigen.norm(), 1e-18);
}

TEST(ConstitutiveLaw, ViscousBeginStep)
{
  const auto            m = vit1();
  const ConstitutiveLaw law(m, settings(true, false));
  MaterialPointState    d      = history(m, false);
  const double          T_new = 640, dt = 0.5, t = 10;
  const double          lambda = law.begin_step(d, d, T_new, t, dt);
  const bmgfe::FreeVolumeStep step = m.free_volume.update(d.x, d.temperature, T_new, dt);
  const double G    = 96e9 / (2 * 1.36);
  const double eta0 = m.free_volume.viscosity_prefactor(m.shear_modulus_at_tg());
  EXPECT_EQ(d.x_trial, step.x);
  EXPECT_NE(d.x_trial, d.x);
  EXPECT_DOUBLE_EQ(lambda, G * m.free_volume.tau0 / eta0 * step.reduced_time);
  EXPECT_EQ(d.lambda, lambda);
  EXPECT_GT(lambda, 0);
  // First step (T_n = NaN) and dt = 0: no relaxation.
  MaterialPointState first = history(m, false);
  first.temperature        = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(law.begin_step(first, first, T_new, t, 0.0), 0.0);
  EXPECT_EQ(first.x_trial, first.x);
  // The cap of 'Maximum relaxation exponent' in a melt.
  MaterialPointState melt = history(m, false);
  melt.temperature        = 900;
  EXPECT_EQ(law.begin_step(melt, melt, 900, t, 100.0), 1000.0);
}

TEST(ConstitutiveLaw, MaxwellRateOverride)
{
  auto m                                  = vit1();
  m.free_volume.maxwell_rate_override = "T > 700 ? 1e4 : 2*t";
  const ConstitutiveLaw law(m, settings(true, false));
  MaterialPointState    d = history(m, false);
  // Trapezoid of 2 t over [9, 10] at T = 600: 0.5 (18 + 20) = 19.
  EXPECT_DOUBLE_EQ(law.begin_step(d, d, 600, 10, 1), 19.0);
  // 1e4/s for 1 s is capped at 1000.
  d.temperature = 800;
  EXPECT_EQ(law.begin_step(d, d, 800, 10, 1), 1000.0);
  m.free_volume.maxwell_rate_override = "T +* 2";
  EXPECT_THROW(ConstitutiveLaw(m, settings(true, false)), std::exception);
}

TEST(ConstitutiveLaw, ViscousResponseIsTheMaxwellStep)
{
  const auto            m = vit1();
  const ConstitutiveLaw law(m, settings(true, false));
  MaterialPointState    d = history(m, false);
  const double          T = 640;
  law.begin_step(d, d, T, 10, 0.5);
  ASSERT_GT(d.lambda, 1e-3);
  SymmetricTensor<2, 3> eps = d.strain;
  eps[0][0] += 1e-3, eps[1][2] -= 5e-4;

  const PointResponse r = law.respond(d, d, eps, T);
  const bmgfe::ViscoplasticResult ref = bmgfe::viscoplastic::update(
    expected_input(m, d, eps, T, true, false), m.strength, flow_of(m));
  EXPECT_EQ(r.stress, ref.stress);
  EXPECT_EQ(r.tangent, ref.tangent);
  EXPECT_EQ(r.update.inelastic_strain, ref.inelastic_strain);
  EXPECT_EQ(r.update.free_volume, d.x_trial);

  // Closed form: K (tr eps - 3 eps_iso) 1 + 2 G [e^-lambda (dev eps_n - eps_v,n) + phi1 dev(eps - eps_n)].
  const double K = 96e9 / (3 * 0.28), G = 96e9 / 2.72;
  const double iso = m.thermal_strain(T, 0) + m.free_volume.structural_strain(d.x_trial);
  const SymmetricTensor<2, 3> exact =
    K * (trace(eps) - 3 * iso) * one +
    2 * G * (std::exp(-d.lambda) * (deviator(d.strain) - d.inelastic_strain) +
             bmgfe::phi1(d.lambda) * deviator(eps - d.strain));
  EXPECT_LT(max_abs(r.stress - exact), 1e-9 * max_abs(exact));
  // The Lame pair is the tangent: (K - 2 G phi1/3, G phi1).
  EXPECT_NEAR(r.stiffness.mu, G * bmgfe::phi1(d.lambda), 1e-9 * G);
  EXPECT_NEAR(r.stiffness.lambda, K - 2 * G * bmgfe::phi1(d.lambda) / 3, 1e-9 * K);
  // Affine in the strain: sigma(eps) = C_t : eps + sigma(0) (the linear models' K u = f).
  const PointResponse r0 = law.respond(d, d, SymmetricTensor<2, 3>(), T);
  const SymmetricTensor<2, 3> affine =
    r.stiffness.lambda * trace(eps) * one + 2 * r.stiffness.mu * eps + r0.stress;
  EXPECT_LT(max_abs(r.stress - affine), 1e-9 * max_abs(r.stress));
  EXPECT_LT(tangent_error(law, d, eps, T), 1e-6);
  // The closed-form eigenstress of the linear assembly is minus the response at zero strain,
  // with the same Lame pair; the commit's viscous strain is that of respond().
  bmgfe::LamePair pair;
  double          eigenstrain = 0;
  const SymmetricTensor<2, 3> s = law.eigen_stress(d, d, T, pair, eigenstrain);
  EXPECT_LT(max_abs(s + r0.stress), 1e-12 * max_abs(s));
  EXPECT_EQ(pair.lambda, r.stiffness.lambda);
  EXPECT_EQ(pair.mu, r.stiffness.mu);
  EXPECT_NEAR(eigenstrain, s.norm() / 96e9, 1e-18);
  const bmgfe::PointUpdate u = law.linear_update(d, d, eps, T);
  EXPECT_LT(max_abs(u.inelastic_strain - r.update.inelastic_strain), 1e-15);
  EXPECT_EQ(u.free_volume, d.x_trial);
  EXPECT_EQ(u.strain, eps);
  EXPECT_EQ(u.temperature, T);
}

TEST(ConstitutiveLaw, PlasticResponseAndTangent)
{
  const auto m = vit1();
  for (const bool viscous : {false, true})
    {
      auto s                      = settings(viscous, true);
      const double over_nonlocal  = 2;
      s.strength_free_volume      = [&](const double xbar, const double x) {
        return over_nonlocal * xbar + (1 - over_nonlocal) * x;
      };
      s.strength_increment_weight = -1;
      const ConstitutiveLaw law(m, s);
      MaterialPointState    d = history(m, true);
      const double          T = viscous ? 620 : 300;
      law.begin_step(d, d, T, 10, 0.5);
      if (viscous)
        ASSERT_GT(d.lambda, 0);
      else
        ASSERT_EQ(d.lambda, 0);
      // A shear well past the yield strain (c0/G ~ 0.02).
      SymmetricTensor<2, 3> eps = d.strain;
      eps[0][0] += 0.02, eps[1][1] -= 0.03, eps[0][1] += 0.01;
      const PointResponse r = law.respond(d, d, eps, T);
      ASSERT_TRUE(r.converged);
      EXPECT_NE(r.region, bmgfe::MohrCoulombRegion::elastic) << "viscous = " << viscous;
      EXPECT_GT(r.update.plastic_work, 0);
      EXPECT_GT(r.update.equivalent_plastic_strain_increment, 0);

      bmgfe::ViscoplasticInput in = expected_input(m, d, eps, T, viscous, true);
      in.strength_free_volume     = 2 * d.nonlocal_free_volume - in.free_volume;
      bmgfe::MohrCoulombControl control;
      control.strength_increment_weight = -1;
      const bmgfe::ViscoplasticResult ref =
        bmgfe::viscoplastic::update(in, m.strength, flow_of(m), control);
      EXPECT_EQ(r.stress, ref.stress);
      EXPECT_EQ(r.tangent, ref.tangent);
      EXPECT_EQ(r.update.plastic_strain_increment, ref.plastic_strain_increment);
      EXPECT_EQ(r.update.free_volume, ref.free_volume);
      EXPECT_EQ(r.update.free_volume_increment, ref.free_volume_increment);
      // The preconditioner's stiffness C(K, G phi1) of the Maxwell predictor.
      const double G = 96e9 / 2.72, phi = viscous ? bmgfe::phi1(d.lambda) : 1.0;
      EXPECT_NEAR(r.stiffness.mu, G * phi, 1e-9 * G);
      EXPECT_LT(tangent_error(law, d, eps, T), 1e-5) << "viscous = " << viscous;
    }
}

TEST(ConstitutiveLaw, TrialLeavesCommittedStateUntouched)
{
  const auto            m = vit1();
  const ConstitutiveLaw law(m, settings(true, true));
  MaterialPointState    d = history(m, true);
  std::vector<double>   before(d.n_packed()), after(d.n_packed());
  d.pack(before.data());
  const double power_before = d.plastic_power;

  const double T = 620;
  law.begin_step(d, d, T, 10, 0.5);
  SymmetricTensor<2, 3> eps = d.strain;
  eps[0][0] += 0.02, eps[1][1] -= 0.03, eps[0][1] += 0.01;
  d.update = law.respond(d, d, eps, T).update; // a Newton iterate that will not converge
  d.pack(after.data());
  EXPECT_EQ(before, after);
  EXPECT_EQ(d.plastic_power, power_before);

  // The converged iterate is committed.
  const PointResponse r = law.respond(d, d, eps, T);
  d.update              = r.update;
  const MaterialPointState old = d;
  d.commit();
  EXPECT_EQ(d.strain, eps);
  EXPECT_EQ(d.temperature, T);
  EXPECT_EQ(d.inelastic_strain, r.update.inelastic_strain);
  EXPECT_EQ(d.plastic_strain, old.plastic_strain + r.update.plastic_strain_increment);
  EXPECT_EQ(d.equivalent_plastic_strain,
            old.equivalent_plastic_strain + r.update.equivalent_plastic_strain_increment);
  EXPECT_EQ(d.plastic_free_volume, old.plastic_free_volume + r.update.free_volume_increment);
  EXPECT_EQ(d.x, r.update.free_volume);
  EXPECT_EQ(d.x_trial, d.x);
  EXPECT_EQ(d.plastic_power, old.plastic_power + r.update.plastic_work);
  EXPECT_EQ(d.g, old.g);
  EXPECT_EQ(d.nonlocal_free_volume, old.nonlocal_free_volume); // the mechanics updates x-bar
  // The output stress of the committed point is the stress of the step.
  const bmgfe::MaterialPointFields f = law.fields(d, eps, T);
  EXPECT_LT(max_abs(f.stress - r.stress), 1e-9 * max_abs(r.stress));
  EXPECT_EQ(f.equivalent_plastic_strain, d.equivalent_plastic_strain);
  EXPECT_EQ(f.free_volume, d.x);
}

TEST(ConstitutiveLaw, FieldsOfACommittedPoint)
{
  const auto m = vit1();
  for (const bool viscous : {false, true})
    {
      const ConstitutiveLaw law(m, settings(viscous, false));
      const MaterialPointState d = history(m, false);
      SymmetricTensor<2, 3>    eps;
      eps[0][0] = 2e-3, eps[1][1] = -1e-3, eps[1][2] = 7e-4;
      const double T = 450;
      const bmgfe::MaterialPointFields f = law.fields(d, eps, T);
      const double iso = m.thermal_strain(T, 0) + (viscous ? m.free_volume.structural_strain(d.x) : 0.0);
      const SymmetricTensor<2, 3> elastic = eps - iso * one - d.inelastic_strain;
      const double la = 96e9 * 0.36 / (1.36 * 0.28), mu = 96e9 / 2.72;
      const SymmetricTensor<2, 3> exact = la * trace(elastic) * one + 2 * mu * elastic;
      EXPECT_LT(max_abs(f.stress - exact), 1e-9 * max_abs(exact));
      EXPECT_LT(max_abs(f.elastic_strain - elastic), 1e-18);
      EXPECT_EQ(f.viscous_strain, d.inelastic_strain);
      EXPECT_EQ(f.temperature, T);
      EXPECT_EQ(f.free_volume, viscous ? d.x : 0.0);
      EXPECT_EQ(f.structural_strain, viscous ? m.free_volume.structural_strain(d.x) : 0.0);
      EXPECT_NEAR(f.fictive_temperature, viscous ? m.free_volume.fictive_temperature(d.x) : 0.0, 1e-9);
    }
}

TEST(PointHistory, PackUnpackEveryCommittedField)
{
  const auto         m = vit1();
  MaterialPointState a = history(m, true);
  a.g                  = 0.25;
  a.lambda             = 3;
  a.x_trial            = 0.5;
  // The fixed part (24 values and the numbers of modes and branches: none with one relaxation
  // time); relaxation_spectrum_test.cc packs modes and branches.
  ASSERT_EQ(a.n_packed(), 26u);
  std::vector<double> buffer(a.n_packed());
  a.pack(buffer.data());
  MaterialPointState b;
  b.unpack(buffer.data());
  EXPECT_EQ(b.g, a.g);
  EXPECT_EQ(b.inelastic_strain, a.inelastic_strain);
  EXPECT_EQ(b.x, a.x);
  EXPECT_EQ(b.temperature, a.temperature);
  EXPECT_EQ(b.strain, a.strain);
  EXPECT_EQ(b.plastic_strain, a.plastic_strain);
  EXPECT_EQ(b.equivalent_plastic_strain, a.equivalent_plastic_strain);
  EXPECT_EQ(b.plastic_free_volume, a.plastic_free_volume);
  EXPECT_EQ(b.nonlocal_free_volume, a.nonlocal_free_volume);
  // The trial starts from the committed state.
  EXPECT_EQ(b.x_trial, a.x);
  EXPECT_EQ(b.lambda, 0.0);
}
