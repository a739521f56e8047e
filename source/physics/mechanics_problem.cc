#include <bmgfe/base/expression.h>
#include <bmgfe/base/input_error.h>
#include <bmgfe/linear_algebra/elasticity_amg.h>
#include <bmgfe/physics/mechanics_constraints.h>
#include <bmgfe/physics/cell_values.h>
#include <bmgfe/physics/mechanics_problem.h>

#include <deal.II/distributed/solution_transfer.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/fe_dgq.h>
#include <deal.II/fe/fe_q.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/full_matrix.h>
#include <deal.II/lac/solver_control.h>
#include <deal.II/lac/sparsity_tools.h>
#include <deal.II/lac/vector.h>
#include <deal.II/numerics/vector_tools.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <sstream>

namespace bmgfe
{
  using namespace dealii;

  namespace
  {
    /// sum += w s for every field of s but the volume (cell averages).
    void accumulate(MaterialPointFields &sum, const double w, const MaterialPointFields &s)
    {
      sum.stress += w * s.stress;
      sum.strain += w * s.strain;
      sum.elastic_strain += w * s.elastic_strain;
      sum.thermal_strain += w * s.thermal_strain;
      sum.structural_strain += w * s.structural_strain;
      sum.viscous_strain += w * s.viscous_strain;
      sum.plastic_strain += w * s.plastic_strain;
      sum.inelastic_strain += w * s.inelastic_strain;
      sum.temperature += w * s.temperature;
      sum.expansion += w * s.expansion;
      sum.g += w * s.g;
      sum.free_volume += w * s.free_volume;
      sum.fictive_temperature += w * s.fictive_temperature;
      sum.equivalent_inelastic_strain += w * s.equivalent_inelastic_strain;
      sum.equivalent_plastic_strain += w * s.equivalent_plastic_strain;
      sum.nonlocal_free_volume += w * s.nonlocal_free_volume;
      sum.strength_free_volume += w * s.strength_free_volume;
      sum.plastic_power += w * s.plastic_power;
    }

    /// Every field but the volume times f.
    void scale(MaterialPointFields &s, const double f)
    {
      const double volume = s.volume;
      MaterialPointFields scaled;
      accumulate(scaled, f, s);
      scaled.volume = volume;
      s             = scaled;
    }

    ConstitutiveLaw::Settings law_settings(const MechanicsParameters &prm,
                                           const ThermoElasticMaterial &material)
    {
      ConstitutiveLaw::Settings s;
      s.frozen_structural_strain = !prm.viscous && prm.plastic && !material.free_volume.initial_state.empty();
      s.viscous                 = prm.viscous;
      s.plastic                 = prm.plastic;
      s.max_relaxation_exponent = prm.max_relaxation_exponent;
      s.strength_free_volume    = [nonlocal = prm.nonlocal](const double xbar, const double x) {
        return nonlocal.strength_free_volume(xbar, x);
      };
      s.strength_increment_weight = prm.nonlocal.strength_increment_weight();
      return s;
    }
  } // namespace

  template <int dim, typename LA>
  MechanicsProblem<dim, LA>::MechanicsProblem(const parallel::distributed::Triangulation<dim> &tria,
                                              const Mapping<dim> &mapping,
                                              const MechanicsParameters &parameters,
                                              const ThermoElasticMaterial &material,
                                              const Kinematics kinematics, TimerOutput &timer)
    : tria(tria)
    , mapping(mapping)
    , prm(parameters)
    , material(material)
    , kinematics(kinematics)
    , timer(timer)
    , comm(tria.get_communicator())
    , fe(FE_Q<dim>(parameters.fe_degree), dim)
    , dofs(tria)
    , quadrature(parameters.fe_degree + 1)
    , law(material, law_settings(parameters, material))
  {
    // Parse the expressions now, so that errors surface at start-up.
    for (const auto &p : prm.prescribed)
      make_expression_function<dim>(p.expression,
                                    "Mechanics/Boundary conditions/Prescribed displacement", true);
    for (const auto &[id, expr] : prm.pressure)
      make_expression_function<dim>(expr, "Mechanics/Boundary conditions/Pressure", true);
    if (!prm.body_force.empty())
      make_vector_expression_function<dim>(prm.body_force, "Mechanics/Body force", true);
  }

  template <int dim, typename LA>
  MechanicsProblem<dim, LA>::~MechanicsProblem()
  {
    state.clear();
    dofs.clear();
  }

  template <int dim, typename LA>
  SymmetricTensor<2, 3>
  MechanicsProblem<dim, LA>::total_strain(const std::vector<Tensor<1, dim>> &grads,
                                          const std::vector<double> &values, const double r) const
  {
    SymmetricTensor<2, 3> e;
    for (unsigned int a = 0; a < dim; ++a)
      for (unsigned int b = a; b < dim; ++b)
        e[a][b] = 0.5 * (grads[a][b] + grads[b][a]);
    if (kinematics == Kinematics::axisymmetric)
      e[2][2] = r > 0 ? values[0] / r : grads[0][0]; // on the axis: lim u_r/r = du_r/dr
    else if (kinematics == Kinematics::generalized_plane_strain)
      e[2][2] = eps0;
    return e;
  }

