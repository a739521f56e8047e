#pragma once
// Simulator<dim, LA>: owns the mesh and the physics, runs the time loop and couples heat and
// mechanics; everything that is computed from the solution (statistics, profiles, snapshots,
// summary.json) is a postprocessor plugin called through the manager (postprocess/manager.h).
// run_simulation() picks the instantiation at run time.
#include <bmgfe/core/parameters.h>
#include <bmgfe/geometry/geometry.h>
#include <bmgfe/io/run_directory.h>
#include <bmgfe/io/run_log.h>
#include <bmgfe/physics/heat_problem.h>
#include <bmgfe/physics/mechanics_problem.h>
#include <bmgfe/postprocess/manager.h>

#include <deal.II/base/conditional_ostream.h>
#include <deal.II/base/timer.h>
#include <deal.II/distributed/tria.h>
#include <deal.II/fe/mapping_q.h>

#include <memory>

namespace bmgfe
{
  enum class RunMode
  {
    run,      ///< full simulation
    validate  ///< build everything, check it, write nothing
  };

  /// Dispatch on dimension and linear-algebra backend. Collective on MPI_COMM_WORLD.
  /// `run_info`: the command line and start time for log.txt.
  void run_simulation(const Parameters &parameters, dealii::ParameterHandler &prm, RunMode mode,
                      const RunInfo &run_info = RunInfo());

  template <int dim, typename LA>
  class Simulator
  {
  public:
    Simulator(const Parameters &parameters, dealii::ParameterHandler &prm, MPI_Comm comm,
              const RunInfo &run_info = RunInfo());
    ~Simulator();

    /// Mesh, boundary checks, DoFs, initial state, postprocessors; throws InputError for
    /// inconsistent input. Writes nothing.
    void setup();
    /// The time loop. Requires setup().
    void run();

  private:
    /// Solve the mechanics at t (if any) and keep its report.
    void solve_mechanics(double t);
    /// A warning when a mesh file's size is about 10^3 off the point coordinates of the
    /// other entries (probes, point constraints), or over 1 m across without them.
    void check_mesh_units();
    /// Postprocessors for the accepted step, then the progress line.
    void postprocess(const postprocess::StepInfo &info, const HeatStepReport &heat_report);
    /// A signal stopped the run after `step` (time t): flush the statistics, (later) write
    /// a checkpoint, write summary.json "interrupted" and throw Interrupted. Collective.
    [[noreturn]] void interrupt(int signal, unsigned int step, double t);

    const Parameters           &parameters;
    dealii::ParameterHandler   &prm;
    MPI_Comm                    comm;
    RunInfo                     run_info;
    /// Rank 0's console, and OUTPUT/log.txt once the run directory exists (inactive elsewhere).
    RunLog                      log;
    dealii::ConditionalOStream  pcout;
    dealii::TimerOutput         timer;

    dealii::parallel::distributed::Triangulation<dim> triangulation;
    std::unique_ptr<dealii::MappingQ<dim>>            mapping;
    DomainInfo<dim>                                   domain;
    std::unique_ptr<HeatProblem<dim, LA>>             heat;
    std::unique_ptr<MechanicsProblem<dim, LA>>        mechanics;
    MechanicsStepReport                               mechanics_report;
    std::unique_ptr<RunDirectory>                     run_directory;
    postprocess::RunView<dim, LA>                     view;
    std::unique_ptr<postprocess::Manager<dim, LA>>    postprocessors;
    std::string                                       initial_state_note; ///< for the report
  };
} // namespace bmgfe
