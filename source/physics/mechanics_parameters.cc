#include <bmgfe/base/expression.h>
#include <bmgfe/base/input_error.h>
#include <bmgfe/physics/mechanics_parameters.h>
#include <bmgfe/physics/nonlocal_parameters.h>

#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/utilities.h>

#include <algorithm>

namespace bmgfe
{
  using dealii::Utilities::split_string_list;
  using dealii::Utilities::trim;

  namespace
  {
    unsigned int component_index(const std::string &letter, const int dim, const bool axi,
                                 const std::string &entry)
    {
      const std::string l = trim(letter);
      int               c = -1;
      if (axi)
        c = (l == "r" || l == "x") ? 0 : ((l == "z" || l == "y") ? 1 : -1);
      else
        c = (l == "x") ? 0 : (l == "y" ? 1 : (l == "z" && dim == 3 ? 2 : -1));
      require(c >= 0, "entry 'Mechanics/Boundary conditions/" + entry + "'",
              "'" + l + "' is not a displacement component here (" +
                (axi ? std::string("r, z") : (dim == 3 ? "x, y, z" : "x, y")) + ")");
      return static_cast<unsigned int>(c);
    }

    unsigned int boundary_id(const std::string &text, const std::string &entry)
    {
      try
        {
          std::size_t used = 0;
          const int   id   = std::stoi(trim(text), &used);
          require(used == trim(text).size() && id >= 0 && id < 256, "", "");
          return static_cast<unsigned int>(id);
        }
      catch (...)
        {
          throw InputError("entry 'Mechanics/Boundary conditions/" + entry + "': '" + trim(text) +
                           "' is not a boundary id");
        }
    }

    std::vector<std::string> items(const std::string &text)
    {
      std::vector<std::string> out;
      for (const auto &s : split_string_list(text, ';'))
        if (!trim(s).empty())
          out.push_back(trim(s));
      return out;
    }
  } // namespace

