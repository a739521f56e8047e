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

    static void declare_parameters(dealii::ParameterHandler &prm);
    void        parse_parameters(dealii::ParameterHandler &prm);
  };
} // namespace bmgfe
