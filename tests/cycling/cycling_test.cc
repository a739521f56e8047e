// Thermal cycling, finite-element level (issue 16; doc/model.md "Thermal cycling").
//  * NoRatchetingWithoutHeterogeneity: warm_cycles.prm, a homogeneous viscoplastic Vit1 block
//    (all heterogeneity amplitudes zero, no creation term) cycled 10 times 540 K <-> 600 K,
//    where it ages by 36 K of T_f: x at the probe after every cycle equals the relaxation law
//    alone (FreeVolumeParameters::update with the KWW spectrum) integrated on the probe's
//    temperature history, to 1e-10 relative; 'cycle statistics' reports the same x.
//  * ElasticCycleReturnsToInitialStress: the shipped window (parameters/ctc_vit1_window.prm,
//    CTE and modulus fields) made thermo-elastic, cycled 293 -> 77 -> 373 -> 293 K: the largest
//    von Mises stress at the end of the cycle is below 1e-10 of the cycle's peak.
//  * PlasticWorkOfACycle: the window at delta_alpha = 6, where 40 % of it yields in the first
//    dip: the plastic work of the cycle summed by the return maps equals sigma_n+1 : d eps_p
//    integrated over the steps from the committed fields, to 1e-6.
//  * OneAndTwoRanks: the same window (100 um) after 3 cycles on 1 and 2 ranks: every column of
//    cycles.csv agrees to 1e-8.
//  * DirectPreconditionerKeepsTheAnswer: the same window (100 um, delta_alpha = 6, one cycle in
//    which it yields) with GMRES preconditioned by the LU of the elastic stiffness, kept while
//    every relaxation exponent is below 1e-3 (Trilinos and PETSc), against the AMG rebuilt
//    above 1e-12: every column of cycles.csv agrees to 1e-8.
//  * ElasticStepsReuseTheTangent: the window at the scenario's amplitudes (nothing yields) with
//    the LU: every frozen step after the first (below 350 K) converges in one Newton iteration
//    with one GMRES iteration per solve, although its first assembly reuses the tangent of an earlier step
//    (a stale or wrong tangent would leave a residual above the Newton tolerance), and the LU is
//    factorised once.
#include "../mechanics/mechanics_common.h"

#include <bmgfe/materials/free_volume.h>

#include <fstream>

namespace
{
  std::string here(const std::string &name)
  {
    return std::string(BMGFE_TEST_SOURCE_DIR) + "/cycling/" + name;
  }
  std::string window() { return std::string(BMGFE_SOURCE_DIR) + "/parameters/ctc_vit1_window.prm"; }

  bmgfe_test::Statistics run(const std::string &out, const std::string &prm,
                             const std::vector<std::string> &sets, const unsigned int ranks = 0)
  {
    const auto r = bmgfe_test::run_bmgfe(bmgfe_test::fresh_run_arguments(prm, sets, out), ranks);
    if (r.exit_code != 0)
      {
        ADD_FAILURE() << "bmgfe run '" << out << "' failed (exit code " << r.exit_code << "):\n"
                      << r.output;
        throw std::runtime_error("bmgfe run failed: " + out);
      }
    return bmgfe_test::Statistics(out + "/cycles.csv");
  }

  double relative(const double a, const double b, const double floor = 0)
  {
    return std::abs(a - b) / std::max({std::abs(a), std::abs(b), floor});
  }
} // namespace

