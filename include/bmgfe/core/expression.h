#pragma once
// Functions given in the parameter file as muparser expressions of the coordinates
// (x, y[, z]) and, where documented, the time t.
#include <deal.II/base/function.h>

#include <memory>
#include <string>

namespace bmgfe
{
  /// Throws InputError naming `entry` if the expression cannot be parsed or evaluated.
  template <int dim>
  std::unique_ptr<dealii::Function<dim>>
  make_expression_function(const std::string &expression, const std::string &entry,
                           bool time_dependent);
} // namespace bmgfe
