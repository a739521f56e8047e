#include <bmgfe/base/input_error.h>

#include <cmath>

namespace bmgfe
{
  std::string single_line(const std::string &what)
  {
    std::string s   = what;
    const auto  pos = s.find("Additional information:");
    if (pos != std::string::npos)
      s = s.substr(pos + 23);
    const auto stack = s.find("Stacktrace:");
    if (stack != std::string::npos)
      s = s.substr(0, stack);
    std::string out;
    for (const char c : s)
      {
        const char d = (c == '\n' || c == '\t' || c == '\r') ? ' ' : c;
        if (d == ' ' && (out.empty() || out.back() == ' '))
          continue;
        out += d;
      }
    while (!out.empty() && (out.back() == ' ' || out.back() == '-'))
      out.pop_back();
    return out;
  }

  double parse_number(const std::string &text, const std::string &context)
  {
    try
      {
        std::size_t  used = 0;
        const double v    = std::stod(text, &used);
        require(used == text.size() && std::isfinite(v), "", "");
        return v;
      }
    catch (...)
      {
        throw InputError(context + ": '" + text + "' is not a number");
      }
  }
} // namespace bmgfe
