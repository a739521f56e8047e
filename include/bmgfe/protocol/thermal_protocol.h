#pragma once
// The thermal protocol: an ordered list of named environment segments (furnace hold,
// water quench, liquid-nitrogen bath, controlled cooling, ...), written as a sequence
// expression with repeat counts, e.g. "heat, (ln2, boiling_water)*10, rest".
// Mesh-free: it only answers "what is the environment at time t".
#include <map>
#include <string>
#include <vector>

namespace dealii
{
  class ParameterHandler;
}

namespace bmgfe
{
  /// One environment condition, applied to every Robin boundary while it lasts.
  struct ThermalSegment
  {
    std::string name;
    double      duration            = 0;   ///< s
    double      environment_start   = 293.15; ///< T_env at the start of the segment, K
    double      environment_rate    = 0;   ///< dT_env/dt, K/s (the prm takes K/min)
    double      heat_transfer_coefficient = 0; ///< h, W/m^2K
    double      emissivity          = 0;   ///< grey-body emissivity for radiation to T_env
    bool        write_output_at_end = true;
    /// Snapshot times measured from the start of the segment (every occurrence) [s].
    std::vector<double> output_times;

    double environment_temperature(double time_in_segment) const
    {
      return environment_start + environment_rate * time_in_segment;
    }
    double environment_end() const { return environment_temperature(duration); }
  };

  /// Environment seen by the boundary at one instant.
  struct EnvironmentState
  {
    double temperature               = 293.15;
    double heat_transfer_coefficient = 0;
    double emissivity                = 0;
  };

  class ThermalProtocol
  {
  public:
    /// One occurrence of a segment in the expanded sequence.
    struct Stage
    {
      std::size_t segment; ///< index into segments()
      double      start;   ///< s
      double      end;     ///< s
      unsigned int occurrence; ///< 1-based count of this segment name so far
    };

    /// Expand "a, (b, c)*3, d*2" into {a, b, c, b, c, b, c, d, d}. Throws InputError.
    static std::vector<std::string> expand_sequence(const std::string &sequence);

    /// Segment names (each once, in order of first appearance) used by a sequence.
    static std::vector<std::string> segment_names(const std::string &sequence);

    /// Declare "Thermal protocol" with one subsection per segment name.
    static void declare_parameters(dealii::ParameterHandler &prm,
                                   const std::vector<std::string> &segment_names);
    /// Read the subsection back (call after declare_parameters with the same names).
    void parse_parameters(dealii::ParameterHandler &prm);

    /// Build directly (tests and tools): segments by name and the sequence expression.
    void set(const std::vector<ThermalSegment> &segments, const std::string &sequence,
             double start_time = 0);

    const std::vector<ThermalSegment> &segments() const { return segments_; }
    const std::vector<Stage>          &stages() const { return stages_; }
    const std::string                 &sequence() const { return sequence_; }
    double start_time() const { return start_time_; }
    double end_time() const;

    /// Stage active at time t: the one with start <= t < end; t at a boundary belongs
    /// to the later stage; t >= end_time() gives the last stage.
    std::size_t stage_index(double t) const;
    /// Stage containing the step (t_old, t_new] (the one whose start is < t_new).
    std::size_t stage_index_for_step_ending_at(double t_new) const;

    EnvironmentState environment(std::size_t stage, double t) const;
    const ThermalSegment &segment_of_stage(std::size_t stage) const
    {
      return segments_[stages_[stage].segment];
    }
    /// "quench 2/10": segment name, occurrence and the count of its occurrences.
    std::string stage_label(std::size_t stage) const;

  private:
    std::vector<ThermalSegment> segments_;
    std::vector<Stage>          stages_;
    std::string                 sequence_;
    double                      start_time_ = 0;
  };

  /// Parse a duration with an optional unit: "30", "30 s", "0.5 min", "2 h". Seconds.
  double parse_duration(const std::string &text);

  /// Biot number Bi = h_eff L / k with h_eff = h + 4 eps sigma T_env^3 (linearised radiation).
  double biot_number(double h, double emissivity, double T_env, double length, double conductivity);

  constexpr double stefan_boltzmann = 5.670374419e-8; ///< W/m^2K^4
} // namespace bmgfe
