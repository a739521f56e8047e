// LoadingProgramme (Mechanics/Loading programme): the segment grammar and its errors, the
// piecewise-linear nominal strain, platen displacement, segment labels and breakpoints,
// the load axis per model, and the parameter path through MechanicsParameters.
#include <bmgfe/base/input_error.h>
#include <bmgfe/physics/mechanics_parameters.h>
#include <bmgfe/protocol/loading_programme.h>

#include <deal.II/base/parameter_handler.h>

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

using bmgfe::InputError;
using bmgfe::LoadingProgramme;
using Kind = LoadingProgramme::Segment::Kind;

namespace
{
  bool contains(const std::string &text, const std::string &part)
  {
    return text.find(part) != std::string::npos;
  }

  LoadingProgramme programme(const std::string &segments, const double start = 0)
  {
    LoadingProgramme p;
    p.start_time = start;
    p.set_segments(segments);
    p.check();
    return p;
  }

  /// The InputError of set_segments() + check() for `segments`.
  std::string segments_error(const std::string &segments)
  {
    try
      {
        programme(segments);
      }
    catch (const InputError &e)
      {
        return e.what();
      }
    ADD_FAILURE() << "no InputError for '" << segments << "'";
    return "";
  }

  /// Parse "Mechanics" (MechanicsParameters declares the loading programme inside it).
  bmgfe::MechanicsParameters parse_mechanics(const std::string &loading_body, const int dim,
                                             const bool axisymmetric)
  {
    dealii::ParameterHandler prm;
    bmgfe::MechanicsParameters::declare_parameters(prm);
    prm.parse_input_from_string("subsection Mechanics\n"
                                "  subsection Loading programme\n" +
                                loading_body +
                                "  end\n"
                                "end\n");
    bmgfe::MechanicsParameters m;
    m.parse_parameters(prm, dim, axisymmetric);
    return m;
  }

  std::string mechanics_error(const std::string &loading_body, const int dim,
                              const bool axisymmetric)
  {
    try
      {
        parse_mechanics(loading_body, dim, axisymmetric);
      }
    catch (const InputError &e)
      {
        return e.what();
      }
    ADD_FAILURE() << "no InputError for\n" << loading_body;
    return "";
  }
} // namespace

TEST(LoadingProgramme, SegmentsAreParsed)
{
  const auto p = programme("load to -0.03 in 60 s; hold for 10 s; unload to 0 in 60 s");
  ASSERT_EQ(p.segments.size(), 3u);
  EXPECT_EQ(p.segments[0].kind, Kind::load);
  EXPECT_DOUBLE_EQ(p.segments[0].target_strain, -0.03);
  EXPECT_DOUBLE_EQ(p.segments[0].duration, 60);
  EXPECT_EQ(p.segments[0].text, "load to -0.03 in 60 s");
  EXPECT_EQ(p.segments[1].kind, Kind::hold);
  EXPECT_DOUBLE_EQ(p.segments[1].duration, 10);
  EXPECT_EQ(p.segments[2].kind, Kind::unload);
  EXPECT_DOUBLE_EQ(p.segments[2].target_strain, 0);
  // The trailing 's' is optional; other units, upper case keywords, extra blanks and a
  // trailing ';' are accepted.
  const auto q = programme("  Load to 2e-2 in 30 ;HOLD for 1 min;unload to 0.01 in 500 ms ;");
  ASSERT_EQ(q.segments.size(), 3u);
  EXPECT_DOUBLE_EQ(q.segments[0].target_strain, 0.02);
  EXPECT_DOUBLE_EQ(q.segments[0].duration, 30);
  EXPECT_DOUBLE_EQ(q.segments[1].duration, 60);
  EXPECT_DOUBLE_EQ(q.segments[2].duration, 0.5);
  EXPECT_DOUBLE_EQ(q.segments[2].target_strain, 0.01);
  // Tension-compression cycle: unload through 0 is two segments.
  EXPECT_NO_THROW(programme("load to 0.01 in 10; unload to 0 in 10; load to -0.01 in 10"));
  // Two loading rates.
  EXPECT_NO_THROW(programme("load to -0.01 in 10; load to -0.03 in 100"));
}

TEST(LoadingProgramme, NominalStrainIsPiecewiseLinear)
{
  const auto p = programme("load to -0.03 in 60 s; hold for 10 s; unload to 0 in 60 s", 5);
  EXPECT_DOUBLE_EQ(p.end_time(), 135);
  EXPECT_EQ(p.nominal_strain(-1), 0);
  EXPECT_EQ(p.nominal_strain(5), 0); // start time
  EXPECT_NEAR(p.nominal_strain(35), -0.015, 1e-15);
  EXPECT_NEAR(p.nominal_strain(65), -0.03, 1e-15);
  EXPECT_NEAR(p.nominal_strain(70), -0.03, 1e-15);
  EXPECT_NEAR(p.nominal_strain(75), -0.03, 1e-15);
  EXPECT_NEAR(p.nominal_strain(105), -0.015, 1e-15);
  EXPECT_NEAR(p.nominal_strain(135), 0, 1e-15);
  EXPECT_NEAR(p.nominal_strain(1e6), 0, 1e-15);
  // The last target is kept after the end.
  const auto q = programme("load to 0.01 in 10");
  EXPECT_DOUBLE_EQ(q.nominal_strain(10), 0.01);
  EXPECT_DOUBLE_EQ(q.nominal_strain(100), 0.01);
  EXPECT_DOUBLE_EQ(q.segment_start_strain(0), 0);
  EXPECT_DOUBLE_EQ(p.segment_start_strain(2), -0.03);
}

