#include <bmgfe/base/input_error.h>
#include <bmgfe/physics/nonlocal_parameters.h>

#include <deal.II/base/parameter_handler.h>

#include <cmath>

namespace bmgfe
{
  void NonlocalParameters::declare_parameters(dealii::ParameterHandler &prm)
  {
    using namespace dealii::Patterns;
    prm.enter_subsection("Mechanics");
    prm.enter_subsection("Nonlocal free volume");
    prm.declare_entry("Length", "0", Double(0),
                      "Regularisation length l [m] of x-bar - l^2 lap(x-bar) = x (zero normal flux "
                      "on the whole boundary): the strength sees x-bar, the free volume averaged "
                      "over about l (an exponential kernel of decay length l). l sets the numerical "
                      "shear-band width independently of the mesh; it is a mesoscale length "
                      "(micrometres), not the 10-100 nm of a real band, and the mesh must resolve it "
                      "(cell size h <= l/2, better l/4). 0: local model, x-bar = x exactly.");
    prm.declare_entry("Finite element degree", "1", Integer(1, 2),
                      "Polynomial degree of the continuous x-bar field (Q1 or Q2) on the mesh of "
                      "the mechanics.");
    prm.declare_entry("Linear solver tolerance", "1e-10", Double(0, 1),
                      "CG stops when the residual is below this times the norm of the right-hand "
                      "side; the error in x-bar is of the same relative size.");
    prm.declare_entry("Maximum linear iterations", "1000", Integer(1),
                      "CG iteration limit of one x-bar solve.");
    prm.declare_entry("Initial guess history", "4", Integer(1, 100),
                      "CG starts from the best (A-norm) combination of the last this many x-bar "
                      "fields; 1 starts from the previous x-bar. x changes little per step, so a "
                      "few iterations suffice.");
    prm.declare_entry(
      "Over-nonlocal factor", "2", Double(1),
      "m >= 1: cohesion and friction are evaluated at x-hat = m x-bar + (1 - m) x "
      "(over-nonlocal; Vermeer and Brinkgreve 1994, Jirasek and Rolshoven 2003). m = 1 is the "
      "nonlocal model of doc/model.md §4, c(x-bar): it smooths the strength but not the plastic "
      "strain, whose band collapses onto the mesh (measured with Q1: FWHM ~ h^0.6, "
      "doc/results.md). m > 1 adds local hardening that gives a softening band a plastic zone "
      "of width 2 pi l sqrt(m - 1) (doc/model.md, 'Regularisation'); with m = 2 and Q2 "
      "displacements the band width and the force curve agree between h = l/2 and l/4 to "
      "1.6 % and 0.02 %. The combination acts on the whole free volume: an initial heterogeneity "
      "narrower than about 2 l is sharpened (a Gaussian spot of radius l becomes a hard centre "
      "in a soft ring at m = 2), so seed imperfections of radius >= 3 l.");
    prm.declare_entry(
      "Local increment weight", "0", Double(0, 1),
      "w in [0, 1]: during a step the strength of a point sees x-bar_n + w dx (times m, see "
      "above), x-bar_n the regularised free volume of the start of the step (x-bar is solved "
      "after every converged step, so its nonlocal part lags one step) and dx the point's own "
      "plastic dilatation of the step. 0: the strength of the start of the step: perfectly "
      "plastic within the step, the softening enters smoothed by the filter at the next step "
      "(an O(dt) lag). 1: the step's softening is implicit but local; within the step that is "
      "a local softening problem, which made the plastic strain alternate between steps and "
      "needed 50 Newton iterations and 3 cutbacks where w = 0 needs 11 (doc/model.md). "
      "Ignored by local models (l = 0), which always use w = 1.");
    prm.leave_subsection();
    prm.leave_subsection();
  }

  void NonlocalParameters::parse_parameters(dealii::ParameterHandler &prm)
  {
    prm.enter_subsection("Mechanics");
    prm.enter_subsection("Nonlocal free volume");
    length                = prm.get_double("Length");
    fe_degree             = prm.get_integer("Finite element degree");
    linear_tolerance      = prm.get_double("Linear solver tolerance");
    max_linear_iterations = prm.get_integer("Maximum linear iterations");
    initial_guess_history = prm.get_integer("Initial guess history");
    local_increment_weight = prm.get_double("Local increment weight");
    over_nonlocal_factor   = prm.get_double("Over-nonlocal factor");
    prm.leave_subsection();
    prm.leave_subsection();
    check();
  }

  void NonlocalParameters::check() const
  {
    const std::string entry = "entry 'Mechanics/Nonlocal free volume/";
    require(std::isfinite(length) && length >= 0, entry + "Length'",
            "must be zero (local) or a positive length in m (got " + value_text(length) + ")");
    require(fe_degree == 1 || fe_degree == 2, entry + "Finite element degree'",
            "must be 1 or 2 (got " + std::to_string(fe_degree) + ")");
    // A zero tolerance can never be met; 1 or more would accept the initial guess.
    require(linear_tolerance > 0 && linear_tolerance < 1, entry + "Linear solver tolerance'",
            "must lie in (0, 1) (got " + value_text(linear_tolerance) + ")");
    require(max_linear_iterations >= 1, entry + "Maximum linear iterations'",
            "must be at least 1");
    require(initial_guess_history >= 1, entry + "Initial guess history'", "must be at least 1");
    require(local_increment_weight >= 0 && local_increment_weight <= 1,
            entry + "Local increment weight'",
            "must lie in [0, 1] (got " + value_text(local_increment_weight) + ")");
    require(std::isfinite(over_nonlocal_factor) && over_nonlocal_factor >= 1,
            entry + "Over-nonlocal factor'",
            "must be at least 1 (got " + value_text(over_nonlocal_factor) + ")");
  }
} // namespace bmgfe
