// 'Material/Free volume/Initial state': a run continues from the output of another.
//  * A quenched rod (quench_vit1.prm, written to out_state_source) is read back by a second
//    run at the same temperature: at t = 0 its ring means of x, T_f and the residual
//    stresses, and the probe stresses, equal the source's final values (the state is
//    written as fields exact at the quadrature points, so only float rounding remains);
//  * the same on 2 MPI ranks reading the 1-rank output (another partition);
//  * bad input: a missing directory, a different geometry, a run without the viscous
//    model: one error naming the entry, non-zero exit.
#include "viscous_common.h"

using namespace mechanics;

namespace
{
  const std::string source_dir = "out_state_source";

  /// The source run, once per test program.
  const Result &source_run()
  {
    static const Result r = viscous::run(source_dir, "quench_vit1.prm",
                                         {"Thermal protocol/quench/Duration=20 s",
                                          "Output/Write visualization=true"});
    return r;
  }

  /// Continue from the source at the bath temperature for a short hold.
  Result continued_run(const std::string &out, const unsigned int ranks)
  {
    return viscous::run(out, "quench_vit1.prm",
                        {"Material/Free volume/Initial state=" + source_dir,
                         "Heat/Initial temperature=293.15",
                         "Thermal protocol/quench/Duration=1 s"},
                        ranks);
  }

  void expect_same_state(const Result &source, const std::string &out)
  {
    const Rings start(out + "/profiles/rings_00000.csv");
    const Rings &end = source.rings;
    ASSERT_EQ(start.n(), end.n());
    double peak = 0;
    for (std::size_t i = 0; i < end.n(); ++i)
      for (const auto *c : {"stress_rr_mean_Pa", "stress_tt_mean_Pa", "stress_zz_mean_Pa"})
        peak = std::max(peak, std::abs(end.value(c, i)));
    ASSERT_GT(peak, 1e7); // a real residual stress to carry over
    double worst_stress = 0, worst_tf = 0, worst_x = 0;
    for (std::size_t i = 0; i < end.n(); ++i)
      {
        for (const auto *c : {"stress_rr_mean_Pa", "stress_tt_mean_Pa", "stress_zz_mean_Pa", "von_mises_stress_mean_Pa"})
          worst_stress = std::max(worst_stress, std::abs(start.value(c, i) - end.value(c, i)));
        worst_tf = std::max(worst_tf, std::abs(start.value("fictive_temperature_mean_K", i) - end.value("fictive_temperature_mean_K", i)));
        worst_x  = std::max(worst_x, std::abs(start.value("free_volume_mean", i) - end.value("free_volume_mean", i)) /
                                      end.value("free_volume_mean", i));
      }
    std::cout << out << ": ring means at t = 0 vs the source's end: stress " << worst_stress
              << " Pa (peak " << peak << " Pa), T_f " << worst_tf << " K, x " << worst_x
              << " relative\n";
    // Float output (7 digits) and the bath temperature vs the source's final temperature
    // bound the differences (measured: 8 Pa of 2.7e8 Pa, 2e-6 K).
    EXPECT_LT(worst_stress, 1e-6 * peak);
    EXPECT_LT(worst_tf, 1e-4);
    EXPECT_LT(worst_x, 1e-6);

    const bmgfe_test::Statistics s(out + "/statistics.csv");
    const std::size_t last = source.stats.n_rows() - 1;
    for (const auto *c : {"stress_tt_at_surface_Pa", "stress_zz_at_surface_Pa",
                          "stress_tt_at_centre_Pa", "stress_zz_at_centre_Pa"})
      EXPECT_NEAR(s.value(c, 0), source.stats.value(c, last), 1e-6 * peak) << c;
    EXPECT_NEAR(s.value("fictive_temperature_at_surface_K", 0),
                source.stats.value("fictive_temperature_at_surface_K", last), 1e-4);
  }

  std::string failed_run(const std::vector<std::string> &sets)
  {
    std::vector<std::string> args = {viscous::prm("quench_vit1.prm"), "--set",
                                     "Output directory=out_state_bad"};
    for (const auto &s : sets)
      {
        args.push_back("--set");
        args.push_back(s);
      }
    const auto r = bmgfe_test::run_bmgfe(args);
    EXPECT_NE(r.exit_code, 0) << r.output;
    return r.output;
  }
} // namespace

TEST(InitialState, ContinuesFromPreviousRun)
{
  const Result &source = source_run();
  continued_run("out_state_continued", 0);
  expect_same_state(source, "out_state_continued");
}

TEST(InitialState, TwoRanksReadOneRankOutput)
{
  const Result &source = source_run();
  continued_run("out_state_continued_mpi", 2);
  expect_same_state(source, "out_state_continued_mpi");
}

TEST(InitialState, BadInput)
{
  source_run();
  {
    const std::string out = failed_run({"Material/Free volume/Initial state=no_such_run"});
    EXPECT_NE(out.find("entry 'Material/Free volume/Initial state'"), std::string::npos) << out;
    EXPECT_NE(out.find("'no_such_run' does not exist"), std::string::npos) << out;
  }
  {
    const std::string out = failed_run({"Material/Free volume/Initial state=" + source_dir,
                                        "Geometry/Rod radius=2e-3"});
    EXPECT_NE(out.find("lie outside the mesh"), std::string::npos) << out;
  }
  {
    const std::string out = failed_run({"Material/Free volume/Initial state=" + source_dir,
                                        "Mechanics/Inelastic model=none"});
    EXPECT_NE(out.find("needs an inelastic model"), std::string::npos) << out;
  }
}