  void MechanicsParameters::declare_parameters(dealii::ParameterHandler &prm)
  {
    using namespace dealii::Patterns;
    prm.enter_subsection("Mechanics");
    prm.declare_entry("Enabled", "false", Bool(),
                      "Solve the quasi-static small-strain mechanics div(sigma) + f = 0 after the heat "
                      "equation in every time step (staggered).");
    prm.declare_entry("Vectorised postprocessing", "false", Bool(),
                      "Evaluate the strains and temperatures that the postprocessors read (the "
                      "statistics, rings, probes, snapshots' quadrature fields) in one vectorised "
                      "deal.II MatrixFree pass with the mapping computed once, instead of an "
                      "FEValues reinit per cell: on the 3D reference benchmark about 4x less time "
                      "for that pass, for ~100 bytes per quadrature point. The values agree with "
                      "the FEValues pass to the round-off of the strains (summed in another "
                      "order); statistics of small spreads move accordingly (the FWHM of "
                      "H/mean(H) of as_cast_vit1 by 3e-9 relative), so the default keeps the "
                      "FEValues pass and results bit for bit as before. The solution and the "
                      "material-point state never depend on it.");
    prm.declare_entry("Finite element degree", "1", Integer(1, 2),
                      "Polynomial degree of the displacement element (the mapping of curved "
                      "boundaries has the highest degree of this and the temperature element).");
    prm.declare_entry("Inelastic model", "none", Selection("none|viscous|plastic|viscoplastic"),
                      "none: thermo-elasticity (the inelastic strain stays zero). plastic: "
                      "rate-independent free-volume-dependent Mohr-Coulomb plasticity "
                      "(Material/Mohr-Coulomb, doc/model.md §4) solved by a global Newton method "
                      "(Mechanics/Newton); the free volume changes only by plastic dilatation. "
                      "viscoplastic: the viscous model below plus the Mohr-Coulomb correction in "
                      "one local update (doc/model.md). viscous: "
                      "free volume x and Maxwell viscous flow at every quadrature point "
                      "(Material/Free volume, doc/model.md §2-3): x relaxes with T over each step, "
                      "the structural eigenstrain (zeta/3)(x - x_ref) I adds to the thermal one "
                      "and the deviatoric stress relaxes with eta(T, x); the stiffness matrix "
                      "(consistent tangent K 1x1 + 2 G phi1(lambda) P_dev) is rebuilt every "
                      "step.");
    prm.declare_entry("Maximum relaxation exponent", "1000", Double(0),
                      "Viscous model: the largest relaxation exponent lambda = int G/eta dt used "
                      "in one step (0: no limit). A point with a larger lambda (the liquid well "
                      "above Tg) still relaxes its old deviatoric stress completely but keeps the "
                      "viscous stress 2 G dev(d eps)/cap of the step instead of "
                      "2 G dev(d eps)/lambda. Without a limit the shear stiffness of the tangent, "
                      "G phi1(lambda) ~ G/lambda, falls to 1e-7 G in a melt and the linear solver "
                      "needs hundreds of iterations. as_cast_vit1: no limit 190 CG iterations per "
                      "step on average (max 739); 1000: 77 (max 196), residual stresses within "
                      "0.08 %; 50: 32 (max 64) but the centre's residual stress 5 % higher, so "
                      "the default stays at 1000.");
    prm.declare_entry("Body force", "0", Anything(),
                      "Body force per unit volume [N/m^3], one expression of x, y, (z) and t per "
                      "displacement component, separated by ';': 'f_x; f_y; f_z' (3D), 'f_x; "
                      "f_y' (plane strain, generalized plane strain: in-plane only, no axial "
                      "component), 'f_r; f_z' (axisymmetric; there x, y stand for r, z, and the "
                      "expressions must be finite on the axis). Added to the right-hand side as "
                      "int f.v dV with the volume weight of the model (2 pi r in axisymmetric "
                      "models). '0' (default; any list of zeros): no body force, nothing is "
                      "assembled. Uses: gravity, verification by manufactured solutions.");
    prm.enter_subsection("Boundary conditions");
    prm.declare_entry("Fixed components", "", Anything(),
                      "Boundaries with displacement components held at zero: 'id: components; "
                      "...', e.g. '2: z; 0: r'. Components x, y, z (3D, planar) or r, z "
                      "(axisymmetric). Boundaries not listed anywhere are traction free. The "
                      "axis of an axisymmetric model needs u_r = 0: list it here ('0: r') or "
                      "as a symmetry boundary.");
    prm.declare_entry("Symmetry boundary ids", "", List(Integer(0, 255)),
                      "Symmetry planes: zero normal displacement (the plane must be normal to a "
                      "coordinate axis).");
    prm.declare_entry("Prescribed displacement", "", Anything(),
                      "'id: component = expression; ...' with an expression of x, y, (z) and t "
                      "[m], e.g. '3: z = -1e-6*t'.");
    prm.declare_entry("Pressure", "", Anything(),
                      "'id: expression; ...' normal pressure [Pa] on a boundary (positive "
                      "compresses), an expression of x, y, (z), t.");
    prm.declare_entry("Point constraints", "", Anything(),
                      "Displacement components held at zero at the mesh vertex nearest to each "
                      "point: '(x, y[, z]): components; ...', e.g. '(0, 0, 0): x, y; "
                      "(1.5e-3, 0, 0): y' to remove rigid-body motions.");
    prm.declare_entry("Axial condition", "force", Selection("force|strain"),
                      "Generalized plane strain: prescribe the net axial force (default, zero: "
                      "free ends of a long rod) or the uniform axial strain.");
    prm.declare_entry("Axial value", "0", Double(),
                      "Net axial force [N] or axial strain, see 'Axial condition'.");
    prm.leave_subsection();
    prm.enter_subsection("Newton");
    prm.declare_entry("Tolerance", "1e-8", Double(0, 1),
                      "Plastic models: a Newton iteration has converged when the norm of the "
                      "residual (free DoFs) is below this times the norm of the internal force "
                      "vector (all DoFs, reactions included).");
    prm.declare_entry("Maximum iterations", "15", Integer(1, 200),
                      "Newton iterations per (sub)step; more means failure and a cutback.");
    prm.declare_entry("Linear tolerance", "1e-8", Double(0, 1),
                      "GMRES stops when the residual of the Newton correction is below this times "
                      "the Newton residual. Small enough to keep the convergence quadratic down "
                      "to the Newton tolerance.");
    prm.declare_entry("Maximum linear iterations", "500", Integer(1),
                      "GMRES iterations per Newton iteration; more means failure and a cutback. "
                      "GMRES is preconditioned by the AMG of the elastic stiffness (viscoplastic: "
                      "of the Maxwell stiffness K 1x1 + 2 G phi1 P_dev): the tangent of plastic "
                      "points is singular or indefinite and its own AMG does not converge.");
    prm.declare_entry("Line search steps", "6", Integer(0, 30),
                      "Backtracking line search: the Newton step is halved up to this many times "
                      "until the residual norm decreases (Armijo, c = 1e-4); 0 takes full steps.");
    prm.declare_entry("Maximum cutbacks", "8", Integer(0, 30),
                      "A (sub)step whose Newton iteration or return mapping fails is halved and "
                      "retried; after this many halvings in one time step the run stops with a "
                      "message and a last output of the last converged state.");
    prm.declare_entry("Preconditioner", "AMG", Selection("AMG|tangent AMG|direct"),
                      "Preconditioner of GMRES on the tangent. AMG (default): algebraic multigrid "
                      "(ML or GAMG, 'Mechanics/Solver') of the elastic (viscous models: Maxwell) "
                      "stiffness, built once. tangent AMG: algebraic multigrid "
                      "(ML or GAMG, 'Mechanics/Solver') of the symmetric part of the consistent "
                      "tangent whose plastic points' eigenvalues are replaced by their absolute "
                      "values, at least 'Tangent preconditioner floor' x 2G (an SPD matrix that "
                      "follows the plastic zone; doc/model.md, 'Global Newton method'), rebuilt "
                      "when the plastic set changes ('Preconditioner rebuild fraction') or GMRES "
                      "slows down ('Preconditioner rebuild iterations'); measured (issue 17, "
                      "doc/model.md) it needs as many GMRES iterations as AMG with the "
                      "Eisenstat-Walker forcing term, 10 % fewer with the constant one, and costs "
                      "its rebuilds. direct: "
                      "its sparse LU factorisation (MUMPS): GMRES converges in one iteration where "
                      "no point yields and in a few where a small zone does, at the price of the "
                      "factorisation and its memory (fill); for 2D sections up to ~1e6 DoFs that "
                      "are kept elastic for many steps (thermal cycling), not for 3D meshes.");
    prm.declare_entry("Tangent preconditioner floor", "0.01", Double(0, 1),
                      "'Preconditioner = tangent AMG': the smallest eigenvalue (absolute) of a "
                      "plastic point's stiffness in the preconditioner, relative to 2G. The "
                      "tangent of perfect plasticity has zero and that of softening negative "
                      "eigenvalues, which AMG cannot handle; must be positive.");
    prm.declare_entry("Preconditioner rebuild fraction", "0.05", Double(0, 1),
                      "'Preconditioner = tangent AMG': the preconditioner is rebuilt (from the "
                      "tangent at the current Newton iterate) when more than this fraction of all "
                      "quadrature points changed between elastic and plastic since it was built, "
                      "or when the last GMRES needed more than 'Preconditioner rebuild "
                      "iterations'; and in every substep whose elastic stiffness changes "
                      "(temperature-dependent moduli, relaxation beyond 'Preconditioner "
                      "relaxation bound'). The column preconditioner_rebuilds of statistics.csv "
                      "counts the builds.");
    prm.declare_entry("Preconditioner rebuild iterations", "50", Integer(1),
                      "'Preconditioner = tangent AMG': rebuild the preconditioner before the next "
                      "GMRES when the last one needed more than this many iterations (see "
                      "'Preconditioner rebuild fraction').");
    prm.declare_entry("Forcing term", "constant", Selection("constant|Eisenstat-Walker"),
                      "GMRES tolerance of a Newton correction, relative to the Newton residual "
                      "(the forcing term eta). constant (default): 'Linear tolerance' in every "
                      "iteration. "
                      "Eisenstat-Walker: choice 2 (eta_k = 0.9 (|R_k|/|R_k-1|)^2, at least "
                      "0.9 eta_k-1^2 when that exceeds 0.1), at most 'Maximum forcing term' (also "
                      "the first iteration's), at least 'Linear tolerance' and at least 0.1 x "
                      "the Newton tolerance's residual / |R_k| (no solve far below what Newton "
                      "needs): loose while far from the solution, tight (quadratic convergence) "
                      "near it. 4-10x fewer GMRES iterations in plastic runs at room "
                      "temperature (compression_rod_vit1.prm uses it), but the viscoplastic "
                      "model near Tg with long steps cuts back where the constant one does not "
                      "(doc/model.md, 'Global Newton method').");
    prm.declare_entry("Maximum forcing term", "0.1", Double(0, 1),
                      "'Forcing term = Eisenstat-Walker': the largest GMRES tolerance (relative to "
                      "the Newton residual), used in the first iteration of a substep; must be "
                      "below 1.");
    prm.declare_entry("Preconditioner relaxation bound", "1e-12", Double(0, 1),
                      "Viscous models: the preconditioner (and its stiffness) is kept from step to "
                      "step, not rebuilt, while the largest relaxation exponent lambda = dt/tau "
                      "of every substep since its build stays at or below this bound; the Maxwell "
                      "stiffness then differs from the elastic one by at most lambda/2 "
                      "(relative). It is only the preconditioner: GMRES converges to 'Linear "
                      "tolerance' either way, a larger bound costs at most a few more "
                      "iterations. Default 1e-12: kept only in frozen glass. Above the bound it "
                      "is rebuilt in every substep.");
    prm.leave_subsection();
    prm.enter_subsection("Solver");
    prm.declare_entry("Linear solver tolerance", "1e-8", Double(0, 1),
                      "CG stops when the residual is below this times the norm of the right-hand side.");
    prm.declare_entry("Maximum linear iterations", "1000", Integer(1), "CG iteration limit.");
    prm.declare_entry("Rigid body modes", "true", Bool(),
                      "Give the AMG the full rigid-body near-null space (3 modes in 2D planar, "
                      "6 in 3D, the 2 translations in axisymmetric models) instead of the "
                      "translations only.");
    prm.declare_entry("AMG aggregation threshold", "1e-3", Double(0, 1),
                      "Trilinos ML aggregation threshold.");
    prm.declare_entry("AMG smoother sweeps", "2", Integer(1, 10),
                      "Smoother sweeps per level (Trilinos ML; the polynomial degree for "
                      "Chebyshev).");
    prm.declare_entry("AMG smoother", "Chebyshev", Selection("Chebyshev|symmetric Gauss-Seidel"),
                      "Smoother on every ML level (Trilinos; PETSc GAMG uses its default).");
    prm.declare_entry("Initial guess history", "12", Integer(0, 100),
                      "CG starts from the best (A-norm) combination of the last this many "
                      "solutions in the steps with an unchanged stiffness matrix (temperature-independent moduli, no prescribed displacement): on smooth transients a few iterations instead of "
                      "10-20 per step. Each costs two vectors of memory; 0 starts from the "
                      "previous solution (or its extrapolation in time).");
    prm.declare_entry("GAMG threshold", "0.01", Double(-1, 1),
                      "PETSc GAMG drop tolerance of the aggregation graph.");
    prm.declare_entry("Thermal load matrix", "true", Bool(),
                      "Thermo-elasticity ('Inelastic model = none') with temperature-independent "
                      "Young's modulus, Poisson's ratio and expansion coefficient (random fields "
                      "allowed), no pressure, body force, prescribed displacement or generalized "
                      "plane strain, assembled operator: the load of every step is affine in the "
                      "temperature DoFs, f(T) = f(T_ref) + G (T - T_ref), and comes from the "
                      "coupling matrix G (displacement x temperature DoFs, assembled once with "
                      "the stiffness matrix) instead of a loop over the cells: ~20x cheaper per "
                      "step for ~12 bytes x 27 entries per displacement DoF of memory. false: "
                      "the cell loop in every step (same load to round-off). Ignored where the "
                      "load is not affine in T, and by 'Operator = matrix-free'.");
    prm.declare_entry("Operator", "assembled", Selection("assembled|matrix-free|block-assembled"),
                      "How the linear models ('Inelastic model = none|viscous') solve K u = f. "
                      "assembled: the sparse stiffness matrix and the AMG of 'Linear algebra' "
                      "(ML for Trilinos, GAMG for PETSc, both with the rigid-body near-null "
                      "space). matrix-free: deal.II MatrixFree (the same Lame pair per quadrature "
                      "point, QGauss(p + 1)) and CG with geometric multigrid over the mesh levels "
                      "of 'Geometry/Global refinement' (Chebyshev smoothing on the levels, one ML "
                      "V-cycle of the assembled coarsest level; refined level cells use the mean "
                      "Lame pair of their cells), the same tolerance and initial-guess history; "
                      "no global matrix, much less memory and set-up time. Only for 3D and plane "
                      "strain, with 'Fixed components', 'Point constraints', pressure and body "
                      "force (not with plastic models, axisymmetric or generalized plane strain, "
                      "symmetry boundaries, prescribed displacements or a loading programme). "
                      "block-assembled: the multigrid of matrix-free with the same restrictions, "
                      "but the fine operator (double) and the smoothed levels (single precision) "
                      "assembled once per stiffness into dim x dim blocks per node pair (upper "
                      "triangle) from the same Lame pairs (a fine mesh with hanging nodes keeps "
                      "the cell loop): a product reads less memory than a CSR matrix and does far "
                      "less work than the cell loop. On the 3D reference quench (benchmarks/"
                      "README.md) the fastest path: 0.47x the time per step of 'assembled' on 1 rank, "
                      "with half its set-up time and 4.0 instead of 5.85 GB.");
    prm.declare_entry("Multigrid smoother degree", "0", Integer(0, 20),
                      "Degree of the Chebyshev smoother on the multigrid levels of 'Operator = "
                      "matrix-free|block-assembled' (products per smoothing step, before and "
                      "after the coarse correction). 0: 5 for matrix-free, 2 for block-assembled "
                      "(the fewest seconds per solve on the 3D reference quench: CG iterations "
                      "18/18/15/13 with 2 against 17/17/14/12 with 5 in its first steps). The "
                      "smoother covers [lambda_max/15, lambda_max] of the Jacobi-scaled level "
                      "operator (matrix-free) or [lambda_max/20, lambda_max] (block-assembled: "
                      "iteration counts independent of the number of levels with degree 2).");
    prm.leave_subsection();
    LoadBalanceParameters::declare_parameters(prm); // Mechanics/Load balance
    prm.leave_subsection();
    NonlocalParameters::declare_parameters(prm); // Mechanics/Nonlocal free volume
    prm.enter_subsection("Mechanics"); // Mechanics/Loading programme
    LoadingProgramme::declare_parameters(prm);
    prm.leave_subsection();
  }