TEST(LoadingProgramme, PlatenDisplacementUsesTheGaugeLength)
{
  auto p = programme("load to -0.02 in 10 s");
  // Automatic gauge length not yet known: a programming error, not an input error.
  EXPECT_THROW(p.platen_displacement(5), std::logic_error);
  p.set_automatic_gauge_length(6e-3);
  EXPECT_DOUBLE_EQ(p.gauge_length(), 6e-3);
  EXPECT_NEAR(p.platen_displacement(5), -0.01 * 6e-3, 1e-20);
  EXPECT_NEAR(p.platen_displacement(10), -0.02 * 6e-3, 1e-20);
  // An explicit gauge length wins over the extent of the domain.
  p.gauge_length_entry = 4e-3;
  EXPECT_DOUBLE_EQ(p.gauge_length(), 4e-3);
  EXPECT_NEAR(p.platen_displacement(10), -0.02 * 4e-3, 1e-20);
  EXPECT_THROW(p.set_automatic_gauge_length(0), InputError);
}

TEST(LoadingProgramme, SegmentIndexNamesAndBreakpoints)
{
  const auto p = programme("load to -0.03 in 60 s; hold for 10 s; unload to 0 in 60 s", 5);
  EXPECT_EQ(p.segment_index(0), LoadingProgramme::none);
  EXPECT_EQ(p.segment_index(5), LoadingProgramme::none);
  EXPECT_EQ(p.segment_index(5.001), 0u);
  // A time on a breakpoint belongs to the segment that ends there.
  EXPECT_EQ(p.segment_index(65), 0u);
  EXPECT_EQ(p.segment_index(65.001), 1u);
  EXPECT_EQ(p.segment_index(75), 1u);
  EXPECT_EQ(p.segment_index(100), 2u);
  EXPECT_EQ(p.segment_index(135), 2u);
  EXPECT_EQ(p.segment_index(136), LoadingProgramme::none);
  EXPECT_EQ(p.segment_name(0), "load 1");
  EXPECT_EQ(p.segment_name(1), "hold 2");
  EXPECT_EQ(p.segment_name(2), "unload 3");
  EXPECT_EQ(p.segment_name(LoadingProgramme::none), "none");
  EXPECT_EQ(p.breakpoints(), (std::vector<double>{5, 65, 75, 135}));
  // The programme's breakpoints are exactly where segment_index() changes.
  for (const double t : p.breakpoints())
    EXPECT_NE(p.segment_index(t), p.segment_index(t + 1e-9)) << t;
}

TEST(LoadingProgramme, SegmentErrorsNameEntryAndSegment)
{
  const std::string entry = "entry 'Mechanics/Loading programme/Segments'";
  std::string       what  = segments_error("load to -0.03 in 60 s; hold 10 s");
  EXPECT_TRUE(contains(what, entry)) << what;
  EXPECT_TRUE(contains(what, "segment 2 'hold 10 s'")) << what;
  EXPECT_TRUE(contains(what, "hold for <duration>")) << what;

  what = segments_error("press to -0.03 in 60 s");
  EXPECT_TRUE(contains(what, entry) && contains(what, "'press to -0.03 in 60 s'")) << what;
  EXPECT_TRUE(contains(what, "unknown keyword 'press'")) << what;

  what = segments_error("load to -3% in 60 s");
  EXPECT_TRUE(contains(what, "'-3%' is not a nominal strain")) << what;

  what = segments_error("load to -0.03 in 1 week");
  EXPECT_TRUE(contains(what, entry) && contains(what, "week")) << what;

  what = segments_error("load to -0.03 in 0 s");
  EXPECT_TRUE(contains(what, entry) && contains(what, "duration must be positive")) << what;

  what = segments_error("load to -0.03 in");
  EXPECT_TRUE(contains(what, "load to <strain> in <duration> s")) << what;

  // Unload away from zero, load through zero, load towards zero.
  what = segments_error("load to -0.03 in 60 s; unload to -0.05 in 10 s");
  EXPECT_TRUE(contains(what, "segment 2 'unload to -0.05 in 10 s'")) << what;
  EXPECT_TRUE(contains(what, "starts at nominal strain -0.03")) << what;
  what = segments_error("load to -0.01 in 60 s; load to 0.01 in 10 s");
  EXPECT_TRUE(contains(what, "segment 2") && contains(what, "without changing sign")) << what;
  what = segments_error("unload to 0 in 10 s");
  EXPECT_TRUE(contains(what, "segment 1")) << what;

  what = segments_error("load to -1.5 in 60 s");
  EXPECT_TRUE(contains(what, "(-1, 1)")) << what;

  // Empty is allowed while disabled, not when enabled.
  EXPECT_NO_THROW(programme(""));
  LoadingProgramme p;
  p.enabled = true;
  p.set_segments(" ; ");
  EXPECT_THROW(p.check(), InputError);
}

