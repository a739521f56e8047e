#pragma once
// Postprocessor "reaction forces": the reaction int sigma n dA of every boundary with prescribed
// displacements (and of both platens of a loading programme) in the prescribed component, per
// step: reaction_force_<component>_on_boundary_<id>_N (N_per_m for plane sections).
#include <bmgfe/postprocess/interface.h>

#include <utility>
#include <vector>

namespace bmgfe
{
  namespace postprocess
  {
    template <int dim, typename LA>
    class ReactionForces : public Interface<dim, LA>
    {
    public:
      static void declare_parameters(dealii::ParameterHandler &) {}
      bool enabled_by_default(dealii::ParameterHandler &) const override;
      void initialize() override;
      void execute(const StepInfo &info, StatisticsRow &statistics) override;

    private:
      std::vector<std::pair<unsigned int, unsigned int>> loaded; ///< (boundary id, component)
    };
  } // namespace postprocess
} // namespace bmgfe