  template <int dim, typename LA>
  void MechanicsProblem<dim, LA>::setup()
  {
    TimerOutput::Scope scope(timer, "mechanics: setup");
    point_evaluation.reset();
    dofs.distribute_dofs(fe);
    owned = dofs.locally_owned_dofs();
    DoFTools::extract_locally_relevant_dofs(dofs, relevant);
    loading = prm.loading;
    if (loading.enabled)
      loading.set_automatic_gauge_length(body_extent(tria, loading.component()));
    has_inhomogeneous_constraints =
      make_displacement_constraints(dofs, mapping, prm, loading, relevant, 0.0, constraints);

    DynamicSparsityPattern dsp(relevant);
    if (prm.matrix_free)
      {
        // Known only here: the kinematics of the run.
        require(kinematics == Kinematics::three_dimensional || kinematics == Kinematics::plane_strain,
                "entry 'Mechanics/Solver/Operator'",
                "'" + prm.operator_name + "' is implemented for 3D and plane strain only, not for "
                "generalized plane strain (its axial coupling needs the assembled column b)");
        linear_algebra::LevelConstraints level_constraints;
        level_constraints.fixed_components = prm.fixed_components;
        for (const auto &pc : prm.point_constraints)
          level_constraints.points.emplace_back(pc.point, pc.components);
        linear_algebra::MultigridSettings ms;
        ms.coarse_amg.smoother_sweeps       = prm.amg_smoother_sweeps;
        ms.coarse_amg.aggregation_threshold = prm.amg_aggregation_threshold;
        ms.coarse_amg.smoother_type         = prm.amg_smoother;
        ms.rotations                        = prm.rigid_body_modes;
        ms.chebyshev_degree                 = prm.multigrid_smoother_degree;
        ms.smoothing_range                  = prm.multigrid_smoothing_range;
        ms.assembled_blocks                 = prm.assembled_blocks;
        matrix_free = std::make_unique<linear_algebra::MatrixFreeElasticity<dim>>();
        matrix_free->reinit(dofs, mapping, constraints, level_constraints, kinematics, ms);
        matrix_free->initialize_dof_vector(mf_rhs);
        matrix_free->initialize_dof_vector(mf_solution);
        matrix_free_cg.reinit(mf_solution, prm.initial_guess_history);
        owned.fill_index_vector(owned_list);
        owned_values.resize(owned_list.size());
        mf_lambda.assign(static_cast<std::size_t>(tria.n_active_cells()) * quadrature.size(), 0.0);
        mf_mu.assign(mf_lambda.size(), 0.0);
      }
    else
      {
        DoFTools::make_sparsity_pattern(dofs, dsp, constraints, false);
        SparsityTools::distribute_sparsity_pattern(dsp, owned, comm, relevant);
        matrix.reinit(owned, owned, dsp, comm);
      }
    for (Vector *v : {&rhs, &solution})
      v->reinit(owned, comm);
    cg.reinit(owned, comm, prm.initial_guess_history);
    displacement_ghosted.reinit(owned, relevant, comm);
    if (kinematics == Kinematics::generalized_plane_strain)
      {
        gps_b.reinit(owned, comm);
        gps_u2.reinit(owned, comm);
      }
    if (prm.plastic)
      {
        for (Vector *v : {&newton_residual, &newton_increment, &newton_trial, &internal_force,
                          &last_increment, &newton_start})
          v->reinit(owned, comm);
        last_increment_dt = 0;
        last_increment_eps0 = newton_start_eps0 = 0;
        if (kinematics == Kinematics::generalized_plane_strain)
          gps_b_row.reinit(owned, comm);
        elastic_matrix.reinit(owned, owned, dsp, comm);
        preconditioner_is_elastic = false;
        tangent_preconditioner_built = false;
        preconditioner_plastic_set.clear();
        total_quadrature_points = Utilities::MPI::sum(
          static_cast<unsigned long long>(tria.n_locally_owned_active_cells()) * quadrature.size(), comm);
      }
    matrix_assembled = false;
    eps0             = 0;
    t_last           = std::numeric_limits<double>::quiet_NaN();

    // Quadrature-point state with the heterogeneity field evaluated once.
    FEValues<dim> fv(mapping, fe, quadrature, update_quadrature_points);
    double        smallest_x = std::numeric_limits<double>::max();
    state.clear();
    for (const auto &cell : tria.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          state.initialize(cell, quadrature.size());
          fv.reinit(cell);
          const auto data = state.get_data(cell);
          for (unsigned int q = 0; q < quadrature.size(); ++q)
            {
              const Point<dim>     &x = fv.quadrature_point(q);
              std::array<double, 3> p{{x[0], x[1], dim == 3 ? x[dim - 1] : 0.0}};
              data[q]->g = material.g(p, kinematics);
              data[q]->x = data[q]->x_trial = material.initial_free_volume(data[q]->g, p);
              smallest_x = std::min(smallest_x, data[q]->x);
              data[q]->lambda               = 0;
              data[q]->temperature          = std::numeric_limits<double>::quiet_NaN();
              data[q]->strain               = SymmetricTensor<2, 3>();
              data[q]->inelastic_strain     = SymmetricTensor<2, 3>();
              data[q]->plastic_strain       = SymmetricTensor<2, 3>();
              data[q]->equivalent_plastic_strain = 0;
              data[q]->plastic_free_volume  = 0;
              data[q]->plastic_power        = 0;
              data[q]->nonlocal_free_volume = data[q]->x;
            }
        }
    // Every rank throws (a collective decision): x > 0 is needed by exp(1/x) and the updates.
    smallest_x = Utilities::MPI::min(smallest_x, comm);
    require(smallest_x > 0 || !(prm.viscous || prm.plastic),
            "entry 'Material/Free volume/Initial free volume perturbation'",
            "makes the initial free volume non-positive (smallest value " +
              std::to_string(smallest_x) + ")");
    if (!prm.matrix_free)
      near_null_space = linear_algebra::rigid_body_modes(dofs, mapping, kinematics, prm.rigid_body_modes);
    if (prm.plastic)
      {
        // Residual floor: a force of relative size 1e-15 of E times the body's section.
        FEValues<dim> jv(mapping, fe, quadrature, update_quadrature_points | update_JxW_values);
        double        volume = 0;
        for (const auto &cell : tria.active_cell_iterators())
          if (cell->is_locally_owned())
            {
              jv.reinit(cell);
              for (unsigned int q = 0; q < quadrature.size(); ++q)
                volume += jv.JxW(q) * volume_weight(kinematics, jv.quadrature_point(q)[0]);
            }
        volume = Utilities::MPI::sum(volume, comm);
        const double d = is_planar(kinematics) ? 2.0 : 3.0;
        force_floor    = 1e-15 * material.youngs(material.stress_free_temperature, 0) *
                      std::pow(volume, (d - 1) / d);
        cell_plastic_work.assign(tria.n_active_cells(), 0.0);
        if (!prm.nonlocal.is_local())
          {
            nonlocal = std::make_unique<NonlocalFreeVolume<dim, LA>>(tria, mapping, quadrature,
                                                                     prm.nonlocal, kinematics, timer);
            nonlocal->setup();
          }
        update_nonlocal_free_volume();
      }
  }

