#include <bmgfe/postprocess/time_schedule.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

namespace bmgfe
{
  namespace postprocess
  {
    void TimeSchedule::set(const std::vector<double> &all, const double run_start, const double run_end)
    {
      start = run_start;
      end   = run_end;
      next  = 0;
      times.clear();
      ignored.clear();
      for (const double t : all)
        if (t < start - 1e-12 * std::max(1.0, std::abs(start)) || t > end + 1e-12 * std::max(1.0, std::abs(end)))
          {
            std::ostringstream note;
            note << t;
            ignored.push_back(note.str());
          }
        else
          times.push_back(t);
    }

    double TimeSchedule::next_after(const double t) const
    {
      for (std::size_t i = next; i < times.size(); ++i)
        if (times[i] > t + 1e-12 * std::max(1.0, std::abs(t)))
          return times[i];
      return std::numeric_limits<double>::infinity();
    }

    bool TimeSchedule::due(const double time) const
    {
      return next < times.size() && times[next] <= time + 1e-9 * std::max(1.0, std::abs(time));
    }

    void TimeSchedule::advance(const double time)
    {
      while (due(time))
        ++next;
    }

    void TimeSchedule::report_ignored(std::ostream &out, const std::string &entry) const
    {
      if (ignored.empty())
        return;
      out << "Warning: '" << entry << "' outside the run (" << start << " - " << end << " s) are ignored:";
      for (const auto &t : ignored)
        out << ' ' << t;
      out << '\n';
    }
  } // namespace postprocess
} // namespace bmgfe
