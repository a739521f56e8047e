#include <bmgfe/base/expression.h>
#include <bmgfe/base/input_error.h>
#include <bmgfe/base/interruption.h>
#include <bmgfe/core/initial_state.h>
#include <bmgfe/core/output_schedule.h>
#include <bmgfe/core/setup_report.h>
#include <bmgfe/core/simulator.h>
#include <bmgfe/io/parameter_file.h>
#include <bmgfe/physics/boundary_check.h>
#include <bmgfe/physics/plastic_heat_source.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/utilities.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <exception>
#include <iomanip>
#include <limits>
#include <numeric>
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
    // The matrix-free mechanics' multigrid needs the level hierarchy (and levels that differ
    // by at most one at a vertex, as deal.II's level transfer expects).
    , triangulation(comm,
                    parameters.mechanics.enabled && parameters.mechanics.matrix_free ?
                      typename Triangulation<dim>::MeshSmoothing(
                        Triangulation<dim>::smoothing_on_refinement |
                        Triangulation<dim>::smoothing_on_coarsening |
                        Triangulation<dim>::limit_level_difference_at_vertices) :
                      typename Triangulation<dim>::MeshSmoothing(
                        Triangulation<dim>::smoothing_on_refinement |
                        Triangulation<dim>::smoothing_on_coarsening),
                    parameters.mechanics.enabled && parameters.mechanics.matrix_free ?
                      parallel::distributed::Triangulation<dim>::construct_multigrid_hierarchy :
                      parallel::distributed::Triangulation<dim>::default_setting)
  {}

  template <int dim, typename LA>
  Simulator<dim, LA>::~Simulator()
  {
    postprocessors.reset();
    heat.reset();
  }

  namespace
  {
    /// The largest |coordinate| in an entry of points: 'name: x, y[, z]; ...' (probes) or
    /// '(x, y[, z]): ...; ...' (point constraints); 0 if it has none (or cannot be read).
    double largest_coordinate(const std::string &text, const bool parenthesised)
    {
      double largest = 0;
      for (const auto &item : Utilities::split_string_list(text, ';'))
        {
          std::string coordinates = item;
          if (parenthesised)
            {
              const auto open = item.find('('), close = item.find(')');
              if (open == std::string::npos || close == std::string::npos || close < open)
                continue;
              coordinates = item.substr(open + 1, close - open - 1);
            }
          else if (const auto colon = item.find(':'); colon != std::string::npos)
            coordinates = item.substr(colon + 1);
          for (const auto &c : Utilities::split_string_list(coordinates, ','))
            {
              char        *end = nullptr;
              const double v   = std::strtod(c.c_str(), &end);
              if (end != c.c_str() && *end == '\0' && std::isfinite(v))
                largest = std::max(largest, std::abs(v));
            }
        }
      return largest;
    }
  } // namespace

  template <int dim, typename LA>
  void Simulator<dim, LA>::check_mesh_units()
  {
    // A mesh file in mm read as metres is 1000 times the body that the point coordinates of
    // the other entries describe: say so (the run itself cannot tell).
    const auto  &g = parameters.geometry;
    double       extent = 0;
    for (const auto &cell : triangulation.active_cell_iterators())
      if (cell->is_locally_owned())
        for (const auto v : cell->vertex_indices())
          for (unsigned int d = 0; d < dim; ++d)
            extent = std::max(extent, std::abs(cell->vertex(v)[d]));
    extent = Utilities::MPI::max(extent, comm);
    std::string entry;
    double      coordinate = 0;
    const auto  consider = [&](const std::vector<std::string> &path, const std::string &name,
                               const bool parenthesised) {
      for (const auto &s : path)
        prm.enter_subsection(s);
      const double c = largest_coordinate(prm.get(name), parenthesised);
      for (std::size_t i = 0; i < path.size(); ++i)
        prm.leave_subsection();
      if (c > coordinate)
        coordinate = c, entry = join_path(path) + "/" + name;
    };
    consider({"Statistics"}, "Probe points", false);
    if (parameters.mechanics.enabled)
      consider({"Mechanics", "Boundary conditions"}, "Point constraints", true);
    const std::string mesh = "Warning: the mesh of '" + g.mesh_file + "' (scaled by " +
                             value_text(g.mesh_scaling) + ") reaches " + value_text(extent) + " m";
    if (coordinate > 0 && extent > 1e2 * coordinate && extent < 1e4 * coordinate)
      *view.log << mesh << ", about 1000 times the coordinates of '" << entry << "' (up to "
                << value_text(coordinate) << " m): is it in mm? ('Geometry/Mesh scaling = "
                << value_text(g.mesh_scaling * 1e-3) << "')\n";
    else if (coordinate > 0 && extent < 1e-2 * coordinate && extent > 1e-4 * coordinate)
      *view.log << mesh << ", about 1/1000 of the coordinates of '" << entry << "' (up to "
                << value_text(coordinate) << " m): are these in mm?\n";
    else if (coordinate == 0 && extent > 1)
      *view.log << mesh << ": is it in mm? ('Geometry/Mesh scaling = "
                << value_text(g.mesh_scaling * 1e-3) << "')\n";
  }

  template <int dim, typename LA>
  void Simulator<dim, LA>::setup()
  {
    {
      TimerOutput::Scope scope(timer, "setup: mesh");
      if (run_info.restart.empty())
        domain = create_domain(parameters.geometry, parameters.kinematics, triangulation);
      else
        {
          // The coarse mesh; the checkpoint's p4est forest refines and partitions it.
          domain = create_domain(parameters.geometry, parameters.kinematics, triangulation, false);
          load_checkpoint_mesh();
        }
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
    // Absolute temperatures: the initial field must be positive at every node (0 K or less
    // fails later in the material laws, on some ranks only).
    if (!parameters.heat.initial_temperature_from_state())
      {
        const std::string entry = parameters.heat.prescribed_field ? "Heat/Prescribed temperature field" :
                                                                     "Heat/Initial temperature";
        const auto T0 = make_expression_function<dim>(
          parameters.heat.prescribed_field ? parameters.heat.temperature_field :
                                             parameters.heat.initial_temperature,
          entry, parameters.heat.prescribed_field);
        T0->set_time(parameters.protocol.start_time());
        heat->set_initial_temperature(*T0);
        const double T_min = heat->min_temperature(), T_max = heat->max_temperature();
        require(T_min > 0 && std::isfinite(T_min) && std::isfinite(T_max), "entry '" + entry + "'",
                "must be a positive (absolute) temperature in K everywhere in the body; it is " +
                  value_text(T_min > 0 ? T_max : T_min) + " K at a node");
      }
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
    if (!parameters.geometry.mesh_file.empty())
      check_mesh_units();
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
    // From here on summary.json says "running"; whatever stops the run below replaces it.
    run_directory      = std::make_unique<RunDirectory>(parameters.output.directory, comm, run_info);
    view.run_directory = run_directory.get();
    checkpoints = std::make_unique<CheckpointFiles>(parameters.output.directory, comm);
    OutputSchedule schedule(parameters.output, proto);

    LoopState &loop = this->loop;
    loop.t          = proto.start_time();
    try
      {
        if (restart.folder.empty())
          run_directory->write_parameters(prm);
        // log.txt: version, command line, date, ranks, then the start-up report printed so far
        // (a restart continues the log of the run it restarts).
        log.attach(run_directory->file("log.txt"),
                   (restart.folder.empty() ? "" : "\n") +
                     log_header(run_info, Utilities::MPI::n_mpi_processes(comm)),
                   !restart.folder.empty());
        TimeStepController controller(ts);
        const double       t_end          = proto.end_time();
        const double       time_tolerance = 1e-12 * std::max(1.0, std::abs(t_end));
        const std::size_t  progress_window = 200;
        postprocess::StepInfo info;
        const HeatStepReport  no_heat_step;
        info.mechanics_report = mechanics ? &mechanics_report : nullptr;
        if (restart.folder.empty())
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
            loop.dt         = ts.initial_time_step;
            loop.stage      = proto.stage_index(loop.t);
            loop.last_stage = loop.stage;
            loop.next_checkpoint_time =
              parameters.output.checkpoint_interval_time > 0 ?
                loop.t + parameters.output.checkpoint_interval_time :
                std::numeric_limits<double>::infinity();

            solve_mechanics(loop.t);
            info.time        = loop.t;
            info.stage       = loop.stage;
            info.heat_report = &no_heat_step;
            info.output_time = schedule.is_output_step(0, loop.t, false, false);
            info.final       = loop.t >= t_end - time_tolerance;
            info.wall_time   = wall_seconds_agreed(comm);
            loop.wall_time   = info.wall_time;
            postprocess(info, no_heat_step);
          }
        else
          restore_checkpoint(schedule);
        while (loop.t < t_end - time_tolerance)
          {
            const double t    = loop.t;
            double      &dt   = loop.dt;
            // SIGTERM/SIGUSR1/SIGINT since the last step (on any rank: all stop here together).
            if (const int signal = agreed_signal(comm); signal != 0)
              interrupt(signal, schedule);
            if (loop.step >= ts.maximum_steps)
              throw RunError("reached 'Time stepping/Maximum number of steps' (" +
                             std::to_string(ts.maximum_steps) + ") at t = " + std::to_string(t) + " s");
            const std::size_t stage = proto.stage_index(t + time_tolerance);
            if (stage != loop.last_stage)
              {
                // A protocol switch: restart the multistep history and the step size.
                loop.first_order = true;
                dt               = std::min(dt, ts.initial_time_step);
                loop.last_stage  = stage;
              }
            loop.stage = stage;
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
            if (!(t_new > t))
              throw RunError("the time step " + value_text(dt_try) + " s no longer advances the "
                             "time t = " + value_text(t) + " s");

            HeatStepData data;
            data.time        = t_new;
            data.dt          = dt_try;
            data.dt_old      = loop.dt_old;
            data.first_order = loop.first_order || ts.scheme == TimeSteppingParameters::Scheme::implicit_euler;
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

            ++loop.step;
            loop.t           = data.time;
            loop.dt_old      = data.dt;
            loop.first_order = false;
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

            // Progress guard: a step that has stopped growing (the mean of the last half of
            // the window no larger than that of the first half) and at whose size the rest of
            // the protocol would exceed 'Maximum number of steps' ends the run now, not after
            // days of tiny steps (a stiff boundary, a temperature bound that cannot be met).
            auto &recent_steps = loop.recent_steps;
            recent_steps.push_back(data.dt);
            if (recent_steps.size() > progress_window)
              recent_steps.pop_front();
            if (ts.adaptive && recent_steps.size() == progress_window)
              {
                const auto   half  = recent_steps.begin() + progress_window / 2;
                const double first = std::accumulate(recent_steps.begin(), half, 0.0);
                const double last  = std::accumulate(half, recent_steps.end(), 0.0);
                const double mean  = (first + last) / progress_window;
                const double steps_left =
                  (stage_end - loop.t) / mean + (t_end - stage_end) / ts.maximum_time_step;
                if (last <= 1.1 * first && steps_left > double(ts.maximum_steps - loop.step))
                  throw RunError(
                    "the time step has stalled at " + value_text(mean) + " s (mean of the last " +
                    std::to_string(progress_window) + " steps) at t = " + value_text(loop.t) +
                    " s: the rest of the protocol would take about " + value_text(steps_left) +
                    " more steps, beyond 'Time stepping/Maximum number of steps' (" +
                    std::to_string(ts.maximum_steps) + "); see 'Time stepping/Maximum temperature "
                    "change' and the boundary conditions");
              }

            info.step           = loop.step;
            info.time           = loop.t;
            info.time_step      = data.dt;
            info.stage          = stage;
            info.heat_report    = &report;
            info.rejected_steps = rejected;
            info.final          = loop.t >= t_end - time_tolerance;
            info.output_time    = schedule.is_output_step(
              loop.step, loop.t,
              std::abs(loop.t - stage_end) <= time_tolerance && proto.segment_of_stage(stage).write_output_at_end,
              info.final);
            info.wall_time = wall_seconds_agreed(comm) + loop.wall_offset;
            loop.wall_time = info.wall_time;
            postprocess(info, report);
            if (!info.final)
              balance_load();

            // Checkpoints at multiples of the simulated interval and after the wall interval.
            if (!info.final)
              {
                const auto  &out = parameters.output;
                bool         due = false;
                if (loop.t >= loop.next_checkpoint_time - time_tolerance)
                  {
                    due = true;
                    while (loop.next_checkpoint_time <= loop.t + time_tolerance)
                      loop.next_checkpoint_time += out.checkpoint_interval_time;
                  }
                if (out.checkpoint_interval_wall_time > 0 &&
                    info.wall_time - loop.last_checkpoint_wall >= out.checkpoint_interval_wall_time)
                  due = true;
                if (due)
                  {
                    loop.last_checkpoint_wall = info.wall_time;
                    write_checkpoint(schedule);
                  }
              }
          }
        if (!postprocessors->write_statistics())
          throw RunError("cannot write " + run_directory->file("statistics.csv"));
        postprocess::Summary summary = postprocessors->summary();
        if (load_balance_active())
          summary["load_balance_repartitions"] = std::to_string(loop.repartitions);
        run_directory->write_summary("completed", "", summary);
        pcout << "bmgfe: completed " << loop.step << " steps to t = " << loop.t << " s in "
              << format_duration(wall_seconds() + loop.wall_offset) << "; results in "
              << run_directory->path() << '\n';
        if (parameters.verbose)
          timer.print_wall_time_statistics(comm);
      }
    catch (const Interrupted &)
      {
        throw; // summary.json already says "interrupted"
      }
    catch (const std::exception &e)
      {
        // Leave what was computed (statistics, snapshots) but mark the run as failed.
        postprocessors->on_failure(loop.t);
        try
          {
            run_directory->write_summary("failed", single_line(e.what()),
                                         {{"time_reached_s", postprocess::json_number(loop.t)},
                                          {"steps", std::to_string(loop.step)}});
          }
        catch (...)
          {
          }
        throw;
      }
  }

  template <int dim, typename LA>
  void Simulator<dim, LA>::interrupt(const int signal, const OutputSchedule &schedule)
  {
    // The state after the last step is complete: what the postprocessors have written so far
    // is consistent; the statistics are flushed (collectively) so that they end at this step,
    // and a checkpoint of this state lets '--restart' continue from here.
    if (!postprocessors->write_statistics())
      throw RunError("cannot write " + run_directory->file("statistics.csv"));
    const std::string checkpoint = write_checkpoint(schedule);

    std::ostringstream reason;
    reason << signal_name(signal) << " received: stopped after step " << loop.step << " at t = "
           << loop.t << " s of " << parameters.protocol.end_time() << " s; checkpoint "
           << checkpoint;
    run_directory->write_summary("interrupted", reason.str(),
                                 {{"signal", RunDirectory::json_string(signal_name(signal))},
                                  {"time_reached_s", postprocess::json_number(loop.t)},
                                  {"steps", std::to_string(loop.step)},
                                  {"checkpoint", RunDirectory::json_string(checkpoint)}});
    pcout << "bmgfe: interrupted: " << reason.str() << " after "
          << format_duration(wall_seconds() + loop.wall_offset) << "; results so far in "
          << run_directory->path() << " (continue with --restart " << run_directory->path() << ")\n"
          << std::flush;
    throw Interrupted(signal, reason.str());
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
          // Refuse a directory that holds an earlier run's results before the set-up (which
          // can take a while); the run checks again when it creates the directory.
          if (mode == RunMode::run && run_info.restart.empty())
            RunDirectory::check_reusable(parameters.output.directory, run_info.overwrite,
                                         MPI_COMM_WORLD);
          else if (mode == RunMode::run)
            RunDirectory::check_restartable(parameters.output.directory, MPI_COMM_WORLD);
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