TEST(Cycling, NoRatchetingWithoutHeterogeneity)
{
  const std::string out    = "out_warm_cycles";
  const auto        cycles = run(out, here("warm_cycles.prm"), {});
  const bmgfe_test::Statistics s(out + "/statistics.csv");

  // The law of warm_cycles.prm: Vit1 defaults, tau0 fixed, KWW beta = 0.5.
  bmgfe::FreeVolumeParameters p;
  p.tau0                = 1.84108e-17;
  p.tau0_calibrated     = false;
  p.kww_spectrum        = true;
  p.stretching_exponent = 0.5;
  p.set_spectra();
  std::vector<double> modes(p.structural_spectrum.size(), p.x_of_fictive_temperature(662));

  ASSERT_EQ(cycles.n_rows(), 11u);
  std::size_t cycle = 1;
  double      worst = 0, x0 = p.total_free_volume(modes);
  for (std::size_t i = 1; i < s.n_rows(); ++i)
    {
      const double T_old = s.value("temperature_at_centre_K", i - 1);
      const double T_new = s.value("temperature_at_centre_K", i);
      const double dt    = s.value("time_s", i) - s.value("time_s", i - 1);
      modes              = p.update(modes, T_old, T_new, dt).modes;
      if (cycle < cycles.n_rows() &&
          std::abs(s.value("time_s", i) - cycles.value("time_s", cycle)) < 1e-9)
        {
          const double x_law   = p.total_free_volume(modes);
          const double x_probe = s.value("free_volume_at_centre", i);
          const double x_mean  = cycles.value("free_volume_mean", cycle);
          worst                = std::max(worst, relative(x_probe, x_law));
          EXPECT_LT(relative(x_probe, x_law), 1e-10) << "cycle " << cycle;
          // The mean over the block too (its temperature is uniform to the heat solver's
          // tolerance, ~1e-8 K, so its x differs from the probe's by ~5e-11).
          EXPECT_LT(relative(x_mean, x_law), 1e-10) << "cycle " << cycle;
          ++cycle;
        }
    }
  EXPECT_EQ(cycle, 11u) << "not every cycle end is a step of statistics.csv";
  const double x_end = cycles.value("free_volume_mean", 10);
  std::cout << "x: " << x0 << " -> " << x_end << " after 10 cycles (T_f "
            << cycles.value("fictive_temperature_mean_K", 0) << " -> "
            << cycles.value("fictive_temperature_mean_K", 10) << " K); largest |x - law|/x "
            << worst << '\n';
  mechanics::record("warm_cycles_worst_relative_x_error", worst);
  // Not trivial: the glass aged by more than 10 K of T_f, and nothing yielded.
  EXPECT_LT(cycles.value("fictive_temperature_mean_K", 10), 652);
  EXPECT_EQ(cycles.value("yielded_fraction_total", 10), 0);
}

TEST(Cycling, ElasticCycleReturnsToInitialStress)
{
  const auto c = run("out_elastic_cycle", window(),
                     {"Mechanics/Inelastic model=none", "Thermal protocol/Sequence=ln2, boiling_water, back",
                      "Thermal protocol/back/Duration=60",
                      "Thermal protocol/back/Environment temperature=293.15",
                      "Thermal protocol/back/Heat transfer coefficient=5e3",
                      "Postprocess/Cycle statistics/Cycle end segment=back",
                      // The stress returns as far as the temperature does: solve both to
                      // round-off (the default heat tolerances leave T 2e-8 K off at the end).
                      "Heat/Solver/Linear solver tolerance=1e-13", "Heat/Solver/Nonlinear tolerance=1e-11",
                      "Mechanics/Solver/Linear solver tolerance=1e-13"});
  ASSERT_EQ(c.n_rows(), 2u);
  const double peak = c.value("von_mises_max_Pa", 1), end = c.value("von_mises_end_max_Pa", 1);
  std::cout << "thermo-elastic window: peak von Mises " << peak << " Pa, at the end " << end
            << " Pa (" << end / peak << " of the peak)\n";
  mechanics::record("elastic_cycle_end_over_peak", end / peak);
  EXPECT_GT(peak, 1e7); // the CTE and modulus fields stress it
  EXPECT_LT(end, 1e-10 * peak);
}

