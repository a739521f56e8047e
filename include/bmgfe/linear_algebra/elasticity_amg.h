#pragma once
// AMG for elasticity with the rigid-body near-null space. deal.II 9.4's AMG AdditionalData
// only carries translations (constant modes); the rotations are built here from the DoF
// support points and handed to ML through its parameter list (Trilinos) and to GAMG
// through MatSetNearNullSpace (PETSc).
#include <bmgfe/linear_algebra/backend.h>
#include <bmgfe/base/kinematics.h>

#include <deal.II/base/index_set.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/fe/mapping.h>

#include <vector>

namespace bmgfe
{
  namespace linear_algebra
  {
    /// Near-null-space vectors over the locally owned DoFs: the translations and, if
    /// `rotations`, the rigid rotations (1 in 2D planar, 3 in 3D; none in axisymmetric
    /// models, where a rotation of the r-z plane is not a zero-energy mode).
    template <int dim>
    std::vector<std::vector<double>>
    rigid_body_modes(const dealii::DoFHandler<dim> &dofs, const dealii::Mapping<dim> &mapping,
                     Kinematics kinematics, bool rotations);

    void initialize_elasticity_amg(Trilinos::AMG &amg, const Trilinos::SparseMatrix &matrix,
                                   const AMGSettings &settings,
                                   const std::vector<std::vector<double>> &modes);
    void initialize_elasticity_amg(PETSc::AMG &amg, PETSc::SparseMatrix &matrix,
                                   const AMGSettings &settings,
                                   const std::vector<std::vector<double>> &modes);
  } // namespace linear_algebra
} // namespace bmgfe
