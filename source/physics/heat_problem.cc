#include <bmgfe/base/expression.h>
#include <bmgfe/base/input_error.h>
#include <bmgfe/physics/cell_values.h>
#include <bmgfe/physics/heat_problem.h>

#include <deal.II/base/quadrature_lib.h>
#include <deal.II/distributed/solution_transfer.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/full_matrix.h>
#include <deal.II/lac/solver_control.h>
#include <deal.II/lac/sparsity_tools.h>
#include <deal.II/lac/vector.h>
#include <deal.II/numerics/vector_tools.h>

#include <algorithm>
#include <array>
#include <cmath>

namespace bmgfe
{
  using namespace dealii;

  template <int dim, typename LA>
  HeatProblem<dim, LA>::HeatProblem(const parallel::distributed::Triangulation<dim> &tria,
                                    const Mapping<dim> &mapping, const HeatParameters &parameters,
                                    const ThermalMaterial &material, const Kinematics kinematics,
                                    TimerOutput &timer)
    : tria(tria)
    , mapping(mapping)
    , prm(parameters)
    , material(material)
    , kinematics(kinematics)
    , timer(timer)
    , comm(tria.get_communicator())
    , fe(parameters.fe_degree)
    , dofs(tria)
  {
    source_function = make_expression_function<dim>(prm.heat_source, "Heat/Heat source", true);
    if (prm.prescribed_field)
      temperature_field = make_expression_function<dim>(
        prm.temperature_field, "Heat/Prescribed temperature field", true);
    if (prm.prescribed_temperature != "environment")
      prescribed_function = make_expression_function<dim>(
        prm.prescribed_temperature, "Heat/Boundary conditions/Prescribed temperature", true);
  }

  template <int dim, typename LA>
  HeatProblem<dim, LA>::~HeatProblem()
  {
    dofs.clear();
  }

  template <int dim, typename LA>
  void HeatProblem<dim, LA>::setup()
  {
    TimerOutput::Scope scope(timer, "heat: setup");
    dofs.distribute_dofs(fe);
    owned = dofs.locally_owned_dofs();
    DoFTools::extract_locally_relevant_dofs(dofs, relevant);

    hanging_constraints.clear();
    hanging_constraints.reinit(relevant);
    DoFTools::make_hanging_node_constraints(dofs, hanging_constraints);
    hanging_constraints.close();

    DynamicSparsityPattern dsp(relevant);
    DoFTools::make_sparsity_pattern(dofs, dsp, hanging_constraints, false);
    SparsityTools::distribute_sparsity_pattern(dsp, owned, comm, relevant);
    system_matrix.reinit(owned, owned, dsp, comm);
    if (material.is_temperature_independent() && prm.prescribed_ids.empty())
      {
        // Same layout as system_matrix: copying it is cheaper than building it again.
        mass_matrix.reinit(system_matrix);
        conduction_matrix.reinit(system_matrix);
        robin_matrix.reinit(system_matrix);
        robin_load.reinit(owned, comm);
      }

    for (Vector *v : {&temperature_owned, &old_temperature_owned, &trial_owned, &rhs, &work,
                      &picard_previous})
      v->reinit(owned, comm);
    cg.reinit(owned, comm, prm.initial_guess_history);
    for (Vector *v : {&temperature_ghosted, &old_temperature_ghosted, &trial_ghosted,
                      &history_ghosted, &iterate_ghosted})
      v->reinit(owned, relevant, comm);
    fixed_operators_assembled = false;
    preconditioner_built      = false;
    system_matrix_key_a = system_matrix_key_h = -1;
  }

  template <int dim, typename LA>
  void HeatProblem<dim, LA>::set_initial_temperature(const Function<dim> &T0)
  {
    VectorTools::interpolate(mapping, dofs, T0, temperature_owned);
    hanging_constraints.distribute(temperature_owned);
    old_temperature_owned = temperature_owned;
    trial_owned           = temperature_owned;
    temperature_ghosted   = temperature_owned;
    old_temperature_ghosted = temperature_owned;
    trial_ghosted         = temperature_owned;
    cg.clear_history();
  }

