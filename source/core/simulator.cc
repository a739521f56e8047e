#include <bmgfe/base/expression.h>
#include <bmgfe/base/input_error.h>
#include <bmgfe/core/simulator.h>
#include <bmgfe/io/snapshot_reader.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/utilities.h>
#include <bmgfe/postprocess/glass_state_measures.h>
#include <bmgfe/postprocess/reference_solutions.h>
#include <bmgfe/postprocess/ring_statistics.h>
#include <bmgfe/postprocess/shear_bands.h>
#include <bmgfe/postprocess/stress_measures.h>

#include <deal.II/base/quadrature_lib.h>
#include <deal.II/numerics/data_out.h>
#include <deal.II/numerics/vector_tools.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <limits>
#include <set>
#include <sstream>

namespace bmgfe
{
  using namespace dealii;

  namespace
  {
    double wall_seconds()
    {
      using clock = std::chrono::steady_clock;
      static const auto start = clock::now();
      return std::chrono::duration<double>(clock::now() - start).count();
    }

    std::string format_duration(double seconds)
    {
      if (!std::isfinite(seconds) || seconds < 0)
        return "--:--:--";
      const long s = std::lround(seconds);
      char       buf[32];
      std::snprintf(buf, sizeof(buf), "%02ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
      return buf;
    }

    /// Plastic dissipation beta_TQ sigma : d eps_p of the last mechanics step as the heat
    /// source of the next heat step (cell averages; doc/model.md §4).
    template <int dim, typename LA>
    class PlasticHeatSource : public HeatSource<dim>
    {
    public:
      PlasticHeatSource(const MechanicsProblem<dim, LA> &mechanics, const double beta)
        : mechanics(mechanics), beta(beta)
      {}
      void add_values(const typename DoFHandler<dim>::active_cell_iterator &cell,
                      const std::vector<Point<dim>> &, const double t,
                      std::vector<double> &values) const override
      {
        // The work density of the last mechanics step (all its substeps) spread over this
        // heat step, t_last..t: the glass receives beta W whatever the two step lengths are.
        const auto &work = mechanics.plastic_work_per_cell();
        if (work.empty())
          return;
        const double w  = work[cell->active_cell_index()];
        const double dt = t - mechanics.last_converged_time();
        if (w == 0 || !(dt > 0))
          return;
        const double q = beta * w / dt;
        for (double &v : values)
          v += q;
      }

    private:
      const MechanicsProblem<dim, LA> &mechanics;
      const double                     beta;
    };

    std::string json_number(double v)
    {
      std::ostringstream out;
      out << std::setprecision(12) << v;
      return std::isfinite(v) ? out.str() : "null";
    }

    /// Headline numbers of the final profiles for summary.json: ring means of the centre
    /// (innermost) and edge (outermost) ring and their difference, volume means over the ring
    /// region, the FWHM of H/mean(H) in the centre and edge rings, and the stress extremes over
    /// all quadrature points. Only the fields the run has (heat only: T).
    void add_profile_summary(const ProfileData &data, std::map<std::string, std::string> &summary)
    {
      if (data.rings)
        {
          const RingStatistics &rings = *data.rings;
          // Ring field -> summary name with its unit.
          const std::vector<std::pair<std::string, std::string>> fields = {
            {"T", "T (K)"}, {"T_f", "T_f (K)"}, {"x", "x (-)"}, {"H", "H (Pa)"},
            {"H_app", "H_app (Pa)"}, {"dH_rel_J_per_g", "dH_rel (J/g)"},
            {"stress_rr", "sigma_rr (Pa)"}, {"stress_tt", "sigma_tt (Pa)"},
            {"stress_xx", "sigma_xx (Pa)"}, {"stress_yy", "sigma_yy (Pa)"},
            {"stress_zz", "sigma_zz (Pa)"}, {"von_mises", "von Mises stress (Pa)"}};
          const unsigned int edge = rings.n_rings() - 1;
          for (const auto &[field, name] : fields)
            if (rings.has_field(field))
              {
                const unsigned int f = rings.field_index(field);
                const double centre = rings.mean(0, f), outer = rings.mean(edge, f);
                summary["centre " + name]        = json_number(centre);
                summary["edge " + name]          = json_number(outer);
                summary["edge - centre " + name] = json_number(outer - centre);
              }
          for (const auto &[field, name] : fields)
            if ((field == "T_f" || field == "x" || field == "H" || field == "dH_rel_J_per_g") &&
                rings.has_field(field))
              summary["volume mean " + name] = json_number(rings.volume_mean(rings.field_index(field)));
          if (rings.has_field("H_rel"))
            {
              const unsigned int f = rings.field_index("H_rel");
              summary["centre FWHM of H/mean(H) (-)"] = json_number(rings.fwhm(0, f));
              summary["edge FWHM of H/mean(H) (-)"]   = json_number(rings.fwhm(edge, f));
            }
        }
      if (data.has_stress)
        {
          summary["maximal " + data.first_extreme + " (Pa)"]  = json_number(data.max_stress_tt);
          summary["minimal " + data.first_extreme + " (Pa)"]  = json_number(data.min_stress_tt);
          summary["maximal " + data.second_extreme + " (Pa)"] = json_number(data.max_stress_zz);
          summary["minimal " + data.second_extreme + " (Pa)"] = json_number(data.min_stress_zz);
          summary["maximal von Mises stress (Pa)"] = json_number(data.max_von_mises);
          summary["maximal principal stress (Pa)"] = json_number(data.max_principal_stress);
        }
    }
    /// T(x, t) of a long rod cooled through a Robin boundary (CylinderRobinCooling).
    template <int dim>
    class CylinderCoolingTemperature : public Function<dim>
    {
    public:
      CylinderCoolingTemperature(const double radius, const double biot, const double diffusivity,
                                 const double T0, const double T_env, const double t0,
                                 const Kinematics kinematics)
        : series(biot)
        , R(radius)
        , a(diffusivity)
        , T0(T0)
        , T_env(T_env)
        , t0(t0)
        , kinematics(kinematics)
      {}

      double value(const Point<dim> &p, const unsigned int = 0) const override
      {
        const double r = kinematics == Kinematics::axisymmetric ? p[0] : std::hypot(p[0], p[1]);
        const double Fo = a * (this->get_time() - t0) / (R * R);
        if (Fo <= 0)
          return T0; // the initial condition (the series converges slowly there)
        return T_env + (T0 - T_env) * series.theta(std::min(r / R, 1.0), Fo);
      }

    private:
      CylinderRobinCooling series;
      double               R, a, T0, T_env, t0;
      Kinematics           kinematics;
    };
  } // namespace

  template <int dim, typename LA>
  Simulator<dim, LA>::Simulator(const Parameters &parameters, const ParameterHandler &prm,
                                const MPI_Comm comm)
    : parameters(parameters)
    , prm(prm)
    , comm(comm)
    , pcout(std::cout, Utilities::MPI::this_mpi_process(comm) == 0)
    , timer(comm, pcout, TimerOutput::never, TimerOutput::wall_times)
    , triangulation(comm, typename Triangulation<dim>::MeshSmoothing(
                            Triangulation<dim>::smoothing_on_refinement |
                            Triangulation<dim>::smoothing_on_coarsening))
  {}

  template <int dim, typename LA>
  Simulator<dim, LA>::~Simulator()
  {
    heat.reset();
  }