  template <int dim, typename LA>
  void MechanicsProblem<dim, LA>::state_field(const std::vector<TensorComponent> &components,
                                              DoFHandler<dim> &dg_dofs,
                                              LinearAlgebra::distributed::Vector<double> &values) const
  {
    const FE_DGQArbitraryNodes<dim> node_fe(QGauss<1>(prm.fe_degree + 1));
    const FESystem<dim>             dg_fe(node_fe, state_field_names(components).size());
    const unsigned int n_modes    = material.free_volume.structural_spectrum.size();
    const unsigned int n_branches = material.free_volume.shear_spectrum.size();
    // Node i of the element is quadrature point i: both are the lexicographic tensor product
    // of the 1D Gauss points.
    for (unsigned int q = 0; q < quadrature.size(); ++q)
      Assert(node_fe.get_unit_support_points()[q].distance(quadrature.point(q)) < 1e-12,
             ExcInternalError());
    dg_dofs.reinit(tria);
    dg_dofs.distribute_dofs(dg_fe);
    const IndexSet dg_owned = dg_dofs.locally_owned_dofs();
    IndexSet       dg_relevant;
    DoFTools::extract_locally_relevant_dofs(dg_dofs, dg_relevant);
    values.reinit(dg_owned, dg_relevant, comm);
    std::vector<types::global_dof_index> indices(dg_fe.n_dofs_per_cell());
    for (const auto &cell : dg_dofs.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          cell->get_dof_indices(indices);
          const auto data = state.get_data(cell);
          for (unsigned int q = 0; q < quadrature.size(); ++q)
            {
              const MaterialPointState &d = *data[q];
              unsigned int              k = 0;
              values[indices[dg_fe.component_to_system_index(k++, q)]] = d.x;
              for (unsigned int c = 0; c < components.size(); ++c)
                values[indices[dg_fe.component_to_system_index(k++, q)]] =
                  d.inelastic_strain[components[c].i][components[c].j];
              // Relaxation spectrum: the modes and the branches (a point that holds none has
              // every mode at x and every branch at the total).
              if (n_modes > 1)
                for (unsigned int i = 0; i < n_modes; ++i)
                  values[indices[dg_fe.component_to_system_index(k++, q)]] =
                    d.free_volume_modes.size() == n_modes ? d.free_volume_modes[i] : d.x;
              if (n_branches > 1)
                for (unsigned int i = 0; i < n_branches; ++i)
                  for (unsigned int c = 0; c < components.size(); ++c)
                    values[indices[dg_fe.component_to_system_index(k++, q)]] =
                      d.branch_viscous_strains.size() == n_branches ?
                        (d.branch_viscous_strains[i] + d.plastic_strain)[components[c].i][components[c].j] :
                        d.inelastic_strain[components[c].i][components[c].j];
              if (prm.plastic)
                {
                  for (unsigned int c = 0; c < components.size(); ++c)
                    values[indices[dg_fe.component_to_system_index(k++, q)]] =
                      d.plastic_strain[components[c].i][components[c].j];
                  values[indices[dg_fe.component_to_system_index(k++, q)]] = d.equivalent_plastic_strain;
                  values[indices[dg_fe.component_to_system_index(k++, q)]] = d.plastic_free_volume;
                }
            }
        }
    values.update_ghost_values();
  }

  template <int dim, typename LA>
  std::vector<std::string>
  MechanicsProblem<dim, LA>::state_field_names(const std::vector<TensorComponent> &components) const
  {
    namespace names = bmgfe::state_field_names;
    std::vector<std::string> n{names::free_volume()};
    for (const auto &c : components)
      n.push_back(names::viscous_strain(c.suffix));
    const unsigned int n_modes    = material.free_volume.structural_spectrum.size();
    const unsigned int n_branches = material.free_volume.shear_spectrum.size();
    if (n_modes > 1)
      for (unsigned int i = 0; i < n_modes; ++i)
        n.push_back(names::free_volume_mode(i));
    if (n_branches > 1)
      for (unsigned int i = 0; i < n_branches; ++i)
        for (const auto &c : components)
          n.push_back(names::branch_viscous_strain(i, c.suffix));
    if (prm.plastic)
      {
        for (const auto &c : components)
          n.push_back(names::plastic_strain(c.suffix));
        n.push_back(names::equivalent_plastic_strain());
        n.push_back(names::plastic_free_volume());
      }
    return n;
  }

