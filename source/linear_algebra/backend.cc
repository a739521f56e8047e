#include <bmgfe/base/input_error.h>
#include <bmgfe/linear_algebra/backend.h>

#include <deal.II/base/exceptions.h>
#include <deal.II/lac/solver_control.h>
#include <deal.II/lac/trilinos_solver.h>

#include <petscpc.h>


namespace bmgfe
{
  namespace linear_algebra
  {
    Backend parse_backend(const std::string &name)
    {
      if (name == "Trilinos")
        return Backend::trilinos;
      if (name == "PETSc")
        return Backend::petsc;
      throw InputError("entry 'Linear algebra': '" + name + "' is not Trilinos or PETSc");
    }

    namespace
    {
      /// A PETSc call's error code as deal.II's exception.
      void check_petsc(const PetscErrorCode ierr)
      {
        AssertThrow(ierr == 0, dealii::ExcPETScError(ierr));
      }
    } // namespace

    void PETScGAMG::initialize(const dealii::PETScWrappers::MatrixBase &m, const AMGSettings &s)
    {
      clear();
      matrix = static_cast<Mat>(m);
      create_pc();
      check_petsc(PCSetType(pc, PCGAMG));
      check_petsc(PCGAMGSetType(pc, PCGAMGAGG));
      PetscReal threshold[1] = {s.gamg_threshold};
      check_petsc(PCGAMGSetThreshold(pc, threshold, 1));
      check_petsc(PCGAMGSetNSmooths(pc, 1));
      // Aggressive coarsening on the first level (square graph) keeps the set-up cheap.
      check_petsc(PCGAMGSetAggressiveLevels(pc, 1));
      check_petsc(PCSetOperators(pc, matrix, matrix));
      check_petsc(PCSetUp(pc));
    }

    TrilinosDirect::TrilinosDirect() = default;
    TrilinosDirect::~TrilinosDirect() = default;

    void TrilinosDirect::initialize(const dealii::TrilinosWrappers::SparseMatrix &matrix)
    {
      // One "iteration" to zero tolerance: SolverDirect reports success after its solve.
      control = std::make_unique<dealii::SolverControl>(1, 0);
      solver  = std::make_unique<dealii::TrilinosWrappers::SolverDirect>(
        *control, dealii::TrilinosWrappers::SolverDirect::AdditionalData(false, "Amesos_Mumps"));
      solver->initialize(matrix);
    }

    void TrilinosDirect::vmult(dealii::TrilinosWrappers::MPI::Vector       &dst,
                               const dealii::TrilinosWrappers::MPI::Vector &src) const
    {
      Assert(solver, dealii::ExcMessage("TrilinosDirect used before initialize()"));
      solver->solve(dst, src);
    }

    void PETScDirect::initialize(const dealii::PETScWrappers::MatrixBase &m)
    {
      clear();
      matrix = static_cast<Mat>(m);
      create_pc();
      check_petsc(PCSetType(pc, PCLU));
      check_petsc(PCFactorSetMatSolverType(pc, MATSOLVERMUMPS));
      check_petsc(PCSetOperators(pc, matrix, matrix));
      check_petsc(PCSetUp(pc));
    }

    Trilinos::AMG::AdditionalData ml_data(const AMGSettings &s)
    {
      Trilinos::AMG::AdditionalData data;
      data.elliptic              = s.elliptic;
      data.higher_order_elements = s.higher_order_elements;
      data.smoother_sweeps       = s.smoother_sweeps;
      data.aggregation_threshold = s.aggregation_threshold;
      // deal.II 9.4 keeps a const char *: valid while `s` lives, i.e. during initialize().
      data.smoother_type         = s.smoother_type.c_str();
      data.coarse_type           = "Amesos-KLU";
      return data;
    }

    void initialize_amg(Trilinos::AMG &amg, const Trilinos::SparseMatrix &matrix,
                        const AMGSettings &s)
    {
      amg.initialize(matrix, ml_data(s));
    }

    void initialize_amg(PETSc::AMG &amg, const PETSc::SparseMatrix &matrix, const AMGSettings &s)
    {
      amg.initialize(matrix, s);
    }
  } // namespace linear_algebra
} // namespace bmgfe