TEST(Cycling, PlasticWorkOfACycle)
{
  const auto c = run("out_plastic_cycle", window(),
                     {"Heterogeneity/CTE amplitude=6", "Thermal protocol/Sequence=ln2, boiling_water"});
  ASSERT_EQ(c.n_rows(), 2u);
  const std::string unit = "_J_per_m";
  const double law = c.value("plastic_work_cycle" + unit, 1);
  const double fields = c.value("plastic_work_fields_cycle" + unit, 1);
  std::cout << "window at delta_alpha = 6: yielded fraction " << c.value("yielded_fraction_cycle", 1)
            << ", plastic work " << law << " J/m (law), " << fields << " J/m (fields), relative "
            << relative(law, fields) << "; x " << c.value("free_volume_mean", 0) << " -> "
            << c.value("free_volume_mean", 1) << '\n';
  mechanics::record("plastic_cycle_work_relative_difference", relative(law, fields));
  EXPECT_GT(c.value("yielded_fraction_cycle", 1), 0.1);
  EXPECT_GT(law, 0);
  EXPECT_LT(relative(law, fields), 1e-6);
  // Plastic dilatation raises the mean free volume (rejuvenation).
  EXPECT_GT(c.value("free_volume_mean", 1), c.value("free_volume_mean", 0));
}

TEST(Cycling, OneAndTwoRanks)
{
  const std::vector<std::string> sets = {
    "Heterogeneity/CTE amplitude=6", "Thermal protocol/Sequence=(ln2, boiling_water)*3",
    "Geometry/Block width=1e-4", "Geometry/Block height=1e-4",
    "Mechanics/Boundary conditions/Point constraints=(-5e-5, 0): x, y; (5e-5, 0): y"};
  const auto one = run("out_cycles_1rank", window(), sets, 1);
  const auto two = run("out_cycles_2ranks", window(), sets, 2);
  ASSERT_EQ(one.n_rows(), 4u);
  ASSERT_EQ(two.n_rows(), 4u);
  std::ifstream            in("out_cycles_1rank/cycles.csv");
  std::string              header;
  std::getline(in, header);
  std::stringstream        hs(header);
  std::string              column;
  double                   worst = 0;
  std::string              worst_column;
  while (std::getline(hs, column, ','))
    for (std::size_t r = 0; r < one.n_rows(); ++r)
      {
        // Plastic work and stresses: relative to the column's largest value (zeros in row 0).
        double scale = 0;
        for (std::size_t k = 0; k < one.n_rows(); ++k)
          scale = std::max(scale, std::abs(one.value(column, k)));
        const double d = relative(one.value(column, r), two.value(column, r), scale);
        if (d > worst)
          {
            worst        = d;
            worst_column = column;
          }
        EXPECT_LT(d, 1e-8) << column << " in row " << r;
      }
  std::cout << "1 vs 2 ranks after 3 cycles: largest relative difference " << worst << " ("
            << worst_column << "); yielded " << one.value("yielded_fraction_total", 3) << '\n';
  mechanics::record("cycles_1_vs_2_ranks", worst);
  EXPECT_GT(one.value("yielded_fraction_total", 3), 0.1);
}

namespace
{
  /// Every column of two cycles.csv agrees to `tolerance` (relative to the column's largest
  /// value); returns the largest difference.
  double compare_cycles(const std::string &a_dir, const std::string &b_dir, const double tolerance)
  {
    const bmgfe_test::Statistics a(a_dir + "/cycles.csv"), b(b_dir + "/cycles.csv");
    EXPECT_EQ(a.n_rows(), b.n_rows());
    std::ifstream in(a_dir + "/cycles.csv");
    std::string   header, column;
    std::getline(in, header);
    std::stringstream hs(header);
    double            worst = 0;
    while (std::getline(hs, column, ','))
      for (std::size_t r = 0; r < std::min(a.n_rows(), b.n_rows()); ++r)
        {
          double scale = 0;
          for (std::size_t k = 0; k < a.n_rows(); ++k)
            scale = std::max(scale, std::abs(a.value(column, k)));
          const double d = relative(a.value(column, r), b.value(column, r), scale);
          worst          = std::max(worst, d);
          EXPECT_LT(d, tolerance) << column << " in row " << r;
        }
    return worst;
  }
} // namespace

