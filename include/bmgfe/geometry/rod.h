#pragma once
// Built-in geometry 'rod': a cylinder of 'Rod radius' and 'Rod length' (3D), its r-z
// half-section (2D axisymmetric) or its circular cross-section (2D planar).
#include <bmgfe/geometry/geometry_model.h>

namespace bmgfe
{
  class RodGeometry : public GeometryModelBase<RodGeometry>
  {
  public:
    static void declare_parameters(dealii::ParameterHandler &prm);
    void parse_parameters(dealii::ParameterHandler &prm, GeometryParameters &geometry) override;
    template <int dim>
    DomainInfo<dim> build(const GeometryParameters &geometry, Kinematics kinematics,
                          dealii::parallel::distributed::Triangulation<dim> &tria) const;
  };

  /// Give the boundary faces on the rod's curved surface (every vertex at `axis.radius` from
  /// the axis, to 1e-6 of it) a cylindrical manifold (3D) or a circle (planar 2D), so that
  /// refinement follows the surface. Nothing for axisymmetric sections: all their
  /// boundaries are straight. Also used for mesh files declared rods.
  template <int dim>
  void attach_rod_manifold(dealii::Triangulation<dim> &tria, const RodAxis &axis,
                           Kinematics kinematics);
} // namespace bmgfe
