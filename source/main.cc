// bmgfe: residual stress and gradient heterogeneity in bulk metallic glasses.
//   bmgfe FILE.prm [--set Section/Entry=value ...]     run a scenario
//         [--overwrite]                                replacing an earlier run's results
//         [--restart OUTPUT]                           continuing a run from its checkpoint
//   bmgfe --validate FILE.prm [--set ...]              check a file (parameters, mesh, boundaries)
//   bmgfe --print-parameters [prm|json]                every parameter with documentation
//   bmgfe --calibrate-tg FILE.prm [--set ...]          tau0, eta0 of Material/Free volume
//   bmgfe --version                                    version, git revision, libraries
#include <bmgfe/base/input_error.h>
#include <bmgfe/base/interruption.h>
#include <bmgfe/base/version.h>
#include <bmgfe/core/parameters.h>
#include <bmgfe/core/simulator.h>
#include <bmgfe/io/run_log.h>
#include <bmgfe/materials/tg_calibration.h>

#include <deal.II/base/mpi.h>

#include <iostream>
#include <string>
#include <vector>

namespace
{
  void print_usage(std::ostream &out)
  {
    out << bmgfe::version_string() << "\n"
           "usage: bmgfe FILE.prm [--set Section/Entry=value ...] [--overwrite | --restart OUTPUT]\n"
           "       bmgfe --validate FILE.prm [--set Section/Entry=value ...]\n"
           "       bmgfe --print-parameters [prm|json]\n"
           "       bmgfe --calibrate-tg FILE.prm [--set Section/Entry=value ...]\n"
           "       bmgfe --version\n"
           "Run in parallel with: mpirun -np N bmgfe FILE.prm\n"
           "\n"
           "  --overwrite  replace the results of an earlier run in the output directory\n"
           "               (without it such a directory is refused)\n"
           "  --restart OUTPUT  continue the run in OUTPUT from its newest whole checkpoint\n"
           "               (OUTPUT/checkpoints; the same FILE.prm and --set entries, any\n"
           "               number of ranks); OUTPUT replaces 'Output directory'\n"
           "\n"
           "OUTPUT/summary.json says \"running\", \"completed\", \"failed\" or \"interrupted\".\n"
           "SIGTERM, SIGUSR1 or SIGINT stop a run after its current step (statistics and a\n"
           "checkpoint written).\n"
           "Exit codes: 0 success, 1 error (input or run), 2 usage, "
        << bmgfe::exit_code_interrupted << " interrupted by a signal.\n";
  }

} // namespace

