// Plastic models of MechanicsProblem ('Mechanics/Inelastic model = plastic|viscoplastic'):
// the time step is split into substeps that are halved on failure (cutback and retry); each
// substep is a global Newton iteration with the consistent tangent of the material-point
// law (constitutive_law.h), GMRES + AMG (the tangent is not symmetric) and a backtracking
// line search; the residual and tangent come from assemble_newton() (mechanics_assembly.cc).
// Nothing of a failed attempt is kept: the state changes only in commit_state() after
// convergence. doc/model.md, "Global Newton method", explains
// the choices.
#include <bmgfe/base/expression.h>
#include <bmgfe/base/input_error.h>
#include <bmgfe/physics/mechanics_constraints.h>
#include <bmgfe/physics/mechanics_problem.h>

#include <deal.II/base/function.h>
#include <deal.II/numerics/vector_tools.h>

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
    visit_cells(heat_dofs, temperature, {}, false,
                [&](const typename DoFHandler<dim>::active_cell_iterator &cell, const FEValues<dim> &,
                    const std::vector<double> &T, const std::vector<SymmetricTensor<2, 3>> &) {
                  const auto data = state.get_data(cell);
                  for (unsigned int q = 0; q < T.size(); ++q)
                    {
                      MaterialPointState &d = *data[q];
                      d.temperature_begin   = std::isnan(d.temperature) ? T[q] : d.temperature;
                      d.plastic_power       = 0; // sums the substeps' work, divided below
                    }
                });
    // The first solve of a read state: start Newton from the body's free isotropic expansion
    // u = e (X - X0), e the mean isotropic eigenstrain (thermal, structural and the trace of
    // the inelastic strain; X0 on the axis in axisymmetric models). From u = 0 the trial stress
    // of a glass read with a stress-free temperature far from T (1000 K in the HTC chain) is a
    // hydrostatic tension of GPa that the return map does not know how to treat as
    // "elastic" and Newton crawls; from the expansion only the residual stress is left.
    const bool first_solve_of_read_state = measure_residual_stress_force;
    if (first_solve_of_read_state)
      start_from_free_expansion(heat_dofs, temperature);
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
        substep_max_lambda = prm.viscous ? update_trial_state(t_sub, heat_dofs, temperature) : 0.0;
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
        // The first solve of a read state: the elastic equilibrium of its residual stress
        // first (a linear problem: one Newton iteration), then the full law from there. From
        // the trial states on the way, which are far from equilibrium, the return map would
        // yield and soften points that are elastic at the solution.
        bool elastic_done = true;
        if (first_solve_of_read_state)
          {
            elastic_predictor = true;
            elastic_done      = newton(t_sub, target, heat_dofs, temperature, report);
            elastic_predictor = false;
            if (elastic_done)
              {
                newton_start      = solution;
                newton_start_eps0 = eps0;
              }
          }
        if (elastic_done && newton(t_sub, target, heat_dofs, temperature, report))
          {
            last_increment = solution;
            last_increment -= substep_start;
            last_increment_eps0 = eps0 - eps0_start;
            last_increment_dt = t_sub - t_prev;
            displacement_ghosted = solution;
            commit_state(heat_dofs, temperature, report);
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
  void MechanicsProblem<dim, LA>::start_from_free_expansion(const DoFHandler<dim> &heat_dofs,
                                                            const typename LA::Vector &temperature)
  {
    double     sum_e = 0, sum_w = 0;
    Point<dim> centroid;
    visit_cells(heat_dofs, temperature, {}, false,
                [&](const typename DoFHandler<dim>::active_cell_iterator &cell, const FEValues<dim> &fv,
                    const std::vector<double> &T, const std::vector<SymmetricTensor<2, 3>> &) {
                  const auto data = state.get_data(cell);
                  for (unsigned int q = 0; q < T.size(); ++q)
                    {
                      const MaterialPointFields f = law.fields(*data[q], SymmetricTensor<2, 3>(), T[q]);
                      const double w = fv.JxW(q);
                      sum_e += w * (f.thermal_strain + f.structural_strain + trace(f.inelastic_strain) / 3);
                      sum_w += w;
                      centroid += w * fv.quadrature_point(q);
                    }
                });
    sum_e = Utilities::MPI::sum(sum_e, comm);
    sum_w = Utilities::MPI::sum(sum_w, comm);
    for (unsigned int d = 0; d < dim; ++d)
      centroid[d] = Utilities::MPI::sum(centroid[d], comm) / sum_w;
    if (kinematics == Kinematics::axisymmetric)
      centroid[0] = 0;
    const double e = sum_e / sum_w;
    class Expansion : public Function<dim>
    {
    public:
      Expansion(const double e, const Point<dim> &x0)
        : Function<dim>(dim), e(e), x0(x0)
      {}
      double value(const Point<dim> &p, const unsigned int c) const override
      {
        return e * (p[c] - x0[c]);
      }

    private:
      const double     e;
      const Point<dim> x0;
    };
    VectorTools::interpolate(mapping, dofs, Expansion(e, centroid), solution);
    if (kinematics == Kinematics::generalized_plane_strain && !prm.prescribe_axial_strain)
      eps0 = e;
  }

  template <int dim, typename LA>
  bool MechanicsProblem<dim, LA>::newton(const double t_sub, const double fraction,
                                         const DoFHandler<dim> &heat_dofs,
                                         const typename LA::Vector &temperature,
                                         MechanicsStepReport &report)
  {
    has_inhomogeneous_constraints =
      make_displacement_constraints(dofs, mapping, prm, loading, relevant, t_sub, constraints,
                                    &platen_reference);
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
    // The preconditioner is the AMG (or the LU) of the elastic (viscous model: Maxwell)
    // stiffness, not of the tangent: plastic points make the tangent singular (perfect
    // plasticity) or indefinite (softening) and ML's hierarchy of such a matrix does not
    // reduce the residual at all, while the elastic one is SPD and differs from the tangent
    // only in the plastic zone. Rebuilt for every substep when the stiffness changes
    // (temperature-dependent moduli, viscous relaxation beyond 'Preconditioner relaxation
    // bound'), otherwise kept: below the bound the Maxwell stiffness differs from the elastic
    // one by at most lambda/2, and it is only the preconditioner; GMRES converges to its
    // tolerance either way.
    const bool frozen       = !prm.viscous || substep_max_lambda <= frozen_lambda;
    const bool within_bound = !prm.viscous || substep_max_lambda <= prm.preconditioner_relaxation_bound;
    const bool stiffness_changed = !material.is_temperature_independent() ||
                                   (prm.viscous && !(within_bound && preconditioner_within_bound));
    const bool tangent_mode       = prm.newton_tangent_preconditioner;
    const bool new_preconditioner = !tangent_mode && (!preconditioner_is_elastic || stiffness_changed);
    // 'Preconditioner = tangent AMG': built from the tangent at the iterate of the first
    // correction that needs it (below), i.e. when none exists, the substep's stiffness changed,
    // the plastic set moved by more than 'Preconditioner rebuild fraction' of all points since
    // its build, or the last GMRES took more than 'Preconditioner rebuild iterations'.
    bool tangent_rebuild_due = tangent_mode && (!tangent_preconditioner_built || stiffness_changed);
    // The tangent of the last assembly serves this substep's first iteration unchanged when it
    // is the elastic stiffness of a frozen glass (no yielded point, moduli independent of T)
    // and the constraints carry no increment (a right-hand side assembled without its matrix
    // takes no inhomogeneities): thermal cycling below Tg assembles only the residual then.
    // Where that assembly finds a yielded point, the tangent is assembled after all.
    const bool reuse_tangent = matrix_assembled && tangent_is_elastic && frozen &&
                               material.is_temperature_independent() && largest_increment == 0;
    const auto &first_constraints = largest_increment > 0 ? first : homogeneous;
    // Every assembly of the tangent first withdraws the claim that the matrix is the elastic
    // one: a failed or rejected assembly leaves it holding something else.
    if (!reuse_tangent)
      tangent_is_elastic = false;
    if (!assemble_newton(t_sub, fraction, heat_dofs, temperature, first_constraints, !reuse_tangent,
                         new_preconditioner, residual_norm, force_norm, plastic_points))
      return false;
    if (reuse_tangent && plastic_points > 0)
      tangent_is_elastic = false;
    if (reuse_tangent && plastic_points > 0 &&
        !assemble_newton(t_sub, fraction, heat_dofs, temperature, first_constraints, true, false,
                         residual_norm, force_norm, plastic_points))
      return false;
    if (!reuse_tangent || plastic_points > 0)
      {
        matrix_assembled   = true;
        tangent_is_elastic = frozen && plastic_points == 0;
      }
    // The matrix holds the tangent at the current iterate (not after a residual-only
    // assembly of a line-search trial, see below).
    bool tangent_current = true;
    if (new_preconditioner)
      {
        if (prm.newton_direct_preconditioner)
          {
            TimerOutput::Scope scope(timer, "mechanics: LU factorisation");
            try
              {
                direct_preconditioner.initialize(elastic_matrix);
              }
            catch (const std::exception &)
              {
                throw RunError("the sparse LU factorisation (MUMPS) of the elastic stiffness "
                               "failed (singular stiffness or out of memory); use "
                               "'Mechanics/Newton/Preconditioner = AMG'");
              }
          }
        else
          setup_preconditioner(elastic_matrix);
        preconditioner_is_elastic   = true;
        preconditioner_within_bound = within_bound;
        ++report.preconditioner_rebuilds;
      }
    if (measure_residual_stress_force)
      {
        residual_stress_force         = force_norm;
        measure_residual_stress_force = false;
      }
    const double floor = std::max(force_floor, residual_stress_force);
    // Eisenstat-Walker (choice 2): the forcing term of the last correction and its residual.
    double eta_previous = 0, residual_previous = 0;
    for (unsigned int it = 0;; ++it)
      {
        // The strain-force floor: a residual of 1e-8 of 1e-6 of the force the strain alone
        // would carry is round-off of a stress-free solution (see newton_strain_force).
        const double scale = std::max({force_norm, floor, 1e-6 * newton_strain_force});
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
        if (!tangent_current)
          {
            // The trial was assembled without the tangent in the expectation that it
            // converges (a linear, elastic iterate); it did not: the tangent at it now.
            tangent_is_elastic = false;
            if (!assemble_newton(t_sub, fraction, heat_dofs, temperature, homogeneous, true, false,
                                 residual_norm, force_norm, plastic_points))
              return false;
            tangent_is_elastic = frozen && plastic_points == 0;
            tangent_current    = true;
          }

        if (tangent_mode &&
            (tangent_rebuild_due ||
             static_cast<double>(plastic_set_changes) >
               prm.preconditioner_rebuild_fraction * static_cast<double>(total_quadrature_points) ||
             last_gmres_iterations > prm.preconditioner_rebuild_iterations))
          {
            assemble_tangent_preconditioner(t_sub, fraction, heat_dofs, temperature);
            setup_preconditioner(elastic_matrix);
            tangent_preconditioner_built = true;
            preconditioner_within_bound  = within_bound;
            tangent_rebuild_due          = false;
            last_gmres_iterations        = 0;
            ++report.preconditioner_rebuilds;
          }

        // The forcing term: GMRES stops at eta |R|.
        double eta = prm.newton_linear_tolerance;
        if (prm.eisenstat_walker)
          {
            const double gamma = 0.9, alpha = 2;
            if (it == 0 || residual_previous == 0)
              eta = prm.max_forcing_term;
            else
              {
                eta = gamma * std::pow(residual_norm / residual_previous, alpha);
                const double safeguard = gamma * std::pow(eta_previous, alpha);
                if (safeguard > 0.1)
                  eta = std::max(eta, safeguard);
              }
            eta = std::min(eta, prm.max_forcing_term);
            // Near the solution: no tighter than the Newton tolerance needs (a tenth of its
            // residual), never tighter than the constant 'Linear tolerance'.
            eta = std::max({eta, 0.1 * prm.newton_tolerance * scale / residual_norm,
                            prm.newton_linear_tolerance});
            eta = std::min(eta, prm.max_forcing_term);
            eta_previous      = eta;
            residual_previous = residual_norm;
          }

        // Correction: GMRES on the tangent, preconditioned by the AMG (of the tangent-based
        // matrix or of the elastic stiffness) or the elastic LU.
        const auto gmres_solve = [&](Vector &x, const Vector &b) -> bool {
          TimerOutput::Scope scope(timer, "mechanics: solve");
          const double       b_norm = b.l2_norm();
          SolverControl      control(prm.newton_max_linear_iterations, eta * b_norm);
          typename SolverGMRES<Vector>::AdditionalData data(std::min(200u, prm.newton_max_linear_iterations), true);
          SolverGMRES<Vector> gmres(control, data);
          x = 0;
          try
            {
              if (prm.newton_direct_preconditioner)
                gmres.solve(matrix, x, b, direct_preconditioner);
              else
                gmres.solve(matrix, x, b, preconditioner);
            }
          catch (const SolverControl::NoConvergence &e)
            {
              // Inexact Newton: a correction that reduced the linear residual by two orders is
              // still a descent direction worth trying (the line search guards it); plastic
              // zones at a Mohr-Coulomb edge make the tangent nearly singular and GMRES may
              // stall short of the tolerance. Anything worse is a failure.
              report.linear_iterations += control.last_step();
              last_gmres_iterations = control.last_step();
              if (!(e.last_residual <= 1e-2 * b_norm))
                return false;
              ++report.inexact_solves;
              return true;
            }
          report.linear_iterations += control.last_step();
          last_gmres_iterations = control.last_step();
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
        // An elastic iterate of a frozen glass: the problem is linear there and the trial is
        // expected to converge, so its tangent (never used then) is not assembled. Otherwise
        // tangent_is_elastic is false already, as a rejected trial's tangent requires.
        const bool   trial_tangent = !tangent_is_elastic;
        double       alpha    = 1;
        bool         accepted = false;
        for (unsigned int ls = 0; ls <= (search ? prm.line_search_steps : 0); ++ls, alpha /= 2)
          {
            newton_trial = u;
            newton_trial.add(alpha, newton_increment);
            displacement_ghosted = newton_trial;
            eps0                 = eps0_iterate + alpha * d_eps0;
            const bool ok = assemble_newton(t_sub, fraction, heat_dofs, temperature,
                                            homogeneous, trial_tangent, false, residual_norm,
                                            force_norm, plastic_points);
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
        if (trial_tangent)
          tangent_is_elastic = frozen && plastic_points == 0;
        tangent_current = trial_tangent;
        u            = newton_trial;
        eps0_iterate = eps0;
      }
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
  template void MechanicsProblem<dim, LA>::update_nonlocal_free_volume();

  BMGFE_INSTANTIATE(2, linear_algebra::Trilinos)
  BMGFE_INSTANTIATE(3, linear_algebra::Trilinos)
  BMGFE_INSTANTIATE(2, linear_algebra::PETSc)
  BMGFE_INSTANTIATE(3, linear_algebra::PETSc)
#undef BMGFE_INSTANTIATE
} // namespace bmgfe