  template <int dim, typename LA>
  void Simulator<dim, LA>::setup()
  {
    {
      TimerOutput::Scope scope(timer, "setup: mesh");
      domain = create_domain(parameters.geometry, parameters.kinematics, triangulation);
    }
    mapping = std::make_unique<MappingQ<dim>>(parameters.heat.fe_degree);
    check_boundary_conditions();
    // Validate expressions early (they are evaluated later).
    make_expression_function<dim>(parameters.heat.initial_temperature, "Heat/Initial temperature",
                                  false);
    heat = std::make_unique<HeatProblem<dim, LA>>(triangulation, *mapping, parameters.heat,
                                                  parameters.material, parameters.kinematics, timer);
    heat->setup();
    if (parameters.mechanics.enabled)
      {
        mechanics = std::make_unique<MechanicsProblem<dim, LA>>(triangulation, *mapping,
                                                                parameters.mechanics,
                                                                parameters.elastic,
                                                                parameters.kinematics, timer);
        mechanics->setup();
        if (mechanics->plastic() && parameters.elastic.strength.taylor_quinney > 0)
          heat->set_source(std::make_shared<PlasticHeatSource<dim, LA>>(
            *mechanics, parameters.elastic.strength.taylor_quinney));
        const std::string &state_file = parameters.elastic.free_volume.initial_state;
        if (!state_file.empty())
          {
            require(mechanics->viscous(), "entry 'Material/Free volume/Initial state'",
                    "needs 'Mechanics/Inelastic model = viscous'");
            read_initial_state(state_file);
          }
      }
      else
        require(parameters.elastic.free_volume.initial_state.empty(),
                "entry 'Material/Free volume/Initial state'",
                "needs 'Mechanics/Enabled = true' and 'Mechanics/Inelastic model = viscous'");

    auto points = parameters.statistics.parse_points<dim>();
    if (points.empty())
      points = domain.default_probes;
    if (parameters.statistics.reference_solution == "cylinder cooling")
      {
        const std::string ctx = "entry 'Statistics/Reference solution'";
        const auto       &pr  = parameters.protocol;
        require(domain.radius > 0, ctx, "'cylinder cooling' needs 'Geometry/Type = rod'");
        require(parameters.material.is_temperature_independent(), ctx,
                "'cylinder cooling' needs constant heat capacity and conductivity");
        require(pr.segments().size() == 1 && pr.segments()[0].environment_rate == 0 &&
                  pr.segments()[0].emissivity == 0,
                ctx, "'cylinder cooling' needs one protocol segment with constant T_env, no radiation");
        double T0 = 0;
        try
          {
            std::size_t used = 0;
            T0 = std::stod(parameters.heat.initial_temperature, &used);
            require(used == Utilities::trim(parameters.heat.initial_temperature).size(), "", "");
          }
        catch (...)
          {
            throw InputError(ctx + ": 'cylinder cooling' needs a numeric 'Heat/Initial temperature'");
          }
        const auto  &seg = pr.segments()[0];
        const double k   = parameters.material.thermal_conductivity.value(T0);
        reference_temperature = std::make_unique<CylinderCoolingTemperature<dim>>(
          domain.radius, seg.heat_transfer_coefficient * domain.radius / k,
          parameters.material.diffusivity(T0), T0, seg.environment_start, pr.start_time(),
          parameters.kinematics);
      }

    if (parameters.statistics.reference_displacement != "none")
      {
        const std::string entry = "Statistics/Reference displacement";
        require(parameters.mechanics.enabled, "entry '" + entry + "'",
                "needs 'Mechanics/Enabled = true'");
        const auto components = split_components(parameters.statistics.reference_displacement);
        const bool axi        = parameters.kinematics == Kinematics::axisymmetric;
        require(components.size() == dim, "entry '" + entry + "'",
                "needs " + std::to_string(dim) + " expressions " +
                  (axi ? "'u_r; u_z'" : (dim == 3 ? "'u_x; u_y; u_z'" : "'u_x; u_y'")) +
                  " separated by ';', got " + std::to_string(components.size()));
        reference_displacement = make_vector_expression_function<dim>(components, entry, true);
      }

    std::vector<std::string> notes;
    probes.initialize(heat->dof_handler(), *mapping, points, notes);
    if (domain.radius > 0)
      {
        // Profile line: from the centre probe outwards along +x to the surface.
        const Point<dim> centre = points.front().second;
        const unsigned int n    = 4 * parameters.statistics.n_rings;
        std::vector<std::pair<std::string, Point<dim>>> line;
        for (unsigned int i = 0; i <= n; ++i)
          {
            Point<dim> p = centre;
            p[0]         = domain.radius * i / n;
            line.emplace_back("r" + std::to_string(i), p);
          }
        std::vector<std::string> line_notes;
        profile_points.initialize(heat->dof_handler(), *mapping, line, line_notes);
      }
    report_setup();
    report_heterogeneity();
    for (const auto &n : notes)
      pcout << "Note: " << n << '\n';
  }

  template <int dim, typename LA>
  void Simulator<dim, LA>::check_boundary_conditions() const
  {
    // The coarse mesh is known on every rank, so its boundary ids are the global set.
    const auto             ids = triangulation.get_boundary_ids();
    const HeatParameters  &h   = parameters.heat;
    std::set<unsigned int> with_condition;
    std::string            existing;
    for (const auto i : ids)
      existing += (existing.empty() ? "" : ", ") + std::to_string(i);
    const std::pair<const char *, const std::vector<unsigned int> *> lists[] = {
      {"Robin boundary ids", &h.robin_ids},
      {"Insulated boundary ids", &h.insulated_ids},
      {"Prescribed temperature boundary ids", &h.prescribed_ids}};
    for (const auto &[entry, list] : lists)
      for (const auto id : *list)
        {
          require(std::find(ids.begin(), ids.end(), id) != ids.end(),
                  "entry 'Heat/Boundary conditions/" + std::string(entry) + "'",
                  "boundary id " + std::to_string(id) + " does not exist in the mesh (" +
                    domain.description + "; its boundary ids are " + existing + ")");
          with_condition.insert(id);
        }
    if (parameters.mechanics.enabled)
      {
        const MechanicsParameters &m = parameters.mechanics;
        std::vector<unsigned int>  used(m.symmetry_ids);
        for (const auto &f : m.fixed_components)
          used.push_back(f.first);
        for (const auto &p : m.prescribed)
          used.push_back(p.id);
        for (const auto &p : m.pressure)
          used.push_back(p.first);
        for (const auto id : used)
          require(std::find(ids.begin(), ids.end(), id) != ids.end(),
                  "section 'Mechanics/Boundary conditions'",
                  "boundary id " + std::to_string(id) + " does not exist in the mesh (" +
                    domain.description + "; its boundary ids are " + existing + ")");
        if (m.loading.enabled)
          for (const auto &[entry, id] : {std::make_pair("Loaded boundary id", m.loading.loaded_boundary_id),
                                          std::make_pair("Supported boundary id", m.loading.supported_boundary_id)})
            require(std::find(ids.begin(), ids.end(), id) != ids.end(),
                    "entry 'Mechanics/Loading programme/" + std::string(entry) + "'",
                    "boundary id " + std::to_string(id) + " does not exist in the mesh (" +
                      domain.description + "; its boundary ids are " + existing + ")");
        require(!m.fixed_components.empty() || !m.symmetry_ids.empty() || !m.prescribed.empty() ||
                  !m.point_constraints.empty() || m.loading.enabled,
                "section 'Mechanics/Boundary conditions'",
                "the body has no supports: fix components, symmetry planes, prescribed "
                "displacements or point constraints must remove its rigid-body motions");
      }
    for (const auto id : ids)
      require(with_condition.count(id) > 0, "section 'Heat/Boundary conditions'",
              "boundary id " + std::to_string(id) + " of the mesh (" + domain.description +
                ") has no condition: list it under Robin, Insulated or Prescribed temperature "
                "boundary ids");
  }


  template <int dim, typename LA>
  void Simulator<dim, LA>::report_heterogeneity() const
  {
    if (!mechanics || !parameters.elastic.heterogeneous)
      return;
    // Statistics of the realisation at the quadrature points: mean and standard deviation,
    // and the correlation length from the mean squared gradient, which for the model's
    // covariance is -C''(0) = 1/l^2 (squared exponential) or 3/l^2 (Matern 3/2).
    const RandomField &field = parameters.elastic.field;
    const double       h     = 1e-4 * field.correlation_length();
    double             sum = 0, sum2 = 0, grad2 = 0, weight = 0;
    FEValues<dim> fv(*mapping, heat->dof_handler().get_fe(), QGauss<dim>(2),
                     update_quadrature_points | update_JxW_values);
    for (const auto &cell : heat->dof_handler().active_cell_iterators())
      if (cell->is_locally_owned())
        {
          fv.reinit(cell);
          for (const unsigned int q : fv.quadrature_point_indices())
            {
              const Point<dim> &x = fv.quadrature_point(q);
              const double      w = fv.JxW(q) * volume_weight(parameters.kinematics, x[0]);
              std::array<double, 3> p{{x[0], x[1], dim == 3 ? x[dim - 1] : 0.0}}, p2 = p;
              p2[0] += h;
              const double g  = parameters.elastic.g(p, parameters.kinematics);
              const double dg = (parameters.elastic.g(p2, parameters.kinematics) - g) / h;
              sum += w * g;
              sum2 += w * g * g;
              grad2 += w * dg * dg;
              weight += w;
            }
        }
    sum    = Utilities::MPI::sum(sum, comm);
    sum2   = Utilities::MPI::sum(sum2, comm);
    grad2  = Utilities::MPI::sum(grad2, comm);
    weight = Utilities::MPI::sum(weight, comm);
    const double mean = sum / weight, var = std::max(sum2 / weight - mean * mean, 0.0);
    const double factor =
      field.covariance_type() == RandomField::Covariance::squared_exponential ? 1.0 : 3.0;
    const double length = grad2 > 0 ? std::sqrt(factor * var / (grad2 / weight)) : 0.0;
    pcout << "  heterogeneity: g(X) " << RandomField::to_string(field.covariance_type())
          << ", l_c = " << field.correlation_length() << " m, seed " << parameters.elastic.seed
          << ", " << field.n_modes() << " modes; realisation: mean " << mean << ", std "
          << std::sqrt(var) << ", correlation length " << length << " m (from the mean squared "
          << "x-gradient; compare with the domain size)\n"
          << "                 delta_alpha = " << parameters.elastic.cte_amplitude
          << ", delta_E = " << parameters.elastic.modulus_amplitude << '\n';
  }

