#include <bmgfe/base/input_error.h>
#include <bmgfe/materials/constitutive_law.h>
#include <bmgfe/materials/thermoelastic_material.h>
#include <bmgfe/materials/viscous_flow.h>

#include <deal.II/base/function_parser.h>

#include <algorithm>
#include <cmath>
#include <memory>

namespace bmgfe
{
  using dealii::SymmetricTensor;

  namespace
  {
    /// tau = sqrt(s:s/2) of the committed stress sigma = C(E, nu) : (eps - eps_iso 1 - eps_in)
    /// (fields()) at the committed temperature: only its deviator s = 2 G dev(eps - eps_in)
    /// enters, so tau = G sqrt(2 e:e) with e = dev(eps - eps_in).
    double committed_equivalent_shear_stress(const ThermoElasticMaterial &m,
                                             const CommittedPointState &c)
    {
      const double                E = m.youngs(c.temperature, c.g);
      const SymmetricTensor<2, 3> e = deviator(c.strain - c.inelastic_strain);
      return shear_modulus(E, m.poisson_ratio.value(c.temperature)) * std::sqrt(2 * (e * e));
    }
  } // namespace

  ConstitutiveLaw::ConstitutiveLaw(const ThermoElasticMaterial &material, const Settings &settings)
    : material(material)
    , settings(settings)
  {
    const FreeVolumeParameters &fvp = material.free_volume;
    flow.dilatancy_factor           = material.strength.dilatancy_factor;
    flow.steady_state_free_volume   = material.strength.steady_state_free_volume;
    flow.zeta                       = fvp.zeta();
    // The strength sees x-hat = m x-bar + (1 - m) x; x-bar_n lags one step, and the point's
    // own dilatation of the step enters x-hat with (1 - m) + m w (doc/model.md
    // "Regularisation").
    control.strength_increment_weight = settings.strength_increment_weight;
    if (!settings.viscous)
      return;
    eta0 = fvp.viscosity_prefactor(material.shear_modulus_at_tg());
    if (!fvp.maxwell_rate_override.empty())
      {
        // Parsed now, so that errors surface at start-up.
        auto f = std::make_shared<dealii::FunctionParser<1>>(1);
        try
          {
            f->initialize("T,t", fvp.maxwell_rate_override, {{"pi", M_PI}}, true);
            f->set_time(0);
            f->value(dealii::Point<1>(300.0));
          }
        catch (const std::exception &e)
          {
            throw InputError("entry 'Material/Free volume/Maxwell rate override': cannot "
                             "parse '" + fvp.maxwell_rate_override +
                             "' as an expression of T and t");
          }
        rate_override = [f](const double T, const double t) {
          f->set_time(t);
          return f->value(dealii::Point<1>(T));
        };
      }
  }

  double ConstitutiveLaw::begin_step(const CommittedPointState &c, TrialPointState &trial,
                                     const double T_new, const double t, const double dt) const
  {
    trial.x_trial = c.x;
    trial.x_modes_trial.clear();
    trial.lambda  = 0;
    if (!settings.viscous || !(dt > 0))
      return 0;
    const FreeVolumeParameters &fvp   = material.free_volume;
    const double                T_old = std::isnan(c.temperature) ? T_new : c.temperature;
    const bool                  single = fvp.structural_spectrum.single();
    // A single time takes x itself (modes a state might hold from another run are ignored).
    // The modes go straight into the trial state's storage (no allocation per point and step).
    FreeVolumeStep step;
    if (single)
      step = fvp.update(c.x, T_old, T_new, dt);
    else
      {
        step.modes.swap(trial.x_modes_trial);
        if (c.free_volume_modes.size() == fvp.structural_spectrum.size())
          fvp.update(c.free_volume_modes, T_old, T_new, dt, step);
        else
          fvp.update(modes(c), T_old, T_new, dt, step);
        trial.x_modes_trial.swap(step.modes);
      }
    trial.x_trial = step.x;
    // Stress-driven creation (Spaepen; doc/model.md "Stress-driven free-volume creation
    // (optional)"), by operator splitting: the relaxation above over the whole step, then the
    // creation ODE alone from its result, at the committed stress of the start of the step
    // and with S from E, nu at T_n. The splitting and the stress held at its start value
    // make the coupling first-order accurate in dt (each part itself is integrated
    // accurately). The first step has no committed stress (T_n = NaN): nothing is created.
    // Every structural mode takes the same dx, so that x = sum w_i x_i (sum w_i = 1) gets
    // dx too. The structural strain follows x; lambda keeps the relaxation's reduced time.
    const FreeVolumeCreationParameters &creation = fvp.creation;
    if (creation.enabled && !std::isnan(c.temperature))
      {
        const double tau = committed_equivalent_shear_stress(material, c);
        const double S   = FreeVolumeCreationParameters::squeeze_modulus(
          material.youngs(c.temperature, c.g), material.poisson_ratio.value(c.temperature));
        const double x = creation.integrate(step.x, T_old, T_new, tau, S, dt);
        if (x != step.x)
          {
            trial.x_trial = x;
            for (double &mode : trial.x_modes_trial)
              mode += x - step.x;
          }
      }
    if (rate_override)
      {
        // Trapezoidal integral of the prescribed rate G/eta over the step.
        const double r_a = rate_override(T_old, t - dt);
        const double r_b = rate_override(T_new, t);
        trial.lambda     = std::max(0.0, 0.5 * dt * (r_a + r_b));
      }
    else
      trial.lambda = viscous_flow::relaxation_exponent_from_reduced_time(
        shear_modulus(material.youngs(T_new, c.g), material.poisson_ratio.value(T_new)), fvp.tau0,
        eta0, step.reduced_time);
    // A melt relaxes completely either way; the cap keeps every branch's shear stiffness
    // G g_i phi1(lambda_i) >= G g_i/cap (doc/model.md "Coupling to the mechanics"). The
    // fastest branch has the largest exponent.
    return viscous_flow::branch_exponent(trial.lambda, fvp.shear_spectrum.shortest_time(),
                                         settings.max_relaxation_exponent);
  }

