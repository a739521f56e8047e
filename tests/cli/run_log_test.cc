// The run log: everything goes to the console; after attach() also to the file, which
// starts with the header and what was written before attach(). The header of log.txt.
#include <bmgfe/base/version.h>
#include <bmgfe/io/run_log.h>

#include <deal.II/base/conditional_ostream.h>

#include <bmgfe_test_support.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iomanip>
#include <regex>
#include <sstream>

using namespace bmgfe;

using bmgfe_test::read_file;

TEST(RunLog, BuffersUntilAttachedThenWritesBoth)
{
  std::filesystem::remove("run_log_test.txt");
  std::ostringstream console;
  {
    RunLog log(console);
    log << "start-up " << std::setprecision(3) << 3.14159 << '\n';
    log.put('x');
    log << std::endl;
    EXPECT_FALSE(log.attached());
    EXPECT_FALSE(std::filesystem::exists("run_log_test.txt"));
    log.attach("run_log_test.txt", "HEADER\n");
    EXPECT_TRUE(log.attached());
    // Written at once (the header and the buffered text), before anything else arrives.
    EXPECT_EQ(read_file("run_log_test.txt"), "HEADER\nstart-up 3.14\nx\n");
    log << "step 1" << std::flush;
    EXPECT_EQ(read_file("run_log_test.txt"), "HEADER\nstart-up 3.14\nx\nstep 1");
    log << ", step 2\n";
  }
  EXPECT_EQ(console.str(), "start-up 3.14\nx\nstep 1, step 2\n");
  EXPECT_EQ(read_file("run_log_test.txt"), "HEADER\nstart-up 3.14\nx\nstep 1, step 2\n");
}

TEST(RunLog, WorksBehindConditionalOStream)
{
  // As the simulator uses it: pcout(log, rank == 0), attached once the output folder exists.
  std::filesystem::remove("run_log_pcout.txt");
  std::ostringstream          console;
  RunLog                      log(console);
  dealii::ConditionalOStream  pcout(log, true);
  pcout << "bmgfe: run.prm\n" << "  mesh : " << 64 << " cells\n";
  log.attach("run_log_pcout.txt", "HEADER\n");
  pcout << "step " << 1 << std::endl;
  EXPECT_EQ(console.str(), "bmgfe: run.prm\n  mesh : 64 cells\nstep 1\n");
  EXPECT_EQ(read_file("run_log_pcout.txt"), "HEADER\nbmgfe: run.prm\n  mesh : 64 cells\nstep 1\n");
}

TEST(RunLog, InactiveLogWritesNothing)
{
  std::filesystem::remove("run_log_inactive.txt");
  std::ostringstream console;
  RunLog             log(console, false);
  log << "rank 1 says something\n" << std::flush;
  log.attach("run_log_inactive.txt", "HEADER\n");
  EXPECT_FALSE(log.attached());
  EXPECT_EQ(console.str(), "");
  EXPECT_FALSE(std::filesystem::exists("run_log_inactive.txt"));
}

TEST(RunLog, UnwritableFileIsAnInputError)
{
  std::ostringstream console;
  RunLog             log(console);
  EXPECT_THROW(log.attach("no_such_directory/deeper/log.txt"), std::runtime_error);
  EXPECT_FALSE(log.attached());
}

TEST(RunLog, CommandLineIsQuotedForTheShell)
{
  EXPECT_EQ(command_line_text({"build/bmgfe", "run.prm", "--set",
                               "Thermal protocol/cool/Environment temperature rate=-5",
                               "--set", "Material/Young's modulus=1", ""}),
            "build/bmgfe run.prm --set 'Thermal protocol/cool/Environment temperature rate=-5' "
            "--set 'Material/Young'\\''s modulus=1' ''");
}

TEST(RunLog, LocalTimeIsIso8601WithOffset)
{
  const std::string t = iso8601_local_time(std::chrono::system_clock::now());
  EXPECT_TRUE(std::regex_match(t, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d)"))) << t;
  // In UTC the offset is +00:00 and the epoch is 1970-01-01T00:00:00.
  setenv("TZ", "UTC", 1);
  tzset();
  EXPECT_EQ(iso8601_local_time(std::chrono::system_clock::time_point()), "1970-01-01T00:00:00+00:00");
  setenv("TZ", "EST5", 1); // five hours behind UTC, no daylight saving
  tzset();
  EXPECT_EQ(iso8601_local_time(std::chrono::system_clock::time_point()), "1969-12-31T19:00:00-05:00");
  unsetenv("TZ");
  tzset();
}

TEST(RunLog, HeaderNamesVersionCommandTimeHostRanksDirectory)
{
  const char *argv[] = {"build/bmgfe", "parameters/htc_vit1.prm", "--set", "Output directory=out 1"};
  const RunInfo     info(4, argv);
  const std::string header = log_header(info, 4);
  EXPECT_NE(header.find("  version      : " + version_string() + "\n"), std::string::npos) << header;
  EXPECT_NE(header.find("  command      : build/bmgfe parameters/htc_vit1.prm --set "
                        "'Output directory=out 1'\n"),
            std::string::npos)
    << header;
  EXPECT_NE(header.find("  started      : " + iso8601_local_time(info.start) + "\n"), std::string::npos)
    << header;
  EXPECT_TRUE(std::regex_search(header, std::regex("\n  host         : [^\n]+\n"))) << header;
  EXPECT_NE(header.find("  MPI ranks    : 4\n"), std::string::npos) << header;
  EXPECT_NE(header.find("  directory    : " + std::filesystem::current_path().string() + "\n"),
            std::string::npos)
    << header;
}

TEST(Version, NamesProjectRevisionBuildAndLibraries)
{
  const std::string v = version_string();
  EXPECT_TRUE(std::regex_match(
    v, std::regex(R"(bmgfe \d+\.\d+\.\d+ \(git ([0-9a-f]{7,}(-dirty)?|unknown), \w+, deal\.II \d+\.\d+\.\d+, )"
                  R"((no )?MPI, (Trilinos \d+\.\d+\.\d+|no Trilinos), (PETSc \d+\.\d+\.\d+|no PETSc), )"
                  R"((p4est \d+\.\d+\.\d+|no p4est)\))")))
    << v;
  EXPECT_NE(v.find("(git " + git_revision() + ","), std::string::npos) << v;
}
