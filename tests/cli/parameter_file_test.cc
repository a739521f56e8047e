// Misspelt parameter names: edit distance, the nearest declared name and when it is too far
// to suggest, the declared names of a ParameterHandler, and a parameter file read statement
// by statement as deal.II reads it (comments, continuation lines, apostrophes in names).
#include <bmgfe/io/parameter_file.h>

#include <deal.II/base/parameter_handler.h>

#include <gtest/gtest.h>

#include <fstream>

using namespace bmgfe;

TEST(EditDistance, CountsEditsIgnoringCase)
{
  EXPECT_EQ(edit_distance("Geometry", "Geometry"), 0u);
  EXPECT_EQ(edit_distance("geometry", "GEOMETRY"), 0u);
  EXPECT_EQ(edit_distance("Geomtry", "Geometry"), 1u);   // deletion
  EXPECT_EQ(edit_distance("Rod radus", "Rod radius"), 1u);
  EXPECT_EQ(edit_distance("Rod raidus", "Rod radius"), 1u); // adjacent transposition
  EXPECT_EQ(edit_distance("Densty", "Density"), 1u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
}

TEST(ClosestName, SuggestsOnlyPlausibleMisspellings)
{
  const std::vector<std::string> names = {"Rod radius", "Rod length", "Type",
                                          "Heat transfer coefficient"};
  EXPECT_EQ(closest_name("Rod radus", names), "Rod radius");
  EXPECT_EQ(closest_name("rod LENGTH", names), "Rod length");
  EXPECT_EQ(closest_name("Typo", names), "Type");           // short names: up to 2 edits
  EXPECT_EQ(closest_name("Frobnication", names), "");       // nothing near
  EXPECT_EQ(closest_name("Rod", names), "");                // 7 edits from "Rod length"
  // Up to a third of the length for long names: 3 edits of a 22-character name.
  EXPECT_EQ(closest_name("Heat trnsfer cofficent", names), "Heat transfer coefficient");
  EXPECT_EQ(closest_name("anything", {}), "");
}

namespace
{
  void declare(dealii::ParameterHandler &prm)
  {
    prm.declare_entry("Dimension", "2", dealii::Patterns::Integer(2, 3));
    prm.enter_subsection("Geometry");
    prm.declare_entry("Rod radius", "1", dealii::Patterns::Double(0));
    prm.declare_entry("Rod length", "1", dealii::Patterns::Double(0));
    prm.leave_subsection();
    prm.enter_subsection("Material");
    prm.declare_entry("Young's modulus", "96e9", dealii::Patterns::Anything());
    prm.enter_subsection("Free volume");
    prm.declare_entry("Initial state", "", dealii::Patterns::Anything());
    prm.leave_subsection();
    prm.leave_subsection();
  }

  std::string write(const std::string &name, const std::string &text)
  {
    std::ofstream(name) << text;
    return name;
  }
} // namespace

TEST(DeclaredNames, ChecksPathsAndSuggests)
{
  dealii::ParameterHandler prm;
  declare(prm);
  const DeclaredNames names(prm);
  EXPECT_EQ(names.check({}, "Dimension"), "");
  EXPECT_EQ(names.check({"Geometry"}, "Rod radius"), "");
  EXPECT_EQ(names.check({"Material"}, "Young's modulus"), "");
  EXPECT_EQ(names.check({"Material", "Free volume"}), "");
  EXPECT_EQ(names.check({"Material", "Free volume"}, "Initial state"), "");
  EXPECT_EQ(names.check({"Geometry"}, "Rod radus"),
            "entry 'Geometry/Rod radus': no such entry; did you mean 'Rod radius'?");
  EXPECT_EQ(names.check({}, "Dimensoin"), "entry 'Dimensoin': no such entry; did you mean 'Dimension'?");
  EXPECT_EQ(names.check({"Geomtry"}, "Rod radius"),
            "subsection 'Geomtry': no such subsection; did you mean 'Geometry'?");
  EXPECT_EQ(names.check({"Material", "Free volme"}, "Initial state"),
            "subsection 'Material/Free volme': no such subsection; did you mean 'Free volume'?");
  EXPECT_EQ(names.check({"Material"}, "Youngs modulus"),
            "entry 'Material/Youngs modulus': no such entry; did you mean 'Young's modulus'?");
  EXPECT_EQ(names.check({"Geometry"}, "Frobnication"), "entry 'Geometry/Frobnication': no such entry");
  // An entry is not a subsection, nor the other way round.
  EXPECT_NE(names.check({"Dimension"}), "");
  EXPECT_NE(names.check({}, "Geometry"), "");
}

TEST(ParameterStatements, ReadAsDealIIReadsThem)
{
  const std::string file = write("statements.prm",
                                 "# comment\n"
                                 "set Dimension = 3   # trailing comment\n"
                                 "\n"
                                 "subsection Material\n"
                                 "\tset Young's modulus = 300:96e9, \\\n"
                                 "     600:90e9\n"
                                 "  SUBSECTION Free volume\n"
                                 "    set Initial state = run/a\n"
                                 "  END\n"
                                 "end\n"
                                 "nonsense here\n");
  const auto s = read_parameter_statements(file);
  ASSERT_EQ(s.size(), 8u);
  using Kind = ParameterStatement::Kind;
  EXPECT_EQ(s[0].kind, Kind::set);
  EXPECT_EQ(s[0].name, "Dimension");
  EXPECT_EQ(s[0].value, "3");
  EXPECT_EQ(s[0].first_line, 2u);
  EXPECT_EQ(s[1].kind, Kind::subsection);
  EXPECT_EQ(s[1].name, "Material");
  EXPECT_EQ(s[2].kind, Kind::set);
  EXPECT_EQ(s[2].name, "Young's modulus");
  EXPECT_EQ(s[2].value, "300:96e9, 600:90e9");
  EXPECT_EQ(s[2].first_line, 5u);
  EXPECT_EQ(s[2].last_line, 6u);
  EXPECT_EQ(s[2].path, std::vector<std::string>{"Material"});
  EXPECT_EQ(s[3].kind, Kind::subsection);
  EXPECT_EQ(s[4].path, (std::vector<std::string>{"Material", "Free volume"}));
  EXPECT_EQ(s[5].kind, Kind::end);
  EXPECT_EQ(s[6].kind, Kind::end);
  EXPECT_EQ(s[6].path, std::vector<std::string>{"Material"});
  EXPECT_EQ(s[7].kind, Kind::other); // deal.II refuses it
  EXPECT_EQ(s[7].first_line, 11u);
  EXPECT_EQ(read_parameter_statements("no_such_file.prm").size(), 0u);

  EXPECT_EQ(find_entry_line(file, "Material/Young's modulus"), 5u);
  EXPECT_EQ(find_entry_line(file, "Material/Free volume/Initial state"), 8u);
  EXPECT_EQ(find_entry_line(file, "Material/Density"), 0u);
  EXPECT_TRUE(file_has_subsection(file, {"Material", "Free volume"}));
  EXPECT_FALSE(file_has_subsection(file, {"Free volume"}));
}

TEST(ParameterStatements, LastSetOfAnEntryTakesEffect)
{
  const std::string file = write("twice.prm", "set Dimension = 2\nset Dimension = 3\n");
  EXPECT_EQ(find_entry_line(file, "Dimension"), 2u);
}

TEST(UnknownName, FirstUndeclaredStatementOfAFile)
{
  dealii::ParameterHandler prm;
  declare(prm);
  const DeclaredNames names(prm);
  const auto entry = find_unknown_name(write("unknown_entry.prm", "set Dimension = 2\n"
                                                                  "subsection Geometry\n"
                                                                  "  set Rod radius = 1\n"
                                                                  "  set Rod lenght = 2\n"
                                                                  "end\n"),
                                       names);
  ASSERT_TRUE(entry.has_value());
  EXPECT_EQ(entry->first_line, 4u);
  EXPECT_EQ(entry->message, "entry 'Geometry/Rod lenght': no such entry; did you mean 'Rod length'?");

  const auto section = find_unknown_name(write("unknown_section.prm", "\n"
                                                                      "subsection Materail\n"
                                                                      "  set Frobnication = 1\n"
                                                                      "end\n"),
                                         names);
  ASSERT_TRUE(section.has_value());
  EXPECT_EQ(section->first_line, 2u);
  EXPECT_EQ(section->message, "subsection 'Materail': no such subsection; did you mean 'Material'?");

  EXPECT_FALSE(find_unknown_name(write("known.prm", "subsection Material\n"
                                                    "  set Young's modulus = 1\n"
                                                    "end\n"),
                                 names)
                 .has_value());
}
