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
    prm.declare_entry("Preconditioner", "AMG", Selection("AMG|direct"),
                      "Preconditioner of GMRES on the tangent, built from the elastic (viscous "
                      "models: Maxwell) stiffness. AMG: algebraic multigrid (ML or GAMG, "
                      "'Mechanics/Solver'), cheap to build, tens of GMRES iterations. direct: "
                      "its sparse LU factorisation (MUMPS): GMRES converges in one iteration where "
                      "no point yields and in a few where a small zone does, at the price of the "
                      "factorisation and its memory (fill); for 2D sections up to ~1e6 DoFs that "
                      "are kept elastic for many steps (thermal cycling), not for 3D meshes.");
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
    prm.leave_subsection();
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
    prm.leave_subsection();
    prm.leave_subsection();
    nonlocal.parse_parameters(prm);
    prm.enter_subsection("Mechanics"); // Mechanics/Loading programme
    loading.parse_parameters(prm, dim, axi);
    prm.leave_subsection();
  }
} // namespace bmgfe
