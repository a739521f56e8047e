#pragma once
// Where and when results are written.
#include <string>
#include <vector>

namespace dealii
{
  class ParameterHandler;
}

namespace bmgfe
{
  struct OutputParameters
  {
    std::string  directory = "output";
    unsigned int interval_steps = 0;   ///< 0: off
    double       interval_time  = 0;   ///< s, 0: off
    /// 'Output times': further snapshot times [s], sorted (hit exactly by the time stepping).
    std::vector<double> times;
    unsigned int n_groups       = 1;   ///< .vtu files per snapshot (0: one per rank)
    unsigned int subdivisions   = 0;   ///< patches per cell; 0: the element degree
    bool         write_vtu      = true;
    double       statistics_flush_seconds = 2; ///< rewrite statistics at most this often
    /// Checkpoint/...: a restart checkpoint at every multiple of this simulated time after
    /// the start, and after this much wall time since the last one [s] (0: off; a signal
    /// always writes one); this many of them are kept (doc/checkpoints.md).
    double       checkpoint_interval_time      = 0;
    double       checkpoint_interval_wall_time = 0;
    unsigned int checkpoints_kept              = 2;

    static void declare_parameters(dealii::ParameterHandler &prm);
    void        parse_parameters(dealii::ParameterHandler &prm);
  };
} // namespace bmgfe
