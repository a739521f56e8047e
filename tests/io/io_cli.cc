// Command-line modes that write nothing: --print-parameters, --validate, --version, --help.
#include <bmgfe_test_support.h>
#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <regex>

using namespace bmgfe_test;
namespace fs = std::filesystem;

TEST(PrintParameters, PrmStyleIsDocumented)
{
  for (const std::vector<std::string> &args :
       {std::vector<std::string>{"--print-parameters"},
        std::vector<std::string>{"--print-parameters", "prm"}})
    {
      const auto r = run_bmgfe(args);
      EXPECT_EQ(r.exit_code, 0) << r.output;
      EXPECT_NE(r.output.find("set Heat transfer coefficient"), std::string::npos);
      EXPECT_NE(r.output.find("set Linear algebra"), std::string::npos);
      EXPECT_NE(r.output.find("subsection Thermal protocol"), std::string::npos);
      // Documentation is printed as comments above the entries.
      EXPECT_NE(r.output.find("# Convective heat transfer coefficient h"), std::string::npos);
      EXPECT_EQ(r.output.find("bmgfe: error"), std::string::npos) << r.output.substr(0, 500);
    }
}

TEST(PrintParameters, JsonStyleIsValidJson)
{
  const auto r = run_bmgfe({"--print-parameters", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::istringstream           in(r.output);
  boost::property_tree::ptree tree;
  ASSERT_NO_THROW(boost::property_tree::read_json(in, tree)) << r.output.substr(0, 2000);
  using path = boost::property_tree::ptree::path_type;
  EXPECT_EQ(tree.get<std::string>(path("Linear algebra/value", '/')), "Trilinos");
  EXPECT_FALSE(tree.get<std::string>(path("Linear algebra/documentation", '/')).empty());
  EXPECT_EQ(tree.get<std::string>(path("Thermal protocol/hold/Heat transfer coefficient/value", '/')),
            "0");
  EXPECT_FALSE(
    tree.get<std::string>(path("Thermal protocol/hold/Heat transfer coefficient/documentation", '/'))
      .empty());
}

TEST(PrintParameters, UnknownStyleIsAnError)
{
  const auto r = run_bmgfe({"--print-parameters", "xml"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(r.output.rfind("bmgfe: error:", 0), 0u) << r.output;
}

TEST(Validate, AcceptsTheExampleAndWritesNothing)
{
  // as_cast_vit1.prm writes to the relative folder output/as_cast_vit1: run in a fresh
  // folder. (htc_vit1.prm needs the as-cast run's output first: checked below.)
  const fs::path here = fs::current_path();
  const fs::path work = fs::absolute("io_validate");
  fs::remove_all(work);
  fs::create_directories(work);
  fs::current_path(work);
  const auto r = run_bmgfe({"--validate", std::string(BMGFE_SOURCE_DIR) + "/parameters/as_cast_vit1.prm"});
  // Without output/as_cast_vit1 the HTC scenario cannot start: one error that says so.
  const auto htc =
    run_bmgfe({"--validate", std::string(BMGFE_SOURCE_DIR) + "/parameters/htc_vit1.prm"});
  std::vector<std::string> left;
  for (const auto &e : fs::directory_iterator(work))
    if (e.path().filename().string().rfind("bmgfe_test_run_", 0) != 0)
      left.push_back(e.path().filename().string());
  fs::current_path(here);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("is valid"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(work / "output")) << "--validate created an output directory";
  EXPECT_TRUE(left.empty()) << "--validate wrote " << left.front();
  EXPECT_NE(htc.exit_code, 0) << htc.output;
  EXPECT_NE(htc.output.find("entry 'Material/Free volume/Initial state': 'output/as_cast_vit1' "
                            "does not exist (run the scenario that writes it first)"),
            std::string::npos)
    << htc.output;
}

TEST(Version, OneLineWithRevisionBuildTypeAndLibraries)
{
  const auto r = run_bmgfe({"--version"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  const std::regex line(R"(bmgfe \d+\.\d+\.\d+ \(git ([0-9a-f]{7,}(-dirty)?|unknown), \w+, )"
                        R"(deal\.II \d+\.\d+\.\d+, .*Trilinos.*PETSc.*p4est[^)]*\)\n)");
  EXPECT_TRUE(std::regex_match(r.output, line)) << r.output;

  // The revision is the source tree's as of the last build (taken at every build, not when
  // CMake configured): after a commit the next build must show the new hash.
  std::string head;
  const std::string command = "git -C " + quote(BMGFE_SOURCE_DIR) + " rev-parse --short HEAD 2>/dev/null";
  if (FILE *git = popen(command.c_str(), "r"))
    {
      char buffer[64] = {};
      if (fgets(buffer, sizeof(buffer), git) != nullptr)
        head = std::regex_replace(std::string(buffer), std::regex("\\s+$"), "");
      pclose(git);
    }
  if (!head.empty())
    {
      EXPECT_NE(r.output.find("(git " + head), std::string::npos)
        << "bmgfe --version does not name HEAD " << head << " (stale build?): " << r.output;
    }

  // --help starts with the same line.
  const auto help = run_bmgfe({"--help"});
  EXPECT_EQ(help.exit_code, 0) << help.output;
  EXPECT_EQ(help.output.rfind(r.output + "usage: bmgfe FILE.prm", 0), 0u) << help.output;
  EXPECT_NE(help.output.find("bmgfe --version"), std::string::npos) << help.output;
}
