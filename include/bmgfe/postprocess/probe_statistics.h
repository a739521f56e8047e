#pragma once
// Postprocessor "probes": values at named points ('Statistics/Probe points'; 'auto': the
// geometry's centre and surface points) in every row of statistics.csv: the temperature, and with
// mechanics the stress components (cylindrical for rods) and the von Mises stress, with the
// free-volume models the fictive temperature and the free volume. Columns are named
// <quantity>_at_<probe>_<unit>, e.g. stress_tt_at_surface_Pa. The stresses at a probe are point
// values: the displacement and temperature fields there with the material-point state
// interpolated from the cell's quadrature points.
#include <bmgfe/postprocess/interface.h>
#include <bmgfe/postprocess/point_probes.h>

namespace bmgfe
{
  namespace postprocess
  {
    template <int dim, typename LA>
    class ProbeStatistics : public Interface<dim, LA>
    {
    public:
      static void declare_parameters(dealii::ParameterHandler &prm);
      void        parse_parameters(dealii::ParameterHandler &prm) override;
      void        initialize() override;
      void        report_setup(std::ostream &out) const override;
      void        execute(const StepInfo &info, StatisticsRow &statistics) override;
      void        add_summary(Summary &summary) override;
      /// The probes (for other postprocessors' messages and the reference solution).
      const PointProbes<dim> &probes() const { return located; }

    private:
      std::string              points_text;
      PointProbes<dim>         located;
      std::vector<std::string> notes;
      std::vector<double>      last_temperatures;
    };
  } // namespace postprocess
} // namespace bmgfe
