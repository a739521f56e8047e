#pragma once
// Functions given in the parameter file as muparser expressions of the coordinates
// (x, y[, z]) and, where documented, the time t.
#include <deal.II/base/function.h>

#include <memory>
#include <string>
#include <vector>

namespace bmgfe
{
  /// Throws InputError naming `entry` if the expression cannot be parsed or evaluated.
  template <int dim>
  std::unique_ptr<dealii::Function<dim>>
  make_expression_function(const std::string &expression, const std::string &entry,
                           bool time_dependent);

  /// The ';'-separated components of a vector-valued entry ("e1; e2[; e3]"), trimmed.
  std::vector<std::string> split_components(const std::string &text);

  /// A vector-valued function with one component per expression (same variables and checks
  /// as make_expression_function()). Throws InputError naming `entry`.
  template <int dim>
  std::unique_ptr<dealii::Function<dim>>
  make_vector_expression_function(const std::vector<std::string> &components,
                                  const std::string &entry, bool time_dependent);
} // namespace bmgfe
