#pragma once
// Errors caused by the user's input (parameter file, mesh, values out of range).
// They are caught in main(), printed as one line and turned into a non-zero exit code.
#include <sstream>
#include <stdexcept>
#include <string>

namespace bmgfe
{
  class InputError : public std::runtime_error
  {
  public:
    using std::runtime_error::runtime_error;
  };

  /// A failure found at run time identically on every MPI rank (e.g. the step limit, a
  /// solver that does not converge at the smallest step): reported once, no MPI_Abort.
  class RunError : public std::runtime_error
  {
  public:
    using std::runtime_error::runtime_error;
  };

  /// The message of an exception as one line: deal.II's frame ("An error occurred in line
  /// ...", "Additional information:", the stack trace) removed and white space collapsed.
  std::string single_line(const std::string &what);

  /// A number as it should appear in an error message (shortest stream form, e.g. 1e-05).
  inline std::string value_text(const double v)
  {
    std::ostringstream s;
    s << v;
    return s.str();
  }

  /// The number that `text` spells, all of it and finite; otherwise an InputError
  /// "context: 'text' is not a number".
  double parse_number(const std::string &text, const std::string &context);

  /// Throw an InputError whose text is `context: message` when `condition` is false.
  inline void
  require(const bool condition, const std::string &context, const std::string &message)
  {
    if (!condition)
      throw InputError(context.empty() ? message : context + ": " + message);
  }
} // namespace bmgfe
