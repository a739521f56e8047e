#include <bmgfe/base/input_error.h>
#include <bmgfe/base/version.h>
#include <bmgfe/io/run_log.h>

#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <sstream>

namespace bmgfe
{
  RunInfo::RunInfo(const int argc, const char *const *argv)
    : command_line(argv, argv + argc)
  {}

  RunLog::Buffer::Buffer(std::ostream &console, const bool active)
    : console(&console)
    , active(active)
  {}

  RunLog::Buffer::int_type RunLog::Buffer::overflow(const int_type c)
  {
    if (traits_type::eq_int_type(c, traits_type::eof()))
      return traits_type::not_eof(c);
    const char ch = traits_type::to_char_type(c);
    xsputn(&ch, 1);
    return c;
  }

  std::streamsize RunLog::Buffer::xsputn(const char *s, const std::streamsize n)
  {
    if (!active)
      return n;
    console->write(s, n);
    if (file.is_open())
      file.write(s, n);
    else
      pending.append(s, static_cast<std::size_t>(n));
    return n;
  }

  int RunLog::Buffer::sync()
  {
    if (active)
      {
        console->flush();
        if (file.is_open())
          file.flush();
      }
    return 0;
  }

  RunLog::RunLog(std::ostream &console, const bool active)
    : std::ostream(nullptr)
    , buffer(console, active)
  {
    // The buffer is a member, constructed after the std::ostream base: attach it now.
    rdbuf(&buffer);
  }

  RunLog::~RunLog()
  {
    flush();
  }

  void RunLog::attach(const std::string &file, const std::string &header, const bool append)
  {
    if (!buffer.active)
      return;
    flush();
    buffer.file.close();
    buffer.file.open(file, std::ios::out | (append ? std::ios::app : std::ios::trunc));
    buffer.file << header << buffer.pending << std::flush;
    require(static_cast<bool>(buffer.file), "", "cannot write the run log '" + file + "'");
    buffer.pending.clear();
  }

  bool RunLog::attached() const
  {
    return buffer.file.is_open();
  }

  std::string iso8601_local_time(const std::chrono::system_clock::time_point t)
  {
    const std::time_t time = std::chrono::system_clock::to_time_t(t);
    std::tm           local{};
    localtime_r(&time, &local);
    char text[64];
    std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S%z", &local);
    // strftime gives the offset as +hhmm; ISO 8601's extended format wants +hh:mm.
    std::string s = text;
    if (s.size() >= 5)
      s.insert(s.size() - 2, ":");
    return s;
  }

  std::string command_line_text(const std::vector<std::string> &command_line)
  {
    std::string text;
    for (const auto &argument : command_line)
      {
        const bool plain =
          !argument.empty() &&
          argument.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                     "0123456789_./=:,+-@%") == std::string::npos;
        std::string quoted = "'";
        for (const char c : argument)
          quoted += (c == '\'') ? std::string("'\\''") : std::string(1, c);
        text += (text.empty() ? "" : " ") + (plain ? argument : quoted + "'");
      }
    return text;
  }

  std::string host_name()
  {
    char host[256] = {};
    if (gethostname(host, sizeof(host) - 1) != 0)
      host[0] = '\0';
    return host[0] != '\0' ? std::string(host) : std::string("unknown");
  }

  std::string log_header(const RunInfo &info, const unsigned int n_mpi_ranks)
  {
    std::error_code   ec;
    const std::string directory = std::filesystem::current_path(ec).string();
    std::ostringstream out;
    out << "bmgfe run log\n"
        << "  version      : " << version_string() << '\n'
        << "  command      : " << command_line_text(info.command_line) << '\n'
        << "  started      : " << iso8601_local_time(info.start) << '\n'
        << "  host         : " << host_name() << '\n'
        << "  MPI ranks    : " << n_mpi_ranks << '\n'
        << "  directory    : " << (ec ? std::string("unknown") : directory) << "\n\n";
    return out.str();
  }
} // namespace bmgfe
