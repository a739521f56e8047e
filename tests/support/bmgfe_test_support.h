#pragma once
// Helpers for tests that run the bmgfe executable and read what it wrote.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <sys/wait.h>
#include <unistd.h>
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

  /// A statistics.txt file: columns by their description ("Time (s)", ...).
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
          if (line[0] == '#')
            {
              const auto colon = line.find(':');
              names.push_back(line.substr(colon + 2));
              continue;
            }
          std::istringstream       ls(line);
          std::vector<std::string> row;
          std::string              cell;
          while (ls >> cell)
            row.push_back(cell);
          rows.push_back(row);
        }
    }

    std::size_t n_rows() const { return rows.size(); }
    bool        has(const std::string &column) const { return index_or_npos(column) != npos; }

    const std::string &text(const std::string &column, std::size_t row) const
    {
      return rows.at(row).at(index(column));
    }
    double value(const std::string &column, std::size_t row) const
    {
      return std::stod(text(column, row));
    }
    std::vector<double> column(const std::string &column) const
    {
      std::vector<double> v;
      for (std::size_t r = 0; r < rows.size(); ++r)
        v.push_back(value(column, r));
      return v;
    }
    /// Row whose "Time (s)" is closest to t.
    std::size_t row_at_time(double t) const
    {
      std::size_t best = 0;
      for (std::size_t r = 1; r < rows.size(); ++r)
        if (std::abs(value("Time (s)", r) - t) < std::abs(value("Time (s)", best) - t))
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

  inline std::string read_file(const std::string &file)
  {
    std::ifstream     in(file);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
} // namespace bmgfe_test
