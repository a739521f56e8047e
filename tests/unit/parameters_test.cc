// The parameter path: ThermalProtocol::declare/parse_parameters on a ParameterHandler, and
// read_parameters() on small .prm files written into the test's working directory
// (valid input, every kind of input error, command-line overrides).
#include <bmgfe/base/input_error.h>
#include <bmgfe/core/parameters.h>
#include <bmgfe/protocol/thermal_protocol.h>

#include <deal.II/base/parameter_handler.h>

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

using bmgfe::InputError;
using bmgfe::ThermalProtocol;

namespace
{
  // ------------------------------------------------------------------ ThermalProtocol
  std::string protocol_text(const std::string &cool_body)
  {
    return "subsection Thermal protocol\n"
           "  set Sequence = hold, cool\n"
           "  set Start time = 5\n"
           "  subsection hold\n"
           "    set Duration = 1 min\n"
           "    set Environment temperature = 900\n"
           "    set Heat transfer coefficient = 20\n"
           "    set Emissivity = 0.5\n"
           "    set Write output at end = false\n"
           "  end\n"
           "  subsection cool\n" +
           cool_body +
           "  end\n"
           "end\n";
  }

  ThermalProtocol parse_protocol(const std::string &cool_body)
  {
    dealii::ParameterHandler prm;
    ThermalProtocol::declare_parameters(prm, {"hold", "cool"});
    prm.parse_input_from_string(protocol_text(cool_body));
    ThermalProtocol p;
    p.parse_parameters(prm);
    return p;
  }

  std::string protocol_error(const std::string &cool_body)
  {
    try
      {
        parse_protocol(cool_body);
      }
    catch (const InputError &e)
      {
        return e.what();
      }
    ADD_FAILURE() << "no InputError for\n" << cool_body;
    return "";
  }

  bool contains(const std::string &text, const std::string &part)
  {
    return text.find(part) != std::string::npos;
  }
} // namespace

TEST(ThermalProtocolParameters, SegmentsFromSubsectionsAndRampDuration)
{
  const ThermalProtocol p = parse_protocol("    set Duration = 0\n"
                                           "    set Environment temperature = 900\n"
                                           "    set Environment temperature rate = -20\n"
                                           "    set Final environment temperature = 500\n"
                                           "    set Heat transfer coefficient = 150\n");
  ASSERT_EQ(p.segments().size(), 2u);
  const auto &hold = p.segments()[0];
  const auto &cool = p.segments()[1];
  EXPECT_EQ(hold.name, "hold");
  EXPECT_DOUBLE_EQ(hold.duration, 60);   // "1 min"
  EXPECT_DOUBLE_EQ(hold.environment_start, 900);
  EXPECT_DOUBLE_EQ(hold.environment_rate, 0);
  EXPECT_DOUBLE_EQ(hold.heat_transfer_coefficient, 20);
  EXPECT_DOUBLE_EQ(hold.emissivity, 0.5);
  EXPECT_FALSE(hold.write_output_at_end);
  EXPECT_EQ(cool.name, "cool");
  // -20 K/min = -1/3 K/s; (500 - 900) K / (-1/3 K/s) = 1200 s.
  EXPECT_NEAR(cool.environment_rate, -20.0 / 60.0, 1e-15);
  EXPECT_NEAR(cool.duration, 1200, 1e-9);
  EXPECT_NEAR(cool.environment_end(), 500, 1e-9);
  EXPECT_TRUE(cool.write_output_at_end); // default
  EXPECT_DOUBLE_EQ(cool.emissivity, 0);  // default
  // Start time 5: stages [5, 65) and [65, 1265).
  EXPECT_DOUBLE_EQ(p.start_time(), 5);
  ASSERT_EQ(p.stages().size(), 2u);
  EXPECT_NEAR(p.end_time(), 1265, 1e-9);
  // Half-way through the ramp (600 s in): 900 - 200 = 700 K.
  EXPECT_NEAR(p.environment(1, 665).temperature, 700, 1e-9);
  EXPECT_DOUBLE_EQ(p.environment(1, 665).heat_transfer_coefficient, 150);
}

