#pragma once
// Viscous (Maxwell, Newtonian, deviatoric) flow of doc/model.md §3 at one material point:
//
//   deps_v/dt = dev(sigma) / (2 eta(T, x)),  eta(T, x) = eta0 m(T, x)            (3.3)
//   dev(sigma) = 2 G e_e,  e_e = dev(eps) - eps_v     (eps: total strain minus plastic
//                                                      strain; the isotropic thermal and
//                                                      structural strains have no deviator)
//
// so that de_e/dt = dev(deps/dt) - (G/eta) e_e. Over a step with the relaxation exponent
//   lambda = int G/eta dt            (= G dt/eta for constant eta; see below)
// and a constant deviatoric strain rate, the exponential integrator
//   e_e,n+1 = e_e,n exp(-lambda) + (e_n+1 - e_n) phi1(lambda),  phi1(l) = (1 - e^{-l})/l
// is exact; it reduces to the elastic update for lambda -> 0 (frozen glass) and relaxes the
// stress within the step for lambda >> 1 (liquid). At fixed strain the deviatoric stress
// decays as s_n = s_0 exp(-sum lambda) = s_0 exp(-G t/eta) exactly, for any step size.
//
// Consistent tangent: lambda depends on T and x only (not on the strain), so
//   d sigma_n+1 / d eps_n+1 = K 1 x 1 + 2 G phi1(lambda) P_dev,  P_dev = I - (1/3) 1 x 1;
// `tangent_factor` is the scalar 2 G phi1(lambda) multiplying the deviatoric projector.
//
// Because tau and eta share the mobility m(T, x), the free-volume update's reduced time
// int dt/tau gives the exponent over the same temperature history:
//   lambda = (G tau0 / eta0) int dt/tau   (relaxation_exponent_from_reduced_time).
//
// Generalized Maxwell body (doc/model.md "Relaxation spectrum"): branches in parallel with
// shear moduli G g_i (sum g_i = 1) and relaxation times b_i eta/G, i.e. the relaxation
// modulus G sum g_i exp(-xi_G / b_i), xi_G = int G/eta dt; each branch i has its own
// viscous strain eps_v,i and elastic strain e_e,i = dev(eps) - eps_v,i and takes the step
// above with lambda_i = lambda / b_i (capped, see branch_exponent):
//   e_e,i,n+1 = e_e,i,n exp(-lambda_i) + (e_n+1 - e_n) phi1(lambda_i),
//   dev(sigma) = sum_i 2 G g_i e_e,i,n+1,   tangent_factor = 2 G sum_i g_i phi1(lambda_i),
// and the total viscous strain is eps_v = sum_i g_i eps_v,i (dev(sigma) = 2 G (e - eps_v)).
// One branch (g = b = 1) is the Maxwell element above, with its arithmetic.
#include <bmgfe/materials/relaxation_spectrum.h>

#include <deal.II/base/symmetric_tensor.h>

#include <algorithm>
#include <vector>

namespace bmgfe
{
  struct FreeVolumeParameters;

  namespace viscous_flow
  {
    struct MaxwellStep
    {
      dealii::SymmetricTensor<2, 3> deviatoric_stress; ///< dev(sigma_n+1) = 2 G e_e,n+1 [Pa]
      dealii::SymmetricTensor<2, 3> viscous_strain;    ///< eps_v,n+1 (deviatoric)
      double                        tangent_factor = 0; ///< 2 G phi1(lambda) [Pa]
      /// Generalized Maxwell body with more than one branch: eps_v,i,n+1 (empty otherwise).
      std::vector<dealii::SymmetricTensor<2, 3>> branch_viscous_strains;
      /// phi1(lambda_i) of the branches (one entry for a single element).
      std::vector<double> branch_phi1;
    };

    /// lambda_i = lambda / b_i, at most `cap` when cap > 0 (the 'Maximum relaxation exponent'
    /// of every branch: its shear stiffness G g_i phi1(lambda_i) stays >= G g_i / cap).
    inline double branch_exponent(const double lambda, const double b, const double cap)
    {
      const double l = lambda / b;
      return cap > 0 ? std::min(l, cap) : l;
    }

    /// Generalized Maxwell update with the branches of `shear` (see the top of this file).
    /// `branch_viscous_strains_old`: eps_v,i,n, or empty: every branch at
    /// `viscous_strain_old` (a state set from the total, e.g. an older run's output).
    /// `lambda` >= 0: the exponent of the KWW time, `cap`: see branch_exponent. A single
    /// branch gives update() above with lambda capped, bit for bit.
    MaxwellStep update(const dealii::SymmetricTensor<2, 3> &strain_new,
                       const dealii::SymmetricTensor<2, 3> &strain_increment,
                       const dealii::SymmetricTensor<2, 3> &viscous_strain_old,
                       const std::vector<dealii::SymmetricTensor<2, 3>> &branch_viscous_strains_old,
                       double shear_modulus, const RelaxationSpectrum &shear, double lambda,
                       double cap);
    /// The same into `s`, whose vectors keep their storage (the mechanics calls this at every
    /// quadrature point in every iteration: no heap allocation in the steady state).
    void update(const dealii::SymmetricTensor<2, 3> &strain_new,
                const dealii::SymmetricTensor<2, 3> &strain_increment,
                const dealii::SymmetricTensor<2, 3> &viscous_strain_old,
                const std::vector<dealii::SymmetricTensor<2, 3>> &branch_viscous_strains_old,
                double shear_modulus, const RelaxationSpectrum &shear, double lambda, double cap,
                MaxwellStep &s);

    /// Maxwell update. `strain_new`: total strain at the end of the step minus the plastic
    /// strain (only its deviator is used); `strain_increment`: its change over the step;
    /// `viscous_strain_old`: eps_v,n; `shear_modulus`: G at the end of the step;
    /// `lambda` >= 0: the relaxation exponent of the step.
    MaxwellStep update(const dealii::SymmetricTensor<2, 3> &strain_new,
                       const dealii::SymmetricTensor<2, 3> &strain_increment,
                       const dealii::SymmetricTensor<2, 3> &viscous_strain_old,
                       double shear_modulus, double lambda);

    /// lambda = G dt / eta (eta constant over the step, e.g. at the end state).
    double relaxation_exponent(double shear_modulus, double viscosity, double dt);

    /// lambda = (G tau0 / eta0) int dt/tau, from FreeVolumeStep::reduced_time.
    double relaxation_exponent_from_reduced_time(double shear_modulus, double tau0,
                                                 double eta0, double reduced_time);

    /// eta(T, x) = eta0 m(T, x) [Pa s] (may be +inf in double precision deep in the glass).
    double viscosity(const FreeVolumeParameters &p, double eta0, double T, double x);

    /// Full tangent K 1 x 1 + tangent_factor P_dev.
    dealii::SymmetricTensor<4, 3> tangent(double bulk_modulus, double tangent_factor);

    /// Full stress K e_vol 1 + deviatoric_stress with the elastic volume strain
    /// e_vol = tr(eps) - 3 (eps_th + eps_s) (thermal and structural eigenstrains are
    /// isotropic, the viscous strain is deviatoric).
    dealii::SymmetricTensor<2, 3> stress(double bulk_modulus, double elastic_volumetric_strain,
                                         const MaxwellStep &step);
  } // namespace viscous_flow
} // namespace bmgfe
