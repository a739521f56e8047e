#pragma once
// statistics.csv: one row per time step, one named header row, comma-separated numbers (a
// column a step does not fill is left empty, which numpy.genfromtxt reads as nan). Column names
// follow the naming scheme of quantities.h (units as the last token), so
//   numpy.genfromtxt("statistics.csv", delimiter=",", names=True)
// gives e.g. data["time_s"] and data["temperature_at_centre_K"]. Columns appear in the order in
// which they were first added; rows are kept in memory and the file is rewritten (atomically, by
// rank 0) when flushed.
#include <string>
#include <utility>
#include <vector>

namespace bmgfe
{
  namespace postprocess
  {
    class StatisticsTable;

    /// The row of the current step: what postprocessors add to.
    class StatisticsRow
    {
    public:
      explicit StatisticsRow(StatisticsTable &table)
        : table(table)
      {}
      /// A real number (written with 15 significant digits).
      void add(const std::string &column, double value);
      /// A count.
      void add_integer(const std::string &column, long long value);

    private:
      StatisticsTable &table;
    };

    class StatisticsTable
    {
    public:
      /// Start a new row (the previous one is complete).
      StatisticsRow new_row();
      void set(const std::string &column, const std::string &text);
      /// Write the whole table to `file` (through file.tmp and a rename, so that a reader never
      /// sees a half-written table). Returns false when the file could not be written.
      bool write_csv(const std::string &file) const;
      const std::vector<std::string> &columns() const { return names; }
      std::size_t                     n_rows() const { return rows.size(); }
      /// The text of a cell ("" when the row has no value in that column).
      std::string text(std::size_t row, const std::string &column) const;

      /// Checkpoints: the whole table as bytes, and back.
      std::string save_state() const;
      void        load_state(const std::string &bytes);

    private:
      std::vector<std::string>                                       names;
      std::vector<std::vector<std::pair<std::size_t, std::string>>> rows;
    };
  } // namespace postprocess
} // namespace bmgfe
