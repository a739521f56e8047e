#include <bmgfe/base/input_error.h>
#include <bmgfe/base/time_list.h>

#include <deal.II/base/utilities.h>

#include <algorithm>
#include <cmath>

namespace bmgfe
{
  std::vector<double> parse_time_list(const std::string &text, const std::string &entry)
  {
    using dealii::Utilities::split_string_list;
    const std::string   context = "entry '" + entry + "'";
    std::vector<double> times;
    const auto number = [&](const std::string &s) { return parse_number(s, context); };
    for (const auto &item : split_string_list(text, ','))
      {
        const auto parts = split_string_list(item, ':');
        if (parts.size() == 1)
          times.push_back(number(parts[0]));
        else
          {
            require(parts.size() == 3, context,
                    "'" + item + "' must be a time or a range 'start:step:end'");
            const double a = number(parts[0]), h = number(parts[1]), b = number(parts[2]);
            require(h > 0 && b >= a, context,
                    "the range '" + item + "' needs a positive step and end >= start");
            const double n = std::floor((b - a) / h + 1e-9);
            require(n <= 100000, context, "the range '" + item + "' has more than 100000 times");
            for (double i = 0; i <= n; ++i)
              times.push_back(a + i * h);
          }
      }
    std::sort(times.begin(), times.end());
    times.erase(std::unique(times.begin(), times.end(),
                            [](const double x, const double y) {
                              return std::abs(x - y) <= 1e-12 * std::max(1.0, std::abs(x));
                            }),
                times.end());
    return times;
  }
} // namespace bmgfe