  template <int dim, typename LA>
  void Simulator<dim, LA>::solve_mechanics(const double t)
  {
    if (!mechanics)
      return;
    mechanics_report = mechanics->solve(t, heat->dof_handler(), heat->temperature());
    mechanics->cell_averages(heat->dof_handler(), heat->temperature(), cell_stress);
  }


  template <int dim, typename LA>
  ProfileData Simulator<dim, LA>::write_profiles(const double t)
  {
    ProfileData result;
    // Rods: rings of equal width in r. Plates: layers of equal thickness by the distance from
    // the mid-plane (centre = mid-plane layer, edge = surface layer) with Cartesian stresses
    // (an axisymmetric disk keeps its cylindrical ones).
    const Kinematics kin   = parameters.kinematics;
    const bool       plate = domain.radius <= 0 && domain.half_thickness > 0;
    const bool       cartesian = plate && kin != Kinematics::axisymmetric;
    if (domain.radius <= 0 && !plate)
      return result;
    TimerOutput::Scope scope(timer, "postprocess");
    const auto        &stat = parameters.statistics;
    std::vector<std::string> fields = {"T"};
    if (mechanics)
      for (const auto *f : {cartesian ? "stress_xx" : "stress_rr", cartesian ? "stress_yy" : "stress_tt",
                            "stress_zz", "von_mises", "mean_stress", "g", "expansion_coefficient"})
        fields.push_back(f);
    // Which two of the three components the extremes track (see ProfileData).
    const unsigned int first_extreme = cartesian ? 0 : 1, second_extreme = (cartesian && dim == 3) ? 1 : 2;
    if (cartesian)
      {
        result.first_extreme  = "sigma_xx";
        result.second_extreme = dim == 3 ? "sigma_yy" : "sigma_zz";
      }
    const bool viscous = mechanics && mechanics->viscous();
    // Hardness proxies and dH_rel (doc/model.md §2, §5); dH_rel in J/g as DSC reports it. H uses
    // the local free volume x: the regularised x-bar of the plasticity (doc/model.md §4) will
    // replace it when that exists.
    if (viscous)
      for (const auto *f : {"x", "T_f", "viscous_strain", "H", "H_app", "dH_rel_J_per_g"})
        fields.push_back(f);
    const GlassStateMeasures measures = parameters.glass_state_measures();
    RingStatistics rings(stat.n_rings, plate ? domain.half_thickness : domain.radius, fields);
    const auto     radius_of = [&](const Point<dim> &x) {
      if (plate)
        return std::abs(x[dim - 1]);
      return kin == Kinematics::axisymmetric ? x[0] : std::hypot(x[0], x[1]);
    };
    const auto in_slab = [&](const Point<dim> &x) {
      if (stat.ring_axial_range.empty() || is_planar(kin) || plate)
        return true;
      const double z = x[dim - 1];
      return z >= stat.ring_axial_range[0] && z <= stat.ring_axial_range[1];
    };
    std::vector<double> v(fields.size());
    constexpr double    inf = std::numeric_limits<double>::infinity();
    double max_tt = -inf, min_tt = inf, max_zz = -inf, min_zz = inf, max_vm = -inf, max_p1 = -inf;
    if (mechanics)
      mechanics->for_each_quadrature_point(
        heat->dof_handler(), heat->temperature(),
        [&](const Point<dim> &x, const double w, const double T, const MaterialPointFields &s) {
          const auto cyl = cartesian ?
                             std::array<double, 4>{{s.stress[0][0], s.stress[1][1], s.stress[2][2], s.stress[0][1]}} :
                             cylindrical_components(s.stress, x[0], x[1], kin);
          const double vm = von_mises(s.stress), sm = mean_stress(s.stress);
          // Extremes over the whole body (residual-stress peaks may lie outside the slab).
          max_tt = std::max(max_tt, cyl[first_extreme]);
          min_tt = std::min(min_tt, cyl[first_extreme]);
          max_zz = std::max(max_zz, cyl[second_extreme]);
          min_zz = std::min(min_zz, cyl[second_extreme]);
          max_vm = std::max(max_vm, vm);
          max_p1 = std::max(max_p1, principal_stresses(s.stress)[0]);
          if (!in_slab(x))
            return;
          v = {T, cyl[0], cyl[1], cyl[2], vm, sm, s.g, s.expansion};
          if (viscous)
            {
              const GlassState gs = measures.at(s.free_volume, sm, s.fictive_temperature);
              for (const double f : {s.free_volume, s.fictive_temperature, s.equivalent_inelastic_strain,
                                     gs.hardness, gs.apparent_hardness,
                                     gs.relaxation_enthalpy * joule_per_gram})
                v.push_back(f);
            }
          rings.add(radius_of(x), w, v);
        });
    else
      {
        const QGauss<dim>   quadrature(parameters.heat.fe_degree + 1);
        FEValues<dim>       fv(*mapping, heat->dof_handler().get_fe(), quadrature,
                         update_values | update_quadrature_points | update_JxW_values);
        std::vector<double> T(quadrature.size());
        for (const auto &cell : heat->dof_handler().active_cell_iterators())
          if (cell->is_locally_owned())
            {
              fv.reinit(cell);
              fv.get_function_values(heat->temperature(), T);
              for (const unsigned int q : fv.quadrature_point_indices())
                {
                  const Point<dim> &x = fv.quadrature_point(q);
                  if (in_slab(x))
                    rings.add(radius_of(x), fv.JxW(q) * volume_weight(kin, x[0]), {T[q]});
                }
            }
      }
    rings.reduce(comm);
    // H/mean(H) of doc/model.md §5 (seed 000, Fig. 8), normalised by the volume mean of H over
    // the whole ring region: a global constant, so the ring sums are simply rescaled.
    if (viscous)
      rings.add_relative_field("H_rel", rings.field_index("H"));
    if (mechanics)
      {
        result.has_stress           = true;
        result.max_stress_tt        = Utilities::MPI::max(max_tt, comm);
        result.min_stress_tt        = Utilities::MPI::min(min_tt, comm);
        result.max_stress_zz        = Utilities::MPI::max(max_zz, comm);
        result.min_stress_zz        = Utilities::MPI::min(min_zz, comm);
        result.max_von_mises        = Utilities::MPI::max(max_vm, comm);
        result.max_principal_stress = Utilities::MPI::max(max_p1, comm);
      }

    // Point values along the radius (stresses in cylindrical components); rods only.
    std::vector<double>              T_line;
    std::vector<std::vector<double>> stress_line;
    if (!plate)
      T_line = profile_points.evaluate(heat->temperature());
    if (mechanics && !plate)
      stress_line = profile_points.evaluate_with(
        [&](const typename DoFHandler<dim>::active_cell_iterator &heat_cell, const Point<dim> &ref) {
          const typename DoFHandler<dim>::active_cell_iterator cell(
            &triangulation, heat_cell->level(), heat_cell->index(), &mechanics->dof_handler());
          const MaterialPointFields s = mechanics->stress_at(cell, ref, heat->dof_handler(), heat->temperature());
          const Point<dim>  x = mapping->transform_unit_to_real_cell(heat_cell, ref);
          const auto      cyl = cylindrical_components(s.stress, x[0], x[1], kin);
          return std::vector<double>{cyl[0], cyl[1], cyl[2], von_mises(s.stress),
                                     mean_stress(s.stress), s.free_volume, s.fictive_temperature};
        },
        7);

    if (Utilities::MPI::this_mpi_process(comm) == 0)
      {
        const std::string dir = run_directory->file("profiles");
        std::filesystem::create_directories(dir);
        char index[16];
        std::snprintf(index, sizeof(index), "%05u", n_profiles_written);
        {
          std::ofstream out(dir + "/rings_" + index + ".csv");
          if (plate)
            out << "# time = " << std::setprecision(12) << t << " s; " << stat.n_rings
                << " layers of equal thickness by the distance from the mid-plane (r_inner, "
                   "r_outer: distances in m), weighted by volume\n";
          else
            out << "# time = " << std::setprecision(12) << t << " s; " << stat.n_rings
                << " rings of equal width, weighted by volume (2 pi r in axisymmetric models)\n";
          rings.write_csv(out);
        }
        if (!plate)
        {
          std::ofstream out(dir + "/profile_" + index + ".csv");
          out << "# time = " << std::setprecision(12) << t << " s; point values along +x from the centre probe\n";
          out << "r,T" << (mechanics ? ",stress_rr,stress_tt,stress_zz,von_mises,mean_stress" : "")
              << (viscous ? ",x,T_f" : "") << '\n';
          for (std::size_t i = 0; i < T_line.size(); ++i)
            {
              out << profile_points.points()[i].second[0] << ',' << T_line[i];
              if (mechanics)
                for (std::size_t k = 0; k < (viscous ? 7u : 5u); ++k)
                  out << ',' << stress_line[i][k];
              out << '\n';
            }
        }
        std::ofstream index_file(dir + "/times.csv", n_profiles_written ? std::ios::app : std::ios::trunc);
        if (n_profiles_written == 0)
          index_file << "index,time\n";
        index_file << n_profiles_written << ',' << std::setprecision(12) << t << '\n';
      }
    ++n_profiles_written;
    result.rings = std::move(rings);
    return result;
  }

