#pragma once
// Time integration helpers that need no mesh: variable-step BDF2 coefficients and the
// adaptive step-size controller (bounded by a maximum temperature change per step).
namespace dealii
{
  class ParameterHandler;
}

namespace bmgfe
{
  /// dT/dt at t_{n+1} ~ (a0 T^{n+1} + a1 T^n + a2 T^{n-1}) / dt_n.
  struct BDFCoefficients
  {
    double a0 = 1, a1 = -1, a2 = 0;
  };

  /// Implicit Euler when `first_order` (first step, after a protocol switch or a
  /// restart), else variable-step BDF2 with ratio omega = dt / dt_old.
  BDFCoefficients bdf_coefficients(double dt, double dt_old, bool first_order);

  struct TimeSteppingParameters
  {
    enum class Scheme
    {
      bdf2,
      implicit_euler
    };
    Scheme scheme                  = Scheme::bdf2;
    bool   adaptive                = true;
    double initial_time_step       = 1e-3; ///< s, also the first step after a protocol switch
    double minimum_time_step       = 1e-6; ///< s
    double maximum_time_step       = 60;   ///< s
    double maximum_temperature_change = 5; ///< K per step
    /// BDF2 is zero-stable for step ratios below 1 + sqrt(2); growth is capped below that.
    double maximum_growth = 2.0;
    /// Steps are only enlarged when the controller asks for at least this factor, so
    /// the system matrix and the AMG hierarchy can be reused over runs of equal steps.
    double growth_threshold = 1.25;
    unsigned int maximum_steps = 10000000;

    static void declare_parameters(dealii::ParameterHandler &prm);
    void        parse_parameters(dealii::ParameterHandler &prm);
  };

  /// Decides whether a step is accepted and how large the next one is.
  class TimeStepController
  {
  public:
    explicit TimeStepController(const TimeSteppingParameters &p)
      : prm(p)
    {}

    /// A step whose largest nodal temperature change exceeds the bound by more than
    /// 25 % is rejected, unless it already is at the minimum step.
    bool accept(double dt, double max_temperature_change) const;

    /// Step to try after a step of size dt that changed T by at most dT (accepted or not).
    double next(double dt, double max_temperature_change, bool accepted) const;

  private:
    const TimeSteppingParameters &prm;
  };
} // namespace bmgfe
