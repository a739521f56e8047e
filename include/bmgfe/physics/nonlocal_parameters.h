#pragma once
// Parameters of the nonlocal (regularised) free volume x-bar - l^2 lap(x-bar) = x
// (doc/model.md §4, doc/model.md "Nonlocal free volume"): subsection
// "Mechanics/Nonlocal free volume". Kept free of deal.II headers so that the top-level
// Parameters can hold it cheaply.
#include <string>

namespace dealii
{
  class ParameterHandler;
}

namespace bmgfe
{
  struct NonlocalParameters
  {
    /// l [m]. 0 means local: x-bar = x at the quadrature points, no field is solved for.
    double       length    = 0;
    unsigned int fe_degree = 1;
    /// CG stops when ||b - A x-bar|| <= tolerance ||b||.
    double       linear_tolerance      = 1e-10;
    unsigned int max_linear_iterations = 1000;
    /// CG starts from the A-norm projection onto the last this many x-bar fields (1: from
    /// the previous x-bar itself).
    unsigned int initial_guess_history = 4;
    /// w: the strength sees x-bar_n + w dx during a step (dx the point's own plastic
    /// dilatation of the step). Only used when the model is nonlocal.
    double local_increment_weight = 0;

    /// m: the strength sees x-hat = m x-bar + (1 - m) x (over-nonlocal for m > 1; m = 1
    /// does not bound the band width from below, doc/model.md "Regularisation").
    double over_nonlocal_factor = 2;

    /// True when x-bar = x (l = 0).
    bool is_local() const { return length == 0; }

    /// The free volume the strength sees, x-hat = m x-bar + (1 - m) x (x itself when local).
    double strength_free_volume(const double nonlocal_x, const double x) const
    {
      return is_local() ? x : over_nonlocal_factor * nonlocal_x + (1 - over_nonlocal_factor) * x;
    }
    /// d x-hat / d dx for the point's own increment dx of a step: (1 - m) + m w, the nonlocal
    /// part seen with the weight w (1 when local).
    double strength_increment_weight() const
    {
      return is_local() ? 1.0 :
                          (1 - over_nonlocal_factor) + over_nonlocal_factor * local_increment_weight;
    }

    /// Entries of "Mechanics/Nonlocal free volume" (declared from the top level).
    static void declare_parameters(dealii::ParameterHandler &prm);
    /// Reads them and calls check().
    void parse_parameters(dealii::ParameterHandler &prm);
    /// Throws InputError naming the entry when a value is out of range.
    void check() const;
  };
} // namespace bmgfe
