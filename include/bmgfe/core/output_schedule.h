#pragma once
// When snapshots are written (Output/...): at the start; every 'Interval in steps' steps; at
// every multiple of 'Interval in time' after the start, at every 'Output/Output times' entry and
// at the 'Output times' of the protocol segments (relative to each occurrence's start), all hit
// exactly (the time loop shortens the step to land on them); at the end of every protocol
// segment that asks for it; at the end of the run. Times outside the run (or past the end of
// their segment) are dropped and reported.
#include <bmgfe/io/output_parameters.h>
#include <bmgfe/protocol/thermal_protocol.h>

#include <string>
#include <utility>
#include <vector>

namespace bmgfe
{
  class OutputSchedule
  {
  public:
    OutputSchedule(const OutputParameters &output, const ThermalProtocol &protocol);

    /// The earliest snapshot time > t that the time stepping must land on (+inf: none).
    double next_landing_time(double t) const;
    /// Whether the accepted step `step` ending at t writes a snapshot (`stage_end`: the step ends
    /// a protocol stage that asks for output; `final`: the last step). Call once per step, in
    /// order: it advances past the times reached.
    bool is_output_step(unsigned int step, double t, bool stage_end, bool final);
    /// The requested times that are ignored, each with the reason (for the start-up report).
    const std::vector<std::string> &ignored_times() const { return ignored; }
    /// Every absolute snapshot time from the 'Output times' entries (sorted).
    const std::vector<double> &requested_times() const { return times; }

    /// Checkpoints: where the schedule stands (the next 'Output times' entry and the next
    /// multiple of the interval), and back.
    std::pair<std::size_t, double> position() const { return {next_time, next_multiple}; }
    void set_position(const std::pair<std::size_t, double> &p) { next_time = p.first, next_multiple = p.second; }

  private:
    double tolerance(double t) const;

    unsigned int        interval_steps;
    double              interval_time, start;
    std::vector<double>      times;
    std::vector<std::string> ignored;
    std::size_t         next_time     = 0;
    double              next_multiple = 0; ///< next multiple of interval_time not yet reached
  };
} // namespace bmgfe