  template <int dim, typename LA>
  void HeatProblem<dim, LA>::set_source(std::shared_ptr<const HeatSource<dim>> source)
  {
    extra_source = std::move(source);
  }

  template <int dim, typename LA>
  bool HeatProblem<dim, LA>::is_linear(const EnvironmentState &env) const
  {
    return material.is_temperature_independent() && prm.prescribed_ids.empty() &&
           (env.emissivity == 0 || prm.robin_ids.empty());
  }

  template <int dim, typename LA>
  void HeatProblem<dim, LA>::make_constraints(const double time, const EnvironmentState &env)
  {
    step_constraints.clear();
    step_constraints.reinit(relevant);
    step_constraints.merge(hanging_constraints);
    if (!prm.prescribed_ids.empty())
      {
        std::unique_ptr<Function<dim>> value;
        if (prescribed_function)
          prescribed_function->set_time(time);
        const Functions::ConstantFunction<dim> env_value(env.temperature);
        const Function<dim> &g = prescribed_function ? *prescribed_function
                                                     : static_cast<const Function<dim> &>(env_value);
        AffineConstraints<double> boundary(relevant);
        for (const auto id : prm.prescribed_ids)
          VectorTools::interpolate_boundary_values(mapping, dofs, static_cast<types::boundary_id>(id),
                                                   g, boundary);
        boundary.close();
        step_constraints.merge(boundary, AffineConstraints<double>::left_object_wins);
      }
    step_constraints.close();
  }

  // Mass (rho c_p), conduction and Robin operators for constant properties.
  template <int dim, typename LA>
  void HeatProblem<dim, LA>::assemble_fixed_operators()
  {
    TimerOutput::Scope scope(timer, "heat: assemble operators");
    const QGauss<dim>     quadrature(fe.degree + 1);
    const QGauss<dim - 1> face_quadrature(fe.degree + 1);
    FEValues<dim>     fv(mapping, fe, quadrature,
                     update_values | update_gradients | update_quadrature_points | update_JxW_values);
    FEFaceValues<dim> ffv(mapping, fe, face_quadrature,
                          update_values | update_quadrature_points | update_JxW_values);
    const unsigned int n = fe.n_dofs_per_cell();
    FullMatrix<double> local_m(n, n), local_k(n, n), local_b(n, n);
    dealii::Vector<double> local_f(n);
    std::vector<types::global_dof_index> indices(n);
    const double rho_cp = material.density * material.heat_capacity.value(300.0);
    const double k      = material.thermal_conductivity.value(300.0);

    mass_matrix       = 0;
    conduction_matrix = 0;
    robin_matrix      = 0;
    robin_load        = 0;
    for (const auto &cell : dofs.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          fv.reinit(cell);
          local_m = 0;
          local_k = 0;
          for (const unsigned int q : fv.quadrature_point_indices())
            {
              const double w = fv.JxW(q) * volume_weight(kinematics, fv.quadrature_point(q)[0]);
              for (unsigned int i = 0; i < n; ++i)
                {
                  const double         phi_i  = fv.shape_value(i, q);
                  const Tensor<1, dim> grad_i = fv.shape_grad(i, q);
                  for (unsigned int j = 0; j <= i; ++j)
                    {
                      local_m(i, j) += rho_cp * phi_i * fv.shape_value(j, q) * w;
                      local_k(i, j) += k * (grad_i * fv.shape_grad(j, q)) * w;
                    }
                }
            }
          for (unsigned int i = 0; i < n; ++i)
            for (unsigned int j = i + 1; j < n; ++j)
              {
                local_m(i, j) = local_m(j, i);
                local_k(i, j) = local_k(j, i);
              }
          cell->get_dof_indices(indices);
          hanging_constraints.distribute_local_to_global(local_m, indices, mass_matrix);
          hanging_constraints.distribute_local_to_global(local_k, indices, conduction_matrix);

          if (!cell->at_boundary())
            continue;
          local_b = 0;
          local_f = 0;
          bool has_robin = false;
          for (const auto f : cell->face_indices())
            if (cell->face(f)->at_boundary())
              {
                const unsigned int id = cell->face(f)->boundary_id();
                if (std::find(prm.robin_ids.begin(), prm.robin_ids.end(), id) == prm.robin_ids.end())
                  continue;
                has_robin = true;
                ffv.reinit(cell, f);
                const double s = prm.robin_factor(id);
                for (const unsigned int q : ffv.quadrature_point_indices())
                  {
                    const double w =
                      s * ffv.JxW(q) * volume_weight(kinematics, ffv.quadrature_point(q)[0]);
                    for (unsigned int i = 0; i < n; ++i)
                      {
                        local_f(i) += ffv.shape_value(i, q) * w;
                        for (unsigned int j = 0; j < n; ++j)
                          local_b(i, j) += ffv.shape_value(i, q) * ffv.shape_value(j, q) * w;
                      }
                  }
              }
          if (has_robin)
            {
              hanging_constraints.distribute_local_to_global(local_b, indices, robin_matrix);
              hanging_constraints.distribute_local_to_global(local_f, indices, robin_load);
            }
        }
    for (Matrix *m : {&mass_matrix, &conduction_matrix, &robin_matrix})
      m->compress(VectorOperation::add);
    robin_load.compress(VectorOperation::add);
    fixed_operators_assembled = true;
  }

