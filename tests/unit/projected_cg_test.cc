// linear_algebra::ProjectedCG on a small SPD matrix (1D heat operator M/dt + K): it must
// reach the same solutions as dealii::SolverCG, and its initial guess must be exact when
// the right-hand sides lie in the span of the earlier ones.
#include <bmgfe/linear_algebra/backend.h>
#include <bmgfe/linear_algebra/projected_cg.h>

#include <deal.II/base/mpi.h>
#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/solver_cg.h>

#include <gtest/gtest.h>

#include <cmath>

using namespace dealii;
using LA = bmgfe::linear_algebra::Trilinos;

namespace
{
  // Larger than ML's coarse-grid size (2000): the AMG is a real multilevel preconditioner.
  constexpr unsigned int n = 20000;

  struct Problem
  {
    IndexSet         owned;
    LA::SparseMatrix A;
    LA::AMG          amg;

    Problem()
      : owned(complete_index_set(n))
    {
      DynamicSparsityPattern dsp(n, n);
      for (unsigned int i = 0; i < n; ++i)
        for (unsigned int j = (i > 0 ? i - 1 : 0); j <= std::min(i + 1, n - 1); ++j)
          dsp.add(i, j);
      A.reinit(owned, owned, dsp, MPI_COMM_WORLD);
      // (h/dt) mass + (1/h) stiffness of linear elements on [0, 1]: SPD.
      const double h = 1.0 / n, a = 1e3;
      for (unsigned int i = 0; i < n; ++i)
        {
          A.set(i, i, a * 2 * h / 3 + 2 / h);
          if (i > 0)
            A.set(i, i - 1, a * h / 6 - 1 / h);
          if (i + 1 < n)
            A.set(i, i + 1, a * h / 6 - 1 / h);
        }
      A.compress(VectorOperation::insert);
      bmgfe::linear_algebra::AMGSettings s;
      s.elliptic = true;
      bmgfe::linear_algebra::initialize_amg(amg, A, s);
    }

    /// Right-hand side of "step" k: smooth in k (quadratic), like a time series.
    LA::Vector rhs(const double k) const
    {
      LA::Vector b(owned, MPI_COMM_WORLD);
      for (unsigned int i = 0; i < n; ++i)
        {
          const double x = (i + 0.5) / n;
          b[i]           = std::sin(3 * x) + k * std::exp(-x) + k * k * x * x;
        }
      b.compress(VectorOperation::insert);
      return b;
    }
  };
} // namespace

TEST(ProjectedCG, SameSolutionsAsSolverCGAndExactGuessInTheSpan)
{
  Problem                                   p;
  bmgfe::linear_algebra::ProjectedCG<LA>    cg;
  cg.reinit(p.owned, MPI_COMM_WORLD, 12);
  LA::Vector                                x(p.owned, MPI_COMM_WORLD), reference(x);
  std::vector<unsigned int>                 iterations;
  for (unsigned int k = 0; k < 8; ++k)
    {
      const LA::Vector b   = p.rhs(k);
      const double     tol = 1e-10 * b.l2_norm();
      SolverControl    control(200, tol);
      iterations.push_back(cg.solve(p.A, p.amg, x, b, control));

      reference = 0;
      SolverControl      reference_control(200, tol);
      SolverCG<LA::Vector> solver(reference_control);
      solver.solve(p.A, reference, b, p.amg);
      LA::Vector difference = x;
      difference -= reference;
      // Both stop at ||r|| <= 1e-10 ||b||; the solutions agree to about that relative level.
      EXPECT_LT(difference.l2_norm(), 1e-8 * reference.l2_norm()) << "step " << k;
    }
  // b(k) is quadratic in k: from the fourth solve on, x(k) lies in x(k-1) + span of the
  // two earlier differences, so the projected guess is exact up to the accuracy of the
  // recorded solutions (1e-10 relative): at most one iteration instead of the full count.
  EXPECT_GT(iterations[0], 4u);
  for (unsigned int k = 3; k < iterations.size(); ++k)
    EXPECT_LE(iterations[k], 1u) << "step " << k;
  EXPECT_LE(cg.n_directions(), 11u);
}

TEST(ProjectedCG, WithoutHistoryItIsPlainPCGFromTheGivenVector)
{
  Problem                                p;
  bmgfe::linear_algebra::ProjectedCG<LA> cg;
  cg.reinit(p.owned, MPI_COMM_WORLD, 0);
  LA::Vector x(p.owned, MPI_COMM_WORLD);
  unsigned int last = 0;
  for (unsigned int k = 0; k < 5; ++k)
    {
      const LA::Vector b = p.rhs(k);
      x                  = 0; // same start every time: same iteration count as SolverCG
      SolverControl control(200, 1e-10 * b.l2_norm());
      last = cg.solve(p.A, p.amg, x, b, control);
      LA::Vector    reference(p.owned, MPI_COMM_WORLD);
      SolverControl reference_control(200, 1e-10 * b.l2_norm());
      SolverCG<LA::Vector> solver(reference_control);
      solver.solve(p.A, reference, b, p.amg);
      EXPECT_EQ(last, reference_control.last_step()) << "step " << k;
    }
  EXPECT_EQ(cg.n_directions(), 0u);
  EXPECT_GT(last, 0u);
}

TEST(ProjectedCG, NoConvergenceLeavesTheVectorAndHistoryUntouched)
{
  Problem                                p;
  bmgfe::linear_algebra::ProjectedCG<LA> cg;
  cg.reinit(p.owned, MPI_COMM_WORLD, 12);
  LA::Vector       x(p.owned, MPI_COMM_WORLD);
  const LA::Vector b = p.rhs(0);
  SolverControl    too_few(1, 1e-14 * b.l2_norm());
  EXPECT_THROW(cg.solve(p.A, p.amg, x, b, too_few), SolverControl::NoConvergence);
  EXPECT_EQ(x.l2_norm(), 0.0);
  EXPECT_EQ(cg.n_directions(), 0u);
}

TEST(ProjectedCG, ZeroRightHandSideGivesZeroWithoutIterations)
{
  Problem                                p;
  bmgfe::linear_algebra::ProjectedCG<LA> cg;
  cg.reinit(p.owned, MPI_COMM_WORLD, 12);
  LA::Vector x(p.owned, MPI_COMM_WORLD);
  {
    const LA::Vector b = p.rhs(1);
    SolverControl    control(200, 1e-10 * b.l2_norm());
    EXPECT_GT(cg.solve(p.A, p.amg, x, b, control), 0u);
  }
  // Relative to ||b|| = 0 no tolerance can be met; the exact answer is x = 0.
  const LA::Vector zero(p.owned, MPI_COMM_WORLD);
  SolverControl    control(200, 0.0);
  EXPECT_EQ(cg.solve(p.A, p.amg, x, zero, control), 0u);
  EXPECT_EQ(x.l2_norm(), 0.0);
}

int main(int argc, char **argv)
{
  Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