  template <int dim, typename LA>
  void Simulator<dim, LA>::report_setup()
  {
    const unsigned int n_ranks = Utilities::MPI::n_mpi_processes(comm);
    pcout << "bmgfe: " << parameters.parameter_file << '\n'
          << "  model        : "
          << (dim == 3 ? std::string("3D") : "2D " + to_string(parameters.kinematics)) << ", "
          << domain.description << '\n'
          << "  mesh         : " << triangulation.n_global_active_cells() << " cells, "
          << heat->dof_handler().n_dofs() << " temperature DoFs (Q" << parameters.heat.fe_degree
          << "), " << n_ranks << " MPI rank" << (n_ranks > 1 ? "s" : "") << ", "
          << LA::name << " linear algebra\n"
          << "  material     : " << parameters.material.name << ", rho = "
          << parameters.material.density << " kg/m^3, c_p = "
          << parameters.material.heat_capacity.to_string() << " J/kgK, k = "
          << parameters.material.thermal_conductivity.to_string() << " W/mK\n";

    // Volume and Robin surface (for the characteristic length V/A of the Biot number).
    double volume = 0, area = 0;
    for (const auto &cell : triangulation.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          volume += cell->measure() * volume_weight(parameters.kinematics, cell->center()[0]);
          for (const auto f : cell->face_indices())
            if (cell->face(f)->at_boundary() &&
                std::count(parameters.heat.robin_ids.begin(), parameters.heat.robin_ids.end(),
                           cell->face(f)->boundary_id()))
              area += cell->face(f)->measure() *
                      volume_weight(parameters.kinematics, cell->face(f)->center()[0]);
          }
    volume = Utilities::MPI::sum(volume, comm);
    area   = Utilities::MPI::sum(area, comm);
    const double L_c = area > 0 ? volume / area : 0;
    pcout << "  protocol     : " << parameters.protocol.stages().size() << " stages, "
          << parameters.protocol.end_time() - parameters.protocol.start_time() << " s; Biot numbers "
          << "Bi = h_eff L/k with h_eff = h + 4 eps sigma T_env^3, L = V/A_Robin = " << L_c << " m"
          << (domain.radius > 0 ? " and L = R" : "") << ":\n";
    for (const auto &seg : parameters.protocol.segments())
      {
        const double k  = parameters.material.thermal_conductivity.value(seg.environment_start);
        const double bi = biot_number(seg.heat_transfer_coefficient, seg.emissivity,
                                      seg.environment_start, L_c, k);
        pcout << "    " << std::left << std::setw(18) << seg.name << std::right
              << " duration " << std::setw(10) << seg.duration << " s, T_env "
              << seg.environment_start;
        if (seg.environment_rate != 0)
          pcout << " -> " << seg.environment_end();
        pcout << " K, h " << seg.heat_transfer_coefficient << " W/m^2K, eps " << seg.emissivity
              << ": Bi(V/A) = " << std::setprecision(3) << bi;
        if (domain.radius > 0)
          pcout << ", Bi(R) = "
                << biot_number(seg.heat_transfer_coefficient, seg.emissivity,
                               seg.environment_start, domain.radius, k);
        pcout << std::setprecision(6) << '\n';
      }
    if (mechanics && mechanics->viscous())
      {
        const FreeVolumeParameters &fv = parameters.elastic.free_volume;
        pcout << "  viscous      : free volume + Maxwell flow, Tg = " << fv.glass_transition
              << " K at " << fv.calibration_rate * 60 << " K/min, tau0 = " << fv.tau0
              << " s, eta0 = " << fv.viscosity_prefactor(parameters.elastic.shear_modulus_at_tg())
              << " Pa s" << (fv.maxwell_rate_override.empty() ? "" : " (Maxwell rate override: " +
                                                                     fv.maxwell_rate_override + ")")
              << ", initial T_f = " << fv.initial_fictive_temperature << " K\n";
      }
    pcout << "  probes       :";
    for (const auto &p : probes.points())
      pcout << ' ' << p.first << " (" << p.second << ")";
    pcout << "\n  output       : " << parameters.output.directory << "\n" << initial_state_note
          << std::flush;
  }

  template <int dim, typename LA>
  void Simulator<dim, LA>::read_initial_state(const std::string &path)
  {
    const std::string entry = "Material/Free volume/Initial state";
    SnapshotReader    snapshot(path, entry);
    const bool        with_strain = parameters.elastic.free_volume.initial_state_with_viscous_strain;
    const auto        components  = tensor_components(parameters.kinematics);
    std::vector<unsigned int> fields{snapshot.field_index("qp_free_volume")};
    if (with_strain)
      for (const auto &c : components)
        fields.push_back(snapshot.field_index("qp_viscous_strain_" + c.suffix));

    const FreeVolumeParameters &fvp = parameters.elastic.free_volume;
    std::vector<double>         values;
    unsigned long               n_outside = 0, n_points = 0;
    std::array<double, 3>       first_outside{};
    double                      tf_min = std::numeric_limits<double>::max(), tf_max = -tf_min;
    mechanics->initialize_state([&](const Point<dim> &x, MaterialPointState &s) {
      const std::array<double, 3> p{{x[0], x[1], dim == 3 ? x[2] : 0.0}};
      ++n_points;
      if (!snapshot.sample(p, fields, values))
        {
          if (n_outside++ == 0)
            first_outside = p;
          return;
        }
      s.x = values[0];
      if (with_strain)
        for (std::size_t k = 0; k < components.size(); ++k)
          s.inelastic_strain[components[k].i][components[k].j] = values[k + 1];
      tf_min = std::min(tf_min, fvp.fictive_temperature(s.x));
      tf_max = std::max(tf_max, fvp.fictive_temperature(s.x));
    });
    // Every rank must throw or none: agree on the number of points outside the old mesh.
    const auto outside = Utilities::MPI::all_gather(comm, std::make_pair(n_outside, first_outside));
    unsigned long total_outside = 0;
    std::array<double, 3> example{};
    for (const auto &[n, point] : outside)
      {
        if (total_outside == 0 && n > 0)
          example = point;
        total_outside += n;
      }
    if (total_outside > 0)
      {
        std::ostringstream where;
        where << '(' << example[0] << ", " << example[1] << (dim == 3 ? ", " + value_text(example[2]) : "")
              << ')';
        throw InputError("entry '" + entry + "': " + std::to_string(total_outside) +
                         " quadrature points lie outside the mesh of '" + snapshot.file() +
                         "', e.g. " + where.str() + " (the geometries differ)");
      }
    n_points = Utilities::MPI::sum(n_points, comm);
    tf_min   = Utilities::MPI::min(tf_min, comm);
    tf_max   = Utilities::MPI::max(tf_max, comm);
    std::ostringstream line;
    line << "  initial state: " << (with_strain ? "free volume and viscous strain" : "free volume")
         << " from " << snapshot.file();
    if (std::isfinite(snapshot.time()))
      line << " (t = " << snapshot.time() << " s)";
    line << "; T_f " << std::fixed << std::setprecision(1) << tf_min << " - " << tf_max << " K\n";
    initial_state_note = line.str();
  }

