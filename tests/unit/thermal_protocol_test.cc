// ThermalProtocol without a ParameterHandler: sequence expressions, stages, environment,
// labels, durations with units and Biot numbers. (The parameter path is tested in
// parameters_test.cc, which pays for the deal.II headers once.)
#include <bmgfe/base/input_error.h>
#include <bmgfe/protocol/thermal_protocol.h>

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

using bmgfe::InputError;
using bmgfe::ThermalProtocol;
using bmgfe::ThermalSegment;
using Names = std::vector<std::string>;

TEST(ThermalProtocolSequence, SimpleListAndRepeat)
{
  EXPECT_EQ(ThermalProtocol::expand_sequence("a, b"), (Names{"a", "b"}));
  EXPECT_EQ(ThermalProtocol::expand_sequence("hold"), (Names{"hold"}));
  EXPECT_EQ(ThermalProtocol::expand_sequence("a*3"), (Names{"a", "a", "a"}));
  EXPECT_EQ(ThermalProtocol::expand_sequence("a*1"), (Names{"a"}));
  // Names may contain digits, '_' and '-'.
  EXPECT_EQ(ThermalProtocol::expand_sequence("ln2, boiling_water, step-1"),
            (Names{"ln2", "boiling_water", "step-1"}));
}

TEST(ThermalProtocolSequence, GroupsAndNesting)
{
  EXPECT_EQ(ThermalProtocol::expand_sequence("(a, b)*2, c"), (Names{"a", "b", "a", "b", "c"}));
  EXPECT_EQ(ThermalProtocol::expand_sequence("((a,b)*2, c)*2"),
            (Names{"a", "b", "a", "b", "c", "a", "b", "a", "b", "c"}));
  EXPECT_EQ(ThermalProtocol::expand_sequence("heat, (ln2, water)*3, rest"),
            (Names{"heat", "ln2", "water", "ln2", "water", "ln2", "water", "rest"}));
  // A group without a count is just its content.
  EXPECT_EQ(ThermalProtocol::expand_sequence("(a, b), c"), (Names{"a", "b", "c"}));
  EXPECT_EQ(ThermalProtocol::expand_sequence("a*10").size(), 10u);
  EXPECT_EQ(ThermalProtocol::expand_sequence("(a, b*3)*20").size(), 80u);
}

TEST(ThermalProtocolSequence, Whitespace)
{
  // Spaces and tabs around names, commas, parentheses, '*' and counts are ignored.
  EXPECT_EQ(ThermalProtocol::expand_sequence("  ( a ,\tb ) * 2 ,  c  "),
            (Names{"a", "b", "a", "b", "c"}));
  EXPECT_EQ(ThermalProtocol::expand_sequence("a * 2"), (Names{"a", "a"}));
}

TEST(ThermalProtocolSequence, Errors)
{
  for (const std::string bad : {"", "   ", "a,,b", "a,", ",a", "(a, b", "a, b)", "()", "a*0",
                                "a*", "*3", "a b", "a*-1", "a*100001", "a;b", "a*2x"})
    EXPECT_THROW(ThermalProtocol::expand_sequence(bad), InputError) << "'" << bad << "'";
  // The message quotes the sequence and points at the character.
  try
    {
      ThermalProtocol::expand_sequence("a,,b");
      FAIL() << "no exception";
    }
  catch (const InputError &e)
    {
      const std::string what = e.what();
      EXPECT_NE(what.find("'a,,b'"), std::string::npos) << what;
      EXPECT_NE(what.find("character 3"), std::string::npos) << what;
    }
}

TEST(ThermalProtocolSequence, RepeatCountTooLongForLongIsAnInputError)
{
  // A count with more digits than a long holds must be reported like any other bad count
  // (expand_sequence promises InputError), not escape as std::out_of_range from std::stol.
  EXPECT_THROW(ThermalProtocol::expand_sequence("a*99999999999999999999"), InputError);
}

TEST(ThermalProtocolSequence, SegmentNamesInOrderOfFirstAppearance)
{
  EXPECT_EQ(ThermalProtocol::segment_names("heat, (ln2, water)*3, ln2, rest, heat"),
            (Names{"heat", "ln2", "water", "rest"}));
  EXPECT_EQ(ThermalProtocol::segment_names("b, a, b, a"), (Names{"b", "a"}));
  EXPECT_THROW(ThermalProtocol::segment_names("a,,b"), InputError);
}