  template <int dim, typename LA>
  void MechanicsProblem<dim, LA>::initialize_state(
    const std::function<void(const Point<dim> &, MaterialPointState &)> &f)
  {
    FEValues<dim> fv(mapping, fe, quadrature, update_quadrature_points);
    for (const auto &cell : tria.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          fv.reinit(cell);
          const auto data = state.get_data(cell);
          for (unsigned int q = 0; q < quadrature.size(); ++q)
            {
              f(fv.quadrature_point(q), *data[q]);
              data[q]->x_trial = data[q]->x;
            }
        }
    update_nonlocal_free_volume(); // x-bar of the new x (plastic models)
    // The residual stress of the read state scales the Newton residuals of a free body.
    measure_residual_stress_force = prm.plastic;
  }

  template <int dim, typename LA>
  unsigned int MechanicsProblem<dim, LA>::solve_linear(Vector &x, const Vector &b)
  {
    TimerOutput::Scope scope(timer, "mechanics: solve");
    SolverControl      control(prm.max_linear_iterations, prm.linear_tolerance * b.l2_norm());
    try
      {
        return cg.solve(matrix, preconditioner, x, b, control);
      }
    catch (const SolverControl::NoConvergence &e)
      {
        // Every rank sees the same reduced residual: a RunError on all of them.
        std::ostringstream what;
        what << "the mechanics solver (CG + AMG) did not converge in " << e.last_step
             << " iterations (residual " << e.last_residual << ", target " << control.tolerance()
             << "); raise 'Mechanics/Solver/Maximum linear iterations' or 'Linear solver "
                "tolerance'"
             << (prm.viscous && prm.max_relaxation_exponent == 0 ?
                   ", or set 'Mechanics/Maximum relaxation exponent' (a melt makes the tangent "
                   "nearly incompressible)" :
                   "");
        throw RunError(what.str());
      }
  }

  template <int dim, typename LA>
  unsigned int MechanicsProblem<dim, LA>::solve_matrix_free(Vector &x, const Vector &b)
  {
    TimerOutput::Scope scope(timer, "mechanics: solve");
    // The backend's owned values in and out (the same owned index set, in order).
    b.extract_subvector_to(owned_list.begin(), owned_list.end(), owned_values.begin());
    for (std::size_t k = 0; k < owned_list.size(); ++k)
      mf_rhs.local_element(k) = owned_values[k];
    x.extract_subvector_to(owned_list.begin(), owned_list.end(), owned_values.begin());
    for (std::size_t k = 0; k < owned_list.size(); ++k)
      mf_solution.local_element(k) = owned_values[k];
    SolverControl control(prm.max_linear_iterations, prm.linear_tolerance * mf_rhs.l2_norm());
    unsigned int  iterations = 0;
    try
      {
        iterations = matrix_free_cg.solve(matrix_free->system_operator(), matrix_free->preconditioner(),
                                          mf_solution, mf_rhs, control);
      }
    catch (const SolverControl::NoConvergence &e)
      {
        std::ostringstream what;
        what << "the mechanics solver (CG + geometric multigrid, '" << prm.operator_name
             << "') did not converge in "
             << e.last_step << " iterations (residual " << e.last_residual << ", target "
             << control.tolerance()
             << "); raise 'Mechanics/Solver/Maximum linear iterations' or 'Linear solver "
                "tolerance', or use 'Mechanics/Solver/Operator = assembled'";
        throw RunError(what.str());
      }
    for (std::size_t k = 0; k < owned_list.size(); ++k)
      owned_values[k] = mf_solution.local_element(k);
    x.set(owned_list, owned_values);
    x.compress(VectorOperation::insert);
    return iterations;
  }

  template <int dim, typename LA>
  MechanicsStepReport MechanicsProblem<dim, LA>::solve(const double t,
                                                       const DoFHandler<dim> &heat_dofs,
                                                       const typename LA::Vector &temperature)
  {
    MechanicsStepReport report =
      prm.plastic ? solve_plastic(t, heat_dofs, temperature) : solve_linear_models(t, heat_dofs, temperature);
    if (platen_reference.released)
      {
        // The equilibrium of the read state: from now on the platens hold its displacement.
        platen_reference.offsets =
          platen_dof_values(dofs, mapping, loading, relevant,
                            [&](const types::global_dof_index i) { return displacement_ghosted[i]; });
        platen_reference.released = false;
        make_displacement_constraints(dofs, mapping, prm, loading, relevant, t, constraints,
                                      &platen_reference);
        // Matrices and the AMG were built with the released platens' constraints.
        matrix_assembled          = false;
        preconditioner_is_elastic = false;
        tangent_preconditioner_built = false;
      }
    return report;
  }

  template <int dim, typename LA>
  std::string MechanicsProblem<dim, LA>::start_platens_from_equilibrium()
  {
    require(loading.enabled && !loading.bonded(), "entry 'Mechanics/Loading programme/Contact'",
            "must be 'frictionless' for a run that starts from 'Material/Free volume/Initial "
            "state' (bonded platens on a body with residual stress are not implemented)");
    platen_reference.pins =
      platen_pins(dofs, loading, kinematics == Kinematics::axisymmetric);
    platen_reference.released = true;
    platen_reference.offsets.clear();
    // The released constraints leave platen DoFs free that the sparsity pattern of setup()
    // dropped: a pattern that keeps every constrained DoF's couplings serves both sets.
    DynamicSparsityPattern dsp(relevant);
    DoFTools::make_sparsity_pattern(dofs, dsp, constraints, true);
    SparsityTools::distribute_sparsity_pattern(dsp, owned, comm, relevant);
    matrix.reinit(owned, owned, dsp, comm);
    if (prm.plastic)
      elastic_matrix.reinit(owned, owned, dsp, comm);
    matrix_assembled          = false;
    preconditioner_is_elastic = false;
    tangent_preconditioner_built = false;
    std::ostringstream line;
    line << "  platens: released for the first solve (residual-stress equilibrium, pinned along "
         << loading.direction << " at";
    for (const auto &p : platen_reference.pins)
      line << " (" << p << ")";
    line << "), then held at its displacement plus the loading programme's\n";
    return line.str();
  }

