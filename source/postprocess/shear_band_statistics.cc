#include <bmgfe/base/input_error.h>
#include <bmgfe/io/checkpoint_state.h>
#include <bmgfe/io/run_directory.h>
#include <bmgfe/linear_algebra/backend.h>
#include <bmgfe/physics/mechanics_problem.h>
#include <bmgfe/postprocess/manager.h>
#include <bmgfe/postprocess/shear_band_statistics.h>

#include <deal.II/base/mpi.h>

#include <iomanip>
#include <sstream>

namespace bmgfe
{
  namespace postprocess
  {
    template <int dim, typename LA>
    void ShearBandStatistics<dim, LA>::declare_parameters(dealii::ParameterHandler &prm)
    {
      ShearBandParameters::declare_parameters(prm);
    }

    template <int dim, typename LA>
    bool ShearBandStatistics<dim, LA>::enabled_by_default(dealii::ParameterHandler &) const
    {
      return this->run().mechanics && this->run().mechanics->plastic();
    }

    template <int dim, typename LA>
    void ShearBandStatistics<dim, LA>::parse_parameters(dealii::ParameterHandler &prm)
    {
      parameters.parse_parameters(prm);
    }

    template <int dim, typename LA>
    void ShearBandStatistics<dim, LA>::initialize()
    {
      const auto &run = this->run();
      require(run.mechanics && run.mechanics->plastic(), "entry 'Postprocess/List of postprocessors'",
              "'shear bands' needs 'Mechanics/Inelastic model = plastic' or 'viscoplastic'");
      const auto &lp = run.mechanics->loading_programme();
      axis           = dealii::Tensor<1, dim>();
      axis[lp.enabled ? lp.component() : dim - 1] = 1;
    }

    template <int dim, typename LA>
    void ShearBandStatistics<dim, LA>::visit_cell(const CellPoints<dim> &points)
    {
      if (points.first || !analysis)
        analysis = std::make_unique<ShearBandAnalysis<dim>>(parameters, axis);
      for (unsigned int q = 0; q < points.fields.size(); ++q)
        // 2D sections are analysed by area (the axisymmetric 2 pi r is taken out).
        analysis->add(points.positions[q], points.JxW[q], points.fields[q].equivalent_plastic_strain);
    }

    template <int dim, typename LA>
    void ShearBandStatistics<dim, LA>::execute(const StepInfo &info, StatisticsRow &statistics)
    {
      const auto &run = this->run();
      if (!analysis) // a rank without cells
        analysis = std::make_unique<ShearBandAnalysis<dim>>(parameters, axis);
      const ShearBandResult<dim> bands = analysis->analyse(run.comm);
      analysis.reset();
      last_band_count = bands.bands.size();
      last_angle      = bands.bands.empty() ? 0.0 : bands.bands[0].angle_to_load_axis;
      last_width      = bands.bands.empty() ? 0.0 : bands.bands[0].width;
      statistics.add_integer("shear_bands", static_cast<long long>(last_band_count));
      statistics.add("shear_band_angle_to_load_axis_deg", last_angle);
      statistics.add("shear_band_width_m", last_width);
      if (info.output_time && run.run_directory)
        {
          std::ostringstream name;
          name << "shear_bands-" << std::setw(5) << std::setfill('0') << n_files++ << ".csv";
          bool ok = true;
          if (run.is_root())
            try
              {
                write_shear_band_csv(run.run_directory->file(name.str()), info.time, bands);
              }
            catch (const std::exception &)
              {
                ok = false;
              }
          if (dealii::Utilities::MPI::min(ok ? 1 : 0, run.comm) == 0)
            throw RunError("cannot write " + run.run_directory->file(name.str()) +
                           " (disk full or no longer writable?)");
        }
    }

    template <int dim, typename LA>
    void ShearBandStatistics<dim, LA>::add_summary(Summary &summary)
    {
      summary["shear_bands"]                        = std::to_string(last_band_count);
      summary["shear_band_angle_to_load_axis_deg"] = json_number(last_angle);
      summary["shear_band_width_m"]                 = json_number(last_width);
    }

    template <int dim, typename LA>
    std::string ShearBandStatistics<dim, LA>::save_state() const
    {
      // The number of shear_bands-NNNNN.csv written (the bands are analysed anew every step).
      return pack_state(n_files);
    }

    template <int dim, typename LA>
    void ShearBandStatistics<dim, LA>::load_state(const std::string &bytes)
    {
      unpack_state(bytes, n_files);
    }

    BMGFE_REGISTER_POSTPROCESSOR(ShearBandStatistics, "shear bands", 55,
                                 "shear bands of the equivalent plastic strain: count, angle, "
                                 "width; shear_bands-NNNNN.csv at the output times")
  } // namespace postprocess
} // namespace bmgfe
