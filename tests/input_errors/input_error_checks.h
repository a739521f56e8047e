#pragma once
// Checks shared by the tests/input_errors suite: a bad input must give a non-zero exit
// code (not a signal), exactly one line "bmgfe: error: ..." naming what is wrong, and no
// completed run.
#include <bmgfe_test_support.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace input_errors
{
  namespace fs = std::filesystem;

  inline std::string input(const std::string &name)
  {
    return std::string(BMGFE_TEST_SOURCE_DIR) + "/input_errors/" + name;
  }

  /// An absolute path below the working directory that does not exist.
  inline std::string absent_directory(const std::string &name)
  {
    const fs::path p = fs::absolute(name);
    fs::remove_all(p);
    return p.string();
  }

  inline std::vector<std::string> lines_of(const std::string &text)
  {
    std::vector<std::string> out;
    std::istringstream       in(text);
    std::string              line;
    while (std::getline(in, line))
      if (line.find_first_not_of(" \t\r") != std::string::npos)
        out.push_back(line);
    return out;
  }

  /// The run failed cleanly with exactly one error line; returns that line ("" if none).
  /// `only_line`: nothing else may be printed (errors found before the run starts, serial).
  inline std::string single_error_line(const bmgfe_test::RunResult &r, const bool only_line)
  {
    EXPECT_NE(r.exit_code, 0) << r.output;
    EXPECT_GE(r.exit_code, 0) << "killed by a signal:\n" << r.output;
    EXPECT_LT(r.exit_code, 128) << "crashed (signal " << r.exit_code - 128 << "):\n" << r.output;
    EXPECT_EQ(r.output.find("core dumped"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("Stacktrace"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("An error occurred in line"), std::string::npos) << r.output;
    // deal.II's TimerOutput prints a 7-line banner when it is destroyed during stack
    // unwinding: the error must not come wrapped in it.
    EXPECT_EQ(r.output.find("TimerOutput objects finalize"), std::string::npos)
      << "multi-line error output:\n" << r.output;
    std::vector<std::string> errors;
    for (const auto &l : lines_of(r.output))
      if (l.find("bmgfe: error") != std::string::npos || l.find("rror:") != std::string::npos)
        errors.push_back(l);
    EXPECT_EQ(errors.size(), 1u) << "expected one error line, got:\n" << r.output;
    if (errors.empty())
      return "";
    EXPECT_EQ(errors[0].rfind("bmgfe: error: ", 0), 0u) << errors[0];
    if (only_line)
      {
        EXPECT_EQ(lines_of(r.output).size(), 1u) << "more than the error line:\n" << r.output;
      }
    std::cout << "[ error line ] " << errors[0] << std::endl;
    return errors[0];
  }

  /// `line` names `file` (by its file name) and the line number n, as "file:n" or
  /// deal.II's "Line <n> of file <...file>".
  inline ::testing::AssertionResult names_file_and_line(const std::string &line,
                                                        const std::string &file,
                                                        const unsigned int n)
  {
    const std::string name = fs::path(file).filename().string();
    const std::string num  = std::to_string(n);
    const std::regex  with_colon(std::regex_replace(name, std::regex("\\."), "\\.") + ":" + num + "\\b");
    const std::regex  dealii("[Ll]ine <?" + num + ">? of file <?[^ ]*" +
                            std::regex_replace(name, std::regex("\\."), "\\."));
    if (line.find(name) == std::string::npos)
      return ::testing::AssertionFailure() << "does not name the file " << name << ": " << line;
    if (!std::regex_search(line, with_colon) && !std::regex_search(line, dealii))
      return ::testing::AssertionFailure() << "does not give line " << n << " of " << name << ": "
                                           << line;
    return ::testing::AssertionSuccess();
  }

  inline bool contains(const std::string &line, const std::string &what)
  {
    return line.find(what) != std::string::npos;
  }

  /// No completed run is left in `directory` (ideally nothing at all).
  inline void expect_no_completed_run(const std::string &directory)
  {
    EXPECT_FALSE(fs::exists(directory)) << "an output directory was created: " << directory;
    const std::string summary = directory + "/summary.json";
    if (fs::exists(summary))
      {
        EXPECT_EQ(bmgfe_test::read_file(summary).find("\"completed\""), std::string::npos);
      }
  }
} // namespace input_errors
