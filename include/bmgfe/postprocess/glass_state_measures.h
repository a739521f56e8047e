#pragma once
// Measures of the glass state at one material point (doc/model.md §2, §5), mesh-free:
//
//   H       = C_T sigma_c(x)                 hardness proxy (Tabor) [Pa]
//   H_app   = H - kappa_H sigma_m            apparent hardness with the residual mean stress [Pa]
//   dH_rel  = dc_p (T_f - T_f,ref)           relaxation-enthalpy proxy [J/kg]
//
// Sign of dH_rel: positive when the point stores more enthalpy than the reference glass (a
// glass cooled at the DSC rate through Tg); a DSC scan releases it as a relaxation exotherm
// below Tg. Negative: a more relaxed (aged) glass than the reference.
//
// H uses the free volume x as given: the caller passes the local x until the regularised
// x-bar of the plasticity (doc/model.md §4) exists.
#include <bmgfe/materials/free_volume.h>
#include <bmgfe/materials/mohr_coulomb_strength.h>

namespace dealii
{
  class ParameterHandler;
}

namespace bmgfe
{
  /// J/kg -> J/g: the output unit of dH_rel (DSC reports relaxation enthalpies in J/g).
  constexpr double joule_per_gram = 1e-3;

  /// Relaxation-enthalpy proxy dH_rel = dc_p (T_f - T_f,ref) (doc/model.md §2).
  struct RelaxationEnthalpyParameters
  {
    /// dc_p = c_p(liquid) - c_p(glass) at Tg [J/(kg K)]; Vit1 default, see the entry.
    double heat_capacity_jump            = 160;
    double reference_fictive_temperature = 623; ///< T_f,ref [K]
    /// T_f,ref came from the keyword 'Tg': the model's Tg at the calibration rate.
    bool reference_is_model_tg = true;

    /// dH_rel [J/kg] of a point with fictive temperature T_f [K].
    double relaxation_enthalpy(double fictive_temperature) const
    {
      return heat_capacity_jump * (fictive_temperature - reference_fictive_temperature);
    }

    /// Entries of "Postprocess/Relaxation enthalpy" (declared from the top level).
    static void declare_parameters(dealii::ParameterHandler &prm);
    /// Reads and checks the entries. 'Reference fictive temperature = Tg' is resolved with
    /// the free-volume model: the Tg of a 0-D glass cooled at its calibration rate
    /// (cool_through_glass_transition, a few milliseconds), which equals 'Glass transition
    /// temperature' within 1e-3 K when tau0 is calibrated.
    void parse_parameters(dealii::ParameterHandler &prm, const FreeVolumeParameters &free_volume);
    void check() const;
  };

  /// The three measures at one point (units as at the top of this file).
  struct GlassState
  {
    double hardness            = 0; ///< H [Pa]
    double apparent_hardness   = 0; ///< H_app [Pa]
    double relaxation_enthalpy = 0; ///< dH_rel [J/kg]
  };

  /// The material data the measures need, evaluated point by point.
  struct GlassStateMeasures
  {
    MohrCoulombStrength          strength;
    HardnessParameters           hardness;
    RelaxationEnthalpyParameters enthalpy;

    /// x: free volume, mean_stress: sigma_m = tr(sigma)/3 [Pa], T_f: fictive temperature [K].
    GlassState at(double x, double mean_stress, double fictive_temperature) const
    {
      GlassState s;
      s.hardness            = hardness.hardness(strength, x);
      s.apparent_hardness   = hardness.apparent_hardness(s.hardness, mean_stress);
      s.relaxation_enthalpy = enthalpy.relaxation_enthalpy(fictive_temperature);
      return s;
    }
  };
} // namespace bmgfe
