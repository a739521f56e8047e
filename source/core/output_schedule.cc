#include <bmgfe/core/output_schedule.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

namespace bmgfe
{
  OutputSchedule::OutputSchedule(const OutputParameters &output, const ThermalProtocol &protocol)
    : interval_steps(output.interval_steps)
    , interval_time(output.interval_time)
    , start(protocol.start_time())
  {
    const double end = protocol.end_time();
    const auto   text = [](const double t) {
      std::ostringstream s;
      s << t;
      return s.str();
    };
    for (const double t : output.times)
      if (t < start - tolerance(start) || t > end + tolerance(end))
        ignored.push_back("Output/Output times: " + text(t) + " s (the run is " + text(start) +
                          " - " + text(end) + " s)");
      else if (t > start + tolerance(start))
        times.push_back(t); // the start has its snapshot anyway
    for (std::size_t i = 0; i < protocol.stages().size(); ++i)
      {
        const auto &stage   = protocol.stages()[i];
        const auto &segment = protocol.segment_of_stage(i);
        for (const double relative : segment.output_times)
          {
            const double t = stage.start + relative;
            if (relative < 0 || t > stage.end + tolerance(stage.end))
              {
                // Report a segment's time once, not in every occurrence.
                if (stage.occurrence == 1)
                  ignored.push_back("Thermal protocol/" + segment.name + "/Output times: " +
                                    text(relative) + " s (the segment lasts " +
                                    text(segment.duration) + " s)");
              }
            else if (t > start + tolerance(start))
              times.push_back(t);
          }
      }
    std::sort(times.begin(), times.end());
    times.erase(std::unique(times.begin(), times.end(),
                            [&](const double a, const double b) { return std::abs(a - b) <= tolerance(a); }),
                times.end());
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