  // A(T*) T = b(T*) linearised at the iterate T*: c_p and k at T*, radiation by a tangent
  // at T* (exact at convergence), BDF history on the right-hand side.
  template <int dim, typename LA>
  void HeatProblem<dim, LA>::assemble_linearised_system(const HeatStepData &step,
                                                        const Vector &iterate,
                                                        const Vector &history)
  {
    TimerOutput::Scope scope(timer, "heat: assemble system");
    const auto         c = bdf_coefficients(step.dt, step.dt_old, step.first_order);
    const QGauss<dim>     quadrature(fe.degree + 1);
    const QGauss<dim - 1> face_quadrature(fe.degree + 1);
    FEValues<dim>     fv(mapping, fe, quadrature,
                     update_values | update_gradients | update_quadrature_points | update_JxW_values);
    FEFaceValues<dim> ffv(mapping, fe, face_quadrature,
                          update_values | update_quadrature_points | update_JxW_values);
    const unsigned int n = fe.n_dofs_per_cell();
    FullMatrix<double> local_a(n, n);
    dealii::Vector<double> local_b(n);
    std::vector<types::global_dof_index> indices(n);
    std::vector<double> T_q(quadrature.size()), hist_q(quadrature.size()), src_q(quadrature.size());
    std::vector<double> T_f(face_quadrature.size()), dof_values(n);
    source_function->set_time(step.time);
    const double eps_sigma = step.environment.emissivity * stefan_boltzmann;
    const double T_env     = step.environment.temperature;
    const double T_env4    = std::pow(T_env, 4);

    system_matrix = 0;
    rhs           = 0;
    for (const auto &cell : dofs.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          fv.reinit(cell);
          scalar_cell_values(fv, cell, iterate, dof_values, T_q);
          scalar_cell_values(fv, cell, history, dof_values, hist_q);
          source_function->value_list(fv.get_quadrature_points(), src_q);
          if (extra_source)
            extra_source->add_values(cell, fv.get_quadrature_points(), step.time, src_q);
          local_a = 0;
          local_b = 0;
          for (const unsigned int q : fv.quadrature_point_indices())
            {
              const double w      = fv.JxW(q) * volume_weight(kinematics, fv.quadrature_point(q)[0]);
              const double rho_cp = material.density * material.heat_capacity.value(T_q[q]);
              const double k      = material.thermal_conductivity.value(T_q[q]);
              const double m_coef = rho_cp * c.a0 / step.dt;
              const double b_q    = (rho_cp * hist_q[q] / step.dt + src_q[q]) * w;
              for (unsigned int i = 0; i < n; ++i)
                {
                  const double         phi_i  = fv.shape_value(i, q);
                  const Tensor<1, dim> grad_i = fv.shape_grad(i, q);
                  for (unsigned int j = 0; j <= i; ++j)
                    local_a(i, j) +=
                      (m_coef * phi_i * fv.shape_value(j, q) + k * (grad_i * fv.shape_grad(j, q))) * w;
                  local_b(i) += phi_i * b_q;
                }
            }
          for (unsigned int i = 0; i < n; ++i)
            for (unsigned int j = i + 1; j < n; ++j)
              local_a(i, j) = local_a(j, i);

          if (cell->at_boundary())
            for (const auto f : cell->face_indices())
              if (cell->face(f)->at_boundary())
                {
                  const unsigned int id = cell->face(f)->boundary_id();
                  if (std::find(prm.robin_ids.begin(), prm.robin_ids.end(), id) == prm.robin_ids.end())
                    continue;
                  ffv.reinit(cell, f);
                  scalar_cell_values(ffv, cell, iterate, dof_values, T_f);
                  const double h = step.environment.heat_transfer_coefficient * prm.robin_factor(id);
                  for (const unsigned int q : ffv.quadrature_point_indices())
                    {
                      const double w  = ffv.JxW(q) * volume_weight(kinematics, ffv.quadrature_point(q)[0]);
                      const double T3 = T_f[q] * T_f[q] * T_f[q];
                      const double a  = h + 4 * eps_sigma * T3;
                      const double b  = h * T_env + eps_sigma * (3 * T3 * T_f[q] + T_env4);
                      for (unsigned int i = 0; i < n; ++i)
                        {
                          const double phi_i = ffv.shape_value(i, q);
                          local_b(i) += phi_i * b * w;
                          for (unsigned int j = 0; j < n; ++j)
                            local_a(i, j) += a * phi_i * ffv.shape_value(j, q) * w;
                        }
                    }
                }
          cell->get_dof_indices(indices);
          step_constraints.distribute_local_to_global(local_a, local_b, indices, system_matrix, rhs);
        }
    system_matrix.compress(VectorOperation::add);
    rhs.compress(VectorOperation::add);
  }

