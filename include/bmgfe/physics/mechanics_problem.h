#pragma once
// Quasi-static small-strain mechanics div(sigma) = 0 with
//   sigma = C(T, X) : (eps - eps_th(T, X) I - eps_inelastic)          (doc/model.md §3)
// in 3D, axisymmetric (hoop strain u_r/r, weights 2 pi r), plane strain and generalized
// plane strain (uniform axial strain as one global unknown, eliminated by a Schur
// complement: K u = f - eps0 b, b.u + c eps0 = N + g).
//
// The material point is the ConstitutiveLaw (materials/constitutive_law.h) with its history
// MaterialPointState (materials/point_history.h) at every quadrature point, for all four
// 'Mechanics/Inelastic model's. Without plasticity (none, viscous) the law is affine in the
// strain for a given step, and a solve is one linear problem K u = f: the matrix is the law's
// tangent as an isotropic Lame pair (symmetric, CG + AMG), the right-hand side its response at
// zero strain, the commit its response at the solution (doc/model.md "Coupling to the
// mechanics"). With plasticity a solve is a global Newton iteration in substeps
// (mechanics_newton.cc, doc/model.md "Global Newton method"). Both assemble through one cell
// loop (mechanics_assembly.cc) with different point kernels.
//
// All kinematic modes share one code path: strains are 3x3 tensors at quadrature points;
// the out-of-plane entry is the hoop strain u_r/r (axisymmetric), eps0 (generalized plane
// strain) or 0 (plane strain).
#include <bmgfe/linear_algebra/backend.h>
#include <bmgfe/linear_algebra/elasticity_multigrid.h>
#include <bmgfe/linear_algebra/projected_cg.h>
#include <bmgfe/materials/constitutive_law.h>
#include <bmgfe/materials/material_point_fields.h>
#include <bmgfe/materials/point_history.h>
#include <bmgfe/materials/thermoelastic_material.h>
#include <bmgfe/base/kinematics.h>
#include <bmgfe/physics/mechanics_constraints.h>
#include <bmgfe/physics/mechanics_parameters.h>
#include <bmgfe/physics/nonlocal_free_volume.h>
#include <bmgfe/physics/quadrature_point_evaluation.h>

#include <deal.II/base/quadrature_lib.h>
#include <deal.II/base/quadrature_point_data.h>
#include <deal.II/base/symmetric_tensor.h>
#include <deal.II/base/timer.h>
#include <deal.II/distributed/tria.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/fe/fe_system.h>
#include <deal.II/fe/mapping.h>
#include <deal.II/lac/affine_constraints.h>
#include <deal.II/lac/la_parallel_vector.h>

