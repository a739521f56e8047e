// Failure path of the plastic model: a Newton iteration that cannot converge in the first
// plastic step ('Mechanics/Newton/Maximum iterations = 1', 'Maximum cutbacks = 0'; with Q1
// displacements the elastic steps converge in one iteration) stops the run with
//  * a non-zero exit code and exactly one error line, which names
//    'Mechanics/Newton/Maximum cutbacks';
//  * summary.json status "failed" with the message;
//  * a last snapshot of the last converged state: the final solution.pvd entry is at the time
//    of the last completed step (the last row of statistics.csv) and its files exist.
#include "plasticity_common.h"

#include <regex>

using namespace plasticity;

TEST(PlasticFailure, NewtonFailureStopsWithMessageAndLastState)
{
  auto sets = short_compression_sets();
  // Snapshots on (every 5 s as in the scenario), so that the failure snapshot is an extra one.
  sets.push_back("Output/Write visualization=true");
  // Q1: the scenario's Q2 needs two iterations in the first (elastic) step, whose GMRES
  // tolerance is relative to the right-hand side of the prescribed platen increment.
  sets.push_back("Mechanics/Finite element degree=1");
  sets.push_back("Mechanics/Newton/Maximum iterations=1");
  sets.push_back("Mechanics/Newton/Maximum cutbacks=0");
  const RunOutput r = run_raw("out_failure", compression_vit1(), sets);
  std::cout << "exit code " << r.result.exit_code << "; output:\n" << r.result.output << "\n";

  EXPECT_NE(r.result.exit_code, 0);
  std::vector<std::string> error_lines;
  {
    std::istringstream in(r.result.output);
    std::string        line;
    while (std::getline(in, line))
      if (line.find("error") != std::string::npos || line.find("Error") != std::string::npos)
        error_lines.push_back(line);
  }
  ASSERT_EQ(error_lines.size(), 1u);
  EXPECT_NE(error_lines[0].find("bmgfe: error:"), std::string::npos) << error_lines[0];
  EXPECT_NE(error_lines[0].find("'Mechanics/Newton/Maximum cutbacks'"), std::string::npos)
    << error_lines[0];

  EXPECT_NE(r.summary.find("\"status\": \"failed\""), std::string::npos) << r.summary;
  EXPECT_NE(r.summary.find("did not converge"), std::string::npos) << r.summary;

  // The statistics end with the last converged step, which was elastic.
  const bmgfe_test::Statistics s("out_failure/statistics.csv");
  ASSERT_GT(s.n_rows(), 1u);
  const double t_last = s.value("time_s", s.n_rows() - 1);
  EXPECT_EQ(s.value("plastic_quadrature_points", s.n_rows() - 1), 0);
  EXPECT_GT(t_last, 10.0) << "the run should fail at yield (nominal strain about 1.65 %)";

  // solution.pvd: the last DataSet is the last converged state.
  const std::string pvd = bmgfe_test::read_file("out_failure/solution.pvd");
  const std::regex  dataset("<DataSet timestep=\"([^\"]+)\"[^>]*file=\"([^\"]+)\"");
  double            t_snapshot = -1;
  std::string       file;
  unsigned int      n_snapshots = 0;
  for (auto it = std::sregex_iterator(pvd.begin(), pvd.end(), dataset); it != std::sregex_iterator();
       ++it, ++n_snapshots)
    {
      t_snapshot = std::stod((*it)[1]);
      file       = (*it)[2];
    }
  std::cout << "last statistics row t = " << t_last << " s; " << n_snapshots
            << " snapshots, the last at t = " << t_snapshot << " s: " << file << "\n";
  ASSERT_FALSE(file.empty()) << pvd;
  EXPECT_NEAR(t_snapshot, t_last, 1e-9);
  EXPECT_TRUE(std::filesystem::exists("out_failure/" + file)) << file;
  // The .pvtu's pieces exist and are not empty.
  const std::string pvtu = bmgfe_test::read_file("out_failure/" + file);
  const std::regex  piece("<Piece Source=\"([^\"]+)\"");
  unsigned int      pieces = 0;
  const std::string folder = std::filesystem::path("out_failure/" + file).parent_path().string();
  for (auto it = std::sregex_iterator(pvtu.begin(), pvtu.end(), piece); it != std::sregex_iterator();
       ++it, ++pieces)
    {
      const std::string vtu = folder + "/" + std::string((*it)[1]);
      EXPECT_TRUE(std::filesystem::exists(vtu)) << vtu;
      if (std::filesystem::exists(vtu))
        {
          EXPECT_GT(std::filesystem::file_size(vtu), 0u) << vtu;
        }
    }
  EXPECT_GE(pieces, 1u) << pvtu;
  // The run says where the state is.
  EXPECT_NE(r.result.output.find("the last converged state"), std::string::npos);
}
