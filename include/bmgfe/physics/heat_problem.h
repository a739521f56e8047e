#pragma once
// Transient heat conduction rho c_p(T) dT/dt = div(k(T) grad T) + Q (doc/model.md §1)
// on a distributed mesh: assembly, the linearised step solve (Picard for T-dependent
// properties and radiation) and the time history needed by BDF2.
//
// Fast path: when c_p and k are constant, there is no radiation and no prescribed
// temperature, the operator is (a0/dt) M + K + h B with fixed matrices M, K, B; the
// system matrix and its AMG hierarchy are then only rebuilt when dt or h change.
#include <bmgfe/linear_algebra/backend.h>
#include <bmgfe/linear_algebra/projected_cg.h>
#include <bmgfe/materials/thermal_material.h>
#include <bmgfe/physics/heat_parameters.h>
#include <bmgfe/base/kinematics.h>
#include <bmgfe/physics/time_stepping.h>
#include <bmgfe/protocol/thermal_protocol.h>

#include <deal.II/base/function.h>
#include <deal.II/base/index_set.h>
#include <deal.II/base/timer.h>
#include <deal.II/distributed/tria.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/fe/fe_q.h>
#include <deal.II/fe/mapping.h>
#include <deal.II/lac/affine_constraints.h>

#include <functional>
#include <memory>
#include <vector>

namespace dealii
{
  namespace parallel
  {
    namespace distributed
    {
      template <int dim, typename VectorType, int spacedim>
      class SolutionTransfer;
    }
  } // namespace parallel
} // namespace dealii

namespace bmgfe
{
  /// Volumetric heat source evaluated at quadrature points (plastic dissipation later).
  template <int dim>
  class HeatSource
  {
  public:
    virtual ~HeatSource() = default;
    /// Add the source [W/m^3] at the given points of `cell` at time t to `values`.
    virtual void add_values(const typename dealii::DoFHandler<dim>::active_cell_iterator &cell,
                            const std::vector<dealii::Point<dim>> &points, double t,
                            std::vector<double> &values) const = 0;
  };

  /// What the time loop tells the heat problem about one step.
  struct HeatStepData
  {
    double           time     = 0; ///< t_{n+1}
    double           dt       = 0;
    double           dt_old   = 0;
    bool             first_order = true;
    EnvironmentState environment;
  };

  struct HeatStepReport
  {
    bool         converged             = false;
    unsigned int nonlinear_iterations  = 0;
    unsigned int linear_iterations     = 0;
    bool         preconditioner_rebuilt = false;
    double       max_change            = 0; ///< max nodal |T^{n+1} - T^n| [K]
  };

  template <int dim, typename LA>
  class HeatProblem
  {
  public:
    using Vector = typename LA::Vector;
    using Matrix = typename LA::SparseMatrix;

    HeatProblem(const dealii::parallel::distributed::Triangulation<dim> &tria,
                const dealii::Mapping<dim> &mapping, const HeatParameters &parameters,
                const ThermalMaterial &material, Kinematics kinematics,
                dealii::TimerOutput &timer);
    ~HeatProblem();

    void setup();
    void set_initial_temperature(const dealii::Function<dim> &T0);
    /// Plastic dissipation etc.; in addition to the 'Heat source' expression.
    void set_source(std::shared_ptr<const HeatSource<dim>> source);

    /// Solve for T^{n+1}; the result is trial_temperature() until accept_time_step().
    HeatStepReport solve_time_step(const HeatStepData &step);
    void           accept_time_step();

    const Vector &temperature() const { return temperature_ghosted; }       ///< T^n (ghosted)
    const Vector &trial_temperature() const { return trial_ghosted; }       ///< T^{n+1} (ghosted)
    const dealii::DoFHandler<dim> &dof_handler() const { return dofs; }
    const dealii::IndexSet &locally_owned_dofs() const { return owned; }
    double min_temperature() const;
    double max_temperature() const;
    /// True if the fixed-matrix fast path is used for the given environment.
    bool is_linear(const EnvironmentState &env) const;

