#include <bmgfe/base/input_error.h>
#include <bmgfe/postprocess/quadrature_projection.h>

#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/full_matrix.h>
#include <deal.II/lac/solver_cg.h>
#include <deal.II/lac/solver_control.h>
#include <deal.II/lac/sparsity_tools.h>
#include <deal.II/lac/vector.h>

#include <sstream>

namespace bmgfe
{
  namespace postprocess
  {
    using namespace dealii;

    template <int dim, typename LA>
    QuadratureProjection<dim, LA>::QuadratureProjection(
      const parallel::distributed::Triangulation<dim> &tria, const Mapping<dim> &mapping,
      const unsigned int degree, const Quadrature<dim> &quadrature)
      : tria(tria)
      , mapping(mapping)
      , quadrature(quadrature)
      , fe(degree)
      , dofs(tria)
    {}

    template <int dim, typename LA>
    QuadratureProjection<dim, LA>::~QuadratureProjection()
    {
      cell_values.reset();
      dofs.clear();
    }

    template <int dim, typename LA>
    void QuadratureProjection<dim, LA>::setup()
    {
      const MPI_Comm comm = tria.get_communicator();
      dofs.distribute_dofs(fe);
      owned = dofs.locally_owned_dofs();
      DoFTools::extract_locally_relevant_dofs(dofs, relevant);
      constraints.clear();
      constraints.reinit(relevant);
      DoFTools::make_hanging_node_constraints(dofs, constraints);
      constraints.close();
      DynamicSparsityPattern dsp(relevant);
      DoFTools::make_sparsity_pattern(dofs, dsp, constraints, false);
      SparsityTools::distribute_sparsity_pattern(dsp, owned, comm, relevant);
      mass.reinit(owned, owned, dsp, comm);

      FEValues<dim>      fv(mapping, fe, quadrature, update_values | update_JxW_values);
      const unsigned int n = fe.n_dofs_per_cell();
      FullMatrix<double> local(n, n);
      std::vector<types::global_dof_index> indices(n);
      for (const auto &cell : dofs.active_cell_iterators())
        if (cell->is_locally_owned())
          {
            fv.reinit(cell);
            local = 0;
            for (const unsigned int q : fv.quadrature_point_indices())
              for (unsigned int i = 0; i < n; ++i)
                for (unsigned int j = 0; j < n; ++j)
                  local(i, j) += fv.shape_value(i, q) * fv.shape_value(j, q) * fv.JxW(q);
            cell->get_dof_indices(indices);
            constraints.distribute_local_to_global(local, indices, mass);
          }
      mass.compress(VectorOperation::add);
      jacobi.initialize(mass);
    }

    template <int dim, typename LA>
    void QuadratureProjection<dim, LA>::begin(const unsigned int n_fields)
    {
      const MPI_Comm comm = tria.get_communicator();
      rhs.resize(n_fields);
      fields.resize(n_fields);
      for (auto &v : rhs)
        v.reinit(owned, comm);
      if (!cell_values)
        cell_values =
          std::make_unique<FEValues<dim>>(mapping, fe, quadrature, update_values | update_JxW_values);
    }

    template <int dim, typename LA>
    void QuadratureProjection<dim, LA>::add_cell(
      const typename Triangulation<dim>::active_cell_iterator &tria_cell,
      const std::vector<double>                               &values)
    {
      FEValues<dim> *fv = cell_values.get();
      const typename DoFHandler<dim>::active_cell_iterator cell(&tria, tria_cell->level(),
                                                               tria_cell->index(), &dofs);
      fv->reinit(cell);
      const unsigned int n = fe.n_dofs_per_cell(), nq = quadrature.size();
      AssertDimension(values.size(), rhs.size() * nq);
      std::vector<types::global_dof_index> indices(n);
      cell->get_dof_indices(indices);
      dealii::Vector<double> local(n);
      for (unsigned int f = 0; f < rhs.size(); ++f)
        {
          local = 0;
          for (unsigned int q = 0; q < nq; ++q)
            {
              const double v = values[f * nq + q] * fv->JxW(q);
              for (unsigned int i = 0; i < n; ++i)
                local(i) += v * fv->shape_value(i, q);
            }
          constraints.distribute_local_to_global(local, indices, rhs[f]);
        }
    }

    template <int dim, typename LA>
    void QuadratureProjection<dim, LA>::finish()
    {
      const MPI_Comm comm = tria.get_communicator();
      last_iterations     = 0;
      Vector solution(owned, comm);
      for (unsigned int f = 0; f < rhs.size(); ++f)
        {
          rhs[f].compress(VectorOperation::add);
          solution = 0;
          const double norm = rhs[f].l2_norm();
          if (norm > 0)
            {
              SolverControl    control(1000, 1e-12 * norm);
              SolverCG<Vector> cg(control);
              try
                {
                  cg.solve(mass, solution, rhs[f], jacobi);
                }
              catch (const SolverControl::NoConvergence &e)
                {
                  std::ostringstream what;
                  what << "the L2 projection of an output field (CG + Jacobi on the mass matrix) "
                          "did not converge in "
                       << e.last_step << " iterations (residual " << e.last_residual << ")";
                  throw RunError(what.str());
                }
              last_iterations += control.last_step();
            }
          constraints.distribute(solution);
          fields[f].reinit(owned, relevant, comm);
          fields[f] = solution;
        }
      rhs.clear();
    }

    template class QuadratureProjection<2, linear_algebra::Trilinos>;
    template class QuadratureProjection<3, linear_algebra::Trilinos>;
    template class QuadratureProjection<2, linear_algebra::PETSc>;
    template class QuadratureProjection<3, linear_algebra::PETSc>;
  } // namespace postprocess
} // namespace bmgfe
