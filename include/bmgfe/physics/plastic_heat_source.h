#pragma once
// The plastic dissipation beta_TQ sigma : d eps_p of the last mechanics step as the heat source
// of the next heat step (doc/model.md §4): the work density of the whole mechanics step (all
// its substeps, cell averages) spread over the heat step from the last converged mechanics time
// to t, so that the glass receives beta W whatever the two step lengths are.
#include <bmgfe/physics/heat_problem.h>
#include <bmgfe/physics/mechanics_problem.h>

namespace bmgfe
{
  template <int dim, typename LA>
  class PlasticHeatSource : public HeatSource<dim>
  {
  public:
    PlasticHeatSource(const MechanicsProblem<dim, LA> &mechanics, const double taylor_quinney)
      : mechanics(mechanics)
      , beta(taylor_quinney)
    {}

    void add_values(const typename dealii::DoFHandler<dim>::active_cell_iterator &cell,
                    const std::vector<dealii::Point<dim>> &, const double t,
                    std::vector<double> &values) const override
    {
      const auto &work = mechanics.plastic_work_per_cell();
      if (work.empty())
        return;
      const double w  = work[cell->active_cell_index()];
      const double dt = t - mechanics.last_converged_time();
      if (w == 0 || !(dt > 0))
        return;
      const double q = beta * w / dt;
      for (double &v : values)
        v += q;
    }

  private:
    const MechanicsProblem<dim, LA> &mechanics;
    const double                     beta;
  };
} // namespace bmgfe
