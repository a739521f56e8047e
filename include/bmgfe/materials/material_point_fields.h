#pragma once
// What the output and the postprocessors see of one material point (quadrature point) after a
// mechanics solve: the stress, the parts of the strain (doc/model.md §3)
//
//   eps = eps_e + (eps_th + eps_s) 1 + eps_v + eps_p,   sigma = C(T, X) : eps_e,
//
// and the scalar state (free volume, fictive temperature, plastic strain). Tensors are 3x3 in
// the model's component order: (x, y, z) in 3D and planar models, (r, z, theta) in
// axisymmetric ones. Fields a model does not have are zero.
#include <deal.II/base/symmetric_tensor.h>

namespace bmgfe
{
  struct MaterialPointFields
  {
    dealii::SymmetricTensor<2, 3> stress;         ///< sigma [Pa]
    dealii::SymmetricTensor<2, 3> strain;         ///< total strain eps [-]
    dealii::SymmetricTensor<2, 3> elastic_strain; ///< eps_e = C^-1 : sigma [-]
    /// Isotropic thermal strain eps_th = int alpha(X, T) dT from the stress-free temperature
    /// (the tensor is eps_th 1) [-].
    double thermal_strain = 0;
    /// Isotropic structural strain eps_s = (zeta/3)(x - x_p - x_ref) of the free volume
    /// (viscous models; the tensor is eps_s 1) [-].
    double structural_strain = 0;
    dealii::SymmetricTensor<2, 3> viscous_strain; ///< eps_v (deviatoric) [-]
    dealii::SymmetricTensor<2, 3> plastic_strain; ///< eps_p [-]
    /// eps_v + eps_p: what a later run reads as its initial inelastic strain [-].
    dealii::SymmetricTensor<2, 3> inelastic_strain;

    double temperature = 0; ///< T [K]
    double expansion   = 0; ///< alpha(X, T) [1/K]
    double g           = 0; ///< heterogeneity field g(X) [-]
    double volume      = 0; ///< integration weight of the point (2 pi r dA in axisymmetric models) [m^3]

    // Free-volume models (viscous, plastic, viscoplastic; zero otherwise):
    double free_volume          = 0; ///< x [-]
    double fictive_temperature  = 0; ///< T_f(x) [K]
    /// sqrt(2/3 eps_in : eps_in) of the inelastic (viscous + plastic) strain [-].
    double equivalent_inelastic_strain = 0;
    // Plastic models (zero otherwise):
    double equivalent_plastic_strain = 0; ///< p = sum sqrt(2/3 d eps_p : d eps_p) [-]
    double nonlocal_free_volume      = 0; ///< x-bar [-]
    /// x-hat = m x-bar + (1 - m) x, where the strength is evaluated [-].
    double strength_free_volume = 0;
    double plastic_power        = 0; ///< sigma : d eps_p / dt of the last step [W/m^3]
  };
} // namespace bmgfe
