#pragma once
// The times at which a postprocessor writes its files (Statistics/Profile times, Postprocess/
// Virtual indentation/Times): the parsed list less the times outside the run (kept for a
// warning in the start-up report), the next time a step must end at, and whether a step is due.
#include <cstddef>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace bmgfe
{
  namespace postprocess
  {
    class TimeSchedule
    {
    public:
      /// Keep the sorted `times` within [start, end] (to 1e-12 relative); remember the others.
      void set(const std::vector<double> &times, double start, double end);

      std::size_t size() const { return times.size(); }
      /// The earliest time > t not yet passed (+inf: none).
      double next_after(double t) const;
      /// Whether the step ending at `time` reaches the next time (to 1e-9 relative).
      bool due(double time) const;
      /// Pass every time the step ending at `time` reaches.
      void advance(double time);
      /// "Warning: '<entry>' outside the run (start - end s) are ignored: ..." when any were.
      void report_ignored(std::ostream &out, const std::string &entry) const;

      /// Checkpoints: how many times are passed (the times themselves come from the
      /// parameters); a count beyond them is refused on loading.
      template <class Archive>
      void serialize(Archive &archive, const unsigned int)
      {
        archive &next;
        if (next > times.size())
          throw std::runtime_error("the checkpoint passed more times than the schedule has");
      }

    private:
      std::vector<double>      times;
      std::vector<std::string> ignored;
      double                   start = 0, end = 0;
      std::size_t              next  = 0;
    };
  } // namespace postprocess
} // namespace bmgfe
