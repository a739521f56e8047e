#include <bmgfe/base/input_error.h>
#include <bmgfe/io/checkpoint_state.h>
#include <bmgfe/linear_algebra/backend.h>
#include <bmgfe/physics/mechanics_problem.h>
#include <bmgfe/postprocess/manager.h>
#include <bmgfe/postprocess/plasticity_statistics.h>

#include <bmgfe/io/run_directory.h>

#include <deal.II/base/mpi.h>

#include <fstream>
#include <iomanip>

#include <algorithm>

namespace bmgfe
{
  namespace postprocess
  {
    template <int dim, typename LA>
    bool PlasticityStatistics<dim, LA>::enabled_by_default(dealii::ParameterHandler &) const
    {
      return this->run().mechanics && this->run().mechanics->plastic();
    }

    template <int dim, typename LA>
    void PlasticityStatistics<dim, LA>::initialize()
    {
      require(this->run().mechanics && this->run().mechanics->plastic(),
              "entry 'Postprocess/List of postprocessors'",
              "'plasticity statistics' needs 'Mechanics/Inelastic model = plastic' or 'viscoplastic'");
    }

    template <int dim, typename LA>
    void PlasticityStatistics<dim, LA>::visit_cell(const CellPoints<dim> &points)
    {
      if (points.first)
        max_plastic_strain = 0;
      for (const auto &f : points.fields)
        max_plastic_strain = std::max(max_plastic_strain, f.equivalent_plastic_strain);
    }

    template <int dim, typename LA>
    void PlasticityStatistics<dim, LA>::execute(const StepInfo &info, StatisticsRow &statistics)
    {
      const auto &r      = *info.mechanics_report;
      const bool  planar = is_planar(this->run().kinematics);
      statistics.add_integer("newton_iterations", r.newton_iterations);
      statistics.add_integer("newton_iterations_max_substep", r.max_newton_iterations);
      statistics.add_integer("mechanics_substeps", r.substeps);
      statistics.add_integer("mechanics_cutbacks", r.cutbacks);
      statistics.add_integer("inexact_linear_solves", r.inexact_solves);
      statistics.add_integer("preconditioner_rebuilds", r.preconditioner_rebuilds);
      statistics.add_integer("plastic_quadrature_points", r.plastic_points);
      statistics.add("newton_residual_final", r.residuals.empty() ? 0.0 : r.residuals.back());
      statistics.add(planar ? "plastic_work_of_step_J_per_m" : "plastic_work_of_step_J", r.plastic_work);
      statistics.add("equivalent_plastic_strain_max",
                     dealii::Utilities::MPI::max(max_plastic_strain, this->run().comm));
      max_plastic_strain = 0;
      const auto &run = this->run();
      if (run.run_directory)
        {
          // newton_residuals.csv: the relative residuals of the last substep of every step.
          const std::string file = run.run_directory->file("newton_residuals.csv");
          write_on_root(run, file, [&] {
            std::ofstream out(file, info.step == 0 ? std::ios::trunc : std::ios::app);
            if (info.step == 0)
              out << "time_step,time_s,iteration,relative_residual\n";
            out << std::setprecision(6);
            for (std::size_t i = 0; i < r.residuals.size(); ++i)
              out << info.step << ',' << std::setprecision(12) << info.time << std::setprecision(6)
                  << ',' << i << ',' << std::scientific << r.residuals[i] << std::defaultfloat << '\n';
            return out.good();
          });
        }
      newton_total += r.newton_iterations;
      cutbacks_total += r.cutbacks;
    }

    template <int dim, typename LA>
    void PlasticityStatistics<dim, LA>::add_summary(Summary &summary)
    {
      summary["newton_iterations"] = std::to_string(newton_total);
      summary["mechanics_cutbacks"] = std::to_string(cutbacks_total);
    }

    template <int dim, typename LA>
    std::string PlasticityStatistics<dim, LA>::save_state() const
    {
      // The totals of summary.json, and how far newton_residuals.csv (appended to) had come.
      return pack_state(newton_total, cutbacks_total,
                        appended_file_size(this->run(), "newton_residuals.csv"));
    }

    template <int dim, typename LA>
    void PlasticityStatistics<dim, LA>::load_state(const std::string &bytes)
    {
      std::uint64_t residuals_size = 0;
      unpack_state(bytes, newton_total, cutbacks_total, residuals_size);
      restore_appended_file(this->run(), "newton_residuals.csv", residuals_size);
    }

    BMGFE_REGISTER_POSTPROCESSOR(PlasticityStatistics, "plasticity statistics", 50,
                                 "Newton iterations, substeps, cutbacks, preconditioner builds, plastic points, plastic "
                                 "work and the largest equivalent plastic strain")
  } // namespace postprocess
} // namespace bmgfe
