// Bad input must be refused with one line "bmgfe: error: ..." that says where the problem
// is, a non-zero exit code, and no (completed) output directory.
#include "input_error_checks.h"

#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>

using namespace bmgfe_test;
using namespace input_errors;

namespace
{
  /// Run `args` plus an output directory of its own; the output directory must not appear.
  std::string refused(const std::string &name, std::vector<std::string> args)
  {
    const std::string out = absent_directory("out_" + name);
    args.push_back("--set");
    args.push_back("Output directory=" + out);
    const RunResult   r    = run_bmgfe(args);
    const std::string line = single_error_line(r, true);
    expect_no_completed_run(out);
    return line;
  }
} // namespace

TEST(InputErrors, MissingParameterFile)
{
  const std::string file = input("no_such_file.prm");
  const auto        line = refused("missing_file", {file});
  EXPECT_TRUE(contains(line, "no_such_file.prm")) << line;
}

TEST(InputErrors, UnknownEntry)
{
  const std::string file = input("unknown_entry.prm");
  const auto        line = refused("unknown_entry", {file});
  EXPECT_TRUE(names_file_and_line(line, file, 19));
  EXPECT_TRUE(contains(line, "Heat transfer coeficient")) << line;
  EXPECT_TRUE(contains(line, "did you mean 'Heat transfer coefficient'?")) << line;
}

TEST(InputErrors, MisspeltEntrySuggestsTheDeclaredOne)
{
  const std::string file = input("misspelt_entry.prm");
  const auto        line = refused("misspelt_entry", {file});
  EXPECT_TRUE(names_file_and_line(line, file, 10));
  EXPECT_TRUE(contains(line, "entry 'Geometry/Rod radus': no such entry; did you mean 'Rod radius'?"))
    << line;
}

TEST(InputErrors, MisspeltSubsectionSuggestsTheDeclaredOne)
{
  const std::string file = input("misspelt_subsection.prm");
  const auto        line = refused("misspelt_subsection", {file});
  EXPECT_TRUE(names_file_and_line(line, file, 8));
  EXPECT_TRUE(contains(line, "subsection 'Geomtry': no such subsection; did you mean 'Geometry'?"))
    << line;
}

TEST(InputErrors, EntryWithApostropheKeepsItsLine)
{
  const std::string file = input("negative_youngs_modulus.prm");
  const auto        line = refused("negative_youngs_modulus", {file});
  EXPECT_TRUE(names_file_and_line(line, file, 15));
  EXPECT_TRUE(contains(line, "entry 'Material/Young's modulus'")) << line;
}

TEST(InputErrors, MalformedDimension)
{
  const std::string file = input("bad_dimension.prm");
  const auto        line = refused("bad_dimension", {file});
  EXPECT_TRUE(names_file_and_line(line, file, 3));
  EXPECT_TRUE(contains(line, "Dimension")) << line;
  EXPECT_TRUE(contains(line, "5")) << line;
}

TEST(InputErrors, NegativeDensity)
{
  const std::string file = input("negative_density.prm");
  const auto        line = refused("negative_density", {file});
  EXPECT_TRUE(names_file_and_line(line, file, 15));
  EXPECT_TRUE(contains(line, "Density")) << line;
}

TEST(InputErrors, EmissivityAboveOne)
{
  const std::string file = input("emissivity_too_large.prm");
  const auto        line = refused("emissivity", {file});
  EXPECT_TRUE(names_file_and_line(line, file, 20));
  EXPECT_TRUE(contains(line, "Emissivity")) << line;
}

TEST(InputErrors, UnknownBoundaryId)
{
  const std::string file = input("unknown_boundary_id.prm");
  const auto        line = refused("unknown_boundary_id", {file});
  EXPECT_TRUE(names_file_and_line(line, file, 26));
  EXPECT_TRUE(contains(line, "Robin boundary ids")) << line;
  EXPECT_TRUE(contains(line, "boundary id 7")) << line;
}

TEST(InputErrors, BoundaryWithoutCondition)
{
  const std::string file = input("missing_boundary_condition.prm");
  const auto        line = refused("missing_condition", {file});
  EXPECT_TRUE(contains(line, "missing_boundary_condition.prm")) << line;
  EXPECT_TRUE(contains(line, "Heat/Boundary conditions")) << line;
  EXPECT_TRUE(contains(line, "boundary id 3")) << line;
}

TEST(InputErrors, SimplexMeshIsRefused)
{
  const std::string file = input("simplex_mesh.prm");
  const auto        line = refused("simplex_mesh", {file});
  EXPECT_TRUE(contains(line, "simplex_mesh.geo")) << line;
  EXPECT_TRUE(contains(line, "simplex")) << line;
  EXPECT_TRUE(contains(line, "recombine")) << line;
}

TEST(InputErrors, MissingMeshFile)
{
  const std::string file = input("missing_mesh.prm");
  const auto        line = refused("missing_mesh", {file});
  EXPECT_TRUE(names_file_and_line(line, file, 10));
  EXPECT_TRUE(contains(line, "Mesh file")) << line;
  EXPECT_TRUE(contains(line, "no_such_mesh.msh")) << line;
}