  template <int dim, typename LA>
  std::string Simulator<dim, LA>::write_snapshot(const double t)
  {
    if (!parameters.output.write_vtu)
      return "";
    TimerOutput::Scope scope(timer, "output");
    // Declared before data_out, which refers to them until it is destroyed.
    DoFHandler<dim>                            state_dofs;
    LinearAlgebra::distributed::Vector<double> state_values;
    DataOut<dim>                               data_out;
    data_out.attach_dof_handler(heat->dof_handler());
    data_out.add_data_vector(heat->temperature(), "T");
    Vector<float> subdomain(triangulation.n_active_cells());
    subdomain = static_cast<float>(triangulation.locally_owned_subdomain());
    data_out.add_data_vector(subdomain, "subdomain");
    // Mechanics: nodal displacement; stresses and derived fields as cell averages over the
    // quadrature points (they are discontinuous between cells).
    std::vector<Vector<float>> cell_fields;
    if (mechanics)
      {
        const std::vector<std::string> u_names(dim, "displacement");
        data_out.add_data_vector(
          mechanics->dof_handler(), mechanics->displacement(), u_names,
          std::vector<DataComponentInterpretation::DataComponentInterpretation>(
            dim, DataComponentInterpretation::component_is_part_of_vector));
        // Names of the 3x3 tensor entries in this model's component order.
        const auto components = tensor_components(parameters.kinematics);
        std::vector<std::string> names;
        for (const auto &c : components)
          names.push_back("stress_" + c.suffix);
        for (const auto *n : {"von_mises", "mean_stress", "triaxiality", "principal_stress_1",
                              "principal_stress_2", "principal_stress_3", "thermal_strain",
                              "expansion_coefficient", "g"})
          names.push_back(n);
        const bool               viscous  = mechanics->viscous();
        const GlassStateMeasures measures = parameters.glass_state_measures();
        if (viscous)
          for (const auto *n : {"free_volume", "fictive_temperature", "viscous_strain",
                                "structural_strain", "hardness", "apparent_hardness",
                                "relaxation_enthalpy_J_per_g"})
            names.push_back(n);
        const bool plastic = mechanics->plastic();
        if (plastic)
          {
            if (!viscous)
              names.push_back("free_volume");
            for (const auto *n : {"equivalent_plastic_strain", "nonlocal_free_volume",
                                  "plastic_power", "strength_hardness"})
              names.push_back(n);
          }
        cell_fields.assign(names.size(), Vector<float>(triangulation.n_active_cells()));
        for (const auto &cell : triangulation.active_cell_iterators())
          if (cell->is_locally_owned())
            {
              const unsigned int  c  = cell->active_cell_index();
              const MaterialPointFields  &st = cell_stress[c];
              unsigned int        k  = 0;
              for (const auto &comp : components)
                cell_fields[k++][c] = st.stress[comp.i][comp.j];
              const auto principal = principal_stresses(st.stress);
              for (const double v : {von_mises(st.stress), mean_stress(st.stress),
                                     triaxiality(st.stress), principal[0], principal[1],
                                     principal[2], st.thermal_strain, st.expansion, st.g})
                cell_fields[k++][c] = v;
              if (viscous)
                {
                  // H from the cell average of x (local x until the plasticity's x-bar),
                  // H_app from the cell-averaged mean stress, dH_rel in J/g.
                  const GlassState gs =
                    measures.at(st.free_volume, mean_stress(st.stress), st.fictive_temperature);
                  for (const double v : {st.free_volume, st.fictive_temperature, st.equivalent_inelastic_strain,
                                         st.structural_strain, gs.hardness, gs.apparent_hardness,
                                         gs.relaxation_enthalpy * joule_per_gram})
                    cell_fields[k++][c] = v;
                }
              if (plastic)
                {
                  if (!viscous)
                    cell_fields[k++][c] = st.free_volume;
                  // Hardness proxy from the free volume that sets the strength (x-bar, or
                  // m x-bar + (1 - m) x when over-nonlocal).
                  const double strength_x = parameters.mechanics.nonlocal.strength_free_volume(
                    st.nonlocal_free_volume, st.free_volume);
                  for (const double v : {st.equivalent_plastic_strain, st.nonlocal_free_volume,
                                         st.plastic_power,
                                         parameters.hardness.hardness(parameters.elastic.strength,
                                                                      strength_x)})
                    cell_fields[k++][c] = v;
                }
            }
        for (unsigned int k = 0; k < names.size(); ++k)
          data_out.add_data_vector(cell_fields[k], names[k], DataOut<dim>::type_cell_data);
        // The material-point state as fields exact at the quadrature points (qp_free_volume,
        // qp_viscous_strain_<ij>): a later run can start from it ('Material/Free volume/
        // Initial state') with the free volume and the residual stress carried over.
        if (viscous)
          {
            const auto components = tensor_components(parameters.kinematics);
            mechanics->state_field(components, state_dofs, state_values);
            std::vector<std::string> state_names{"qp_free_volume"};
            for (const auto &c : components)
              state_names.push_back("qp_viscous_strain_" + c.suffix);
            data_out.add_data_vector(state_dofs, state_values, state_names);
          }
      }
    const unsigned int subdivisions =
      parameters.output.subdivisions ? parameters.output.subdivisions : parameters.heat.fe_degree;
    data_out.build_patches(*mapping, subdivisions, DataOut<dim>::curved_inner_cells);
    DataOutBase::VtkFlags flags;
    flags.time = t;
    data_out.set_flags(flags);
    return writer->write(data_out, t);
  }

  template <int dim, typename LA>
  void Simulator<dim, LA>::plastic_statistics(const double t, const bool snapshot)
  {
    TimerOutput::Scope scope(timer, "postprocess: plasticity");
    const auto        &r      = mechanics_report;
    const bool         planar = is_planar(parameters.kinematics);
    const auto add = [&](const std::string &key, const double value, const bool scientific) {
      statistics.add_value(key, value);
      if (scientific)
        {
          statistics.set_precision(key, 8);
          statistics.set_scientific(key, true);
        }
    };
    statistics.add_value("Newton iterations (mechanics)", r.newton_iterations);
    statistics.add_value("Maximal Newton iterations of a substep", r.max_newton_iterations);
    statistics.add_value("Mechanics substeps", r.substeps);
    statistics.add_value("Mechanics cutbacks", r.cutbacks);
    statistics.add_value("Plastic quadrature points", r.plastic_points);
    add("Final Newton residual", r.residuals.empty() ? 0.0 : r.residuals.back(), true);
    {
      // The whole sequence of the last substep (relative residuals), to judge convergence.
      std::ostringstream history;
      history << std::setprecision(3) << std::scientific;
      for (std::size_t i = 0; i < r.residuals.size(); ++i)
        history << (i ? "," : "") << r.residuals[i];
      statistics.add_value("Newton residuals of the last substep", r.residuals.empty() ? std::string("-") : history.str());
    }
    add(planar ? "Plastic work of the step (J/m)" : "Plastic work of the step (J)", r.plastic_work, true);
    double max_p = 0;
    for (const auto &cell : triangulation.active_cell_iterators())
      if (cell->is_locally_owned())
        max_p = std::max(max_p, cell_stress[cell->active_cell_index()].equivalent_plastic_strain);
    add("Maximal equivalent plastic strain", Utilities::MPI::max(max_p, comm), true);

    // Shear bands from the equivalent plastic strain at the quadrature points; a CSV with every
    // band at the output times.
    Tensor<1, dim> axis;
    axis[load_axis_component()] = 1;
    ShearBandAnalysis<dim> analysis(parameters.shear_bands, axis);
    const Kinematics kin = parameters.kinematics;
    mechanics->for_each_quadrature_point(
      heat->dof_handler(), heat->temperature(),
      [&](const Point<dim> &x, const double volume, double, const MaterialPointFields &st) {
        // 2D sections are analysed by area (the axisymmetric weight 2 pi r is taken out).
        analysis.add(x, volume / volume_weight(kin, x[0]), st.equivalent_plastic_strain);
      });
    const ShearBandResult<dim> bands = analysis.analyse(comm);
    statistics.add_value("Shear bands", static_cast<unsigned int>(bands.bands.size()));
    add("Shear band angle to the load axis (deg)",
        bands.bands.empty() ? 0.0 : bands.bands[0].angle_to_load_axis, false);
    add("Shear band width (m)", bands.bands.empty() ? 0.0 : bands.bands[0].width, true);
    if (snapshot && Utilities::MPI::this_mpi_process(comm) == 0)
      {
        std::ostringstream name;
        name << "shear_bands-" << std::setw(5) << std::setfill('0') << n_shear_band_files << ".csv";
        write_shear_band_csv(run_directory->file(name.str()), t, bands);
      }
    if (snapshot)
      ++n_shear_band_files;
  }

