#pragma once
// The material-point update of the glass: one strain-driven backward-Euler step that
// combines the Maxwell (viscous) relaxation of doc/model.md §3 with the free-volume-
// dependent Mohr-Coulomb correction of section 4 (operator split, doc/model.md "Viscous
// and plastic update"). No mesh, no MPI: the mechanics calls it at every quadrature point
// in every Newton iteration and the unit tests call it alone.
//
//   eps = eps_e + eps_iso 1 + eps_v + eps_p,   sigma = K tr(eps_e) 1 + 2 G dev(eps_e)
//
// 1. Viscous predictor (exact exponential integrator, viscous_flow.h) with the plastic
//    strain frozen at eps_p,n:
//      sigma_tr = K (tr eps - 3 eps_iso - tr eps_p,n) 1
//               + 2 G [e^-lambda e_e,n + phi1(lambda) dev(eps - eps_n)]
//    d sigma_tr / d eps = K 1 x 1 + 2 G phi1 P_dev = C(K, G_eff), G_eff = G phi1(lambda).
// 2. Plastic corrector: the Mohr-Coulomb return map (mohr_coulomb.h) of sigma_tr with the
//    moduli (K, G_eff): sigma = sigma_tr - C(K, G_eff) : d eps_p. The Maxwell integrator sees
//    the plastic increment as part of its strain increment, so this is the exact update of the
//    combined model and the return map's tangent is the consistent d sigma / d eps.
// 3. The new inelastic strain eps_v + eps_p follows from the stress:
//      eps_in,n+1 = eps - eps_iso 1 - C(K, G)^-1 : sigma,
//    which holds for every branch (elastic, viscous, plastic) by definition of eps_e.
//
// Generalized Maxwell body (viscous_flow.h, doc/model.md "Relaxation spectrum"): the predictor
// sums the branches, G_eff = G sum g_i phi1(lambda_i); the branches are in parallel and see
// the same plastic strain increment, so after the return map every branch's elastic strain
// loses phi1(lambda_i) dev(d eps_p) (which is what the return map with G_eff assumes). With
// e = dev(eps - eps_p) and eps_v,i = e - e_e,i:
//   eps_v,i,n+1 = eps_v,i,tr - (1 - phi1(lambda_i)) dev(d eps_p),
// and sum g_i eps_v,i = dev(eps - eps_p) - dev(sigma)/(2G) as in step 3.
//
// The isotropic eigenstrain eps_iso = eps_th(T) + eps_s is the caller's; the structural part
// eps_s = (zeta/3)(x - x_p - x_ref) must leave out the free volume x_p created by plastic
// dilatation, which is already tr(eps_p) (mohr_coulomb.h).
#include <bmgfe/materials/mohr_coulomb.h>
#include <bmgfe/materials/relaxation_spectrum.h>

#include <deal.II/base/symmetric_tensor.h>

#include <vector>

namespace bmgfe
{
  struct MohrCoulombStrength;

  /// State at the start of the step and the data of the step at one material point.
  struct ViscoplasticInput
  {
    dealii::SymmetricTensor<2, 3> strain;               ///< eps_n+1 (total)
    dealii::SymmetricTensor<2, 3> strain_old;           ///< eps_n
    dealii::SymmetricTensor<2, 3> inelastic_strain_old; ///< eps_v,n + eps_p,n
    dealii::SymmetricTensor<2, 3> plastic_strain_old;   ///< eps_p,n
    double isotropic_eigenstrain = 0; ///< eps_th(T_n+1) + eps_s(x) at the end of the step
    double bulk_modulus  = 0;         ///< K(T_n+1) [Pa]
    double shear_modulus = 0;         ///< G(T_n+1) [Pa]
    double relaxation_exponent = 0;   ///< lambda of the Maxwell step (0: no viscous flow)
    /// Cap of every branch exponent lambda_i = lambda / b_i (0: none).
    double max_relaxation_exponent = 0;
    /// The branches (g_i, b_i) of a generalized Maxwell body; null: one Maxwell element.
    const RelaxationSpectrum *shear_spectrum = nullptr;
    /// eps_v,i,n of the branches; null or empty: every branch at eps_v,n.
    const std::vector<dealii::SymmetricTensor<2, 3>> *branch_viscous_strains_old = nullptr;
    /// x before the plastic correction (after the structural relaxation of the step).
    double free_volume          = 0;
    /// xbar_n (x-hat_n): where c and phi are evaluated, plus w dx (w: the control passed).
    double strength_free_volume = 0;
    bool   plastic              = true; ///< false: viscous (or elastic) update only
  };

  struct ViscoplasticResult
  {
    dealii::SymmetricTensor<2, 3> stress;           ///< sigma_n+1 [Pa]
    dealii::SymmetricTensor<4, 3> tangent;          ///< d sigma_n+1 / d eps_n+1 (not major-symmetric) [Pa]
    dealii::SymmetricTensor<2, 3> inelastic_strain; ///< eps_v,n+1 + eps_p,n+1
    dealii::SymmetricTensor<2, 3> plastic_strain_increment; ///< d eps_p
    /// eps_v,i,n+1 of a generalized Maxwell body with more than one branch (empty otherwise).
    std::vector<dealii::SymmetricTensor<2, 3>> branch_viscous_strains;
    double free_volume           = 0; ///< x_n+1 = x + dx
    double free_volume_increment = 0; ///< dx = tr(d eps_p)/zeta
    /// sqrt(2/3 d eps_p : d eps_p): increment of the equivalent plastic strain.
    double equivalent_plastic_strain_increment = 0;
    /// sigma_n+1 : d eps_p [J/m^3]: the plastic work of the step (>= 0 up to round-off).
    double plastic_work = 0;
    MohrCoulombRegion region     = MohrCoulombRegion::elastic;
    unsigned int      iterations = 0;
    bool              converged  = true; ///< false: the return map failed (cut the step back)
  };

  namespace viscoplastic
  {
    /// One step at one point (see the top of this file). `strength` and `flow` are only used
    /// when input.plastic; throws std::invalid_argument for non-positive moduli and, when
    /// input.plastic, for non-positive free volumes. When the return map finds no plastic
    /// state (converged = false) the result is the viscous predictor: trial stress, tangent
    /// C(K, G_eff), no plastic increment.
    ViscoplasticResult update(const ViscoplasticInput &input, const MohrCoulombStrength &strength,
                              const MohrCoulombFlow    &flow,
                              const MohrCoulombControl &control = MohrCoulombControl());
    /// The same into `result` (every field is set; its branch strains keep their storage,
    /// so that the mechanics allocates nothing per point and iteration).
    void update(const ViscoplasticInput &input, const MohrCoulombStrength &strength,
                const MohrCoulombFlow &flow, const MohrCoulombControl &control,
                ViscoplasticResult &result);
  } // namespace viscoplastic
} // namespace bmgfe
