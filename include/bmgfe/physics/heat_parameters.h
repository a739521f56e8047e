#pragma once
// Parameters of the heat equation (doc/model.md §1): element, boundary conditions,
// initial state, source, solver.
#include <map>
#include <string>
#include <vector>

namespace dealii
{
  class ParameterHandler;
}

namespace bmgfe
{
  struct HeatParameters
  {
    unsigned int fe_degree = 1;
    /// "solve" the heat equation, or impose `temperature_field` (an expression of x, y, (z),
    /// t) as the temperature history (verification, imported thermal histories).
    bool        prescribed_field  = false;
    std::string temperature_field = "293.15";
    /// Boundaries exchanging heat with the protocol's environment: -k dT/dn = h s (T - T_env)
    /// + eps sigma (T^4 - T_env^4), with the per-boundary factor s on h.
    std::vector<unsigned int>       robin_ids;
    std::map<unsigned int, double>  robin_scale;
    std::vector<unsigned int>       insulated_ids;
    std::vector<unsigned int>       prescribed_ids;
    std::string prescribed_temperature = "environment"; ///< or an expression of x, y, (z), t
    std::string initial_temperature    = "293.15";      ///< expression of x, y, (z), or "initial state"
    /// 'Initial temperature = initial state': from the snapshot of the initial state.
    bool initial_temperature_from_state() const { return initial_temperature == "initial state"; }
    std::string heat_source            = "0";           ///< W/m^3, expression of x, y, (z), t

    double       linear_tolerance         = 1e-8;
    unsigned int max_linear_iterations    = 1000;
    double       nonlinear_tolerance      = 1e-6; ///< K, max-norm of the Picard update
    unsigned int max_nonlinear_iterations = 30;
    double       amg_aggregation_threshold = 0.02;
    unsigned int amg_smoother_sweeps       = 2;
    unsigned int initial_guess_history     = 12; ///< earlier solutions spanning CG's start
    double       gamg_threshold            = 0.0;

    double robin_factor(unsigned int id) const
    {
      const auto it = robin_scale.find(id);
      return it == robin_scale.end() ? 1.0 : it->second;
    }

    static void declare_parameters(dealii::ParameterHandler &prm);
    void        parse_parameters(dealii::ParameterHandler &prm);
  };
} // namespace bmgfe
