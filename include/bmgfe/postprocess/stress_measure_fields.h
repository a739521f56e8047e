#pragma once
// Postprocessor "stress measures" (mechanics): point quantities derived from the stress,
// doc/model.md §5: von Mises stress, mean stress, triaxiality sigma_m / sigma_eq, the Lode
// parameter (2 s2 - s1 - s3)/(s1 - s3), the principal stresses s1 >= s2 >= s3 and their unit
// directions (vectors in the model's coordinates; in 2D models the out-of-plane direction is
// written as the zero vector, since a 2D vector field cannot hold it).
#include <bmgfe/postprocess/interface.h>

namespace bmgfe
{
  namespace postprocess
  {
    template <int dim, typename LA>
    class StressMeasureFields : public Interface<dim, LA>
    {
    public:
      static void declare_parameters(dealii::ParameterHandler &) {}
      bool enabled_by_default(dealii::ParameterHandler &) const override;
      void declare_quantities(QuantityRegistry &quantities) const override;
      void initialize() override;
    };
  } // namespace postprocess
} // namespace bmgfe
