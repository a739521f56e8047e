#include <bmgfe/base/input_error.h>
#include <bmgfe/physics/time_stepping.h>

#include <deal.II/base/parameter_handler.h>

#include <algorithm>
#include <cmath>

namespace bmgfe
{
  BDFCoefficients bdf_coefficients(const double dt, const double dt_old, const bool first_order)
  {
    BDFCoefficients c;
    if (first_order || dt_old <= 0)
      return c;
    const double w = dt / dt_old;
    c.a0           = (1 + 2 * w) / (1 + w);
    c.a1           = -(1 + w);
    c.a2           = w * w / (1 + w);
    return c;
  }

  void TimeSteppingParameters::declare_parameters(dealii::ParameterHandler &prm)
  {
    using namespace dealii::Patterns;
    prm.enter_subsection("Time stepping");
    prm.declare_entry("Scheme", "BDF2", Selection("BDF2|implicit Euler"),
                      "Time integrator of the heat equation. BDF2 (second order, variable "
                      "step; the first step and the first step after every protocol switch "
                      "are implicit Euler) or implicit Euler throughout.");
    prm.declare_entry("Adaptive", "true", Bool(),
                      "Adapt the step so that no nodal temperature changes by more than "
                      "'Maximum temperature change' per step. If false, every step is "
                      "'Initial time step' (still shortened to end exactly on protocol switches "
                      "and output times).");
    prm.declare_entry("Initial time step", "1e-3", Double(0),
                      "First step, and first step after each protocol switch [s]. With "
                      "'Adaptive = false' the protocol's duration divided by it must not exceed "
                      "'Maximum number of steps'.");
    prm.declare_entry("Minimum time step", "1e-6", Double(0),
                      "Smallest step the controller may choose [s], at least 1e-12 of the "
                      "protocol's duration; a step at this size is accepted even if it exceeds "
                      "the temperature-change bound (a warning is printed).");
    prm.declare_entry("Maximum time step", "60", Double(0), "Largest step [s].");
    prm.declare_entry("Maximum temperature change", "5", Double(0),
                      "Bound on the largest nodal temperature change per step [K].");
    prm.declare_entry("Maximum number of steps", "10000000", Integer(1),
                      "The run stops with an error after this many steps, or as soon as the "
                      "step has stopped growing over the last 200 steps at a size with which the "
                      "rest of the protocol would need more steps (the progress guard).");
    prm.leave_subsection();
  }

  void TimeSteppingParameters::parse_parameters(dealii::ParameterHandler &prm)
  {
    prm.enter_subsection("Time stepping");
    scheme            = prm.get("Scheme") == "BDF2" ? Scheme::bdf2 : Scheme::implicit_euler;
    adaptive          = prm.get_bool("Adaptive");
    initial_time_step = prm.get_double("Initial time step");
    minimum_time_step = prm.get_double("Minimum time step");
    maximum_time_step = prm.get_double("Maximum time step");
    maximum_temperature_change = prm.get_double("Maximum temperature change");
    maximum_steps     = prm.get_integer("Maximum number of steps");
    prm.leave_subsection();
    require(initial_time_step > 0, "entry 'Time stepping/Initial time step'", "must be positive");
    require(minimum_time_step > 0, "entry 'Time stepping/Minimum time step'", "must be positive");
    require(maximum_time_step >= minimum_time_step, "entry 'Time stepping/Maximum time step'",
            "must not be smaller than 'Minimum time step'");
    require(!adaptive || (initial_time_step >= minimum_time_step &&
                          initial_time_step <= maximum_time_step),
            "entry 'Time stepping/Initial time step'",
            "must lie between 'Minimum time step' and 'Maximum time step'");
    require(maximum_temperature_change > 0, "entry 'Time stepping/Maximum temperature change'",
            "must be positive");
  }

  bool TimeStepController::accept(const double dt, const double dT) const
  {
    if (!prm.adaptive)
      return true;
    return dT <= 1.25 * prm.maximum_temperature_change || dt <= prm.minimum_time_step * (1 + 1e-12);
  }

  double TimeStepController::next(const double dt, const double dT, const bool accepted) const
  {
    if (!prm.adaptive)
      return prm.initial_time_step;
    const double safety = 0.9;
    double factor = (dT > 0) ? safety * prm.maximum_temperature_change / dT : prm.maximum_growth;
    if (!accepted)
      factor = std::min(factor, 0.9);
    factor = std::clamp(factor, 0.2, prm.maximum_growth);
    if (accepted && factor >= 1 && factor < prm.growth_threshold)
      factor = 1; // keep the step (and with it the matrix and preconditioner)
    return std::clamp(dt * factor, prm.minimum_time_step, prm.maximum_time_step);
  }
} // namespace bmgfe
