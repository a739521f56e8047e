#include <bmgfe/base/input_error.h>
#include <bmgfe/physics/heat_parameters.h>

#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/utilities.h>

#include <algorithm>
#include <set>

namespace bmgfe
{
  void HeatParameters::declare_parameters(dealii::ParameterHandler &prm)
  {
    using namespace dealii::Patterns;
    prm.enter_subsection("Heat");
    prm.declare_entry("Finite element degree", "1", Integer(1, 2),
                      "Polynomial degree of the temperature element (Q1 or Q2). The mapping of "
                      "the cells (curved boundaries) has the highest degree of the temperature "
                      "and displacement elements.");
    prm.declare_entry("Temperature model", "solve", Selection("solve|prescribed"),
                      "solve: the heat equation with the thermal protocol. prescribed: the "
                      "temperature is 'Prescribed temperature field' at every time (the "
                      "protocol still sets the time line and the segments).");
    prm.declare_entry("Prescribed temperature field", "293.15", Anything(),
                      "Temperature [K] as an expression of x, y, (z) and t, used when "
                      "'Temperature model = prescribed'.");
    prm.declare_entry("Initial temperature", "293.15", Anything(),
                      "Initial temperature [K]: a number or an expression of the coordinates "
                      "x, y (and z in 3D; r = x, z = y in axisymmetric models), or 'initial "
                      "state': the temperature field of the snapshot named by 'Material/Free "
                      "volume/Initial state' (mapped as 'Initial state geometry' says), so that "
                      "a run continues another one's temperature as well.");
    prm.declare_entry("Heat source", "0", Anything(),
                      "Volumetric heat source [W/m^3]: an expression of x, y, (z) and t. Added "
                      "to the plastic dissipation once mechanics provides it.");
    prm.enter_subsection("Boundary conditions");
    prm.declare_entry("Robin boundary ids", "", List(Integer(0, 255)),
                      "Boundaries exchanging heat with the environment of the thermal protocol "
                      "(convection with h and radiation with the emissivity of the current segment).");
    prm.declare_entry("Robin h scale factors", "", Map(Integer(0, 255), Double(0)),
                      "Optional per-boundary factors on h, 'id: factor, ...' (e.g. rod ends that "
                      "touch a holder). Unlisted Robin boundaries use 1.");
    prm.declare_entry("Insulated boundary ids", "", List(Integer(0, 255)),
                      "Boundaries with zero heat flux (symmetry planes, the axis of an "
                      "axisymmetric model).");
    prm.declare_entry("Prescribed temperature boundary ids", "", List(Integer(0, 255)),
                      "Boundaries with a prescribed temperature.");
    prm.declare_entry("Prescribed temperature", "environment", Anything(),
                      "Temperature on the prescribed boundaries [K]: 'environment' (the protocol's "
                      "T_env, i.e. perfect contact) or an expression of x, y, (z), t.");
    prm.leave_subsection();
    prm.enter_subsection("Solver");
    prm.declare_entry("Linear solver tolerance", "1e-8", Double(0, 1),
                      "CG stops when the residual is below this times the norm of the right-hand side.");
    prm.declare_entry("Maximum linear iterations", "1000", Integer(1),
                      "CG iteration limit; reaching it fails the step (which is then retried "
                      "with a smaller time step).");
    prm.declare_entry("Nonlinear tolerance", "1e-6", Double(0),
                      "Temperature-dependent c_p, k or radiation: Picard iterations stop when the "
                      "largest nodal update is below this [K].");
    prm.declare_entry("Maximum nonlinear iterations", "30", Integer(1),
                      "Picard iteration limit per step.");
    prm.declare_entry("AMG aggregation threshold", "0.02", Double(0, 1),
                      "Trilinos ML aggregation threshold.");
    prm.declare_entry("AMG smoother sweeps", "2", Integer(1, 10),
                      "Chebyshev smoother sweeps per level (Trilinos ML).");
    prm.declare_entry("Initial guess history", "12", Integer(0, 100),
                      "CG starts from the best (A-norm) combination of the last this many "
                      "solutions in the time steps of the fixed-matrix path (constant properties, fixed step): on smooth transients a few iterations instead of "
                      "10-20 per step. Each costs two vectors of memory; 0 starts from the "
                      "previous solution (or its extrapolation in time).");
    prm.declare_entry("GAMG threshold", "0", Double(-1, 1),
                      "PETSc GAMG drop tolerance of the aggregation graph.");
    prm.leave_subsection();
    prm.leave_subsection();
  }

  void HeatParameters::parse_parameters(dealii::ParameterHandler &prm)
  {
    using dealii::Utilities::split_string_list;
    const auto read_ids = [&](const std::string &entry) {
      std::vector<unsigned int> ids;
      for (const auto &s : split_string_list(prm.get(entry)))
        ids.push_back(static_cast<unsigned int>(std::stoul(s)));
      return ids;
    };
    prm.enter_subsection("Heat");
    fe_degree           = prm.get_integer("Finite element degree");
    prescribed_field    = prm.get("Temperature model") == "prescribed";
    temperature_field   = prm.get("Prescribed temperature field");
    initial_temperature = prm.get("Initial temperature");
    heat_source         = prm.get("Heat source");
    prm.enter_subsection("Boundary conditions");
    robin_ids      = read_ids("Robin boundary ids");
    insulated_ids  = read_ids("Insulated boundary ids");
    prescribed_ids = read_ids("Prescribed temperature boundary ids");
    prescribed_temperature = prm.get("Prescribed temperature");
    robin_scale.clear();
    for (const auto &item : split_string_list(prm.get("Robin h scale factors")))
      {
        const auto kv = split_string_list(item, ':');
        robin_scale[static_cast<unsigned int>(std::stoul(kv[0]))] = std::stod(kv[1]);
      }
    prm.leave_subsection();
    prm.enter_subsection("Solver");
    linear_tolerance          = prm.get_double("Linear solver tolerance");
    max_linear_iterations     = prm.get_integer("Maximum linear iterations");
    nonlinear_tolerance       = prm.get_double("Nonlinear tolerance");
    max_nonlinear_iterations  = prm.get_integer("Maximum nonlinear iterations");
    amg_aggregation_threshold = prm.get_double("AMG aggregation threshold");
    amg_smoother_sweeps       = prm.get_integer("AMG smoother sweeps");
    initial_guess_history     = prm.get_integer("Initial guess history");
    gamg_threshold            = prm.get_double("GAMG threshold");
    prm.leave_subsection();
    prm.leave_subsection();

    // Every boundary id may carry one condition only.
    std::set<unsigned int> seen;
    for (const auto *list : {&robin_ids, &insulated_ids, &prescribed_ids})
      for (const auto id : *list)
        require(seen.insert(id).second, "section 'Heat/Boundary conditions'",
                "boundary id " + std::to_string(id) + " is given more than one condition");
    for (const auto &[id, factor] : robin_scale)
      require(std::find(robin_ids.begin(), robin_ids.end(), id) != robin_ids.end(),
              "entry 'Heat/Boundary conditions/Robin h scale factors'",
              "boundary id " + std::to_string(id) + " is not in 'Robin boundary ids'");
  }
} // namespace bmgfe
