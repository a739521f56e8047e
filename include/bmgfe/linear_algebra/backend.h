#pragma once
// Run-time choice of the parallel linear algebra (set Linear algebra = Trilinos|PETSc).
// Everything that owns matrices and vectors is templated on one of the two traits
// structs below and instantiated for both; main() dispatches once at start-up.
#include <deal.II/lac/petsc_precondition.h>
#include <deal.II/lac/petsc_sparse_matrix.h>
#include <deal.II/lac/petsc_vector.h>
#include <deal.II/lac/trilinos_precondition.h>
#include <deal.II/lac/trilinos_sparse_matrix.h>
#include <deal.II/lac/trilinos_vector.h>

#include <memory>
#include <string>
#include <vector>

namespace dealii
{
  class SolverControl;
  namespace TrilinosWrappers
  {
    class SolverDirect;
  }
} // namespace dealii

namespace bmgfe
{
  namespace linear_algebra
  {
    enum class Backend
    {
      trilinos,
      petsc
    };
    Backend parse_backend(const std::string &name);

    /// Settings of the algebraic multigrid preconditioner of a scalar or vector problem.
    struct AMGSettings
    {
      bool         elliptic               = true;
      bool         higher_order_elements  = false;
      unsigned int smoother_sweeps        = 2;
      /// ML (Trilinos) smoother: "Chebyshev" or "symmetric Gauss-Seidel" (GAMG keeps its own).
      std::string  smoother_type          = "Chebyshev";
      /// ML (Trilinos) drop tolerance for the aggregation graph.
      double       aggregation_threshold  = 0.02;
      /// GAMG (PETSc) drop tolerance on the scaled graph (PETSc's own default is 0).
      double       gamg_threshold         = 0.0;
    };

    /// Smoothed-aggregation AMG of PETSc (GAMG), which deal.II 9.4 does not wrap.
    class PETScGAMG : public dealii::PETScWrappers::PreconditionBase
    {
    public:
      void initialize(const dealii::PETScWrappers::MatrixBase &matrix, const AMGSettings &settings);
    };

    /// Sparse LU factorisation of a matrix (MUMPS through Trilinos Amesos), applied as a
    /// preconditioner: vmult() is the exact inverse of the matrix given to initialize(). One
    /// factorisation, then only forward and backward substitutions; memory grows faster than
    /// an AMG hierarchy's (2D sections, not large 3D meshes).
    class TrilinosDirect
    {
    public:
      TrilinosDirect();
      ~TrilinosDirect();
      void initialize(const dealii::TrilinosWrappers::SparseMatrix &matrix);
      void vmult(dealii::TrilinosWrappers::MPI::Vector &dst,
                 const dealii::TrilinosWrappers::MPI::Vector &src) const;

    private:
      std::unique_ptr<dealii::SolverControl>                control;
      std::unique_ptr<dealii::TrilinosWrappers::SolverDirect> solver;
    };

    /// The same through PETSc (PCLU with MUMPS as the factorisation package).
    class PETScDirect : public dealii::PETScWrappers::PreconditionBase
    {
    public:
      void initialize(const dealii::PETScWrappers::MatrixBase &matrix);
    };

    struct Trilinos
    {
      using Vector       = dealii::TrilinosWrappers::MPI::Vector;
      using SparseMatrix = dealii::TrilinosWrappers::SparseMatrix;
      using AMG          = dealii::TrilinosWrappers::PreconditionAMG;
      using Direct       = TrilinosDirect;
      using Jacobi       = dealii::TrilinosWrappers::PreconditionJacobi;
      static constexpr const char *name = "Trilinos";
    };

    struct PETSc
    {
      using Vector       = dealii::PETScWrappers::MPI::Vector;
      using SparseMatrix = dealii::PETScWrappers::MPI::SparseMatrix;
      using AMG          = PETScGAMG;
      using Direct       = PETScDirect;
      using Jacobi       = dealii::PETScWrappers::PreconditionJacobi;
      static constexpr const char *name = "PETSc";
    };

    /// ML's settings for `settings` (shared by the scalar and the elasticity AMG).
    Trilinos::AMG::AdditionalData ml_data(const AMGSettings &settings);

    /// Build `amg` for `matrix` with the given settings (ML for Trilinos, GAMG for PETSc).
    void initialize_amg(Trilinos::AMG &amg, const Trilinos::SparseMatrix &matrix,
                        const AMGSettings &settings);
    void initialize_amg(PETSc::AMG &amg, const PETSc::SparseMatrix &matrix,
                        const AMGSettings &settings);
  } // namespace linear_algebra
} // namespace bmgfe