  template <int dim, typename LA>
  unsigned int HeatProblem<dim, LA>::solve_linear_system(Vector &solution,
                                                         const AffineConstraints<double> &constraints,
                                                         const double key)
  {
    // The AMG hierarchy is rebuilt when the operator's time-step coefficient changed
    // noticeably or CG needed clearly more iterations than right after the last build;
    // in between, CG converges with the slightly outdated (but fixed, SPD) preconditioner.
    const bool stale = !preconditioner_built || std::abs(key / preconditioner_key - 1) > 0.25;
    bool       rebuilt = false;
    const auto rebuild = [&]() {
      TimerOutput::Scope scope(timer, "heat: AMG setup");
      linear_algebra::AMGSettings s;
      s.elliptic              = true;
      s.higher_order_elements = fe.degree > 1;
      s.smoother_sweeps       = prm.amg_smoother_sweeps;
      s.aggregation_threshold = prm.amg_aggregation_threshold;
      s.gamg_threshold        = prm.gamg_threshold;
      linear_algebra::initialize_amg(preconditioner, system_matrix, s);
      preconditioner_built = true;
      preconditioner_key   = key;
      rebuilt              = true;
    };
    if (stale)
      rebuild();

    TimerOutput::Scope scope(timer, "heat: solve");
    const double       target = prm.linear_tolerance * rhs.l2_norm();
    unsigned int       iterations = 0;
    for (unsigned int attempt = 0; attempt < 2; ++attempt)
      {
        SolverControl control(prm.max_linear_iterations, target);
        try
          {
            iterations += cg.solve(system_matrix, preconditioner, solution, rhs, control);
            break;
          }
        catch (const SolverControl::NoConvergence &)
          {
            iterations += control.last_step();
            if (rebuilt)
              throw;
            rebuild();
          }
      }
    if (rebuilt)
      iterations_after_build = iterations;
    else if (iterations > 1.5 * iterations_after_build + 3)
      preconditioner_built = false; // rebuild before the next solve
    constraints.distribute(solution);
    return iterations;
  }