  template <int dim, typename LA>
  std::string MechanicsProblem<dim, LA>::solver_summary() const
  {
    const std::string amg = std::string(LA::name) == "Trilinos" ? "ML" : "GAMG";
    std::ostringstream line;
    if (prm.plastic)
      line << "Newton + GMRES, "
           << (prm.newton_direct_preconditioner  ? "sparse LU" :
               prm.newton_tangent_preconditioner ? "tangent " + amg :
                                                   "elastic " + amg)
           << " preconditioner, "
           << (prm.eisenstat_walker ? "Eisenstat-Walker" : "constant") << " forcing term";
    else
      {
        line << "CG, "
             << (prm.matrix_free ? (prm.assembled_blocks ? "block-assembled operator" : "matrix-free operator") +
                                     std::string(" + geometric multigrid (Chebyshev degree ") +
                                     std::to_string(prm.multigrid_smoother_degree) + ")" :
                                   "assembled matrix + " + amg)
             << (prm.initial_guess_history > 1 ?
                   ", initial guess projected on the last " +
                     std::to_string(prm.initial_guess_history) + " solutions" :
                   ", initial guess: the last solution");
        if (thermal_load_is_affine())
          line << "; load: coupling matrix (affine in T)";
      }
    return line.str();
  }

  template <int dim, typename LA>
  MechanicsStepReport MechanicsProblem<dim, LA>::solve_linear_models(const double t,
                                                                     const DoFHandler<dim> &heat_dofs,
                                                                     const typename LA::Vector &temperature)
  {
    MechanicsStepReport report;
    if (has_inhomogeneous_constraints)
      make_displacement_constraints(dofs, mapping, prm, loading, relevant, t, constraints,
                                    &platen_reference);
    // The viscous model's tangent 2 G phi1(lambda) changes with every step and point, except
    // in frozen glass: when every relaxation exponent is below 1e-12, phi1 = 1 - lambda/2 + ...
    // differs from 1 by less than the linear-solver tolerance and the elastic matrix and its
    // AMG hierarchy are kept (a cast or quenched rod below ~400 K, most steps of a cooling).
    const double     max_lambda =
      prm.viscous ? update_trial_state(t, heat_dofs, temperature) : 0.0;
    const bool frozen      = !prm.viscous || max_lambda <= frozen_lambda;
    const bool with_matrix = !matrix_assembled || !material.is_temperature_independent() ||
                             has_inhomogeneous_constraints || !frozen || !matrix_is_frozen_tangent;
    // The thermo-elastic load from its coupling matrix where it is affine in T (assembled
    // with every stiffness: the state, mesh and material it depends on are fixed in between),
    // else from the cell loop, which also assembles the matrix if `assemble_matrix`.
    const bool affine_load = thermal_load_is_affine();
    const auto assemble_load = [&](const bool assemble_matrix) {
      if (affine_load && thermal_load_ready && !with_matrix)
        apply_thermal_load(heat_dofs, temperature);
      else
        {
          assemble(t, heat_dofs, temperature, assemble_matrix);
          thermal_load_ready = false;
          if (with_matrix && affine_load)
            assemble_thermal_load(heat_dofs, temperature); // sets thermal_load_ready
        }
    };
    if (prm.matrix_free)
      {
        // The same kernel records the Lame pair of every point instead of a matrix.
        record_lame = with_matrix;
        assemble_load(false);
        record_lame = false;
        if (with_matrix)
          {
            TimerOutput::Scope scope(timer, "mechanics: multigrid setup");
            matrix_free->set_coefficients(mf_lambda, mf_mu);
            matrix_is_frozen_tangent = frozen;
            matrix_assembled         = true;
            matrix_free_cg.clear_history();
          }
        report.matrix_rebuilt = with_matrix;
        report.linear_iterations += solve_matrix_free(solution, rhs);
        constraints.distribute(solution);
        displacement_ghosted = solution;
        if (law.has_history())
          {
            commit_state(heat_dofs, temperature, report);
            t_last = t;
          }
        return report;
      }
    assemble_load(with_matrix);
    if (with_matrix)
      matrix_is_frozen_tangent = frozen;
    report.matrix_rebuilt = with_matrix;
    const bool gps = kinematics == Kinematics::generalized_plane_strain;
    if (with_matrix)
      {
        setup_preconditioner(matrix);
        matrix_assembled = true;
        cg.clear_history(); // earlier solutions belong to the old matrix
        if (gps)
          {
            // Response to a unit axial strain, u2 = K^-1 b (homogeneous constraints).
            report.linear_iterations += solve_linear(gps_u2, gps_b);
            cg.clear_history(); // u2 answers another load: not a history of u1
            AffineConstraints<double> homogeneous;
            homogeneous.copy_from(constraints);
            for (const auto &line : homogeneous.get_lines())
              if (homogeneous.is_inhomogeneously_constrained(line.index))
                homogeneous.set_inhomogeneity(line.index, 0);
            homogeneous.distribute(gps_u2);
          }
      }
    // Solve K u1 = f from the last u1 (= u + eps0 u2), then eliminate eps0.
    if (gps)
      solution.add(eps0, gps_u2);
    report.linear_iterations += solve_linear(solution, rhs);
    constraints.distribute(solution);
    if (gps)
      {
        if (prm.prescribe_axial_strain)
          eps0 = prm.axial_value;
        else
          eps0 = (prm.axial_value + gps_g - (gps_b * solution)) / (gps_c - (gps_b * gps_u2));
        solution.add(-eps0, gps_u2);
      }
    report.axial_strain  = eps0;
    displacement_ghosted = solution;
    if (law.has_history())
      {
        commit_state(heat_dofs, temperature, report);
        t_last = t;
      }
    return report;
  }

