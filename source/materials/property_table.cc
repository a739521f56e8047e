#include <bmgfe/base/input_error.h>
#include <bmgfe/materials/property_table.h>

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>

namespace bmgfe
{
  namespace
  {
    std::string trim(const std::string &s)
    {
      const auto b = s.find_first_not_of(" \t");
      if (b == std::string::npos)
        return "";
      const auto e = s.find_last_not_of(" \t");
      return s.substr(b, e - b + 1);
    }

    double to_double(const std::string &text, const std::string &what)
    {
      const std::string t = trim(text);
      std::size_t       used = 0;
      double            v    = 0;
      try
        {
          v = std::stod(t, &used);
        }
      catch (...)
        {
          used = 0;
        }
      if (t.empty() || used != t.size() || !std::isfinite(v))
        throw InputError("'" + t + "' is not a number (" + what + ")");
      return v;
    }
  } // namespace

  PropertyTable::PropertyTable(const double constant_value)
    : temperatures_{0.0}
    , values_{constant_value}
  {}

  PropertyTable::PropertyTable(std::vector<double> temperatures, std::vector<double> values)
    : temperatures_(std::move(temperatures))
    , values_(std::move(values))
  {
    if (temperatures_.empty() || temperatures_.size() != values_.size())
      throw InputError("a property table needs as many temperatures as values, and at least one");
    for (std::size_t i = 1; i < temperatures_.size(); ++i)
      if (!(temperatures_[i] > temperatures_[i - 1]))
        throw InputError("table temperatures must increase strictly");
  }

  PropertyTable PropertyTable::parse(const std::string &text)
  {
    const std::string t = trim(text);
    if (t.empty())
      throw InputError("empty property table");
    if (t.find(':') == std::string::npos)
      return PropertyTable(to_double(t, "constant value"));

    std::vector<double> temps, vals;
    std::stringstream   ss(t);
    std::string         item;
    while (std::getline(ss, item, ','))
      {
        const auto colon = item.find(':');
        if (colon == std::string::npos)
          throw InputError("table item '" + trim(item) +
                           "' must be 'temperature:value'");
        temps.push_back(to_double(item.substr(0, colon), "temperature"));
        vals.push_back(to_double(item.substr(colon + 1), "value"));
        if (temps.back() <= 0)
          throw InputError("table temperature " + trim(item.substr(0, colon)) +
                           " K is not positive");
      }
    return PropertyTable(std::move(temps), std::move(vals));
  }

  double PropertyTable::value(const double T) const
  {
    if (values_.size() == 1 || T <= temperatures_.front())
      return values_.front();
    if (T >= temperatures_.back())
      return values_.back();
    const auto   it = std::upper_bound(temperatures_.begin(), temperatures_.end(), T);
    const auto   i  = static_cast<std::size_t>(it - temperatures_.begin());
    const double w  = (T - temperatures_[i - 1]) / (temperatures_[i] - temperatures_[i - 1]);
    return (1 - w) * values_[i - 1] + w * values_[i];
  }

  double PropertyTable::derivative(const double T) const
  {
    if (values_.size() == 1 || T < temperatures_.front() || T >= temperatures_.back())
      return 0.0;
    const auto it = std::upper_bound(temperatures_.begin(), temperatures_.end(), T);
    const auto i  = static_cast<std::size_t>(it - temperatures_.begin());
    return (values_[i] - values_[i - 1]) / (temperatures_[i] - temperatures_[i - 1]);
  }

  double PropertyTable::integral(const double Ta, const double Tb) const
  {
    if (Tb < Ta)
      return -integral(Tb, Ta);
    if (values_.size() == 1)
      return values_.front() * (Tb - Ta);
    // Breakpoints inside (Ta, Tb); between them the table is linear, so the trapezoidal
    // rule is exact.
    double result = 0, a = Ta;
    for (const double t : temperatures_)
      if (t > Ta && t < Tb)
        {
          result += 0.5 * (value(a) + value(t)) * (t - a);
          a = t;
        }
    return result + 0.5 * (value(a) + value(Tb)) * (Tb - a);
  }

  bool PropertyTable::is_constant() const
  {
    return std::all_of(values_.begin(), values_.end(), [&](double v) { return v == values_.front(); });
  }

  double PropertyTable::min_value() const
  {
    return *std::min_element(values_.begin(), values_.end());
  }

  double PropertyTable::max_value() const
  {
    return *std::max_element(values_.begin(), values_.end());
  }

  std::string PropertyTable::to_string() const
  {
    std::ostringstream out;
    out << std::setprecision(10);
    if (values_.size() == 1)
      {
        out << values_.front();
        return out.str();
      }
    for (std::size_t i = 0; i < values_.size(); ++i)
      out << (i ? ", " : "") << temperatures_[i] << ':' << values_[i];
    return out.str();
  }
} // namespace bmgfe
