// Checkpoint and restart of the simulator (doc/checkpoints.md): the mesh with the DoF
// vectors and the material-point state as deal.II's p4est save/load (so a restart may use
// another number of ranks), and the global state (time loop, physics scalars, postprocessors,
// statistics) as state.bin, written by rank 0.
#include <bmgfe/base/input_error.h>
#include <bmgfe/core/simulator.h>
#include <bmgfe/io/checkpoint_state.h>
#include <bmgfe/physics/load_balance.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/utilities.h>
#include <deal.II/fe/fe.h>

#include <sys/statvfs.h>

#include <iomanip>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace bmgfe
{
  using namespace dealii;

  namespace
  {
    const std::string format_name = "bmgfe checkpoint 1";
    /// The key of the load balance's repartition count among the postprocessors' states.
    const std::string repartitions_key = "simulator:load balance repartitions";

    /// Every entry as 'Section/Entry = value', except those a restart may change (the output
    /// directory, which --restart names, and the checkpoint intervals).
    std::vector<std::string> parameter_fingerprint(const ParameterHandler &prm)
    {
      std::ostringstream text;
      prm.print_parameters(text, ParameterHandler::ShortPRM);
      std::vector<std::string> path, entries;
      std::istringstream       in(text.str());
      std::string              line;
      while (std::getline(in, line))
        {
          line = Utilities::trim(line);
          if (line.rfind("subsection ", 0) == 0)
            path.push_back(Utilities::trim(line.substr(11)));
          else if (line == "end")
            {
              if (!path.empty())
                path.pop_back();
            }
          else if (line.rfind("set ", 0) == 0)
            {
              const auto        eq    = line.find('=');
              const std::string name  = Utilities::trim(line.substr(4, eq - 4));
              const std::string value = eq == std::string::npos ? "" : Utilities::trim(line.substr(eq + 1));
              std::string       full;
              for (const auto &p : path)
                full += p + "/";
              full += name;
              if (full == "Output directory" || (!path.empty() && path.front() == "Checkpoint"))
                continue;
              entries.push_back(full + " = " + value);
            }
        }
      return entries;
    }

    /// The first difference of two fingerprints, for the error message.
    std::string first_difference(const std::vector<std::string> &saved,
                                 const std::vector<std::string> &now)
    {
      const auto name = [](const std::string &e) { return e.substr(0, e.find(" = ")); };
      for (const auto &e : now)
        if (std::find(saved.begin(), saved.end(), e) == saved.end())
          {
            for (const auto &s : saved)
              if (name(s) == name(e))
                return "'" + name(e) + "' was '" + s.substr(s.find(" = ") + 3) + "' there and is '" +
                       e.substr(e.find(" = ") + 3) + "' here";
            return "'" + name(e) + "' is new";
          }
      for (const auto &s : saved)
        if (std::find(now.begin(), now.end(), s) == now.end())
          return "'" + name(s) + "' is missing here";
      return "";
    }
  } // namespace

  template <int dim, typename LA>
  std::string Simulator<dim, LA>::write_checkpoint(const OutputSchedule &schedule)
  {
    TimerOutput::Scope scope(timer, "checkpoint");
    const std::string  folder = checkpoints->begin(loop.step);

    const std::string mechanics_scalars = mechanics ? mechanics->checkpoint_scalars() : std::string();
    auto              postprocessor_state = postprocessors->save_state();
    // The load balance's count rides along (the manager ignores keys it does not know).
    postprocessor_state[repartitions_key] = std::to_string(loop.repartitions);
    std::string       state;
    if (Utilities::MPI::this_mpi_process(comm) == 0)
      {
        // A header that load_checkpoint_mesh() reads before the mesh, and the body that
        // restore_checkpoint() reads after the set-up.
        const auto        position = schedule.position();
        const std::string body =
          pack_state(loop.t, loop.step, loop.dt, loop.dt_old, static_cast<unsigned long long>(loop.stage),
                     static_cast<unsigned long long>(loop.last_stage), loop.first_order,
                     loop.recent_steps, static_cast<unsigned long long>(position.first),
                     position.second, loop.next_checkpoint_time, loop.wall_time, mechanics_scalars,
                     postprocessor_state);
        state = pack_state(format_name, parameter_fingerprint(prm),
                           Utilities::MPI::n_mpi_processes(comm), body);
      }

    // p4est ends the process when a write of its save() fails (a full disk): check the space
    // first, against the size of what is attached to the cells (the DoF values of the cell,
    // the material points' packed state) plus p4est's own data and state.bin.
    {
      const double heat_dofs = heat->dof_handler().get_fe().n_dofs_per_cell();
      const double mechanics_dofs = mechanics ? mechanics->dof_handler().get_fe().n_dofs_per_cell() : 0;
      double       bytes = 0;
      for (const auto &cell : triangulation.active_cell_iterators())
        if (cell->is_locally_owned())
          {
            bytes += 8 * (2 * heat_dofs + 3 * mechanics_dofs) + 64;
            if (mechanics)
              {
                bytes += 16;
                for (const auto &p : mechanics->quadrature_point_state().get_data(cell))
                  bytes += 8.0 * (p->n_packed() + 1);
              }
          }
      bytes = Utilities::MPI::sum(bytes, comm) + static_cast<double>(state.size());
      std::string error;
      if (Utilities::MPI::this_mpi_process(comm) == 0)
        {
          struct statvfs fs;
          if (statvfs(folder.c_str(), &fs) == 0)
            {
              const double available = static_cast<double>(fs.f_bavail) * static_cast<double>(fs.f_frsize);
              if (available < 1.1 * bytes + 1e6)
                {
                  std::ostringstream message;
                  message << "about " << std::ceil((1.1 * bytes + 1e6) / 1e6) << " MB needed in '"
                          << checkpoints->folder() << "', " << std::floor(available / 1e6) << " MB free (disk full?)";
                  error = message.str();
                  std::error_code ec;
                  std::filesystem::remove_all(folder, ec);
                }
            }
        }
      error = Utilities::MPI::broadcast(comm, error, 0);
      if (!error.empty())
        throw RunError("checkpoint of step " + std::to_string(loop.step) + ": " + error);
    }

    // Cell data in the order restore_checkpoint() reads it: heat, then mechanics.
    heat->attach_checkpoint_data();
    if (mechanics)
      mechanics->attach_checkpoint_data();
    triangulation.save(folder + "/mesh");

    std::string error;
    if (Utilities::MPI::this_mpi_process(comm) == 0)
      {
        std::ofstream out(folder + "/state.bin", std::ios::binary);
        out.write(state.data(), static_cast<std::streamsize>(state.size()));
        out.flush();
        if (!out)
          error = "cannot write '" + folder + "/state.bin' (disk full?)";
      }
    error = Utilities::MPI::broadcast(comm, error, 0);
    if (!error.empty())
      throw RunError("checkpoint of step " + std::to_string(loop.step) + ": " + error);
    const std::string final = checkpoints->commit(loop.step, parameters.output.checkpoints_kept);
    // What the checkpoint cannot carry (Krylov histories, preconditioners) is reset here as a
    // restart from it resets it: both continue alike (doc/checkpoints.md).
    heat->reset_solver_state();
    if (mechanics)
      mechanics->reset_solver_state();
    if (parameters.verbose)
      pcout << "checkpoint: step " << loop.step << ", t = " << loop.t << " s -> " << final << '\n'
            << std::flush;
    return final;
  }

  template <int dim, typename LA>
  void Simulator<dim, LA>::load_checkpoint_mesh()
  {
    const std::string     directory = parameters.output.directory;
    const CheckpointFiles files(directory, comm);
    const auto            found = files.newest();
    for (const auto &why : found.skipped)
      log << "Warning: restart: skipped " << why << '\n';
    require(!found.folder.empty(), "--restart",
            "'" + files.folder() + "' holds no whole checkpoint" +
              (found.skipped.empty() ? std::string() : " (" + found.skipped.front() + ")"));
    restart.folder = found.folder;
    restart.step   = found.step;

    std::string bytes;
    if (Utilities::MPI::this_mpi_process(comm) == 0)
      {
        std::ifstream      in(found.folder + "/state.bin", std::ios::binary);
        std::ostringstream s;
        s << in.rdbuf();
        bytes = s.str();
      }
    bytes = Utilities::MPI::broadcast(comm, bytes, 0);

    // The header: the format and the parameters the checkpoint was written with; the body
    // stays for restore_checkpoint().
    std::string              format;
    std::vector<std::string> fingerprint;
    unsigned int             ranks = 0;
    try
      {
        unpack_state(bytes, format, fingerprint, ranks, restart.state);
      }
    catch (const std::exception &)
      {
        format.clear();
      }
    require(format == format_name, "--restart",
            "'" + found.folder + "/state.bin' is not a checkpoint of this version of bmgfe");
    const std::string difference = first_difference(fingerprint, parameter_fingerprint(prm));
    require(difference.empty(), "--restart",
            "the checkpoint '" + found.folder + "' was written with other parameters: " + difference +
              " (a restart needs the parameter file and --set entries of the run; only "
              "'Output directory' and 'Checkpoint/...' may differ)");
    try
      {
        triangulation.load(found.folder + "/mesh");
      }
    catch (const std::exception &e)
      {
        throw InputError("--restart: cannot load the mesh of '" + found.folder +
                         "' (was it written for another geometry?): " + single_line(e.what()));
      }
    log << "Restart: " << found.folder << " (step " << found.step << ", written on " << ranks
        << (ranks == 1 ? " rank" : " ranks") << ")\n";
  }

  template <int dim, typename LA>
  void Simulator<dim, LA>::restore_checkpoint(OutputSchedule &schedule)
  {
    std::string                        mechanics_scalars;
    unsigned long long                 stage = 0, last_stage = 0, next_time = 0;
    double                             next_multiple = 0;
    std::map<std::string, std::string> postprocessor_state;
    try
      {
        unpack_state(restart.state, loop.t, loop.step, loop.dt, loop.dt_old, stage, last_stage,
                     loop.first_order, loop.recent_steps, next_time, next_multiple,
                     loop.next_checkpoint_time, loop.wall_offset, mechanics_scalars,
                     postprocessor_state);
        loop.stage      = stage;
        loop.last_stage = last_stage;
        schedule.set_position({next_time, next_multiple});
        heat->restore_checkpoint_data();
        if (mechanics)
          mechanics->restore_checkpoint_data(mechanics_scalars);
        if (const auto it = postprocessor_state.find(repartitions_key); it != postprocessor_state.end())
          {
            loop.repartitions = static_cast<unsigned int>(std::stoul(it->second));
            postprocessor_state.erase(it);
          }
        postprocessors->load_state(postprocessor_state);
      }
    catch (const std::exception &e)
      {
        throw RunError("restart from '" + restart.folder + "': " + single_line(e.what()));
      }
    loop.wall_time            = loop.wall_offset;
    loop.last_checkpoint_wall = loop.wall_offset;
    pcout << "Restarted at step " << loop.step << ", t = " << loop.t << " s\n" << std::flush;
  }

  template <int dim, typename LA>
  bool Simulator<dim, LA>::load_balance_active() const
  {
    return mechanics && mechanics->plastic() && parameters.mechanics.load_balance.repartition &&
           Utilities::MPI::n_mpi_processes(comm) > 1;
  }

  template <int dim, typename LA>
  void Simulator<dim, LA>::balance_load()
  {
    if (!load_balance_active())
      return;
    const auto  &lb   = parameters.mechanics.load_balance;
    unsigned int yielded = 0;
    const double before =
      load_balance::imbalance(mechanics->local_weight(lb.plastic_point_cost, yielded), comm);
    if (!(before > lb.imbalance_threshold))
      return;
    TimerOutput::Scope scope(timer, "load balance: repartition");
    const double       start = MPI_Wtime();
    yielded                  = Utilities::MPI::sum(yielded, comm);

    // What a checkpoint holds, moved with the cells instead of written to a file; then the
    // set-up of a restart (doc/checkpoints.md "What a restart does"). The postprocessors are
    // made anew from their saved state (rank 0's, as a restart reads it): some keep DoF
    // handlers, point locations and per-cell data of the old partition.
    auto postprocessor_state = Utilities::MPI::broadcast(comm, postprocessors->save_state(), 0);
    postprocessors.reset();
    const std::string mechanics_scalars = mechanics->checkpoint_scalars();
    heat->attach_checkpoint_data();
    mechanics->attach_checkpoint_data();
    {
      const double cost = lb.plastic_point_cost;
      auto connection   = triangulation.signals.weight.connect(
        [this, cost](const typename Triangulation<dim>::cell_iterator &cell,
                     const typename Triangulation<dim>::CellStatus) {
          return mechanics->cell_weight(cell, cost);
        });
      triangulation.repartition();
      connection.disconnect();
    }
    heat->setup();
    mechanics->setup();
    heat->restore_repartitioned_data();
    mechanics->restore_repartitioned_data(mechanics_scalars);
    postprocessors = std::make_unique<postprocess::Manager<dim, LA>>(view);
    postprocessors->parse_parameters(prm);
    postprocessors->initialize();
    postprocessors->load_state(postprocessor_state);
    ++loop.repartitions;

    unsigned int yielded_after = 0;
    const double after =
      load_balance::imbalance(mechanics->local_weight(lb.plastic_point_cost, yielded_after), comm);
    const double seconds = Utilities::MPI::max(MPI_Wtime() - start, comm);
    std::ostringstream line;
    line << "load balance: step " << loop.step << ": imbalance " << std::fixed << std::setprecision(4)
         << before << " -> " << after << " (threshold " << lb.imbalance_threshold << ", "
         << yielded << " plastic points of cost " << lb.plastic_point_cost << "), repartitioned in "
         << std::setprecision(2) << seconds << " s\n";
    *view.log << line.str() << std::flush;
  }

#define BMGFE_INSTANTIATE(dim, LA)                                                      \
  template std::string Simulator<dim, LA>::write_checkpoint(const OutputSchedule &);  \
  template void        Simulator<dim, LA>::balance_load();                             \
  template bool        Simulator<dim, LA>::load_balance_active() const;                \
  template void        Simulator<dim, LA>::load_checkpoint_mesh();                    \
  template void        Simulator<dim, LA>::restore_checkpoint(OutputSchedule &);

  BMGFE_INSTANTIATE(2, linear_algebra::Trilinos)
  BMGFE_INSTANTIATE(3, linear_algebra::Trilinos)
  BMGFE_INSTANTIATE(2, linear_algebra::PETSc)
  BMGFE_INSTANTIATE(3, linear_algebra::PETSc)
#undef BMGFE_INSTANTIATE
} // namespace bmgfe
