#pragma once
// The run log: what the simulator prints on rank 0 goes to stdout and to OUTPUT/log.txt.
// The start-up summary is printed before the output directory exists, so text written
// before attach() is kept and written to the file first.
#include <chrono>
#include <fstream>
#include <iostream>
#include <ostream>
#include <string>
#include <vector>

namespace bmgfe
{
  /// How this run was started: for the header of log.txt (write_log_header()).
  struct RunInfo
  {
    RunInfo() = default;
    /// The command line of main(); the start time is now.
    RunInfo(int argc, const char *const *argv);

    std::vector<std::string>              command_line; ///< argv, the program first
    std::chrono::system_clock::time_point start = std::chrono::system_clock::now();
    /// --overwrite: the run may replace the results of an earlier run in its output
    /// directory (io/run_directory.h); without it such a directory is refused.
    bool overwrite = false;
    /// --restart OUTPUT: continue the run in OUTPUT from its newest whole checkpoint
    /// (doc/checkpoints.md); empty: a new run.
    std::string restart;
  };

  /// A std::ostream that writes to `console` and, once attach() has named a file, also to
  /// that file. What was written before attach() goes to the file first. An inactive log
  /// (the other MPI ranks) writes nothing anywhere and attach() opens nothing.
  class RunLog : public std::ostream
  {
  public:
    explicit RunLog(std::ostream &console = std::cout, bool active = true);
    ~RunLog() override;

    /// Open `file` (truncated; appended to with `append`, as a restarted run continues its
    /// log), write `header`, then everything written so far; from now on everything goes to
    /// both. Throws InputError if the file cannot be written.
    void attach(const std::string &file, const std::string &header = "", bool append = false);
    bool attached() const;

  private:
    class Buffer : public std::streambuf
    {
    public:
      Buffer(std::ostream &console, bool active);
      std::ostream   *console;
      bool            active;
      std::string     pending;  ///< written before attach()
      std::ofstream   file;

    protected:
      int_type        overflow(int_type c) override;
      std::streamsize xsputn(const char *s, std::streamsize n) override;
      int             sync() override;
    };
    Buffer buffer;
  };

  /// "2024-05-01T14:03:07+02:00": ISO 8601 local time with its offset from UTC.
  std::string iso8601_local_time(std::chrono::system_clock::time_point t);

  /// The command line as one shell-quoted string (an argument with spaces or quotes in
  /// single quotes), so that it can be run again by copying it.
  std::string command_line_text(const std::vector<std::string> &command_line);

  /// The head of log.txt: version, command line, start date and time, host name, number of
  /// MPI ranks, working directory; one "  key : value" line each.
  std::string log_header(const RunInfo &info, unsigned int n_mpi_ranks);

  /// This machine's host name ("unknown" if it cannot be found).
  std::string host_name();
} // namespace bmgfe
