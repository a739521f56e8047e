#include <bmgfe/base/expression.h>
#include <bmgfe/base/input_error.h>

#include <deal.II/base/function_parser.h>
#include <deal.II/base/utilities.h>

#include <cmath>
#include <iostream>
#include <map>
#include <sstream>

namespace bmgfe
{
  namespace
  {
    /// deal.II's FunctionParser writes muparser's diagnostics (Message, Formula, Token, ...)
    /// to std::cerr before it throws: collect them instead, so that the error stays one line.
    class CaptureStandardError
    {
    public:
      CaptureStandardError()
        : saved(std::cerr.rdbuf(text.rdbuf()))
      {}
      ~CaptureStandardError() { std::cerr.rdbuf(saved); }
      /// muparser's "Message:  <...>", or "" if there is none.
      std::string message() const
      {
        const std::string s     = text.str();
        const auto        begin = s.find("Message:");
        if (begin == std::string::npos)
          return "";
        const auto open = s.find('<', begin), close = s.find('>', open);
        return (open == std::string::npos || close == std::string::npos) ?
                 "" :
                 s.substr(open + 1, close - open - 1);
      }

    private:
      std::ostringstream text;
      std::streambuf    *saved;
    };
  } // namespace

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
    CaptureStandardError                diagnostics;
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
        const std::string why = diagnostics.message();
        throw InputError("entry '" + entry + "': cannot parse the expression '" + expression +
                         "' (" + (why.empty() ? "" : why + "; ") + "variables: " + variables +
                         ", constant pi)");
      }
    return f;
  }

  std::vector<std::string> split_components(const std::string &text)
  {
    std::vector<std::string> out;
    for (const auto &s : dealii::Utilities::split_string_list(text, ';'))
      out.push_back(dealii::Utilities::trim(s));
    return out;
  }

  template <int dim>
  std::unique_ptr<dealii::Function<dim>>
  make_vector_expression_function(const std::vector<std::string> &components,
                                  const std::string &entry, const bool time_dependent)
  {
    require(!components.empty(), "entry '" + entry + "'", "has no components");
    // Each component on its own first: the error names the expression that is wrong.
    for (const auto &c : components)
      make_expression_function<dim>(c, entry, time_dependent);
    auto        f         = std::make_unique<dealii::FunctionParser<dim>>(components.size());
    std::string variables = (dim == 2) ? "x,y" : "x,y,z";
    if (time_dependent)
      variables += ",t";
    CaptureStandardError diagnostics;
    f->initialize(variables, components, {{"pi", M_PI}}, time_dependent);
    return f;
  }

  template std::unique_ptr<dealii::Function<2>>
  make_expression_function<2>(const std::string &, const std::string &, bool);
  template std::unique_ptr<dealii::Function<3>>
  make_expression_function<3>(const std::string &, const std::string &, bool);
  template std::unique_ptr<dealii::Function<2>>
  make_vector_expression_function<2>(const std::vector<std::string> &, const std::string &, bool);
  template std::unique_ptr<dealii::Function<3>>
  make_vector_expression_function<3>(const std::vector<std::string> &, const std::string &, bool);
} // namespace bmgfe
