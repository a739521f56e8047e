#include <bmgfe/base/input_error.h>
#include <bmgfe/io/run_directory.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>

#include <signal.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace bmgfe
{
  namespace
  {
    namespace fs = std::filesystem;

    bool is_shear_band_file(const std::string &name)
    {
      static const std::regex pattern("shear_bands-[0-9]{5,}\\.csv");
      return std::regex_match(name, pattern);
    }

    /// A string entry of a flat summary.json ("" if absent).
    std::string summary_string(const std::string &text, const std::string &key)
    {
      std::smatch m;
      if (std::regex_search(text, m, std::regex("\"" + key + "\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"")))
        return m[1];
      return "";
    }

    /// A number entry of a flat summary.json (-1 if absent).
    long summary_integer(const std::string &text, const std::string &key)
    {
      std::smatch m;
      if (std::regex_search(text, m, std::regex("\"" + key + "\"\\s*:\\s*([0-9]+)")))
        return std::stol(m[1]);
      return -1;
    }

    /// What of an earlier run `dir` holds: empty if nothing bmgfe writes; else its status
    /// for the error message. `live` is set if summary.json says "running" for a process that
    /// still exists on this host.
    std::string previous_run(const fs::path &dir, bool &live)
    {
      live = false;
      std::error_code ec;
      if (!fs::is_directory(dir, ec))
        return "";
      const fs::path summary = dir / "summary.json";
      if (fs::exists(fs::symlink_status(summary, ec)))
        {
          std::ifstream     in(summary);
          std::stringstream text;
          text << in.rdbuf();
          const std::string status = summary_string(text.str(), "status");
          if (status.empty())
            return "status unknown: summary.json without a status";
          if (status != "running")
            return "status " + status;
          const long        pid  = summary_integer(text.str(), "pid");
          const std::string host = summary_string(text.str(), "host");
          if (pid <= 0)
            return "status running";
          const std::string where = "status running, pid " + std::to_string(pid) + " on " +
                                    (host.empty() ? std::string("an unknown host") : host);
          if (host != host_name())
            return where + ": killed, or still running there";
          if (pid != static_cast<long>(getpid()) &&
              (kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM))
            {
              live = true;
              return where + ", a process that is still alive";
            }
          return where + ", which no longer exists: killed";
        }
      for (const auto &name : RunDirectory::output_files())
        if (fs::is_regular_file(fs::symlink_status(dir / name, ec)) && name != ".bmgfe_write_test")
          return "no summary.json, but " + name;
      for (const auto &name : RunDirectory::output_folders())
        if (fs::is_directory(dir / name, ec) && !fs::is_empty(dir / name, ec))
          return "no summary.json, but " + name + "/";
      for (const auto &entry : fs::directory_iterator(dir, ec))
        if (is_shear_band_file(entry.path().filename().string()))
          return "no summary.json, but " + entry.path().filename().string();
      return "";
    }

    /// Remove what an earlier run wrote into `dir`: the known file and folder names only
    /// (symbolic links are removed, never followed). Returns an error message or "".
    std::string remove_previous_run(const fs::path &dir)
    {
      std::error_code ec;
      if (!fs::is_directory(dir, ec))
        return "";
      std::vector<fs::path> doomed;
      for (const auto &name : RunDirectory::output_files())
        {
          const auto s = fs::symlink_status(dir / name, ec);
          if (fs::is_regular_file(s) || fs::is_symlink(s))
            doomed.push_back(dir / name);
        }
      for (const auto &name : RunDirectory::output_folders())
        if (fs::exists(fs::symlink_status(dir / name, ec)))
          doomed.push_back(dir / name);
      for (const auto &entry : fs::directory_iterator(dir, ec))
        if (is_shear_band_file(entry.path().filename().string()) &&
            fs::is_regular_file(entry.symlink_status(ec)))
          doomed.push_back(entry.path());
      for (const auto &p : doomed)
        {
          fs::remove_all(p, ec);
          if (ec)
            return "cannot remove '" + p.string() + "' of the earlier run: " + ec.message();
        }
      return "";
    }
  } // namespace

  const std::vector<std::string> &RunDirectory::output_files()
  {
    static const std::vector<std::string> names = {
      "summary.json",  "summary.json.tmp", "statistics.csv",         "log.txt",
      "parameters.prm", "parameters.json", "protocol.csv",           "fields.csv",
      "solution.pvd",  "cycles.csv",       "cycles_rings.csv",       "force_displacement.csv",
      "newton_residuals.csv", ".bmgfe_write_test"};
    return names;
  }

  const std::vector<std::string> &RunDirectory::output_folders()
  {
    static const std::vector<std::string> names = {"solution",         "profiles",  "checkpoints",
                                                   "indentation",      "band_tracking",
                                                   "section_sampling", "synchrotron_scan"};
    return names;
  }

  void RunDirectory::check_reusable(const std::string &path, const bool overwrite, const MPI_Comm comm)
  {
    std::string error;
    if (dealii::Utilities::MPI::this_mpi_process(comm) == 0)
      {
        bool              live = false;
        const std::string what = previous_run(fs::path(path), live);
        if (live)
          error = "'" + path + "' is being written by another run (" + what +
                  "); stop it or choose another directory";
        else if (!what.empty() && !overwrite)
          error = "'" + path + "' holds the results of an earlier run (" + what +
                  "); use --overwrite to replace them";
      }
    error = dealii::Utilities::MPI::broadcast(comm, error, 0);
    require(error.empty(), "entry 'Output directory'", error);
  }

  RunDirectory::RunDirectory(const std::string &path, const MPI_Comm comm, const RunInfo &info)
    : directory(path)
    , comm(comm)
  {
    if (info.restart.empty())
      check_reusable(path, info.overwrite, comm);
    else
      check_restartable(path, comm);
    std::string error;
    if (dealii::Utilities::MPI::this_mpi_process(comm) == 0)
      {
        std::error_code ec;
        if (info.overwrite)
          error = remove_previous_run(fs::path(path));
        if (error.empty())
          {
            fs::create_directories(fs::path(path) / "solution", ec);
            if (ec)
              error = ec.message();
          }
        if (error.empty())
          {
            const fs::path probe = fs::path(path) / ".bmgfe_write_test";
            {
              std::ofstream out(probe);
              out << "test\n";
              if (!out)
                error = "cannot write files there";
            }
            fs::remove(probe, ec);
          }
      }
    error = dealii::Utilities::MPI::broadcast(comm, error, 0);
    require(error.empty(), "entry 'Output directory'",
            "cannot use '" + path + "' for output: " + error);

    identity["start_time"] = json_string(iso8601_local_time(info.start));
    identity["host"]       = json_string(host_name());
    identity["pid"]        = std::to_string(getpid());
    identity["mpi_ranks"]  = std::to_string(dealii::Utilities::MPI::n_mpi_processes(comm));
    identity["command"]    = json_string(command_line_text(info.command_line));
    if (!info.restart.empty())
      identity["restarted"] = "true";
    write_summary("running", "", {});
  }

  void RunDirectory::check_restartable(const std::string &path, const MPI_Comm comm)
  {
    std::string error;
    if (dealii::Utilities::MPI::this_mpi_process(comm) == 0)
      {
        bool              live = false;
        const std::string what = previous_run(fs::path(path), live);
        std::error_code   ec;
        if (!fs::is_directory(fs::path(path), ec))
          error = "'" + path + "' is not a directory";
        else if (live)
          error = "'" + path + "' is being written by another run (" + what +
                  "); stop it before restarting";
        else if (what == "status completed")
          error = "the run in '" + path + "' has completed; there is nothing to restart";
      }
    error = dealii::Utilities::MPI::broadcast(comm, error, 0);
    require(error.empty(), "--restart", error);
  }

  void RunDirectory::check_creatable(const std::string &path, const MPI_Comm comm)
  {
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
        if (static_cast<unsigned char>(c) < 0x20)
          {
            char escaped[8];
            std::snprintf(escaped, sizeof(escaped), "\\u%04x", static_cast<unsigned int>(c));
            out += escaped;
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
    std::map<std::string, std::string> entries = identity;
    if (status != "running")
      entries["end_time"] = json_string(iso8601_local_time(std::chrono::system_clock::now()));
    for (const auto &[key, value] : values)
      entries[key] = value;
    // Written to a temporary file and renamed, so a reader never sees half a summary.
    const std::string tmp = file("summary.json.tmp");
    {
      std::ofstream out(tmp);
      out << "{\n  \"status\": " << json_string(status) << ",\n  \"message\": "
          << json_string(message);
      for (const auto &[key, value] : entries)
        out << ",\n  " << json_string(key) << ": " << value;
      out << "\n}\n";
    }
    std::error_code ec;
    std::filesystem::rename(tmp, file("summary.json"), ec);
    if (ec)
      throw RunError("cannot write " + file("summary.json") + ": " + ec.message());
  }
} // namespace bmgfe
