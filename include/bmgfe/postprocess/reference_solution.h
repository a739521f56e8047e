#pragma once
// Postprocessor "reference solution" (verification runs, doc/model.md §8): the closed-form
// temperature of a long rod cooled through a Robin boundary ('Statistics/Reference solution =
// cylinder cooling') at every probe and its L2 error at the output times; the L2 error of the
// displacement against an exact one ('Statistics/Reference displacement') at every step; the L2
// error of the recovered (L2-projected) stress against an exact one ('Statistics/Reference
// stress') at every step. On by default when one of the entries is set.
#include <bmgfe/postprocess/interface.h>
#include <bmgfe/postprocess/point_probes.h>

#include <memory>

namespace dealii
{
  template <int dim, typename Number>
  class Function;
}

namespace bmgfe
{
  namespace postprocess
  {
    template <int dim, typename LA>
    class ReferenceSolution : public Interface<dim, LA>
    {
    public:
      ReferenceSolution();
      ~ReferenceSolution() override;
      static void declare_parameters(dealii::ParameterHandler &prm);
      bool        enabled_by_default(dealii::ParameterHandler &prm) const override;
      void        parse_parameters(dealii::ParameterHandler &prm) override;
      void        initialize() override;
      bool        needs_quadrature_points(const StepInfo &info) const override;
      void        visit_cell(const CellPoints<dim> &points) override;
      void        execute(const StepInfo &info, StatisticsRow &statistics) override;

    private:
      std::string solution_name = "none", displacement_text = "none", stress_text = "none";
      std::string probes_text, weight_text = "1";
      std::unique_ptr<dealii::Function<dim, double>>    weight; ///< 'Reference error weight'
      PointProbes<dim>                                 probes;
      std::unique_ptr<dealii::Function<dim, double>>    temperature;
      std::unique_ptr<dealii::Function<dim, double>>    displacement;
      std::unique_ptr<dealii::Function<dim, double>>    stress;
      struct StressRecovery;
      std::unique_ptr<StressRecovery>                   recovery;
    };
  } // namespace postprocess
} // namespace bmgfe
