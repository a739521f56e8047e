#pragma once
// Measures of a symmetric 3x3 tensor (stress or strain; doc/model.md §5), mesh-free. Tensors are
// in the kinematics' component order: 3D and planar (x, y, z); axisymmetric (r, z, theta).
#include <bmgfe/base/kinematics.h>
#include <bmgfe/geometry/rod_axis.h>

#include <deal.II/base/symmetric_tensor.h>
#include <deal.II/base/tensor.h>

#include <array>

namespace bmgfe
{
  /// Index of the axial (z) component in the 3x3 tensor of a kinematic model.
  inline unsigned int axial_index(const Kinematics k)
  {
    return k == Kinematics::axisymmetric ? 1 : 2;
  }
  /// sqrt(3/2 s : s), s = dev(sigma).
  double von_mises(const dealii::SymmetricTensor<2, 3> &s);
  /// tr(sigma)/3.
  double mean_stress(const dealii::SymmetricTensor<2, 3> &s);
  /// sigma_m / sigma_eq; 0 for a stress-free point (|sigma_eq| below 1e-12 |sigma|).
  double triaxiality(const dealii::SymmetricTensor<2, 3> &s);
  /// Lode(-Nadai) parameter (2 s2 - s1 - s3)/(s1 - s3) of the principal values s1 >= s2 >= s3:
  /// -1 for uniaxial tension (and equibiaxial compression), 0 for pure shear, +1 for uniaxial
  /// compression (and equibiaxial tension); 0 for an isotropic tensor (undefined there).
  double lode_parameter(const dealii::SymmetricTensor<2, 3> &s);
  /// Principal values s1 >= s2 >= s3.
  std::array<double, 3> principal_stresses(const dealii::SymmetricTensor<2, 3> &s);
  /// Principal values (descending) with their unit eigenvectors. The sign of an eigenvector is
  /// undefined; it is chosen so that its largest component by magnitude is positive (so that a
  /// field of directions does not flip from point to point where the direction is smooth).
  std::array<std::pair<double, dealii::Tensor<1, 3>>, 3>
  principal_directions(const dealii::SymmetricTensor<2, 3> &s);

  /// Cylindrical components of tensors about a rod's axis (geometry/rod_axis.h, model
  /// coordinates mapped to 3D as (x, y, 0) in 2D). Axisymmetric models: the tensors are already
  /// cylindrical, (r, z, theta) -> (rr, tt, zz, rz) is a relabelling.
  struct CylindricalFrame
  {
    RodAxis    axis;
    Kinematics kinematics = Kinematics::three_dimensional;

    /// Distance of a point from the axis [m].
    double radial_distance(const std::array<double, 3> &x) const;
    /// Cylindrical components (rr, tt, zz, rz) of a tensor at x.
    std::array<double, 4> components(const dealii::SymmetricTensor<2, 3> &s,
                                     const std::array<double, 3> &x) const;
  };

  /// The frame of the axis r = 0 of an axisymmetric model (also when the body is no rod).
  CylindricalFrame axisymmetric_frame();
} // namespace bmgfe
