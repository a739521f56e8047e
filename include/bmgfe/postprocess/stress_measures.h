#pragma once
// Scalar measures of a stress tensor (doc/model.md §5), mesh-free. Tensors are 3x3 with
// the kinematics' component order: 3D and planar (x, y, z); axisymmetric (r, z, theta).
#include <bmgfe/base/kinematics.h>

#include <deal.II/base/symmetric_tensor.h>

#include <array>

namespace bmgfe
{
  /// Index of the axial (z) and hoop components in the 3x3 tensor of a kinematic model.
  inline unsigned int axial_index(const Kinematics k)
  {
    return k == Kinematics::axisymmetric ? 1 : 2;
  }

  double von_mises(const dealii::SymmetricTensor<2, 3> &s);
  double mean_stress(const dealii::SymmetricTensor<2, 3> &s);
  /// sigma_m / sigma_eq; 0 for a stress-free point (|sigma_eq| below 1e-12 |sigma|).
  double triaxiality(const dealii::SymmetricTensor<2, 3> &s);
  /// Principal stresses sigma1 >= sigma2 >= sigma3.
  std::array<double, 3> principal_stresses(const dealii::SymmetricTensor<2, 3> &s);

  /// Cylindrical components (rr, theta-theta, zz, rz) of a rod's stress at a point (x, y[, z])
  /// of the model: axisymmetric tensors are already cylindrical; 3D and planar tensors are
  /// rotated by the polar angle of (x, y) (angle 0 on the axis).
  std::array<double, 4> cylindrical_components(const dealii::SymmetricTensor<2, 3> &s, double x,
                                               double y, Kinematics k);
} // namespace bmgfe
