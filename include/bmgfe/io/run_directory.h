#pragma once
// The output directory of one run: created and checked before anything is computed,
// given a copy of the parameters used, and closed by summary.json, whose "status" says
// whether the run completed. A directory without "completed" is not a finished run.
#include <mpi.h>

#include <map>
#include <string>

namespace dealii
{
  class ParameterHandler;
}

namespace bmgfe
{
  class RunDirectory
  {
  public:
    /// Create `path` and `path/solution`, check that files can be written there and remove
    /// a summary.json left by an earlier run. Collective; throws InputError on failure.
    RunDirectory(const std::string &path, MPI_Comm comm);

    /// Check, without creating anything, that `path` could be created and written (for
    /// --validate): its nearest existing ancestor must be a writable directory.
    static void check_creatable(const std::string &path, MPI_Comm comm);

    const std::string &path() const { return directory; }
    std::string        file(const std::string &name) const { return directory + "/" + name; }

    /// parameters.prm (with documentation) and parameters.json. Rank 0 writes.
    void write_parameters(const dealii::ParameterHandler &prm) const;

    /// summary.json: status ("completed" or "failed"), message and flat key/value pairs
    /// (values already formatted as JSON numbers or strings). Rank 0 writes.
    void write_summary(const std::string &status, const std::string &message,
                       const std::map<std::string, std::string> &values) const;

    static std::string json_string(const std::string &s);

  private:
    std::string directory;
    MPI_Comm    comm;
  };
} // namespace bmgfe
