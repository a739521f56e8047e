#include <bmgfe/io/checkpoint_state.h>
#include <bmgfe/linear_algebra/backend.h>
#include <bmgfe/physics/heat_problem.h>
#include <bmgfe/postprocess/manager.h>
#include <bmgfe/postprocess/run_statistics.h>
#include <bmgfe/protocol/thermal_protocol.h>

#include <bmgfe/io/run_directory.h>

#include <deal.II/base/mpi.h>

#include <fstream>
#include <iomanip>

namespace bmgfe
{
  namespace postprocess
  {
    template <int dim, typename LA>
    void RunStatistics<dim, LA>::execute(const StepInfo &info, StatisticsRow &statistics)
    {
      const auto &run = this->run();
      const auto  env = run.protocol->environment(info.stage, info.time);
      if (info.step == 0 && run.run_directory)
        {
          // protocol.csv: what the protocol_stage column of statistics.csv refers to.
          const std::string file = run.run_directory->file("protocol.csv");
          write_on_root(run, file, [&] {
            std::ofstream out(file);
            out << "stage,segment,occurrence,start_s,end_s\n" << std::setprecision(12);
            const auto &stages = run.protocol->stages();
            for (std::size_t i = 0; i < stages.size(); ++i)
              out << i << ',' << run.protocol->segment_of_stage(i).name << ','
                  << stages[i].occurrence << ',' << stages[i].start << ',' << stages[i].end << '\n';
            return out.good();
          });
        }
      statistics.add_integer("time_step", info.step);
      statistics.add("time_s", info.time);
      statistics.add("time_step_size_s", info.time_step);
      statistics.add_integer("protocol_stage", static_cast<long long>(info.stage));
      statistics.add("environment_temperature_K", env.temperature);
      statistics.add("temperature_min_K", run.heat->min_temperature());
      statistics.add("temperature_max_K", run.heat->max_temperature());
      const unsigned int nonlinear = info.heat_report ? info.heat_report->nonlinear_iterations : 0;
      const unsigned int linear    = info.heat_report ? info.heat_report->linear_iterations : 0;
      statistics.add_integer("nonlinear_iterations_heat", nonlinear);
      statistics.add_integer("linear_iterations_heat", linear);
      statistics.add_integer("rejected_steps", info.rejected_steps);
      statistics.add("wall_time_s", info.wall_time);
      final_time = info.time;
      wall_time  = info.wall_time;
      steps      = info.step;
      rejected += info.rejected_steps;
      linear_iterations += linear;
    }

    template <int dim, typename LA>
    void RunStatistics<dim, LA>::add_summary(Summary &summary)
    {
      const auto &run               = this->run();
      summary["final_time_s"]       = json_number(final_time);
      summary["time_steps"]         = std::to_string(steps);
      summary["rejected_steps"]     = std::to_string(rejected);
      summary["linear_iterations_heat"] = std::to_string(linear_iterations);
      summary["temperature_dofs"]   = std::to_string(run.heat->dof_handler().n_dofs());
      summary["mpi_ranks"]          = std::to_string(dealii::Utilities::MPI::n_mpi_processes(run.comm));
      summary["wall_time_s"]        = json_number(wall_time);
      summary["temperature_min_K"]  = json_number(run.heat->min_temperature());
      summary["temperature_max_K"]  = json_number(run.heat->max_temperature());
    }

    template <int dim, typename LA>
    std::string RunStatistics<dim, LA>::save_state() const
    {
      // The totals of summary.json count every step since the start of the run.
      return pack_state(final_time, wall_time, steps, rejected, linear_iterations);
    }

    template <int dim, typename LA>
    void RunStatistics<dim, LA>::load_state(const std::string &bytes)
    {
      unpack_state(bytes, final_time, wall_time, steps, rejected, linear_iterations);
    }

    BMGFE_REGISTER_POSTPROCESSOR(RunStatistics, "run statistics", 0,
                                 "time, step size, protocol stage, environment and temperature "
                                 "range, heat-solver iterations, wall time (always useful)")
  } // namespace postprocess
} // namespace bmgfe