namespace
{
  ThermalSegment segment(const std::string &name, double duration, double T = 293.15,
                         double rate = 0, double h = 0, double eps = 0)
  {
    ThermalSegment s;
    s.name                      = name;
    s.duration                  = duration;
    s.environment_start         = T;
    s.environment_rate          = rate;
    s.heat_transfer_coefficient = h;
    s.emissivity                = eps;
    return s;
  }

  /// heat (10 s), then (quench 2 s, rest 3 s)*3: stages end at 10, 12, 15, 17, 20, 22, 25.
  ThermalProtocol cycle_protocol(const double start = 0)
  {
    ThermalProtocol p;
    p.set({segment("heat", 10, 900, 0, 50, 0.3), segment("quench", 2, 293, 0, 1e4),
           segment("rest", 3, 300, 0, 10)},
          "heat, (quench, rest)*3", start);
    return p;
  }
} // namespace

TEST(ThermalProtocolStages, StartEndAndOccurrences)
{
  const ThermalProtocol p = cycle_protocol(100);
  ASSERT_EQ(p.stages().size(), 7u);
  EXPECT_EQ(p.sequence(), "heat, (quench, rest)*3");
  EXPECT_EQ(p.start_time(), 100);
  EXPECT_DOUBLE_EQ(p.end_time(), 125);
  const std::vector<double>       start = {100, 110, 112, 115, 117, 120, 122};
  const std::vector<double>       end   = {110, 112, 115, 117, 120, 122, 125};
  const std::vector<std::size_t>  seg   = {0, 1, 2, 1, 2, 1, 2};
  const std::vector<unsigned int> occ   = {1, 1, 1, 2, 2, 3, 3};
  for (std::size_t i = 0; i < 7; ++i)
    {
      EXPECT_DOUBLE_EQ(p.stages()[i].start, start[i]) << i;
      EXPECT_DOUBLE_EQ(p.stages()[i].end, end[i]) << i;
      EXPECT_EQ(p.stages()[i].segment, seg[i]) << i;
      EXPECT_EQ(p.stages()[i].occurrence, occ[i]) << i;
    }
  EXPECT_EQ(p.segment_of_stage(3).name, "quench");
}

TEST(ThermalProtocolStages, SetErrors)
{
  ThermalProtocol p;
  // A name in the sequence without a segment definition.
  EXPECT_THROW(p.set({segment("a", 1)}, "a, b"), InputError);
  // Segments need a positive duration.
  EXPECT_THROW(p.set({segment("a", 0)}, "a"), InputError);
  EXPECT_THROW(p.set({segment("a", -1)}, "a"), InputError);
  // A bad sequence.
  EXPECT_THROW(p.set({segment("a", 1)}, "a,,a"), InputError);
}

TEST(ThermalProtocolStages, StageIndexInteriorBoundariesAndBeyond)
{
  const ThermalProtocol p = cycle_protocol();
  // Interior times.
  EXPECT_EQ(p.stage_index(5), 0u);
  EXPECT_EQ(p.stage_index(11), 1u);
  EXPECT_EQ(p.stage_index(13.5), 2u);
  EXPECT_EQ(p.stage_index(24.9), 6u);
  // A time on a boundary belongs to the later stage.
  EXPECT_EQ(p.stage_index(0), 0u);
  EXPECT_EQ(p.stage_index(10), 1u);
  EXPECT_EQ(p.stage_index(12), 2u);
  EXPECT_EQ(p.stage_index(15), 3u);
  EXPECT_EQ(p.stage_index(22), 6u);
  // At and beyond the end: the last stage; before the start: the first.
  EXPECT_EQ(p.stage_index(25), 6u);
  EXPECT_EQ(p.stage_index(1e9), 6u);
  EXPECT_EQ(p.stage_index(-1), 0u);
}

TEST(ThermalProtocolStages, StageIndexForStepEndingAt)
{
  const ThermalProtocol p = cycle_protocol();
  // A step (t_old, t_new] ending exactly on a stage end belongs to that stage ...
  EXPECT_EQ(p.stage_index_for_step_ending_at(10), 0u);
  EXPECT_EQ(p.stage_index_for_step_ending_at(12), 1u);
  EXPECT_EQ(p.stage_index_for_step_ending_at(25), 6u);
  // ... a step ending just after it to the next one.
  EXPECT_EQ(p.stage_index_for_step_ending_at(10.001), 1u);
  EXPECT_EQ(p.stage_index_for_step_ending_at(5), 0u);
  EXPECT_EQ(p.stage_index_for_step_ending_at(16), 3u);
  EXPECT_EQ(p.stage_index_for_step_ending_at(30), 6u);
}