  template <int dim, typename LA>
  unsigned int Simulator<dim, LA>::load_axis_component() const
  {
    if (mechanics && mechanics->loading_programme().enabled)
      return mechanics->loading_programme().component();
    return dim - 1; // z in 3D and axisymmetric models, y in planar ones
  }

  template <int dim, typename LA>
  void Simulator<dim, LA>::write_loading_curve(const double t)
  {
    const LoadingProgramme &lp     = mechanics->loading_programme();
    const bool              planar = is_planar(parameters.kinematics);
    if (loaded_area == 0)
      loaded_area = mechanics->boundary_area(lp.loaded_boundary_id);
    const double force     = reactions.at({lp.loaded_boundary_id, lp.component()});
    const double supported = reactions.at({lp.supported_boundary_id, lp.component()});
    if (Utilities::MPI::this_mpi_process(comm) != 0)
      return;
    const std::string file  = run_directory->file("force_displacement.csv");
    const bool        first = !loading_curve_started;
    std::ofstream     out(file, first ? std::ios::trunc : std::ios::app);
    if (first)
      {
        const std::string f_unit = planar ? "N/m" : "N";
        out << "# Loading programme (Mechanics/Loading programme): platen on boundary "
            << lp.loaded_boundary_id << " moves along " << lp.direction << ", boundary "
            << lp.supported_boundary_id << " is supported; " << (lp.bonded() ? "bonded" : "frictionless")
            << " platens; gauge length " << lp.gauge_length() << " m; initial loaded area "
            << loaded_area << (planar ? " m (per unit thickness)" : " m^2") << ".\n"
            << "# Forces: reactions int sigma n dA of the platen faces in the load direction "
            << "(compression negative); nominal stress = force / initial loaded area.\n"
            << "time_s,segment,nominal_strain,platen_displacement_m,force_" << f_unit
            << ",supported_force_" << f_unit << ",nominal_stress_Pa\n";
        loading_curve_started = true;
      }
    out << std::setprecision(12) << t << ',' << lp.segment_name(lp.segment_index(t)) << ','
        << lp.nominal_strain(t) << ',' << lp.platen_displacement(t) << ',' << force << ','
        << supported << ',' << force / loaded_area << '\n';
    require(out.good(), "entry 'Output/Output directory'", "cannot write " + file);
  }

  template <int dim, typename LA>
  void Simulator<dim, LA>::write_statistics(const bool force)
  {
    const double now = wall_seconds();
    if (!force && now - last_statistics_write < parameters.output.statistics_flush_seconds)
      return;
    last_statistics_write = now;
    if (Utilities::MPI::this_mpi_process(comm) == 0)
      {
        const std::string file = run_directory->file("statistics.txt");
        {
          std::ofstream out(file + ".tmp");
          statistics.write_text(out, TableHandler::table_with_separate_column_description);
        }
        std::rename((file + ".tmp").c_str(), file.c_str());
      }
  }

