#pragma once
// Quasi-static small-strain mechanics div(sigma) = 0 with
//   sigma = C(T, X) : (eps - eps_th(T, X) I - eps_inelastic)          (MODEL.md section 3)
// in 3D, axisymmetric (hoop strain u_r/r, weights 2 pi r), plane strain and generalized
// plane strain (uniform axial strain as one global unknown, eliminated by a Schur
// complement: K u = f - eps0 b, b.u + c eps0 = N + g).
//
// 'Mechanics/Inelastic model = viscous' adds the free volume x and Maxwell flow at the
// quadrature points (doc/model.md, "Coupling to the mechanics"): per solve a trial
// free-volume update and relaxation exponent lambda, the consistent tangent
// K 1x1 + 2 G phi1(lambda) P_dev (matrix rebuilt every solve), a right-hand side from the
// relaxed history and the thermal + structural eigenstrain, and the commit of the state
// after the solve (the simulator solves once per accepted step).
//
// All kinematic modes share one code path: strains are 3x3 tensors at quadrature points;
// the out-of-plane entry is the hoop strain u_r/r (axisymmetric), eps0 (generalized plane
// strain) or 0 (plane strain).
#include <bmgfe/linear_algebra/backend.h>
#include <bmgfe/linear_algebra/projected_cg.h>
#include <bmgfe/materials/thermoelastic_material.h>
#include <bmgfe/physics/kinematics.h>
#include <bmgfe/physics/mechanics_parameters.h>

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

namespace bmgfe
{
  /// State of one quadrature point. It is everything the mechanics remembers between steps;
  /// later laws (free volume, viscous and plastic strain) add their fields here, and
  /// pack()/unpack() carry it through checkpoints and mesh transfer.
  struct MaterialPointState
  {
    double                        g = 0;            ///< heterogeneity field at this point
    dealii::SymmetricTensor<2, 3> inelastic_strain; ///< viscous + plastic strain
    // 'Inelastic model = viscous' (state at the end of the last accepted step):
    double                        x = 0;            ///< free volume
    double                        temperature = std::numeric_limits<double>::quiet_NaN(); ///< T_n (NaN before the first solve)
    dealii::SymmetricTensor<2, 3> strain;           ///< total strain eps_n
    // Trial values of the step being solved (not packed: recomputed by every solve).
    double                        x_trial = 0;      ///< x_n+1
    double                        lambda  = 0;      ///< relaxation exponent of the step

    static constexpr unsigned int n_packed = 1 + 6 + 1 + 1 + 6;
    void pack(double *out) const;
    void unpack(const double *in);
  };

  struct MechanicsStepReport
  {
    unsigned int linear_iterations = 0;
    double       axial_strain      = 0; ///< eps_zz of (generalized) plane strain
    bool         matrix_rebuilt    = false; ///< stiffness matrix and AMG rebuilt by this solve
  };

  /// Stress and derived scalars at a point.
  struct StressState
  {
    dealii::SymmetricTensor<2, 3> stress;
    double                        thermal_strain = 0;
    double                        expansion      = 0; ///< alpha(X, T)
    double                        g              = 0;
    double                        volume         = 0; ///< cell averages: the cell's weight
    // 'Inelastic model = viscous' (zero otherwise):
    double free_volume         = 0; ///< x
    double fictive_temperature = 0; ///< T_f(x) [K]
    double viscous_strain      = 0; ///< equivalent viscous strain sqrt(2/3 eps_v : eps_v)
    double structural_strain   = 0; ///< (zeta/3)(x - x_ref)
    dealii::SymmetricTensor<2, 3> inelastic_strain; ///< viscous strain tensor
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
    /// 'Mechanics/Inelastic model = viscous'.
    bool                           viscous() const { return prm.viscous; }

    /// Stress etc. at a reference point of a locally owned cell.
    StressState stress_at(const typename dealii::DoFHandler<dim>::active_cell_iterator &cell,
                          const dealii::Point<dim> &reference_point,
                          const dealii::DoFHandler<dim> &heat_dofs,
                          const typename LA::Vector &temperature) const;

    /// Cell averages (over quadrature points) of the stress etc., for output and statistics.
    void cell_averages(const dealii::DoFHandler<dim> &heat_dofs,
                       const typename LA::Vector &temperature,
                       std::vector<StressState> &per_cell) const;

    /// Visit every locally owned quadrature point: position, volume weight (with 2 pi r in
    /// axisymmetric models), temperature and stress state there.
    void for_each_quadrature_point(
      const dealii::DoFHandler<dim> &heat_dofs, const typename LA::Vector &temperature,
      const std::function<void(const dealii::Point<dim> &, double, double, const StressState &)> &f) const;

    /// The quadrature-point state as a discontinuous finite-element field whose nodes are the
    /// quadrature points (FE_DGQArbitraryNodes on the Gauss points, components: x, then the
    /// viscous-strain entries of `components`). It is exact at the quadrature points and
    /// polynomial in between, so output written from it and read back reproduces the state
    /// (cell averages would lose the variation inside a cell and change the stress by O(h)).
    /// `dg_dofs` is (re)initialised on this triangulation; `values` is ghosted.
    void state_field(const std::vector<TensorComponent> &components, dealii::DoFHandler<dim> &dg_dofs,
                     dealii::LinearAlgebra::distributed::Vector<double> &values) const;

