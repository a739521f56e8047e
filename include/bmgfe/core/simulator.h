#pragma once
// Simulator<dim, LA>: owns the mesh and the physics, runs the time loop and couples heat and
// mechanics; everything that is computed from the solution (statistics, profiles, snapshots,
// summary.json) is a postprocessor plugin called through the manager (postprocess/manager.h).
// run_simulation() picks the instantiation at run time.
#include <bmgfe/core/output_schedule.h>
#include <bmgfe/core/parameters.h>
#include <bmgfe/geometry/geometry.h>
#include <bmgfe/io/checkpoint_files.h>
#include <bmgfe/io/run_directory.h>
#include <bmgfe/io/run_log.h>
#include <bmgfe/physics/heat_problem.h>
#include <bmgfe/physics/mechanics_problem.h>
#include <bmgfe/postprocess/manager.h>

#include <deal.II/base/conditional_ostream.h>
#include <deal.II/base/timer.h>
#include <deal.II/distributed/tria.h>
#include <deal.II/fe/mapping_q.h>

#include <deque>
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
    /// A signal stopped the run after the last step: flush the statistics, write a
    /// checkpoint, write summary.json "interrupted" and throw Interrupted. Collective.
    [[noreturn]] void interrupt(int signal, const OutputSchedule &schedule);

    /// Where the time loop stands after an accepted step: what a checkpoint holds besides
    /// the fields, the material-point state and the postprocessors' state.
    struct LoopState
    {
      double            t = 0;
      unsigned int      step = 0;
      double            dt = 0;     ///< the step planned next
      double            dt_old = 0; ///< the last step (BDF2)
      std::size_t       stage = 0, last_stage = 0;
      bool              first_order = true;
      std::deque<double> recent_steps; ///< the progress guard's window
      double            next_checkpoint_time = 0; ///< 'Checkpoint/Interval in time'
      double            last_checkpoint_wall = 0; ///< wall time of the last checkpoint [s]
      double            wall_offset = 0; ///< wall time of the runs before a restart [s]
      double            wall_time = 0;   ///< since the first start, at the last step [s]
      unsigned int      repartitions = 0; ///< by the load balance, since the first start
    };

    /// Load balance of the plastic models ('Mechanics/Load balance', simulator_checkpoint.cc):
    /// after a converged step, repartition the mesh with the material-point weights when the
    /// imbalance exceeds the threshold, moving the fields, the material-point state and the
    /// postprocessors' state as a checkpoint and a restart do. Collective.
    void balance_load();
    /// Whether balance_load() can act in this run (plastic model, repartitioning on, > 1 rank).
    bool load_balance_active() const;

    // Checkpoints (simulator_checkpoint.cc, doc/checkpoints.md).
    /// Write a checkpoint of the state after loop.step; returns its folder. Collective.
    std::string write_checkpoint(const OutputSchedule &schedule);
    /// setup() with --restart: find the newest whole checkpoint, read its global state,
    /// compare the parameters and load the mesh (the fields follow in restore_checkpoint()).
    /// Throws InputError.
    void load_checkpoint_mesh();
    /// run() with --restart: the fields, the material-point state, the postprocessors' state
    /// and the loop state of the checkpoint. Collective.
    void restore_checkpoint(OutputSchedule &schedule);

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
    LoopState                                         loop;
    std::unique_ptr<CheckpointFiles>                  checkpoints;
    /// --restart: the checkpoint's folder, step and the body of its state.bin (empty folder:
    /// a new run).
    struct
    {
      std::string folder;
      unsigned int step = 0;
      std::string state;
    } restart;
  };
} // namespace bmgfe
