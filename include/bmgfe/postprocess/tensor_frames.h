#pragma once
// The frame in which tensors are written per component: cylindrical (rr, tt, zz, rz) for rods
// (built-in or a mesh file declared a rod), the model's Cartesian components otherwise
// (xx, yy, zz, xy[, yz, xz]; axisymmetric models: rr, zz, tt, rz).
#include <bmgfe/geometry/geometry.h>
#include <bmgfe/postprocess/quantities.h>
#include <bmgfe/postprocess/stress_measures.h>

namespace bmgfe
{
  namespace postprocess
  {
    /// The cylindrical frame of a rod (its axis, geometry/rod_axis.h) or of an axisymmetric
    /// model (the axis r = 0); false for other bodies (frame untouched).
    template <int dim>
    bool rod_frame(Kinematics kinematics, const DomainInfo<dim> &domain, CylindricalFrame &frame);

    template <int dim>
    ComponentFrame component_frame(Kinematics kinematics, const DomainInfo<dim> &domain);

    /// Model point as 3D coordinates (x, y, 0) in 2D.
    template <int dim>
    std::array<double, 3> to_3d(const dealii::Point<dim> &p)
    {
      return {{p[0], p[1], dim == 3 ? p[dim - 1] : 0.0}};
    }
  } // namespace postprocess
} // namespace bmgfe
