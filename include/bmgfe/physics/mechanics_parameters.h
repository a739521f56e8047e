#pragma once
// Parameters of the quasi-static mechanics (doc/model.md §0, §3): element, body force,
// boundary conditions, the axial condition of generalized plane strain, solver.
#include <bmgfe/physics/load_balance.h>
#include <bmgfe/physics/nonlocal_parameters.h>
#include <bmgfe/protocol/loading_programme.h>

#include <array>
#include <map>
#include <string>
#include <vector>

namespace dealii
{
  class ParameterHandler;
}

namespace bmgfe
{
  struct MechanicsParameters
  {
    bool         enabled   = false;
    unsigned int fe_degree = 1;
    /// 'Vectorised postprocessing': the postprocessors' strains and temperatures through one
    /// MatrixFree pass instead of FEValues (physics/quadrature_point_evaluation.h).
    bool         vectorised_postprocessing = false;
    /// 'Inelastic model = viscous': free volume and Maxwell flow at the quadrature points.
    bool         viscous   = false;
    /// 'Inelastic model = plastic|viscoplastic': Mohr-Coulomb plasticity, global Newton.
    bool         plastic   = false;
    /// Mechanics/Newton (plastic models).
    double       newton_tolerance             = 1e-8;
    unsigned int newton_max_iterations        = 15;
    double       newton_linear_tolerance      = 1e-8;
    unsigned int newton_max_linear_iterations = 500;
    unsigned int line_search_steps            = 6;
    unsigned int max_cutbacks                 = 8;
    /// Newton's GMRES preconditioner: the sparse LU of the elastic (Maxwell) stiffness
    /// instead of its AMG ('Mechanics/Newton/Preconditioner = direct').
    bool         newton_direct_preconditioner = false;
    /// The preconditioner's stiffness is kept while every relaxation exponent of a substep
    /// stays at or below this ('Mechanics/Newton/Preconditioner relaxation bound').
    double       preconditioner_relaxation_bound = 1e-12;
    /// 'Mechanics/Newton/Preconditioner = tangent AMG': the AMG of the symmetric part of the
    /// consistent tangent, the plastic points' eigenvalues replaced by their absolute values
    /// and floored at 'Tangent preconditioner floor' x 2G (doc/model.md, "Global Newton
    /// method"), rebuilt by the criterion of the two entries below.
    bool         newton_tangent_preconditioner = false;
    double       tangent_preconditioner_floor  = 0.01;
    /// Rebuild when more than this fraction of all quadrature points changed between elastic
    /// and plastic since the build ('Preconditioner rebuild fraction') ...
    double       preconditioner_rebuild_fraction = 0.05;
    /// ... or when the last GMRES needed more than this many iterations ('Preconditioner
    /// rebuild iterations').
    unsigned int preconditioner_rebuild_iterations = 50;
    /// 'Forcing term = Eisenstat-Walker' (choice 2, gamma 0.9, alpha 2, with the safeguards,
    /// at most 'Maximum forcing term'); false: 'Linear tolerance' in every iteration.
    bool         eisenstat_walker  = false;
    double       max_forcing_term  = 0.1;
    /// Mechanics/Nonlocal free volume: the regularised xbar of the plasticity.
    NonlocalParameters nonlocal;
    /// Mechanics/Load balance: weighted repartitioning of the plastic models.
    LoadBalanceParameters load_balance;
    /// Largest relaxation exponent per step (0: none); see the entry.
    double       max_relaxation_exponent = 1000;

    /// Body force [N/m^3] per unit volume: one muparser expression of x, y, (z), t
    /// per displacement component (x, y[, z]; r, z in axisymmetric models, where x, y are
    /// r, z). Empty when the entry is zero: then nothing is assembled.
    std::vector<std::string> body_force;

    /// Boundary id -> displacement components held at zero (component indices 0..2).
    std::map<unsigned int, std::vector<unsigned int>> fixed_components;
    /// Boundaries that are symmetry planes (zero normal displacement; the plane must be
    /// normal to a coordinate axis).
    std::vector<unsigned int> symmetry_ids;
    /// Prescribed displacement: boundary id, component, expression of x, y, (z), t.
    struct PrescribedDisplacement
    {
      unsigned int id = 0, component = 0;
      std::string  expression;
    };
    std::vector<PrescribedDisplacement> prescribed;
    /// Boundary id -> pressure expression [Pa] (positive pushes into the body).
    std::map<unsigned int, std::string> pressure;
    /// Points (nearest vertex) with displacement components held at zero, e.g. to remove
    /// rigid-body motions.
    struct PointConstraint
    {
      std::array<double, 3>     point{{0, 0, 0}};
      std::vector<unsigned int> components;
    };
    std::vector<PointConstraint> point_constraints;

    /// Generalized plane strain: prescribe the net axial force [N] or the axial strain.
    bool   prescribe_axial_strain = false;
    double axial_value            = 0;

    double       linear_tolerance      = 1e-8;
    unsigned int max_linear_iterations = 1000;
    bool         rigid_body_modes      = true;
    double       amg_aggregation_threshold = 1e-3;
    std::string  amg_smoother              = "Chebyshev"; ///< ML smoother type
    unsigned int amg_smoother_sweeps       = 2;
    unsigned int initial_guess_history     = 12; ///< earlier solutions spanning CG's start
    double       gamg_threshold            = 0.01;
    /// 'Solver/Operator' as written (assembled | matrix-free | block-assembled).
    std::string  operator_name             = "assembled";
    /// 'Solver/Operator = matrix-free|block-assembled': the linear models' K u = f by CG with
    /// geometric multigrid and no global sparse matrix (linear_algebra/elasticity_multigrid.h).
    bool         matrix_free               = false;
    /// 'Solver/Operator = block-assembled': that path with its operators in node blocks.
    bool         assembled_blocks          = false;
    /// 'Solver/Multigrid smoother degree' (0 resolved: 5 matrix-free, 2 block-assembled).
    unsigned int multigrid_smoother_degree = 5;
    /// Chebyshev range of the multigrid smoother: 15 (matrix-free), 20 (block-assembled, whose
    /// degree-2 smoother needed 10/11/12/13 CG iterations on Global refinement 1-4 of the
    /// test rod with 15 and 12/12/12 on 1-3 with 20; the reference quench: the same counts).
    double       multigrid_smoothing_range = 15;
    /// 'Solver/Thermal load matrix': the thermo-elastic load f(T) = f(T_ref) + G (T - T_ref)
    /// through an assembled coupling matrix G where f is affine in T (physics/mechanics_problem.h).
    bool         thermal_load_matrix       = true;

    /// Mechanics/Loading programme: displacement-controlled loading through rigid platens.
    LoadingProgramme loading;

    static void declare_parameters(dealii::ParameterHandler &prm);
    /// `dim` and `axisymmetric` define the component letters: x, y, z (3D and planar);
    /// r, z (axisymmetric; x, y are accepted as r, z).
    void parse_parameters(dealii::ParameterHandler &prm, int dim, bool axisymmetric);
  };
} // namespace bmgfe