TEST(ThermalProtocolParameters, HeatingRampAndExplicitDuration)
{
  // A heating ramp from a duration with a unit: 300 K + 10 K/min * 2 min = 320 K.
  const ThermalProtocol p = parse_protocol("    set Duration = 2 min\n"
                                           "    set Environment temperature = 300\n"
                                           "    set Environment temperature rate = 10\n"
                                           "    set Final environment temperature = 999\n");
  // An explicit duration wins over Final environment temperature.
  EXPECT_DOUBLE_EQ(p.segments()[1].duration, 120);
  EXPECT_NEAR(p.segments()[1].environment_end(), 320, 1e-12);
}

TEST(ThermalProtocolParameters, RampErrors)
{
  // Ramp of the wrong sign: 900 K cannot reach 500 K while heating.
  std::string what = protocol_error("    set Duration = 0\n"
                                    "    set Environment temperature = 900\n"
                                    "    set Environment temperature rate = 20\n"
                                    "    set Final environment temperature = 500\n");
  EXPECT_TRUE(contains(what, "Thermal protocol/cool/Final environment temperature")) << what;
  // Zero rate and zero duration: the length is undefined.
  what = protocol_error("    set Duration = 0\n"
                        "    set Final environment temperature = 500\n");
  EXPECT_TRUE(contains(what, "Thermal protocol/cool/Duration")) << what;
  // Nonzero rate but no final temperature.
  what = protocol_error("    set Duration = 0\n"
                        "    set Environment temperature rate = -20\n");
  EXPECT_TRUE(contains(what, "Thermal protocol/cool/Duration")) << what;
  // A duration that is not one.
  what = protocol_error("    set Duration = 3 weeks\n");
  EXPECT_TRUE(contains(what, "Thermal protocol/cool/Duration")) << what;
  EXPECT_TRUE(contains(what, "weeks")) << what;
  // A ramp below 0 K: 900 K - 10 K/min * 100 min.
  what = protocol_error("    set Duration = 100 min\n"
                        "    set Environment temperature = 900\n"
                        "    set Environment temperature rate = -10\n");
  EXPECT_TRUE(contains(what, "cool")) << what;
  EXPECT_TRUE(contains(what, "0 K")) << what;
}

// ------------------------------------------------------------------ read_parameters
namespace
{
  /// Write `text` to `name` in the working directory and return the name.
  std::string write_prm(const std::string &name, const std::string &text)
  {
    std::ofstream out(name);
    out << text;
    return name;
  }

  // Line numbers of this file are used below (line 1 is "set Dimension = 2").
  std::string valid_text(const std::string &sequence = "hold, quench",
                         const std::string &robin    = "1, 2",
                         const std::string &insulated = "0")
  {
    return "set Dimension = 2\n"                                    // 1
           "set Output directory = unit-output\n"                   // 2
           "subsection Material\n"                                  // 3
           "  set Density = 6100\n"                                 // 4
           "  set Heat capacity = 300:420, 600:640\n"               // 5
           "  set Thermal conductivity = 5\n"                       // 6
           "end\n"                                                  // 7
           "subsection Thermal protocol\n"                          // 8
           "  set Sequence = " + sequence + "\n"                    // 9
           "  subsection hold\n"                                    // 10
           "    set Duration = 10 s\n"                              // 11
           "    set Environment temperature = 700\n"                // 12
           "  end\n"                                                // 13
           "  subsection quench\n"                                  // 14
           "    set Duration = 0.5 min\n"                           // 15
           "    set Environment temperature = 293\n"                // 16
           "    set Heat transfer coefficient = 1e4\n"              // 17
           "  end\n"                                                // 18
           "end\n"                                                  // 19
           "subsection Heat\n"                                      // 20
           "  subsection Boundary conditions\n"                     // 21
           "    set Robin boundary ids = " + robin + "\n"           // 22
           "    set Insulated boundary ids = " + insulated + "\n"   // 23
           "  end\n"                                                // 24
           "end\n";                                                 // 25
  }