  template <int dim, typename LA>
  void Simulator<dim, LA>::postprocess(const unsigned int step, const double t, const double dt,
                                       const std::size_t stage, const HeatStepReport &report,
                                       const unsigned int rejected, const bool snapshot)
  {
    TimerOutput::Scope scope(timer, "postprocess");
    const auto         values = probes.evaluate(heat->temperature());
    const auto        &proto  = parameters.protocol;
    const auto         env    = proto.environment(stage, t);
    const double       T_min = heat->min_temperature(), T_max = heat->max_temperature();

    statistics.add_value("Time step number", step);
    statistics.add_value("Time (s)", t);
    statistics.add_value("Time step size (s)", dt);
    statistics.add_value("Protocol segment", proto.segment_of_stage(stage).name);
    statistics.add_value("Environment temperature (K)", env.temperature);
    for (std::size_t i = 0; i < values.size(); ++i)
      statistics.add_value("Temperature at " + probes.points()[i].first + " (K)", values[i]);
    if (reference_temperature)
      {
        reference_temperature->set_time(t);
        for (const auto &p : probes.points())
          {
            const std::string key = "Reference temperature at " + p.first + " (K)";
            statistics.add_value(key, reference_temperature->value(p.second));
            statistics.set_precision(key, 14);
            statistics.set_scientific(key, true);
          }
        // L2 error (volume weight 2 pi r in axisymmetric models). The series is costly at
        // early times, so it is evaluated at snapshot steps only (nan elsewhere).
        double error = std::numeric_limits<double>::quiet_NaN();
        if (snapshot)
          {
            Vector<double>   cell_errors(triangulation.n_active_cells());
            const Kinematics kin = parameters.kinematics;
            const ScalarFunctionFromFunctionObject<dim> weight(
              [kin](const Point<dim> &p) { return volume_weight(kin, p[0]); });
            VectorTools::integrate_difference(*mapping, heat->dof_handler(), heat->temperature(),
                                              *reference_temperature, cell_errors,
                                              QGauss<dim>(parameters.heat.fe_degree + 2),
                                              VectorTools::L2_norm, &weight);
            error = VectorTools::compute_global_error(triangulation, cell_errors, VectorTools::L2_norm);
          }
        statistics.add_value("L2 error of temperature", error);
        statistics.set_precision("L2 error of temperature", 14);
        statistics.set_scientific("L2 error of temperature", true);
      }
    statistics.add_value("Minimal temperature (K)", T_min);
    statistics.add_value("Maximal temperature (K)", T_max);
    if (mechanics)
      {
        // Stresses at the probes in cylindrical components (rod axis = z).
        const auto &mech = *mechanics;
        const auto  values_at = probes.evaluate_with(
          [&](const typename DoFHandler<dim>::active_cell_iterator &heat_cell,
              const Point<dim> &reference) {
            const typename DoFHandler<dim>::active_cell_iterator cell(
              &triangulation, heat_cell->level(), heat_cell->index(), &mech.dof_handler());
            const MaterialPointFields s = mech.stress_at(cell, reference, heat->dof_handler(),
                                                 heat->temperature());
            return std::vector<double>{s.stress[0][0], s.stress[1][1], s.stress[2][2],
                                       s.stress[0][1], dim == 3 ? s.stress[0][2] : 0.0,
                                       dim == 3 ? s.stress[1][2] : 0.0, s.fictive_temperature,
                                       s.free_volume};
          },
          8);
        for (std::size_t i = 0; i < values_at.size(); ++i)
          {
            SymmetricTensor<2, 3> s;
            s[0][0] = values_at[i][0];
            s[1][1] = values_at[i][1];
            s[2][2] = values_at[i][2];
            s[0][1] = values_at[i][3];
            s[0][2] = values_at[i][4];
            s[1][2] = values_at[i][5];
            const auto &p   = probes.points()[i].second;
            const auto  cyl = cylindrical_components(s, p[0], dim > 1 ? p[1] : 0.0,
                                                    parameters.kinematics);
            const std::string at = " at " + probes.points()[i].first + " (Pa)";
            statistics.add_value("Stress rr" + at, cyl[0]);
            statistics.add_value("Stress tt" + at, cyl[1]);
            statistics.add_value("Stress zz" + at, cyl[2]);
            statistics.add_value("Von Mises stress" + at, von_mises(s));
            for (const auto *key : {"Stress rr", "Stress tt", "Stress zz", "Von Mises stress"})
              {
                statistics.set_precision(std::string(key) + at, 12);
                statistics.set_scientific(std::string(key) + at, true);
              }
            if (mech.viscous())
              {
                const std::string tf = "Fictive temperature at " + probes.points()[i].first + " (K)";
                const std::string fx = "Free volume at " + probes.points()[i].first;
                statistics.add_value(tf, values_at[i][6]);
                statistics.set_precision(tf, 12);
                statistics.add_value(fx, values_at[i][7]);
                statistics.set_precision(fx, 12);
                statistics.set_scientific(fx, true);
              }
          }
        // Largest cell-averaged von Mises stress; net axial force int sigma_zz dA (planar) or
        // the volume average of sigma_zz (3D, axisymmetric: zero for a free body).
        double             max_vm = 0, axial = 0, volume = 0;
        const unsigned int a      = axial_index(parameters.kinematics);
        for (const auto &cell : triangulation.active_cell_iterators())
          if (cell->is_locally_owned())
            {
              const MaterialPointFields &st = cell_stress[cell->active_cell_index()];
              max_vm = std::max(max_vm, von_mises(st.stress));
              axial += st.stress[a][a] * st.volume;
              volume += st.volume;
            }
        max_vm = Utilities::MPI::max(max_vm, comm);
        axial  = Utilities::MPI::sum(axial, comm);
        volume = Utilities::MPI::sum(volume, comm);
        const double resultant = is_planar(parameters.kinematics) ? axial : axial / volume;
        statistics.add_value("Maximal von Mises stress (Pa)", max_vm);
        const std::string axial_key = is_planar(parameters.kinematics) ?
                                        "Net axial force (N)" :
                                        "Volume-averaged axial stress (Pa)";
        statistics.add_value(axial_key, resultant);
        for (const auto &key : {std::string("Maximal von Mises stress (Pa)"), axial_key})
          {
            statistics.set_precision(key, 12);
            statistics.set_scientific(key, true);
          }
        if (parameters.kinematics == Kinematics::generalized_plane_strain)
          {
            statistics.add_value("Axial strain", mechanics_report.axial_strain);
            statistics.set_precision("Axial strain", 12);
            statistics.set_scientific("Axial strain", true);
          }
        if (reference_displacement)
          {
            // L2 error with the mechanics' quadrature, volume weight 2 pi r in axisymmetric models.
            reference_displacement->set_time(t);
            Vector<double>   cell_errors(triangulation.n_active_cells());
            const Kinematics kin = parameters.kinematics;
            const ScalarFunctionFromFunctionObject<dim> weight(
              [kin](const Point<dim> &p) { return volume_weight(kin, p[0]); });
            VectorTools::integrate_difference(*mapping, mechanics->dof_handler(),
                                              mechanics->displacement(), *reference_displacement,
                                              cell_errors,
                                              QGauss<dim>(parameters.mechanics.fe_degree + 1),
                                              VectorTools::L2_norm, &weight);
            const double error =
              VectorTools::compute_global_error(triangulation, cell_errors, VectorTools::L2_norm);
            statistics.add_value("L2 error of displacement (m)", error);
            statistics.set_precision("L2 error of displacement (m)", 14);
            statistics.set_scientific("L2 error of displacement (m)", true);
          }
        // Reaction forces of the prescribed displacements (platens, loading programmes):
        // int sigma n dA of the boundary, per unit length for plane sections.
        {
          std::set<std::pair<unsigned int, unsigned int>> loaded;
          for (const auto &p : parameters.mechanics.prescribed)
            loaded.emplace(p.id, p.component);
          const LoadingProgramme &lp = mechanics->loading_programme();
          if (lp.enabled)
            {
              loaded.emplace(lp.loaded_boundary_id, lp.component());
              loaded.emplace(lp.supported_boundary_id, lp.component());
            }
          const bool axi = parameters.kinematics == Kinematics::axisymmetric;
          for (const auto &[id, component] : loaded)
            {
              const char letter = axi ? "rz"[component] : "xyz"[component];
              const std::string key = std::string("Reaction force ") + letter + " on boundary " +
                                      std::to_string(id) +
                                      (is_planar(parameters.kinematics) ? " (N/m)" : " (N)");
              const double force = mechanics->reaction_force(t, id, component, heat->dof_handler(),
                                                             heat->temperature());
              statistics.add_value(key, force);
              reactions[{id, component}] = force;
              statistics.set_precision(key, 12);
              statistics.set_scientific(key, true);
            }
        }
        statistics.add_value("Linear iterations (mechanics)", mechanics_report.linear_iterations);
        if (mechanics->plastic())
          plastic_statistics(t, snapshot);
        if (mechanics->loading_programme().enabled)
          write_loading_curve(t);
      }
    statistics.add_value("Nonlinear iterations (heat)", report.nonlinear_iterations);
    statistics.add_value("Linear iterations (heat)", report.linear_iterations);
    statistics.add_value("Rejected steps", rejected);
    statistics.add_value("Wall time (s)", wall_seconds());
    {
      const std::string file = snapshot ? write_snapshot(t) : std::string();
      if (!file.empty())
        last_snapshot = file;
      statistics.add_value("Visualization file", file.empty() ? std::string("-") : file);
    }
    for (const auto &key : {"Time (s)", "Time step size (s)", "Environment temperature (K)",
                            "Minimal temperature (K)", "Maximal temperature (K)"})
      {
        statistics.set_precision(key, 14);
        statistics.set_scientific(key, true);
      }
    for (const auto &p : probes.points())
      {
        const std::string key = "Temperature at " + p.first + " (K)";
        statistics.set_precision(key, 14);
        statistics.set_scientific(key, true);
      }
    statistics.set_precision("Wall time (s)", 3);
    write_statistics(snapshot);

    if (parameters.verbose && step > 0)
      {
        const double elapsed  = wall_seconds();
        const double fraction = (t - proto.start_time()) / (proto.end_time() - proto.start_time());
        const double eta      = fraction > 0 ? elapsed * (1 - fraction) / fraction : -1;
        std::ostringstream line;
        line << "step " << std::setw(6) << step << "  t = " << std::scientific
             << std::setprecision(4) << t << " s  [" << proto.stage_label(stage) << "]  dt = "
             << std::setprecision(2) << dt << " s  its " << report.nonlinear_iterations << '/'
             << report.linear_iterations << "  T " << std::fixed << std::setprecision(1) << T_min
             << ".." << T_max << " K  ETA " << format_duration(eta)
             << (snapshot ? "  -> output" : "") << "\n";
        pcout << line.str() << std::flush;
      }
  }

