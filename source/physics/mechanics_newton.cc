// Plastic models of MechanicsProblem ('Mechanics/Inelastic model = plastic|viscoplastic'):
// the time step is split into substeps that are halved on failure (cutback and retry); each
// substep is a global Newton iteration with the consistent tangent of the material-point
// update (viscoplastic_update.h), GMRES + AMG (the tangent is not symmetric) and a
// backtracking line search. Nothing of a failed attempt is kept: the state changes only in
// commit_plastic_state() after convergence. doc/model.md, "Global Newton method", explains
// the choices.
#include <bmgfe/base/expression.h>
#include <bmgfe/base/input_error.h>
#include <bmgfe/linear_algebra/elasticity_amg.h>
#include <bmgfe/materials/viscoplastic_update.h>
#include <bmgfe/materials/viscous_flow.h>
#include <bmgfe/physics/mechanics_problem.h>

#include <deal.II/fe/fe_values.h>
#include <deal.II/lac/full_matrix.h>
#include <deal.II/lac/solver_control.h>
#include <deal.II/lac/solver_gmres.h>
#include <deal.II/lac/vector.h>

#include <algorithm>
#include <cmath>
#include <sstream>

namespace bmgfe
{
  using namespace dealii;

  template <int dim, typename LA>
  MechanicsStepReport MechanicsProblem<dim, LA>::solve_plastic(const double t,
                                                               const DoFHandler<dim> &heat_dofs,
                                                               const typename LA::Vector &temperature)
  {
    MechanicsStepReport report;
    const double        t0 = std::isnan(t_last) ? t : t_last;
    // The step's start temperature at every point: substeps interpolate from it.
    {
      FEValues<dim>       hv(mapping, heat_dofs.get_fe(), quadrature, update_values);
      std::vector<double> T_q(quadrature.size());
      for (const auto &heat_cell : heat_dofs.active_cell_iterators())
        if (heat_cell->is_locally_owned())
          {
            hv.reinit(heat_cell);
            hv.get_function_values(temperature, T_q);
            const typename Triangulation<dim>::active_cell_iterator cell(&tria, heat_cell->level(),
                                                                        heat_cell->index());
            for (unsigned int q = 0; q < quadrature.size(); ++q)
              {
                MaterialPointState &d = *state.get_data(cell)[q];
                d.temperature_begin   = std::isnan(d.temperature) ? T_q[q] : d.temperature;
                d.plastic_power       = 0; // sums the substeps' work, divided below

              }
          }
    }
    // The plastic work density of the whole step, summed over its substeps: the heat source of
    // the next heat step (whatever its length) must receive exactly this energy.
    cell_plastic_work.assign(tria.n_active_cells(), 0.0);
    double       done = 0, fraction = 1;
    unsigned int successes_in_row = 0;
    while (done < 1)
      {
        double target = std::min(1.0, done + fraction);
        if (1 - target < 1e-12)
          target = 1;
        const double t_sub = target == 1 ? t : t0 + target * (t - t0);
        const double t_prev = std::isnan(t_last) ? t_sub : t_last;
        temperature_fraction = target;
        if (prm.viscous)
          update_trial_state(t_sub, heat_dofs, temperature);
        // Predictor: the last converged increment scaled to this substep. Plastic flow
        // continues in the same pattern (a band keeps shearing), so Newton starts close to the
        // solution instead of from an elastic guess; the first iteration corrects the boundary
        // values and any change of the pattern.
        const Vector substep_start = solution;
        const double eps0_start    = eps0;
        newton_start               = solution;
        newton_start_eps0          = eps0;
        if (last_increment_dt > 0 && t_sub > t_prev)
          {
            newton_start.add((t_sub - t_prev) / last_increment_dt, last_increment);
            newton_start_eps0 += (t_sub - t_prev) / last_increment_dt * last_increment_eps0;
          }
        if (newton(t_sub, target, heat_dofs, temperature, report))
          {
            last_increment = solution;
            last_increment -= substep_start;
            last_increment_eps0 = eps0 - eps0_start;
            last_increment_dt = t_sub - t_prev;
            commit_plastic_state(t_sub, t_sub - t_prev, target, heat_dofs, temperature, report);
            t_last = t_sub;
            done   = target;
            ++report.substeps;
            // Two converged substeps in a row: try a longer one.
            if (++successes_in_row >= 2)
              fraction = std::min(1.0, 2 * fraction), successes_in_row = 0;
          }
        else
          {
            ++report.cutbacks;
            successes_in_row = 0;
            fraction /= 2;
            // Back to the last converged displacement (the state was not touched).
            displacement_ghosted = solution;
            eps0                 = eps0_start;
            if (report.cutbacks > prm.max_cutbacks)
              {
                // The state stays at the last converged substep (t_last): that is what the
                // caller writes as the last output.
                std::ostringstream what;
                what << "the mechanics (Newton, plastic model) did not converge in the step to t = "
                     << t << " s after " << prm.max_cutbacks
                     << " cutbacks (last substep " << fraction * 2 * (t - t0)
                     << " s; last relative residuals";
                for (const double r : report.residuals)
                  what << ' ' << r;
                what << "); reduce the time step ('Time stepping/Initial time step', "
                        "'Maximum time step') or raise "
                        "'Mechanics/Newton/Maximum cutbacks' or 'Maximum iterations'";
                throw RunError(what.str());
              }
          }
      }
    temperature_fraction = 1;
    report.axial_strain  = eps0;
    // Plastic power of the step at the points (output): its work over its length.
    for (const auto &cell : tria.active_cell_iterators())
      if (cell->is_locally_owned())
        for (auto &d : state.get_data(cell))
          d->plastic_power = t > t0 ? d->plastic_power / (t - t0) : 0.0;
    return report;
  }