  template <int dim, typename LA>
  HeatStepReport HeatProblem<dim, LA>::solve_time_step(const HeatStepData &step)
  {
    HeatStepReport report;
    if (temperature_field)
      {
        // Prescribed temperature history: no equation to solve.
        temperature_field->set_time(step.time);
        VectorTools::interpolate(mapping, dofs, *temperature_field, trial_owned);
        hanging_constraints.distribute(trial_owned);
        trial_ghosted = trial_owned;
        work          = trial_owned;
        work -= temperature_owned;
        report.max_change = work.linfty_norm();
        report.converged  = true;
        return report;
      }
    const auto     c = bdf_coefficients(step.dt, step.dt_old, step.first_order);
    const EnvironmentState &env = step.environment;

    // History part of the BDF formula: -(a1 T^n + a2 T^{n-1}).
    work = temperature_owned;
    work *= -c.a1;
    if (c.a2 != 0)
      work.add(-c.a2, old_temperature_owned);

    // Initial guess: linear extrapolation in time.
    trial_owned = temperature_owned;
    if (!step.first_order && step.dt_old > 0)
      {
        trial_owned.sadd(1 + step.dt / step.dt_old, -step.dt / step.dt_old, old_temperature_owned);
      }
    make_constraints(step.time, env);
    step_constraints.distribute(trial_owned);

    try
      {
        if (is_linear(env))
          {
            if (!fixed_operators_assembled)
              assemble_fixed_operators();
            const double a = c.a0 / step.dt;
            const double h = env.heat_transfer_coefficient;
            // Relative comparison: steps that differ from the planned one only by round-off
            // (e.g. the last step of a segment) reuse the matrix and the AMG hierarchy.
            const auto differs = [](const double x, const double y) {
              return std::abs(x - y) > 1e-12 * std::max(std::abs(x), std::abs(y));
            };
            if (differs(a, system_matrix_key_a) || differs(h, system_matrix_key_h))
              {
                TimerOutput::Scope scope(timer, "heat: assemble system");
                system_matrix.copy_from(conduction_matrix);
                system_matrix.add(a, mass_matrix);
                if (h != 0)
                  system_matrix.add(h, robin_matrix);
                system_matrix_key_a  = a;
                system_matrix_key_h  = h;
                preconditioner_built = false;
                cg.clear_history(); // earlier solutions belong to another matrix
              }
            {
              TimerOutput::Scope scope(timer, "heat: assemble rhs");
              mass_matrix.vmult(rhs, work);
              rhs *= 1.0 / step.dt;
              rhs.add(h * env.temperature, robin_load);
              const bool has_source = extra_source || prm.heat_source != "0";
              if (has_source)
                {
                  // Rare: add the source with the general cell loop into a scratch vector.
                  const QGauss<dim> quadrature(fe.degree + 1);
                  FEValues<dim>     fv(mapping, fe, quadrature,
                                   update_values | update_quadrature_points | update_JxW_values);
                  dealii::Vector<double> local(fe.n_dofs_per_cell());
                  std::vector<types::global_dof_index> indices(fe.n_dofs_per_cell());
                  std::vector<double> src(quadrature.size());
                  source_function->set_time(step.time);
                  Vector source_vector(owned, comm);
                  for (const auto &cell : dofs.active_cell_iterators())
                    if (cell->is_locally_owned())
                      {
                        fv.reinit(cell);
                        source_function->value_list(fv.get_quadrature_points(), src);
                        if (extra_source)
                          extra_source->add_values(cell, fv.get_quadrature_points(), step.time, src);
                        local = 0;
                        for (const unsigned int q : fv.quadrature_point_indices())
                          for (unsigned int i = 0; i < local.size(); ++i)
                            local(i) += src[q] * fv.shape_value(i, q) * fv.JxW(q) *
                                        volume_weight(kinematics, fv.quadrature_point(q)[0]);
                        cell->get_dof_indices(indices);
                        hanging_constraints.distribute_local_to_global(local, indices, source_vector);
                      }
                  source_vector.compress(VectorOperation::add);
                  rhs += source_vector;
                }
              hanging_constraints.set_zero(rhs);
            }
            // CG starts from the projection onto the earlier solutions of this matrix (the
            // extrapolated trial while there are none). Preconditioner key: the diagonal
            // scale of the operator.
            report.linear_iterations = solve_linear_system(trial_owned, hanging_constraints, a + h);
            report.nonlinear_iterations = 1;
            report.converged            = true;
          }
        else
          {
            // Members, not locals: a ghosted Trilinos vector built per step (and a copy per
            // iteration) sets up its communication pattern again each time.
            history_ghosted = work;
            for (unsigned int it = 0; it < prm.max_nonlinear_iterations; ++it)
              {
                iterate_ghosted = trial_owned;
                assemble_linearised_system(step, iterate_ghosted, history_ghosted);
                Vector &previous = picard_previous;
                previous         = trial_owned;
                cg.clear_history(); // a new matrix in every Picard iteration
                report.linear_iterations +=
                  solve_linear_system(trial_owned, step_constraints,
                                      c.a0 / step.dt + env.heat_transfer_coefficient);
                ++report.nonlinear_iterations;
                previous -= trial_owned;
                if (previous.linfty_norm() <= prm.nonlinear_tolerance)
                  {
                    report.converged = true;
                    break;
                  }
              }
          }
      }
    catch (const SolverControl::NoConvergence &)
      {
        report.converged = false;
      }
    trial_ghosted = trial_owned;
    work          = trial_owned;
    work -= temperature_owned;
    report.max_change = work.linfty_norm();
    return report;
  }

