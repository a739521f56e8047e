#pragma once
// Free-volume-dependent Mohr-Coulomb strength (doc/model.md §4) as pure functions of the
// (regularised) free volume: the material data that the plasticity law and the
// hardness postprocessor (doc/model.md §5) share.
//
//   c(x)      = c0 exp(-s_c (x - x_ref)/x_ref)                 cohesion
//   mu(x)     = max(0, mu0 - s_mu (x - x_ref)/x_ref),  phi = atan(mu)   friction
//   sigma_c   = 2 c cos(phi) / (1 - sin(phi))                  uniaxial compressive strength
//   theta_c   = 45 deg - phi/2                                 band angle to the load axis
#include <string>

namespace dealii
{
  class ParameterHandler;
}

namespace bmgfe
{
  struct MohrCoulombStrength
  {
    /// Vit1 defaults: mu0 = 0.105 (band angle 42 deg, doc/model.md §7) and c0 such that the
    /// uniaxial compressive strength at x_ref is 1.8 GPa (the middle of 1.7-1.9 GPa).
    double cohesion0           = 8.105e8; ///< c0 [Pa]
    double friction0           = 0.105;  ///< mu0
    double cohesion_softening  = 0.5;    ///< s_c
    double friction_softening  = 0.0;    ///< s_mu
    double reference_free_volume = 0.0225; ///< x_ref (set from the free-volume model)
    /// Flow rule and dissipation of the plasticity (same subsection): beta0 and x_ss of
    /// sin(psi) = beta0 max(0, 1 - x/x_ss) (MohrCoulombFlow), and the Taylor-Quinney fraction
    /// of the plastic work that becomes heat.
    double dilatancy_factor         = 0.1;
    double steady_state_free_volume = 0.05;
    double taylor_quinney           = 0.9;

    double cohesion(double x) const;
    double friction_coefficient(double x) const;
    double friction_angle(double x) const; ///< phi [rad]
    double compressive_strength(double x) const;
    /// Angle between the critical plane and the compression axis, 45 deg - phi/2 [rad].
    double band_angle(double x) const;

    /// Entries of "Material/Mohr-Coulomb" (declared from the top level).
    static void declare_parameters(dealii::ParameterHandler &prm);
    void        parse_parameters(dealii::ParameterHandler &prm);
    /// Throws InputError naming the entry when a value is out of range.
    void check() const;
  };

  /// Hardness proxies of doc/model.md §5: H = C_T sigma_c(x) (Tabor) and the apparent
  /// hardness with a residual mean stress, H_app = H - kappa_H sigma_m (a compressive
  /// residual stress, sigma_m < 0, raises the apparent hardness).
  struct HardnessParameters
  {
    double tabor_factor          = 3.0; ///< C_T
    double mean_stress_factor    = 1.0; ///< kappa_H

    double hardness(const MohrCoulombStrength &strength, double x) const
    {
      return tabor_factor * strength.compressive_strength(x);
    }
    double apparent_hardness(double H, double mean_stress) const
    {
      return H - mean_stress_factor * mean_stress;
    }

    /// Entries of "Postprocess/Hardness" (declared from the top level).
    static void declare_parameters(dealii::ParameterHandler &prm);
    void        parse_parameters(dealii::ParameterHandler &prm);
    void        check() const;
  };
} // namespace bmgfe
