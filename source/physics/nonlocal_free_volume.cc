#include <bmgfe/base/input_error.h>
#include <bmgfe/physics/nonlocal_free_volume.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/quadrature_lib.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/full_matrix.h>
#include <deal.II/lac/solver_control.h>
#include <deal.II/lac/sparsity_tools.h>
#include <deal.II/lac/vector.h>

#include <algorithm>
#include <cmath>

namespace bmgfe
{
  using namespace dealii;

  template <int dim, typename LA>
  NonlocalFreeVolume<dim, LA>::NonlocalFreeVolume(
    const parallel::distributed::Triangulation<dim> &tria, const Mapping<dim> &mapping,
    const Quadrature<dim> &quadrature, const NonlocalParameters &parameters,
    const Kinematics kinematics, TimerOutput &timer)
    : tria(tria)
    , mapping(mapping)
    , quadrature(quadrature)
    , prm(parameters)
    , kinematics(kinematics)
    , timer(timer)
    , comm(tria.get_communicator())
    , fe(parameters.fe_degree)
    , dofs(tria)
  {
    prm.check();
    require((dim == 3) == (kinematics == Kinematics::three_dimensional), "NonlocalFreeVolume",
            "kinematic model '" + to_string(kinematics) + "' does not fit dimension " +
              std::to_string(dim));
  }

  template <int dim, typename LA>
  NonlocalFreeVolume<dim, LA>::~NonlocalFreeVolume()
  {
    dofs.clear();
  }

  template <int dim, typename LA>
  void NonlocalFreeVolume<dim, LA>::setup()
  {
    qp_values.assign(tria.n_active_cells() * quadrature.size(), 0.0);
    if (prm.is_local())
      {
        // x-bar = x at the quadrature points: no field, no matrix.
        resolution = 0;
        return;
      }

    TimerOutput::Scope scope(timer, "nonlocal: setup");
    double largest = 0;
    for (const auto &cell : tria.active_cell_iterators())
      if (cell->is_locally_owned())
        largest = std::max(largest, cell->diameter() / std::sqrt(static_cast<double>(dim)));
    resolution = Utilities::MPI::max(largest, comm) / prm.length;

    dofs.distribute_dofs(fe);
    owned = dofs.locally_owned_dofs();
    DoFTools::extract_locally_relevant_dofs(dofs, relevant);

    // Zero normal flux is the natural condition of the weak form: the only constraints are
    // those of hanging nodes.
    constraints.clear();
    constraints.reinit(relevant);
    DoFTools::make_hanging_node_constraints(dofs, constraints);
    constraints.close();

    DynamicSparsityPattern dsp(relevant);
    DoFTools::make_sparsity_pattern(dofs, dsp, constraints, false);
    SparsityTools::distribute_sparsity_pattern(dsp, owned, comm, relevant);
    system_matrix.reinit(owned, owned, dsp, comm);

    for (Vector *v : {&solution_owned, &trial, &rhs})
      v->reinit(owned, comm);
    solution_ghosted.reinit(owned, relevant, comm);
    cg.reinit(owned, comm, prm.initial_guess_history);

    // The equation is multiplied by n_cells / volume: in SI units the entries of M and K are
    // of the size of a cell volume (1e-15 m^3 for micrometre cells, 2 pi r smaller still on
    // the axis), and ML's AMG then converges far worse than on the same matrix scaled to
    // O(1) entries (measured: 220 instead of 2 CG iterations on an axisymmetric model).
    // x-bar does not change, nor does the conservation of the integral.
    {
      const QGauss<dim> q(fe.degree + 1);
      FEValues<dim>     fv(mapping, fe, q, update_quadrature_points | update_JxW_values);
      double            volume = 0;
      for (const auto &cell : dofs.active_cell_iterators())
        if (cell->is_locally_owned())
          {
            fv.reinit(cell);
            for (const unsigned int i : fv.quadrature_point_indices())
              volume += fv.JxW(i) * volume_weight(kinematics, fv.quadrature_point(i)[0]);
          }
      scale = tria.n_global_active_cells() / Utilities::MPI::sum(volume, comm);
    }
    assemble_matrix();
    {
      TimerOutput::Scope amg_scope(timer, "nonlocal: AMG setup");
      linear_algebra::AMGSettings s;
      s.elliptic              = true;
      s.higher_order_elements = fe.degree > 1;
      linear_algebra::initialize_amg(preconditioner, system_matrix, s);
      ++preconditioner_builds;
    }
  }

  template <int dim, typename LA>
  void NonlocalFreeVolume<dim, LA>::assemble_matrix()
  {
    TimerOutput::Scope scope(timer, "nonlocal: assemble matrix");
    // Exact for the (polynomial) integrands on affine cells, including the factor r of
    // axisymmetric models.
    const QGauss<dim>  matrix_quadrature(fe.degree + 1);
    FEValues<dim>      fv(mapping, fe, matrix_quadrature,
                     update_values | update_gradients | update_quadrature_points | update_JxW_values);
    const unsigned int n  = fe.n_dofs_per_cell();
    const double       l2 = prm.length * prm.length;
    FullMatrix<double> local(n, n);
    std::vector<types::global_dof_index> indices(n);

    system_matrix = 0;
    for (const auto &cell : dofs.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          fv.reinit(cell);
          local = 0;
          for (const unsigned int q : fv.quadrature_point_indices())
            {
              const double w =
                scale * fv.JxW(q) * volume_weight(kinematics, fv.quadrature_point(q)[0]);
              for (unsigned int i = 0; i < n; ++i)
                {
                  const double         phi_i  = fv.shape_value(i, q);
                  const Tensor<1, dim> grad_i = fv.shape_grad(i, q);
                  for (unsigned int j = 0; j <= i; ++j)
                    local(i, j) +=
                      (phi_i * fv.shape_value(j, q) + l2 * (grad_i * fv.shape_grad(j, q))) * w;
                }
            }
          for (unsigned int i = 0; i < n; ++i)
            for (unsigned int j = i + 1; j < n; ++j)
              local(i, j) = local(j, i);
          cell->get_dof_indices(indices);
          constraints.distribute_local_to_global(local, indices, system_matrix);
        }
    system_matrix.compress(VectorOperation::add);
    ++matrix_assemblies;
  }

