#pragma once
// The output directory of one run: checked before anything is computed, given a copy of
// the parameters used, and described by summary.json from the start to the end of the run.
//
// summary.json "status":
//   "running"      written when the directory is set up (start time, host, pid, ranks,
//                  command line); a run killed without a chance to clean up (kill -9, node
//                  failure, out of memory) leaves it: a reader can tell such a stale
//                  "running" from a live one by its "host" and "pid" (no such process).
//   "completed"    the run reached the end of its protocol; only then.
//   "failed"       an error stopped the run; "message" is the one-line reason.
//   "interrupted"  SIGTERM, SIGUSR1 or SIGINT stopped the run after a step; "message" names
//                  the signal and the simulated time reached (exit code 75).
// A directory that holds another run's results (a summary.json of any status, statistics,
// snapshots, ...) is refused unless the run was started with --overwrite, which removes
// those files first (only the names bmgfe writes: output_names()).
#include <bmgfe/io/run_log.h>

#include <mpi.h>

#include <map>
#include <string>
#include <vector>

namespace dealii
{
  class ParameterHandler;
}

namespace bmgfe
{
  class RunDirectory
  {
  public:
    /// With info.restart: check_restartable(), keep what is there. Otherwise: check that
    /// `path` holds no earlier run (check_reusable()), with info.overwrite remove
    /// the earlier run's files, create `path` and `path/solution`, check that files can be
    /// written there and write summary.json with status "running". Collective; throws
    /// InputError on failure.
    RunDirectory(const std::string &path, MPI_Comm comm, const RunInfo &info = RunInfo());

    /// Refuse (InputError naming 'Output directory') a `path` that holds the results of an
    /// earlier run unless `overwrite`; even with `overwrite`, refuse a directory whose
    /// summary.json says "running" for a live process on this host. Creates nothing; cheap,
    /// so a run calls it before its set-up. Collective.
    static void check_reusable(const std::string &path, bool overwrite, MPI_Comm comm);

    /// --restart: refuse (InputError) a `path` that is not a directory, is being written by
    /// a live run or holds a completed run. Collective.
    static void check_restartable(const std::string &path, MPI_Comm comm);

    /// Check, without creating anything, that `path` could be created and written (for
    /// --validate): its nearest existing ancestor must be a writable directory.
    static void check_creatable(const std::string &path, MPI_Comm comm);

    /// The files (first) and folders (second) that a run writes into its directory and that
    /// --overwrite removes; shear_bands-NNNNN.csv files are matched by pattern as well.
    static const std::vector<std::string> &output_files();
    static const std::vector<std::string> &output_folders();

    const std::string &path() const { return directory; }
    std::string        file(const std::string &name) const { return directory + "/" + name; }

    /// parameters.prm (with documentation) and parameters.json. Rank 0 writes.
    void write_parameters(const dealii::ParameterHandler &prm) const;

    /// summary.json: status ("running", "completed", "failed" or "interrupted"), message,
    /// the run's identity (start time, host, pid, ranks, command line; an end time unless
    /// "running") and flat key/value pairs (values already formatted as JSON numbers or
    /// strings). Rank 0 writes, to a temporary file that is then renamed.
    void write_summary(const std::string &status, const std::string &message,
                       const std::map<std::string, std::string> &values) const;

    static std::string json_string(const std::string &s);

  private:
    std::string                        directory;
    MPI_Comm                           comm;
    std::map<std::string, std::string> identity; ///< summary.json entries of every status
  };
} // namespace bmgfe