  void MechanicsParameters::parse_parameters(dealii::ParameterHandler &prm, const int dim,
                                             const bool axi)
  {
    prm.enter_subsection("Mechanics");
    enabled   = prm.get_bool("Enabled");
    fe_degree = prm.get_integer("Finite element degree");
    vectorised_postprocessing = prm.get_bool("Vectorised postprocessing");
    {
      const std::string model = prm.get("Inelastic model");
      viscous = model == "viscous" || model == "viscoplastic";
      plastic = model == "plastic" || model == "viscoplastic";
    }
    max_relaxation_exponent = prm.get_double("Maximum relaxation exponent");
    body_force.clear();
    {
      const auto components = split_components(prm.get("Body force"));
      bool       zero       = true;
      for (const auto &c : components)
        {
          std::size_t used = 0;
          double      v    = 1;
          try
            {
              v = std::stod(c, &used);
            }
          catch (...)
            {
              used = 0;
            }
          zero = zero && used == c.size() && v == 0;
        }
      if (!zero)
        {
          const std::string names = axi ? "'f_r; f_z'" : (dim == 3 ? "'f_x; f_y; f_z'" : "'f_x; f_y'");
          require(static_cast<int>(components.size()) == dim, "entry 'Mechanics/Body force'",
                  "needs " + std::to_string(dim) + " expressions " + names + " separated by ';', got " +
                    std::to_string(components.size()) + " ('" + prm.get("Body force") + "')");
          body_force = components;
        }
    }
    prm.enter_subsection("Boundary conditions");
    fixed_components.clear();
    for (const auto &item : items(prm.get("Fixed components")))
      {
        const auto colon = item.find(':');
        require(colon != std::string::npos, "entry 'Mechanics/Boundary conditions/Fixed components'",
                "'" + item + "' must be 'id: components'");
        const unsigned int id = boundary_id(item.substr(0, colon), "Fixed components");
        for (const auto &c : split_string_list(item.substr(colon + 1), ','))
          fixed_components[id].push_back(component_index(c, dim, axi, "Fixed components"));
      }
    symmetry_ids.clear();
    for (const auto &s : split_string_list(prm.get("Symmetry boundary ids")))
      symmetry_ids.push_back(static_cast<unsigned int>(std::stoul(s)));
    prescribed.clear();
    for (const auto &item : items(prm.get("Prescribed displacement")))
      {
        const auto colon = item.find(':'), eq = item.find('=');
        require(colon != std::string::npos && eq != std::string::npos && eq > colon,
                "entry 'Mechanics/Boundary conditions/Prescribed displacement'",
                "'" + item + "' must be 'id: component = expression'");
        PrescribedDisplacement p;
        p.id         = boundary_id(item.substr(0, colon), "Prescribed displacement");
        p.component  = component_index(item.substr(colon + 1, eq - colon - 1), dim, axi,
                                      "Prescribed displacement");
        p.expression = trim(item.substr(eq + 1));
        prescribed.push_back(p);
      }
    pressure.clear();
    for (const auto &item : items(prm.get("Pressure")))
      {
        const auto colon = item.find(':');
        require(colon != std::string::npos, "entry 'Mechanics/Boundary conditions/Pressure'",
                "'" + item + "' must be 'id: expression'");
        pressure[boundary_id(item.substr(0, colon), "Pressure")] = trim(item.substr(colon + 1));
      }
    point_constraints.clear();
    for (const auto &item : items(prm.get("Point constraints")))
      {
        const auto open = item.find('('), close = item.find(')'), colon = item.find(':', close);
        const std::string ctx = "entry 'Mechanics/Boundary conditions/Point constraints'";
        require(open != std::string::npos && close != std::string::npos && colon != std::string::npos,
                ctx, "'" + item + "' must be '(x, y[, z]): components'");
        const auto coords = split_string_list(item.substr(open + 1, close - open - 1), ',');
        require(static_cast<int>(coords.size()) == dim, ctx,
                "'" + item + "' needs " + std::to_string(dim) + " coordinates");
        PointConstraint pc;
        for (int d = 0; d < dim; ++d)
          {
            try
              {
                pc.point[d] = std::stod(coords[d]);
              }
            catch (...)
              {
                throw InputError(ctx + ": '" + coords[d] + "' is not a number");
              }
          }
        for (const auto &c : split_string_list(item.substr(colon + 1), ','))
          pc.components.push_back(component_index(c, dim, axi, "Point constraints"));
        point_constraints.push_back(pc);
      }
    prescribe_axial_strain = prm.get("Axial condition") == "strain";
    axial_value            = prm.get_double("Axial value");
    prm.leave_subsection();
    prm.enter_subsection("Newton");
    newton_tolerance            = prm.get_double("Tolerance");
    require(newton_tolerance > 0, "entry 'Mechanics/Newton/Tolerance'",
            "must be positive (0 can never be reached)");
    newton_max_iterations       = prm.get_integer("Maximum iterations");
    newton_linear_tolerance     = prm.get_double("Linear tolerance");
    newton_max_linear_iterations = prm.get_integer("Maximum linear iterations");
    line_search_steps           = prm.get_integer("Line search steps");
    max_cutbacks                = prm.get_integer("Maximum cutbacks");
    newton_direct_preconditioner    = prm.get("Preconditioner") == "direct";
    newton_tangent_preconditioner   = prm.get("Preconditioner") == "tangent AMG";
    tangent_preconditioner_floor    = prm.get_double("Tangent preconditioner floor");
    require(tangent_preconditioner_floor > 0, "entry 'Mechanics/Newton/Tangent preconditioner floor'",
            "must be positive (a zero eigenvalue makes the preconditioner's matrix singular)");
    preconditioner_rebuild_fraction   = prm.get_double("Preconditioner rebuild fraction");
    preconditioner_rebuild_iterations = prm.get_integer("Preconditioner rebuild iterations");
    eisenstat_walker = prm.get("Forcing term") == "Eisenstat-Walker";
    max_forcing_term = prm.get_double("Maximum forcing term");
    require(max_forcing_term > 0 && max_forcing_term < 1, "entry 'Mechanics/Newton/Maximum forcing term'",
            "must lie strictly between 0 and 1 (a forcing term of 1 or more is no Newton step)");
    preconditioner_relaxation_bound = prm.get_double("Preconditioner relaxation bound");
    prm.leave_subsection();
    prm.enter_subsection("Solver");
    linear_tolerance          = prm.get_double("Linear solver tolerance");
    max_linear_iterations     = prm.get_integer("Maximum linear iterations");
    rigid_body_modes          = prm.get_bool("Rigid body modes");
    amg_aggregation_threshold = prm.get_double("AMG aggregation threshold");
    amg_smoother              = prm.get("AMG smoother");
    amg_smoother_sweeps       = prm.get_integer("AMG smoother sweeps");
    initial_guess_history     = prm.get_integer("Initial guess history");
    gamg_threshold            = prm.get_double("GAMG threshold");
    operator_name             = prm.get("Operator");
    matrix_free               = operator_name != "assembled";
    assembled_blocks          = operator_name == "block-assembled";
    multigrid_smoother_degree = prm.get_integer("Multigrid smoother degree");
    if (multigrid_smoother_degree == 0)
      multigrid_smoother_degree = assembled_blocks ? 2 : 5;
    multigrid_smoothing_range = assembled_blocks ? 20 : 15;
    thermal_load_matrix       = prm.get_bool("Thermal load matrix");
    prm.leave_subsection();
    load_balance.parse_parameters(prm);
    prm.leave_subsection();
    nonlocal.parse_parameters(prm);
    prm.enter_subsection("Mechanics"); // Mechanics/Loading programme
    loading.parse_parameters(prm, dim, axi);
    prm.leave_subsection();
    if (matrix_free && enabled)
      {
        const std::string entry = "entry 'Mechanics/Solver/Operator'";
        const std::string name  = "'" + operator_name + "'";
        require(!plastic, entry,
                name + " is for the linear models ('Inelastic model = none|viscous'); the "
                "plastic models need the assembled tangent of their Newton iteration");
        require(!axi, entry, name + " is implemented for 3D and plane strain, not for axisymmetric models");
        require(symmetry_ids.empty(), entry,
                name + " does not support 'Boundary conditions/Symmetry boundary ids' (use "
                "'Fixed components' on a plane normal to an axis)");
        require(prescribed.empty(), entry,
                name + " does not support 'Boundary conditions/Prescribed displacement' "
                "(homogeneous constraints only)");
        require(!loading.enabled, entry, name + " does not support a 'Loading programme'");
      }
  }
} // namespace bmgfe
