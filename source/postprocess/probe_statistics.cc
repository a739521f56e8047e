#include <bmgfe/base/input_error.h>
#include <bmgfe/linear_algebra/backend.h>
#include <bmgfe/physics/heat_problem.h>
#include <bmgfe/physics/mechanics_problem.h>
#include <bmgfe/postprocess/manager.h>
#include <bmgfe/postprocess/probe_statistics.h>
#include <bmgfe/postprocess/tensor_frames.h>

#include <deal.II/base/parameter_handler.h>
#include <deal.II/fe/mapping.h>

namespace bmgfe
{
  namespace postprocess
  {
    using namespace dealii;

    template <int dim, typename LA>
    void ProbeStatistics<dim, LA>::declare_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Statistics");
      prm.declare_entry("Probe points", "auto", Patterns::Anything(),
                        "Points whose temperature (and stresses, fictive temperature and free "
                        "volume) go into every row of statistics.csv: 'auto' (the geometry's "
                        "centre and surface points) or 'name: x, y[, z]; name: x, y[, z]' in m "
                        "(r, z for axisymmetric). A name is one word of letters, digits and '_', "
                        "unique; the columns are <quantity>_at_<name>_<unit>. A point outside the "
                        "mesh moves to the nearest vertex (with a note).");
      prm.leave_subsection();
    }

    template <int dim, typename LA>
    void ProbeStatistics<dim, LA>::parse_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Statistics");
      points_text = prm.get("Probe points");
      prm.leave_subsection();
      parse_probe_points<dim>(points_text, "Statistics/Probe points"); // errors now
    }

    template <int dim, typename LA>
    void ProbeStatistics<dim, LA>::initialize()
    {
      const auto &run    = this->run();
      auto        points = parse_probe_points<dim>(points_text, "Statistics/Probe points");
      if (points.empty())
        points = run.domain->default_probes;
      try
        {
          located.initialize(run.heat->dof_handler(), *run.mapping, points, notes);
        }
      catch (const InputError &e)
        {
          throw InputError("entry 'Statistics/Probe points': " + std::string(e.what()));
        }
    }

    template <int dim, typename LA>
    void ProbeStatistics<dim, LA>::report_setup(std::ostream &out) const
    {
      out << "  probes       :";
      for (const auto &p : located.points())
        out << ' ' << p.first << " (" << p.second << ")";
      out << '\n';
      for (const auto &n : notes)
        out << "Note: " << n << '\n';
    }

    template <int dim, typename LA>
    void ProbeStatistics<dim, LA>::execute(const StepInfo &, StatisticsRow &statistics)
    {
      const auto &run    = this->run();
      const auto &points = located.points();
      last_temperatures  = located.evaluate(run.heat->temperature());
      for (std::size_t i = 0; i < points.size(); ++i)
        statistics.add("temperature_at_" + points[i].first + "_K", last_temperatures[i]);
      if (!run.mechanics)
        return;
      const auto &mechanics = *run.mechanics;
      const auto  frame     = component_frame(run.kinematics, *run.domain);
      const unsigned int n_components = frame.suffixes.size();
      // Per probe: the tensor components, von Mises, T_f, x.
      const auto values = located.evaluate_with(
        [&](const typename DoFHandler<dim>::active_cell_iterator &heat_cell, const Point<dim> &reference) {
          const typename DoFHandler<dim>::active_cell_iterator cell(
            run.triangulation, heat_cell->level(), heat_cell->index(), &mechanics.dof_handler());
          const MaterialPointFields s =
            mechanics.stress_at(cell, reference, run.heat->dof_handler(), run.heat->temperature());
          const Point<dim> x = run.mapping->transform_unit_to_real_cell(heat_cell, reference);
          std::vector<double> v = frame.components(s.stress, to_3d(x));
          v.push_back(von_mises(s.stress));
          v.push_back(s.fictive_temperature);
          v.push_back(s.free_volume);
          return v;
        },
        n_components + 3);
      const bool free_volume = mechanics.viscous() || mechanics.plastic();
      for (std::size_t i = 0; i < points.size(); ++i)
        {
          const std::string at = "at_" + points[i].first;
          for (unsigned int c = 0; c < n_components; ++c)
            statistics.add(join_name({"stress", frame.suffixes[c], at, "Pa"}), values[i][c]);
          statistics.add(join_name({"von_mises_stress", at, "Pa"}), values[i][n_components]);
          if (free_volume)
            {
              statistics.add(join_name({"fictive_temperature", at, "K"}), values[i][n_components + 1]);
              statistics.add(join_name({"free_volume", at}), values[i][n_components + 2]);
            }
        }
    }

    template <int dim, typename LA>
    void ProbeStatistics<dim, LA>::add_summary(Summary &summary)
    {
      const auto &points = located.points();
      const auto  values = located.evaluate(this->run().heat->temperature());
      for (std::size_t i = 0; i < points.size(); ++i)
        summary["temperature_at_" + points[i].first + "_K"] = json_number(values[i]);
    }

    BMGFE_REGISTER_POSTPROCESSOR(ProbeStatistics, "probes", 10,
                                 "temperature, stresses, fictive temperature and free volume at "
                                 "the probe points ('Statistics/Probe points')")
  } // namespace postprocess
} // namespace bmgfe
