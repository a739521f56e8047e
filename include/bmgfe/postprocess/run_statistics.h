#pragma once
// Postprocessor "run statistics": the columns every run has (step, time, step size, protocol
// stage, environment temperature, temperature range, heat-solver iterations, rejected steps, wall
// time) and the run-wide numbers of summary.json (final time, steps, DoFs, ranks, wall time).
// protocol.csv lists the stages that the column protocol_stage indexes (segment name,
// occurrence, start and end time).
#include <bmgfe/postprocess/interface.h>

namespace bmgfe
{
  namespace postprocess
  {
    template <int dim, typename LA>
    class RunStatistics : public Interface<dim, LA>
    {
    public:
      static void declare_parameters(dealii::ParameterHandler &) {}
      void        execute(const StepInfo &info, StatisticsRow &statistics) override;
      void        add_summary(Summary &summary) override;
      std::string save_state() const override;
      void        load_state(const std::string &bytes) override;

    private:
      double       final_time = 0, wall_time = 0;
      unsigned int steps = 0, rejected = 0;
      unsigned long long linear_iterations = 0;
    };
  } // namespace postprocess
} // namespace bmgfe
