#include <bmgfe/core/input_error.h>
#include <bmgfe/physics/kinematics.h>

namespace bmgfe
{
  Kinematics parse_kinematics(const int dimension, const std::string &name)
  {
    if (dimension == 3)
      return Kinematics::three_dimensional;
    if (name == "axisymmetric")
      return Kinematics::axisymmetric;
    if (name == "planar")
      return Kinematics::planar;
    throw InputError("entry 'Kinematics': '" + name + "' is not valid in 2D (axisymmetric|planar)");
  }

  std::string to_string(const Kinematics k)
  {
    switch (k)
      {
        case Kinematics::three_dimensional:
          return "3D";
        case Kinematics::axisymmetric:
          return "axisymmetric";
        case Kinematics::planar:
          return "planar";
      }
    return "unknown";
  }
} // namespace bmgfe
