#include <bmgfe/base/input_error.h>
#include <bmgfe/io/run_directory.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace bmgfe
{
  RunDirectory::RunDirectory(const std::string &path, const MPI_Comm comm)
    : directory(path)
    , comm(comm)
  {
    namespace fs = std::filesystem;
    std::string error;
    if (dealii::Utilities::MPI::this_mpi_process(comm) == 0)
      {
        std::error_code ec;
        fs::create_directories(fs::path(path) / "solution", ec);
        if (ec)
          error = ec.message();
        else
          {
            const fs::path probe = fs::path(path) / ".bmgfe_write_test";
            {
              std::ofstream out(probe);
              out << "test\n";
              if (!out)
                error = "cannot write files there";
            }
            fs::remove(probe, ec);
            fs::remove(fs::path(path) / "summary.json", ec);
          }
      }
    error = dealii::Utilities::MPI::broadcast(comm, error, 0);
    require(error.empty(), "entry 'Output directory'",
            "cannot use '" + path + "' for output: " + error);
  }

  void RunDirectory::check_creatable(const std::string &path, const MPI_Comm comm)
  {
    namespace fs = std::filesystem;
    std::string error;
    if (dealii::Utilities::MPI::this_mpi_process(comm) == 0)
      {
        fs::path        p = fs::absolute(path);
        std::error_code ec;
        while (!p.empty() && !fs::exists(p, ec) && p != p.parent_path())
          p = p.parent_path();
        if (!fs::is_directory(p, ec))
          error = "'" + p.string() + "' is not a directory";
        else if (access(p.c_str(), W_OK) != 0)
          error = "'" + p.string() + "' is not writable";
      }
    error = dealii::Utilities::MPI::broadcast(comm, error, 0);
    require(error.empty(), "entry 'Output directory'", "cannot use '" + path + "' for output: " + error);
  }

  void RunDirectory::write_parameters(const dealii::ParameterHandler &prm) const
  {
    if (dealii::Utilities::MPI::this_mpi_process(comm) != 0)
      return;
    std::ofstream text(file("parameters.prm"));
    prm.print_parameters(text, dealii::ParameterHandler::PRM);
    std::ofstream json(file("parameters.json"));
    prm.print_parameters(json, dealii::ParameterHandler::JSON);
  }

  std::string RunDirectory::json_string(const std::string &s)
  {
    std::string out = "\"";
    for (const char c : s)
      {
        if (c == '"' || c == '\\')
          out += '\\';
        if (c == '\n')
          {
            out += "\\n";
            continue;
          }
        out += c;
      }
    return out + "\"";
  }

  void RunDirectory::write_summary(const std::string &status, const std::string &message,
                                   const std::map<std::string, std::string> &values) const
  {
    if (dealii::Utilities::MPI::this_mpi_process(comm) != 0)
      return;
    // Written to a temporary file and renamed, so a reader never sees half a summary.
    const std::string tmp = file("summary.json.tmp");
    {
      std::ofstream out(tmp);
      out << "{\n  \"status\": " << json_string(status) << ",\n  \"message\": "
          << json_string(message);
      for (const auto &[key, value] : values)
        out << ",\n  " << json_string(key) << ": " << value;
      out << "\n}\n";
    }
    std::filesystem::rename(tmp, file("summary.json"));
  }
} // namespace bmgfe
