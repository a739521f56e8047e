#pragma once
// Matrix-free isotropic linear elasticity, -div(lambda tr(eps) I + 2 mu eps) = f, with a
// geometric multigrid preconditioner over the p4est levels ('Mechanics/Solver/Operator =
// matrix-free'; 3D and plane strain, homogeneous constraints).
//
// The operator is deal.II's MatrixFree with FEEvaluation<dim, p, p + 1, dim> (QGauss(p + 1),
// the mechanics' quadrature), p = 1, 2; the Lame pair is given per active cell and
// quadrature point and stored as VectorizedArray tables per cell batch and point.
// Multigrid (deal.II MGTransferMatrixFree, MGConstrainedDoFs): a level operator on every
// level, with
//   - on level cells that are active: the same Lame pair per quadrature point as the fine
//     operator;
//   - on refined level cells: the mean of the pair over the quadrature points of each active
//     descendant, averaged over the children level by level (a DG0 field restricted by
//     MGTransferMatrixFree::interpolate_to_mg), constant over the cell;
// Chebyshev smoothing (degree 5 around the inverse of the diagonal from
// MatrixFreeTools::compute_diagonal), and on level 0 one V-cycle of ML (Trilinos AMG with the
// rigid-body near-null space, linear_algebra/elasticity_amg.h) of the level-0 matrix
// assembled by MatrixFreeTools::compute_matrix. Level constraints: the fixed components on
// boundary ids (MGConstrainedDoFs::make_zero_boundary_constraints) and the point constraints
// at the vertex of each level nearest to the point.
//
// 'Operator = block-assembled' (MultigridSettings::assembled_blocks) keeps all of this but
// assembles the fine operator (double) and the smoothed levels (single precision) once per
// set of coefficients, from the same Lame pairs, into dim x dim blocks per pair of nodes
// (upper triangle): without SIMD in Debian's deal.II a product of the Q1 cell loop costs ~2x
// a CSR product, a block product 0.34x (single) to 0.49x (double) of one (benchmarks/README.md).
//
// The heavy matrix-free headers stay in elasticity_multigrid.cc (pimpl).
#include <bmgfe/base/kinematics.h>
#include <bmgfe/linear_algebra/backend.h>

#include <deal.II/dofs/dof_handler.h>
#include <deal.II/fe/mapping.h>
#include <deal.II/lac/affine_constraints.h>
#include <deal.II/lac/la_parallel_vector.h>

#include <array>
#include <map>
#include <memory>
#include <vector>

namespace bmgfe
{
  namespace linear_algebra
  {
    /// Something with vmult on deal.II's distributed vectors (the matrix-free operator and its
    /// multigrid preconditioner, as ProjectedCG<MatrixFree> takes them).
    class DistributedOperator
    {
    public:
      using Vector = dealii::LinearAlgebra::distributed::Vector<double>;
      virtual ~DistributedOperator() = default;
      virtual void vmult(Vector &dst, const Vector &src) const = 0;
    };

    /// The "backend" of the matrix-free path for ProjectedCG.
    struct MatrixFree
    {
      using Vector       = dealii::LinearAlgebra::distributed::Vector<double>;
      using SparseMatrix = DistributedOperator;
      using AMG          = DistributedOperator;
      static constexpr const char *name = "matrix-free";
    };

    /// The homogeneous Dirichlet conditions the multigrid levels repeat.
    struct LevelConstraints
    {
      /// Boundary id -> displacement components held at zero.
      std::map<unsigned int, std::vector<unsigned int>> fixed_components;
      /// Points (the nearest vertex of each level) with components held at zero.
      std::vector<std::pair<std::array<double, 3>, std::vector<unsigned int>>> points;
    };

    struct MultigridSettings
    {
      /// Polynomial degree of the levels' Chebyshev smoother (products per smoothing).
      unsigned int chebyshev_degree = 5;
      /// The smoother acts on [lambda_max / smoothing_range, lambda_max] of D^-1 A.
      double       smoothing_range  = 15;
      /// ML of the coarse level (the mechanics' AMG entries).
      AMGSettings  coarse_amg;
      bool         rotations = true; ///< rigid rotations in ML's near-null space
      /// 'Operator = block-assembled': the fine operator and the smoothed levels assembled
      /// once per set_coefficients() into dim x dim node blocks (fine: double, levels:
      /// single precision) instead of the cell loop in every product. Operators whose
      /// constraints have entries (hanging nodes) keep the cell loop.
      bool         assembled_blocks = false;
    };

    template <int dim>
    class MatrixFreeElasticity
    {
    public:
      using Vector = dealii::LinearAlgebra::distributed::Vector<double>;

      MatrixFreeElasticity();
      ~MatrixFreeElasticity();

      /// Builds the fine MatrixFree operator on `dofs` (FESystem of dim FE_Q(p), p = 1, 2) with
      /// `constraints` (homogeneous: hanging nodes, fixed components, point constraints), the
      /// level DoFs (distribute_mg_dofs; the triangulation must have been built with
      /// construct_multigrid_hierarchy) and the level operators. Coefficients: set_coefficients().
      void reinit(dealii::DoFHandler<dim> &dofs, const dealii::Mapping<dim> &mapping,
                  const dealii::AffineConstraints<double> &constraints,
                  const LevelConstraints &level_constraints, Kinematics kinematics,
                  const MultigridSettings &settings);

      /// The Lame pair at every quadrature point of every locally owned active cell, at
      /// [active_cell_index * n_q_points + q] (QGauss(p + 1) order); other entries unused.
      /// Rebuilds the level coefficients, the smoothers' diagonals and the coarse AMG.
      void set_coefficients(const std::vector<double> &lambda, const std::vector<double> &mu);

      /// The fine operator (constrained rows: identity) and the multigrid V-cycle.
      const DistributedOperator &system_operator() const;
      const DistributedOperator &preconditioner() const;
      /// A vector with the fine operator's layout (owned + ghosts of the MatrixFree).
      void initialize_dof_vector(Vector &v) const;
      unsigned int n_levels() const;
      /// 'assembled_blocks': whether the fine operator and how many levels use blocks.
      bool         system_operator_assembled() const;
      unsigned int n_assembled_levels() const;

      struct Implementation;

    private:
      std::unique_ptr<Implementation> impl;
    };
  } // namespace linear_algebra
} // namespace bmgfe
