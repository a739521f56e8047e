#pragma once
// The constitutive law of the glass at one material point, for every
// 'Mechanics/Inelastic model' (none | viscous | plastic | viscoplastic), in the spirit of
// step-42's ConstitutiveLaw: no mesh, no MPI; the mechanics calls it at its quadrature points
// and the unit tests call it alone (doc/model.md "The material-point update").
//
// A step of a point has two parts:
// 1. begin_step(): what does not depend on the displacement. The free-volume update
//    x_n+1 = update(x_n, T_n, T_n+1, dt) and the relaxation exponent
//    lambda = (G tau0/eta0) int dt/tau of the step (doc/model.md "Coupling to the
//    mechanics"; or the 'Maxwell rate override'); every Maxwell branch's exponent
//    lambda / b_i is capped by 'Maximum relaxation exponent'. With a relaxation spectrum
//    (doc/model.md "Relaxation spectrum") the structural modes and the generalized Maxwell
//    branches are carried in the point history. With 'Material/Free volume/Creation/Enabled'
//    the stress-driven creation of free volume (free_volume_creation.h) at the committed
//    stress follows the relaxation (operator split). Viscous models only; the others keep
//    x_trial = x, lambda = 0.
// 2. respond(): stress, consistent tangent and trial update at the total strain eps_n+1 from
//    the committed state and the trial values, through viscoplastic::update (Maxwell
//    predictor + Mohr-Coulomb return map, doc/model.md §3, §4). The models differ only in the
//    input: lambda = 0 without viscous flow, no return map without plasticity, the structural
//    strain eps_s(x_n+1 - x_p) only with the free-volume relaxation. This is the only Maxwell
//    update of the code: the linear models' right-hand side is the response at zero strain,
//    their state commit the response at the converged strain.
//
// fields() gives what the output sees of a committed point (MaterialPointFields); its stress
// is C(E, nu) : (eps - eps_iso 1 - eps_in), which after a commit is the stress of the step.
// For the models without plasticity, eigen_stress() and linear_update() give the affine form
// of the step and the commit in the arithmetic of the closed forms of doc/model.md (the
// regression references; the unit tests check them against respond()).
#include <bmgfe/materials/elastic_moduli.h>
#include <bmgfe/materials/material_point_fields.h>
#include <bmgfe/materials/mohr_coulomb.h>
#include <bmgfe/materials/point_history.h>
#include <bmgfe/materials/viscoplastic_update.h>

#include <deal.II/base/symmetric_tensor.h>

#include <functional>
#include <vector>

namespace bmgfe
{
  struct ThermoElasticMaterial;

  /// The law's answer at one strain.
  struct PointResponse
  {
    dealii::SymmetricTensor<2, 3> stress;  ///< sigma_n+1 [Pa]
    dealii::SymmetricTensor<4, 3> tangent; ///< d sigma_n+1 / d eps_n+1 (not major-symmetric when plastic) [Pa]
    /// The stiffness C(K, G phi1(lambda)) as an isotropic Lame pair: for the models without
    /// plasticity the tangent itself (the symmetric fast path of the assembly), for the
    /// plastic ones the elastic (Maxwell) stiffness whose AMG preconditions GMRES.
    LamePair stiffness;
    double   youngs_modulus = 0; ///< E(T, g) [Pa]
    PointUpdate       update;    ///< what commit() makes the state
    MohrCoulombRegion region    = MohrCoulombRegion::elastic;
    bool              converged = true; ///< false: the return map failed (cut the step back)
  };

  class ConstitutiveLaw
  {
  public:
    struct Settings
    {
      bool viscous = false; ///< free-volume relaxation and Maxwell flow
      bool plastic = false; ///< Mohr-Coulomb plasticity
      /// Largest relaxation exponent per step (0: none); 'Mechanics/Maximum relaxation exponent'.
      double max_relaxation_exponent = 0;
      /// x-hat(x-bar_n, x): the free volume the strength sees (the mechanics passes
      /// NonlocalParameters::strength_free_volume); empty: x itself.
      std::function<double(double nonlocal_x, double x)> strength_free_volume;
      /// d x-hat / d dx of the point's own dilatation within a step (NonlocalParameters).
      double strength_increment_weight = 1;
      /// Models without free-volume relaxation (plastic) that start from a previous run's
      /// state: the structural strain (zeta/3)(x - x_p - x_ref) of the read glass stays a
      /// fixed isotropic eigenstrain (x - x_p does not change without relaxation), so that the
      /// glass keeps the residual stress of the run that made it. Off for a glass set up from
      /// 'Initial fictive temperature' (uniform x: the regression references).
      bool frozen_structural_strain = false;
    };

