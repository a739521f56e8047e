#pragma once
// Thermal properties of one material: density, heat capacity c_p(T) and conductivity k(T).
#include <bmgfe/materials/property_table.h>

#include <string>

namespace dealii
{
  class ParameterHandler;
}

namespace bmgfe
{
  struct ThermalMaterial
  {
    std::string   name = "Vit1";
    double        density = 6100;             ///< kg/m^3
    PropertyTable heat_capacity{420.0};       ///< J/(kg K)
    PropertyTable thermal_conductivity{5.0};  ///< W/(m K)

    /// True when neither c_p nor k depends on temperature (the heat equation is linear).
    bool is_temperature_independent() const
    {
      return heat_capacity.is_constant() && thermal_conductivity.is_constant();
    }
    /// Thermal diffusivity k / (rho c_p) at temperature T [m^2/s].
    double diffusivity(double T) const
    {
      return thermal_conductivity.value(T) / (density * heat_capacity.value(T));
    }

    static void declare_parameters(dealii::ParameterHandler &prm);
    void        parse_parameters(dealii::ParameterHandler &prm);
  };
} // namespace bmgfe
