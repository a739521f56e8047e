#include <bmgfe/base/input_error.h>
#include <bmgfe/base/kinematics.h>

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

  std::vector<TensorComponent> tensor_components(const Kinematics k)
  {
    switch (k)
      {
        case Kinematics::axisymmetric:
          return {{"rr", 0, 0}, {"zz", 1, 1}, {"tt", 2, 2}, {"rz", 0, 1}};
        case Kinematics::three_dimensional:
          return {{"xx", 0, 0}, {"yy", 1, 1}, {"zz", 2, 2}, {"xy", 0, 1}, {"yz", 1, 2}, {"xz", 0, 2}};
        case Kinematics::plane_strain:
        case Kinematics::generalized_plane_strain:
          break;
      }
    return {{"xx", 0, 0}, {"yy", 1, 1}, {"zz", 2, 2}, {"xy", 0, 1}};
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