    /// Parses the 'Maxwell rate override' (viscous models); throws InputError naming it.
    ConstitutiveLaw(const ThermoElasticMaterial &material, const Settings &settings);

    bool viscous() const { return settings.viscous; }
    bool plastic() const { return settings.plastic; }
    /// False for thermo-elasticity ('none'): nothing to remember, nothing to commit.
    bool has_history() const { return settings.viscous || settings.plastic; }

    /// Trial values of the step [t - dt, t] that do not depend on the displacement (see the
    /// top of this file), with the point's temperature T_new at t (T_n is the committed
    /// temperature; NaN means the first step). Sets trial.lambda (not capped) and returns the
    /// largest branch exponent min(lambda / b_min, cap) (lambda, capped, for one element).
    double begin_step(const CommittedPointState &committed, TrialPointState &trial, double T_new,
                      double t, double dt) const;

    /// Stress, tangent and trial update at the total strain eps_n+1 and temperature T_n+1.
    /// `without_plasticity`: the response as if the law had no plasticity (the elastic or
    /// Maxwell predictor; the mechanics' first solve of a read state, whose residual stress
    /// is elastic, starts from it).
    PointResponse respond(const CommittedPointState &committed, const TrialPointState &trial,
                          const dealii::SymmetricTensor<2, 3> &strain, double T,
                          bool without_plasticity = false) const;
    /// The same into `response`, whose vectors keep their storage (every field is set). It
    /// reads neither response nor trial.update, so response may be a scratch object that
    /// is then swapped with trial.update.
    void respond(const CommittedPointState &committed, const TrialPointState &trial,
                 const dealii::SymmetricTensor<2, 3> &strain, double T, bool without_plasticity,
                 PointResponse &response) const;

    /// Models without plasticity: the step is affine in the strain, sigma(eps) = C_t : eps - s*
    /// with C_t = `stiffness` (isotropic). Returns s* = -sigma(0), the eigenstress of the
    /// thermal and structural strain and of the relaxed history, in the arithmetic of the
    /// closed form of doc/model.md "Coupling to the mechanics" (the reference results of the
    /// regression test were made with it; respond() at zero strain gives the same to
    /// round-off). `eigenstrain` receives its size |s*|/E (thermo-elasticity: |eps_th 1 +
    /// eps_in|), by which the mechanics recognises a load of round-off size.
    dealii::SymmetricTensor<2, 3> eigen_stress(const CommittedPointState &committed,
                                               const TrialPointState &trial, double T,
                                               LamePair &stiffness, double &eigenstrain) const;

    /// Models without plasticity: the commit's update at the solution eps_n+1, with the
    /// viscous strain of the Maxwell step (viscous_flow::update) itself rather than
    /// eps - eps_iso 1 - C^-1 : sigma (the same to round-off).
    PointUpdate linear_update(const CommittedPointState &committed, const TrialPointState &trial,
                              const dealii::SymmetricTensor<2, 3> &strain, double T) const;

    /// Output fields of a committed point at the total strain `strain` and temperature T.
    MaterialPointFields fields(const CommittedPointState &committed,
                               const dealii::SymmetricTensor<2, 3> &strain, double T) const;

  private:
    /// The structural modes of a committed point (every mode at x when it holds none).
    std::vector<double> modes(const CommittedPointState &committed) const;
    /// Its branch viscous strains, or null when it holds none (every branch at eps_v).
    const std::vector<dealii::SymmetricTensor<2, 3>> *branches(const CommittedPointState &committed) const;
    /// sum_i g_i phi1(lambda_i) of the step (G_eff / G).
    double shear_relaxation_factor(const TrialPointState &trial) const;

    /// The input of viscoplastic::update for the step (isotropic eigenstrain, moduli, ...).
    ViscoplasticInput input(const CommittedPointState &committed, const TrialPointState &trial,
                            const dealii::SymmetricTensor<2, 3> &strain, double T) const;

    const ThermoElasticMaterial &material;
    const Settings               settings;
    double                       eta0 = 0; ///< viscosity prefactor [Pa s]
    /// G/eta [1/s] as a function of (T, t) when 'Maxwell rate override' is set.
    std::function<double(double T, double t)> rate_override;
    MohrCoulombFlow    flow;
    MohrCoulombControl control;
  };
} // namespace bmgfe
