#include <bmgfe/core/expression.h>
#include <bmgfe/core/input_error.h>
#include <bmgfe/physics/heat_problem.h>

#include <deal.II/base/quadrature_lib.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/full_matrix.h>
#include <deal.II/lac/solver_cg.h>
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

  namespace
  {
    /// Least-squares solution of G c = g for a symmetric positive semi-definite k x k
    /// matrix G (k small) by a Jacobi eigen-decomposition; eigenvalues below
    /// rel_tol * the largest are ignored (the guess space may be nearly dependent).
    std::vector<double> solve_semidefinite(std::vector<std::vector<double>> G,
                                           const std::vector<double> &g, const double rel_tol)
    {
      const std::size_t k = g.size();
      std::vector<std::vector<double>> V(k, std::vector<double>(k, 0.0));
      for (std::size_t i = 0; i < k; ++i)
        V[i][i] = 1;
      for (unsigned int sweep = 0; sweep < 50; ++sweep)
        {
          double off = 0, diag = 0;
          for (std::size_t p = 0; p < k; ++p)
            {
              diag += G[p][p] * G[p][p];
              for (std::size_t q = p + 1; q < k; ++q)
                off += G[p][q] * G[p][q];
            }
          if (off <= 1e-32 * diag)
            break;
          for (std::size_t p = 0; p < k; ++p)
            for (std::size_t q = p + 1; q < k; ++q)
              {
                if (G[p][q] == 0)
                  continue;
                const double theta = (G[q][q] - G[p][p]) / (2 * G[p][q]);
                const double t     = (theta >= 0 ? 1.0 : -1.0) /
                                 (std::abs(theta) + std::sqrt(theta * theta + 1));
                const double c = 1 / std::sqrt(t * t + 1), s = t * c;
                for (std::size_t r = 0; r < k; ++r)
                  {
                    const double a = G[r][p], b = G[r][q];
                    G[r][p]        = c * a - s * b;
                    G[r][q]        = s * a + c * b;
                  }
                for (std::size_t r = 0; r < k; ++r)
                  {
                    const double a = G[p][r], b = G[q][r];
                    G[p][r]        = c * a - s * b;
                    G[q][r]        = s * a + c * b;
                  }
                for (std::size_t r = 0; r < k; ++r)
                  {
                    const double a = V[r][p], b = V[r][q];
                    V[r][p]        = c * a - s * b;
                    V[r][q]        = s * a + c * b;
                  }
              }
        }
      double largest = 0;
      for (std::size_t e = 0; e < k; ++e)
        largest = std::max(largest, G[e][e]);
      std::vector<double> c(k, 0.0);
      for (std::size_t e = 0; e < k; ++e)
        if (G[e][e] > rel_tol * largest)
          {
            double projection = 0;
            for (std::size_t i = 0; i < k; ++i)
              projection += V[i][e] * g[i];
            for (std::size_t i = 0; i < k; ++i)
              c[i] += V[i][e] * projection / G[e][e];
          }
      return c;
    }

    // Fused operations on several vectors for the initial-guess space: one pass over the
    // memory instead of one per vector (and one MPI reduction). They work on the local
    // values of owned (non-ghosted) Trilinos vectors; for PETSc vectors local_values()
    // gives nullptr and the callers use the ordinary vector operations.
    inline double *local_values(TrilinosWrappers::MPI::Vector &v)
    {
      return v.begin();
    }
    inline const double *local_values(const TrilinosWrappers::MPI::Vector &v)
    {
      return v.begin();
    }
    template <typename VectorType>
    double *local_values(VectorType &)
    {
      return nullptr;
    }

    constexpr std::size_t chunk = 512; // values per block (stays in the L1 cache)

    /// out_j = v_j . w for all j; returns false if the vectors give no local values.
    template <typename VectorType>
    bool multi_dot(const std::vector<VectorType> &v, const VectorType &w, const MPI_Comm comm,
                   std::vector<double> &out)
    {
      out.assign(v.size(), 0.0);
      const double *wp = local_values(w);
      if (wp == nullptr)
        return false;
      const std::size_t n = w.locally_owned_size();
      std::vector<std::array<double, 4>> sums(v.size(), {{0, 0, 0, 0}}); // 4 partial sums
      for (std::size_t begin = 0; begin < n; begin += chunk)
        {
          const std::size_t end = std::min(n, begin + chunk);
          for (std::size_t j = 0; j < v.size(); ++j)
            {
              const double *vp = local_values(v[j]);
              auto         &s  = sums[j];
              std::size_t   i  = begin;
              for (; i + 4 <= end; i += 4)
                for (unsigned int l = 0; l < 4; ++l)
                  s[l] += vp[i + l] * wp[i + l];
              for (; i < end; ++i)
                s[0] += vp[i] * wp[i];
            }
        }
      for (std::size_t j = 0; j < v.size(); ++j)
        out[j] = (sums[j][0] + sums[j][1]) + (sums[j][2] + sums[j][3]);
      MPI_Allreduce(MPI_IN_PLACE, out.data(), static_cast<int>(out.size()), MPI_DOUBLE, MPI_SUM,
                    comm);
      return true;
    }

    /// x += sum_j c_j v_j in one blocked pass; false if the vectors give no local values.
    template <typename VectorType>
    bool multi_add(VectorType &x, const std::vector<VectorType> &v, const std::vector<double> &c)
    {
      double *xp = local_values(x);
      if (xp == nullptr)
        return false;
      const std::size_t n = x.locally_owned_size();
      for (std::size_t begin = 0; begin < n; begin += chunk)
        {
          const std::size_t end = std::min(n, begin + chunk);
          for (std::size_t j = 0; j < v.size(); ++j)
            {
              const double *vp = local_values(v[j]);
              const double  cj = c[j];
              for (std::size_t i = begin; i < end; ++i)
                xp[i] += cj * vp[i];
            }
        }
      return true;
    }
  } // namespace

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
                      &cg_solution, &cg_residual, &cg_direction, &cg_preconditioned, &cg_product,
                      &guess_x_old, &guess_ax_old, &guess_x_new, &guess_ax_new})
      v->reinit(owned, comm);
    reset_guess_space();
    for (Vector *v : {&temperature_ghosted, &old_temperature_ghosted, &trial_ghosted})
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
    reset_guess_space();
  }

  template <int dim, typename LA>
  void HeatProblem<dim, LA>::reset_guess_space()
  {
    guess_d.clear();
    guess_ad.clear();
    guess_gram.clear();
    guess_old_valid = guess_new_valid = false;
  }

  template <int dim, typename LA>
  bool HeatProblem<dim, LA>::guess_from_history(const bool trial_is_old_temperature)
  {
    if (!guess_old_valid)
      {
        // Start the history at T^n (one product; it replaces the one for CG's residual).
        guess_x_old = temperature_owned;
        system_matrix.vmult(guess_ax_old, guess_x_old);
        guess_old_valid = true;
      }
    // Without differences the guess is T^n: keep an extrapolated trial instead.
    if (guess_d.empty() && !trial_is_old_temperature)
      return false;
    // r = b - A x_n, then the A-orthogonal projection of the error onto span{d_i}:
    // (D^T A D) c = D^T r, x0 = x_n + D c. The residual of x0 is computed with a product
    // (as CG would do for any initial guess) rather than updated as r - (A D) c: the
    // recursively known A x_n and A d_i carry the drift of earlier CG runs, and without a
    // true residual now and then that drift grows from step to step.
    cg_residual = rhs;
    cg_residual -= guess_ax_old;
    trial_owned = guess_x_old;
    if (!guess_d.empty())
      {
        std::vector<double> g;
        if (!multi_dot(guess_d, cg_residual, comm, g))
          for (std::size_t i = 0; i < guess_d.size(); ++i)
            g[i] = guess_d[i] * cg_residual;
        const auto c = solve_semidefinite(guess_gram, g, 1e-12);
        if (!multi_add(trial_owned, guess_d, c))
          for (std::size_t i = 0; i < guess_d.size(); ++i)
            if (c[i] != 0)
              trial_owned.add(c[i], guess_d[i]);
        system_matrix.vmult(cg_residual, trial_owned);
        cg_residual.sadd(-1.0, 1.0, rhs);
      }
    return true;
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
    std::vector<double> T_f(face_quadrature.size());
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
          fv.get_function_values(iterate, T_q);
          fv.get_function_values(history, hist_q);
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
                  ffv.get_function_values(iterate, T_f);
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
  void HeatProblem<dim, LA>::run_cg(Vector &x, Vector &r, SolverControl &control)
  {
    double               residual_norm = r.l2_norm();
    SolverControl::State state         = control.check(0, residual_norm);
    double               rz            = 0;
    for (unsigned int it = 1; state == SolverControl::iterate; ++it)
      {
        preconditioner.vmult(cg_preconditioned, r);
        const double rz_new = r * cg_preconditioned;
        if (it == 1)
          cg_direction = cg_preconditioned;
        else
          cg_direction.sadd(rz_new / rz, 1.0, cg_preconditioned);
        rz = rz_new;
        system_matrix.vmult(cg_product, cg_direction);
        const double alpha = rz / (cg_direction * cg_product);
        x.add(alpha, cg_direction);
        residual_norm = std::sqrt(std::abs(r.add_and_dot(-alpha, cg_product, r)));
        state         = control.check(it, residual_norm);
      }
    if (state != SolverControl::success)
      throw SolverControl::NoConvergence(control.last_step(), control.last_value());
  }

  template <int dim, typename LA>
  unsigned int HeatProblem<dim, LA>::solve_linear_system(Vector &solution,
                                                         const AffineConstraints<double> &constraints,
                                                         const double key, const bool residual_given)
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
        cg_solution = solution;
        if (!residual_given || attempt > 0)
          {
            system_matrix.vmult(cg_residual, cg_solution);
            cg_residual.sadd(-1.0, 1.0, rhs);
          }
        try
          {
            run_cg(cg_solution, cg_residual, control);
            iterations += control.last_step();
            solution = cg_solution;
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
    guess_new_valid = false;
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
                reset_guess_space();
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
            // Initial guess from the previous solutions (else T^n or its extrapolation).
            const bool residual_given =
              guess_from_history(step.first_order || step.dt_old <= 0);
            // Preconditioner key: the diagonal scale of the operator.
            report.linear_iterations =
              solve_linear_system(trial_owned, hanging_constraints, a + h, residual_given);
            guess_x_new = cg_solution;
            guess_ax_new = rhs;
            guess_ax_new -= cg_residual; // A x = b - r
            // A step that CG did not iterate on adds no new direction to the space.
            guess_new_valid      = true;
            guess_new_is_in_span = report.linear_iterations == 0;
            report.nonlinear_iterations = 1;
            report.converged            = true;
          }
        else
          {
            reset_guess_space();
            Vector history_ghosted(owned, relevant, comm);
            history_ghosted = work;
            Vector iterate_ghosted(owned, relevant, comm);
            for (unsigned int it = 0; it < prm.max_nonlinear_iterations; ++it)
              {
                iterate_ghosted = trial_owned;
                assemble_linearised_system(step, iterate_ghosted, history_ghosted);
                Vector previous = trial_owned;
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

    // Extend the initial-guess space by d = x_{n+1} - x_n (raw CG solutions, same matrix).
    if (guess_new_valid && guess_old_valid && !guess_new_is_in_span)
      {
        if (guess_d.size() == max_guess_vectors)
          {
            // Drop the oldest difference, keep its storage for the new one.
            std::rotate(guess_d.begin(), guess_d.begin() + 1, guess_d.end());
            std::rotate(guess_ad.begin(), guess_ad.begin() + 1, guess_ad.end());
            guess_gram.erase(guess_gram.begin());
            for (auto &row : guess_gram)
              row.erase(row.begin());
          }
        else
          {
            guess_d.emplace_back(owned, comm);
            guess_ad.emplace_back(owned, comm);
          }
        Vector &d  = guess_d.back();
        Vector &ad = guess_ad.back();
        d          = guess_x_new;
        d -= guess_x_old;
        ad = guess_ax_new;
        ad -= guess_ax_old;
        const std::size_t m = guess_d.size();
        for (auto &row : guess_gram)
          row.push_back(0);
        guess_gram.emplace_back(m, 0.0);
        std::vector<double> row; // d . A d_j (= d_j . A d, A symmetric)
        if (!multi_dot(guess_ad, d, comm, row))
          for (std::size_t j = 0; j < m; ++j)
            row[j] = d * guess_ad[j];
        for (std::size_t j = 0; j < m; ++j)
          guess_gram[m - 1][j] = guess_gram[j][m - 1] = row[j];
      }
    if (guess_new_valid)
      {
        guess_x_old.swap(guess_x_new);
        guess_ax_old.swap(guess_ax_new);
        guess_old_valid = true;
        guess_new_valid = false;
      }
    else
      guess_old_valid = false;
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
