#include <bmgfe/core/output_schedule.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace bmgfe
{
  OutputSchedule::OutputSchedule(const OutputParameters &output, const double start_time,
                                 const double end_time)
    : interval_steps(output.interval_steps)
    , interval_time(output.interval_time)
    , start(start_time)
  {
    for (const double t : output.times)
      if (t < start_time - tolerance(start_time) || t > end_time + tolerance(end_time))
        ignored.push_back(t);
      else if (t > start_time + tolerance(start_time))
        times.push_back(t); // the start has its snapshot anyway
    next_multiple = interval_time > 0 ? start + interval_time : std::numeric_limits<double>::infinity();
  }

  double OutputSchedule::tolerance(const double t) const
  {
    return 1e-12 * std::max(1.0, std::abs(t));
  }

  double OutputSchedule::next_landing_time(const double t) const
  {
    double next = std::numeric_limits<double>::infinity();
    if (interval_time > 0)
      {
        // The first multiple after t (the stored one may be behind when a step was longer).
        double m = next_multiple;
        while (m <= t + tolerance(t))
          m += interval_time;
        next = m;
      }
    for (std::size_t i = next_time; i < times.size(); ++i)
      if (times[i] > t + tolerance(t))
        {
          next = std::min(next, times[i]);
          break;
        }
    return next;
  }

  bool OutputSchedule::is_output_step(const unsigned int step, const double t, const bool stage_end,
                                      const bool final)
  {
    bool output = step == 0 || stage_end || final;
    if (interval_steps > 0 && step % interval_steps == 0)
      output = true;
    if (interval_time > 0 && t >= next_multiple - tolerance(t))
      {
        output = true;
        while (next_multiple <= t + tolerance(t))
          next_multiple += interval_time;
      }
    while (next_time < times.size() && times[next_time] <= t + tolerance(t))
      {
        output = true;
        ++next_time;
      }
    return output;
  }
} // namespace bmgfe
