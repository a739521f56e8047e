// Preconditioned CG for a sequence of solves with one fixed SPD matrix and slowly changing
// right-hand sides (time steps of a linear problem: the heat equation with constant
// properties and a fixed step, linear thermo-elasticity with temperature-independent moduli).
//
// The initial guess is the A-norm projection of the new solution onto the space spanned by
// the last few solutions ("solution projection", P. F. Fischer, CMAME 163, 1998): with
// x_n the last solution and d_i = x_{i+1} - x_i the differences of earlier ones,
//   x0 = x_n + D c,   (D^T A D) c = D^T (b - A x_n),
// minimises the A-norm error over x_n + span{d_i}. The products A d_i are known from the CG
// residuals (A x = b - r), so a guess costs a few dot products plus one product for the
// true residual of x0. On smooth transients CG then needs 1-4 iterations instead of 10-20.
#ifndef bmgfe_linear_algebra_projected_cg_h
#define bmgfe_linear_algebra_projected_cg_h

#include <bmgfe/linear_algebra/backend.h>

#include <deal.II/base/index_set.h>
#include <deal.II/lac/solver_control.h>

#include <mpi.h>

#include <vector>

namespace bmgfe
{
  namespace linear_algebra
  {
    template <typename LA>
    class ProjectedCG
    {
    public:
      using Vector = typename LA::Vector;

      /// Allocates the work vectors for this layout and forgets the history. The last
      /// `history` solutions (`history` - 1 differences) span the guess space; with
      /// history <= 1 this is plain PCG from the given x.
      void reinit(const dealii::IndexSet &owned, MPI_Comm comm, unsigned int history);
      /// The same with the layout of `model` (the matrix-free path: its ghosted layout).
      void reinit(const Vector &model, unsigned int history);

      /// Forget the earlier solutions: call whenever the matrix changes.
      void clear_history();

      /// Number of differences currently spanning the guess space.
      unsigned int n_directions() const { return static_cast<unsigned int>(d.size()); }

      /// Solves A x = b by preconditioned CG (the algorithm and stopping rule of
      /// dealii::SolverCG: ||r|| <= control.tolerance()). Starts from the projection of the
      /// earlier solutions if there are any, else from x. On success the solution is
      /// recorded for later guesses and the number of iterations is returned; on failure
      /// SolverControl::NoConvergence is thrown, x is unchanged and nothing is recorded.
      /// For b = 0 the result is x = 0 without iterations (and without recording).
      /// x and b are owned (non-ghosted) vectors; constraints are the caller's business
      /// (x is returned as CG left it, before any distribute()).
      unsigned int solve(const typename LA::SparseMatrix &A, const typename LA::AMG &preconditioner,
                         Vector &x, const Vector &b, dealii::SolverControl &control);

    private:
      void guess(const typename LA::SparseMatrix &A, const Vector &b);
      void record(const Vector &b);

      unsigned int max_directions = 0;
      MPI_Comm     comm = MPI_COMM_NULL;

      Vector solution, residual, direction, preconditioned, product; ///< CG work vectors
      std::vector<Vector>              d, ad; ///< differences d_i and A d_i
      std::vector<std::vector<double>> gram;  ///< d_i . A d_j
      Vector last_x, last_ax;                 ///< last recorded solution and A times it
      bool   has_last = false;
    };
  } // namespace linear_algebra
} // namespace bmgfe

#endif
