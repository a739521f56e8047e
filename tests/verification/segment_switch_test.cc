// Verification 4: adaptive BDF2 across a protocol switch. No step may straddle the switch:
// some step must end exactly at the end of the first segment, the protocol_stage column (its segment from protocol.csv)
// may change only after it, and the step after the switch restarts at 'Initial time step'
// or below. Also the protocol must end exactly at its end time.
#include "verification_common.h"

using namespace verification;

TEST(SegmentSwitch, AdaptiveBDF2StepsEndOnTheSwitch)
{
  Job r;
  r.prm_file = "htc_furnace_quench.prm"; // furnace 5 s, then quench 2 s; adaptive BDF2
  const auto s = run("out_segment_switch", r);
  const double t_switch = 5.0, t_end = 7.0, initial_step = 1e-3;
  const double eps = 1e-12 * t_end;

  ASSERT_GE(s.n_rows(), 3u);
  std::size_t switch_row = s.n_rows();
  for (std::size_t row = 0; row < s.n_rows(); ++row)
    {
      const double      t   = s.value("time_s", row);
      const std::string seg = bmgfe_test::segment_of_stage("out_segment_switch", s.value("protocol_stage", row));
      if (std::abs(t - t_switch) <= eps)
        switch_row = row;
      if (t <= t_switch + eps)
        EXPECT_EQ(seg, "furnace") << "row " << row << " at t = " << t;
      else
        EXPECT_EQ(seg, "quench") << "row " << row << " at t = " << t;
      if (row > 0)
        {
          const double t_old = s.value("time_s", row - 1);
          EXPECT_FALSE(t_old < t_switch - eps && t > t_switch + eps)
            << "step " << row << " from t = " << t_old << " to " << t << " straddles the switch";
          EXPECT_NEAR(t - t_old, s.value("time_step_size_s", row), 1e-12)
            << "row " << row << ": Time step size is not the time increment";
        }
    }
  ASSERT_LT(switch_row, s.n_rows()) << "no step ends at the switch t = " << t_switch;
  ASSERT_LT(switch_row + 1, s.n_rows());
  const double dt_after = s.value("time_step_size_s", switch_row + 1);
  std::cout << std::setprecision(15) << "step " << switch_row << " ends at t = "
            << s.value("time_s", switch_row) << " s (segment '"
            << bmgfe_test::segment_of_stage("out_segment_switch", s.value("protocol_stage", switch_row)) << "'), the next is in '"
            << bmgfe_test::segment_of_stage("out_segment_switch", s.value("protocol_stage", switch_row + 1)) << "' with dt = " << dt_after
            << " s; " << s.n_rows() - 1 << " steps in total\n";
  EXPECT_LE(dt_after, initial_step * (1 + 1e-12)) << "the step size is not restarted at the switch";
  EXPECT_NEAR(s.value("time_s", s.n_rows() - 1), t_end, eps);
  // The adaptive controller really adapted: the steps vary by orders of magnitude.
  const auto   dt     = s.column("time_step_size_s");
  const double dt_max = *std::max_element(dt.begin() + 1, dt.end());
  const double dt_min = *std::min_element(dt.begin() + 1, dt.end());
  EXPECT_GT(dt_max / dt_min, 100.) << "the run did not exercise the adaptive controller";
}