TEST(Cycling, DirectPreconditionerKeepsTheAnswer)
{
  const std::vector<std::string> sets = {
    "Heterogeneity/CTE amplitude=6", "Thermal protocol/Sequence=ln2, boiling_water",
    "Geometry/Block width=1e-4", "Geometry/Block height=1e-4",
    "Mechanics/Boundary conditions/Point constraints=(-5e-5, 0): x, y; (5e-5, 0): y"};
  auto amg = sets, direct = sets;
  amg.push_back("Mechanics/Newton/Preconditioner=AMG");
  direct.push_back("Mechanics/Newton/Preconditioner=direct");
  direct.push_back("Mechanics/Newton/Preconditioner relaxation bound=1e-3");
  const auto a = run("out_precondition_amg", window(), amg);
  const auto d = run("out_precondition_direct", window(), direct);
  ASSERT_EQ(a.n_rows(), 2u);
  // The PETSc backend's LU (PCLU with MUMPS) as well.
  auto petsc = direct;
  petsc.push_back("Linear algebra=PETSc");
  run("out_precondition_direct_petsc", window(), petsc);
  const double worst = compare_cycles("out_precondition_amg", "out_precondition_direct", 1e-8);
  const double worst_petsc =
    compare_cycles("out_precondition_amg", "out_precondition_direct_petsc", 1e-8);
  std::cout << "LU against AMG preconditioner, one plastic cycle: largest relative difference "
            << worst << " (Trilinos), " << worst_petsc << " (PETSc); yielded "
            << d.value("yielded_fraction_cycle", 1) << '\n';
  mechanics::record("cycle_direct_vs_amg_preconditioner", worst);
  EXPECT_GT(d.value("yielded_fraction_cycle", 1), 0.1); // the plastic branches ran
}

TEST(Cycling, ElasticStepsReuseTheTangent)
{
  run("out_reuse_tangent", window(),
      {"Thermal protocol/Sequence=ln2, boiling_water", "Geometry/Block width=1e-4",
       "Geometry/Block height=1e-4",
       "Mechanics/Boundary conditions/Point constraints=(-5e-5, 0): x, y; (5e-5, 0): y",
       "Mechanics/Newton/Preconditioner=direct",
       "Mechanics/Newton/Preconditioner relaxation bound=1e-3"});
  const bmgfe_test::Statistics s("out_reuse_tangent/statistics.csv");
  ASSERT_GT(s.n_rows(), 20u);
  unsigned int worst_newton = 0, worst_gmres = 0, plastic = 0, frozen_steps = 0;
  for (std::size_t r = 2; r < s.n_rows(); ++r) // row 0: t = 0; row 1: the first step
    {
      plastic += static_cast<unsigned int>(s.value("plastic_quadrature_points", r));
      // The frozen steps (every relaxation exponent below 1e-12: below ~350 K here) reuse the
      // tangent. Near 373 K the exponents reach ~1e-4: the tangent is assembled (Maxwell), the
      // LU of the elastic stiffness is no longer its exact inverse, and GMRES to its relative
      // tolerance 1e-8 may leave Newton a second iteration.
      if (s.value("temperature_max_K", r) >= 350)
        continue;
      ++frozen_steps;
      worst_newton = std::max(worst_newton, static_cast<unsigned int>(s.value("newton_iterations", r)));
      worst_gmres  = std::max(worst_gmres,
                             static_cast<unsigned int>(s.value("linear_iterations_mechanics", r)));
    }
  std::cout << "elastic cycle with the LU and the reused tangent: " << frozen_steps
            << " frozen steps, at most " << worst_newton << " Newton and " << worst_gmres
            << " GMRES iterations per step\n";
  EXPECT_EQ(plastic, 0u);
  EXPECT_GT(frozen_steps, 20u);
  EXPECT_EQ(worst_newton, 1u);
  // Generalized plane strain: two solves per Newton iteration (u and the axial response).
  EXPECT_LE(worst_gmres, 2u);
  // The LU was factorised once: the timer table of the log counts its calls.
  std::ifstream log("out_reuse_tangent/log.txt");
  std::string   line;
  bool          found = false;
  while (std::getline(log, line))
    if (line.find("mechanics: LU factorisation") != std::string::npos)
      {
        std::stringstream ls(line.substr(line.find('|', 2) + 1));
        unsigned int      calls = 0;
        ls >> calls;
        EXPECT_EQ(calls, 1u) << line;
        found = true;
      }
  EXPECT_TRUE(found) << "no 'mechanics: LU factorisation' row in the timer table of log.txt";
}
