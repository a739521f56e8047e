#pragma once
// A material property as a piecewise-linear function of temperature, read from a
// parameter string "T1:v1, T2:v2, ..." (or a single number for a constant).
// Outside the tabulated range the end values are held constant: extrapolating a
// fitted slope far beyond the data (e.g. c_p above T_liquidus) is worse than freezing it.
#include <string>
#include <vector>

namespace bmgfe
{
  class PropertyTable
  {
  public:
    PropertyTable() = default;
    explicit PropertyTable(double constant_value);
    PropertyTable(std::vector<double> temperatures, std::vector<double> values);

    /// Parse "5.0" or "300:4.5, 600:5.2, 900:6.0". Throws InputError with a message
    /// that says what is wrong (the caller adds file and entry names).
    static PropertyTable parse(const std::string &text);

    double value(double temperature) const;
    /// Slope d(value)/dT; zero outside the table and for constants.
    double derivative(double temperature) const;
    bool   is_constant() const;
    /// Exact integral of the table from Ta to Tb (constant extrapolation included), e.g.
    /// the thermal strain int_{T_ref}^{T} alpha(T') dT'.
    double integral(double Ta, double Tb) const;
    double min_value() const;
    double max_value() const;

    const std::vector<double> &temperatures() const { return temperatures_; }
    const std::vector<double> &values() const { return values_; }

    /// The table written back in the parse() syntax.
    std::string to_string() const;

  private:
    std::vector<double> temperatures_;
    std::vector<double> values_;
  };
} // namespace bmgfe