  template <int dim, typename LA>
  bool MechanicsProblem<dim, LA>::newton(const double t_sub, const double fraction,
                                         const DoFHandler<dim> &heat_dofs,
                                         const typename LA::Vector &temperature,
                                         MechanicsStepReport &report)
  {
    make_constraints(t_sub);
    displacement_ghosted = newton_start;
    // First iteration: the constrained DoFs move from their current values to the prescribed
    // ones in one linearised step (the tangent spreads the increment into the body);
    // afterwards the corrections are zero there.
    AffineConstraints<double> first;
    AffineConstraints<double> &homogeneous = homogeneous_constraints;
    first.copy_from(constraints);
    homogeneous.copy_from(constraints);
    double largest_increment = 0;
    for (const auto &line : constraints.get_lines())
      if (line.entries.empty())
        {
          const double increment = line.inhomogeneity - displacement_ghosted[line.index];
          first.set_inhomogeneity(line.index, increment);
          homogeneous.set_inhomogeneity(line.index, 0);
          largest_increment = std::max(largest_increment, std::abs(increment));
        }
      else
        homogeneous.set_inhomogeneity(line.index, 0);
    largest_increment = Utilities::MPI::max(largest_increment, comm);

    report.residuals.clear();
    const bool   gps        = kinematics == Kinematics::generalized_plane_strain;
    const bool   axial_free = gps && !prm.prescribe_axial_strain;
    Vector       u          = newton_start; // owned iterate
    eps0 = gps ? (prm.prescribe_axial_strain ? prm.axial_value : newton_start_eps0) : 0.0;
    double eps0_iterate = eps0;
    double       residual_norm = 0, force_norm = 0;
    unsigned int plastic_points = 0;
    displacement_ghosted        = u;
    // The preconditioner is the AMG of the elastic (viscous model: Maxwell) stiffness, not of the
    // tangent: plastic points make the tangent singular (perfect plasticity) or indefinite
    // (softening) and ML's hierarchy of such a matrix does not reduce the residual at all,
    // while the elastic one is SPD and differs from the tangent only in the plastic zone.
    // Rebuilt for every substep when the stiffness changes (temperature-dependent moduli,
    // viscous relaxation), otherwise once.
    const bool new_preconditioner = !preconditioner_is_elastic || prm.viscous ||
                                    !material.is_temperature_independent();
    if (!assemble_newton(u, t_sub, fraction, heat_dofs, temperature,
                         largest_increment > 0 ? first : homogeneous, true, new_preconditioner,
                         residual_norm, force_norm, plastic_points))
      return false;
    if (new_preconditioner)
      {
        TimerOutput::Scope          scope(timer, "mechanics: AMG setup");
        linear_algebra::AMGSettings s;
        s.elliptic              = true;
        s.higher_order_elements = fe.degree > 1;
        s.smoother_sweeps       = prm.amg_smoother_sweeps;
        s.aggregation_threshold = prm.amg_aggregation_threshold;
        s.smoother_type         = prm.amg_smoother;
        s.gamg_threshold        = prm.gamg_threshold;
        linear_algebra::initialize_elasticity_amg(preconditioner, elastic_matrix, s, near_null_space);
        preconditioner_is_elastic = true;
      }
    const double floor = force_floor;
    for (unsigned int it = 0;; ++it)
      {
        const double scale = std::max(force_norm, floor);
        report.residuals.push_back(residual_norm / scale);
        if (!std::isfinite(residual_norm))
          return false;
        if (residual_norm <= prm.newton_tolerance * scale && !(it == 0 && largest_increment > 0))
          {
            report.newton_iterations += it;
            report.max_newton_iterations = std::max(report.max_newton_iterations, it);
            report.plastic_points        = plastic_points;
            solution                     = u;
            return true;
          }
        if (it >= prm.newton_max_iterations)
          {
            return false;
          }

        // Correction: GMRES on the tangent, preconditioned by the elastic AMG.
        const auto gmres_solve = [&](Vector &x, const Vector &b) -> bool {
          TimerOutput::Scope scope(timer, "mechanics: solve");
          const double       b_norm = b.l2_norm();
          SolverControl      control(prm.newton_max_linear_iterations,
                                     prm.newton_linear_tolerance * b_norm);
          typename SolverGMRES<Vector>::AdditionalData data(std::min(200u, prm.newton_max_linear_iterations), true);
          SolverGMRES<Vector> gmres(control, data);
          x = 0;
          try
            {
              gmres.solve(matrix, x, b, preconditioner);
            }
          catch (const SolverControl::NoConvergence &e)
            {
              // Inexact Newton: a correction that reduced the linear residual by two orders is
              // still a descent direction worth trying (the line search guards it); plastic
              // zones at a Mohr-Coulomb edge make the tangent nearly singular and GMRES may
              // stall short of the tolerance. Anything worse is a failure.
              report.linear_iterations += control.last_step();
              if (!(e.last_residual <= 1e-2 * b_norm))
                return false;
              ++report.inexact_solves;
              return true;
            }
          report.linear_iterations += control.last_step();
          return true;
        };
        if (!gmres_solve(newton_increment, rhs))
          return false;
        (it == 0 && largest_increment > 0 ? first : homogeneous).distribute(newton_increment);
        // Generalized plane strain: eliminate the axial-strain correction (bordered system
        // [K k_u0; k_0u^T k_00] [du; de0] = -[R_u; R_0], k_u0 != k_0u for a non-symmetric C).
        double d_eps0 = 0;
        if (axial_free)
          {
            if (!gmres_solve(gps_u2, gps_b))
              return false;
            homogeneous.distribute(gps_u2);
            d_eps0 = (-gps_axial_residual - (gps_b_row * newton_increment)) /
                     (gps_c - (gps_b_row * gps_u2));
            newton_increment.add(-d_eps0, gps_u2);
          }

        // Backtracking line search on the residual norm (none in the first iteration with a
        // prescribed increment: a shorter step would miss the boundary values).
        const double old_norm = residual_norm;
        const bool   search   = !(it == 0 && largest_increment > 0) && prm.line_search_steps > 0;
        double       alpha    = 1;
        bool         accepted = false;
        for (unsigned int ls = 0; ls <= (search ? prm.line_search_steps : 0); ++ls, alpha /= 2)
          {
            newton_trial = u;
            newton_trial.add(alpha, newton_increment);
            displacement_ghosted = newton_trial;
            eps0                 = eps0_iterate + alpha * d_eps0;
            const bool ok = assemble_newton(newton_trial, t_sub, fraction, heat_dofs, temperature,
                                            homogeneous, true, false, residual_norm, force_norm,
                                            plastic_points);
            if (ok && std::isfinite(residual_norm) &&
                (!search || residual_norm <= (1 - 1e-4 * alpha) * old_norm ||
                 ls == prm.line_search_steps))
              {
                accepted = true;
                break;
              }
          }
        if (!accepted)
          return false;
        u            = newton_trial;
        eps0_iterate = eps0;
      }
  }

