#include <bmgfe/base/expression.h>
#include <bmgfe/base/input_error.h>
#include <bmgfe/linear_algebra/elasticity_amg.h>
#include <bmgfe/materials/viscous_flow.h>
#include <bmgfe/physics/mechanics_problem.h>

#include <deal.II/base/function_parser.h>
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

  void MaterialPointState::pack(double *out) const
  {
    out[0] = g;
    for (unsigned int k = 0; k < 6; ++k)
      out[1 + k] = inelastic_strain.access_raw_entry(k);
    out[7] = x;
    out[8] = temperature;
    for (unsigned int k = 0; k < 6; ++k)
      out[9 + k] = strain.access_raw_entry(k);
    for (unsigned int k = 0; k < 6; ++k)
      out[15 + k] = plastic_strain.access_raw_entry(k);
    out[21] = equivalent_plastic_strain;
    out[22] = plastic_free_volume;
    out[23] = nonlocal_free_volume;
  }

  void MaterialPointState::unpack(const double *in)
  {
    g = in[0];
    for (unsigned int k = 0; k < 6; ++k)
      inelastic_strain.access_raw_entry(k) = in[1 + k];
    x           = in[7];
    temperature = in[8];
    for (unsigned int k = 0; k < 6; ++k)
      strain.access_raw_entry(k) = in[9 + k];
    for (unsigned int k = 0; k < 6; ++k)
      plastic_strain.access_raw_entry(k) = in[15 + k];
    equivalent_plastic_strain = in[21];
    plastic_free_volume       = in[22];
    nonlocal_free_volume      = in[23];
    plastic_power             = 0;
    x_trial = x;
    lambda  = 0;
  }

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

    SymmetricTensor<2, 3> isotropic_stress(const SymmetricTensor<2, 3> &strain, const double E,
                                           const double nu)
    {
      const double lambda = E * nu / ((1 + nu) * (1 - 2 * nu));
      const double mu     = E / (2 * (1 + nu));
      return lambda * trace(strain) * unit_symmetric_tensor<3>() + 2 * mu * strain;
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
  {
    // Parse the expressions now, so that errors surface at start-up.
    for (const auto &p : prm.prescribed)
      make_expression_function<dim>(p.expression,
                                    "Mechanics/Boundary conditions/Prescribed displacement", true);
    for (const auto &[id, expr] : prm.pressure)
      make_expression_function<dim>(expr, "Mechanics/Boundary conditions/Pressure", true);
    if (!prm.body_force.empty())
      make_vector_expression_function<dim>(prm.body_force, "Mechanics/Body force", true);
    if (prm.viscous)
      {
        const FreeVolumeParameters &fvp = material.free_volume;
        eta0 = fvp.viscosity_prefactor(material.shear_modulus_at_tg());
        if (!fvp.maxwell_rate_override.empty())
          {
            auto f = std::make_unique<FunctionParser<1>>(1);
            try
              {
                f->initialize("T,t", fvp.maxwell_rate_override, {{"pi", M_PI}}, true);
                f->set_time(0);
                f->value(Point<1>(300.0));
              }
            catch (const std::exception &e)
              {
                throw InputError("entry 'Material/Free volume/Maxwell rate override': cannot "
                                 "parse '" + fvp.maxwell_rate_override +
                                 "' as an expression of T and t");
              }
            rate_override = std::move(f);
          }
      }
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
  void MechanicsProblem<dim, LA>::make_constraints(const double t)
  {
    constraints.clear();
    constraints.reinit(relevant);
    DoFTools::make_hanging_node_constraints(dofs, constraints);
    const FEValuesExtractors::Vector displacement(0);
    const auto                       mask_of = [&](const std::vector<unsigned int> &components) {
      std::vector<bool> m(dim, false);
      for (const auto c : components)
        m[c] = true;
      return ComponentMask(m);
    };
    const Functions::ZeroFunction<dim> zero(dim);
    for (const auto &[id, components] : prm.fixed_components)
      VectorTools::interpolate_boundary_values(mapping, dofs, static_cast<types::boundary_id>(id),
                                               zero, constraints, mask_of(components));
    // Symmetry planes: the coordinate that is constant over the faces is the normal.
    for (const auto id : prm.symmetry_ids)
      {
        int normal = -1;
        for (const auto &cell : dofs.active_cell_iterators())
          if (cell->is_locally_owned() && cell->at_boundary())
            for (const auto f : cell->face_indices())
              if (cell->face(f)->at_boundary() && cell->face(f)->boundary_id() == id)
                {
                  const auto face = cell->face(f);
                  for (unsigned int d = 0; d < dim; ++d)
                    {
                      bool constant = true;
                      for (const auto v : face->vertex_indices())
                        constant = constant && std::abs(face->vertex(v)[d] - face->vertex(0)[d]) <=
                                                 1e-10 * face->diameter();
                      if (constant)
                        {
                          require(normal < 0 || normal == static_cast<int>(d),
                                  "entry 'Mechanics/Boundary conditions/Symmetry boundary ids'",
                                  "boundary " + std::to_string(id) +
                                    " is not a plane normal to a coordinate axis");
                          normal = static_cast<int>(d);
                        }
                    }
                  require(normal >= 0, "entry 'Mechanics/Boundary conditions/Symmetry boundary ids'",
                          "boundary " + std::to_string(id) +
                            " is not a plane normal to a coordinate axis");
                }
        normal = Utilities::MPI::max(normal, comm);
        if (normal >= 0)
          VectorTools::interpolate_boundary_values(mapping, dofs, static_cast<types::boundary_id>(id),
                                                   zero, constraints,
                                                   mask_of({static_cast<unsigned int>(normal)}));
      }
    // Prescribed displacement components (time dependent).
    for (const auto &p : prm.prescribed)
      {
        std::vector<std::string> expressions(dim, "0");
        expressions[p.component] = p.expression;
        FunctionParser<dim> g(dim);
        g.initialize(dim == 2 ? "x,y,t" : "x,y,z,t", expressions, {{"pi", M_PI}}, true);
        g.set_time(t);
        AffineConstraints<double> boundary(relevant);
        VectorTools::interpolate_boundary_values(mapping, dofs, static_cast<types::boundary_id>(p.id),
                                                 g, boundary, mask_of({p.component}));
        boundary.close();
        constraints.merge(boundary, AffineConstraints<double>::right_object_wins);
      }
    // Loading programme: rigid platens. The supported one holds the load component at zero,
    // the loaded one moves along it; bonded platens also hold the other components.
    if (loading.enabled)
      {
        ComponentMask others(dim, true);
        others.set(loading.component(), false);
        const ComponentMask axial = mask_of({loading.component()});
        AffineConstraints<double> platens(relevant);
        std::vector<double>       values(dim, 0.0);
        values[loading.component()] = loading.platen_displacement(t);
        const Functions::ConstantFunction<dim> moved(values);
        VectorTools::interpolate_boundary_values(mapping, dofs,
                                                 static_cast<types::boundary_id>(loading.loaded_boundary_id),
                                                 moved, platens, loading.bonded() ? ComponentMask() : axial);
        VectorTools::interpolate_boundary_values(mapping, dofs,
                                                 static_cast<types::boundary_id>(loading.supported_boundary_id),
                                                 zero, platens, loading.bonded() ? ComponentMask() : axial);
        platens.close();
        constraints.merge(platens, AffineConstraints<double>::right_object_wins);
      }
    // Point constraints at the nearest vertex.
    for (const auto &pc : prm.point_constraints)
      {
        Point<dim> p;
        for (unsigned int d = 0; d < dim; ++d)
          p[d] = pc.point[d];
        double best = std::numeric_limits<double>::max();
        for (const auto &cell : dofs.active_cell_iterators())
          if (!cell->is_artificial())
            for (const auto v : cell->vertex_indices())
              best = std::min(best, cell->vertex(v).distance(p));
        const double global_best = Utilities::MPI::min(best, comm);
        for (const auto &cell : dofs.active_cell_iterators())
          if (!cell->is_artificial())
            for (const auto v : cell->vertex_indices())
              if (cell->vertex(v).distance(p) == global_best)
                for (const auto c : pc.components)
                  {
                    const auto dof = cell->vertex_dof_index(v, c);
                    if (relevant.is_element(dof) && !constraints.is_constrained(dof))
                      constraints.add_line(dof);
                  }
      }
    constraints.close();
    has_inhomogeneous_constraints = !prm.prescribed.empty() || loading.enabled;
  }

  template <int dim, typename LA>
  void MechanicsProblem<dim, LA>::setup()
  {
    TimerOutput::Scope scope(timer, "mechanics: setup");
    dofs.distribute_dofs(fe);
    owned = dofs.locally_owned_dofs();
    DoFTools::extract_locally_relevant_dofs(dofs, relevant);
    loading = prm.loading;
    if (loading.enabled)
      {
        // Automatic gauge length: the extent of the body along the load axis.
        double lo = std::numeric_limits<double>::max(), hi = -lo;
        for (const auto &cell : tria.active_cell_iterators())
          if (cell->is_locally_owned())
            for (const auto v : cell->vertex_indices())
              {
                lo = std::min(lo, cell->vertex(v)[loading.component()]);
                hi = std::max(hi, cell->vertex(v)[loading.component()]);
              }
        lo = Utilities::MPI::min(lo, comm);
        hi = Utilities::MPI::max(hi, comm);
        loading.set_automatic_gauge_length(hi - lo);
      }
    make_constraints(0);

    DynamicSparsityPattern dsp(relevant);
    DoFTools::make_sparsity_pattern(dofs, dsp, constraints, false);
    SparsityTools::distribute_sparsity_pattern(dsp, owned, comm, relevant);
    matrix.reinit(owned, owned, dsp, comm);
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
    const FESystem<dim>             dg_fe(node_fe, 1 + components.size());
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
              values[indices[dg_fe.component_to_system_index(0, q)]] = data[q]->x;
              for (unsigned int c = 0; c < components.size(); ++c)
                values[indices[dg_fe.component_to_system_index(c + 1, q)]] =
                  data[q]->inelastic_strain[components[c].i][components[c].j];
            }
        }
    values.update_ghost_values();
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
  }

  template <int dim, typename LA>
  void MechanicsProblem<dim, LA>::assemble(const double t, const DoFHandler<dim> &heat_dofs,
                                           const typename LA::Vector &temperature,
                                           const bool with_matrix)
  {
    TimerOutput::Scope scope(timer, with_matrix ? "mechanics: assemble matrix" :
                                                  "mechanics: assemble rhs");
    const bool    gps          = kinematics == Kinematics::generalized_plane_strain;
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
        pressures[id]->set_time(t);
      }
    // Body force f (dim components): int f.v w dx over the cells, only if it is nonzero.
    std::unique_ptr<Function<dim>> body_force;
    std::vector<dealii::Vector<double>> f_q;
    if (!prm.body_force.empty())
      {
        body_force = make_vector_expression_function<dim>(prm.body_force, "Mechanics/Body force", true);
        body_force->set_time(t);
        f_q.assign(quadrature.size(), dealii::Vector<double>(dim));
      }

    const unsigned int n = fe.n_dofs_per_cell(), nq = quadrature.size();
    FullMatrix<double> local_matrix(n, n);
    dealii::Vector<double> local_rhs(n), local_b(n);
    std::vector<types::global_dof_index> indices(n);
    std::vector<double>                  T_q(nq);
    std::vector<unsigned int>            component(n);
    for (unsigned int i = 0; i < n; ++i)
      component[i] = fe.system_to_component_index(i).first;
    std::vector<SymmetricTensor<2, 3>> eps(n);
    std::vector<double>                tr(n);

    if (with_matrix)
      {
        matrix = 0;
        if (gps)
          gps_b = 0;
        gps_c = 0;
      }
    rhs       = 0;
    gps_g     = 0;
    double gc = 0, gg = 0;
    double largest_eigenstrain = 0;
    for (const auto &cell : dofs.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          fv.reinit(cell);
          const typename DoFHandler<dim>::active_cell_iterator heat_cell(&tria, cell->level(),
                                                                         cell->index(), &heat_dofs);
          hv.reinit(heat_cell);
          hv.get_function_values(temperature, T_q);
          const auto data = state.get_data(cell);
          local_matrix    = 0;
          local_rhs       = 0;
          local_b         = 0;
          if (body_force)
            body_force->vector_value_list(fv.get_quadrature_points(), f_q);
          for (unsigned int q = 0; q < nq; ++q)
            {
              const double r = fv.quadrature_point(q)[0];
              const double w = fv.JxW(q) * volume_weight(kinematics, r);
              const double g = data[q]->g;
              const double E = material.youngs(T_q[q], g), nu = material.poisson_ratio.value(T_q[q]);
              double lambda = E * nu / ((1 + nu) * (1 - 2 * nu)), mu = E / (2 * (1 + nu));
              SymmetricTensor<2, 3> eigen_stress;
              if (!prm.viscous)
                {
                  const SymmetricTensor<2, 3> eigen =
                    material.thermal_strain(T_q[q], g) * unit_symmetric_tensor<3>() +
                    data[q]->inelastic_strain;
                  eigen_stress        = isotropic_stress(eigen, E, nu);
                  largest_eigenstrain = std::max(largest_eigenstrain, eigen.norm());
                }
              else
                {
                  // Maxwell step with the consistent tangent (doc/model.md):
                  //   sigma_n+1 = K tr(eps) 1 + 2 G phi1 dev(eps_n+1) - eigen_stress,
                  //   eigen_stress = 3 K (eps_th + eps_s) 1 - 2 G e^{-lambda} e_e,n
                  //                  + 2 G phi1 dev(eps_n),   e_e,n = dev(eps_n) - eps_v,n,
                  // i.e. the tangent K 1x1 + 2 G phi1 P_dev as Lame pair (K - 2 mu_t/3, mu_t).
                  const MaterialPointState &d   = *data[q];
                  const double              bulk = E / (3 * (1 - 2 * nu));
                  const double              G    = mu;
                  const double              p1   = phi1(d.lambda);
                  const double iso = material.thermal_strain(T_q[q], g) +
                                     material.free_volume.structural_strain(d.x_trial);
                  const SymmetricTensor<2, 3> e_n = deviator(d.strain);
                  eigen_stress = 3 * bulk * iso * unit_symmetric_tensor<3>() -
                                 2 * G * std::exp(-d.lambda) * (e_n - d.inelastic_strain) +
                                 2 * G * p1 * e_n;
                  mu     = G * p1;
                  lambda = bulk - 2 * mu / 3;
                  largest_eigenstrain = std::max(largest_eigenstrain, eigen_stress.norm() / E);
                }
              for (unsigned int i = 0; i < n; ++i)
                {
                  // eps(phi_i) : sigma_eigen = sigma_eigen[c] . grad phi_i (+ hoop part),
                  // without forming eps(phi_i): the right-hand side is assembled every step.
                  const unsigned int    c    = component[i];
                  const Tensor<1, dim> &grad = fv.shape_grad(i, q);
                  double                load = 0;
                  for (unsigned int d = 0; d < dim; ++d)
                    load += eigen_stress[c][d] * grad[d];
                  if (axisymmetric && c == 0)
                    load += eigen_stress[2][2] * fv.shape_value(i, q) / r;
                  local_rhs(i) += load * w;
                  if (with_matrix)
                    {
                      SymmetricTensor<2, 3> &e = eps[i];
                      e                        = SymmetricTensor<2, 3>();
                      for (unsigned int d = 0; d < dim; ++d)
                        e[c][d] = (d == c) ? grad[d] : 0.5 * grad[d];
                      if (axisymmetric && c == 0)
                        e[2][2] = fv.shape_value(i, q) / r;
                      tr[i] = trace(e);
                    }
                }
              if (body_force)
                for (unsigned int i = 0; i < n; ++i)
                  local_rhs(i) += f_q[q][component[i]] * fv.shape_value(i, q) * w;
              if (gps)
                {
                  gg += eigen_stress[2][2] * w;
                  if (with_matrix)
                    {
                      gc += (lambda + 2 * mu) * w;
                      for (unsigned int i = 0; i < n; ++i)
                        local_b(i) += lambda * tr[i] * w;
                    }
                }
              if (with_matrix)
                for (unsigned int i = 0; i < n; ++i)
                  for (unsigned int j = 0; j <= i; ++j)
                    local_matrix(i, j) += (lambda * tr[i] * tr[j] + 2 * mu * (eps[i] * eps[j])) * w;
            }
          if (with_matrix)
            for (unsigned int i = 0; i < n; ++i)
              for (unsigned int j = i + 1; j < n; ++j)
                local_matrix(i, j) = local_matrix(j, i);
          // Generalized plane strain with prescribed displacements: gps_b is condensed (zero
          // at constrained DoFs), so b.u1 misses int lambda tr eps(u) of the prescribed values
          // g_i; it goes into gps_g (the matrix, hence local_b, is rebuilt in every such solve).
          if (gps && with_matrix && has_inhomogeneous_constraints)
            {
              cell->get_dof_indices(indices);
              for (unsigned int i = 0; i < n; ++i)
                if (constraints.is_inhomogeneously_constrained(indices[i]))
                  gg -= local_b(i) * constraints.get_inhomogeneity(indices[i]);
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
          if (with_matrix)
            {
              constraints.distribute_local_to_global(local_matrix, local_rhs, indices, matrix, rhs);
              if (gps)
                constraints.distribute_local_to_global(local_b, indices, gps_b);
            }
          else
            constraints.distribute_local_to_global(local_rhs, indices, rhs);
        }
    rhs.compress(VectorOperation::add);
    gps_g = Utilities::MPI::sum(gg, comm);
    // At the stress-free temperature the interpolated T differs from it by rounding
    // (partition of unity), which leaves eigenstrains of ~1e-18 and a load of round-off
    // size; relative to that load CG would chase stresses of 1e-7 Pa for ~20 iterations.
    // Eigenstrains below 1e-13 everywhere, with no other load, mean no load at all.
    largest_eigenstrain = Utilities::MPI::max(largest_eigenstrain, comm);
    if (largest_eigenstrain < 1e-13 && !body_force && pressures.empty() &&
        !has_inhomogeneous_constraints && !(gps && prm.axial_value != 0))
      {
        rhs   = 0;
        gps_g = 0;
      }
    if (with_matrix)
      {
        matrix.compress(VectorOperation::add);
        if (gps)
          gps_b.compress(VectorOperation::add);
        gps_c = Utilities::MPI::sum(gc, comm);
      }
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
  MechanicsStepReport MechanicsProblem<dim, LA>::solve(const double t,
                                                       const DoFHandler<dim> &heat_dofs,
                                                       const typename LA::Vector &temperature)
  {
    if (prm.plastic)
      return solve_plastic(t, heat_dofs, temperature);
    MechanicsStepReport report;
    if (has_inhomogeneous_constraints)
      make_constraints(t);
    // The viscous model's tangent 2 G phi1(lambda) changes with every step and point, except
    // in frozen glass: when every relaxation exponent is below 1e-12, phi1 = 1 - lambda/2 + ...
    // differs from 1 by less than the linear-solver tolerance and the elastic matrix and its
    // AMG hierarchy are kept (a cast or quenched rod below ~400 K, most steps of a cooling).
    constexpr double frozen_lambda = 1e-12;
    const double     max_lambda =
      prm.viscous ? update_trial_state(t, heat_dofs, temperature) : 0.0;
    const bool frozen      = !prm.viscous || max_lambda <= frozen_lambda;
    const bool with_matrix = !matrix_assembled || !material.is_temperature_independent() ||
                             has_inhomogeneous_constraints || !frozen || !matrix_is_frozen_tangent;
    assemble(t, heat_dofs, temperature, with_matrix);
    if (with_matrix)
      matrix_is_frozen_tangent = frozen;
    report.matrix_rebuilt = with_matrix;
    const bool gps = kinematics == Kinematics::generalized_plane_strain;
    if (with_matrix)
      {
        {
          TimerOutput::Scope          scope(timer, "mechanics: AMG setup");
          linear_algebra::AMGSettings s;
          s.elliptic              = true;
          s.higher_order_elements = fe.degree > 1;
          s.smoother_sweeps       = prm.amg_smoother_sweeps;
          s.aggregation_threshold = prm.amg_aggregation_threshold;
          s.smoother_type         = prm.amg_smoother;
          s.gamg_threshold        = prm.gamg_threshold;
          linear_algebra::initialize_elasticity_amg(preconditioner, matrix, s, near_null_space);
        }
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
    if (prm.viscous)
      {
        commit_state(heat_dofs, temperature);
        t_last = t;
      }
    return report;
  }

  template <int dim, typename LA>
  double MechanicsProblem<dim, LA>::update_trial_state(const double t,
                                                     const DoFHandler<dim> &heat_dofs,
                                                     const typename LA::Vector &temperature)
  {
    TimerOutput::Scope scope(timer, "mechanics: free volume");
    const FreeVolumeParameters &fvp = material.free_volume;
    const double dt = std::isnan(t_last) ? 0.0 : t - t_last;
    double       max_lambda = 0;
    FEValues<dim> hv(mapping, heat_dofs.get_fe(), quadrature, update_values);
    std::vector<double> T_q(quadrature.size());
    for (const auto &heat_cell : heat_dofs.active_cell_iterators())
      if (heat_cell->is_locally_owned())
        {
          hv.reinit(heat_cell);
          hv.get_function_values(temperature, T_q);
          const typename Triangulation<dim>::active_cell_iterator cell(&tria, heat_cell->level(),
                                                                      heat_cell->index());
          const auto data = state.get_data(cell);
          for (unsigned int q = 0; q < quadrature.size(); ++q)
            {
              MaterialPointState &d     = *data[q];
              // Plastic models' substeps: the temperature a fraction of the way through the step.
              const double T_new = prm.plastic ? interpolated_temperature(d, T_q[q], temperature_fraction) : T_q[q];
              const double        T_old = std::isnan(d.temperature) ? T_new : d.temperature;
              d.x_trial                 = d.x;
              d.lambda                  = 0;
              if (!(dt > 0))
                continue;
              const FreeVolumeStep step = fvp.update(d.x, T_old, T_new, dt);
              d.x_trial                 = step.x;
              if (rate_override)
                {
                  rate_override->set_time(t - dt);
                  const double r_a = rate_override->value(Point<1>(T_old));
                  rate_override->set_time(t);
                  const double r_b = rate_override->value(Point<1>(T_new));
                  d.lambda         = std::max(0.0, 0.5 * dt * (r_a + r_b));
                }
              else
                {
                  const double E  = material.youngs(T_new, d.g);
                  const double nu = material.poisson_ratio.value(T_new);
                  d.lambda        = viscous_flow::relaxation_exponent_from_reduced_time(
                    E / (2 * (1 + nu)), fvp.tau0, eta0, step.reduced_time);
                }
              // A melt relaxes completely either way; the limit keeps the tangent's shear
              // stiffness G phi1(lambda) >= G/cap (see 'Maximum relaxation exponent').
              if (prm.max_relaxation_exponent > 0)
                d.lambda = std::min(d.lambda, prm.max_relaxation_exponent);
              max_lambda = std::max(max_lambda, d.lambda);
            }
        }
    return Utilities::MPI::max(max_lambda, comm);
  }

  template <int dim, typename LA>
  void MechanicsProblem<dim, LA>::quadrature_point_strains(
    const FEValues<dim> &fv, const typename DoFHandler<dim>::active_cell_iterator &cell,
    std::vector<SymmetricTensor<2, 3>> &strains) const
  {
    // u and grad u from the cell's DoF values directly: this runs every step (statistics,
    // viscous state) and the generic FEValues extractors cost about twice as much.
    const unsigned int     n = fe.n_dofs_per_cell(), nq = fv.n_quadrature_points;
    dealii::Vector<double> local_u(n);
    cell->get_dof_values(displacement_ghosted, local_u);
    std::vector<Tensor<1, dim>> grads(dim);
    std::vector<double>         values(dim);
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
    const CellVisitor &f) const
  {
    FEValues<dim> fv(mapping, fe, quadrature,
                     update_values | update_gradients | update_quadrature_points | update_JxW_values);
    FEValues<dim> hv(mapping, heat_dofs.get_fe(), quadrature, update_values);
    std::vector<double>                T(quadrature.size());
    std::vector<SymmetricTensor<2, 3>> strains(quadrature.size());
    for (const auto &cell : dofs.active_cell_iterators())
      if (cell->is_locally_owned() && (!select || select(cell)))
        {
          fv.reinit(cell);
          const typename DoFHandler<dim>::active_cell_iterator heat_cell(&tria, cell->level(),
                                                                         cell->index(), &heat_dofs);
          hv.reinit(heat_cell);
          hv.get_function_values(temperature, T);
          quadrature_point_strains(fv, cell, strains);
          f(cell, fv, T, strains);
        }
  }

  template <int dim, typename LA>
  void MechanicsProblem<dim, LA>::commit_state(const DoFHandler<dim> &heat_dofs,
                                               const typename LA::Vector &temperature)
  {
    TimerOutput::Scope scope(timer, "mechanics: free volume");
    visit_cells(heat_dofs, temperature, {},
                [&](const typename DoFHandler<dim>::active_cell_iterator &cell, const FEValues<dim> &,
                    const std::vector<double> &T, const std::vector<SymmetricTensor<2, 3>> &strains) {
                  const auto data = state.get_data(cell);
                  for (unsigned int q = 0; q < strains.size(); ++q)
                    {
                      MaterialPointState          &d      = *data[q];
                      const SymmetricTensor<2, 3> &strain = strains[q];
                      const double E  = material.youngs(T[q], d.g);
                      const double nu = material.poisson_ratio.value(T[q]);
                      const auto   step = viscous_flow::update(strain, strain - d.strain,
                                                               d.inelastic_strain,
                                                               E / (2 * (1 + nu)), d.lambda);
                      d.inelastic_strain = step.viscous_strain;
                      d.strain           = strain;
                      d.x                = d.x_trial;
                      d.temperature      = T[q];
                    }
                });
  }

  template <int dim, typename LA>
  MaterialPointFields MechanicsProblem<dim, LA>::point_stress(const SymmetricTensor<2, 3> &strain,
                                                      const double T, const MaterialPointState &d) const
  {
    const double                 g         = d.g;
    const double                 x         = d.x;
    const SymmetricTensor<2, 3> &inelastic = d.inelastic_strain;
    MaterialPointFields s;
    s.g              = g;
    s.temperature    = T;
    s.strain         = strain;
    s.thermal_strain = material.thermal_strain(T, g);
    s.expansion      = material.thermal_expansion.value(T) * (1 + material.cte_amplitude * g);
    s.plastic_strain = d.plastic_strain;
    s.viscous_strain = inelastic - d.plastic_strain;
    s.inelastic_strain = inelastic;
    double iso       = s.thermal_strain;
    if (prm.viscous)
      {
        const FreeVolumeParameters &fvp = material.free_volume;
        s.free_volume         = x;
        s.fictive_temperature = fvp.fictive_temperature(x);
        s.structural_strain   = fvp.structural_strain(x - d.plastic_free_volume);
        s.equivalent_inelastic_strain = std::sqrt(2.0 / 3.0 * (inelastic * inelastic));
        iso += s.structural_strain;
      }
    if (prm.plastic)
      {
        s.free_volume                 = x;
        s.fictive_temperature         = material.free_volume.fictive_temperature(x);
        s.equivalent_inelastic_strain = std::sqrt(2.0 / 3.0 * (inelastic * inelastic));
        s.equivalent_plastic_strain   = d.equivalent_plastic_strain;
        s.nonlocal_free_volume        = d.nonlocal_free_volume;
        s.strength_free_volume = prm.nonlocal.strength_free_volume(d.nonlocal_free_volume, x);
        s.plastic_power        = d.plastic_power;
      }
    s.elastic_strain = strain - iso * unit_symmetric_tensor<3>() - inelastic;
    s.stress         = isotropic_stress(s.elastic_strain, material.youngs(T, g),
                                material.poisson_ratio.value(T));
    return s;
  }

  template <int dim, typename LA>
  MaterialPointFields MechanicsProblem<dim, LA>::stress_at(
    const typename DoFHandler<dim>::active_cell_iterator &cell, const Point<dim> &reference_point,
    const DoFHandler<dim> &heat_dofs, const typename LA::Vector &temperature) const
  {
    const Quadrature<dim> q(reference_point);
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
    // Inelastic strain and free volume at an arbitrary point: the tensor-product Lagrange
    // interpolant through the cell's Gauss points (exact for fields of degree fe_degree in
    // each reference coordinate; a cell average would make point stresses of a viscous
    // state O(h) even with Q2 elements).
    MaterialPointState ps;
    ps.g                = g;
    ps.x                = 0;
    const auto         data = state.get_data(cell);
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
    return point_stress(total_strain(grads[0], u, x[0]), T[0], ps);
  }

  template <int dim, typename LA>
  void MechanicsProblem<dim, LA>::for_each_quadrature_point(
    const DoFHandler<dim> &heat_dofs, const typename LA::Vector &temperature,
    const std::function<void(const Point<dim> &, double, double, const MaterialPointFields &)> &f) const
  {
    visit_cells(heat_dofs, temperature, {},
                [&](const typename DoFHandler<dim>::active_cell_iterator &cell, const FEValues<dim> &fv,
                    const std::vector<double> &T, const std::vector<SymmetricTensor<2, 3>> &strains) {
                  const auto data = state.get_data(cell);
                  for (unsigned int q = 0; q < strains.size(); ++q)
                    {
                      const Point<dim> &x = fv.quadrature_point(q);
                      MaterialPointFields       s = point_stress(strains[q], T[q], *data[q]);
                      s.volume            = fv.JxW(q) * volume_weight(kinematics, x[0]);
                      f(x, s.volume, T[q], s);
                    }
                });
  }

  template <int dim, typename LA>
  void MechanicsProblem<dim, LA>::for_each_cell(
    const DoFHandler<dim> &heat_dofs, const typename LA::Vector &temperature,
    const std::function<void(const typename DoFHandler<dim>::active_cell_iterator &,
                             const FEValues<dim> &, const std::vector<MaterialPointFields> &)> &f) const
  {
    std::vector<MaterialPointFields> fields(quadrature.size());
    visit_cells(heat_dofs, temperature, {},
                [&](const typename DoFHandler<dim>::active_cell_iterator &cell, const FEValues<dim> &fv,
                    const std::vector<double> &T, const std::vector<SymmetricTensor<2, 3>> &strains) {
                  const auto data = state.get_data(cell);
                  for (unsigned int q = 0; q < strains.size(); ++q)
                    {
                      fields[q]        = point_stress(strains[q], T[q], *data[q]);
                      fields[q].volume = fv.JxW(q) * volume_weight(kinematics, fv.quadrature_point(q)[0]);
                    }
                  f(cell, fv, fields);
                });
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
    const bool axisymmetric = kinematics == Kinematics::axisymmetric;
    std::unique_ptr<Function<dim>> body_force;
    if (!prm.body_force.empty())
      {
        body_force = make_vector_expression_function<dim>(prm.body_force, "Mechanics/Body force", true);
        body_force->set_time(t);
      }
    const unsigned int                   n = fe.n_dofs_per_cell();
    std::vector<types::global_dof_index> indices(n);
    double                               force = 0;
    const auto touches_boundary = [&](const typename DoFHandler<dim>::active_cell_iterator &cell) {
      if (!cell->at_boundary())
        return false;
      cell->get_dof_indices(indices);
      for (const auto i : indices)
        if (on_boundary.is_element(i))
          return true;
      return false;
    };
    visit_cells(
      heat_dofs, temperature, touches_boundary,
      [&](const typename DoFHandler<dim>::active_cell_iterator &cell, const FEValues<dim> &fv,
          const std::vector<double> &T, const std::vector<SymmetricTensor<2, 3>> &strains) {
        // `indices` still holds this cell's DoFs from touches_boundary().
        const auto data = state.get_data(cell);
        for (unsigned int q = 0; q < strains.size(); ++q)
          {
            const Point<dim> &x = fv.quadrature_point(q);
            const double      w = fv.JxW(q) * volume_weight(kinematics, x[0]);
            const SymmetricTensor<2, 3> sigma =
              point_stress(strains[q], T[q], *data[q]).stress;
            for (unsigned int i = 0; i < n; ++i)
              if (fe.system_to_component_index(i).first == component &&
                  on_boundary.is_element(indices[i]))
                {
                  // eps(phi_i) : sigma for phi_i = N e_c (plus the hoop term u_r/r).
                  const Tensor<1, dim> &grad = fv.shape_grad(i, q);
                  double                f    = 0;
                  for (unsigned int d = 0; d < dim; ++d)
                    f += sigma[component][d] * grad[d];
                  if (axisymmetric && component == 0)
                    f += sigma[2][2] * fv.shape_value(i, q) / x[0];
                  if (body_force)
                    f -= body_force->value(x, component) * fv.shape_value(i, q);
                  force += f * w;
                }
          }
      });
    return Utilities::MPI::sum(force, comm);
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