  template <int dim, typename LA>
  void MechanicsProblem<dim, LA>::setup_preconditioner(Matrix &m)
  {
    TimerOutput::Scope          scope(timer, "mechanics: AMG setup");
    linear_algebra::AMGSettings s;
    s.elliptic              = true;
    s.higher_order_elements = fe.degree > 1;
    s.smoother_sweeps       = prm.amg_smoother_sweeps;
    s.aggregation_threshold = prm.amg_aggregation_threshold;
    s.smoother_type         = prm.amg_smoother;
    s.gamg_threshold        = prm.gamg_threshold;
    linear_algebra::initialize_elasticity_amg(preconditioner, m, s, near_null_space);
  }

  template <int dim, typename LA>
  double MechanicsProblem<dim, LA>::update_trial_state(const double t,
                                                       const DoFHandler<dim> &heat_dofs,
                                                       const typename LA::Vector &temperature)
  {
    TimerOutput::Scope scope(timer, "mechanics: free volume");
    const double       dt         = std::isnan(t_last) ? 0.0 : t - t_last;
    double             max_lambda = 0;
    std::string        error;
    visit_cells(heat_dofs, temperature, {}, false,
                [&](const typename DoFHandler<dim>::active_cell_iterator &cell, const FEValues<dim> &,
                    const std::vector<double> &T, const std::vector<SymmetricTensor<2, 3>> &) {
                  const auto data = state.get_data(cell);
                  for (unsigned int q = 0; q < T.size() && error.empty(); ++q)
                    {
                      MaterialPointState &d = *data[q];
                      // Plastic models' substeps: the temperature a fraction of the way through the step.
                      const double T_new =
                        prm.plastic ? substep_temperature(d, T[q], temperature_fraction) : T[q];
                      // An invalid state (e.g. a non-finite temperature) may turn up on one rank
                      // only: every rank must learn of it before the next collective call.
                      try
                        {
                          max_lambda = std::max(max_lambda, law.begin_step(d, d, T_new, t, dt));
                        }
                      catch (const std::exception &e)
                        {
                          std::ostringstream where;
                          where << "the material-point update at " << cell->center() << " (rank "
                                << Utilities::MPI::this_mpi_process(comm) << ", t = " << t << " s) failed: " << e.what();
                          error = where.str();
                        }
                    }
                });
    for (const auto &message : Utilities::MPI::all_gather(comm, error))
      if (!message.empty())
        throw RunError(message);
    return Utilities::MPI::max(max_lambda, comm);
  }

  template <int dim, typename LA>
  void MechanicsProblem<dim, LA>::quadrature_point_strains(
    const FEValues<dim> &fv, const typename DoFHandler<dim>::active_cell_iterator &cell,
    std::vector<SymmetricTensor<2, 3>> &strains) const
  {
    // u and grad u from the cell's DoF values directly: this runs every step (statistics,
    // viscous state) and the generic FEValues extractors cost about twice as much.
    const unsigned int n = fe.n_dofs_per_cell(), nq = fv.n_quadrature_points;
    // Scratch kept between calls (this runs for every cell in every iteration).
    thread_local std::vector<double>         local_u;
    thread_local std::vector<Tensor<1, dim>> grads;
    thread_local std::vector<double>         values;
    local_u.resize(n);
    grads.resize(dim);
    values.resize(dim);
    cell->get_dof_values(displacement_ghosted, local_u.begin(), local_u.end());
    strains.resize(nq);
    for (unsigned int q = 0; q < nq; ++q)
      {
        std::fill(values.begin(), values.end(), 0.0);
        std::fill(grads.begin(), grads.end(), Tensor<1, dim>());
        for (unsigned int i = 0; i < n; ++i)
          {
            const unsigned int c = fe.system_to_component_index(i).first;
            values[c] += local_u[i] * fv.shape_value(i, q);
            grads[c] += local_u[i] * fv.shape_grad(i, q);
          }
        strains[q] = total_strain(grads, values, fv.quadrature_point(q)[0]);
      }
  }

  template <int dim, typename LA>
  void MechanicsProblem<dim, LA>::visit_cells(
    const DoFHandler<dim> &heat_dofs, const typename LA::Vector &temperature,
    const std::function<bool(const typename DoFHandler<dim>::active_cell_iterator &)> &select,
    const bool with_strains, const CellVisitor &f) const
  {
    FEValues<dim> fv(mapping, fe, quadrature,
                     update_values | update_gradients | update_quadrature_points | update_JxW_values);
    FEValues<dim> hv(mapping, heat_dofs.get_fe(), quadrature, update_values);
    std::vector<double>                T(quadrature.size()), dof_values;
    std::vector<SymmetricTensor<2, 3>> strains;
    for (const auto &cell : dofs.active_cell_iterators())
      if (cell->is_locally_owned() && (!select || select(cell)))
        {
          fv.reinit(cell);
          const typename DoFHandler<dim>::active_cell_iterator heat_cell(&tria, cell->level(),
                                                                         cell->index(), &heat_dofs);
          hv.reinit(heat_cell);
          scalar_cell_values(hv, heat_cell, temperature, dof_values, T);
          if (with_strains)
            quadrature_point_strains(fv, cell, strains);
          f(cell, fv, T, strains);
        }
  }