  /// Replace line `line` (1-based) of `text` by `replacement`.
  std::string replace_line(const std::string &text, const unsigned int line,
                           const std::string &replacement)
  {
    std::string  out;
    std::size_t  pos = 0;
    unsigned int n   = 0;
    while (pos < text.size())
      {
        const auto        eol  = text.find('\n', pos);
        const std::string here = text.substr(pos, eol - pos);
        ++n;
        out += (n == line ? replacement : here) + "\n";
        pos = eol + 1;
      }
    return out;
  }

  /// read_parameters must throw an InputError with a single-line message; return it.
  std::string read_error(const std::string &file, const std::vector<std::string> &overrides = {})
  {
    bmgfe::Parameters p;
    try
      {
        bmgfe::read_parameters(file, overrides, p);
      }
    catch (const InputError &e)
      {
        const std::string what = e.what();
        // main() prints errors as one line.
        EXPECT_EQ(what.find('\n'), std::string::npos) << what;
        EXPECT_FALSE(what.empty());
        return what;
      }
    catch (const std::exception &e)
      {
        ADD_FAILURE() << "not an InputError: " << e.what();
        return "";
      }
    ADD_FAILURE() << "no exception for " << file;
    return "";
  }

  /// The message points at line `line` of `file`: "file:line:" or deal.II's
  /// "Line <line> of file <file>".
  bool names_line(const std::string &what, const std::string &file, const unsigned int line)
  {
    return contains(what, file + ":" + std::to_string(line) + ":") ||
           contains(what, "Line <" + std::to_string(line) + "> of file <" + file + ">");
  }
} // namespace

TEST(ReadParameters, ValidMinimalFile)
{
  const std::string  file = write_prm("unit_valid.prm", valid_text());
  bmgfe::Parameters  p;
  const auto         prm = bmgfe::read_parameters(file, {}, p);
  ASSERT_TRUE(prm);
  EXPECT_EQ(p.parameter_file, file);
  EXPECT_EQ(p.dimension, 2);
  EXPECT_EQ(p.kinematics, bmgfe::Kinematics::axisymmetric); // default
  EXPECT_EQ(p.output.directory, "unit-output");
  EXPECT_DOUBLE_EQ(p.material.density, 6100);
  // 420 + (450 - 300)/300 * 220 = 530.
  EXPECT_NEAR(p.material.heat_capacity.value(450), 530, 1e-12);
  EXPECT_DOUBLE_EQ(p.material.thermal_conductivity.value(450), 5);
  ASSERT_EQ(p.protocol.segments().size(), 2u);
  ASSERT_EQ(p.protocol.stages().size(), 2u);
  EXPECT_DOUBLE_EQ(p.protocol.segments()[0].duration, 10);
  EXPECT_DOUBLE_EQ(p.protocol.segments()[1].duration, 30);
  EXPECT_DOUBLE_EQ(p.protocol.segments()[1].heat_transfer_coefficient, 1e4);
  EXPECT_DOUBLE_EQ(p.protocol.end_time(), 40);
  EXPECT_EQ(p.heat.robin_ids, (std::vector<unsigned int>{1, 2}));
  EXPECT_EQ(p.heat.insulated_ids, (std::vector<unsigned int>{0}));
  // The returned handler holds the values used.
  prm->enter_subsection("Thermal protocol");
  EXPECT_EQ(prm->get("Sequence"), "hold, quench");
  prm->leave_subsection();
}

TEST(ReadParameters, RepeatedSequence)
{
  bmgfe::Parameters p;
  bmgfe::read_parameters(write_prm("unit_repeat.prm", valid_text("hold, (quench, hold)*3")), {}, p);
  EXPECT_EQ(p.protocol.segments().size(), 2u);
  EXPECT_EQ(p.protocol.stages().size(), 7u);
  EXPECT_DOUBLE_EQ(p.protocol.end_time(), 10 + 3 * 40);
  EXPECT_EQ(p.protocol.stage_label(5), "quench 3/3");
}

TEST(ReadParameters, MissingFile)
{
  const std::string what = read_error("unit_does_not_exist.prm");
  EXPECT_TRUE(contains(what, "unit_does_not_exist.prm")) << what;
}