  template <int dim, typename LA>
  bool MechanicsProblem<dim, LA>::assemble_newton(const Vector &, const double t_sub,
                                                  const double fraction,
                                                  const DoFHandler<dim> &heat_dofs,
                                                  const typename LA::Vector &temperature,
                                                  const AffineConstraints<double> &increment_constraints,
                                                  const bool with_matrix,
                                                  const bool with_elastic_matrix, double &residual_norm,
                                                  double &force_norm, unsigned int &plastic_points)
  {
    TimerOutput::Scope scope(timer, "mechanics: assemble tangent and residual");
    const bool    axisymmetric = kinematics == Kinematics::axisymmetric;
    FEValues<dim> fv(mapping, fe, quadrature,
                     update_values | update_gradients | update_quadrature_points | update_JxW_values);
    FEValues<dim> hv(mapping, heat_dofs.get_fe(), quadrature, update_values);
    const QGauss<dim - 1> face_quadrature(fe.degree + 1);
    FEFaceValues<dim>     ffv(mapping, fe, face_quadrature,
                          update_values | update_normal_vectors | update_quadrature_points |
                            update_JxW_values);
    std::map<unsigned int, std::unique_ptr<Function<dim>>> pressures;
    for (const auto &[id, expr] : prm.pressure)
      {
        pressures[id] = make_expression_function<dim>(expr, "Mechanics/Boundary conditions/Pressure", true);
        pressures[id]->set_time(t_sub);
      }
    std::unique_ptr<Function<dim>>      body_force;
    std::vector<dealii::Vector<double>> f_q;
    if (!prm.body_force.empty())
      {
        body_force = make_vector_expression_function<dim>(prm.body_force, "Mechanics/Body force", true);
        body_force->set_time(t_sub);
        f_q.assign(quadrature.size(), dealii::Vector<double>(dim));
      }
    const FreeVolumeParameters &fvp  = material.free_volume;
    MohrCoulombFlow             flow;
    flow.dilatancy_factor         = material.strength.dilatancy_factor;
    flow.steady_state_free_volume = material.strength.steady_state_free_volume;
    flow.zeta                     = fvp.zeta();
    // The strength sees x-hat = m x-bar + (1 - m) x; x-bar_n lags one step, and the point's
    // own dilatation of the step enters x-hat with (1 - m) + m w (NonlocalParameters).
    MohrCoulombControl return_control;
    return_control.strength_increment_weight = prm.nonlocal.strength_increment_weight();

    const unsigned int n = fe.n_dofs_per_cell(), nq = quadrature.size();
    FullMatrix<double>                   local_matrix(n, n), local_elastic(n, n);
    dealii::Vector<double>               local_rhs(n), local_force(n), local_col(n), local_row(n);
    std::vector<types::global_dof_index> indices(n);
    std::vector<double>                  T_q(nq);
    std::vector<unsigned int>            component(n);
    for (unsigned int i = 0; i < n; ++i)
      component[i] = fe.system_to_component_index(i).first;
    std::vector<SymmetricTensor<2, 3>> B(n), CB(n), strains(nq);

    if (with_matrix)
      matrix = 0;
    if (with_elastic_matrix)
      elastic_matrix = 0;
    const bool gps = kinematics == Kinematics::generalized_plane_strain;
    double     k00 = 0, axial_force = 0, axial_abs = 0;
    if (gps)
      {
        gps_b     = 0;
        gps_b_row = 0;
      }
    rhs             = 0;
    newton_residual = 0;
    internal_force  = 0;
    bool         failed = false;
    unsigned int yielded = 0;
    for (const auto &cell : dofs.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          fv.reinit(cell);
          const typename DoFHandler<dim>::active_cell_iterator heat_cell(&tria, cell->level(),
                                                                         cell->index(), &heat_dofs);
          hv.reinit(heat_cell);
          hv.get_function_values(temperature, T_q);
          quadrature_point_strains(fv, cell, strains);
          const auto data = state.get_data(cell);
          local_matrix    = 0;
          local_elastic   = 0;
          local_rhs       = 0;
          local_force     = 0;
          local_col       = 0;
          local_row       = 0;
          if (body_force)
            body_force->vector_value_list(fv.get_quadrature_points(), f_q);
          for (unsigned int q = 0; q < nq; ++q)
            {
              MaterialPointState &d = *data[q];
              const double        r = fv.quadrature_point(q)[0];
              const double        w = fv.JxW(q) * volume_weight(kinematics, r);
              const double        T = interpolated_temperature(d, T_q[q], fraction);
              const double        E = material.youngs(T, d.g), nu = material.poisson_ratio.value(T);

              ViscoplasticInput in;
              in.strain               = strains[q];
              in.strain_old           = d.strain;
              in.inelastic_strain_old = d.inelastic_strain;
              in.plastic_strain_old   = d.plastic_strain;
              in.bulk_modulus         = E / (3 * (1 - 2 * nu));
              in.shear_modulus        = E / (2 * (1 + nu));
              in.isotropic_eigenstrain = material.thermal_strain(T, d.g);
              if (prm.viscous)
                {
                  // The structural strain of the relaxed free volume, without the part that
                  // plastic dilatation created (that is tr(eps_p) already).
                  in.isotropic_eigenstrain += fvp.structural_strain(d.x_trial - d.plastic_free_volume);
                  in.relaxation_exponent = d.lambda;
                  in.free_volume         = d.x_trial;
                }
              else
                in.free_volume = d.x;
              in.strength_free_volume =
                prm.nonlocal.strength_free_volume(d.nonlocal_free_volume, in.free_volume);
              in.plastic              = true;
              const ViscoplasticResult res =
                viscoplastic::update(in, material.strength, flow, return_control);
              if (!res.converged)
                {
                  failed = true;
                  continue;
                }
              d.trial_inelastic_strain      = res.inelastic_strain;
              d.trial_plastic_increment     = res.plastic_strain_increment;
              d.trial_free_volume           = res.free_volume;
              d.trial_free_volume_increment = res.free_volume_increment;
              d.trial_plastic_work          = res.plastic_work;
              d.trial_equivalent_increment  = res.equivalent_plastic_strain_increment;
              if (res.region != MohrCoulombRegion::elastic)
                ++yielded;

              for (unsigned int i = 0; i < n; ++i)
                {
                  const unsigned int    c    = component[i];
                  const Tensor<1, dim> &grad = fv.shape_grad(i, q);
                  SymmetricTensor<2, 3> &e   = B[i];
                  e                          = SymmetricTensor<2, 3>();
                  for (unsigned int k = 0; k < dim; ++k)
                    e[c][k] = (k == c) ? grad[k] : 0.5 * grad[k];
                  if (axisymmetric && c == 0)
                    e[2][2] = fv.shape_value(i, q) / r;
                  const double f = (res.stress * e) * w;
                  local_force(i) += f;
                  local_rhs(i) -= f;
                  if (body_force)
                    local_rhs(i) += f_q[q][c] * fv.shape_value(i, q) * w;
                }
              if (with_elastic_matrix)
                {
                  // C(K, G phi1): the stiffness of the viscous predictor (elastic for lambda = 0).
                  const double mu = in.shear_modulus * (d.lambda > 0 && prm.viscous ? phi1(d.lambda) : 1.0);
                  const double la = in.bulk_modulus - 2 * mu / 3;
                  for (unsigned int i = 0; i < n; ++i)
                    for (unsigned int j = 0; j < n; ++j)
                      local_elastic(i, j) += (la * trace(B[i]) * trace(B[j]) + 2 * mu * (B[i] * B[j])) * w;
                }
              if (gps)
                {
                  // Axial row and column of the bordered tangent, E_zz = e_z (x) e_z.
                  SymmetricTensor<2, 3> Ezz;
                  Ezz[2][2]                   = 1;
                  const SymmetricTensor<2, 3> C_E = res.tangent * Ezz; // C : E_zz
                  const SymmetricTensor<2, 3> E_C = Ezz * res.tangent; // E_zz : C
                  for (unsigned int i = 0; i < n; ++i)
                    {
                      local_col(i) += (B[i] * C_E) * w;
                      local_row(i) += (E_C * B[i]) * w;
                    }
                  k00 += C_E[2][2] * w;
                  axial_force += res.stress[2][2] * w;
                  axial_abs += std::abs(res.stress[2][2]) * w;
                }
              if (with_matrix)
                {
                  for (unsigned int j = 0; j < n; ++j)
                    CB[j] = res.tangent * B[j];
                  for (unsigned int i = 0; i < n; ++i)
                    for (unsigned int j = 0; j < n; ++j)
                      local_matrix(i, j) += (B[i] * CB[j]) * w;
                }
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
                      for (unsigned int i = 0; i < n; ++i)
                        local_rhs(i) -= pressure * ffv.normal_vector(q)[component[i]] *
                                        ffv.shape_value(i, q) * w;
                    }
                }
          cell->get_dof_indices(indices);
          if (with_elastic_matrix)
            increment_constraints.distribute_local_to_global(local_elastic, indices, elastic_matrix);
          if (with_matrix)
            increment_constraints.distribute_local_to_global(local_matrix, local_rhs, indices,
                                                             matrix, rhs);
          else
            increment_constraints.distribute_local_to_global(local_rhs, indices, rhs);
          homogeneous_constraints.distribute_local_to_global(local_rhs, indices, newton_residual);
          internal_force.add(indices, local_force);
          if (gps)
            {
              homogeneous_constraints.distribute_local_to_global(local_col, indices, gps_b);
              gps_b_row.add(indices, local_row);
            }
        }
    if (with_matrix)
      matrix.compress(VectorOperation::add);
    if (with_elastic_matrix)
      elastic_matrix.compress(VectorOperation::add);
    rhs.compress(VectorOperation::add);
    newton_residual.compress(VectorOperation::add);
    internal_force.compress(VectorOperation::add);
    plastic_points = Utilities::MPI::sum(yielded, comm);
    residual_norm  = newton_residual.l2_norm();
    force_norm     = internal_force.l2_norm();
    if (gps)
      {
        gps_b.compress(VectorOperation::add);
        gps_b_row.compress(VectorOperation::add);
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
    (void)t_sub;
    return Utilities::MPI::max(failed ? 1 : 0, comm) == 0;
  }

