#include <bmgfe/base/input_error.h>
#include <bmgfe/io/checkpoint_state.h>
#include <bmgfe/io/run_directory.h>
#include <bmgfe/linear_algebra/backend.h>
#include <bmgfe/physics/heat_problem.h>
#include <bmgfe/physics/mechanics_problem.h>
#include <bmgfe/postprocess/loading_curve.h>
#include <bmgfe/postprocess/manager.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>

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

    LoadingCurveAnalysis analyse_loading_curve(const std::vector<double> &strain,
                                               const std::vector<double> &stress,
                                               const double offset, const double drop)
    {
      LoadingCurveAnalysis a;
      const std::size_t    n = std::min(strain.size(), stress.size());
      std::size_t          first = n;
      for (std::size_t i = 0; i < n; ++i)
        if (std::abs(strain[i]) > 0)
          {
            first = i;
            break;
          }
      if (first == n)
        return a;
      a.modulus = std::abs(stress[first]) / std::abs(strain[first]);
      const auto plastic = [&](const std::size_t i) {
        return std::abs(strain[i]) - std::abs(stress[i]) / a.modulus;
      };
      std::size_t peak = first;
      for (std::size_t i = first; i < n; ++i)
        {
          if (std::abs(stress[i]) > std::abs(stress[peak]))
            peak = i;
          if (std::isnan(a.yield_stress) && i > first && plastic(i) >= offset)
            {
              // Between i - 1 and i the plastic strain passes the offset.
              const double p0 = plastic(i - 1), p1 = plastic(i);
              const double w  = p1 > p0 ? (offset - p0) / (p1 - p0) : 1.0;
              a.yield_stress  = (1 - w) * std::abs(stress[i - 1]) + w * std::abs(stress[i]);
              a.yield_strain  = (1 - w) * std::abs(strain[i - 1]) + w * std::abs(strain[i]);
            }
          // Failure: after the peak, the first fall to (1 - drop) of it.
          if (!a.failed && i > peak && std::abs(stress[i]) <= (1 - drop) * std::abs(stress[peak]))
            {
              const double target = (1 - drop) * std::abs(stress[peak]);
              const double s0 = std::abs(stress[i - 1]), s1 = std::abs(stress[i]);
              const double w  = s0 > s1 ? (s0 - target) / (s0 - s1) : 1.0;
              a.failed         = true;
              a.failure_stress = target;
              a.failure_strain = (1 - w) * std::abs(strain[i - 1]) + w * std::abs(strain[i]);
              a.plastic_strain_at_failure = a.failure_strain - target / a.modulus;
              a.peak_stress = std::abs(stress[peak]);
              a.peak_strain = std::abs(strain[peak]);
            }
        }
      if (!a.failed)
        {
          a.peak_stress               = std::abs(stress[peak]);
          a.peak_strain               = std::abs(strain[peak]);
          a.plastic_strain_at_failure = plastic(n - 1);
        }
      return a;
    }

    template <int dim, typename LA>
    void LoadingCurve<dim, LA>::declare_parameters(dealii::ParameterHandler &prm)
    {
      prm.enter_subsection("Postprocess");
      prm.enter_subsection("Loading curve");
      prm.declare_entry("Yield offset", "0.002", dealii::Patterns::Double(0, 0.1),
                        "Plastic strain |eps| - |sigma|/E of the offset yield stress in "
                        "summary.json (E: the secant modulus of the first loaded point).");
      prm.declare_entry("Failure load drop", "0.1", dealii::Patterns::Double(0, 1),
                        "Failure: the first point after the peak where the nominal stress has "
                        "fallen by this fraction of the peak (a band that runs through the "
                        "specimen). summary.json: its strain and the plastic strain there.");
      prm.leave_subsection();
      prm.leave_subsection();
    }

    template <int dim, typename LA>
    void LoadingCurve<dim, LA>::parse_parameters(dealii::ParameterHandler &prm)
    {
      prm.enter_subsection("Postprocess");
      prm.enter_subsection("Loading curve");
      yield_offset = prm.get_double("Yield offset");
      failure_drop = prm.get_double("Failure load drop");
      prm.leave_subsection();
      prm.leave_subsection();
      require(failure_drop > 0, "entry 'Postprocess/Loading curve/Failure load drop'",
              "must be positive");
    }

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
      // The monotonic part of the programme (up to the first hold or unloading after load).
      const auto segment = lp.segment_index(t);
      if (segment != LoadingProgramme::none && !curve_closed)
        {
          if (lp.segments[segment].kind == LoadingProgramme::Segment::Kind::load)
            {
              curve_strain.push_back(lp.nominal_strain(t));
              curve_stress.push_back(stress);
            }
          else if (!curve_strain.empty() &&
                   lp.segments[segment].kind == LoadingProgramme::Segment::Kind::unload)
            curve_closed = true;
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
      const LoadingCurveAnalysis a =
        analyse_loading_curve(curve_strain, curve_stress, yield_offset, failure_drop);
      summary["loading_modulus_Pa"]             = json_number(a.modulus);
      summary["yield_stress_Pa"]                = json_number(a.yield_stress);
      summary["yield_strain"]                   = json_number(a.yield_strain);
      summary["failed"]                         = a.failed ? "true" : "false";
      summary["failure_strain"]                 = json_number(a.failure_strain);
      summary["plastic_strain_at_failure"]      = json_number(a.plastic_strain_at_failure);
    }

    template <int dim, typename LA>
    std::string LoadingCurve<dim, LA>::save_state() const
    {
      // The peak and the loading segments' points analysed for summary.json, and how far
      // force_displacement.csv (appended to; its header written once) had come.
      return pack_state(started, peak_stress, strain_at_peak, curve_strain, curve_stress,
                        curve_closed, appended_file_size(this->run(), "force_displacement.csv"));
    }

    template <int dim, typename LA>
    void LoadingCurve<dim, LA>::load_state(const std::string &bytes)
    {
      std::uint64_t file_size = 0;
      unpack_state(bytes, started, peak_stress, strain_at_peak, curve_strain, curve_stress,
                   curve_closed, file_size);
      restore_appended_file(this->run(), "force_displacement.csv", file_size);
    }

    BMGFE_REGISTER_POSTPROCESSOR(LoadingCurve, "loading curve", 45,
                                 "force_displacement.csv of a loading programme (platen "
                                 "reactions, nominal stress and strain)")
  } // namespace postprocess
} // namespace bmgfe