TEST(LoadingProgramme, DirectionPerModel)
{
  LoadingProgramme p;
  p.set_direction("z", 3, false);
  EXPECT_EQ(p.component(), 2u);
  p.set_direction(" X ", 3, false);
  EXPECT_EQ(p.component(), 0u);
  p.set_direction("y", 2, false);
  EXPECT_EQ(p.component(), 1u);
  p.set_direction("z", 2, true); // axisymmetric: z is component 1
  EXPECT_EQ(p.component(), 1u);
  p.set_direction("r", 2, true);
  EXPECT_EQ(p.component(), 0u);
  try
    {
      p.set_direction("z", 2, false);
      ADD_FAILURE() << "z accepted in a 2D planar model";
    }
  catch (const InputError &e)
    {
      const std::string what = e.what();
      EXPECT_TRUE(contains(what, "entry 'Mechanics/Loading programme/Direction'")) << what;
      EXPECT_TRUE(contains(what, "2D planar: x or y")) << what;
    }
  EXPECT_THROW(p.set_direction("r", 3, false), InputError);
  EXPECT_THROW(p.set_direction("w", 2, true), InputError);
}

TEST(LoadingProgrammeParameters, DefaultsThroughMechanicsParameters)
{
  // Disabled by default; the default Direction 'z' does not stop a 2D planar model.
  const auto m = parse_mechanics("", 2, false);
  const auto &l = m.loading;
  EXPECT_FALSE(l.enabled);
  EXPECT_EQ(l.loaded_boundary_id, 3u);
  EXPECT_EQ(l.supported_boundary_id, 2u);
  EXPECT_FALSE(l.bonded());
  EXPECT_EQ(l.gauge_length_entry, 0);
  EXPECT_EQ(l.start_time, 0);
  EXPECT_EQ(l.segments.size(), 3u);
  EXPECT_EQ(l.component(), 1u);
  EXPECT_EQ(parse_mechanics("", 3, false).loading.component(), 2u);
  EXPECT_EQ(parse_mechanics("", 2, true).loading.component(), 1u);
}

TEST(LoadingProgrammeParameters, AllEntries)
{
  const auto m = parse_mechanics("    set Enabled = true\n"
                                 "    set Loaded boundary id = 5\n"
                                 "    set Supported boundary id = 4\n"
                                 "    set Direction = x\n"
                                 "    set Contact = bonded\n"
                                 "    set Gauge length = 2e-3\n"
                                 "    set Start time = 1\n"
                                 "    set Segments = load to 0.01 in 2 s; hold for 1 s\n",
                                 3, false);
  const auto &l = m.loading;
  EXPECT_TRUE(l.enabled);
  EXPECT_EQ(l.loaded_boundary_id, 5u);
  EXPECT_EQ(l.supported_boundary_id, 4u);
  EXPECT_EQ(l.component(), 0u);
  EXPECT_TRUE(l.bonded());
  EXPECT_DOUBLE_EQ(l.gauge_length(), 2e-3);
  EXPECT_DOUBLE_EQ(l.end_time(), 4);
  // Start time 1: half-way through the load at t = 2, at its end at t = 3.
  EXPECT_NEAR(l.platen_displacement(2), 0.005 * 2e-3, 1e-20);
  EXPECT_NEAR(l.platen_displacement(3), 0.01 * 2e-3, 1e-20);
  EXPECT_EQ(l.segment_name(1), "hold 2");
}

TEST(LoadingProgrammeParameters, ErrorsNameTheFullPath)
{
  std::string what = mechanics_error("    set Enabled = true\n    set Direction = z\n", 2, false);
  EXPECT_TRUE(contains(what, "entry 'Mechanics/Loading programme/Direction'")) << what;
  what = mechanics_error("    set Supported boundary id = 3\n", 3, false);
  EXPECT_TRUE(contains(what, "entry 'Mechanics/Loading programme/Supported boundary id'")) << what;
  what = mechanics_error("    set Segments = hold for ever\n", 3, false);
  EXPECT_TRUE(contains(what, "entry 'Mechanics/Loading programme/Segments': segment 1 "
                             "'hold for ever'"))
    << what;
  what = mechanics_error("    set Enabled = true\n    set Segments =\n", 3, false);
  EXPECT_TRUE(contains(what, "entry 'Mechanics/Loading programme/Segments'")) << what;
}