  template <int dim, typename LA>
  void MechanicsProblem<dim, LA>::commit_plastic_state(const double, const double dt_sub,
                                                       const double fraction,
                                                       const DoFHandler<dim> &heat_dofs,
                                                       const typename LA::Vector &temperature,
                                                       MechanicsStepReport &report)
  {
    TimerOutput::Scope scope(timer, "mechanics: commit state");
    displacement_ghosted = solution;
    double work = 0;
    visit_cells(heat_dofs, temperature, {},
                [&](const typename DoFHandler<dim>::active_cell_iterator &cell, const FEValues<dim> &fv,
                    const std::vector<double> &T, const std::vector<SymmetricTensor<2, 3>> &strains) {
                  const auto data = state.get_data(cell);
                  double     cell_work = 0, cell_volume = 0;
                  for (unsigned int q = 0; q < strains.size(); ++q)
                    {
                      MaterialPointState &d = *data[q];
                      d.inelastic_strain = d.trial_inelastic_strain;
                      d.plastic_strain += d.trial_plastic_increment;
                      d.equivalent_plastic_strain += d.trial_equivalent_increment;
                      d.plastic_free_volume += d.trial_free_volume_increment;
                      d.x           = d.trial_free_volume;
                      d.x_trial     = d.x;
                      d.strain      = strains[q];
                      d.temperature = interpolated_temperature(d, T[q], fraction);
                      d.plastic_power += d.trial_plastic_work; // work until solve_plastic() ends
                      const double w = fv.JxW(q) * volume_weight(kinematics, fv.quadrature_point(q)[0]);
                      cell_work += d.trial_plastic_work * w;
                      cell_volume += w;
                    }
                  work += cell_work;
                  cell_plastic_work[cell->active_cell_index()] += cell_work / cell_volume;
                });
    report.plastic_work += Utilities::MPI::sum(work, comm);
    update_nonlocal_free_volume();
  }

