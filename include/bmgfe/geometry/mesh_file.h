#pragma once
// Geometry 'gmsh': a mesh file (.msh, or a .geo meshed with the gmsh executable), optionally
// declared a rod by its axis so that rods read from files (e.g. notched ones) get ring
// statistics and cylindrical components like the built-in rod.
#include <bmgfe/geometry/geometry_model.h>

#include <mpi.h>

#include <optional>
#include <string>
#include <vector>

namespace dealii
{
  template <int dim, int spacedim>
  class Triangulation;
}

namespace bmgfe
{
  /// Serial mesh from a gmsh mesh (.msh) or geometry (.geo, meshed by the gmsh executable on
  /// rank 0 with `gmsh_arguments` added to its command line, e.g. "-setnumber N 2"; the mesh
  /// text is broadcast, so no other rank reads rank 0's temporary file). An
  /// InputError naming `file` if it is missing, gmsh fails, it cannot be read, it is empty, or
  /// it holds simplex cells (bmgfe's distributed meshes take quads and hexes only).
  template <int dim>
  void read_gmsh_mesh(dealii::Triangulation<dim, dim> &serial, const std::string &file,
                      MPI_Comm comm, const std::string &gmsh_arguments = "");

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
