#pragma once
// Errors caused by the user's input (parameter file, mesh, values out of range).
// They are caught in main(), printed as one line and turned into a non-zero exit code.
#include <stdexcept>
#include <string>

namespace bmgfe
{
  class InputError : public std::runtime_error
  {
  public:
    using std::runtime_error::runtime_error;
  };

  /// Throw an InputError whose text is `context: message` when `condition` is false.
  inline void
  require(const bool condition, const std::string &context, const std::string &message)
  {
    if (!condition)
      throw InputError(context.empty() ? message : context + ": " + message);
  }
} // namespace bmgfe