  std::vector<double> ConstitutiveLaw::modes(const CommittedPointState &c) const
  {
    const unsigned int n = material.free_volume.structural_spectrum.size();
    return c.free_volume_modes.size() == n ? c.free_volume_modes : std::vector<double>(n, c.x);
  }

  const std::vector<SymmetricTensor<2, 3>> *
  ConstitutiveLaw::branches(const CommittedPointState &c) const
  {
    return c.branch_viscous_strains.size() == material.free_volume.shear_spectrum.size() ?
             &c.branch_viscous_strains :
             nullptr;
  }

  double ConstitutiveLaw::shear_relaxation_factor(const TrialPointState &trial) const
  {
    const RelaxationSpectrum &shear = material.free_volume.shear_spectrum;
    double                    f     = 0;
    for (unsigned int i = 0; i < shear.size(); ++i)
      f += shear.weights[i] *
           phi1(viscous_flow::branch_exponent(trial.lambda, shear.times[i], settings.max_relaxation_exponent));
    return f;
  }

  ViscoplasticInput ConstitutiveLaw::input(const CommittedPointState &c, const TrialPointState &trial,
                                           const SymmetricTensor<2, 3> &strain, const double T) const
  {
    const double      E = material.youngs(T, c.g), nu = material.poisson_ratio.value(T);
    ViscoplasticInput in;
    in.strain                = strain;
    in.strain_old            = c.strain;
    in.inelastic_strain_old  = c.inelastic_strain;
    in.plastic_strain_old    = c.plastic_strain;
    in.bulk_modulus          = bulk_modulus(E, nu);
    in.shear_modulus         = shear_modulus(E, nu);
    in.isotropic_eigenstrain = material.thermal_strain(T, c.g);
    if (settings.viscous)
      {
        // The structural strain of the relaxed free volume, without the part that plastic
        // dilatation created (that is tr(eps_p) already; doc/model.md "The material-point
        // update").
        in.isotropic_eigenstrain +=
          material.free_volume.structural_strain(trial.x_trial - c.plastic_free_volume);
        in.relaxation_exponent        = trial.lambda;
        in.max_relaxation_exponent    = settings.max_relaxation_exponent;
        in.shear_spectrum             = &material.free_volume.shear_spectrum;
        in.branch_viscous_strains_old = branches(c);
        in.free_volume                = trial.x_trial;
      }
    else
      {
        in.free_volume = c.x;
        if (settings.frozen_structural_strain)
          in.isotropic_eigenstrain += material.free_volume.structural_strain(c.x - c.plastic_free_volume);
      }
    in.plastic = settings.plastic;
    if (settings.plastic)
      in.strength_free_volume = settings.strength_free_volume ?
                                  settings.strength_free_volume(c.nonlocal_free_volume, in.free_volume) :
                                  in.free_volume;
    return in;
  }

  PointResponse ConstitutiveLaw::respond(const CommittedPointState &c, const TrialPointState &trial,
                                         const SymmetricTensor<2, 3> &strain, const double T,
                                         const bool without_plasticity) const
  {
    PointResponse r;
    respond(c, trial, strain, T, without_plasticity, r);
    return r;
  }