TEST(ReadParameters, UnknownEntryNamesFileLineAndEntry)
{
  const std::string file =
    write_prm("unit_unknown_entry.prm", replace_line(valid_text(), 6, "  set Colour = red"));
  const std::string what = read_error(file);
  EXPECT_TRUE(names_line(what, file, 6)) << what;
  EXPECT_TRUE(contains(what, "Colour")) << what;
}

TEST(ReadParameters, UnknownEntryInSegmentSubsection)
{
  const std::string file = write_prm("unit_unknown_segment_entry.prm",
                                     replace_line(valid_text(), 16, "    set Bath = water"));
  const std::string what = read_error(file);
  EXPECT_TRUE(names_line(what, file, 16)) << what;
  EXPECT_TRUE(contains(what, "Bath")) << what;
}

TEST(ReadParameters, MalformedValueNamesEntry)
{
  std::string file =
    write_prm("unit_bad_dimension.prm", replace_line(valid_text(), 1, "set Dimension = 4"));
  std::string what = read_error(file);
  EXPECT_TRUE(contains(what, "Dimension")) << what;
  EXPECT_TRUE(contains(what, file)) << what;
  EXPECT_TRUE(names_line(what, file, 1)) << what;

  file = write_prm("unit_bad_density.prm", replace_line(valid_text(), 4, "  set Density = heavy"));
  what = read_error(file);
  EXPECT_TRUE(contains(what, "Density")) << what;
  EXPECT_TRUE(contains(what, "heavy")) << what;
  EXPECT_TRUE(names_line(what, file, 4)) << what;

  file = write_prm("unit_bad_duration.prm",
                   replace_line(valid_text(), 15, "    set Duration = 3 weeks"));
  what = read_error(file);
  EXPECT_TRUE(contains(what, "Thermal protocol/quench/Duration")) << what;
  EXPECT_TRUE(names_line(what, file, 15)) << what;
}

TEST(ReadParameters, PropertyTableErrorNamesEntryAndLine)
{
  const std::string file = write_prm(
    "unit_bad_table.prm", replace_line(valid_text(), 5, "  set Heat capacity = 600:420, 300:640"));
  const std::string what = read_error(file);
  EXPECT_TRUE(contains(what, "Material/Heat capacity")) << what;
  EXPECT_TRUE(names_line(what, file, 5)) << what;

  // Values must be positive.
  const std::string file2 = write_prm("unit_negative_table.prm",
                                      replace_line(valid_text(), 6, "  set Thermal conductivity = -5"));
  const std::string what2 = read_error(file2);
  EXPECT_TRUE(contains(what2, "Material/Thermal conductivity")) << what2;
  EXPECT_TRUE(names_line(what2, file2, 6)) << what2;
}

TEST(ReadParameters, BadSequenceNamesLine)
{
  const std::string file = write_prm("unit_bad_sequence.prm", valid_text("hold,,quench"));
  const std::string what = read_error(file);
  EXPECT_TRUE(contains(what, "Thermal protocol/Sequence")) << what;
  EXPECT_TRUE(names_line(what, file, 9)) << what;
}

TEST(ReadParameters, SegmentWithoutSubsectionIsRejected)
{
  const std::string file = write_prm("unit_missing_segment.prm", valid_text("hold, quench, anneal"));
  const std::string what = read_error(file);
  EXPECT_TRUE(contains(what, "'anneal'")) << what;
  EXPECT_TRUE(contains(what, file)) << what;
}

TEST(ReadParameters, BoundaryIdInTwoListsIsRejected)
{
  const std::string file = write_prm("unit_double_id.prm", valid_text("hold, quench", "1, 2", "0, 2"));
  const std::string what = read_error(file);
  EXPECT_TRUE(contains(what, "boundary id 2")) << what;
  EXPECT_TRUE(contains(what, "Heat/Boundary conditions")) << what;
  EXPECT_TRUE(contains(what, file)) << what;
}

