#pragma once
// Plastic dissipation as the heat source (doc/model.md §4, Taylor-Quinney): the homogeneous rod of
// rod_compression.prm with the temperature solved (not prescribed) and every boundary
// insulated. The plastic power and hence the temperature are uniform, so the heat content is
// rho c_p (T - T0) V with V = pi R^2 L and T from the minimal/maximal temperature columns; the
// plastic work of step n ('Plastic work of the step (J)') heats the glass in step n + 1, so
// after N steps the heat content is beta_TQ times the work of steps 1..N-1.
#include "plasticity_common.h"

namespace plasticity
{
  struct HeatBalance
  {
    double heat        = 0; ///< rho c_p (T - T0) V [J]
    double dissipation = 0; ///< beta_TQ x plastic work of the steps before the last [J]
    double spread      = 0; ///< T_max - T_min [K]
    double temperature = 0; ///< (T_max + T_min)/2 [K]
    double deviation() const { return heat / dissipation - 1; }
  };

  constexpr double rod_rho = 6100, rod_cp = 420, rod_T0 = 293.15, rod_beta = 0.9;
  constexpr double rod_volume = M_PI * 1e-3 * 1e-3 * 2e-3;

  /// Heat balance at statistics row `row` (> 0).
  inline HeatBalance heat_balance(const bmgfe_test::Statistics &s, const std::size_t row,
                                  const double beta = rod_beta)
  {
    HeatBalance b;
    const double T_min = s.value("temperature_min_K", row);
    const double T_max = s.value("temperature_max_K", row);
    b.temperature      = 0.5 * (T_min + T_max);
    b.spread           = T_max - T_min;
    b.heat             = rod_rho * rod_cp * (b.temperature - rod_T0) * rod_volume;
    double work        = 0;
    for (std::size_t r = 1; r < row; ++r)
      work += s.value("plastic_work_of_step_J", r);
    b.dissipation = beta * work;
    return b;
  }

  inline void print(const std::string &name, const HeatBalance &b)
  {
    std::cout << std::setprecision(10) << name << ": T = " << b.temperature
              << " K (T_max - T_min = " << std::setprecision(3) << b.spread
              << " K), heat content rho c_p (T - T0) V = " << std::setprecision(10) << b.heat
              << " J, beta_TQ x plastic work of the earlier steps = " << b.dissipation
              << " J, relative deviation " << std::setprecision(3);
    if (b.dissipation > 0)
      std::cout << b.deviation() << "\n";
    else
      std::cout << "-\n";
  }

  /// Rows with the mechanics cut back and the number of substeps, as text.
  inline std::string cutback_summary(const bmgfe_test::Statistics &s, unsigned int &total)
  {
    std::ostringstream out;
    total = 0;
    for (std::size_t r = 0; r < s.n_rows(); ++r)
      if (s.value("mechanics_cutbacks", r) > 0)
        {
          total += static_cast<unsigned int>(s.value("mechanics_cutbacks", r));
          out << " step " << r << ": " << s.text("mechanics_cutbacks", r) << " cutbacks, "
              << s.text("mechanics_substeps", r) << " substeps, work "
              << s.text("plastic_work_of_step_J", r) << " J;";
        }
    return out.str();
  }
} // namespace plasticity
