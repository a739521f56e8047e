#include <bmgfe/base/expression.h>
#include <bmgfe/base/input_error.h>
#include <bmgfe/core/initial_state.h>
#include <bmgfe/core/output_schedule.h>
#include <bmgfe/core/setup_report.h>
#include <bmgfe/core/simulator.h>
#include <bmgfe/physics/boundary_check.h>
#include <bmgfe/physics/plastic_heat_source.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/utilities.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <iomanip>
#include <limits>
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

    /// Wall time as rank 0 sees it, the same on every rank: decisions taken on it
    /// (when to flush statistics.csv, which is collective) must not differ between ranks.
    double wall_seconds_agreed(const MPI_Comm comm)
    {
      return Utilities::MPI::broadcast(comm, wall_seconds(), 0);
    }

    /// "2 h 05 min", "3 min 20 s", "12 s".
    std::string format_duration(const double seconds)
    {
      const long s = std::lround(std::max(0.0, seconds));
      std::ostringstream out;
      if (s >= 3600)
        out << s / 3600 << " h " << std::setw(2) << std::setfill('0') << (s / 60) % 60 << " min";
      else if (s >= 60)
        out << s / 60 << " min " << std::setw(2) << std::setfill('0') << s % 60 << " s";
      else
        out << s << " s";
      return out.str();
    }
  } // namespace

  template <int dim, typename LA>
  Simulator<dim, LA>::Simulator(const Parameters &parameters, ParameterHandler &prm, const MPI_Comm comm,
                                const RunInfo &run_info)
    : parameters(parameters)
    , prm(prm)
    , comm(comm)
    , run_info(run_info)
    , log(std::cout, Utilities::MPI::this_mpi_process(comm) == 0)
    , pcout(log, Utilities::MPI::this_mpi_process(comm) == 0)
    , timer(comm, pcout, TimerOutput::never, TimerOutput::wall_times)
    , triangulation(comm, typename Triangulation<dim>::MeshSmoothing(
                            Triangulation<dim>::smoothing_on_refinement |
                            Triangulation<dim>::smoothing_on_coarsening))
  {}

  template <int dim, typename LA>
  Simulator<dim, LA>::~Simulator()
  {
    postprocessors.reset();
    heat.reset();
  }

  template <int dim, typename LA>
  void Simulator<dim, LA>::setup()
  {
    {
      TimerOutput::Scope scope(timer, "setup: mesh");
      domain = create_domain(parameters.geometry, parameters.kinematics, triangulation);
    }
    // One mapping for every field, of the highest element degree: Q2 displacements on a
    // curved boundary (a notch root, a rod surface) need the Q2 geometry to gain from Q2.
    mapping = std::make_unique<MappingQ<dim>>(
      std::max(parameters.heat.fe_degree,
               parameters.mechanics.enabled ? parameters.mechanics.fe_degree : 1u));
    // The coarse mesh is known on every rank, so its boundary ids are the global set.
    check_boundary_conditions(triangulation.get_boundary_ids(), domain.description, parameters.heat,
                              parameters.mechanics);
    // Validate expressions early (they are evaluated later).
    if (!parameters.heat.initial_temperature_from_state())
      make_expression_function<dim>(parameters.heat.initial_temperature, "Heat/Initial temperature", false);
    heat = std::make_unique<HeatProblem<dim, LA>>(triangulation, *mapping, parameters.heat,
                                                  parameters.material, parameters.kinematics, timer);
    heat->setup();
    const std::string &state_file = parameters.elastic.free_volume.initial_state;
    if (parameters.mechanics.enabled)
      {
        mechanics = std::make_unique<MechanicsProblem<dim, LA>>(triangulation, *mapping,
                                                                parameters.mechanics, parameters.elastic,
                                                                parameters.kinematics, timer);
        mechanics->setup();
        if (mechanics->plastic() && parameters.elastic.strength.taylor_quinney > 0)
          heat->set_source(std::make_shared<PlasticHeatSource<dim, LA>>(
            *mechanics, parameters.elastic.strength.taylor_quinney));
        if (!state_file.empty())
          {
            require(mechanics->viscous() || mechanics->plastic(),
                    "entry 'Material/Free volume/Initial state'",
                    "needs an inelastic model ('Mechanics/Inelastic model = viscous, plastic or "
                    "viscoplastic')");
            initial_state_note = read_initial_state(*mechanics, parameters, state_file, comm);
            // Platens start from the body's residual-stress equilibrium (doc/model.md, "Runs
            // that continue a previous run").
            if (mechanics->loading_programme().enabled)
              initial_state_note += mechanics->start_platens_from_equilibrium();
          }
      }
    else
      require(state_file.empty(), "entry 'Material/Free volume/Initial state'",
              "needs 'Mechanics/Enabled = true' and an inelastic model");
    if (parameters.heat.initial_temperature_from_state())
      {
        require(!state_file.empty(), "entry 'Heat/Initial temperature'",
                "is 'initial state' but 'Material/Free volume/Initial state' names no previous run");
        initial_state_temperature<dim>(parameters); // the snapshot has a temperature field
      }

    // What the postprocessors see of the run; the output directory follows in run().
    view.comm                 = comm;
    view.triangulation        = &triangulation;
    view.mapping              = mapping.get();
    view.domain               = &domain;
    view.kinematics           = parameters.kinematics;
    view.heat                 = heat.get();
    view.heat_parameters      = &parameters.heat;
    view.mechanics            = mechanics.get();
    view.mechanics_parameters = &parameters.mechanics;
    view.protocol             = &parameters.protocol;
    view.thermal_material     = &parameters.material;
    view.material             = &parameters.elastic;
    view.output               = &parameters.output;
    view.timer                = &timer;
    view.log                  = &log;
    view.parameter_file       = parameters.parameter_file;
    postprocessors            = std::make_unique<postprocess::Manager<dim, LA>>(view);
    postprocessors->parse_parameters(prm);
    postprocessors->initialize();

    report_setup(*view.log, parameters, triangulation, domain, *heat, mechanics.get());
    postprocessors->report_setup(*view.log);
    const OutputSchedule schedule(parameters.output, parameters.protocol);
    for (const auto &ignored : schedule.ignored_times())
      *view.log << "Warning: snapshot time ignored, " << ignored << '\n';
    *view.log << initial_state_note << std::flush;
  }

  template <int dim, typename LA>
  void Simulator<dim, LA>::solve_mechanics(const double t)
  {
    if (mechanics)
      mechanics_report = mechanics->solve(t, heat->dof_handler(), heat->temperature());
  }

  template <int dim, typename LA>
  void Simulator<dim, LA>::postprocess(const postprocess::StepInfo &info, const HeatStepReport &report)
  {
    postprocessors->execute(info);
    if (!parameters.verbose || info.step == 0)
      return;
    const auto  &proto    = parameters.protocol;
    const double fraction = (info.time - proto.start_time()) / (proto.end_time() - proto.start_time());
    std::ostringstream line;
    line << "step " << std::setw(6) << info.step << "  t = " << std::scientific << std::setprecision(4)
         << info.time << " s  [" << proto.stage_label(info.stage) << "]  dt = " << std::setprecision(2)
         << info.time_step << " s  its " << report.nonlinear_iterations << '/'
         << report.linear_iterations << "  T " << std::fixed << std::setprecision(1)
         << heat->min_temperature() << ".." << heat->max_temperature() << " K";
    // The remaining time from the simulated fraction, once that says something (the first
    // steps of a quench are short and set nothing up).
    if (fraction >= 0.02 && info.wall_time >= 5 && !info.final)
      line << "  remaining ~" << format_duration(info.wall_time * (1 - fraction) / fraction);
    line << (info.output_time ? "  -> output" : "") << '\n';
    pcout << line.str() << std::flush;
  }

  template <int dim, typename LA>
  void Simulator<dim, LA>::run()
  {
    const auto &proto = parameters.protocol;
    const auto &ts    = parameters.time_stepping;
    run_directory     = std::make_unique<RunDirectory>(parameters.output.directory, comm);
    run_directory->write_parameters(prm);
    // log.txt: version, command line, date, ranks, then the start-up report printed so far.
    log.attach(run_directory->file("log.txt"), log_header(run_info, Utilities::MPI::n_mpi_processes(comm)));
    view.run_directory = run_directory.get();
    OutputSchedule schedule(parameters.output, proto);

    double t = proto.start_time();
    try
      {
        {
          auto T0 = parameters.heat.prescribed_field ?
                      make_expression_function<dim>(parameters.heat.temperature_field,
                                                    "Heat/Prescribed temperature field", true) :
                    parameters.heat.initial_temperature_from_state() ?
                      initial_state_temperature<dim>(parameters) :
                      make_expression_function<dim>(parameters.heat.initial_temperature,
                                                    "Heat/Initial temperature", false);
          T0->set_time(proto.start_time());
          heat->set_initial_temperature(*T0);
        }
        TimeStepController controller(ts);
        const double       t_end       = proto.end_time();
        double             dt          = ts.initial_time_step;
        double             dt_old      = 0;
        std::size_t        stage       = proto.stage_index(t);
        std::size_t        last_stage  = stage;
        bool               first_order = true;
        unsigned int       step        = 0;
        const double       time_tolerance = 1e-12 * std::max(1.0, std::abs(t_end));

        solve_mechanics(t);
        postprocess::StepInfo info;
        info.time             = t;
        info.stage            = stage;
        const HeatStepReport no_heat_step;
        info.heat_report      = &no_heat_step;
        info.mechanics_report = mechanics ? &mechanics_report : nullptr;
        info.output_time      = schedule.is_output_step(0, t, false, false);
        info.final            = t >= t_end - time_tolerance;
        info.wall_time        = wall_seconds_agreed(comm);
        postprocess(info, no_heat_step);
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
            // Land on the end of the protocol stage, the loading programme's breakpoints (the
            // platen velocity jumps there), the snapshot times and the postprocessors' times.
            const double stage_end = proto.stages()[stage].end;
            double       landing   = stage_end;
            if (mechanics && mechanics->loading_programme().enabled)
              for (const double b : mechanics->loading_programme().breakpoints())
                if (b > t + time_tolerance && b < landing)
                  landing = b;
            landing = std::min({landing, schedule.next_landing_time(t),
                                postprocessors->next_time_of_interest(t)});
            const double remaining = landing - t;
            double       dt_try    = dt;
            bool         clipped   = false;
            if (remaining <= 1.1 * dt)
              dt_try = remaining, clipped = true;
            else if (remaining < 2 * dt)
              dt_try = remaining / 2, clipped = true; // avoid a sliver step at the landing time
            const double t_new = (dt_try == remaining) ? landing : t + dt_try;

            HeatStepData data;
            data.time        = t_new;
            data.dt          = dt_try;
            data.dt_old      = dt_old;
            data.first_order = first_order || ts.scheme == TimeSteppingParameters::Scheme::implicit_euler;
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
                clipped          = false;
                data.time        = t + data.dt;
                data.environment = proto.environment(stage, data.time);
              }
            if (ts.adaptive && data.dt <= ts.minimum_time_step * (1 + 1e-12) &&
                report.max_change > 1.25 * ts.maximum_temperature_change)
              pcout << "Warning: step at the minimum time step changed T by " << report.max_change << " K\n";
            heat->accept_time_step();
            solve_mechanics(data.time);

            ++step;
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

            info.step           = step;
            info.time           = t;
            info.time_step      = data.dt;
            info.stage          = stage;
            info.heat_report    = &report;
            info.rejected_steps = rejected;
            info.final          = t >= t_end - time_tolerance;
            info.output_time    = schedule.is_output_step(
              step, t,
              std::abs(t - stage_end) <= time_tolerance && proto.segment_of_stage(stage).write_output_at_end,
              info.final);
            info.wall_time = wall_seconds_agreed(comm);
            postprocess(info, report);
          }
        if (!postprocessors->write_statistics())
          throw RunError("cannot write " + run_directory->file("statistics.csv"));
        postprocess::Summary summary = postprocessors->summary();
        run_directory->write_summary("completed", "", summary);
        pcout << "bmgfe: completed " << step << " steps to t = " << t << " s in "
              << format_duration(wall_seconds()) << "; results in " << run_directory->path() << '\n';
        if (parameters.verbose)
          timer.print_wall_time_statistics(comm);
      }
    catch (const std::exception &e)
      {
        // Leave what was computed (statistics, snapshots) but mark the run as failed.
        postprocessors->on_failure(t);
        run_directory->write_summary("failed", single_line(e.what()), {});
        throw;
      }
  }

  template <int dim, typename LA>
  void run_dimension(const Parameters &parameters, ParameterHandler &prm, const RunMode mode,
                     const RunInfo &run_info)
  {
    // The simulator is destroyed before an exception leaves this function: deal.II's
    // TimerOutput prints a multi-line warning when it is destroyed during stack unwinding.
    std::exception_ptr error;
    {
      Simulator<dim, LA> simulator(parameters, prm, MPI_COMM_WORLD, run_info);
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

  void run_simulation(const Parameters &parameters, ParameterHandler &prm, const RunMode mode,
                      const RunInfo &run_info)
  {
    using linear_algebra::Backend;
    const bool trilinos = parameters.backend == Backend::trilinos;
    if (parameters.dimension == 2)
      trilinos ? run_dimension<2, linear_algebra::Trilinos>(parameters, prm, mode, run_info) :
                 run_dimension<2, linear_algebra::PETSc>(parameters, prm, mode, run_info);
    else
      trilinos ? run_dimension<3, linear_algebra::Trilinos>(parameters, prm, mode, run_info) :
                 run_dimension<3, linear_algebra::PETSc>(parameters, prm, mode, run_info);
  }

  template class Simulator<2, linear_algebra::Trilinos>;
  template class Simulator<3, linear_algebra::Trilinos>;
  template class Simulator<2, linear_algebra::PETSc>;
  template class Simulator<3, linear_algebra::PETSc>;
} // namespace bmgfe