TEST(ReadParameters, OverrideTakesEffect)
{
  const std::string file = write_prm("unit_override.prm", valid_text());
  bmgfe::Parameters p;
  const auto        prm = bmgfe::read_parameters(
    file, {"Thermal protocol/quench/Heat transfer coefficient=2e4", "Material/Density = 7000"}, p);
  EXPECT_DOUBLE_EQ(p.protocol.segments()[1].heat_transfer_coefficient, 2e4);
  EXPECT_DOUBLE_EQ(p.material.density, 7000);
  // Not touched by the overrides.
  EXPECT_DOUBLE_EQ(p.protocol.segments()[0].heat_transfer_coefficient, 0);
  prm->enter_subsection("Material");
  EXPECT_DOUBLE_EQ(prm->get_double("Density"), 7000);
  prm->leave_subsection();
}

TEST(ReadParameters, BadOverridesAreRejected)
{
  const std::string file = write_prm("unit_bad_override.prm", valid_text());
  // Unknown entry in a known section, unknown section, bad value, no '='.
  for (const std::string o : {"Material/Colour=red", "Nonexistent/Entry=1", "Dimension=4",
                              "Thermal protocol/quench/Emissivity=2", "Dimension"})
    {
      const std::string what = read_error(file, {o});
      EXPECT_TRUE(contains(what, o)) << "override '" << o << "': " << what;
    }
}

TEST(ReadParameters, SequenceOverrideDeclaresNewSegments)
{
  const std::string file = write_prm("unit_sequence_override.prm", valid_text());
  bmgfe::Parameters p;
  bmgfe::read_parameters(file,
                         {"Thermal protocol/Sequence=hold, (ln2, quench)*2",
                          "Thermal protocol/ln2/Duration=3",
                          "Thermal protocol/ln2/Environment temperature=77",
                          "Thermal protocol/ln2/Heat transfer coefficient=200"},
                         p);
  ASSERT_EQ(p.protocol.segments().size(), 3u);
  EXPECT_EQ(p.protocol.segments()[1].name, "ln2");
  EXPECT_DOUBLE_EQ(p.protocol.segments()[1].duration, 3);
  EXPECT_DOUBLE_EQ(p.protocol.segments()[1].environment_start, 77);
  EXPECT_DOUBLE_EQ(p.protocol.segments()[1].heat_transfer_coefficient, 200);
  ASSERT_EQ(p.protocol.stages().size(), 5u);
  EXPECT_DOUBLE_EQ(p.protocol.end_time(), 10 + 2 * (3 + 30));

  // A new segment needs a definition, in the file or by an override.
  const std::string what = read_error(file, {"Thermal protocol/Sequence=hold, quench, anneal"});
  EXPECT_TRUE(contains(what, "'anneal'")) << what;
  EXPECT_TRUE(contains(what, file)) << what;
}

TEST(ReadParameters, SequenceOverrideMayDropSegmentsOfTheFile)
{
  // Running only part of a protocol from the command line: the file still defines 'quench'
  // (subsection at line 14), which the overridden sequence no longer uses. The file must
  // stay readable; the unused segment is simply not part of the protocol.
  const std::string file = write_prm("unit_sequence_drop.prm", valid_text());
  bmgfe::Parameters p;
  EXPECT_NO_THROW(bmgfe::read_parameters(file, {"Thermal protocol/Sequence=hold"}, p));
  ASSERT_EQ(p.protocol.segments().size(), 1u);
  EXPECT_EQ(p.protocol.segments()[0].name, "hold");
  EXPECT_DOUBLE_EQ(p.protocol.end_time(), 10);
}

TEST(ReadParameters, BadSequenceOverrideBlamesTheOverride)
{
  // The faulty sequence comes from the command line, not from line 9 of the file.
  const std::string file = write_prm("unit_bad_sequence_override.prm", valid_text());
  const std::string what = read_error(file, {"Thermal protocol/Sequence=hold,,quench"});
  EXPECT_TRUE(contains(what, "command-line override 'Thermal protocol/Sequence=hold,,quench'"))
    << what;
  EXPECT_FALSE(names_line(what, file, 9)) << what;
}