  template <int dim, typename LA>
  void MechanicsProblem<dim, LA>::visit_points(
    const DoFHandler<dim> &heat_dofs, const typename LA::Vector &temperature, const bool with_strains,
    const typename QuadraturePointEvaluation<dim>::Visitor &f) const
  {
    if (!prm.vectorised_postprocessing)
      {
        CellQuadraturePoints<dim> points;
        visit_cells(heat_dofs, temperature, {}, with_strains,
                    [&](const typename DoFHandler<dim>::active_cell_iterator &cell, const FEValues<dim> &fv,
                        const std::vector<double> &T, const std::vector<SymmetricTensor<2, 3>> &strains) {
                      points.positions = fv.get_quadrature_points();
                      points.JxW       = fv.get_JxW_values();
                      f(cell, points, T, strains);
                    });
        return;
      }
    if (!point_evaluation || !point_evaluation->matches(dofs, heat_dofs))
      point_evaluation = std::make_unique<QuadraturePointEvaluation<dim>>(
        mapping, dofs, heat_dofs, fe.degree + 1, kinematics); // QGauss(p + 1), as `quadrature`
    point_evaluation->visit(displacement_ghosted, temperature, with_strains, eps0, f);
  }

  template <int dim, typename LA>
  void MechanicsProblem<dim, LA>::commit_state(const DoFHandler<dim> &heat_dofs,
                                               const typename LA::Vector &temperature,
                                               MechanicsStepReport &report)
  {
    TimerOutput::Scope scope(timer, law.plastic() ? "mechanics: commit state" : "mechanics: free volume");
    double             work = 0;
    // The linear models evaluate the law at the solution now (their solve needs only its
    // tangent and its response at zero strain); the Newton iteration has stored the update
    // of its converged iterate.
    // FEValues, not visit_points(): the state must not depend on how the strains are summed
    // (round-off carried through the viscous flow and the solver tolerances changes a long run's
    // stresses by up to 2e-7 relative, measured on as_cast_vit1 + htc_vit1).
    visit_cells(heat_dofs, temperature, {}, !law.plastic(),
                [&](const typename DoFHandler<dim>::active_cell_iterator &cell, const FEValues<dim> &fv,
                    const std::vector<double> &T, const std::vector<SymmetricTensor<2, 3>> &strains) {
                  const auto data      = state.get_data(cell);
                  double     cell_work = 0, cell_volume = 0;
                  for (unsigned int q = 0; q < T.size(); ++q)
                    {
                      MaterialPointState &d = *data[q];
                      if (!law.plastic())
                        d.update = law.linear_update(d, d, strains[q], T[q]);
                      d.commit();
                      const double w = fv.JxW(q) * volume_weight(kinematics, fv.quadrature_point(q)[0]);
                      cell_work += d.update.plastic_work * w;
                      cell_volume += w;
                    }
                  work += cell_work;
                  if (law.plastic())
                    cell_plastic_work[cell->active_cell_index()] += cell_work / cell_volume;
                });
    if (!law.plastic())
      return;
    report.plastic_work += Utilities::MPI::sum(work, comm);
    update_nonlocal_free_volume();
  }

  template <int dim, typename LA>
  MaterialPointFields MechanicsProblem<dim, LA>::stress_at(
    const typename DoFHandler<dim>::active_cell_iterator &cell, const Point<dim> &reference_point,
    const DoFHandler<dim> &heat_dofs, const typename LA::Vector &temperature,
    const StateAtPoint state_at_point) const
  {
    const auto data = state.get_data(cell);
    // The nearest Gauss point's state is read with the strain at that Gauss point (the stress
    // the law computed there); the interpolated state with the strain at the point itself.
    const bool   at_gauss_point = state_at_point == StateAtPoint::nearest_gauss_point;
    unsigned int nearest        = 0;
    if (at_gauss_point)
      for (unsigned int q = 1; q < quadrature.size(); ++q)
        if (quadrature.point(q).distance_square(reference_point) <
            quadrature.point(nearest).distance_square(reference_point))
          nearest = q;
    const Quadrature<dim> q(at_gauss_point ? quadrature.point(nearest) : reference_point);
    FEValues<dim>         fv(mapping, fe, q, update_values | update_gradients | update_quadrature_points);
    FEValues<dim>         hv(mapping, heat_dofs.get_fe(), q, update_values);
    fv.reinit(cell);
    const typename DoFHandler<dim>::active_cell_iterator heat_cell(&tria, cell->level(),
                                                                   cell->index(), &heat_dofs);
    hv.reinit(heat_cell);
    std::vector<double> T(1);
    hv.get_function_values(temperature, T);
    std::vector<std::vector<Tensor<1, dim>>> grads(1, std::vector<Tensor<1, dim>>(dim));
    std::vector<dealii::Vector<double>>      values(1, dealii::Vector<double>(dim));
    fv.get_function_gradients(displacement_ghosted, grads);
    fv.get_function_values(displacement_ghosted, values);
    std::vector<double> u(dim);
    for (unsigned int d = 0; d < dim; ++d)
      u[d] = values[0][d];
    const Point<dim>     &x = fv.quadrature_point(0);
    std::array<double, 3> p{{x[0], x[1], dim == 3 ? x[dim - 1] : 0.0}};
    const double          g = material.g(p, kinematics);
    if (at_gauss_point)
      {
        MaterialPointState ps = *data[nearest];
        ps.g                  = g;
        return law.fields(ps, total_strain(grads[0], u, x[0]), T[0]);
      }
    // Inelastic strain and free volume at an arbitrary point: the tensor-product Lagrange
    // interpolant through the cell's Gauss points (exact for fields of degree fe_degree in
    // each reference coordinate; a cell average would make point stresses of a viscous
    // state O(h) even with Q2 elements).
    MaterialPointState ps;
    ps.g                = g;
    ps.x                = 0;
    for (unsigned int q = 0; q < quadrature.size(); ++q)
      {
        const Point<dim> &xq = quadrature.point(q);
        double            w  = 1;
        for (unsigned int d = 0; d < dim; ++d)
          for (unsigned int k = 0; k < quadrature.size(); ++k)
            {
              const double node = quadrature.point(k)[d];
              // distinct 1D nodes only: points of the same 1D coordinate are skipped
              bool seen = std::abs(node - xq[d]) < 1e-12;
              for (unsigned int j = 0; j < k && !seen; ++j)
                seen = std::abs(quadrature.point(j)[d] - node) < 1e-12;
              if (!seen)
                w *= (reference_point[d] - node) / (xq[d] - node);
            }
        ps.inelastic_strain += w * data[q]->inelastic_strain;
        ps.x += w * data[q]->x;
        ps.plastic_free_volume += w * data[q]->plastic_free_volume;
        ps.plastic_strain += w * data[q]->plastic_strain;
        ps.equivalent_plastic_strain += w * data[q]->equivalent_plastic_strain;
        ps.nonlocal_free_volume += w * data[q]->nonlocal_free_volume;
        ps.plastic_power += w * data[q]->plastic_power;
      }
    return law.fields(ps, total_strain(grads[0], u, x[0]), T[0]);
  }

