#include <bmgfe/base/input_error.h>
#include <bmgfe/linear_algebra/backend.h>

#include <deal.II/base/exceptions.h>

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

    void PETScGAMG::initialize(const dealii::PETScWrappers::MatrixBase &m, const AMGSettings &s)
    {
      clear();
      matrix = static_cast<Mat>(m);
      create_pc();
      PetscErrorCode ierr = PCSetType(pc, PCGAMG);
      AssertThrow(ierr == 0, dealii::ExcPETScError(ierr));
      ierr = PCGAMGSetType(pc, PCGAMGAGG);
      AssertThrow(ierr == 0, dealii::ExcPETScError(ierr));
      PetscReal threshold[1] = {s.gamg_threshold};
      ierr = PCGAMGSetThreshold(pc, threshold, 1);
      AssertThrow(ierr == 0, dealii::ExcPETScError(ierr));
      ierr = PCGAMGSetNSmooths(pc, 1);
      AssertThrow(ierr == 0, dealii::ExcPETScError(ierr));
      // Aggressive coarsening on the first level (square graph) keeps the set-up cheap.
      ierr = PCGAMGSetAggressiveLevels(pc, 1);
      AssertThrow(ierr == 0, dealii::ExcPETScError(ierr));
      ierr = PCSetOperators(pc, matrix, matrix);
      AssertThrow(ierr == 0, dealii::ExcPETScError(ierr));
      ierr = PCSetUp(pc);
      AssertThrow(ierr == 0, dealii::ExcPETScError(ierr));
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
