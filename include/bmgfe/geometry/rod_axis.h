#pragma once
// The axis, radius and length of a rod-shaped domain (doc/model.md, "Geometry"): what ring
// statistics (distance from the axis) and cylindrical stress components (rr, tt, zz, rz)
// need, for the built-in rod and for a mesh file declared a rod alike.
//
// Everything is in 3D model coordinates: a 2D point (x, y) is (x, y, 0). In axisymmetric
// models (x, y) = (r, z), so the axis is the line r = 0: point (0, z0, 0), direction (0, 1, 0),
// and the third model coordinate is the hoop direction.
#include <deal.II/base/point.h>
#include <deal.II/base/symmetric_tensor.h>
#include <deal.II/base/tensor.h>

namespace bmgfe
{
  /// Unit vectors of the cylindrical coordinates (r, theta, z) at a point, in the model's
  /// Cartesian coordinates, right-handed: e_r x e_theta = e_z.
  struct CylindricalBasis
  {
    dealii::Tensor<1, 3> e_r, e_theta, e_z;

    /// The Cartesian tensor with cylindrical components rr, tt, zz, rz (and no r-theta or
    /// theta-z shear) in this basis: rr e_r e_r + tt e_t e_t + zz e_z e_z + rz (e_r e_z + e_z e_r).
    dealii::SymmetricTensor<2, 3> cartesian(double rr, double tt, double zz, double rz) const;
  };

  struct RodAxis
  {
    /// The point of the axis with axial coordinate 0: on the bottom end of the rod, so that
    /// axial_coordinate() runs from 0 to `length` over the rod.
    dealii::Point<3> point;
    /// Unit vector along the axis, from the bottom end to the top end.
    dealii::Tensor<1, 3> direction;
    double radius = 0; ///< [m]
    double length = 0; ///< [m]; 0 for the cross-section of a long rod (planar 2D models)

    /// A 2D model point (x, y) as (x, y, 0); a 3D point as it is.
    template <int dim>
    static dealii::Point<3> to_model_3d(const dealii::Point<dim> &x);

    /// Distance of `x` from the axis line.
    template <int dim>
    double radial_distance(const dealii::Point<dim> &x) const;

    /// Coordinate of `x` along the axis, measured from `point`.
    template <int dim>
    double axial_coordinate(const dealii::Point<dim> &x) const;

    /// e_r, e_theta, e_z at `x`. e_z is `direction`; e_r points away from the axis. On the
    /// axis (distance below 1e-12 of radius + |x - point|) e_r is not defined by x; it is
    /// then the model's coordinate unit vector least aligned with the axis (x first on a
    /// tie), made normal to the axis: x for the z axis of a 3D rod and for the axis r = 0
    /// of an axisymmetric model, the limit of e_r there as r -> 0.
    /// In an axisymmetric model e_theta comes out as (0, 0, -1): (r, z, hoop) is a
    /// left-handed order; the components rr, tt, zz and rz do not depend on that sign.
    template <int dim>
    CylindricalBasis cylindrical_basis(const dealii::Point<dim> &x) const;
  };
} // namespace bmgfe