  template <int dim, typename LA>
  void NonlocalFreeVolume<dim, LA>::assemble_rhs(const LocalValues &x)
  {
    TimerOutput::Scope scope(timer, "nonlocal: assemble rhs");
    // On the caller's quadrature rule, where x is known: the sum of the b_i is then exactly
    // the caller's integral of x, which makes the integral of x-bar equal to it (the
    // constant is in the FE space and K 1 = 0).
    FEValues<dim>      fv(mapping, fe, quadrature,
                     update_values | update_quadrature_points | update_JxW_values);
    const unsigned int n = fe.n_dofs_per_cell();
    dealii::Vector<double>               local(n);
    std::vector<types::global_dof_index> indices(n);

    rhs = 0;
    for (const auto &cell : dofs.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          fv.reinit(cell);
          const CellIterator tria_cell(cell);
          local = 0;
          for (const unsigned int q : fv.quadrature_point_indices())
            {
              const double xw = scale * x(tria_cell, q) * fv.JxW(q) *
                                volume_weight(kinematics, fv.quadrature_point(q)[0]);
              for (unsigned int i = 0; i < n; ++i)
                local(i) += fv.shape_value(i, q) * xw;
            }
          cell->get_dof_indices(indices);
          constraints.distribute_local_to_global(local, indices, rhs);
        }
    rhs.compress(VectorOperation::add);
  }

  template <int dim, typename LA>
  void NonlocalFreeVolume<dim, LA>::evaluate_at_quadrature_points()
  {
    TimerOutput::Scope  scope(timer, "nonlocal: evaluate");
    FEValues<dim>       fv(mapping, fe, quadrature, update_values);
    std::vector<double> values(quadrature.size());
    for (const auto &cell : dofs.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          fv.reinit(cell);
          fv.get_function_values(solution_ghosted, values);
          std::copy(values.begin(), values.end(),
                    qp_values.begin() + cell->active_cell_index() * quadrature.size());
        }
  }

  template <int dim, typename LA>
  void NonlocalFreeVolume<dim, LA>::reset_solver_state()
  {
    cg.clear_history();
    if (prm.is_local())
      return;
    solution_owned   = 0;
    solution_ghosted = 0;
  }

  template <int dim, typename LA>
  NonlocalReport NonlocalFreeVolume<dim, LA>::update(const LocalValues &x)
  {
    AssertThrow(qp_values.size() == tria.n_active_cells() * quadrature.size(),
                ExcMessage("NonlocalFreeVolume::setup() must be called after every mesh change"));
    NonlocalReport report;
    if (prm.is_local())
      {
        // l = 0: the equation reads x-bar = x. A solve would return only the L2 projection of
        // x onto the FE space (not x at the points) and cost a mass-matrix solve per step.
        for (const auto &cell : tria.active_cell_iterators())
          if (cell->is_locally_owned())
            {
              const std::size_t first = cell->active_cell_index() * quadrature.size();
              for (unsigned int q = 0; q < quadrature.size(); ++q)
                qp_values[first + q] = x(cell, q);
            }
        return report;
      }
    assemble_rhs(x);
    TimerOutput::Scope scope(timer, "nonlocal: solve");
    // x changes little between calls: the previous x-bar (or the projection onto the last
    // few, ProjectedCG) is a close initial guess. Hanging-node rows have a zero right-hand
    // side; CG works on the unconstrained values and distribute() fills the others.
    trial = solution_owned;
    constraints.set_zero(trial);
    SolverControl control(prm.max_linear_iterations, prm.linear_tolerance * rhs.l2_norm());
    report.solved = true;
    try
      {
        report.iterations = cg.solve(system_matrix, preconditioner, trial, rhs, control);
      }
    catch (const SolverControl::NoConvergence &)
      {
        report.converged  = false;
        report.iterations = control.last_step();
        return report;
      }
    constraints.distribute(trial);
    solution_owned.swap(trial);
    solution_ghosted = solution_owned;
    evaluate_at_quadrature_points();
    return report;
  }

  template <int dim, typename LA>
  std::size_t NonlocalFreeVolume<dim, LA>::first_index(const CellIterator &cell) const
  {
    Assert(cell->is_active() && cell->is_locally_owned(),
           ExcMessage("x-bar is only known on locally owned active cells"));
    return cell->active_cell_index() * quadrature.size();
  }

  template <int dim, typename LA>
  void NonlocalFreeVolume<dim, LA>::values_at_quadrature_points(const CellIterator  &cell,
                                                                std::vector<double> &values) const
  {
    const std::size_t first = first_index(cell);
    values.assign(qp_values.begin() + first, qp_values.begin() + first + quadrature.size());
  }

  template <int dim, typename LA>
  double NonlocalFreeVolume<dim, LA>::value(const CellIterator &cell, const unsigned int q) const
  {
    AssertIndexRange(q, quadrature.size());
    return qp_values[first_index(cell) + q];
  }

  template class NonlocalFreeVolume<2, linear_algebra::Trilinos>;
  template class NonlocalFreeVolume<3, linear_algebra::Trilinos>;
  template class NonlocalFreeVolume<2, linear_algebra::PETSc>;
  template class NonlocalFreeVolume<3, linear_algebra::PETSc>;
} // namespace bmgfe