TEST(ThermalProtocolStages, EnvironmentRampAndClamping)
{
  ThermalProtocol p;
  // 50 s hold at 900 K, then a ramp from 900 K at -2 K/s for 100 s (to 700 K).
  p.set({segment("hold", 50, 900, 0, 25, 0.4), segment("ramp", 100, 900, -2.0, 40, 0.1)},
        "hold, ramp", 10);
  ASSERT_EQ(p.stages().size(), 2u);
  EXPECT_DOUBLE_EQ(p.segments()[1].environment_end(), 700);
  const auto e0 = p.environment(0, 30);
  EXPECT_DOUBLE_EQ(e0.temperature, 900);
  EXPECT_DOUBLE_EQ(e0.heat_transfer_coefficient, 25);
  EXPECT_DOUBLE_EQ(e0.emissivity, 0.4);
  // Ramp starts at t = 60: T_env = 900 - 2 (t - 60).
  EXPECT_DOUBLE_EQ(p.environment(1, 60).temperature, 900);
  EXPECT_DOUBLE_EQ(p.environment(1, 85).temperature, 850);
  EXPECT_DOUBLE_EQ(p.environment(1, 160).temperature, 700);
  EXPECT_DOUBLE_EQ(p.environment(1, 85).heat_transfer_coefficient, 40);
  EXPECT_DOUBLE_EQ(p.environment(1, 85).emissivity, 0.1);
  // Outside its stage the time is clamped into it: no extrapolation of the ramp.
  EXPECT_DOUBLE_EQ(p.environment(1, 0).temperature, 900);
  EXPECT_DOUBLE_EQ(p.environment(1, 500).temperature, 700);
  EXPECT_THROW(p.environment(2, 0), std::out_of_range);
}

TEST(ThermalProtocolStages, StageLabel)
{
  const ThermalProtocol p = cycle_protocol();
  // A segment used once is named plainly, a repeated one with occurrence/count.
  EXPECT_EQ(p.stage_label(0), "heat");
  EXPECT_EQ(p.stage_label(1), "quench 1/3");
  EXPECT_EQ(p.stage_label(3), "quench 2/3");
  EXPECT_EQ(p.stage_label(6), "rest 3/3");
}

TEST(ThermalProtocolDuration, Units)
{
  EXPECT_DOUBLE_EQ(bmgfe::parse_duration("30"), 30);
  EXPECT_DOUBLE_EQ(bmgfe::parse_duration("30 s"), 30);
  EXPECT_DOUBLE_EQ(bmgfe::parse_duration("  30 s  "), 30);
  EXPECT_DOUBLE_EQ(bmgfe::parse_duration("0.5 min"), 30);
  EXPECT_DOUBLE_EQ(bmgfe::parse_duration("2 h"), 7200);
  EXPECT_DOUBLE_EQ(bmgfe::parse_duration("5 ms"), 5e-3);
  EXPECT_DOUBLE_EQ(bmgfe::parse_duration("1.5e2"), 150);
  EXPECT_DOUBLE_EQ(bmgfe::parse_duration("0"), 0);
}

TEST(ThermalProtocolDuration, Errors)
{
  for (const std::string bad : {"abc", "-1", "-1 min", "3 weeks", "1 s extra", "", "s", "1 S"})
    EXPECT_THROW(bmgfe::parse_duration(bad), InputError) << "'" << bad << "'";
}

TEST(ThermalProtocolBiot, WithoutAndWithRadiation)
{
  // Bi = h R / k = 1e4 * 1.5e-3 / 5 = 3.
  EXPECT_NEAR(bmgfe::biot_number(1e4, 0, 1000, 1.5e-3, 5), 3.0, 1e-14);
  // h_eff = h + 4 eps sigma T^3 = 1e4 + 4 * 0.8 * 5.670374419e-8 * 1e9 = 10181.451981408,
  // Bi = 10181.451981408 * 1.5e-3 / 5 = 3.0544355944224.
  EXPECT_NEAR(bmgfe::biot_number(1e4, 0.8, 1000, 1.5e-3, 5), 3.0544355944224, 1e-12);
  // Radiation only (vacuum furnace, h = 0): 4 * 1 * sigma * 500^3 = 28.351872095 W/m^2K,
  // Bi = 28.351872095 * 2e-3 / 10 = 5.670374419e-3.
  EXPECT_NEAR(bmgfe::biot_number(0, 1, 500, 2e-3, 10), 5.670374419e-3, 1e-15);
  EXPECT_DOUBLE_EQ(bmgfe::stefan_boltzmann, 5.670374419e-8);
}
