#pragma once
// Postprocessor "plasticity statistics" (plastic models): Newton iterations (all substeps and the
// largest of one substep), substeps and cutbacks, inexact linear solves, GMRES iterations are in
// linear_iterations_mechanics, plastic quadrature points, the final relative Newton residual, the
// plastic work of the step and the largest equivalent plastic strain; newton_residuals.csv has
// the relative residuals of the last substep of every step (time_step, time_s, iteration,
// relative_residual).
#include <bmgfe/postprocess/interface.h>

namespace bmgfe
{
  namespace postprocess
  {
    template <int dim, typename LA>
    class PlasticityStatistics : public Interface<dim, LA>
    {
    public:
      static void declare_parameters(dealii::ParameterHandler &) {}
      bool enabled_by_default(dealii::ParameterHandler &) const override;
      void initialize() override;
      bool needs_quadrature_points(const StepInfo &) const override { return true; }
      void visit_cell(const CellPoints<dim> &points) override;
      void execute(const StepInfo &info, StatisticsRow &statistics) override;
      void add_summary(Summary &summary) override;
      std::string save_state() const override;
      void load_state(const std::string &bytes) override;

    private:
      double       max_plastic_strain = 0;
      unsigned int newton_total = 0, cutbacks_total = 0;
    };
  } // namespace postprocess
} // namespace bmgfe
