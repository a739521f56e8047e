#include <bmgfe/core/expression.h>
#include <bmgfe/core/input_error.h>

#include <deal.II/base/function_parser.h>

#include <cmath>
#include <map>

namespace bmgfe
{
  template <int dim>
  std::unique_ptr<dealii::Function<dim>>
  make_expression_function(const std::string &expression, const std::string &entry,
                           const bool time_dependent)
  {
    auto        f         = std::make_unique<dealii::FunctionParser<dim>>(1);
    std::string variables = (dim == 2) ? "x,y" : "x,y,z";
    if (time_dependent)
      variables += ",t";
    const std::map<std::string, double> constants = {{"pi", M_PI}};
    try
      {
        f->initialize(variables, expression, constants, time_dependent);
        const double v = f->value(dealii::Point<dim>());
        require(std::isfinite(v), "", "does not evaluate to a finite number at the origin");
      }
    catch (const InputError &e)
      {
        throw InputError("entry '" + entry + "': '" + expression + "' " + e.what());
      }
    catch (...)
      {
        throw InputError("entry '" + entry + "': cannot parse the expression '" + expression +
                         "' (variables: " + variables + ", constant pi)");
      }
    return f;
  }

  template std::unique_ptr<dealii::Function<2>>
  make_expression_function<2>(const std::string &, const std::string &, bool);
  template std::unique_ptr<dealii::Function<3>>
  make_expression_function<3>(const std::string &, const std::string &, bool);
} // namespace bmgfe
