#pragma once
// Postprocessor "heterogeneity report" (heterogeneous materials, doc/model.md §6): at start-up,
// the statistics of the realisation of g(X) at the quadrature points (mean, standard deviation and
// the correlation length from the mean squared gradient) next to the field's parameters, so that
// an unresolved or degenerate field is seen before the run.
#include <bmgfe/postprocess/interface.h>

#include <string>

namespace bmgfe
{
  namespace postprocess
  {
    template <int dim, typename LA>
    class HeterogeneityReport : public Interface<dim, LA>
    {
    public:
      static void declare_parameters(dealii::ParameterHandler &) {}
      bool enabled_by_default(dealii::ParameterHandler &) const override;
      void initialize() override;
      void report_setup(std::ostream &out) const override;

    private:
      std::string report;
    };
  } // namespace postprocess
} // namespace bmgfe
