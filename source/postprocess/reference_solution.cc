#include <bmgfe/base/expression.h>
#include <bmgfe/base/input_error.h>
#include <bmgfe/linear_algebra/backend.h>
#include <bmgfe/materials/thermal_material.h>
#include <bmgfe/physics/heat_parameters.h>
#include <bmgfe/physics/heat_problem.h>
#include <bmgfe/physics/mechanics_parameters.h>
#include <bmgfe/physics/mechanics_problem.h>
#include <bmgfe/postprocess/manager.h>
#include <bmgfe/postprocess/quadrature_projection.h>
#include <bmgfe/postprocess/reference_solution.h>
#include <bmgfe/postprocess/reference_solutions.h>
#include <bmgfe/protocol/thermal_protocol.h>

#include <deal.II/base/function.h>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/quadrature_lib.h>
#include <deal.II/base/utilities.h>
#include <deal.II/numerics/vector_tools.h>

#include <cmath>

namespace bmgfe
{
  namespace postprocess
  {
    using namespace dealii;

    namespace
    {
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
          const double r  = kinematics == Kinematics::axisymmetric ? p[0] : std::hypot(p[0], p[1]);
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

      /// The volume weight of the model (2 pi r in axisymmetric models) times the user's
      /// 'Reference error weight'.
      template <int dim>
      class ErrorWeight : public Function<dim>
      {
      public:
        ErrorWeight(const Kinematics kinematics, const Function<dim> &user)
          : kinematics(kinematics)
          , user(user)
        {}
        double value(const Point<dim> &p, const unsigned int = 0) const override
        {
          return volume_weight(kinematics, p[0]) * user.value(p);
        }

      private:
        Kinematics           kinematics;
        const Function<dim> &user;
      };
    } // namespace

    template <int dim, typename LA>
    struct ReferenceSolution<dim, LA>::StressRecovery
    {
      std::unique_ptr<QuadratureProjection<dim, LA>> projection;
      std::vector<TensorComponent>                   components;
      std::vector<double>                            values; ///< of one cell
      double                                         quadrature_error2 = 0;
      bool begun = false; ///< begin() called in this step (a rank may own no cells)

      void begin(const double time, Function<dim> &stress)
      {
        projection->begin(components.size());
        quadrature_error2 = 0;
        stress.set_time(time);
        begun = true;
      }
    };

    template <int dim, typename LA>
    ReferenceSolution<dim, LA>::ReferenceSolution() = default;
    template <int dim, typename LA>
    ReferenceSolution<dim, LA>::~ReferenceSolution() = default;

    template <int dim, typename LA>
    void ReferenceSolution<dim, LA>::declare_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Statistics");
      prm.declare_entry("Reference solution", "none", Patterns::Selection("none|cylinder cooling"),
                        "Closed-form solution to compare with (verification runs). 'cylinder "
                        "cooling': a long rod of 'Geometry/Rod radius' at a uniform numeric "
                        "'Initial temperature', cooled by one protocol segment with constant T_env "
                        "and h (Bessel series, doc/model.md §8); the rod ends must be insulated. "
                        "Adds reference_temperature_at_<probe>_K at every probe and the L2 error "
                        "temperature_l2_error (K m^(3/2) in 3D and axisymmetric models) at the "
                        "output times to statistics.csv.");
      prm.declare_entry("Reference displacement", "none", Patterns::Anything(),
                        "Exact displacement to compare with (verification runs, e.g. manufactured "
                        "solutions with 'Mechanics/Body force'): 'none' or one expression of x, y, "
                        "(z) and t [m] per displacement component separated by ';': 'u_x; u_y; u_z' "
                        "(3D), 'u_x; u_y' (plane strain and generalized plane strain: the in-plane "
                        "displacement; the axial strain is its own column), 'u_r; u_z' "
                        "(axisymmetric, x, y stand for r, z). Adds the column "
                        "displacement_l2_error, (int w |u_h - u|^2 dV)^(1/2) with the quadrature of "
                        "the mechanics, the volume weight of the model (2 pi r in axisymmetric "
                        "models) and the 'Reference error weight' w, at every step. Needs "
                        "'Mechanics/Enabled = true'.");
      prm.declare_entry("Reference stress", "none", Patterns::Anything(),
                        "Exact stress to compare the recovered (continuous, as in the snapshots) stress "
                        "with: 'none' or one expression of x, y, (z) and t [Pa] per tensor "
                        "component separated by ';', in the model's component order: 'xx; yy; zz; "
                        "xy; yz; xz' (3D), 'xx; yy; zz; xy' (planar), 'rr; zz; tt; rz' "
                        "(axisymmetric). Adds stress_l2_error (the recovered field on the "
                        "continuous elements of the mechanics' degree) and "
                        "stress_l2_error_quadrature_points (the stress at the quadrature points, "
                        "i.e. the raw finite-element stress) at every step, both weighted like "
                        "displacement_l2_error. Needs 'Mechanics/Enabled = true'.");
      prm.declare_entry("Reference error weight", "1", Patterns::Anything(),
                        "A weight w(x, y, z) >= 0 of the L2 errors above, e.g. "
                        "'y <= 1e-3 ? 1 : 0' to measure only a slab away from the free ends of a "
                        "rod where a long-rod solution holds (align its edges with cell faces).");
      prm.leave_subsection();
    }

