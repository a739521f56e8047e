#pragma once
// The nonlocal (regularised) free volume of doc/model.md §4 as a finite-element field:
//
//   x-bar - l^2 lap(x-bar) = x   in the body,   grad(x-bar) . n = 0   on the whole boundary,
//
// where x is the local free volume at the quadrature points of the mechanics (doc/model.md,
// "Nonlocal free volume"). Weak form with the volume element of the kinematic model (2 pi r
// in axisymmetric models, which makes it the axisymmetric Laplacian):
//
//   (M + l^2 K) xbar = b,   M_ij = int phi_i phi_j dV,  K_ij = int grad phi_i . grad phi_j dV,
//   b_i = int x phi_i dV  (x at the given quadrature points).
//
// The operator depends only on l and the mesh: setup() assembles it and builds its AMG
// hierarchy once; update() only assembles b and runs CG from the previous x-bar(s). x-bar is
// then evaluated once at every quadrature point, so the mechanics reads it by table look-up.
// With l = 0 there is no field: update() copies x, and x-bar = x holds exactly.
//
// The class knows nothing about the mechanics' state: x comes through a callback "x at
// quadrature point q of cell c" and x-bar goes back through values_at_quadrature_points(),
// both on the quadrature rule given to the constructor (the mechanics' QGauss(p + 1)) and keyed
// by Triangulation cells, as the mechanics' CellDataStorage is.
#include <bmgfe/linear_algebra/backend.h>
#include <bmgfe/linear_algebra/projected_cg.h>
#include <bmgfe/base/kinematics.h>
#include <bmgfe/physics/nonlocal_parameters.h>

#include <deal.II/base/index_set.h>
#include <deal.II/base/quadrature.h>
#include <deal.II/base/timer.h>
#include <deal.II/distributed/tria.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/fe/fe_q.h>
#include <deal.II/fe/mapping.h>
#include <deal.II/lac/affine_constraints.h>

#include <functional>
#include <vector>

namespace bmgfe
{
  /// What one update() did.
  struct NonlocalReport
  {
    bool         converged = true;  ///< false: CG failed, x-bar is still the previous one
    bool         solved    = false; ///< false for l = 0 (x-bar = x copied)
    unsigned int iterations = 0;    ///< CG iterations
  };

  template <int dim, typename LA>
  class NonlocalFreeVolume
  {
  public:
    using Vector       = typename LA::Vector;
    using Matrix       = typename LA::SparseMatrix;
    using CellIterator = typename dealii::Triangulation<dim>::cell_iterator;
    /// x at quadrature point q (of the constructor's rule) of a locally owned active cell.
    using LocalValues = std::function<double(const CellIterator &cell, unsigned int q)>;

    /// `quadrature`: the rule on which x is given and x-bar is returned (the mechanics'
    /// QGauss(p + 1)). `mapping` is the mechanics' mapping.
    NonlocalFreeVolume(const dealii::parallel::distributed::Triangulation<dim> &tria,
                       const dealii::Mapping<dim> &mapping, const dealii::Quadrature<dim> &quadrature,
                       const NonlocalParameters &parameters, Kinematics kinematics,
                       dealii::TimerOutput &timer);
    ~NonlocalFreeVolume();

    /// DoFs, matrix M + l^2 K and its AMG hierarchy; x-bar starts at 0. Call after the mesh
    /// is built and again after every change of the mesh (the only time the matrix is
    /// assembled). For l = 0 only the quadrature-point table is sized.
    void setup();

    /// Solve for x-bar with the local free volume `x` (called on every locally owned cell
    /// and quadrature point) and evaluate it at the quadrature points. On a CG failure the
    /// previous x-bar is kept and the report says converged = false.
    NonlocalReport update(const LocalValues &x);
    /// Forget the warm start (the previous x-bar and CG's projection history): the next
    /// update() starts from 0 as after setup(), so that a run continues after a checkpoint as
    /// a restart from it does (doc/checkpoints.md). The values at the points stay.
    void reset_solver_state();

    /// x-bar at the quadrature points of a locally owned active cell, as of the last
    /// successful update() (0 before the first).
    void values_at_quadrature_points(const CellIterator &cell, std::vector<double> &values) const;
    double value(const CellIterator &cell, unsigned int q) const;

    bool is_local() const { return prm.is_local(); }
    double length() const { return prm.length; }

    /// The nodal x-bar field (ghosted) and its DoFs, for output; empty for l = 0.
    const Vector                  &solution() const { return solution_ghosted; }
    const dealii::DoFHandler<dim> &dof_handler() const { return dofs; }
    const dealii::IndexSet        &locally_owned_dofs() const { return owned; }

    /// Largest cell size over l (cell size: diameter / sqrt(dim), the edge of a square or
    /// cube), over all ranks; the mesh resolves l when this is <= 1/2. 0 for l = 0.
    double cell_size_over_length() const { return resolution; }

    /// How often the matrix (and, with it, the AMG hierarchy) was built: once per setup().
    unsigned int n_matrix_assemblies() const { return matrix_assemblies; }
    unsigned int n_preconditioner_builds() const { return preconditioner_builds; }

  private:
    void assemble_matrix();
    void assemble_rhs(const LocalValues &x);
    void evaluate_at_quadrature_points();
    std::size_t first_index(const CellIterator &cell) const;

    const dealii::parallel::distributed::Triangulation<dim> &tria;
    const dealii::Mapping<dim>                              &mapping;
    const dealii::Quadrature<dim>                            quadrature;
    const NonlocalParameters                                 prm;
    const Kinematics                                         kinematics;
    dealii::TimerOutput                                     &timer;
    MPI_Comm                                                 comm;

    dealii::FE_Q<dim>                 fe;
    dealii::DoFHandler<dim>           dofs;
    dealii::IndexSet                  owned, relevant;
    dealii::AffineConstraints<double> constraints; ///< hanging nodes only (natural BC)

    Matrix                          system_matrix; ///< M + l^2 K
    typename LA::AMG                preconditioner;
    linear_algebra::ProjectedCG<LA> cg;
    Vector solution_owned, trial, solution_ghosted, rhs;

    /// x-bar at the quadrature points: entry active_cell_index * n_q + q.
    std::vector<double> qp_values;
    double              resolution = 0;
    double              scale      = 1; ///< n_cells / volume: the equation's factor (setup())

    unsigned int matrix_assemblies     = 0;
    unsigned int preconditioner_builds = 0;
  };
} // namespace bmgfe