TEST(InputErrors, UnwritableOutputDirectory)
{
  // As root permissions do not stop writing: use a path below a regular file.
  const std::string blocker = fs::absolute("not_a_directory").string();
  fs::remove_all(blocker);
  std::ofstream(blocker) << "a regular file\n";
  const std::string out = blocker + "/out";
  const RunResult   r   = run_bmgfe({input("valid.prm"), "--set", "Output directory=" + out});
  // Found when the run starts, after the set-up report: that report may precede the line.
  const std::string line = single_error_line(r, false);
  EXPECT_TRUE(contains(line, "Output directory")) << line;
  EXPECT_TRUE(contains(line, out)) << line;
  EXPECT_TRUE(fs::is_regular_file(blocker));
}

TEST(InputErrors, UnknownCommandLineOption)
{
  const auto line = refused("unknown_option", {input("valid.prm"), "--frobnicate"});
  EXPECT_TRUE(contains(line, "--frobnicate")) << line;
}

TEST(InputErrors, OverrideOfUnknownEntry)
{
  const auto line = refused("unknown_override", {input("valid.prm"), "--set", "Material/Densty=6000"});
  EXPECT_TRUE(contains(line, "Material/Densty")) << line;
}

TEST(InputErrors, OverrideWithMalformedValue)
{
  const auto line = refused("bad_override", {input("valid.prm"), "--set", "Dimension=5"});
  EXPECT_TRUE(contains(line, "Dimension=5")) << line;
}

TEST(InputErrors, MisspeltOverrideSuggestsTheDeclaredName)
{
  const std::vector<std::pair<std::string, std::string>> cases = {
    {"Geometry/Rod radus=1e-3",
     "command-line override 'Geometry/Rod radus=1e-3': entry 'Geometry/Rod radus': no such entry; "
     "did you mean 'Rod radius'?"},
    {"Geomtry/Rod radius=1e-3",
     "command-line override 'Geomtry/Rod radius=1e-3': subsection 'Geomtry': no such subsection; "
     "did you mean 'Geometry'?"},
    {"Thermal protocol/qench/Duration=2 s",
     "subsection 'Thermal protocol/qench': no such subsection; did you mean 'quench'?"},
    // Case is ignored in the comparison (deal.II's names are case-sensitive).
    {"geometry/Rod radius=1e-3", "did you mean 'Geometry'?"},
    // Nothing plausible: no suggestion.
    {"Geometry/Frobnication=1",
     "command-line override 'Geometry/Frobnication=1': entry 'Geometry/Frobnication': no such entry"}};
  for (const auto &[assignment, expected] : cases)
    {
      const auto line = refused("misspelt_override", {input("valid.prm"), "--set", assignment});
      EXPECT_TRUE(contains(line, expected)) << line;
      EXPECT_FALSE(contains(line, "valid.prm")) << "blamed on the file: " << line;
      if (assignment.rfind("Geometry/Frobnication", 0) == 0)
        {
          EXPECT_FALSE(contains(line, "did you mean")) << line;
        }
    }
}

TEST(InputErrors, BadOverrideValueNamesTheOverride)
{
  // Values that match the entry's pattern but are refused when the parameters are parsed:
  // the override is to blame even if the file sets the entry too (Initial time step, line
  // 32), with spaces around '=' and with an apostrophe in the entry's name.
  for (const std::string assignment :
       {"Time stepping/Initial time step = 0", "Time stepping / Initial time step=0",
        "Material/Young's modulus=-1"})
    {
      const auto line = refused("bad_override_value", {input("valid.prm"), "--set", assignment});
      EXPECT_TRUE(contains(line, "command-line override '" + assignment + "': entry '")) << line;
      EXPECT_FALSE(contains(line, "valid.prm")) << "blamed on the file: " << line;
    }
}

TEST(InputErrors, ValueOutsideItsPatternIsSaidInWords)
{
  // deal.II's "The entry value ... does not match the given pattern: [Double 0...MAX_DOUBLE
  // (inclusive)]" becomes the README's form, in the file and on the command line alike.
  const std::string density = input("negative_density.prm");
  const auto        line    = refused("pattern_density", {density});
  EXPECT_TRUE(names_file_and_line(line, density, 15));
  EXPECT_TRUE(contains(line, "entry 'Material/Density': '-6100' is not a number >= 0")) << line;
  const std::string dimension = input("bad_dimension.prm");
  const auto        dim_line  = refused("pattern_dimension", {dimension});
  EXPECT_TRUE(contains(dim_line, "entry 'Dimension': '5' is not an integer from 2 to 3")) << dim_line;
  const auto set_line =
    refused("pattern_override", {input("valid.prm"), "--set", "Time stepping/Adaptive=maybe"});
  EXPECT_TRUE(contains(set_line, "command-line override 'Time stepping/Adaptive=maybe': entry "
                                 "'Time stepping/Adaptive': 'maybe' is not true or false"))
    << set_line;
  for (const auto &l : {line, dim_line, set_line})
    {
      EXPECT_FALSE(contains(l, "does not match")) << l;
      EXPECT_FALSE(contains(l, "The entry value")) << l;
    }
}