#include <functional>
#include <limits>
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
  struct MechanicsStepReport
  {
    unsigned int linear_iterations = 0;
    // Plastic models (global Newton):
    unsigned int newton_iterations     = 0; ///< over all substeps
    unsigned int max_newton_iterations = 0; ///< of one substep
    unsigned int substeps              = 0; ///< converged substeps (1: no cutback)
    unsigned int cutbacks              = 0; ///< failed attempts that were halved
    unsigned int inexact_solves        = 0; ///< GMRES stopped short of its tolerance (inexact Newton)
    unsigned int preconditioner_rebuilds = 0; ///< Newton's GMRES preconditioner (re)built
    unsigned int plastic_points        = 0; ///< quadrature points that yielded (last substep)
    double       plastic_work          = 0; ///< int sigma : d eps_p dV over the step [J; J/m planar]
    /// Residual norms (relative to the internal force) of the Newton iterations of the last substep.
    std::vector<double> residuals;
    double       axial_strain      = 0; ///< eps_zz of (generalized) plane strain
    bool         matrix_rebuilt    = false; ///< stiffness matrix and AMG rebuilt by this solve
  };


  template <int dim, typename LA>
  class MechanicsProblem
  {
  public:
    using Vector = typename LA::Vector;
    using Matrix = typename LA::SparseMatrix;

    MechanicsProblem(const dealii::parallel::distributed::Triangulation<dim> &tria,
                     const dealii::Mapping<dim> &mapping, const MechanicsParameters &parameters,
                     const ThermoElasticMaterial &material, Kinematics kinematics,
                     dealii::TimerOutput &timer);
    ~MechanicsProblem();

    /// DoFs, constraints, matrix structure, quadrature-point state (g evaluated once).
    void setup();

    /// Solve for the displacement at time t with the temperature field T (ghosted, on
    /// `heat_dofs`, same triangulation).
    MechanicsStepReport solve(double t, const dealii::DoFHandler<dim> &heat_dofs,
                              const typename LA::Vector &temperature);

    const Vector                  &displacement() const { return displacement_ghosted; }
    const dealii::DoFHandler<dim> &dof_handler() const { return dofs; }
    double                         axial_strain() const { return eps0; }
    /// 'Mechanics/Inelastic model = viscous|viscoplastic'.
    bool                           viscous() const { return prm.viscous; }
    /// Time of the last converged (sub)step of the viscous and plastic models (NaN before).
    double                         last_converged_time() const { return t_last; }
    /// 'Mechanics/Inelastic model = plastic|viscoplastic'.
    bool                           plastic() const { return prm.plastic; }
    /// One line for the set-up report: the solver of the linear models or of the Newton
    /// iteration, and where the thermal load comes from (valid after setup()).
    std::string                    solver_summary() const;
    /// Plastic models: the regularised free volume (null without plasticity).
    const NonlocalFreeVolume<dim, LA> *nonlocal_free_volume() const { return nonlocal.get(); }
    /// Plastic models: cell averages of the plastic work sum sigma : d eps_p of the last time
    /// step (all its substeps) [J/m^3], indexed by active cell index (0 elsewhere): the heat
    /// source spreads it over the next heat step.
    const std::vector<double> &plastic_work_per_cell() const { return cell_plastic_work; }

    /// How stress_at() reads the material-point state at a point between the Gauss points.
    enum class StateAtPoint
    {
      /// The state interpolated through the cell's Gauss points, the strain at the point:
      /// smooth, of the element's order where the state is smooth (viscous strain, free
      /// volume), but where the plastic strain is far larger than the elastic one the two
      /// interpolants do not match and the stress is not the law's.
      interpolated,
      /// The nearest Gauss point's own state and strain: the stress the law computed there
      /// (piecewise constant over the cell's Gauss-point regions).
      nearest_gauss_point
    };

    /// Stress etc. at a reference point of a locally owned cell.
    MaterialPointFields stress_at(const typename dealii::DoFHandler<dim>::active_cell_iterator &cell,
                          const dealii::Point<dim> &reference_point,
                          const dealii::DoFHandler<dim> &heat_dofs,
                          const typename LA::Vector &temperature,
                          StateAtPoint state_at_point = StateAtPoint::interpolated) const;

    /// Cell averages (over quadrature points) of the stress etc., for output and statistics.
    void cell_averages(const dealii::DoFHandler<dim> &heat_dofs,
                       const typename LA::Vector &temperature,
                       std::vector<MaterialPointFields> &per_cell) const;

    /// Visit every locally owned quadrature point: position, volume weight (with 2 pi r in
    /// axisymmetric models), temperature and stress state there.
    void for_each_quadrature_point(
      const dealii::DoFHandler<dim> &heat_dofs, const typename LA::Vector &temperature,
      const std::function<void(const dealii::Point<dim> &, double, double, const MaterialPointFields &)> &f) const;

    /// Visit every locally owned cell with the positions and JxW of its quadrature points and
    /// the fields there (their `volume` is JxW times the volume weight): one evaluation per
    /// point for every postprocessor, in one vectorised pass (QuadraturePointEvaluation; cells
    /// in the order of the active cells).
    void for_each_cell(
      const dealii::DoFHandler<dim> &heat_dofs, const typename LA::Vector &temperature,
      const std::function<void(const typename dealii::DoFHandler<dim>::active_cell_iterator &,
                               const CellQuadraturePoints<dim> &,
                               const std::vector<MaterialPointFields> &)> &f) const;
    /// The quadrature rule of the material points (QGauss(p + 1)).
    const dealii::Quadrature<dim> &quadrature_rule() const { return quadrature; }

    /// The quadrature-point state as a discontinuous finite-element field whose nodes are the
    /// quadrature points (FE_DGQArbitraryNodes on the Gauss points, components: x, then the
    /// viscous-strain entries of `components`). It is exact at the quadrature points and
    /// polynomial in between, so output written from it and read back reproduces the state
    /// (cell averages would lose the variation inside a cell and change the stress by O(h)).
    /// `dg_dofs` is (re)initialised on this triangulation; `values` is ghosted.
    /// With a relaxation spectrum (doc/model.md "Relaxation spectrum") the components go on
    /// with the N structural modes x_i and the N shear branches' eps_v,i + eps_p: a later run
    /// continues exactly. Their names: state_field_names().
    void state_field(const std::vector<TensorComponent> &components, dealii::DoFHandler<dim> &dg_dofs,
                     dealii::LinearAlgebra::distributed::Vector<double> &values) const;
    /// Names of the components of state_field(), in its order (materials/point_history.h).
    std::vector<std::string> state_field_names(const std::vector<TensorComponent> &components) const;

    /// Reaction force [N; N/m for plane sections] at time t on boundary `id` in displacement component
    /// `component`: the sum over the boundary's DoFs of that component of the internal force
    /// int eps(phi_i) : sigma dV minus the body force (the residual of the constrained rows),
    /// i.e. int sigma n dA of the boundary. sigma is the stress of the last solve (committed
    /// viscous state). Collective.
    double reaction_force(double t, unsigned int id, unsigned int component,
                          const dealii::DoFHandler<dim> &heat_dofs,
                          const typename LA::Vector &temperature) const;

    /// Area of boundary `id` [m^2; m for plane sections] (axisymmetric: 2 pi r weighted).
    double boundary_area(unsigned int id) const;
    /// The loading programme with its gauge length (automatic: the body's extent along the
    /// load axis, set by setup()).
    const LoadingProgramme &loading_programme() const { return loading; }
    /// A run that starts from a read state with a loading programme: the next solve releases
    /// the platens (the residual stress finds its equilibrium, the rigid-body motion along the
    /// load axis pinned at the supported end) and the platens hold that equilibrium's
    /// displacement plus the programme's afterwards (physics/mechanics_constraints.h,
    /// PlatenReference). Frictionless platens only (InputError otherwise). Collective; call
    /// after setup() and initialize_state(). Returns the line for the start-up report.
    std::string start_platens_from_equilibrium();

    /// Set the state of every locally owned quadrature point from its position: `f` fills
    /// what it knows (e.g. x and the viscous strain read from a previous run's output).
    /// Call after setup() and before the first solve.
    void initialize_state(const std::function<void(const dealii::Point<dim> &, MaterialPointState &)> &f);

    /// Checkpoints (doc/checkpoints.md): register the displacement, the predictor's last
    /// increment, the platens' reference displacement and every quadrature point's committed
    /// state (with its cell's plastic work of the last step) with the triangulation for its
    /// next save(). Collective; after the heat's attach_checkpoint_data().
    void attach_checkpoint_data();
    /// What is not attached to cells (times, the axial strain of generalized plane strain,
    /// the predictor's step, the Newton scales), as bytes; the same on every rank.
    std::string checkpoint_scalars() const;
    /// After the triangulation's load(), setup(), the set-up of a read state and the heat's
    /// restore_checkpoint_data(): everything of attach_checkpoint_data() and
    /// checkpoint_scalars(). Matrices, preconditioners and the projection history of CG are
    /// rebuilt by the next solve. Collective.
    void restore_checkpoint_data(const std::string &scalars);
    /// The same after the triangulation's repartition() (load balance): attach_checkpoint_data()
    /// before repartition(), setup() after it, then this with the checkpoint_scalars() taken
    /// before: the attached data are unpacked through the handles of the attach, not read as
    /// from a file. Collective.
    void restore_repartitioned_data(const std::string &scalars);
    /// Load balance (physics/load_balance.h): the p4est weight of a locally owned cell from its
    /// points' committed state, and the sum of the weights of this rank's cells and the number
    /// of its points that yielded in the last converged step.
    unsigned int cell_weight(const typename dealii::Triangulation<dim>::cell_iterator &cell,
                             double plastic_point_cost) const;
    double       local_weight(double plastic_point_cost, unsigned int &yielded_points) const;
    /// The solver state as after setup(): matrices and preconditioners rebuilt, CG without its
    /// projection history, x-bar solved afresh from the committed free volume (which a restart
    /// does as well), so that the run that writes a checkpoint and a restart from it continue
    /// alike (doc/checkpoints.md). Collective.
    void reset_solver_state();

    /// Quadrature-point state (checkpoints, transfer, later constitutive laws).
    dealii::CellDataStorage<typename dealii::Triangulation<dim>::cell_iterator, MaterialPointState> &
    quadrature_point_state() { return state; }

  private:
    // Plastic models (mechanics_newton.cc): the time step in substeps with cutback, each a
    // Newton iteration with line search.
    /// The first solve of a read state (plastic models): `solution` (and the axial strain of
    /// generalized plane strain) set to the free isotropic expansion of the body's mean
    /// eigenstrain, Newton's initial guess (mechanics_newton.cc).
    void start_from_free_expansion(const dealii::DoFHandler<dim> &heat_dofs,
                                   const typename LA::Vector &temperature);
    /// solve() of the models without plasticity (one linear solve).
    MechanicsStepReport solve_linear_models(double t, const dealii::DoFHandler<dim> &heat_dofs,
                                            const typename LA::Vector &temperature);
    MechanicsStepReport solve_plastic(double t, const dealii::DoFHandler<dim> &heat_dofs,
                                      const typename LA::Vector &temperature);
    /// Newton iteration for the substep to time t_sub (temperature fraction `fraction` of the
    /// way from the step's start to `temperature`). Returns false on failure (state untouched).
    bool newton(double t_sub, double fraction, const dealii::DoFHandler<dim> &heat_dofs,
                const typename LA::Vector &temperature, MechanicsStepReport &report);

    // Assembly (mechanics_assembly.cc): one cell loop, two point kernels.
    /// Local matrices and vectors of one cell and its shape-function data.
    struct CellAssembly;
    /// Where assemble_cells() distributes the local contributions (null: not assembled).
    struct AssemblyTargets
    {
      /// Of the matrix and right-hand side (inhomogeneities enter the rhs); every other
      /// vector is condensed with the same lines, without inhomogeneities.
      const dealii::AffineConstraints<double> *constraints = nullptr;
      Matrix *matrix = nullptr;                ///< with `rhs`
      Vector *rhs    = nullptr;
      Matrix *preconditioner_matrix = nullptr; ///< Newton: the elastic (Maxwell) stiffness
      Vector *residual       = nullptr;        ///< Newton: the rhs, condensed
      Vector *internal_force = nullptr;        ///< Newton: int B^T sigma, all rows
      Vector *axial_column   = nullptr;        ///< generalized plane strain: b (k_u0), condensed
      Vector *axial_row      = nullptr;        ///< Newton, generalized plane strain: k_0u, all rows
    };
    /// Contribution of quadrature point q (weight w, temperature field value T, total strain
    /// if requested, its history) to the cell's local system.
    using PointKernel = std::function<void(CellAssembly &, unsigned int q, double w, double T,
                                           const dealii::SymmetricTensor<2, 3> &strain,
                                           MaterialPointState &)>;
    /// The shared cell loop: FEValues and the temperature (visit_cells), the point kernel, the
    /// body force and boundary pressure at time t, `cell_end` (may be empty), distribution and
    /// compression into `targets` (zeroed first).
    void assemble_cells(double t, const dealii::DoFHandler<dim> &heat_dofs,
                        const typename LA::Vector &temperature, bool with_strains,
                        const AssemblyTargets &targets, const PointKernel &kernel,
                        const std::function<void(CellAssembly &)> &cell_end);
    /// Linear models: K (if `with_matrix`) and f of K u = f from the law's tangent and its
    /// response at zero strain; generalized plane strain: also b, c, g.
    void assemble(double t, const dealii::DoFHandler<dim> &heat_dofs,
                  const typename LA::Vector &temperature, bool with_matrix);
    /// Plastic models: residual (and, with `with_matrix`, the tangent) at the current
    /// displacement: runs the law everywhere and stores its trial updates in the state.
    /// Returns false when a return mapping failed (on any rank). `residual_norm`: of the free
    /// rows; `force_norm`: of the internal force over all DoFs.
    bool assemble_newton(double t_sub, double fraction, const dealii::DoFHandler<dim> &heat_dofs,
                         const typename LA::Vector &temperature,
                         const dealii::AffineConstraints<double> &increment_constraints,
                         bool with_matrix, bool with_elastic_matrix, double &residual_norm,
                         double &force_norm, unsigned int &plastic_points);

    /// 'Preconditioner = tangent AMG': `elastic_matrix` := the SPD matrix made from the
    /// consistent tangent at the current iterate (symmetric part, plastic points' eigenvalues
    /// by absolute value with a floor; doc/model.md "Global Newton method"), and the points'
    /// elastic/plastic status it was built with (preconditioner_plastic_set). Runs the law at
    /// every point again without touching the state.
    void assemble_tangent_preconditioner(double t_sub, double fraction,
                                         const dealii::DoFHandler<dim> &heat_dofs,
                                         const typename LA::Vector &temperature);

    /// 'Solver/Thermal load matrix' applies: the load is affine in the temperature DoFs
    /// (thermo-elasticity with temperature-independent E, nu, alpha; no pressure, body force,
    /// prescribed displacement or generalized plane strain; the assembled operator).
    bool thermal_load_is_affine() const;
    /// f(T_ref) and G with f(T) = f(T_ref) + G (T - T_ref), G_ij = sum_q eps(phi_i) : s1_q
    /// psi_j(x_q) w_q (s1 = d s*/dT from the law at T_ref and T_ref + 1 K, psi the
    /// temperature shape functions), rows condensed as assemble() condenses the load.
    void assemble_thermal_load(const dealii::DoFHandler<dim> &heat_dofs,
                               const typename LA::Vector &temperature);
    /// rhs = f(T_ref) + G (T - T_ref), with assemble()'s rule for a round-off load.
    void apply_thermal_load(const dealii::DoFHandler<dim> &heat_dofs,
                            const typename LA::Vector &temperature);

    unsigned int solve_linear(Vector &x, const Vector &b);
    /// 'Mechanics/Solver/Operator = matrix-free': x from K x = b by CG with the matrix-free
    /// operator and its multigrid (b, x: the backend's vectors, copied over).
    unsigned int solve_matrix_free(Vector &x, const Vector &b);
    /// AMG of `m` (the stiffness, or the elastic stiffness of the Newton iteration).
    void setup_preconditioner(Matrix &m);
    /// The law's begin_step at every quadrature point for the (sub)step to t (T_n is the
    /// committed temperature). Returns the largest lambda over all ranks.
    double update_trial_state(double t, const dealii::DoFHandler<dim> &heat_dofs,
                              const typename LA::Vector &temperature);
    /// After a converged (sub)step: the trial updates become the state (the linear models
    /// evaluate the law at the solution first); plastic models also sum the plastic work and
    /// update x-bar.
    void commit_state(const dealii::DoFHandler<dim> &heat_dofs,
                      const typename LA::Vector &temperature, MechanicsStepReport &report);
    dealii::SymmetricTensor<2, 3> total_strain(const std::vector<dealii::Tensor<1, dim>> &grads,
                                               const std::vector<double> &values,
                                               double radius) const;
    /// Visit every locally owned cell that `select` accepts (all if it is empty) with `fv`
    /// reinitialised on it (values, gradients, quadrature points, JxW), the temperature and,
    /// `with_strains`, the total strain of the current displacement at its quadrature points.
    using CellVisitor = std::function<void(const typename dealii::DoFHandler<dim>::active_cell_iterator &,
                                           const dealii::FEValues<dim, dim> &,
                                           const std::vector<double> &,
                                           const std::vector<dealii::SymmetricTensor<2, 3>> &)>;
    void visit_cells(const dealii::DoFHandler<dim> &heat_dofs, const typename LA::Vector &temperature,
                     const std::function<bool(const typename dealii::DoFHandler<dim>::active_cell_iterator &)> &select,
                     bool with_strains, const CellVisitor &f) const;
    /// The same for every locally owned cell through QuadraturePointEvaluation (vectorised, no
    /// shape functions: the passes that only read fields).
    void visit_points(const dealii::DoFHandler<dim> &heat_dofs, const typename LA::Vector &temperature,
                      bool with_strains, const typename QuadraturePointEvaluation<dim>::Visitor &f) const;
    void quadrature_point_strains(const dealii::FEValues<dim, dim> &fv,
                                  const typename dealii::DoFHandler<dim>::active_cell_iterator &cell,
                                  std::vector<dealii::SymmetricTensor<2, 3>> &strains) const;
    void update_nonlocal_free_volume(); ///< xbar from the committed x (= x if local)

    const dealii::parallel::distributed::Triangulation<dim> &tria;
    const dealii::Mapping<dim>                              &mapping;
    const MechanicsParameters                               &prm;
    const ThermoElasticMaterial                             &material;
    const Kinematics                                         kinematics;
    dealii::TimerOutput                                     &timer;
    MPI_Comm                                                 comm;

    dealii::FESystem<dim>             fe;
    dealii::DoFHandler<dim>           dofs;
    dealii::QGauss<dim>               quadrature;
    dealii::IndexSet                  owned, relevant;
    dealii::AffineConstraints<double> constraints;
    bool                              has_inhomogeneous_constraints = false;

    Matrix matrix;
    Vector rhs, solution, displacement_ghosted;
    bool   matrix_assembled = false;
    // 'Solver/Thermal load matrix': G (owned displacement rows x temperature columns), the
    // load at T_ref, T - T_ref (owned temperature DoFs) and bounds for the round-off rule: the
    // largest eigenstrain at T_ref and its largest change per kelvin.
    Matrix thermal_load_matrix;
    Vector thermal_load_at_reference, temperature_change;
    bool   thermal_load_ready = false;
    double thermal_load_eigenstrain_at_reference = 0, thermal_load_eigenstrain_per_kelvin = 0;
    /// The matrix was assembled with every point frozen (elastic tangent, viscous model).
    bool   matrix_is_frozen_tangent = false;
    typename LA::AMG preconditioner;
    // CG from the projection onto the last solutions of the same matrix: with fixed moduli
    // the displacement follows the smoothly changing temperature, so later steps need a
    // few iterations instead of ~20 (history cleared whenever the matrix is reassembled).
    linear_algebra::ProjectedCG<LA> cg;
    std::vector<std::vector<double>> near_null_space;
    // Matrix-free path ('Mechanics/Solver/Operator = matrix-free'): no global matrix; the
    // operator with its multigrid, CG on deal.II vectors, the Lame pair of every quadrature
    // point (active_cell_index * n_q + q) that assemble() records when the stiffness changes.
    std::unique_ptr<linear_algebra::MatrixFreeElasticity<dim>>  matrix_free;
    linear_algebra::ProjectedCG<linear_algebra::MatrixFree>     matrix_free_cg;
    dealii::LinearAlgebra::distributed::Vector<double>          mf_rhs, mf_solution;
    std::vector<double>                                         mf_lambda, mf_mu;
    std::vector<dealii::types::global_dof_index>                owned_list;
    std::vector<double>                                         owned_values;
    /// assemble() records the Lame pairs into mf_lambda, mf_mu.
    bool                                                        record_lame = false;

    // Generalized plane strain: coupling vector b, stiffness c, load g, response u2 = K^-1 b.
    Vector gps_b, gps_u2;
    double gps_c = 0, gps_g = 0, eps0 = 0;

    /// The material point of every quadrature point.
    const ConstitutiveLaw law;
    /// Viscous and plastic models: time of the last converged (sub)step.
    double t_last = std::numeric_limits<double>::quiet_NaN();

    dealii::CellDataStorage<typename dealii::Triangulation<dim>::cell_iterator, MaterialPointState>
      state;
    /// visit_points(): built at its first use after setup() (it needs the heat's DoFs).
    mutable std::unique_ptr<QuadraturePointEvaluation<dim>> point_evaluation;

    LoadingProgramme loading; ///< prm.loading with the gauge length of this mesh
    PlatenReference<dim> platen_reference; ///< platens of a read state (start_platens_from_equilibrium)

    // Plastic models.
    std::unique_ptr<NonlocalFreeVolume<dim, LA>> nonlocal;
    dealii::AffineConstraints<double>            homogeneous_constraints; ///< of the Newton corrections
    /// Force below which a residual is round-off: 1e-15 E V^((d-1)/d) [N; N/m planar].
    double                                       force_floor = 0;
    /// Of the last assemble_newton(): the l2 norm of the nodal forces w E |eps| |B_i| that the
    /// total strain alone would carry. A body whose solution is stress free (a free block with a
    /// uniform eigenstrain) has an internal force of round-off size at its solution, so the
    /// relative Newton residual measured against it never falls; the Newton scale is at least
    /// 1e-6 of this (mechanics_newton.cc).
    double                                       newton_strain_force = 0;
    /// A body with residual stress from a read state (initialize_state()): the norm of the
    /// internal force of that state at zero displacement, measured at the first Newton
    /// iteration. The internal force of a free body in equilibrium vanishes on every row, so
    /// it cannot scale the residual there; this force can (0: no read state).
    double                                       residual_stress_force = 0;
    bool                                         measure_residual_stress_force = false;
    /// Newton with the law's response without plasticity (the first solve of a read state
    /// first finds the elastic equilibrium of its residual stress, then continues with the
    /// full law from there).
    bool                                         elastic_predictor = false;
    Vector                                       internal_force;
    /// Elastic (viscous: Maxwell) stiffness whose AMG (or LU, 'Mechanics/Newton/
    /// Preconditioner = direct') preconditions GMRES on the tangent.
    Matrix                                       elastic_matrix;
    bool                                         preconditioner_is_elastic = false;
    /// 'Preconditioner = tangent AMG': `preconditioner` is the AMG of the tangent-based matrix
    /// built by assemble_tangent_preconditioner() (reset by reset_solver_state()).
    bool                                         tangent_preconditioner_built = false;
    /// Per locally owned point (active cell index x points per cell + q): 1 if it was plastic
    /// when the tangent preconditioner was built, else 0 (empty: never built).
    std::vector<unsigned char>                   preconditioner_plastic_set;
    /// Of the last assemble_newton(): points (all ranks) whose status differs from
    /// preconditioner_plastic_set.
    unsigned long long                           plastic_set_changes = 0;
    /// All quadrature points of the mesh (all ranks).
    unsigned long long                           total_quadrature_points = 0;
    /// GMRES iterations of the last Newton correction since the preconditioner's build.
    unsigned int                                 last_gmres_iterations = 0;
    typename LA::Direct                          direct_preconditioner;
    /// Frozen glass: every relaxation exponent of a (sub)step below this, phi1(lambda) = 1 to
    /// within the linear-solver tolerance, so the elastic matrix and its AMG are kept.
    static constexpr double                      frozen_lambda = 1e-12;
    /// The elastic preconditioner was built in a substep whose largest relaxation exponent
    /// was within 'Mechanics/Newton/Preconditioner relaxation bound'.
    bool                                         preconditioner_within_bound = false;
    /// Newton: `matrix` holds the tangent of a frozen glass with no yielded point, i.e. the
    /// elastic stiffness (valid while matrix_assembled).
    bool                                         tangent_is_elastic = false;
    /// Largest relaxation exponent of the current Newton substep (0 without viscous flow).
    double                                       substep_max_lambda = 0;
    /// Predictor: the displacement increment of the last converged substep and its length.
    Vector                                       last_increment, newton_start;
    double                                       last_increment_dt = 0;
    double last_increment_eps0 = 0, newton_start_eps0 = 0; ///< the same for eps0 (GPS)
    /// Generalized plane strain under Newton: the row k_0u of the bordered tangent (gps_b is
    /// its column k_u0, gps_c its k_00) and the axial residual int sigma_zz dA - N.
    Vector                                       gps_b_row;
    double                                       gps_axial_residual = 0;
    Vector                                       newton_residual, newton_increment, newton_trial;
    std::vector<double>                          cell_plastic_work;
    double                                       temperature_fraction = 1; ///< of the substep
    /// attach_checkpoint_data() until the triangulation's save(): the transfer and the
    /// ghosted vectors it reads.
    std::unique_ptr<dealii::parallel::distributed::SolutionTransfer<dim, Vector, dim>> checkpoint_transfer;
    std::vector<Vector>                          checkpoint_vectors;
    /// The triangulation's handle of the cell data registered by attach_checkpoint_data().
    unsigned int                                 checkpoint_cell_handle = 0;
    /// restore_checkpoint_data() and restore_repartitioned_data().
    void restore_transferred_data(const std::string &scalars, bool repartitioned);
  };
} // namespace bmgfe
