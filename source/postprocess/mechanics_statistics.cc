#include <bmgfe/base/input_error.h>
#include <bmgfe/linear_algebra/backend.h>
#include <bmgfe/physics/mechanics_problem.h>
#include <bmgfe/postprocess/manager.h>
#include <bmgfe/postprocess/mechanics_statistics.h>
#include <bmgfe/postprocess/stress_measures.h>

#include <deal.II/base/mpi.h>

#include <algorithm>

namespace bmgfe
{
  namespace postprocess
  {
    template <int dim, typename LA>
    bool MechanicsStatistics<dim, LA>::enabled_by_default(dealii::ParameterHandler &) const
    {
      return this->run().mechanics != nullptr;
    }

    template <int dim, typename LA>
    void MechanicsStatistics<dim, LA>::initialize()
    {
      require(this->run().mechanics, "entry 'Postprocess/List of postprocessors'",
              "'mechanics statistics' needs 'Mechanics/Enabled = true'");
    }

    template <int dim, typename LA>
    void MechanicsStatistics<dim, LA>::visit_cell(const CellPoints<dim> &points)
    {
      if (points.first)
        max_von_mises = axial_force = volume = 0;
      const unsigned int a = axial_index(this->run().kinematics);
      for (unsigned int q = 0; q < points.fields.size(); ++q)
        {
          const auto &s = points.fields[q].stress;
          max_von_mises = std::max(max_von_mises, von_mises(s));
          axial_force += s[a][a] * points.weights[q];
          volume += points.weights[q];
        }
    }

    template <int dim, typename LA>
    void MechanicsStatistics<dim, LA>::execute(const StepInfo &info, StatisticsRow &statistics)
    {
      const auto &run = this->run();
      const double vm    = dealii::Utilities::MPI::max(max_von_mises, run.comm);
      const double force = dealii::Utilities::MPI::sum(axial_force, run.comm);
      const double total = dealii::Utilities::MPI::sum(volume, run.comm);
      max_von_mises = axial_force = volume = 0; // a rank without cells starts from zero
      statistics.add("von_mises_stress_max_Pa", vm);
      if (is_planar(run.kinematics))
        statistics.add("net_axial_force_N", force);
      else
        statistics.add("volume_average_axial_stress_Pa", force / total);
      if (run.kinematics == Kinematics::generalized_plane_strain)
        statistics.add("axial_strain", info.mechanics_report->axial_strain);
      statistics.add_integer("linear_iterations_mechanics", info.mechanics_report->linear_iterations);
    }

    BMGFE_REGISTER_POSTPROCESSOR(MechanicsStatistics, "mechanics statistics", 30,
                                 "largest von Mises stress, net axial force or mean axial stress, "
                                 "axial strain (generalized plane strain), mechanics iterations")
  } // namespace postprocess
} // namespace bmgfe