    /// Reaction force [N; N/m for plane sections] at time t on boundary `id` in displacement component
    /// `component`: the sum over the boundary's DoFs of that component of the internal force
    /// int eps(phi_i) : sigma dV minus the body force (the residual of the constrained rows),
    /// i.e. int sigma n dA of the boundary. sigma is the stress of the last solve (committed
    /// viscous state). Collective.
    double reaction_force(double t, unsigned int id, unsigned int component,
                          const dealii::DoFHandler<dim> &heat_dofs,
                          const typename LA::Vector &temperature) const;

    /// Set the state of every locally owned quadrature point from its position: `f` fills
    /// what it knows (e.g. x and the viscous strain read from a previous run's output).
    /// Call after setup() and before the first solve.
    void initialize_state(const std::function<void(const dealii::Point<dim> &, MaterialPointState &)> &f);

    /// Quadrature-point state (checkpoints, transfer, later constitutive laws).
    dealii::CellDataStorage<typename dealii::Triangulation<dim>::cell_iterator, MaterialPointState> &
    quadrature_point_state() { return state; }

  private:
    /// Strain of shape function i at quadrature point q as a 3x3 tensor (without eps0).
    void make_constraints(double t);
    void assemble(double t, const dealii::DoFHandler<dim> &heat_dofs,
                  const typename LA::Vector &temperature, bool with_matrix);
    unsigned int solve_linear(Vector &x, const Vector &b);
    /// Viscous model: free-volume update and relaxation exponent of the step to t at every
    /// quadrature point (trial values x_trial, lambda; T_n is the stored temperature).
    /// Returns the largest lambda over all ranks.
    double update_trial_state(double t, const dealii::DoFHandler<dim> &heat_dofs,
                            const typename LA::Vector &temperature);
    /// Viscous model: after the solve, x_n+1, eps_v,n+1 (Maxwell update), eps_n+1, T_n+1
    /// become the state.
    void commit_state(const dealii::DoFHandler<dim> &heat_dofs,
                      const typename LA::Vector &temperature);
    /// Stress at a point from the strain, temperature and committed state (all models).
    StressState point_stress(const dealii::SymmetricTensor<2, 3> &strain, double T,
                             double g, const dealii::SymmetricTensor<2, 3> &inelastic,
                             double x) const;
    dealii::SymmetricTensor<2, 3> total_strain(const std::vector<dealii::Tensor<1, dim>> &grads,
                                               const std::vector<double> &values,
                                               double radius) const;
    /// Total strain of the current displacement at every quadrature point of the cell that
    /// `fv` was reinitialised on (needs values, gradients and quadrature points).
    /// Visit every locally owned cell that `select` accepts (all if it is empty) with `fv`
    /// reinitialised on it (values, gradients, quadrature points, JxW), the temperature and
    /// the total strain at its quadrature points: the loop of the state commit, the stress
    /// statistics and the reaction forces.
    using CellVisitor = std::function<void(const typename dealii::DoFHandler<dim>::active_cell_iterator &,
                                           const dealii::FEValues<dim, dim> &,
                                           const std::vector<double> &,
                                           const std::vector<dealii::SymmetricTensor<2, 3>> &)>;
    void visit_cells(const dealii::DoFHandler<dim> &heat_dofs, const typename LA::Vector &temperature,
                     const std::function<bool(const typename dealii::DoFHandler<dim>::active_cell_iterator &)> &select,
                     const CellVisitor &f) const;
    void quadrature_point_strains(const dealii::FEValues<dim, dim> &fv,
                                  const typename dealii::DoFHandler<dim>::active_cell_iterator &cell,
                                  std::vector<dealii::SymmetricTensor<2, 3>> &strains) const;

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
    /// The matrix was assembled with every point frozen (elastic tangent, viscous model).
    bool   matrix_is_frozen_tangent = false;
    typename LA::AMG preconditioner;
    // CG from the projection onto the last solutions of the same matrix: with fixed moduli
    // the displacement follows the smoothly changing temperature, so later steps need a
    // few iterations instead of ~20 (history cleared whenever the matrix is reassembled).
    linear_algebra::ProjectedCG<LA> cg;
    std::vector<std::vector<double>> near_null_space;

    // Generalized plane strain: coupling vector b, stiffness c, load g, response u2 = K^-1 b.
    Vector gps_b, gps_u2;
    double gps_c = 0, gps_g = 0, eps0 = 0;

    // Viscous model: time of the last solve, eta0, optional Maxwell-rate override.
    double                                      t_last = std::numeric_limits<double>::quiet_NaN();
    double                                      eta0   = 0;
    std::unique_ptr<dealii::Function<1>>        rate_override;

    dealii::CellDataStorage<typename dealii::Triangulation<dim>::cell_iterator, MaterialPointState>
      state;
  };
} // namespace bmgfe
