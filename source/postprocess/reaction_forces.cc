#include <bmgfe/base/input_error.h>
#include <bmgfe/linear_algebra/backend.h>
#include <bmgfe/physics/heat_problem.h>
#include <bmgfe/physics/mechanics_parameters.h>
#include <bmgfe/physics/mechanics_problem.h>
#include <bmgfe/postprocess/manager.h>
#include <bmgfe/postprocess/reaction_forces.h>

#include <set>

namespace bmgfe
{
  namespace postprocess
  {
    namespace
    {
      /// Boundaries and components whose displacement is prescribed.
      template <int dim, typename LA>
      std::set<std::pair<unsigned int, unsigned int>> prescribed(const RunView<dim, LA> &run)
      {
        std::set<std::pair<unsigned int, unsigned int>> result;
        if (!run.mechanics)
          return result;
        for (const auto &p : run.mechanics_parameters->prescribed)
          result.emplace(p.id, p.component);
        const LoadingProgramme &lp = run.mechanics->loading_programme();
        if (lp.enabled)
          {
            result.emplace(lp.loaded_boundary_id, lp.component());
            result.emplace(lp.supported_boundary_id, lp.component());
          }
        return result;
      }
    } // namespace

    template <int dim, typename LA>
    bool ReactionForces<dim, LA>::enabled_by_default(dealii::ParameterHandler &) const
    {
      return !prescribed(this->run()).empty();
    }

    template <int dim, typename LA>
    void ReactionForces<dim, LA>::initialize()
    {
      const auto set = prescribed(this->run());
      require(!set.empty(), "entry 'Postprocess/List of postprocessors'",
              "'reaction forces' needs prescribed displacements or a loading programme");
      loaded.assign(set.begin(), set.end());
    }

    template <int dim, typename LA>
    void ReactionForces<dim, LA>::execute(const StepInfo &info, StatisticsRow &statistics)
    {
      const auto &run = this->run();
      const bool  axi = run.kinematics == Kinematics::axisymmetric;
      for (const auto &[id, component] : loaded)
        {
          const std::string letter(1, axi ? "rz"[component] : "xyz"[component]);
          const double      force = run.mechanics->reaction_force(info.time, id, component,
                                                             run.heat->dof_handler(),
                                                             run.heat->temperature());
          statistics.add(join_name({"reaction_force", letter, "on_boundary", std::to_string(id),
                                    is_planar(run.kinematics) ? "N_per_m" : "N"}),
                         force);
        }
    }

    BMGFE_REGISTER_POSTPROCESSOR(ReactionForces, "reaction forces", 40,
                                 "reactions of the boundaries with prescribed displacements and "
                                 "of the platens of a loading programme")
  } // namespace postprocess
} // namespace bmgfe