  template <int dim, typename LA>
  void Simulator<dim, LA>::run()
  {
    const auto &proto = parameters.protocol;
    const auto &ts    = parameters.time_stepping;
    run_directory     = std::make_unique<RunDirectory>(parameters.output.directory, comm);
    run_directory->write_parameters(prm);
    writer = std::make_unique<SolutionWriter<dim>>(parameters.output, run_directory->path(), comm);

    std::map<std::string, std::string> summary;
    try
      {
        {
          auto T0 = parameters.heat.prescribed_field ?
                      make_expression_function<dim>(parameters.heat.temperature_field,
                                                    "Heat/Prescribed temperature field", true) :
                      make_expression_function<dim>(parameters.heat.initial_temperature,
                                                    "Heat/Initial temperature", false);
          T0->set_time(proto.start_time());
          heat->set_initial_temperature(*T0);
        }
        TimeStepController controller(ts);
        double             t           = proto.start_time();
        const double       t_end       = proto.end_time();
        double             dt          = ts.initial_time_step;
        double             dt_old      = 0;
        std::size_t        stage       = proto.stage_index(t);
        std::size_t        last_stage  = stage;
        bool               first_order = true;
        unsigned int       step = 0, rejected_total = 0, linear_total = 0;
        double next_output_time = proto.start_time() + parameters.output.interval_time;
        std::size_t next_profile = 0;

        solve_mechanics(t);
        postprocess(0, t, 0, stage, HeatStepReport(), 0, true);
        while (next_profile < parameters.statistics.profile_times.size() &&
               t >= parameters.statistics.profile_times[next_profile] - 1e-12 * std::max(1.0, std::abs(t)))
          {
            write_profiles(t);
            ++next_profile;
          }
        const double time_tolerance = 1e-12 * std::max(1.0, std::abs(t_end));
        while (t < t_end - time_tolerance)
          {
            if (step >= ts.maximum_steps)
              throw RunError("reached 'Time stepping/Maximum number of steps' (" +
                             std::to_string(ts.maximum_steps) + ") at t = " + std::to_string(t) + " s");
            stage = proto.stage_index(t + time_tolerance);
            if (stage != last_stage)
              {
                // A protocol switch: restart the multistep history and the step size.
                first_order = true;
                dt          = std::min(dt, ts.initial_time_step);
                last_stage  = stage;
              }
            // Land on the end of the protocol stage and on the loading programme's breakpoints
            // (the platen velocity jumps there).
            double stage_end = proto.stages()[stage].end;
            if (mechanics)
              for (const double b : mechanics->loading_programme().breakpoints())
                if (mechanics->loading_programme().enabled && b > t + time_tolerance && b < stage_end)
                  stage_end = b;
            const double remaining = stage_end - t;
            double       dt_try    = dt;
            bool         clipped   = false;
            if (remaining <= 1.1 * dt)
              dt_try = remaining, clipped = true;
            else if (remaining < 2 * dt)
              dt_try = remaining / 2, clipped = true; // avoid a sliver step at the switch
            const double t_new = (dt_try == remaining) ? stage_end : t + dt_try;

            HeatStepData data;
            data.time        = t_new;
            data.dt          = dt_try;
            data.dt_old      = dt_old;
            data.first_order = first_order ||
                               ts.scheme == TimeSteppingParameters::Scheme::implicit_euler;
            data.environment = proto.environment(stage, t_new);

            HeatStepReport report;
            unsigned int   rejected = 0;
            while (true)
              {
                report = heat->solve_time_step(data);
                if (!report.converged)
                  {
                    if (data.dt <= ts.minimum_time_step * (1 + 1e-12))
                      throw RunError("the heat solver did not converge at t = " +
                                     std::to_string(t_new) + " s even at the minimum time step");
                    data.dt = std::max(data.dt / 4, ts.minimum_time_step);
                  }
                else if (!controller.accept(data.dt, report.max_change))
                  data.dt = controller.next(data.dt, report.max_change, false);
                else
                  break;
                ++rejected;
                clipped     = false;
                data.time   = t + data.dt;
                data.environment = proto.environment(stage, data.time);
              }
            if (ts.adaptive && data.dt <= ts.minimum_time_step * (1 + 1e-12) &&
                report.max_change > 1.25 * ts.maximum_temperature_change)
              pcout << "Warning: step at the minimum time step changed T by " << report.max_change
                    << " K\n";
            heat->accept_time_step();
            solve_mechanics(data.time);

            ++step;
            rejected_total += rejected;
            linear_total += report.linear_iterations;
            t           = data.time;
            dt_old      = data.dt;
            first_order = false;
            // Next step: judge the change as if the planned (unclipped) step had been taken.
            const double planned = clipped ? dt : data.dt;
            const double change  = report.max_change * planned / data.dt;
            dt = std::min(controller.next(planned, change, true), ts.maximum_growth * data.dt);
            if (!ts.adaptive)
              dt = ts.initial_time_step;
            else if (mechanics_report.cutbacks > 0)
              // The mechanics needed substeps: the next step starts at their mean size.
              dt = std::max(ts.minimum_time_step,
                            std::min(dt, data.dt / std::max(1u, mechanics_report.substeps)));

            bool snapshot = false;
            if (parameters.output.interval_steps > 0 && step % parameters.output.interval_steps == 0)
              snapshot = true;
            if (parameters.output.interval_time > 0 && t >= next_output_time - time_tolerance)
              {
                snapshot = true;
                while (next_output_time <= t + time_tolerance)
                  next_output_time += parameters.output.interval_time;
              }
            if (std::abs(t - stage_end) <= time_tolerance &&
                proto.segment_of_stage(stage).write_output_at_end)
              snapshot = true;
            if (t >= t_end - time_tolerance)
              snapshot = true;
            postprocess(step, t, data.dt, stage, report, rejected, snapshot);
            while (next_profile < parameters.statistics.profile_times.size() &&
                   t >= parameters.statistics.profile_times[next_profile] - time_tolerance)
              {
                write_profiles(t);
                ++next_profile;
              }
          }
        write_statistics(true);
        const ProfileData final_profiles = write_profiles(t);
        const auto        values         = probes.evaluate(heat->temperature());
        summary["final time (s)"]          = json_number(t);
        summary["time steps"]              = std::to_string(step);
        summary["rejected steps"]          = std::to_string(rejected_total);
        summary["linear iterations"]       = std::to_string(linear_total);
        summary["snapshots"]               = std::to_string(writer->n_written());
        summary["temperature DoFs"]        = std::to_string(heat->dof_handler().n_dofs());
        summary["MPI ranks"]               = std::to_string(Utilities::MPI::n_mpi_processes(comm));
        summary["wall time (s)"]           = json_number(wall_seconds());
        summary["minimal temperature (K)"] = json_number(heat->min_temperature());
        summary["maximal temperature (K)"] = json_number(heat->max_temperature());
        for (std::size_t i = 0; i < values.size(); ++i)
          summary["temperature at " + probes.points()[i].first + " (K)"] = json_number(values[i]);
        add_profile_summary(final_profiles, summary);
        run_directory->write_summary("completed", "", summary);
        pcout << "bmgfe: completed " << step << " steps to t = " << t << " s ("
              << rejected_total << " rejected) in " << format_duration(wall_seconds())
              << "; results in " << run_directory->path() << '\n';
        if (parameters.verbose)
          timer.print_wall_time_statistics(comm);
      }
    catch (const std::exception &e)
      {
        // Leave what was computed (statistics, snapshots) but mark the run as failed. A
        // mechanics failure leaves the last converged state: write it as the last output.
        if (mechanics && mechanics->plastic() && writer)
          try
            {
              mechanics->cell_averages(heat->dof_handler(), heat->temperature(), cell_stress);
              const double t_state = mechanics->last_converged_time();
              const std::string file = write_snapshot(std::isnan(t_state) ? 0.0 : t_state);
              if (!file.empty())
                pcout << "bmgfe: the last converged state (t = " << t_state << " s) is in " << file
                      << '\n';
            }
          catch (...)
            {
            }
        write_statistics(true);
        run_directory->write_summary("failed", single_line(e.what()), summary);
        throw;
      }
  }

  template <int dim, typename LA>
  void run_dimension(const Parameters &parameters, const ParameterHandler &prm, const RunMode mode)
  {
    // The simulator is destroyed before an exception leaves this function: deal.II's
    // TimerOutput prints a multi-line warning when it is destroyed during stack unwinding.
    std::exception_ptr error;
    {
      Simulator<dim, LA> simulator(parameters, prm, MPI_COMM_WORLD);
      try
        {
          simulator.setup();
          if (mode == RunMode::run)
            simulator.run();
          else
            RunDirectory::check_creatable(parameters.output.directory, MPI_COMM_WORLD);
        }
      catch (...)
        {
          error = std::current_exception();
        }
    }
    if (error)
      std::rethrow_exception(error);
  }

  void run_simulation(const Parameters &parameters, const ParameterHandler &prm, const RunMode mode)
  {
    using linear_algebra::Backend;
    const bool trilinos = parameters.backend == Backend::trilinos;
    if (parameters.dimension == 2)
      trilinos ? run_dimension<2, linear_algebra::Trilinos>(parameters, prm, mode)
               : run_dimension<2, linear_algebra::PETSc>(parameters, prm, mode);
    else
      trilinos ? run_dimension<3, linear_algebra::Trilinos>(parameters, prm, mode)
               : run_dimension<3, linear_algebra::PETSc>(parameters, prm, mode);
  }

  template class Simulator<2, linear_algebra::Trilinos>;
  template class Simulator<3, linear_algebra::Trilinos>;
  template class Simulator<2, linear_algebra::PETSc>;
  template class Simulator<3, linear_algebra::PETSc>;
} // namespace bmgfe
