// Plastic dissipation as the heat source (dissipation_common.h) when the mechanics step is
// cut into substeps or the time step changes: the insulated homogeneous rod with implicit
// Euler (exact for this balance), heat content = beta_TQ x the plastic work of the steps
// before the last, within 2 %.
//  * CutBackStep: 'Mechanics/Newton/Maximum iterations = 1' makes the first plastic step
//    (elastic-plastic transition, 2 iterations) fail and be cut back into substeps; the
//    later plastic steps converge in one iteration.
//  * ChangingTimeStep: 'Initial time step = 2' on 25 s: the last two steps are clipped to
//    1.5 s so that the run lands on the end of the loading programme (fixed step size).
//
// The heat source carries the plastic work of the whole step (all substeps) and spreads it
// over the next heat step, whatever its length (PlasticHeatSource, source/core/simulator.cc;
// MechanicsProblem::plastic_work_per_cell). Before that fix the glass received
// beta x W_last_substep x dt_next/dt_substep: +14.2 % with cutbacks, -10.5 % with clipped steps.
#include "dissipation_common.h"

using namespace plasticity;

TEST(PlasticDissipationEnergy, CutBackStep)
{
  const auto s = run("out_dissipation_cutback", prm("rod_compression.prm"),
                     {"Heat/Temperature model=solve", "Time stepping/Scheme=implicit Euler",
                      "Mechanics/Newton/Maximum iterations=1"});
  const std::size_t last = s.n_rows() - 1;
  const HeatBalance b    = heat_balance(s, last);
  print("implicit Euler with substeps, end of loading", b);
  unsigned int cutbacks = 0;
  std::cout << "cutbacks:" << cutback_summary(s, cutbacks) << " total " << cutbacks << "\n";
  record("relative_deviation", b.deviation());
  ASSERT_GT(cutbacks, 0u) << "the test needs a step with substeps";
  ASSERT_GT(b.dissipation, 0) << "no plastic work";
  EXPECT_LE(b.spread, 1e-6 * (b.temperature - rod_T0)) << "the temperature should be uniform";
  EXPECT_LE(std::abs(b.deviation()), 0.02);
}

TEST(PlasticDissipationEnergy, ChangingTimeStep)
{
  const auto s = run("out_dissipation_dt", prm("rod_compression.prm"),
                     {"Heat/Temperature model=solve", "Time stepping/Scheme=implicit Euler",
                      "Time stepping/Initial time step=2"});
  const std::size_t last = s.n_rows() - 1;
  const HeatBalance b    = heat_balance(s, last);
  print("implicit Euler, steps of 2 s and 1.5 s, end of loading", b);
  std::cout << "time steps (s):";
  for (std::size_t r = 1; r < s.n_rows(); ++r)
    std::cout << ' ' << s.value("time_step_size_s", r);
  std::cout << "\n";
  record("relative_deviation", b.deviation());
  ASSERT_GT(b.dissipation, 0) << "no plastic work";
  EXPECT_LE(b.spread, 1e-6 * (b.temperature - rod_T0)) << "the temperature should be uniform";
  EXPECT_LE(std::abs(b.deviation()), 0.02);
}
