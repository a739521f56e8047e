#pragma once
// Kinematic model of the computational domain. Only the integration weight and the
// geometric meaning of the 2D coordinates depend on it in the heat problem; the
// mechanics adds hoop strain (axisymmetric) and the out-of-plane strain (planar).
#include <string>
#include <vector>

namespace bmgfe
{
  enum class Kinematics
  {
    three_dimensional,       ///< dim = 3
    axisymmetric,            ///< dim = 2, coordinates (r, z), r >= 0, integrals weighted by 2 pi r
    plane_strain,            ///< dim = 2, cross-section (x, y), eps_zz = 0, per unit length
    generalized_plane_strain ///< dim = 2, cross-section of a long rod, eps_zz uniform (one
                             ///< global unknown) with a prescribed net axial force or strain
  };

  inline bool is_planar(const Kinematics k)
  {
    return k == Kinematics::plane_strain || k == Kinematics::generalized_plane_strain;
  }

  Kinematics  parse_kinematics(int dimension, const std::string &name);
  std::string to_string(Kinematics k);

  /// An entry (i, j) of a symmetric 3x3 tensor and its name in the model's coordinates.
  struct TensorComponent
  {
    std::string  suffix; ///< e.g. "rr", "tt" (hoop), "xy"
    unsigned int i, j;
  };

  /// The entries of a symmetric 3x3 tensor (stress, strain) that a model writes: rr, zz, tt,
  /// rz (axisymmetric: components (r, z) plus the hoop entry 2,2); xx, yy, zz, xy (planar,
  /// the out-of-plane shears vanish); xx, yy, zz, xy, yz, xz (3D). The output files and the
  /// reader of a previous run's state share this list.
  std::vector<TensorComponent> tensor_components(Kinematics k);

  /// Factor that turns dx dy (2D) or dx dy dz (3D) into a volume element: 2 pi r for
  /// axisymmetric, 1 otherwise. `radius` is the first coordinate.
  inline double volume_weight(const Kinematics k, const double radius)
  {
    return k == Kinematics::axisymmetric ? 2.0 * 3.14159265358979323846 * radius : 1.0;
  }
} // namespace bmgfe