  template <int dim, typename LA>
  void MechanicsProblem<dim, LA>::for_each_quadrature_point(
    const DoFHandler<dim> &heat_dofs, const typename LA::Vector &temperature,
    const std::function<void(const Point<dim> &, double, double, const MaterialPointFields &)> &f) const
  {
    visit_points(heat_dofs, temperature, true,
                 [&](const typename DoFHandler<dim>::active_cell_iterator &cell, const CellQuadraturePoints<dim> &points,
                     const std::vector<double> &T, const std::vector<SymmetricTensor<2, 3>> &strains) {
                  const auto data = state.get_data(cell);
                  for (unsigned int q = 0; q < strains.size(); ++q)
                    {
                      const Point<dim>   &x = points.positions[q];
                      MaterialPointFields s = law.fields(*data[q], strains[q], T[q]);
                      s.volume            = points.JxW[q] * volume_weight(kinematics, x[0]);
                      f(x, s.volume, T[q], s);
                    }
                });
  }

  template <int dim, typename LA>
  void MechanicsProblem<dim, LA>::for_each_cell(
    const DoFHandler<dim> &heat_dofs, const typename LA::Vector &temperature,
    const std::function<void(const typename DoFHandler<dim>::active_cell_iterator &,
                             const CellQuadraturePoints<dim> &, const std::vector<MaterialPointFields> &)> &f) const
  {
    std::vector<MaterialPointFields> fields(quadrature.size());
    visit_points(heat_dofs, temperature, true,
                 [&](const typename DoFHandler<dim>::active_cell_iterator &cell, const CellQuadraturePoints<dim> &points,
                     const std::vector<double> &T, const std::vector<SymmetricTensor<2, 3>> &strains) {
                  const auto data = state.get_data(cell);
                  for (unsigned int q = 0; q < strains.size(); ++q)
                    {
                      fields[q]        = law.fields(*data[q], strains[q], T[q]);
                      fields[q].volume = points.JxW[q] * volume_weight(kinematics, points.positions[q][0]);
                    }
                  f(cell, points, fields);
                });
  }

  template <int dim, typename LA>
  double MechanicsProblem<dim, LA>::boundary_area(const unsigned int id) const
  {
    const QGauss<dim - 1> face_quadrature(fe.degree + 1);
    FEFaceValues<dim>     ffv(mapping, fe, face_quadrature, update_quadrature_points | update_JxW_values);
    double                area = 0;
    for (const auto &cell : dofs.active_cell_iterators())
      if (cell->is_locally_owned() && cell->at_boundary())
        for (const auto f : cell->face_indices())
          if (cell->face(f)->at_boundary() && cell->face(f)->boundary_id() == id)
            {
              ffv.reinit(cell, f);
              for (unsigned int q = 0; q < ffv.n_quadrature_points; ++q)
                area += ffv.JxW(q) * volume_weight(kinematics, ffv.quadrature_point(q)[0]);
            }
    return Utilities::MPI::sum(area, comm);
  }

  template <int dim, typename LA>
  void MechanicsProblem<dim, LA>::cell_averages(const DoFHandler<dim> &heat_dofs,
                                                const typename LA::Vector &temperature,
                                                std::vector<MaterialPointFields> &per_cell) const
  {
    TimerOutput::Scope scope(timer, "mechanics: stresses");
    per_cell.assign(tria.n_active_cells(), MaterialPointFields());
    // Quadrature points come cell by cell: accumulate into the current cell's average.
    typename Triangulation<dim>::active_cell_iterator cell = tria.begin_active();
    const unsigned int nq = quadrature.size();
    unsigned int       q  = 0;
    auto next_owned = [&]() {
      while (cell != tria.end() && !cell->is_locally_owned())
        ++cell;
    };
    next_owned();
    for_each_quadrature_point(heat_dofs, temperature,
                              [&](const Point<dim> &, const double w, const double, const MaterialPointFields &s) {
                                MaterialPointFields &avg = per_cell[cell->active_cell_index()];
                                accumulate(avg, w, s);
                                avg.volume += w;
                                if (++q == nq)
                                  {
                                    scale(avg, 1 / avg.volume);
                                    q = 0;
                                    ++cell;
                                    next_owned();
                                  }
                              });
  }

  template class MechanicsProblem<2, linear_algebra::Trilinos>;
  template class MechanicsProblem<3, linear_algebra::Trilinos>;
  template class MechanicsProblem<2, linear_algebra::PETSc>;
  template class MechanicsProblem<3, linear_algebra::PETSc>;
} // namespace bmgfe