int main(int argc, char *argv[])
{
  // The command line as typed and the start time, for the header of the run log
  // (io/run_log.h); taken before MPI_Init, which may rewrite argv.
  bmgfe::RunInfo run_info(argc, argv);
  dealii::Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  // After MPI_Init (and PETSc's initialisation), which install handlers of their own.
  bmgfe::install_interruption_handlers();
  const bool root = dealii::Utilities::MPI::this_mpi_process(MPI_COMM_WORLD) == 0;

  std::vector<std::string> args(argv + 1, argv + argc);
  std::string              file;
  std::vector<std::string> overrides;
  bool                     validate = false, calibrate = false;
  try
    {
      for (std::size_t i = 0; i < args.size(); ++i)
        {
          const std::string &a = args[i];
          if (a == "-h" || a == "--help")
            {
              if (root)
                print_usage(std::cout);
              return 0;
            }
          if (a == "--version")
            {
              if (root)
                std::cout << bmgfe::version_string() << std::endl;
              return 0;
            }
          if (a == "--print-parameters")
            {
              const std::string style = (i + 1 < args.size()) ? args[i + 1] : "prm";
              if (style != "prm" && style != "json")
                throw bmgfe::InputError("--print-parameters takes 'prm' or 'json', not '" + style + "'");
              if (root)
                bmgfe::print_default_parameters(std::cout, style);
              return 0;
            }
          if (a == "--validate")
            validate = true;
          else if (a == "--calibrate-tg")
            calibrate = true;
          else if (a == "--overwrite")
            run_info.overwrite = true;
          else if (a == "--restart" || a.rfind("--restart=", 0) == 0)
            {
              std::string dir = a.size() > 9 ? a.substr(10) : "";
              if (a == "--restart")
                {
                  if (i + 1 >= args.size() || args[i + 1].empty() || args[i + 1][0] == '-')
                    throw bmgfe::InputError("--restart needs the output directory of the run to continue");
                  dir = args[++i];
                }
              if (dir.empty())
                throw bmgfe::InputError("--restart needs the output directory of the run to continue");
              run_info.restart = dir;
            }
          else if (a == "--set" || a == "-s")
            {
              if (i + 1 >= args.size())
                throw bmgfe::InputError("--set needs 'Section/Entry=value'");
              overrides.push_back(args[++i]);
            }
          else if (a.rfind("--set=", 0) == 0)
            overrides.push_back(a.substr(6));
          else if (!a.empty() && a[0] == '-')
            throw bmgfe::InputError("unknown option '" + a + "' (see bmgfe --help)");
          else if (file.empty())
            file = a;
          else
            throw bmgfe::InputError("more than one parameter file given ('" + file + "', '" + a + "')");
        }
      if (file.empty())
        {
          if (root)
            print_usage(std::cerr);
          return 2;
        }

      if (!run_info.restart.empty())
        {
          if (run_info.overwrite)
            throw bmgfe::InputError("--restart and --overwrite exclude each other");
          if (validate || calibrate)
            throw bmgfe::InputError("--restart is for runs, not --validate or --calibrate-tg");
          // The run's directory is the one to continue.
          overrides.push_back("Output directory=" + run_info.restart);
        }
      bmgfe::Parameters parameters;
      const auto        prm = bmgfe::read_parameters(file, overrides, parameters);
      if (calibrate)
        {
          // Tg calibration of Material/Free volume (doc/model.md): tau0 and eta0.
          const auto &fv = parameters.elastic.free_volume;
          const auto  c  = bmgfe::calibrate_prefactors(fv, parameters.elastic.shear_modulus_at_tg());
          if (root)
            std::cout << bmgfe::calibration_summary(fv, c) << std::endl;
          return 0;
        }
      try
        {
          bmgfe::run_simulation(parameters, *prm,
                                validate ? bmgfe::RunMode::validate : bmgfe::RunMode::run, run_info);
        }
      catch (const bmgfe::InputError &e)
        {
          // Found while building the mesh, checking boundaries or creating the output
          // folder: say in which file (and line) the offending entry is.
          throw bmgfe::InputError(bmgfe::locate_in_parameter_file(file, overrides, e.what()));
        }
      if (validate && root)
        std::cout << "bmgfe: " << file << " is valid\n";
    }
  catch (const bmgfe::Interrupted &e)
    {
      // Every rank stopped after the same step; summary.json says "interrupted".
      if (root)
        std::cerr << "bmgfe: interrupted: " << e.what() << std::endl;
      return bmgfe::exit_code_interrupted;
    }
  catch (const bmgfe::InputError &e)
    {
      // Input errors are detected identically on every rank: report once, exit cleanly.
      if (root)
        std::cerr << "bmgfe: error: " << e.what() << std::endl;
      return 1;
    }
  catch (const bmgfe::RunError &e)
    {
      if (root)
        std::cerr << "bmgfe: error: " << e.what() << std::endl;
      return 1;
    }
  catch (const std::exception &e)
    {
      std::cerr << "bmgfe: error"
                << (dealii::Utilities::MPI::n_mpi_processes(MPI_COMM_WORLD) > 1
                      ? " (rank " + std::to_string(dealii::Utilities::MPI::this_mpi_process(MPI_COMM_WORLD)) + ")"
                      : std::string())
                << ": " << bmgfe::single_line(e.what()) << std::endl;
      if (dealii::Utilities::MPI::n_mpi_processes(MPI_COMM_WORLD) > 1)
        MPI_Abort(MPI_COMM_WORLD, 1);
      return 1;
    }
  return 0;
}
