// Assembly of MechanicsProblem: one cell loop (assemble_cells) shared by the linear models
// (none, viscous: K u = f, doc/model.md "Coupling to the mechanics") and the Newton iteration
// of the plastic ones (residual and tangent, doc/model.md "Global Newton method"); they differ
// in the point kernel only. Also the reaction forces, which are the same integral of the stress.
#include <bmgfe/base/expression.h>
#include <bmgfe/physics/mechanics_problem.h>
#include <bmgfe/physics/shape_strain.h>

#include <deal.II/dofs/dof_tools.h>
#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/sparsity_tools.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/lac/full_matrix.h>
#include <deal.II/lac/vector.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace bmgfe
{
  using namespace dealii;

  namespace
  {
    /// Eigenstrains below this everywhere, with no other load, are a load of round-off size:
    /// the interpolated T at the stress-free temperature differs from it by rounding
    /// (partition of unity), and CG would chase stresses of 1e-7 Pa for ~20 iterations.
    constexpr double round_off_eigenstrain = 1e-13;

    /// law.respond() with a throwing material point reported as not converged: the caller
    /// turns that into a cut-back through a reduction over the ranks, never into an exception
    /// on one rank only. Returns response.converged.
    bool respond_or_fail(const ConstitutiveLaw &law, const MaterialPointState &d,
                         const SymmetricTensor<2, 3> &strain, const double T,
                         const bool elastic_predictor, PointResponse &response)
    {
      try
        {
          law.respond(d, d, strain, T, elastic_predictor, response);
        }
      catch (const std::exception &)
        {
          response.converged = false;
        }
      return response.converged;
    }

    /// The tangent as the plain array of the element-matrix kernels (36 independent entries).
    shape_strain::Tangent as_array(const SymmetricTensor<4, 3> &C)
    {
      shape_strain::Tangent T;
      for (unsigned int a = 0; a < 3; ++a)
        for (unsigned int b = a; b < 3; ++b)
          for (unsigned int c = 0; c < 3; ++c)
            for (unsigned int d = c; d < 3; ++d)
              T[a][b][c][d] = T[b][a][c][d] = T[a][b][d][c] = T[b][a][d][c] = C[a][b][c][d];
      return T;
    }
  } // namespace

  template <int dim, typename LA>
  struct MechanicsProblem<dim, LA>::CellAssembly
  {
    CellAssembly(const FiniteElement<dim> &fe, const Kinematics kinematics)
      : n(fe.n_dofs_per_cell())
      , axisymmetric(kinematics == Kinematics::axisymmetric)
      , component(n)
      , indices(n)
      , matrix(n, n)
      , preconditioner_matrix(n, n)
      , rhs(n)
      , force(n)
      , axial_column(n)
      , axial_row(n)
      , shapes(n)
      , columns(n)
    {
      for (unsigned int i = 0; i < n; ++i)
        component[i] = fe.system_to_component_index(i).first;
    }

    /// The shape data of the element-matrix kernels at quadrature point q.
    void set_shape_data(const unsigned int q)
    {
      for (unsigned int i = 0; i < n; ++i)
        {
          shape_strain::ShapeData &s    = shapes[i];
          const Tensor<1, dim>    &grad = fv->shape_grad(i, q);
          s.component                   = component[i];
          for (unsigned int k = 0; k < dim; ++k)
            s.grad[k] = grad[k];
          s.hoop = (axisymmetric && component[i] == 0) ?
                     fv->shape_value(i, q) / fv->quadrature_point(q)[0] :
                     0.0;
        }
    }

    /// target += w eps(phi_i) : X_j for the columns set in `columns` (all entries, or the lower
    /// triangle only).
    void add_columns(FullMatrix<double> &target, const double w, const bool lower_only) const
    {
      columns.add_to(shapes, w, &target(0, 0), target.n(), lower_only);
    }

    void zero()
    {
      matrix                = 0;
      preconditioner_matrix = 0;
      rhs                   = 0;
      force                 = 0;
      axial_column          = 0;
      axial_row             = 0;
    }

    /// eps(phi_i) at quadrature point q, with the hoop strain phi_r/r in axisymmetric models.
    SymmetricTensor<2, 3> symmetric_gradient(const unsigned int i, const unsigned int q) const
    {
      const unsigned int    c    = component[i];
      const Tensor<1, dim> &grad = fv->shape_grad(i, q);
      SymmetricTensor<2, 3> e;
      for (unsigned int k = 0; k < dim; ++k)
        e[c][k] = (k == c) ? grad[k] : 0.5 * grad[k];
      if (axisymmetric && c == 0)
        e[2][2] = fv->shape_value(i, q) / fv->quadrature_point(q)[0];
      return e;
    }

    /// eps(phi_i) : sigma = sigma[c] . grad phi_i (+ the hoop part) without forming eps(phi_i)
    /// (the linear models' right-hand side is assembled every step).
    double strain_work(const SymmetricTensor<2, 3> &sigma, const unsigned int i, const unsigned int q) const
    {
      const unsigned int    c    = component[i];
      const Tensor<1, dim> &grad = fv->shape_grad(i, q);
      double                f    = 0;
      for (unsigned int d = 0; d < dim; ++d)
        f += sigma[c][d] * grad[d];
      if (axisymmetric && c == 0)
        f += sigma[2][2] * fv->shape_value(i, q) / fv->quadrature_point(q)[0];
      return f;
    }

    const unsigned int                   n;
    const bool                           axisymmetric;
    const FEValues<dim>                 *fv = nullptr; ///< on the current cell
    unsigned int                         cell_index = 0; ///< active cell index of the current cell
    std::vector<unsigned int>            component;    ///< of each shape function
    std::vector<types::global_dof_index> indices;      ///< of the current cell
    FullMatrix<double>                   matrix, preconditioner_matrix;
    dealii::Vector<double>               rhs, force, axial_column, axial_row;
    std::vector<shape_strain::ShapeData> shapes;  ///< at the current point (set_shape_data)
    shape_strain::ColumnBlock            columns; ///< C : eps(phi_j) at the current point
  };

  template <int dim, typename LA>
  void MechanicsProblem<dim, LA>::assemble_cells(const double t, const DoFHandler<dim> &heat_dofs,
                                                 const typename LA::Vector &temperature,
                                                 const bool with_strains, const AssemblyTargets &targets,
                                                 const PointKernel &kernel,
                                                 const std::function<void(CellAssembly &)> &cell_end)
  {
    std::map<unsigned int, std::unique_ptr<Function<dim>>> pressures;
    for (const auto &[id, expr] : prm.pressure)
      {
        pressures[id] = make_expression_function<dim>(expr, "Mechanics/Boundary conditions/Pressure", true);
        pressures[id]->set_time(t);
      }
    // Body force f (dim components): int f.v w dx over the cells, only if it is nonzero.
    std::unique_ptr<Function<dim>>      body_force;
    std::vector<dealii::Vector<double>> f_q;
    if (!prm.body_force.empty())
      {
        body_force = make_vector_expression_function<dim>(prm.body_force, "Mechanics/Body force", true);
        body_force->set_time(t);
        f_q.assign(quadrature.size(), dealii::Vector<double>(dim));
      }
    const QGauss<dim - 1> face_quadrature(fe.degree + 1);
    FEFaceValues<dim>     ffv(mapping, fe, face_quadrature,
                          update_values | update_normal_vectors | update_quadrature_points |
                            update_JxW_values);

    for (Matrix *m : {targets.matrix, targets.preconditioner_matrix})
      if (m)
        *m = 0;
    const std::vector<Vector *> vectors{targets.rhs, targets.residual, targets.internal_force,
                                        targets.axial_column, targets.axial_row};
    for (Vector *v : vectors)
      if (v)
        *v = 0;

    const AffineConstraints<double> &c = *targets.constraints;
    CellAssembly                     a(fe, kinematics);
    const SymmetricTensor<2, 3>      no_strain;
    visit_cells(
      heat_dofs, temperature, {}, with_strains,
      [&](const typename DoFHandler<dim>::active_cell_iterator &cell, const FEValues<dim> &fv,
          const std::vector<double> &T, const std::vector<SymmetricTensor<2, 3>> &strains) {
        a.fv         = &fv;
        a.cell_index = cell->active_cell_index();
        a.zero();
        cell->get_dof_indices(a.indices);
        const auto data = state.get_data(cell);
        if (body_force)
          body_force->vector_value_list(fv.get_quadrature_points(), f_q);
        for (unsigned int q = 0; q < T.size(); ++q)
          {
            const double w = fv.JxW(q) * volume_weight(kinematics, fv.quadrature_point(q)[0]);
            kernel(a, q, w, T[q], with_strains ? strains[q] : no_strain, *data[q]);
            if (body_force)
              for (unsigned int i = 0; i < a.n; ++i)
                a.rhs(i) += f_q[q][a.component[i]] * fv.shape_value(i, q) * w;
          }
        if (!pressures.empty() && cell->at_boundary())
          for (const auto f : cell->face_indices())
            if (cell->face(f)->at_boundary() && pressures.count(cell->face(f)->boundary_id()))
              {
                ffv.reinit(cell, f);
                const auto &p = *pressures.at(cell->face(f)->boundary_id());
                for (unsigned int q = 0; q < ffv.n_quadrature_points; ++q)
                  {
                    const double w = ffv.JxW(q) * volume_weight(kinematics, ffv.quadrature_point(q)[0]);
                    const double pressure = p.value(ffv.quadrature_point(q));
                    for (unsigned int i = 0; i < a.n; ++i)
                      a.rhs(i) -= pressure * ffv.normal_vector(q)[a.component[i]] *
                                  ffv.shape_value(i, q) * w;
                  }
              }
        if (cell_end)
          cell_end(a);

        // Vectors without a matrix are condensed without inhomogeneities (deal.II ignores them
        // there), so one constraints object serves every target.
        if (targets.preconditioner_matrix)
          c.distribute_local_to_global(a.preconditioner_matrix, a.indices, *targets.preconditioner_matrix);
        if (targets.matrix)
          c.distribute_local_to_global(a.matrix, a.rhs, a.indices, *targets.matrix, *targets.rhs);
        else if (targets.rhs)
          c.distribute_local_to_global(a.rhs, a.indices, *targets.rhs);
        if (targets.residual)
          c.distribute_local_to_global(a.rhs, a.indices, *targets.residual);
        if (targets.internal_force)
          targets.internal_force->add(a.indices, a.force);
        if (targets.axial_column)
          c.distribute_local_to_global(a.axial_column, a.indices, *targets.axial_column);
        if (targets.axial_row)
          targets.axial_row->add(a.indices, a.axial_row);
      });
    for (Matrix *m : {targets.matrix, targets.preconditioner_matrix})
      if (m)
        m->compress(VectorOperation::add);
    for (Vector *v : vectors)
      if (v)
        v->compress(VectorOperation::add);
  }

  template <int dim, typename LA>
  void MechanicsProblem<dim, LA>::assemble(const double t, const DoFHandler<dim> &heat_dofs,
                                           const typename LA::Vector &temperature,
                                           const bool with_matrix)
  {
    TimerOutput::Scope scope(timer, with_matrix ? "mechanics: assemble matrix" :
                                                  "mechanics: assemble rhs");
    const bool gps = kinematics == Kinematics::generalized_plane_strain;
    AssemblyTargets targets;
    targets.constraints = &constraints;
    targets.rhs         = &rhs;
    if (with_matrix)
      {
        targets.matrix = &matrix;
        if (gps)
          targets.axial_column = &gps_b;
      }
    const unsigned int                 n = fe.n_dofs_per_cell();
    std::vector<SymmetricTensor<2, 3>> eps(n);
    std::vector<double>                tr(n);
    double gc = 0, gg = 0, largest_eigenstrain = 0;
    const auto point = [&](CellAssembly &a, const unsigned int q, const double w, const double T,
                           const SymmetricTensor<2, 3> &, MaterialPointState &d) {
      // The law is affine in the strain for the step: sigma = C_t : eps - s*, with C_t its
      // tangent (isotropic, the Lame pair) and s* = -sigma(0) the eigenstress of the thermal
      // and structural strain and of the relaxed history (doc/model.md "Coupling to the
      // mechanics").
      LamePair                    stiffness;
      double                      eigenstrain  = 0;
      const SymmetricTensor<2, 3> eigen_stress = law.eigen_stress(d, d, T, stiffness, eigenstrain);
      const double                lambda = stiffness.lambda, mu = stiffness.mu;
      if (record_lame) // matrix-free operator: the pair of this point
        {
          const std::size_t k = static_cast<std::size_t>(a.fv->get_cell()->active_cell_index()) *
                                  quadrature.size() + q;
          mf_lambda[k] = lambda;
          mf_mu[k]     = mu;
        }
      largest_eigenstrain = std::max(largest_eigenstrain, eigenstrain);
      for (unsigned int i = 0; i < n; ++i)
        {
          a.rhs(i) += a.strain_work(eigen_stress, i, q) * w;
          if (with_matrix)
            {
              eps[i] = a.symmetric_gradient(i, q);
              tr[i]  = trace(eps[i]);
            }
        }
      if (gps)
        {
          gg += eigen_stress[2][2] * w;
          if (with_matrix)
            {
              gc += (lambda + 2 * mu) * w;
              for (unsigned int i = 0; i < n; ++i)
                a.axial_column(i) += lambda * tr[i] * w;
            }
        }
      // The lower triangle (cell_end mirrors it), with the SymmetricTensor arithmetic: the
      // shape_strain kernels give the same matrix to round-off, but a different round-off
      // moves the CG iterates of the long viscous runs by ~3e-8 relative, beyond the 1e-9 of
      // tests/regression (measured), so this set-up-time loop keeps its arithmetic.
      if (with_matrix)
        for (unsigned int i = 0; i < n; ++i)
          for (unsigned int j = 0; j <= i; ++j)
            a.matrix(i, j) += (lambda * tr[i] * tr[j] + 2 * mu * (eps[i] * eps[j])) * w;
    };
    const auto cell_end = [&](CellAssembly &a) {
      if (!with_matrix)
        return;
      for (unsigned int i = 0; i < n; ++i)
        for (unsigned int j = i + 1; j < n; ++j)
          a.matrix(i, j) = a.matrix(j, i);
      // Generalized plane strain with prescribed displacements: gps_b is condensed (zero at
      // constrained DoFs), so b.u1 misses int lambda tr eps(u) of the prescribed values g_i;
      // it goes into gps_g (the matrix, hence b, is rebuilt in every such solve).
      if (gps && has_inhomogeneous_constraints)
        for (unsigned int i = 0; i < n; ++i)
          if (constraints.is_inhomogeneously_constrained(a.indices[i]))
            gg -= a.axial_column(i) * constraints.get_inhomogeneity(a.indices[i]);
    };
    assemble_cells(t, heat_dofs, temperature, false, targets, point, cell_end);

    gps_g = Utilities::MPI::sum(gg, comm);
    if (with_matrix)
      gps_c = Utilities::MPI::sum(gc, comm);
    // Eigenstrains below round_off_eigenstrain everywhere, with no other load: no load.
    largest_eigenstrain = Utilities::MPI::max(largest_eigenstrain, comm);
    if (largest_eigenstrain < round_off_eigenstrain && prm.body_force.empty() && prm.pressure.empty() &&
        !has_inhomogeneous_constraints && !(gps && prm.axial_value != 0))
      {
        rhs   = 0;
        gps_g = 0;
      }
  }

  template <int dim, typename LA>
  bool MechanicsProblem<dim, LA>::thermal_load_is_affine() const
  {
    // s* = C : (eps_th(T) 1 + eps_inelastic) with C and alpha fixed in time: affine in T, and
    // T at a point is linear in the temperature DoFs. Pressure and body force may depend on
    // time, prescribed displacements add their lift, generalized plane strain its axial row.
    // Not for 'Operator = matrix-free', whose point is no global matrix.
    return prm.thermal_load_matrix && (!prm.matrix_free || prm.assembled_blocks) && !law.has_history() &&
           material.is_temperature_independent() &&
           kinematics != Kinematics::generalized_plane_strain && prm.body_force.empty() &&
           prm.pressure.empty() && !has_inhomogeneous_constraints;
  }

  template <int dim, typename LA>
  void MechanicsProblem<dim, LA>::assemble_thermal_load(const DoFHandler<dim> &heat_dofs,
                                                        const typename LA::Vector &temperature)
  {
    TimerOutput::Scope                   scope(timer, "mechanics: thermal load matrix");
    const FiniteElement<dim>            &heat_fe = heat_dofs.get_fe();
    const unsigned int                   n = fe.n_dofs_per_cell(), m = heat_fe.n_dofs_per_cell();
    std::vector<types::global_dof_index> heat_indices(m);
    const AffineConstraints<double>      no_column_constraints; // T is a distributed vector
    const auto heat_cell_of = [&](const typename DoFHandler<dim>::active_cell_iterator &cell) {
      return typename DoFHandler<dim>::active_cell_iterator(&tria, cell->level(), cell->index(),
                                                            &heat_dofs);
    };

    // Rows as the load's rows: constrained ones distributed, none kept.
    {
      DynamicSparsityPattern               dsp(dofs.n_dofs(), heat_dofs.n_dofs(), relevant);
      std::vector<types::global_dof_index> indices(n);
      for (const auto &cell : dofs.active_cell_iterators())
        if (cell->is_locally_owned())
          {
            cell->get_dof_indices(indices);
            heat_cell_of(cell)->get_dof_indices(heat_indices);
            constraints.add_entries_local_to_global(indices, no_column_constraints, heat_indices,
                                                    dsp, false);
          }
      SparsityTools::distribute_sparsity_pattern(dsp, owned, comm, relevant);
      thermal_load_matrix.reinit(owned, heat_dofs.locally_owned_dofs(), dsp, comm);
    }
    thermal_load_at_reference.reinit(owned, comm);
    temperature_change.reinit(heat_dofs.locally_owned_dofs(), comm);

    const double          T_ref = material.stress_free_temperature;
    FEValues<dim>         hv(mapping, heat_fe, quadrature, update_values);
    CellAssembly          a(fe, kinematics);
    FullMatrix<double>    local(n, m);
    double                largest_at_reference = 0, largest_per_kelvin = 0;
    visit_cells(heat_dofs, temperature, {}, false,
                [&](const typename DoFHandler<dim>::active_cell_iterator &cell, const FEValues<dim> &fv,
                    const std::vector<double> &, const std::vector<SymmetricTensor<2, 3>> &) {
                  a.fv         = &fv;
                  a.cell_index = cell->active_cell_index();
                  a.zero();
                  local = 0;
                  cell->get_dof_indices(a.indices);
                  const auto heat_cell = heat_cell_of(cell);
                  hv.reinit(heat_cell);
                  heat_cell->get_dof_indices(heat_indices);
                  const auto data = state.get_data(cell);
                  for (unsigned int q = 0; q < quadrature.size(); ++q)
                    {
                      const double w = fv.JxW(q) * volume_weight(kinematics, fv.quadrature_point(q)[0]);
                      // The law's own s*(T) at two temperatures: s*(T) = s*(T_ref) + (T - T_ref) s1.
                      LamePair     stiffness;
                      double       e_ref = 0, e_plus = 0;
                      const MaterialPointState   &d   = *data[q];
                      const SymmetricTensor<2, 3> s_ref = law.eigen_stress(d, d, T_ref, stiffness, e_ref);
                      const SymmetricTensor<2, 3> s1 =
                        law.eigen_stress(d, d, T_ref + 1, stiffness, e_plus) - s_ref;
                      largest_at_reference = std::max(largest_at_reference, e_ref);
                      largest_per_kelvin   = std::max(largest_per_kelvin, e_plus + e_ref);
                      for (unsigned int i = 0; i < n; ++i)
                        {
                          a.rhs(i) += a.strain_work(s_ref, i, q) * w;
                          const double g = a.strain_work(s1, i, q) * w;
                          for (unsigned int j = 0; j < m; ++j)
                            local(i, j) += g * hv.shape_value(j, q);
                        }
                    }
                  constraints.distribute_local_to_global(a.rhs, a.indices, thermal_load_at_reference);
                  constraints.distribute_local_to_global(local, a.indices, no_column_constraints,
                                                         heat_indices, thermal_load_matrix);
                });
    thermal_load_matrix.compress(VectorOperation::add);
    thermal_load_at_reference.compress(VectorOperation::add);
    thermal_load_eigenstrain_at_reference = Utilities::MPI::max(largest_at_reference, comm);
    thermal_load_eigenstrain_per_kelvin   = Utilities::MPI::max(largest_per_kelvin, comm);
    thermal_load_ready                    = true;
  }

  template <int dim, typename LA>
  void MechanicsProblem<dim, LA>::apply_thermal_load(const DoFHandler<dim> &heat_dofs,
                                                     const typename LA::Vector &temperature)
  {
    TimerOutput::Scope scope(timer, "mechanics: assemble rhs");
    const double       T_ref = material.stress_free_temperature;
    double             largest_change = 0;
    for (const auto i : heat_dofs.locally_owned_dofs())
      {
        const double dT       = temperature(i) - T_ref;
        temperature_change(i) = dT;
        largest_change        = std::max(largest_change, std::abs(dT));
      }
    temperature_change.compress(VectorOperation::insert);
    thermal_load_matrix.vmult(rhs, temperature_change);
    rhs += thermal_load_at_reference;
    // assemble()'s round-off rule (round_off_eigenstrain), here from a bound: |eps*(T)| <= |eps*(T_ref)| + |T - T_ref| (|eps*(T_ref + 1)| +
    // |eps*(T_ref)|), and T at a point lies between its cell's nodal values.
    largest_change = Utilities::MPI::max(largest_change, comm);
    if (thermal_load_eigenstrain_at_reference + largest_change * thermal_load_eigenstrain_per_kelvin <
        round_off_eigenstrain)
      rhs = 0;
  }

  template <int dim, typename LA>
  bool MechanicsProblem<dim, LA>::assemble_newton(const double t_sub, const double fraction,
                                                  const DoFHandler<dim> &heat_dofs,
                                                  const typename LA::Vector &temperature,
                                                  const AffineConstraints<double> &increment_constraints,
                                                  const bool with_matrix,
                                                  const bool with_elastic_matrix, double &residual_norm,
                                                  double &force_norm, unsigned int &plastic_points)
  {
    TimerOutput::Scope scope(timer, "mechanics: assemble tangent and residual");
    const bool         gps = kinematics == Kinematics::generalized_plane_strain;
    AssemblyTargets    targets;
    targets.constraints    = &increment_constraints;
    targets.rhs            = &rhs;
    targets.residual       = &newton_residual;
    targets.internal_force = &internal_force;
    if (with_matrix)
      targets.matrix = &matrix;
    if (with_elastic_matrix)
      targets.preconditioner_matrix = &elastic_matrix;
    if (gps)
      {
        targets.axial_column = &gps_b;
        targets.axial_row    = &gps_b_row;
      }
    const unsigned int                 n = fe.n_dofs_per_cell();
    std::vector<SymmetricTensor<2, 3>> B(gps ? n : 0);
    double                             k00 = 0, axial_force = 0, axial_abs = 0;
    double                             strain_force2 = 0;
    bool                               failed  = false;
    unsigned int                       yielded = 0;
    unsigned long long                 changed = 0;
    const std::size_t                  nq      = quadrature.size();
    PointResponse                      res;
    const auto point = [&](CellAssembly &a, const unsigned int q, const double w, const double T,
                           const SymmetricTensor<2, 3> &strain, MaterialPointState &d) {
      // A state the law refuses (it throws, e.g. for a non-finite strain of a diverging Newton
      // iterate) fails like a return map that does not converge: on every rank through the
      // reduction below, never as an exception on one rank only.
      // `res` is scratch kept between points: its update is swapped with the point's trial
      // update below, so the vectors of the relaxation spectrum change hands instead of being
      // allocated and freed at every point in every iteration.
      if (!respond_or_fail(law, d, strain, substep_temperature(d, T, fraction),
                           elastic_predictor, res))
        {
          failed = true;
          return;
        }
      std::swap(d.update, res.update); // the trial; commit_state() makes the converged one the state
      const bool is_plastic = res.region != MohrCoulombRegion::elastic;
      if (is_plastic)
        ++yielded;
      if (!preconditioner_plastic_set.empty() &&
          preconditioner_plastic_set[a.cell_index * nq + q] != (is_plastic ? 1 : 0))
        ++changed;
      a.set_shape_data(q);
      double B2 = 0;
      for (unsigned int i = 0; i < n; ++i)
        {
          const double f = a.strain_work(res.stress, i, q) * w;
          a.force(i) += f;
          a.rhs(i) -= f;
          B2 += shape_strain::strain_norm_square(a.shapes[i]);
        }
      const double strain_stress = w * res.youngs_modulus * strain.norm();
      strain_force2 += strain_stress * strain_stress * B2;
      if (with_elastic_matrix)
        {
          // C(K, G phi1): the stiffness of the viscous predictor (elastic for lambda = 0).
          for (unsigned int j = 0; j < n; ++j)
            a.columns.set_isotropic(j, res.stiffness.lambda, res.stiffness.mu, a.shapes[j]);
          a.add_columns(a.preconditioner_matrix, w, false);
        }
      if (gps)
        {
          for (unsigned int i = 0; i < n; ++i)
            B[i] = a.symmetric_gradient(i, q);
          // Axial row and column of the bordered tangent, E_zz = e_z (x) e_z.
          SymmetricTensor<2, 3> Ezz;
          Ezz[2][2]                       = 1;
          const SymmetricTensor<2, 3> C_E = res.tangent * Ezz; // C : E_zz
          const SymmetricTensor<2, 3> E_C = Ezz * res.tangent; // E_zz : C
          for (unsigned int i = 0; i < n; ++i)
            {
              a.axial_column(i) += (B[i] * C_E) * w;
              a.axial_row(i) += (E_C * B[i]) * w;
            }
          k00 += C_E[2][2] * w;
          axial_force += res.stress[2][2] * w;
          axial_abs += std::abs(res.stress[2][2]) * w;
        }
      if (with_matrix)
        {
          const shape_strain::Tangent C = as_array(res.tangent);
          for (unsigned int j = 0; j < n; ++j)
            a.columns.set_tangent(j, C, a.shapes[j]);
          a.add_columns(a.matrix, w, false);
        }
    };
    assemble_cells(t_sub, heat_dofs, temperature, true, targets, point, {});

    plastic_points      = Utilities::MPI::sum(yielded, comm);
    plastic_set_changes = Utilities::MPI::sum(changed, comm);
    residual_norm       = newton_residual.l2_norm();
    force_norm     = internal_force.l2_norm();
    newton_strain_force = std::sqrt(Utilities::MPI::sum(strain_force2, comm));
    if (gps)
      {
        gps_c              = Utilities::MPI::sum(k00, comm);
        gps_axial_residual = Utilities::MPI::sum(axial_force, comm) - prm.axial_value;
        axial_abs          = Utilities::MPI::sum(axial_abs, comm);
        if (!prm.prescribe_axial_strain)
          {
            // The axial equation int sigma_zz dA = N joins the residual, scaled like a force.
            residual_norm = std::sqrt(residual_norm * residual_norm +
                                      gps_axial_residual * gps_axial_residual);
            force_norm = std::sqrt(force_norm * force_norm + axial_abs * axial_abs);
          }
      }
    return Utilities::MPI::max(failed ? 1 : 0, comm) == 0;
  }

  namespace
  {
    /// Eigen-decomposition of a symmetric 6x6 matrix by cyclic Jacobi rotations: on return
    /// `a` is diagonal (the eigenvalues) and the columns of `v` the eigenvectors.
    void symmetric_eigen_6(double (&a)[6][6], double (&v)[6][6])
    {
      for (unsigned int i = 0; i < 6; ++i)
        for (unsigned int j = 0; j < 6; ++j)
          v[i][j] = i == j ? 1 : 0;
      double scale = 0;
      for (unsigned int i = 0; i < 6; ++i)
        scale = std::max(scale, std::abs(a[i][i]));
      for (unsigned int sweep = 0; sweep < 50; ++sweep)
        {
          double off = 0;
          for (unsigned int p = 0; p < 6; ++p)
            for (unsigned int q = p + 1; q < 6; ++q)
              off = std::max(off, std::abs(a[p][q]));
          if (off <= 1e-15 * scale || off == 0)
            return;
          for (unsigned int p = 0; p < 6; ++p)
            for (unsigned int q = p + 1; q < 6; ++q)
              {
                if (a[p][q] == 0)
                  continue;
                // The rotation in the (p, q) plane that annihilates a[p][q].
                const double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                const double t     = (theta >= 0 ? 1.0 : -1.0) /
                                 (std::abs(theta) + std::sqrt(theta * theta + 1));
                const double c = 1 / std::sqrt(t * t + 1), s = t * c;
                for (unsigned int k = 0; k < 6; ++k)
                  {
                    const double akp = a[k][p], akq = a[k][q];
                    a[k][p] = c * akp - s * akq;
                    a[k][q] = s * akp + c * akq;
                  }
                for (unsigned int k = 0; k < 6; ++k)
                  {
                    const double apk = a[p][k], aqk = a[q][k];
                    a[p][k] = c * apk - s * aqk;
                    a[q][k] = s * apk + c * aqk;
                  }
                for (unsigned int k = 0; k < 6; ++k)
                  {
                    const double vkp = v[k][p], vkq = v[k][q];
                    v[k][p] = c * vkp - s * vkq;
                    v[k][q] = s * vkp + c * vkq;
                  }
              }
        }
    }

    /// The SPD stiffness of a plastic point for the preconditioner: the symmetric part of the
    /// tangent in Mandel notation, its eigenvalues replaced by max(|mu|, floor).
    SymmetricTensor<4, 3> positive_definite_part(const SymmetricTensor<4, 3> &C, const double floor)
    {
      static constexpr unsigned int I[6] = {0, 1, 2, 1, 0, 0}, J[6] = {0, 1, 2, 2, 2, 1};
      const double                  w[6] = {1, 1, 1, std::sqrt(2.0), std::sqrt(2.0), std::sqrt(2.0)};
      double                        m[6][6], v[6][6];
      for (unsigned int a = 0; a < 6; ++a)
        for (unsigned int b = 0; b < 6; ++b)
          m[a][b] = 0.5 * w[a] * w[b] * (C[I[a]][J[a]][I[b]][J[b]] + C[I[b]][J[b]][I[a]][J[a]]);
      symmetric_eigen_6(m, v);
      double mu[6];
      for (unsigned int k = 0; k < 6; ++k)
        mu[k] = std::max(std::abs(m[k][k]), floor);
      SymmetricTensor<4, 3> P;
      for (unsigned int a = 0; a < 6; ++a)
        for (unsigned int b = 0; b < 6; ++b) // no major symmetry in SymmetricTensor<4, 3>: both
          {
            double p = 0;
            for (unsigned int k = 0; k < 6; ++k)
              p += v[a][k] * mu[k] * v[b][k];
            P[I[a]][J[a]][I[b]][J[b]] = p / (w[a] * w[b]);
          }
      return P;
    }
  } // namespace

  template <int dim, typename LA>
  void MechanicsProblem<dim, LA>::assemble_tangent_preconditioner(const double t_sub, const double fraction,
                                                                  const DoFHandler<dim> &heat_dofs,
                                                                  const typename LA::Vector &temperature)
  {
    TimerOutput::Scope scope(timer, "mechanics: assemble tangent preconditioner");
    AssemblyTargets    targets;
    targets.constraints           = &homogeneous_constraints;
    targets.preconditioner_matrix = &elastic_matrix;
    const unsigned int                 n  = fe.n_dofs_per_cell();
    const std::size_t                  nq = quadrature.size();
    PointResponse                      res;
    std::vector<unsigned char>         set(tria.n_active_cells() * nq, 0);
    const auto point = [&](CellAssembly &a, const unsigned int q, const double w, const double T,
                           const SymmetricTensor<2, 3> &strain, MaterialPointState &d) {
      // The same response as the assembly at this iterate (the state is not changed: the
      // trial update stays in `res`). A point that fails here failed there already.
      const bool plastic = respond_or_fail(law, d, strain, substep_temperature(d, T, fraction),
                                           elastic_predictor, res) &&
                           res.region != MohrCoulombRegion::elastic;
      set[a.cell_index * nq + q] = plastic ? 1 : 0;
      a.set_shape_data(q);
      if (plastic)
        {
          const shape_strain::Tangent C = as_array(positive_definite_part(
            res.tangent, prm.tangent_preconditioner_floor * 2 * res.stiffness.mu));
          for (unsigned int j = 0; j < n; ++j)
            a.columns.set_tangent(j, C, a.shapes[j]);
        }
      else // elastic (Maxwell) stiffness: the tangent of an elastic point
        for (unsigned int j = 0; j < n; ++j)
          a.columns.set_isotropic(j, res.stiffness.lambda, res.stiffness.mu, a.shapes[j]);
      a.add_columns(a.preconditioner_matrix, w, false);
    };
    assemble_cells(t_sub, heat_dofs, temperature, true, targets, point, {});
    preconditioner_plastic_set.swap(set);
    plastic_set_changes = 0;
  }

  template <int dim, typename LA>
  double MechanicsProblem<dim, LA>::reaction_force(const double t, const unsigned int id, const unsigned int component,
                                                   const DoFHandler<dim> &heat_dofs,
                                                   const typename LA::Vector &temperature) const
  {
    // DoFs of `component` on boundary `id` (also those owned by other ranks: every cell is
    // owned by one rank, so summing each owned cell's contributions counts each term once).
    ComponentMask mask(dim, false);
    mask.set(component, true);
    const IndexSet on_boundary =
      DoFTools::extract_boundary_dofs(dofs, mask, std::set<types::boundary_id>{
                                                    static_cast<types::boundary_id>(id)});
    std::unique_ptr<Function<dim>> body_force;
    if (!prm.body_force.empty())
      {
        body_force = make_vector_expression_function<dim>(prm.body_force, "Mechanics/Body force", true);
        body_force->set_time(t);
      }
    const unsigned int                   n = fe.n_dofs_per_cell();
    std::vector<types::global_dof_index> indices(n);
    double                               force = 0;
    CellAssembly                         a(fe, kinematics);
    // Every cell with a DoF on the boundary, also one that touches it only at a vertex (or, in
    // 3D, an edge): cell->at_boundary() is false there (it asks for a face), but the cell's
    // stress still loads that DoF (gmsh meshes have boundary vertices shared by three cells).
    const auto touches_boundary = [&](const typename DoFHandler<dim>::active_cell_iterator &cell) {
      cell->get_dof_indices(indices);
      for (const auto i : indices)
        if (on_boundary.is_element(i))
          return true;
      return false;
    };
    visit_cells(
      heat_dofs, temperature, touches_boundary, true,
      [&](const typename DoFHandler<dim>::active_cell_iterator &cell, const FEValues<dim> &fv,
          const std::vector<double> &T, const std::vector<SymmetricTensor<2, 3>> &strains) {
        // `indices` still holds this cell's DoFs from touches_boundary().
        const auto data = state.get_data(cell);
        a.fv            = &fv;
        for (unsigned int q = 0; q < strains.size(); ++q)
          {
            const Point<dim> &x = fv.quadrature_point(q);
            const double      w = fv.JxW(q) * volume_weight(kinematics, x[0]);
            const SymmetricTensor<2, 3> sigma = law.fields(*data[q], strains[q], T[q]).stress;
            for (unsigned int i = 0; i < n; ++i)
              if (fe.system_to_component_index(i).first == component &&
                  on_boundary.is_element(indices[i]))
                {
                  double f = a.strain_work(sigma, i, q);
                  if (body_force)
                    f -= body_force->value(x, component) * fv.shape_value(i, q);
                  force += f * w;
                }
          }
      });
    return Utilities::MPI::sum(force, comm);
  }

#define BMGFE_INSTANTIATE(dim, LA)                                                                 \
  template void MechanicsProblem<dim, LA>::assemble(double, const DoFHandler<dim> &,               \
                                                    const typename LA::Vector &, bool);            \
  template bool MechanicsProblem<dim, LA>::assemble_newton(                                        \
    double, double, const DoFHandler<dim> &, const typename LA::Vector &,                          \
    const AffineConstraints<double> &, bool, bool, double &, double &, unsigned int &);            \
  template void MechanicsProblem<dim, LA>::assemble_tangent_preconditioner(                        \
    double, double, const DoFHandler<dim> &, const typename LA::Vector &);                         \
  template bool MechanicsProblem<dim, LA>::thermal_load_is_affine() const;                         \
  template void MechanicsProblem<dim, LA>::assemble_thermal_load(const DoFHandler<dim> &,          \
                                                                 const typename LA::Vector &);     \
  template void MechanicsProblem<dim, LA>::apply_thermal_load(const DoFHandler<dim> &,             \
                                                              const typename LA::Vector &);        \
  template double MechanicsProblem<dim, LA>::reaction_force(double, unsigned int, unsigned int,    \
                                                            const DoFHandler<dim> &,               \
                                                            const typename LA::Vector &) const;

  BMGFE_INSTANTIATE(2, linear_algebra::Trilinos)
  BMGFE_INSTANTIATE(3, linear_algebra::Trilinos)
  BMGFE_INSTANTIATE(2, linear_algebra::PETSc)
  BMGFE_INSTANTIATE(3, linear_algebra::PETSc)
#undef BMGFE_INSTANTIATE
} // namespace bmgfe
