#include <bmgfe/base/input_error.h>
#include <bmgfe/materials/thermal_material.h>

#include <deal.II/base/parameter_handler.h>

namespace bmgfe
{
  void ThermalMaterial::declare_parameters(dealii::ParameterHandler &prm)
  {
    using namespace dealii::Patterns;
    prm.enter_subsection("Material");
    prm.declare_entry("Name", "Vit1", Anything(),
                      "Name of the material, used in output and reports only.");
    prm.declare_entry("Density", "6100", Double(0), "Mass density rho [kg/m^3].");
    prm.declare_entry("Heat capacity", "420", Anything(),
                      "Specific heat capacity c_p [J/(kg K)]: a number, or a piecewise-linear "
                      "table 'T1:c1, T2:c2, ...' in K (held constant outside the table). "
                      "Vit1: ~420-480 in the glass, ~640 in the supercooled liquid.");
    prm.declare_entry("Thermal conductivity", "5", Anything(),
                      "Thermal conductivity k [W/(m K)]: a number or a table 'T1:k1, T2:k2, ...'.");
    prm.leave_subsection();
  }

  void ThermalMaterial::parse_parameters(dealii::ParameterHandler &prm)
  {
    prm.enter_subsection("Material");
    name    = prm.get("Name");
    density = prm.get_double("Density");
    require(density > 0, "entry 'Material/Density'", "must be positive");
    const auto read_table = [&](const std::string &entry) {
      try
        {
          PropertyTable t = PropertyTable::parse(prm.get(entry));
          require(t.min_value() > 0, "", "values must be positive");
          return t;
        }
      catch (const InputError &e)
        {
          throw InputError("entry 'Material/" + entry + "': " + e.what());
        }
    };
    heat_capacity        = read_table("Heat capacity");
    thermal_conductivity = read_table("Thermal conductivity");
    prm.leave_subsection();
  }
} // namespace bmgfe