  void ConstitutiveLaw::respond(const CommittedPointState &c, const TrialPointState &trial,
                                const SymmetricTensor<2, 3> &strain, const double T,
                                const bool without_plasticity, PointResponse &r) const
  {
    ViscoplasticInput in = input(c, trial, strain, T);
    if (without_plasticity)
      in.plastic = false;
    // The branch strains go from r's storage through the update and back (no allocation).
    thread_local ViscoplasticResult res;
    res.branch_viscous_strains.swap(r.update.branch_viscous_strains);
    viscoplastic::update(in, material.strength, flow, control, res);
    r.stress         = res.stress;
    r.tangent        = res.tangent;
    r.region         = res.region;
    r.converged      = res.converged;
    r.youngs_modulus = material.youngs(T, c.g);
    // Thermo-elasticity keeps the classical Lame pair (the same stiffness, its own
    // round-off); with relaxation C(K, G phi1(lambda)) = K 1x1 + 2 G phi1 P_dev.
    if (!has_history())
      r.stiffness = lame_pair(r.youngs_modulus, material.poisson_ratio.value(T));
    else
      r.stiffness = lame_pair_from_bulk(in.bulk_modulus,
                                        in.shear_modulus * (settings.viscous && trial.lambda > 0 ?
                                                              shear_relaxation_factor(trial) :
                                                              1.0));
    PointUpdate &u                        = r.update;
    u.strain                              = strain;
    u.temperature                         = T;
    u.inelastic_strain                    = res.inelastic_strain;
    u.plastic_strain_increment            = res.plastic_strain_increment;
    u.free_volume                         = res.free_volume;
    u.free_volume_increment               = res.free_volume_increment;
    u.equivalent_plastic_strain_increment = res.equivalent_plastic_strain_increment;
    u.plastic_work                        = res.plastic_work;
    u.free_volume_modes.clear();
    u.branch_viscous_strains.clear();
    if (settings.viscous)
      {
        // The modes take the plastic dilatation alike: their total grows by dx.
        if (!material.free_volume.structural_spectrum.single())
          {
            if (trial.x_modes_trial.empty())
              u.free_volume_modes = modes(c);
            else
              u.free_volume_modes.assign(trial.x_modes_trial.begin(), trial.x_modes_trial.end());
            if (res.free_volume_increment != 0)
              for (double &m : u.free_volume_modes)
                m += res.free_volume_increment;
          }
        u.branch_viscous_strains.swap(res.branch_viscous_strains);
      }
  }

  SymmetricTensor<2, 3> ConstitutiveLaw::eigen_stress(const CommittedPointState &c,
                                                      const TrialPointState &trial, const double T,
                                                      LamePair &stiffness, double &eigenstrain) const
  {
    const double E = material.youngs(T, c.g), nu = material.poisson_ratio.value(T);
    if (!settings.viscous)
      {
        const SymmetricTensor<2, 3> eigen =
          material.thermal_strain(T, c.g) * dealii::unit_symmetric_tensor<3>() + c.inelastic_strain;
        stiffness   = lame_pair(E, nu);
        eigenstrain = eigen.norm();
        return stiffness.lambda * trace(eigen) * dealii::unit_symmetric_tensor<3>() +
               2 * stiffness.mu * eigen;
      }
    // s* = 3 K (eps_th + eps_s) 1 - 2 G e^-lambda (dev eps_n - eps_v,n) + 2 G phi1 dev eps_n,
    // tangent K 1x1 + 2 G phi1 P_dev as the Lame pair (K - 2 mu_t/3, mu_t).
    const double K = bulk_modulus(E, nu), G = shear_modulus(E, nu);
    const double iso = material.thermal_strain(T, c.g) +
                       material.free_volume.structural_strain(trial.x_trial - c.plastic_free_volume);
    const SymmetricTensor<2, 3> e_n = deviator(c.strain);
    const RelaxationSpectrum   &shear = material.free_volume.shear_spectrum;
    const double                cap   = settings.max_relaxation_exponent;
    SymmetricTensor<2, 3>       s;
    double                      p1 = 0; // sum g_i phi1(lambda_i)
    if (shear.single())
      {
        const double lambda = viscous_flow::branch_exponent(trial.lambda, shear.times[0], cap);
        p1                  = phi1(lambda);
        s = 3 * K * iso * dealii::unit_symmetric_tensor<3>() -
            2 * G * exp_minus(lambda) * (e_n - c.inelastic_strain) + 2 * G * p1 * e_n;
      }
    else
      {
        // s* = 3 K iso 1 - sum_i 2 G g_i e^-lambda_i (dev eps_n - eps_v,i,n) + 2 G sum_i g_i phi1_i dev eps_n.
        const auto *old = branches(c);
        s               = 3 * K * iso * dealii::unit_symmetric_tensor<3>();
        for (unsigned int i = 0; i < shear.size(); ++i)
          {
            const double lambda = viscous_flow::branch_exponent(trial.lambda, shear.times[i], cap);
            s -= 2 * G * shear.weights[i] * exp_minus(lambda) *
                 (e_n - (old ? (*old)[i] : c.inelastic_strain));
            p1 += shear.weights[i] * phi1(lambda);
          }
        s += 2 * G * p1 * e_n;
      }
    stiffness   = lame_pair_from_bulk(K, G * p1);
    eigenstrain = s.norm() / E;
    return s;
  }

