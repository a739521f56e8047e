#include <bmgfe/base/input_error.h>
#include <bmgfe/linear_algebra/backend.h>
#include <bmgfe/materials/material_point_fields.h>
#include <bmgfe/materials/thermoelastic_material.h>
#include <bmgfe/physics/mechanics_problem.h>
#include <bmgfe/postprocess/glass_state.h>
#include <bmgfe/postprocess/manager.h>
#include <bmgfe/postprocess/stress_measures.h>

namespace bmgfe
{
  namespace postprocess
  {
    namespace
    {
      template <int dim, typename LA>
      bool has_free_volume(const RunView<dim, LA> &run)
      {
        return run.mechanics && (run.mechanics->viscous() || run.mechanics->plastic());
      }
    } // namespace

    template <int dim, typename LA>
    void GlassState<dim, LA>::declare_parameters(dealii::ParameterHandler &prm)
    {
      HardnessParameters::declare_parameters(prm);
      RelaxationEnthalpyParameters::declare_parameters(prm);
    }

    template <int dim, typename LA>
    bool GlassState<dim, LA>::enabled_by_default(dealii::ParameterHandler &) const
    {
      return has_free_volume(this->run());
    }

    template <int dim, typename LA>
    void GlassState<dim, LA>::parse_parameters(dealii::ParameterHandler &prm)
    {
      require(has_free_volume(this->run()), "entry 'Postprocess/List of postprocessors'",
              "'glass state' needs a free-volume model ('Mechanics/Inelastic model = viscous, "
              "plastic or viscoplastic')");
      hardness.parse_parameters(prm);
      // 'Reference fictive temperature = Tg' is the free-volume model's glass transition.
      enthalpy.parse_parameters(prm, this->run().material->free_volume);
    }

    template <int dim, typename LA>
    void GlassState<dim, LA>::initialize()
    {}

    template <int dim, typename LA>
    void GlassState<dim, LA>::declare_quantities(QuantityRegistry &quantities) const
    {
      const MohrCoulombStrength          strength = this->run().material->strength;
      const HardnessParameters           H        = hardness;
      const RelaxationEnthalpyParameters dH       = enthalpy;
      Quantity q;
      q.kind                = QuantityKind::scalar;
      q.in_rings_by_default = true;

      q.name        = "hardness";
      q.unit        = "Pa";
      q.description = "hardness proxy H = C_T sigma_c(x) of the local free volume x";
      q.scalar      = [strength, H](const PointContext &p) {
        return H.hardness(strength, p.fields.free_volume);
      };
      quantities.add(q);

      q.name        = "apparent_hardness";
      q.description = "apparent hardness H_app = H - kappa_H sigma_m with the residual mean stress";
      q.scalar      = [strength, H](const PointContext &p) {
        return H.apparent_hardness(H.hardness(strength, p.fields.free_volume),
                                   mean_stress(p.fields.stress));
      };
      quantities.add(q);

      q.name        = "relaxation_enthalpy";
      q.unit        = "J_per_g";
      q.description = "relaxation-enthalpy proxy dH_rel = dc_p (T_f - T_f,ref) (positive: more "
                      "enthalpy stored than the reference glass)";
      q.scalar      = [dH](const PointContext &p) {
        return dH.relaxation_enthalpy(p.fields.fictive_temperature) * joule_per_gram;
      };
      quantities.add(q);

      if (this->run().mechanics->plastic())
        {
          q.name                = "strength_hardness";
          q.unit                = "Pa";
          q.in_rings_by_default = false;
          q.description = "hardness C_T sigma_c(x-hat) of the free volume that sets the strength";
          q.scalar      = [strength, H](const PointContext &p) {
            return H.hardness(strength, p.fields.strength_free_volume);
          };
          quantities.add(q);
        }
    }

    BMGFE_REGISTER_POSTPROCESSOR(GlassState, "glass state", 65,
                                 "hardness, apparent hardness and relaxation-enthalpy proxies as "
                                 "fields and ring statistics (free-volume models)")
  } // namespace postprocess
} // namespace bmgfe
