// Plastic dissipation heats the glass (dissipation_common.h): insulated homogeneous rod in
// compression into the plastic range, temperature solved.
//  * implicit Euler: at the end of loading the heat content equals beta_TQ x the plastic work
//    of all steps but the last, within 2 % (exact up to round-off for this scheme: the mass
//    matrix's row sums integrate the source exactly);
//  * BDF2 (default): a source switched on mid-run makes BDF2's temperature lag by half a step
//    of heating while the source acts, so the balance is checked after a 4 s hold (the source
//    has died out); the lag at the end of loading is printed;
//  * Taylor-Quinney coefficient 0: no heating at all.
#include "dissipation_common.h"

using namespace plasticity;

namespace
{
  const std::vector<std::string> solved = {"Heat/Temperature model=solve"};

  std::vector<std::string> with(std::vector<std::string> sets, const std::vector<std::string> &more)
  {
    sets.insert(sets.end(), more.begin(), more.end());
    return sets;
  }
} // namespace

TEST(PlasticDissipation, ImplicitEulerEndOfLoading)
{
  const auto s = run("out_dissipation_euler", prm("rod_compression.prm"),
                     with(solved, {"Time stepping/Scheme=implicit Euler"}));
  const std::size_t last = s.n_rows() - 1;
  const HeatBalance b    = heat_balance(s, last);
  print("implicit Euler, end of loading", b);
  unsigned int cutbacks = 0;
  std::cout << "cutbacks:" << cutback_summary(s, cutbacks) << " total " << cutbacks << "\n";
  record("relative_deviation", b.deviation());
  ASSERT_GT(b.dissipation, 0) << "no plastic work";
  EXPECT_GT(b.temperature - rod_T0, 1.0) << "the rod should heat by a few kelvin";
  EXPECT_LE(b.spread, 1e-6 * (b.temperature - rod_T0)) << "the temperature should be uniform";
  EXPECT_LE(std::abs(b.deviation()), 0.02);
}

TEST(PlasticDissipation, Bdf2AfterHold)
{
  const auto s = run("out_dissipation_bdf2", prm("rod_compression.prm"),
                     with(solved, {"Mechanics/Loading programme/Segments=load to -0.025 in 25 s; "
                                   "hold for 4 s",
                                   "Thermal protocol/test/Duration=29"}));
  const std::size_t end_of_loading = s.row_at_time(25), last = s.n_rows() - 1;
  ASSERT_NEAR(s.value("time_s", end_of_loading), 25, 1e-9);
  const HeatBalance at_25 = heat_balance(s, end_of_loading), b = heat_balance(s, last);
  print("BDF2, end of loading (t = 25 s)", at_25);
  print("BDF2, after the hold (t = 29 s)", b);
  std::cout << "half the last loading step's heating, beta W_25/2 = "
            << rod_beta * s.value("plastic_work_of_step_J", end_of_loading - 1) / 2 << " J\n";
  record("relative_deviation_after_hold", b.deviation());
  record("relative_deviation_end_of_loading", at_25.deviation());
  ASSERT_GT(b.dissipation, 0) << "no plastic work";
  EXPECT_LE(b.spread, 1e-6 * (b.temperature - rod_T0)) << "the temperature should be uniform";
  EXPECT_LE(std::abs(b.deviation()), 0.02);
}

TEST(PlasticDissipation, NoHeatWithoutTaylorQuinney)
{
  const auto s = run("out_dissipation_beta0", prm("rod_compression.prm"),
                     with(solved, {"Material/Mohr-Coulomb/Taylor-Quinney coefficient=0"}));
  const std::size_t last = s.n_rows() - 1;
  const HeatBalance b    = heat_balance(s, last, 0.0);
  print("Taylor-Quinney coefficient 0", b);
  double work = 0;
  for (std::size_t r = 1; r < s.n_rows(); ++r)
    work += s.value("plastic_work_of_step_J", r);
  std::cout << "plastic work " << work << " J\n";
  EXPECT_GT(work, 0);
  EXPECT_EQ(s.value("temperature_min_K", last), rod_T0);
  EXPECT_EQ(s.value("temperature_max_K", last), rod_T0);
}
