// Global Newton method of the plastic model (source/physics/mechanics_newton.cc) on the
// plane-strain compression of parameters/compression_vit1.prm, shortened
// (short_compression_sets(): 2 % nominal strain, coarser cells):
//  * quadratic convergence with the consistent tangent: in the steps with plastic points, the
//    observed order log(r_k+1/r_k)/log(r_k/r_k-1) of the last two reductions above round-off
//    (relative residuals > 1e-13, newton_residuals.csv) reaches 1.8 in at
//    least one step;
//  * every step ends below the Newton tolerance (newton_residual_final);
//  * the median number of Newton iterations per time step is at most 6; the median
//    over the plastic steps is printed.
#include "plasticity_common.h"

using namespace plasticity;

TEST(PlasticNewton, QuadraticConvergenceInPlasticSteps)
{
  const double tolerance = 1e-8; // Mechanics/Newton/Tolerance (default)
  auto         sets      = short_compression_sets();
  sets.push_back("Mechanics/Newton/Tolerance=1e-8");
  const auto s = run("out_newton", compression_vit1(), sets);

  std::vector<double> iterations_all, iterations_plastic;
  double              best_order = 0, worst_final = 0;
  unsigned int        plastic_steps = 0;
  std::cout << "step  time (s)  plastic points  Newton its  substeps  order  residuals\n";
  for (std::size_t row = 1; row < s.n_rows(); ++row) // row 0: the solve at t = 0
    {
      const double its   = s.value("newton_iterations", row);
      const double final = s.value("newton_residual_final", row);
      iterations_all.push_back(its);
      worst_final = std::max(worst_final, final);
      if (s.value("plastic_quadrature_points", row) == 0)
        continue;
      ++plastic_steps;
      iterations_plastic.push_back(its);
      const auto   r     = newton_residuals("out_newton", s.value("time_step", row));
      const double order = observed_order(r, 1e-13);
      if (std::isfinite(order))
        best_order = std::max(best_order, order);
      std::cout << std::setw(4) << row << "  " << std::setw(8) << s.value("time_s", row) << "  "
                << std::setw(14) << s.value("plastic_quadrature_points", row) << "  "
                << std::setw(10) << its << "  " << std::setw(8)
                << s.value("mechanics_substeps", row) << "  " << std::setprecision(3)
                << std::setw(5) << order << std::setprecision(6) << "  " << join(r) << "\n";
      EXPECT_LE(final, tolerance) << "step " << row;
    }
  const double median_all = median(iterations_all), median_plastic = median(iterations_plastic);
  std::cout << "plastic steps " << plastic_steps << " of " << iterations_all.size()
            << "; best observed order of the last two reductions above 1e-13: " << best_order
            << "\nlargest final relative residual " << worst_final << " (tolerance " << tolerance
            << ")\nmedian Newton iterations per step: all steps " << median_all
            << ", plastic steps " << median_plastic << "\n";
  record("best_observed_order", best_order);
  record("median_newton_iterations_all_steps", median_all);
  record("median_newton_iterations_plastic_steps", median_plastic);
  ASSERT_GE(plastic_steps, 3u) << "the run did not reach the plastic range";
  EXPECT_GE(best_order, 1.8);
  EXPECT_LE(worst_final, tolerance);
  EXPECT_LE(median_all, 6);
}
