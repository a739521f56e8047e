#pragma once
// Computational domains: built-in rods, plates and blocks, or a gmsh mesh (.msh, or a .geo
// that is meshed with the gmsh executable), with global and boundary-layer refinement.
//
// Boundary ids of the built-in geometries (documented in the parameter help):
//   rod   : 0 axis (axisymmetric only), 1 lateral surface, 2 bottom end (z = 0), 3 top end (z = L)
//           (planar 2D: the circular cross-section, 1 = its circumference)
//   plate : 0 axis (axisymmetric only), 1 the two large faces (normal to the thickness),
//           2 the rim/edges
//   block : 1 the lateral sides, 2 bottom (load-axis coordinate 0), 3 top (load-axis
//           coordinate = height); the load axis is y in 2D planar models, z in 3D
//           (compression specimens between platens: Mechanics/Loading programme)
#include <bmgfe/base/kinematics.h>

#include <deal.II/base/point.h>
#include <deal.II/base/types.h>
#include <deal.II/distributed/tria.h>

#include <string>
#include <utility>
#include <vector>

namespace dealii
{
  class ParameterHandler;
}

namespace bmgfe
{
  struct GeometryParameters
  {
    enum class Type
    {
      rod,
      plate,
      block,
      gmsh
    };
    Type        type            = Type::rod;
    double      rod_radius      = 1.5e-3;
    double      rod_length      = 6e-3;
    double      plate_width     = 10e-3;
    double      plate_thickness = 2e-3;
    double      block_width     = 3e-3; ///< along x
    double      block_height    = 6e-3; ///< along the load axis (y in 2D, z in 3D)
    double      block_depth     = 3e-3; ///< along y (3D only)
    double      mesh_size       = 0; ///< target cell size of built-in meshes; 0: R/4, t/8, width/8
    std::string mesh_file;           ///< resolved (absolute or relative to the cwd)
    double      mesh_scaling    = 1;
    unsigned int global_refinement   = 0;
    unsigned int boundary_refinement = 0;
    std::vector<dealii::types::boundary_id> boundary_refinement_ids;

    static void declare_parameters(dealii::ParameterHandler &prm);
    /// `base_directory`: folder of the parameter file; relative mesh paths are resolved
    /// against it first, then against the current directory.
    void parse_parameters(dealii::ParameterHandler &prm, const std::string &base_directory);
  };

  /// What the mesh generator knows about the domain beyond the mesh itself.
  template <int dim>
  struct DomainInfo
  {
    std::string description;
    /// Named probe points (centre and surface by default).
    std::vector<std::pair<std::string, dealii::Point<dim>>> default_probes;
    /// Radius of a rod (for Bi = h R / k, the number of the Bessel-series solution); 0 if none.
    double radius = 0;
    /// Half thickness of a plate (its mid-plane is at 0 of the last coordinate); 0 if none.
    /// Plates get layer statistics by the distance from the mid-plane instead of rings.
    double half_thickness = 0;
  };

  /// Build the coarse mesh, attach manifolds, refine. Collective on the communicator of
  /// `tria`. Throws InputError for a missing or unreadable mesh file and for simplex meshes.
  template <int dim>
  DomainInfo<dim> create_domain(const GeometryParameters &prm, Kinematics kinematics,
                                dealii::parallel::distributed::Triangulation<dim> &tria);
} // namespace bmgfe
