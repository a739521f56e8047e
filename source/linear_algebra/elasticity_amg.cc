#include <bmgfe/linear_algebra/elasticity_amg.h>

#include <deal.II/base/exceptions.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/fe.h>

#include <Epetra_MultiVector.h>
#include <Teuchos_ParameterList.hpp>
#include <petscmat.h>

#include <map>

namespace bmgfe
{
  namespace linear_algebra
  {
    using namespace dealii;

    template <int dim>
    std::vector<std::vector<double>> rigid_body_modes(const DoFHandler<dim> &dofs,
                                                      const Mapping<dim>    &mapping,
                                                      const Kinematics       kinematics,
                                                      const bool             rotations)
    {
      const IndexSet &owned = dofs.locally_owned_dofs();
      std::map<types::global_dof_index, Point<dim>> support;
      DoFTools::map_dofs_to_support_points(mapping, dofs, support);
      const auto &fe = dofs.get_fe();
      // Component of every locally owned DoF.
      std::vector<unsigned int> component(owned.n_elements(), 0);
      {
        std::vector<types::global_dof_index> indices(fe.n_dofs_per_cell());
        for (const auto &cell : dofs.active_cell_iterators())
          if (cell->is_locally_owned())
            {
              cell->get_dof_indices(indices);
              for (unsigned int i = 0; i < indices.size(); ++i)
                if (owned.is_element(indices[i]))
                  component[owned.index_within_set(indices[i])] =
                    fe.system_to_component_index(i).first;
            }
      }
      unsigned int n_rotations = 0;
      if (rotations && kinematics != Kinematics::axisymmetric)
        n_rotations = (dim == 3) ? 3 : 1;
      std::vector<std::vector<double>> modes(dim + n_rotations,
                                             std::vector<double>(owned.n_elements(), 0.0));
      for (unsigned int k = 0; k < owned.n_elements(); ++k)
        {
          const unsigned int c = component[k];
          modes[c][k]          = 1.0;
          if (n_rotations == 0)
            continue;
          const Point<dim> &x = support.at(owned.nth_index_in_set(k));
          if constexpr (dim == 2)
            {
              // rotation about z: u = (-y, x)
              modes[2][k] = (c == 0) ? -x[1] : x[0];
            }
          else
            {
              // rotations about x: (0, -z, y); about y: (z, 0, -x); about z: (-y, x, 0)
              const double rx[3] = {0, -x[2], x[1]};
              const double ry[3] = {x[2], 0, -x[0]};
              const double rz[3] = {-x[1], x[0], 0};
              modes[3][k] = rx[c];
              modes[4][k] = ry[c];
              modes[5][k] = rz[c];
            }
        }
      return modes;
    }

    void initialize_elasticity_amg(Trilinos::AMG &amg, const Trilinos::SparseMatrix &matrix,
                                   const AMGSettings &s,
                                   const std::vector<std::vector<double>> &modes)
    {
      const Trilinos::AMG::AdditionalData data = ml_data(s);
      Teuchos::ParameterList              list;
      std::unique_ptr<Epetra_MultiVector> constant_modes;
      data.set_parameters(list, constant_modes, matrix);
      // Replace the constant modes by the full near-null space.
      const Epetra_Map  &map = matrix.trilinos_matrix().DomainMap();
      Epetra_MultiVector null_space(map, static_cast<int>(modes.size()));
      for (std::size_t m = 0; m < modes.size(); ++m)
        {
          AssertThrow(static_cast<int>(modes[m].size()) == map.NumMyElements(),
                      ExcMessage("near-null-space vector does not match the matrix rows"));
          for (int i = 0; i < map.NumMyElements(); ++i)
            null_space[m][i] = modes[m][i];
        }
      list.set("null space: type", "pre-computed");
      list.set("null space: dimension", static_cast<int>(modes.size()));
      list.set("null space: vectors", null_space.Values());
      amg.initialize(matrix, list);
    }

    void initialize_elasticity_amg(PETSc::AMG &amg, PETSc::SparseMatrix &matrix,
                                   const AMGSettings &s,
                                   const std::vector<std::vector<double>> &modes)
    {
      // MatNullSpaceCreate wants an orthonormal basis: modified Gram-Schmidt.
      Mat                 A = static_cast<Mat>(matrix);
      std::vector<Vec>    basis(modes.size());
      PetscErrorCode      ierr;
      for (std::size_t m = 0; m < modes.size(); ++m)
        {
          ierr = MatCreateVecs(A, &basis[m], nullptr);
          AssertThrow(ierr == 0, ExcPETScError(ierr));
          PetscScalar *data;
          VecGetArray(basis[m], &data);
          for (std::size_t i = 0; i < modes[m].size(); ++i)
            data[i] = modes[m][i];
          VecRestoreArray(basis[m], &data);
          for (std::size_t k = 0; k < m; ++k)
            {
              PetscScalar dot;
              VecDot(basis[m], basis[k], &dot);
              VecAXPY(basis[m], -dot, basis[k]);
            }
          PetscReal norm;
          VecNormalize(basis[m], &norm);
        }
      MatNullSpace space;
      ierr = MatNullSpaceCreate(PetscObjectComm(reinterpret_cast<PetscObject>(A)), PETSC_FALSE,
                                static_cast<PetscInt>(basis.size()), basis.data(), &space);
      AssertThrow(ierr == 0, ExcPETScError(ierr));
      ierr = MatSetNearNullSpace(A, space);
      AssertThrow(ierr == 0, ExcPETScError(ierr));
      MatNullSpaceDestroy(&space);
      for (auto &v : basis)
        VecDestroy(&v);
      initialize_amg(amg, matrix, s);
    }

    template std::vector<std::vector<double>>
    rigid_body_modes<2>(const DoFHandler<2> &, const Mapping<2> &, Kinematics, bool);
    template std::vector<std::vector<double>>
    rigid_body_modes<3>(const DoFHandler<3> &, const Mapping<3> &, Kinematics, bool);
  } // namespace linear_algebra
} // namespace bmgfe