  PointUpdate ConstitutiveLaw::linear_update(const CommittedPointState &c, const TrialPointState &trial,
                                             const SymmetricTensor<2, 3> &strain, const double T) const
  {
    PointUpdate u;
    u.strain      = strain;
    u.temperature = T;
    u.free_volume = settings.viscous ? trial.x_trial : c.x;
    static const std::vector<SymmetricTensor<2, 3>> no_branches;
    const auto                                     *old = branches(c);
    viscous_flow::MaxwellStep step = viscous_flow::update(
      strain, strain - c.strain, c.inelastic_strain, old ? *old : no_branches,
      shear_modulus(material.youngs(T, c.g), material.poisson_ratio.value(T)),
      material.free_volume.shear_spectrum, trial.lambda, settings.max_relaxation_exponent);
    u.inelastic_strain = step.viscous_strain;
    if (settings.viscous)
      {
        u.branch_viscous_strains = std::move(step.branch_viscous_strains);
        if (!material.free_volume.structural_spectrum.single())
          u.free_volume_modes = trial.x_modes_trial.empty() ? modes(c) : trial.x_modes_trial;
      }
    return u;
  }

  MaterialPointFields ConstitutiveLaw::fields(const CommittedPointState &c,
                                              const SymmetricTensor<2, 3> &strain, const double T) const
  {
    // The committed free volume in the structural strain, no relaxation.
    TrialPointState frozen;
    frozen.x_trial             = c.x;
    frozen.lambda              = 0;
    const ViscoplasticInput in = input(c, frozen, strain, T);

    const SymmetricTensor<2, 3> &inelastic = c.inelastic_strain;
    MaterialPointFields          s;
    s.g                = c.g;
    s.temperature      = T;
    s.strain           = strain;
    s.thermal_strain   = material.thermal_strain(T, c.g);
    s.expansion        = material.thermal_expansion.value(T) * (1 + material.cte_amplitude * c.g);
    s.plastic_strain   = c.plastic_strain;
    s.viscous_strain   = inelastic - c.plastic_strain;
    s.inelastic_strain = inelastic;
    if (has_history())
      {
        s.free_volume                 = c.x;
        s.fictive_temperature         = material.free_volume.fictive_temperature(c.x);
        s.equivalent_inelastic_strain = std::sqrt(2.0 / 3.0 * (inelastic * inelastic));
      }
    if (settings.viscous || settings.frozen_structural_strain)
      s.structural_strain = material.free_volume.structural_strain(c.x - c.plastic_free_volume);
    if (settings.plastic)
      {
        s.equivalent_plastic_strain = c.equivalent_plastic_strain;
        s.nonlocal_free_volume      = c.nonlocal_free_volume;
        s.strength_free_volume      = in.strength_free_volume;
        s.plastic_power             = c.plastic_power;
      }
    s.elastic_strain = strain - in.isotropic_eigenstrain * dealii::unit_symmetric_tensor<3>() - inelastic;
    // sigma = C(E, nu) : eps_e, the definition of the elastic strain (doc/model.md §3). The
    // update over a step without flow gives the same for a deviatoric eps_v, but an eps_v read
    // from a previous run's (float) output has a trace of ~1e-10, which C : eps_e counts as an
    // eigenstrain and the Maxwell step does not (~10 Pa).
    const LamePair C = lame_pair(material.youngs(T, c.g), material.poisson_ratio.value(T));
    s.stress         = C.lambda * trace(s.elastic_strain) * dealii::unit_symmetric_tensor<3>() +
               2 * C.mu * s.elastic_strain;
    return s;
  }
} // namespace bmgfe