TEST(InputErrors, AdmissibleRangesAreCheckedBeforeTheRun)
{
  // valid.prm: a 1 s protocol on a small axisymmetric rod. Each value is refused by
  // --validate with the entry it concerns (named by the override, not the file).
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
    {{"Heat/Initial temperature=0"}, "entry 'Heat/Initial temperature': must be a positive"},
    {{"Heat/Initial temperature=350 - 1e6*x"}, "entry 'Heat/Initial temperature': must be a positive"},
    {{"Thermal protocol/quench/Environment temperature=0"},
     "entry 'Thermal protocol/quench/Environment temperature': must be positive"},
    {{"Material/Stress-free temperature=0"}, "entry 'Material/Stress-free temperature'"},
    {{"Output/Interval in time=1e-300"}, "entry 'Output/Interval in time': must be 0 or at least 1e-5"},
    {{"Time stepping/Minimum time step=1e-300"},
     "entry 'Time stepping/Minimum time step': must be at least 1e-12"},
    {{"Time stepping/Adaptive=false", "Time stepping/Initial time step=1e-9"},
     "entry 'Time stepping/Initial time step': the fixed step"},
    {{"Statistics/Probe points=far: 1, 1"}, "entry 'Statistics/Probe points': probe 'far'"},
    {{"Geometry/Global refinement=12"}, "entry 'Geometry/Global refinement': the refined mesh"},
    {{"Geometry/Mesh size=1e-9"}, "entry 'Geometry/Mesh size'"},
    {{"Material/Young's modulus=1e300"}, "entry 'Material/Young's modulus': values must lie in"},
    {{"Thermal protocol/Sequence=" + std::string(200, '(') + "quench" + std::string(200, ')')},
     "entry 'Thermal protocol/Sequence': cannot read the segment sequence"}};
  for (const auto &[assignments, expected] : cases)
    {
      std::vector<std::string> args = {"--validate", input("valid.prm")};
      for (const auto &a : assignments)
        {
          args.push_back("--set");
          args.push_back(a);
        }
      const auto line = refused("admissible_range", args);
      EXPECT_TRUE(contains(line, expected)) << line;
      EXPECT_TRUE(contains(line, "command-line override '")) << line;
      EXPECT_FALSE(contains(line, "valid.prm")) << "blamed on the file: " << line;
      EXPECT_LT(line.size(), 400u) << line;
    }
}

// The progress guard: a step that stays far too small for the protocol ends the run with
// one line (here the step cannot grow: no temperature change is small enough).
TEST(RuntimeFailure, StalledTimeStepStopsTheRun)
{
  const std::string out = absent_directory("out_stalled_step");
  const RunResult   r   = run_bmgfe({input("valid.prm"), "--set", "Output directory=" + out,
                                     "--set", "Time stepping/Maximum temperature change=1e-300",
                                     "--set", "Time stepping/Maximum number of steps=100000"});
  const std::string line = single_error_line(r, false);
  EXPECT_TRUE(contains(line, "the time step has stalled at")) << line;
  EXPECT_TRUE(contains(line, "'Time stepping/Maximum number of steps' (100000)")) << line;
  ASSERT_TRUE(fs::is_regular_file(out + "/summary.json")) << r.output;
  EXPECT_TRUE(contains(read_file(out + "/summary.json"), "\"failed\"")) << read_file(out + "/summary.json");
}

// A run that fails while running: non-zero exit, one error line, summary "failed".
TEST(RuntimeFailure, StepLimitMarksTheRunFailed)
{
  const std::string out = absent_directory("out_step_limit");
  const RunResult   r   = run_bmgfe({input("valid.prm"), "--set", "Output directory=" + out,
                                     "--set", "Time stepping/Maximum number of steps=3"});
  const std::string line = single_error_line(r, false);
  EXPECT_TRUE(contains(line, "Maximum number of steps")) << line;
  ASSERT_TRUE(fs::is_regular_file(out + "/summary.json")) << r.output;
  const std::string summary = read_file(out + "/summary.json");
  boost::property_tree::ptree tree;
  ASSERT_NO_THROW(boost::property_tree::read_json(out + "/summary.json", tree)) << summary;
  EXPECT_EQ(tree.get<std::string>("status", ""), "failed") << summary;
  // The message is the one-line reason, as printed on the error line (no deal.II
  // exception frame or stack trace).
  const std::string message = tree.get<std::string>("message", "");
  EXPECT_TRUE(contains(message, "Maximum number of steps")) << summary;
  EXPECT_TRUE(contains(line, message)) << "summary message '" << message
                                       << "' differs from the error line " << line;
  EXPECT_EQ(message.find('\n'), std::string::npos) << summary;
  EXPECT_FALSE(contains(message, "Stacktrace")) << summary;
  // What was computed before the failure is kept.
  const Statistics stats(out + "/statistics.csv");
  ASSERT_EQ(stats.n_rows(), 4u);
  EXPECT_EQ(stats.value("time_step", 3), 3);
}
