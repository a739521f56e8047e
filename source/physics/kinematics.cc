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
    if (name == "planar" || name == "generalized plane strain")
      return Kinematics::generalized_plane_strain;
    if (name == "plane strain")
      return Kinematics::plane_strain;
    throw InputError("entry 'Kinematics': '" + name +
                     "' is not valid in 2D (axisymmetric|plane strain|generalized plane strain|planar)");
  }

  std::string to_string(const Kinematics k)
  {
    switch (k)
      {
        case Kinematics::three_dimensional:
          return "3D";
        case Kinematics::axisymmetric:
          return "axisymmetric";
        case Kinematics::plane_strain:
          return "plane strain";
        case Kinematics::generalized_plane_strain:
          return "generalized plane strain";
      }
    return "unknown";
  }
} // namespace bmgfe