  template <int dim, typename LA>
  void MechanicsProblem<dim, LA>::update_nonlocal_free_volume()
  {
    if (!prm.plastic)
      return;
    if (!nonlocal || nonlocal->is_local())
      {
        for (const auto &cell : tria.active_cell_iterators())
          if (cell->is_locally_owned())
            for (auto &d : state.get_data(cell))
              d->nonlocal_free_volume = d->x;
        return;
      }
    const NonlocalReport r = nonlocal->update(
      [&](const typename Triangulation<dim>::cell_iterator &cell, const unsigned int q) {
        return state.get_data(cell)[q]->x;
      });
    if (!r.converged)
      throw RunError("the nonlocal free volume (CG + AMG) did not converge; raise 'Mechanics/"
                     "Nonlocal free volume/Maximum linear iterations' or its tolerance");
    std::vector<double> xbar(quadrature.size());
    for (const auto &cell : tria.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          nonlocal->values_at_quadrature_points(cell, xbar);
          const auto data = state.get_data(cell);
          for (unsigned int q = 0; q < quadrature.size(); ++q)
            data[q]->nonlocal_free_volume = xbar[q];
        }
  }

#define BMGFE_INSTANTIATE(dim, LA)                                                                  \
  template MechanicsStepReport MechanicsProblem<dim, LA>::solve_plastic(                            \
    double, const DoFHandler<dim> &, const typename LA::Vector &);                                  \
  template bool MechanicsProblem<dim, LA>::newton(double, double, const DoFHandler<dim> &,          \
                                                  const typename LA::Vector &, MechanicsStepReport &); \
  template bool MechanicsProblem<dim, LA>::assemble_newton(                                         \
    const typename LA::Vector &, double, double, const DoFHandler<dim> &,                           \
    const typename LA::Vector &, const AffineConstraints<double> &, bool, bool, double &, double &,\
    unsigned int &);                                                                                \
  template void MechanicsProblem<dim, LA>::commit_plastic_state(                                    \
    double, double, double, const DoFHandler<dim> &, const typename LA::Vector &,                   \
    MechanicsStepReport &);                                                                         \
  template void MechanicsProblem<dim, LA>::update_nonlocal_free_volume();

  BMGFE_INSTANTIATE(2, linear_algebra::Trilinos)
  BMGFE_INSTANTIATE(3, linear_algebra::Trilinos)
  BMGFE_INSTANTIATE(2, linear_algebra::PETSc)
  BMGFE_INSTANTIATE(3, linear_algebra::PETSc)
#undef BMGFE_INSTANTIATE
} // namespace bmgfe
