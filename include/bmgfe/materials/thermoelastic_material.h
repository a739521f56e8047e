#pragma once
// Isotropic thermo-elastic properties (doc/model.md §3, §6): E(T), nu(T) and the
// glass expansion coefficient alpha_g0(T) from tables, the stress-free temperature, and the
// heterogeneity g(X) that scales them:
//   alpha(X, T) = alpha_g0(T) (1 + delta_alpha g(X)),  E(X, T) = E(T) (1 - delta_E g(X)).
// Loosely packed regions (g > 0) expand more and are softer.
// An optional deterministic imperfection adds to the initial free volume:
//   x(X, 0) = x_initial (1 + delta_x g(X)) + dx(X)   ('Material/Free volume/Initial free
//   volume perturbation', e.g. a soft spot that seeds a shear band).
#include <bmgfe/materials/elastic_moduli.h>
#include <bmgfe/materials/free_volume.h>
#include <bmgfe/materials/mohr_coulomb_strength.h>
#include <bmgfe/materials/property_table.h>
#include <bmgfe/materials/random_field.h>
#include <bmgfe/base/kinematics.h>

#include <array>
#include <functional>
#include <string>

namespace dealii
{
  class ParameterHandler;
}

namespace bmgfe
{
  struct ThermoElasticMaterial
  {
    PropertyTable youngs_modulus{96e9};      ///< Pa
    PropertyTable poisson_ratio{0.36};
    PropertyTable thermal_expansion{9.5e-6}; ///< alpha_g0(T), 1/K
    double        stress_free_temperature = 293.15; ///< K

    // Heterogeneity (section "Heterogeneity")
    bool        heterogeneous   = false;
    RandomField field;
    double      cte_amplitude     = 0; ///< delta_alpha
    double      modulus_amplitude = 0; ///< delta_E
    double      free_volume_amplitude = 0; ///< delta_x: x_initial (1 + delta_x g(X))

    /// 'Material/Free volume/Initial free volume perturbation' as given ("0": none).
    std::string free_volume_perturbation_expression = "0";
    /// dx(model point) compiled from it once (set_free_volume_perturbation()); empty when
    /// the expression is the number 0. Copies share the parser (thread-safe evaluation).
    std::function<double(const std::array<double, 3> &)> free_volume_perturbation;

    /// Free volume and viscous flow (Material/Free volume); used by the mechanics when
    /// 'Mechanics/Inelastic model = viscous'.
    FreeVolumeParameters free_volume;
    /// Free-volume-dependent Mohr-Coulomb strength (Material/Mohr-Coulomb): the hardness
    /// proxies now, the plasticity later. Its x_ref is free_volume.x_ref() (the free volume at
    /// 'Material/Free volume/Reference fictive temperature'), not an entry of its own.
    MohrCoulombStrength strength;
    unsigned int seed = 1;

    /// True when E, nu and alpha do not depend on temperature.
    bool is_temperature_independent() const
    {
      return youngs_modulus.is_constant() && poisson_ratio.is_constant() &&
             thermal_expansion.is_constant();
    }

    /// g at a model point, mapped into 3D (planar (x, y) -> (x, y, 0); axisymmetric
    /// (r, z) -> (r, 0, z)); 0 when the material is homogeneous.
    double g(const std::array<double, 3> &model_point, Kinematics kinematics) const;

    /// Isotropic thermal strain int_{T_ref}^{T} alpha(X, T') dT' for a given g.
    double thermal_strain(double T, double g_value) const
    {
      return (1 + cte_amplitude * g_value) *
             thermal_expansion.integral(stress_free_temperature, T);
    }
    /// Initial free volume x_initial (1 + delta_x g), without the perturbation.
    double initial_free_volume(double g_value) const
    {
      return free_volume.x_initial() * (1 + free_volume_amplitude * g_value);
    }
    /// Initial free volume x_initial (1 + delta_x g) + dx(model point), the point in model
    /// coordinates as for g() before the mapping: (x, y, 0) in 2D (r = x, z = y in
    /// axisymmetric models), (x, y, z) in 3D. The result is not checked here: a perturbation
    /// may make x <= 0 somewhere, which the caller must refuse (x > 0 is required by the
    /// free-volume update and by exp(1/x) in tau and eta), naming the entry
    /// 'Material/Free volume/Initial free volume perturbation'.
    double initial_free_volume(double g_value, const std::array<double, 3> &model_point) const
    {
      return initial_free_volume(g_value) +
             (free_volume_perturbation ? free_volume_perturbation(model_point) : 0.0);
    }
    /// Compile `expression` (muparser, variables x, y, z [m], constant pi) into
    /// free_volume_perturbation. `dim` = 2 allows only x and y (as 'Heat/Initial temperature'
    /// does in 2D), 3 x, y, z; 0 (dimension unknown) accepts x, y, z, with z = 0 at the
    /// points of 2D models. Throws InputError naming the entry.
    void set_free_volume_perturbation(const std::string &expression, int dim = 0);
    /// Shear modulus at the glass transition (homogeneous), for eta0 = G(Tg) tau0.
    double shear_modulus_at_tg() const
    {
      const double Tg = free_volume.glass_transition;
      return shear_modulus(youngs_modulus.value(Tg), poisson_ratio.value(Tg));
    }
    double youngs(double T, double g_value) const
    {
      return youngs_modulus.value(T) * (1 - modulus_amplitude * g_value);
    }

    static void declare_parameters(dealii::ParameterHandler &prm);
    /// `dim` (2 or 3; 0: not known yet) restricts the variables of the free-volume
    /// perturbation, see set_free_volume_perturbation().
    void        parse_parameters(dealii::ParameterHandler &prm, int dim = 0);
  };
} // namespace bmgfe
