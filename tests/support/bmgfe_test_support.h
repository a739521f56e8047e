#pragma once
// Helpers for tests that run the bmgfe executable and read what it wrote.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <sys/wait.h>
#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace bmgfe_test
{
  struct RunResult
  {
    int         exit_code = -1;
    std::string output; ///< stdout and stderr together
  };

  inline std::string quote(const std::string &s)
  {
    std::string q = "'";
    for (const char c : s)
      q += (c == '\'') ? std::string("'\\''") : std::string(1, c);
    return q + "'";
  }

  /// The arguments of a run of `prm_file` with "Section/Entry=value" overrides into the fresh
  /// output directory `out` (removed first, so nothing of an earlier run is read back).
  inline std::vector<std::string> fresh_run_arguments(const std::string &prm_file,
                                                      const std::vector<std::string> &sets,
                                                      const std::string &out)
  {
    std::filesystem::remove_all(out);
    std::vector<std::string> args = {prm_file};
    for (const auto &s : sets)
      {
        args.push_back("--set");
        args.push_back(s);
      }
    args.push_back("--set");
    args.push_back("Output directory=" + out);
    return args;
  }

  /// Run `bmgfe <args>` (on `ranks` MPI ranks if > 0) and capture its output.
  inline RunResult run_bmgfe(const std::vector<std::string> &args, const unsigned int ranks = 0)
  {
    std::string cmd;
    if (ranks > 0)
      cmd = std::string(BMGFE_MPIEXEC) + " --oversubscribe -np " + std::to_string(ranks) + " ";
    cmd += BMGFE_EXECUTABLE;
    for (const auto &a : args)
      cmd += " " + quote(a);
    // Unique per process and call: tests of one folder may run concurrently (ctest -j).
    static unsigned int counter = 0;
    const std::string   log     = "bmgfe_test_run_" + std::to_string(getpid()) + "_" +
                            std::to_string(counter++) + ".log";
    cmd += " > " + log + " 2>&1";
    RunResult r;
    const int status = std::system(cmd.c_str());
    r.exit_code      = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream     in(log);
    std::stringstream ss;
    ss << in.rdbuf();
    r.output = ss.str();
    std::remove(log.c_str());
    return r;
  }

  /// A statistics.csv file: one header row of column names ("time_s", ...), then one row of
  /// comma-separated values per step (an empty cell: the step has no value there).
  class Statistics
  {
  public:
    explicit Statistics(const std::string &file)
    {
      std::ifstream in(file);
      if (!in)
        throw std::runtime_error("cannot open " + file);
      std::string line;
      while (std::getline(in, line))
        {
          if (line.empty())
            continue;
          std::vector<std::string> cells;
          std::stringstream        ls(line);
          std::string              cell;
          while (std::getline(ls, cell, ','))
            cells.push_back(cell);
          if (line.back() == ',')
            cells.emplace_back();
          if (names.empty())
            names = cells;
          else
            rows.push_back(cells);
        }
      if (names.empty())
        throw std::runtime_error("no header row in " + file);
    }

    std::size_t n_rows() const { return rows.size(); }
    bool        has(const std::string &column) const { return index_or_npos(column) != npos; }

    /// The cell's text ("" when the row has no value in that column).
    std::string text(const std::string &column, std::size_t row) const
    {
      const auto &r = rows.at(row);
      const auto  i = index(column);
      return i < r.size() ? r[i] : std::string();
    }
    /// The cell's number (NaN when empty).
    double value(const std::string &column, std::size_t row) const
    {
      const std::string t = text(column, row);
      return t.empty() ? std::nan("") : std::stod(t);
    }
    std::vector<double> column(const std::string &column) const
    {
      std::vector<double> v;
      for (std::size_t r = 0; r < rows.size(); ++r)
        v.push_back(value(column, r));
      return v;
    }
    /// Row whose "time_s" is closest to t.
    std::size_t row_at_time(double t) const
    {
      std::size_t best = 0;
      for (std::size_t r = 1; r < rows.size(); ++r)
        if (std::abs(value("time_s", r) - t) < std::abs(value("time_s", best) - t))
          best = r;
      return best;
    }
    const std::vector<std::string> &columns() const { return names; }

  private:
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);
    std::size_t index_or_npos(const std::string &column) const
    {
      for (std::size_t i = 0; i < names.size(); ++i)
        if (names[i] == column)
          return i;
      return npos;
    }
    std::size_t index(const std::string &column) const
    {
      const auto i = index_or_npos(column);
      if (i == npos)
        throw std::runtime_error("no statistics column '" + column + "'");
      return i;
    }
    std::vector<std::string>              names;
    std::vector<std::vector<std::string>> rows;
  };

  /// A CSV output of bmgfe (force_displacement.csv, shear_bands-*.csv, profiles/rings_*.csv):
  /// '#' comment lines, one header row, then rows of comma-separated cells (numbers or text).
  class CsvTable
  {
  public:
    explicit CsvTable(const std::string &file)
      : file(file)
    {
      std::ifstream in(file);
      if (!in)
        throw std::runtime_error("cannot open " + file);
      std::string line;
      while (std::getline(in, line))
        {
          if (line.empty() || line[0] == '#')
            continue;
          std::vector<std::string> cells;
          std::stringstream        ls(line);
          std::string              cell;
          while (std::getline(ls, cell, ','))
            cells.push_back(cell);
          if (names.empty())
            names = cells;
          else
            rows.push_back(cells);
        }
      if (names.empty())
        throw std::runtime_error("no header row in " + file);
    }

    const std::vector<std::string> &header() const { return names; }
    std::size_t                     n_rows() const { return rows.size(); }
    const std::vector<std::string> &row(const std::size_t r) const { return rows.at(r); }
    std::size_t                     index(const std::string &column) const
    {
      const auto it = std::find(names.begin(), names.end(), column);
      if (it == names.end())
        throw std::runtime_error("no column '" + column + "' in " + file);
      return it - names.begin();
    }
    const std::string &text(const std::string &column, const std::size_t r) const
    {
      return rows.at(r).at(index(column));
    }
    double value(const std::string &column, const std::size_t r) const
    {
      return std::stod(text(column, r));
    }

  private:
    std::string                           file;
    std::vector<std::string>              names;
    std::vector<std::vector<std::string>> rows;
  };

  /// The snapshot (relative to the output directory `out`) written at a statistics row, "-"
  /// when none: the "snapshot" column is the index of the record in solution.pvd (-1: none).
  inline std::string snapshot_file(const std::string &out, const Statistics &stats, std::size_t row)
  {
    const double index = stats.value("snapshot", row);
    if (!(index >= 0))
      return "-";
    std::ifstream     in(out + "/solution.pvd");
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    std::size_t       at   = 0;
    for (long i = 0;; ++i)
      {
        at = text.find("file=\"", at);
        if (at == std::string::npos)
          throw std::runtime_error("solution.pvd in " + out + " has no record " +
                                   std::to_string(static_cast<long>(index)));
        at += 6;
        if (i == static_cast<long>(index))
          return text.substr(at, text.find('"', at) - at);
      }
  }

  /// The segment name of a protocol stage (protocol.csv of the output directory `out`).
  inline std::string segment_of_stage(const std::string &out, const double stage)
  {
    const CsvTable protocol(out + "/protocol.csv");
    return protocol.text("segment", static_cast<std::size_t>(stage));
  }

  inline std::string read_file(const std::string &file)
  {
    std::ifstream     in(file);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
} // namespace bmgfe_test