    /// Checkpoints (doc/checkpoints.md): register T^n and T^{n-1} with the triangulation for
    /// its next save(). Collective; the simulator attaches the heat first, then the mechanics,
    /// and restores them in the same order.
    void attach_checkpoint_data();
    /// After the triangulation's load() and setup(): T^n and T^{n-1} of the checkpoint (the
    /// operators and the preconditioner are rebuilt by the next step). Collective.
    void restore_checkpoint_data();
    /// The same after the triangulation's repartition() (load balance), with
    /// attach_checkpoint_data() before it and setup() after it. Collective.
    void restore_repartitioned_data();
    /// The solver state as after setup(): operators reassembled, the AMG rebuilt and CG
    /// without its projection history at the next step. A checkpoint cannot carry these, so
    /// the run that writes one resets them too and a restart continues it to round-off
    /// (doc/checkpoints.md).
    void reset_solver_state();

  private:
    void make_constraints(double time, const EnvironmentState &env);
    void assemble_fixed_operators();
    void assemble_linearised_system(const HeatStepData &step, const Vector &iterate_ghosted,
                                    const Vector &history_ghosted);
    /// CG (with the AMG preconditioner, rebuilt when stale) on system_matrix x = rhs from
    /// `solution` or from the projection of earlier solutions of the same matrix.
    unsigned int solve_linear_system(Vector &solution, const dealii::AffineConstraints<double> &c,
                                     double key);

    const dealii::parallel::distributed::Triangulation<dim> &tria;
    const dealii::Mapping<dim>                              &mapping;
    const HeatParameters                                    &prm;
    const ThermalMaterial                                   &material;
    const Kinematics                                         kinematics;
    dealii::TimerOutput                                     &timer;
    MPI_Comm                                                 comm;

    dealii::FE_Q<dim>            fe;
    dealii::DoFHandler<dim>      dofs;
    dealii::IndexSet             owned, relevant;
    dealii::AffineConstraints<double> hanging_constraints; ///< hanging nodes only
    dealii::AffineConstraints<double> step_constraints;    ///< + prescribed temperatures
    std::unique_ptr<dealii::Function<dim>> source_function;
    std::unique_ptr<dealii::Function<dim>> prescribed_function;
    std::unique_ptr<dealii::Function<dim>> temperature_field; ///< Temperature model = prescribed
    std::shared_ptr<const HeatSource<dim>> extra_source;

    Vector temperature_owned, old_temperature_owned; ///< T^n, T^{n-1}
    Vector temperature_ghosted, old_temperature_ghosted, trial_ghosted;
    Vector trial_owned, rhs, work;
    /// Scratch of the Picard iteration (solve_time_step).
    Vector picard_previous, history_ghosted, iterate_ghosted;
    /// The rest of restore_checkpoint_data() and restore_repartitioned_data().
    void finish_restore();
    /// attach_checkpoint_data() until the triangulation's save().
    std::unique_ptr<dealii::parallel::distributed::SolutionTransfer<dim, Vector, dim>> checkpoint_transfer;

    Matrix system_matrix;
    // Fast path operators: mass (rho c_p), conduction, Robin boundary mass and load.
    Matrix mass_matrix, conduction_matrix, robin_matrix;
    Vector robin_load;
    bool   fixed_operators_assembled = false;
    double system_matrix_key_a = -1, system_matrix_key_h = -1; ///< (a0/dt, h) of system_matrix

    // Fixed-operator path: CG from the projection onto the last solutions (2-4 instead of
    // about 10 iterations per step on the reference problem); history cleared whenever
    // system_matrix changes.
    linear_algebra::ProjectedCG<LA> cg;

    typename LA::AMG preconditioner;
    bool             preconditioner_built   = false;
    double           preconditioner_key     = 0; ///< a0/dt + h-part indicator at build time
    unsigned int     iterations_after_build = 0;
  };
} // namespace bmgfe
