#include <bmgfe/base/input_error.h>
#include <bmgfe/io/run_directory.h>
#include <bmgfe/linear_algebra/backend.h>
#include <bmgfe/physics/heat_problem.h>
#include <bmgfe/physics/mechanics_problem.h>
#include <bmgfe/postprocess/loading_curve.h>
#include <bmgfe/postprocess/manager.h>

#include <deal.II/base/mpi.h>

#include <cmath>
#include <fstream>
#include <iomanip>

namespace bmgfe
{
  namespace postprocess
  {
    namespace
    {
      template <int dim, typename LA>
      bool has_loading_programme(const RunView<dim, LA> &run)
      {
        return run.mechanics && run.mechanics->loading_programme().enabled;
      }
    } // namespace

    template <int dim, typename LA>
    bool LoadingCurve<dim, LA>::enabled_by_default(dealii::ParameterHandler &) const
    {
      return has_loading_programme(this->run());
    }

    template <int dim, typename LA>
    void LoadingCurve<dim, LA>::initialize()
    {
      require(has_loading_programme(this->run()),
              "entry 'Postprocess/List of postprocessors'",
              "'loading curve' needs 'Mechanics/Loading programme/Enabled = true'");
      loaded_area = this->run().mechanics->boundary_area(
        this->run().mechanics->loading_programme().loaded_boundary_id);
    }

    template <int dim, typename LA>
    void LoadingCurve<dim, LA>::execute(const StepInfo &info, StatisticsRow &)
    {
      const auto             &run    = this->run();
      const LoadingProgramme &lp     = run.mechanics->loading_programme();
      const double            t      = info.time;
      const auto reaction = [&](const unsigned int id) {
        return run.mechanics->reaction_force(t, id, lp.component(), run.heat->dof_handler(),
                                             run.heat->temperature());
      };
      const double force     = reaction(lp.loaded_boundary_id);
      const double supported = reaction(lp.supported_boundary_id);
      const double stress    = force / loaded_area;
      if (std::abs(stress) > std::abs(peak_stress))
        {
          peak_stress    = stress;
          strain_at_peak = lp.nominal_strain(t);
        }
      if (!run.run_directory)
        return;
      const std::string file = run.run_directory->file("force_displacement.csv");
      bool              ok   = true;
      if (run.is_root())
        ok = write_row(file, t, force, supported, stress);
      // Collective: every rank stops if rank 0 could not write.
      if (dealii::Utilities::MPI::min(ok ? 1 : 0, run.comm) == 0)
        throw RunError("cannot write " + file + " (disk full or no longer writable?)");
    }

    template <int dim, typename LA>
    bool LoadingCurve<dim, LA>::write_row(const std::string &file, const double t,
                                          const double force, const double supported,
                                          const double stress)
    {
      const auto             &run    = this->run();
      const LoadingProgramme &lp     = run.mechanics->loading_programme();
      const bool              planar = is_planar(run.kinematics);
      std::ofstream           out(file, started ? std::ios::app : std::ios::trunc);
      if (!started)
        {
          const std::string f_unit = planar ? "N_per_m" : "N";
          out << "# Loading programme (Mechanics/Loading programme): platen on boundary "
              << lp.loaded_boundary_id << " moves along " << lp.direction << ", boundary "
              << lp.supported_boundary_id << " is supported; " << (lp.bonded() ? "bonded" : "frictionless")
              << " platens; gauge length " << lp.gauge_length() << " m; initial loaded area "
              << loaded_area << (planar ? " m (per unit thickness)" : " m^2") << ".\n"
              << "# Forces: reactions int sigma n dA of the platen faces in the load direction "
              << "(compression negative); nominal stress = force / initial loaded area.\n"
              << "time_s,segment,nominal_strain,platen_displacement_m,force_" << f_unit
              << ",supported_force_" << f_unit << ",nominal_stress_Pa\n";
          started = true;
        }
      out << std::setprecision(12) << t << ',' << lp.segment_name(lp.segment_index(t)) << ','
          << lp.nominal_strain(t) << ',' << lp.platen_displacement(t) << ',' << force << ','
          << supported << ',' << stress << '\n';
      out.flush();
      return out.good();
    }

    template <int dim, typename LA>
    void LoadingCurve<dim, LA>::add_summary(Summary &summary)
    {
      summary["nominal_stress_peak_Pa"]   = json_number(peak_stress);
      summary["nominal_strain_at_peak"]   = json_number(strain_at_peak);
    }

    BMGFE_REGISTER_POSTPROCESSOR(LoadingCurve, "loading curve", 45,
                                 "force_displacement.csv of a loading programme (platen "
                                 "reactions, nominal stress and strain)")
  } // namespace postprocess
} // namespace bmgfe