  template <int dim, typename LA>
  void HeatProblem<dim, LA>::accept_time_step()
  {
    old_temperature_owned.swap(temperature_owned);
    temperature_owned = trial_owned;
    old_temperature_ghosted.swap(temperature_ghosted);
    temperature_ghosted = trial_ghosted;
  }

  template <int dim, typename LA>
  void HeatProblem<dim, LA>::attach_checkpoint_data()
  {
    checkpoint_transfer =
      std::make_unique<parallel::distributed::SolutionTransfer<dim, Vector, dim>>(dofs);
    checkpoint_transfer->prepare_for_serialization(
      std::vector<const Vector *>{&temperature_ghosted, &old_temperature_ghosted});
  }

  template <int dim, typename LA>
  void HeatProblem<dim, LA>::restore_checkpoint_data()
  {
    parallel::distributed::SolutionTransfer<dim, Vector, dim> transfer(dofs);
    std::vector<Vector *> vectors{&temperature_owned, &old_temperature_owned};
    transfer.deserialize(vectors);
    finish_restore();
  }

  template <int dim, typename LA>
  void HeatProblem<dim, LA>::restore_repartitioned_data()
  {
    // The transfer of attach_checkpoint_data() unpacks through its own handle.
    std::vector<Vector *> vectors{&temperature_owned, &old_temperature_owned};
    checkpoint_transfer->interpolate(vectors);
    checkpoint_transfer.reset();
    finish_restore();
  }

  template <int dim, typename LA>
  void HeatProblem<dim, LA>::finish_restore()
  {
    hanging_constraints.distribute(temperature_owned);
    hanging_constraints.distribute(old_temperature_owned);
    trial_owned             = temperature_owned;
    temperature_ghosted     = temperature_owned;
    old_temperature_ghosted = old_temperature_owned;
    trial_ghosted           = temperature_owned;
    reset_solver_state();
  }

  template <int dim, typename LA>
  void HeatProblem<dim, LA>::reset_solver_state()
  {
    cg.clear_history();
    fixed_operators_assembled = false;
    preconditioner_built      = false;
    preconditioner_key        = 0;
    iterations_after_build    = 0;
    system_matrix_key_a = system_matrix_key_h = -1;
  }

  template <int dim, typename LA>
  double HeatProblem<dim, LA>::min_temperature() const
  {
    return temperature_owned.min();
  }

  template <int dim, typename LA>
  double HeatProblem<dim, LA>::max_temperature() const
  {
    return temperature_owned.max();
  }

  template class HeatProblem<2, linear_algebra::Trilinos>;
  template class HeatProblem<3, linear_algebra::Trilinos>;
  template class HeatProblem<2, linear_algebra::PETSc>;
  template class HeatProblem<3, linear_algebra::PETSc>;
} // namespace bmgfe