    template <int dim, typename LA>
    bool ReferenceSolution<dim, LA>::enabled_by_default(ParameterHandler &prm) const
    {
      prm.enter_subsection("Statistics");
      const bool any = prm.get("Reference solution") != "none" ||
                       Utilities::trim(prm.get("Reference displacement")) != "none" ||
                       Utilities::trim(prm.get("Reference stress")) != "none";
      prm.leave_subsection();
      return any;
    }

    template <int dim, typename LA>
    void ReferenceSolution<dim, LA>::parse_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Statistics");
      solution_name     = prm.get("Reference solution");
      displacement_text = Utilities::trim(prm.get("Reference displacement"));
      stress_text       = Utilities::trim(prm.get("Reference stress"));
      weight_text       = Utilities::trim(prm.get("Reference error weight"));
      probes_text       = prm.get("Probe points");
      prm.leave_subsection();
      if (displacement_text.empty())
        displacement_text = "none";
      if (stress_text.empty())
        stress_text = "none";
      const auto &run = this->run();
      for (const auto &[text, entry] : {std::make_pair(displacement_text, "Reference displacement"),
                                        std::make_pair(stress_text, "Reference stress")})
        require(text == "none" || run.mechanics, "entry 'Statistics/" + std::string(entry) + "'",
                "needs 'Mechanics/Enabled = true'");
      weight = make_expression_function<dim>(weight_text, "Statistics/Reference error weight", false);
    }

    template <int dim, typename LA>
    void ReferenceSolution<dim, LA>::initialize()
    {
      const auto &run = this->run();
      if (solution_name == "cylinder cooling")
        {
          const std::string ctx = "entry 'Statistics/Reference solution'";
          const auto       &pr  = *run.protocol;
          require(run.domain->radius > 0, ctx, "'cylinder cooling' needs 'Geometry/Type = rod'");
          require(run.thermal_material->is_temperature_independent(), ctx,
                  "'cylinder cooling' needs constant heat capacity and conductivity");
          require(pr.segments().size() == 1 && pr.segments()[0].environment_rate == 0 &&
                    pr.segments()[0].emissivity == 0,
                  ctx, "'cylinder cooling' needs one protocol segment with constant T_env, no radiation");
          const std::string &initial = run.heat_parameters->initial_temperature;
          double             T0      = 0;
          try
            {
              std::size_t used = 0;
              T0               = std::stod(initial, &used);
              require(used == Utilities::trim(initial).size(), "", "");
            }
          catch (...)
            {
              throw InputError(ctx + ": 'cylinder cooling' needs a numeric 'Heat/Initial temperature'");
            }
          const auto  &seg = pr.segments()[0];
          const double R   = run.domain->radius;
          const double k   = run.thermal_material->thermal_conductivity.value(T0);
          temperature      = std::make_unique<CylinderCoolingTemperature<dim>>(
            R, seg.heat_transfer_coefficient * R / k, run.thermal_material->diffusivity(T0), T0,
            seg.environment_start, pr.start_time(), run.kinematics);
          auto points = parse_probe_points<dim>(probes_text, "Statistics/Probe points");
          if (points.empty())
            points = run.domain->default_probes;
          std::vector<std::string> notes;
          probes.initialize(run.heat->dof_handler(), *run.mapping, points, notes);
        }
      const bool axi = run.kinematics == Kinematics::axisymmetric;
      if (displacement_text != "none")
        {
          const std::string entry      = "Statistics/Reference displacement";
          const auto        components = split_components(displacement_text);
          require(components.size() == dim, "entry '" + entry + "'",
                  "needs " + std::to_string(dim) + " expressions " +
                    (axi ? "'u_r; u_z'" : (dim == 3 ? "'u_x; u_y; u_z'" : "'u_x; u_y'")) +
                    " separated by ';', got " + std::to_string(components.size()));
          displacement = make_vector_expression_function<dim>(components, entry, true);
        }
      if (stress_text != "none")
        {
          const std::string entry      = "Statistics/Reference stress";
          const auto        components = split_components(stress_text);
          recovery                     = std::make_unique<StressRecovery>();
          recovery->components         = tensor_components(run.kinematics);
          std::string order;
          for (const auto &c : recovery->components)
            order += (order.empty() ? "'" : "; ") + c.suffix;
          require(components.size() == recovery->components.size(), "entry '" + entry + "'",
                  "needs " + std::to_string(recovery->components.size()) + " expressions " + order +
                    "' separated by ';', got " + std::to_string(components.size()));
          stress = make_vector_expression_function<dim>(components, entry, true);
          recovery->projection = std::make_unique<QuadratureProjection<dim, LA>>(
            *run.triangulation, *run.mapping, run.mechanics->dof_handler().get_fe().degree,
            run.mechanics->quadrature_rule());
          recovery->projection->setup();
        }
    }

    template <int dim, typename LA>
    bool ReferenceSolution<dim, LA>::needs_quadrature_points(const StepInfo &) const
    {
      return recovery != nullptr;
    }

    template <int dim, typename LA>
    void ReferenceSolution<dim, LA>::visit_cell(const CellPoints<dim> &points)
    {
      const unsigned int nq = points.fields.size(), nc = recovery->components.size();
      if (points.first)
        recovery->begin(points.time, *stress);
      auto &values = recovery->values;
      values.resize(nc * nq);
      dealii::Vector<double> exact(nc);
      for (unsigned int q = 0; q < nq; ++q)
        {
          stress->vector_value(points.positions[q], exact);
          const double w = points.weights[q] * weight->value(points.positions[q]);
          for (unsigned int c = 0; c < nc; ++c)
            {
              const auto  &tc  = recovery->components[c];
              const double v   = points.fields[q].stress[tc.i][tc.j];
              values[c * nq + q] = v;
              recovery->quadrature_error2 += w * (v - exact[c]) * (v - exact[c]);
            }
        }
      recovery->projection->add_cell(points.cell, values);
    }

    template <int dim, typename LA>
    void ReferenceSolution<dim, LA>::execute(const StepInfo &info, StatisticsRow &statistics)
    {
      const auto &run = this->run();
      const ErrorWeight<dim> error_weight(run.kinematics, *weight);
      if (temperature)
        {
          temperature->set_time(info.time);
          for (const auto &p : probes.points())
            statistics.add("reference_temperature_at_" + p.first + "_K", temperature->value(p.second));
          // The series is costly at early times: the L2 error only at the output times (the
          // cell of other steps stays empty).
          if (info.output_time)
            {
              dealii::Vector<double> cell_errors(run.triangulation->n_active_cells());
              VectorTools::integrate_difference(*run.mapping, run.heat->dof_handler(),
                                                run.heat->temperature(), *temperature, cell_errors,
                                                QGauss<dim>(run.heat->dof_handler().get_fe().degree + 2),
                                                VectorTools::L2_norm, &error_weight);
              statistics.add("temperature_l2_error",
                             VectorTools::compute_global_error(*run.triangulation, cell_errors,
                                                               VectorTools::L2_norm));
            }
        }
      if (displacement)
        {
          displacement->set_time(info.time);
          dealii::Vector<double> cell_errors(run.triangulation->n_active_cells());
          VectorTools::integrate_difference(*run.mapping, run.mechanics->dof_handler(),
                                            run.mechanics->displacement(), *displacement, cell_errors,
                                            run.mechanics->quadrature_rule(), VectorTools::L2_norm,
                                            &error_weight);
          statistics.add("displacement_l2_error",
                         VectorTools::compute_global_error(*run.triangulation, cell_errors,
                                                           VectorTools::L2_norm));
        }
      if (recovery)
        {
          if (!recovery->begun)
            recovery->begin(info.time, *stress);
          recovery->begun  = false;
          auto &projection = *recovery->projection;
          projection.finish();
          double error2 = 0;
          for (unsigned int c = 0; c < recovery->components.size(); ++c)
            {
              const ComponentSelectFunction<dim> select(c, recovery->components.size());
              dealii::Vector<double>             cell_errors(run.triangulation->n_active_cells());
              // One component at a time: the projected field is scalar.
              const ScalarFunctionFromFunctionObject<dim> exact(
                [&](const Point<dim> &p) { return stress->value(p, c); });
              VectorTools::integrate_difference(*run.mapping, projection.dof_handler(),
                                                projection.field(c), exact, cell_errors,
                                                run.mechanics->quadrature_rule(), VectorTools::L2_norm,
                                                &error_weight);
              const double e = VectorTools::compute_global_error(*run.triangulation, cell_errors,
                                                                 VectorTools::L2_norm);
              error2 += e * e;
            }
          statistics.add("stress_l2_error", std::sqrt(error2));
          statistics.add("stress_l2_error_quadrature_points",
                         std::sqrt(Utilities::MPI::sum(recovery->quadrature_error2, run.comm)));
        }
    }

    BMGFE_REGISTER_POSTPROCESSOR(ReferenceSolution, "reference solution", 20,
                                 "L2 errors against closed-form temperature, displacement and "
                                 "stress fields ('Statistics/Reference ...'; verification runs)")
  } // namespace postprocess
} // namespace bmgfe
