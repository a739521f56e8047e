#pragma once
// Postprocessor "glass state" (free-volume models): the hardness and relaxation-enthalpy proxies
// of doc/model.md §2, §5 as point quantities (visualization, ring statistics, profiles):
//   hardness            H = C_T sigma_c(x)                (local free volume x)
//   apparent_hardness   H_app = H - kappa_H sigma_m       (with the residual mean stress)
//   relaxation_enthalpy dH_rel = dc_p (T_f - T_f,ref)     in J/g, as DSC reports it
//   strength_hardness   C_T sigma_c(x-hat)                (plastic models: the free volume that
//                                                          sets the strength)
// Parameters: 'Postprocess/Hardness', 'Postprocess/Relaxation enthalpy'.
#include <bmgfe/postprocess/glass_state_measures.h>
#include <bmgfe/postprocess/interface.h>

namespace bmgfe
{
  namespace postprocess
  {
    template <int dim, typename LA>
    class GlassState : public Interface<dim, LA>
    {
    public:
      static void declare_parameters(dealii::ParameterHandler &prm);
      bool enabled_by_default(dealii::ParameterHandler &) const override;
      void parse_parameters(dealii::ParameterHandler &prm) override;
      void declare_quantities(QuantityRegistry &quantities) const override;
      void initialize() override;

    private:
      HardnessParameters           hardness;
      RelaxationEnthalpyParameters enthalpy;
    };
  } // namespace postprocess
} // namespace bmgfe
