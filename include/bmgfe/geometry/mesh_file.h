#pragma once
// Geometry 'gmsh': a mesh file (.msh, or a .geo meshed with the gmsh executable), optionally
// declared a rod by its axis so that rods read from files (e.g. notched ones) get ring
// statistics and cylindrical components like the built-in rod.
#include <bmgfe/geometry/geometry_model.h>

#include <optional>
#include <vector>

namespace bmgfe
{
  class MeshFileGeometry : public GeometryModelBase<MeshFileGeometry>
  {
  public:
    static void declare_parameters(dealii::ParameterHandler &prm);
    void parse_parameters(dealii::ParameterHandler &prm, GeometryParameters &geometry) override;
    template <int dim>
    DomainInfo<dim> build(const GeometryParameters &geometry, Kinematics kinematics,
                          dealii::parallel::distributed::Triangulation<dim> &tria) const;

    /// 'Mesh rod axis point' and 'Mesh rod axis direction' as given (2 or 3 components;
    /// the direction empty: the mesh is not declared a rod).
    std::vector<double> axis_point, axis_direction;
    /// 'Mesh rod radius': empty for 'auto' (or 0), the radius from the mesh.
    std::optional<double> radius;
  };
} // namespace bmgfe
