#include <bmgfe/io/checkpoint_state.h>
#include <bmgfe/postprocess/statistics_table.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace bmgfe
{
  namespace postprocess
  {
    void StatisticsRow::add(const std::string &column, const double value)
    {
      std::ostringstream text;
      if (std::isfinite(value))
        {
          text.precision(15);
          text << value;
        }
      else
        text << "nan";
      table.set(column, text.str());
    }

    void StatisticsRow::add_integer(const std::string &column, const long long value)
    {
      table.set(column, std::to_string(value));
    }

    StatisticsRow StatisticsTable::new_row()
    {
      rows.emplace_back();
      return StatisticsRow(*this);
    }

    void StatisticsTable::set(const std::string &column, const std::string &text)
    {
      if (rows.empty())
        throw std::logic_error("StatisticsTable::set before new_row()");
      if (column.find_first_of(", \t\n\"") != std::string::npos)
        throw std::logic_error("statistics column name '" + column + "' is not a plain name");
      const auto   it    = std::find(names.begin(), names.end(), column);
      const std::size_t index = it - names.begin();
      if (it == names.end())
        names.push_back(column);
      auto &row = rows.back();
      for (auto &cell : row)
        if (cell.first == index)
          throw std::logic_error("statistics column '" + column + "' set twice in one row");
      row.emplace_back(index, text);
    }

    std::string StatisticsTable::save_state() const
    {
      return pack_state(names, rows);
    }

    void StatisticsTable::load_state(const std::string &bytes)
    {
      unpack_state(bytes, names, rows);
    }

    std::string StatisticsTable::text(const std::size_t row, const std::string &column) const
    {
      const auto it = std::find(names.begin(), names.end(), column);
      if (it == names.end())
        return "";
      for (const auto &cell : rows.at(row))
        if (cell.first == static_cast<std::size_t>(it - names.begin()))
          return cell.second;
      return "";
    }

    bool StatisticsTable::write_csv(const std::string &file) const
    {
      const std::string tmp = file + ".tmp";
      {
        std::ofstream out(tmp);
        if (!out)
          return false;
        for (std::size_t c = 0; c < names.size(); ++c)
          out << (c ? "," : "") << names[c];
        out << '\n';
        std::vector<const std::string *> cells(names.size());
        for (const auto &row : rows)
          {
            std::fill(cells.begin(), cells.end(), nullptr);
            for (const auto &cell : row)
              cells[cell.first] = &cell.second;
            for (std::size_t c = 0; c < names.size(); ++c)
              {
                if (c)
                  out << ',';
                if (cells[c])
                  out << *cells[c];
              }
            out << '\n';
          }
        out.flush();
        if (!out)
          {
            std::remove(tmp.c_str());
            return false;
          }
      }
      return std::rename(tmp.c_str(), file.c_str()) == 0;
    }
  } // namespace postprocess
} // namespace bmgfe
