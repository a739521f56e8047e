#include <bmgfe/base/input_error.h>
#include <bmgfe/postprocess/quadrature_projection.h>

#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/grid/grid_tools.h>
#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/full_matrix.h>
#include <deal.II/lac/solver_cg.h>
#include <deal.II/lac/solver_control.h>
#include <deal.II/lac/sparsity_tools.h>
#include <deal.II/lac/vector.h>

#include <algorithm>
#include <set>
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
      setup_patch_recovery();
    }

    namespace
    {
      /// Inverse of a small symmetric positive definite matrix by Cholesky; false when it is
      /// (numerically) singular: a patch whose cell centres do not span a simplex.
      bool invert_spd(FullMatrix<double> &a)
      {
        const unsigned int n = a.m();
        FullMatrix<double> l(n, n);
        double             largest = 0;
        for (unsigned int i = 0; i < n; ++i)
          largest = std::max(largest, a(i, i));
        for (unsigned int j = 0; j < n; ++j)
          {
            double d = a(j, j);
            for (unsigned int k = 0; k < j; ++k)
              d -= l(j, k) * l(j, k);
            if (!(d > 1e-10 * largest))
              return false;
            l(j, j) = std::sqrt(d);
            for (unsigned int i = j + 1; i < n; ++i)
              {
                double s = a(i, j);
                for (unsigned int k = 0; k < j; ++k)
                  s -= l(i, k) * l(j, k);
                l(i, j) = s / l(j, j);
              }
          }
        l.gauss_jordan(); // L^-1 (triangular, regular)
        l.Tmmult(a, l);   // A^-1 = L^-T L^-1
        return true;
      }
    } // namespace

    template <int dim, typename LA>
    void QuadratureProjection<dim, LA>::setup_patch_recovery()
    {
      patch_values.clear();
      if (fe.degree != 1)
        return;
      const auto        vertex_cells = GridTools::vertex_to_cell_map(tria);
      std::vector<bool> at_boundary(tria.n_vertices(), false), done(tria.n_vertices(), false);
      for (const auto &cell : tria.active_cell_iterators())
        if (!cell->is_artificial())
          for (const auto f : cell->face_indices())
            if (cell->at_boundary(f))
              for (const auto v : cell->face(f)->vertex_indices())
                at_boundary[cell->face(f)->vertex_index(v)] = true;
      Point<dim> unit_centre;
      for (unsigned int d = 0; d < dim; ++d)
        unit_centre[d] = 0.5;

      for (const auto &cell : dofs.active_cell_iterators())
        if (cell->is_locally_owned())
          for (const auto v : cell->vertex_indices())
            {
              const unsigned int vertex = cell->vertex_index(v);
              const auto         dof    = cell->vertex_dof_index(v, 0);
              if (done[vertex])
                continue;
              done[vertex] = true;
              // Each interior vertex once, on the rank that owns its DoF (which sees every
              // cell around it: they are owned or ghost cells there).
              if (at_boundary[vertex] || !owned.is_element(dof) || constraints.is_constrained(dof))
                continue;
              const auto &patch = vertex_cells[vertex];
              if (patch.size() < dim + 1 ||
                  std::any_of(patch.begin(), patch.end(), [](const auto &c) { return c->is_artificial(); }))
                continue;
              // Least-squares fit of p(x) = a_0 + a . (x - x_v) / scale to the cell centres.
              const Point<dim>        x_v = cell->vertex(v);
              std::vector<Point<dim>> centres;
              double                  scale = 0;
              for (const auto &c : patch)
                {
                  centres.push_back(mapping.transform_unit_to_real_cell(c, unit_centre));
                  scale = std::max(scale, centres.back().distance(x_v));
                }
              FullMatrix<double> a(patch.size(), dim + 1), normal(dim + 1, dim + 1);
              for (unsigned int k = 0; k < patch.size(); ++k)
                {
                  a(k, 0) = 1;
                  for (unsigned int d = 0; d < dim; ++d)
                    a(k, d + 1) = (centres[k][d] - x_v[d]) / scale;
                }
              a.Tmmult(normal, a);
              if (!invert_spd(normal))
                continue;
              // The fit at the vertex itself and at the boundary vertices of its patch.
              std::set<types::global_dof_index> targets{dof};
              for (const auto &c : patch)
                {
                  const typename DoFHandler<dim>::active_cell_iterator dof_cell(&tria, c->level(),
                                                                                c->index(), &dofs);
                  for (const auto w : c->vertex_indices())
                    if (at_boundary[c->vertex_index(w)] &&
                        !constraints.is_constrained(dof_cell->vertex_dof_index(w, 0)))
                      targets.insert(dof_cell->vertex_dof_index(w, 0));
                }
              for (const auto target : targets)
                {
                  // The target's position: a vertex of some patch cell with that DoF.
                  Point<dim> x_t = x_v;
                  for (const auto &c : patch)
                    {
                      const typename DoFHandler<dim>::active_cell_iterator dof_cell(&tria, c->level(),
                                                                                    c->index(), &dofs);
                      for (const auto w : c->vertex_indices())
                        if (dof_cell->vertex_dof_index(w, 0) == target)
                          x_t = c->vertex(w);
                    }
                  dealii::Vector<double> e(dim + 1), g(dim + 1);
                  e(0) = 1;
                  for (unsigned int d = 0; d < dim; ++d)
                    e(d + 1) = (x_t[d] - x_v[d]) / scale;
                  normal.vmult(g, e);
                  PatchValue value{target, {}};
                  unsigned int k = 0;
                  for (const auto &c : patch)
                    {
                      double w = 0;
                      for (unsigned int i = 0; i <= dim; ++i)
                        w += a(k, i) * g(i);
                      value.weights.emplace_back(c->global_active_cell_index(), w);
                      ++k;
                    }
                  patch_values.push_back(std::move(value));
                }
            }
    }

    template <int dim, typename LA>
    void QuadratureProjection<dim, LA>::recover(const unsigned int f, Vector &solution) const
    {
      const MPI_Comm                             comm = tria.get_communicator();
      LinearAlgebra::distributed::Vector<double> sum(owned, relevant, comm), count(owned, relevant, comm);
      const auto                                &values = centre_values[f], &visited = centre_values.back();
      for (const auto &p : patch_values)
        {
          double v        = 0;
          bool   complete = true;
          for (const auto &[cell, w] : p.weights)
            {
              complete = complete && visited(cell) > 0;
              v += w * values(cell);
            }
          if (complete)
            {
              sum(p.target) += v;
              count(p.target) += 1;
            }
        }
      sum.compress(VectorOperation::add);
      count.compress(VectorOperation::add);
      for (const auto i : owned)
        if (count(i) > 0)
          solution[i] = sum(i) / count(i);
      solution.compress(VectorOperation::insert);
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
      centre_values.clear();
      if (fe.degree == 1)
        {
          const auto cells = tria.global_active_cell_index_partitioner().lock();
          centre_values.resize(n_fields + 1);
          for (auto &v : centre_values)
            v.reinit(cells);
        }
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
      if (!centre_values.empty())
        {
          // The centre value of each field (the mean over the reference cell).
          const auto cell_index = tria_cell->global_active_cell_index();
          for (unsigned int f = 0; f < rhs.size(); ++f)
            {
              double mean = 0;
              for (unsigned int q = 0; q < nq; ++q)
                mean += quadrature.weight(q) * values[f * nq + q];
              centre_values[f](cell_index) = mean; // the reference weights add up to 1
            }
          centre_values.back()(cell_index) = 1;
        }
    }

    template <int dim, typename LA>
    void QuadratureProjection<dim, LA>::finish()
    {
      const MPI_Comm comm = tria.get_communicator();
      last_iterations     = 0;
      Vector solution(owned, comm);
      for (auto &v : centre_values)
        v.update_ghost_values();
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
          if (!centre_values.empty())
            recover(f, solution);
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
