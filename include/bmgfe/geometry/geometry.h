#pragma once
// Computational domains: built-in rods, plates and blocks, or a gmsh mesh (.msh, or a .geo
// that is meshed with the gmsh executable), with global and boundary-layer refinement.
// Each geometry is a GeometryModel registered under its 'Geometry/Type' name
// (geometry_model.h); create_domain() builds the one the parameters chose and refines it.
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
#include <bmgfe/geometry/rod_axis.h>

#include <deal.II/base/point.h>
#include <deal.II/base/types.h>
#include <deal.II/distributed/tria.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace dealii
{
  class ParameterHandler;
}

namespace bmgfe
{
  class GeometryModel;

  /// The section 'Geometry': the entries common to all geometries, the chosen geometry's
  /// model, and (as named fields) the entries of the built-in geometries, which their
  /// models read and write. A geometry added later keeps its entries in its model.
  struct GeometryParameters
  {
    /// The built-in geometries, for code that switches on them; `other` for any further
    /// registered geometry (its name is `type_name`).
    enum class Type
    {
      rod,
      plate,
      block,
      gmsh,
      other
    };
    Type        type            = Type::rod;
    std::string type_name       = "rod"; ///< the value of 'Geometry/Type'
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
    /// 'Refinement regions': axis-aligned boxes in model coordinates whose cells are refined
    /// until their size (volume^(1/dim)) is at most `cell_size` (local resolution of a
    /// random field or of an indentation array, a notch root).
    struct RefinementRegion
    {
      std::vector<double> lower, upper; ///< dim coordinates each [m]
      double              cell_size = 0; ///< [m]
    };
    std::vector<RefinementRegion> refinement_regions;
    /// Folder of the parameter file (relative paths of geometry files are resolved from it).
    std::string base_directory;
    /// The geometry of 'Type' as parsed; empty before parse_parameters(), when
    /// create_domain() uses the built-in geometry of `type` with the fields above.
    std::shared_ptr<const GeometryModel> model;

    /// Declares 'Type' (one of the registered geometries), the common entries and every
    /// registered geometry's entries.
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
    /// Equal to rod->radius when the domain is a rod.
    double radius = 0;
    /// Half thickness of a plate (its mid-plane is at 0 of the last coordinate); 0 if none.
    /// Plates get layer statistics by the distance from the mid-plane instead of rings.
    double half_thickness = 0;
    /// Axis, radius and length when the domain is a rod (the built-in rod, or a mesh file
    /// declared a rod by 'Geometry/Mesh rod axis direction'); empty otherwise.
    std::optional<RodAxis> rod;
  };

  /// 'Geometry/Refinement regions' as text -> regions; throws InputError naming the entry.
  std::vector<GeometryParameters::RefinementRegion> parse_refinement_regions(const std::string &text);

  /// Build the coarse mesh, attach manifolds, refine (`refine` false: the coarse mesh only,
  /// which a checkpoint's load() refines as it was). Collective on the communicator of
  /// `tria`. Throws InputError for a missing or unreadable mesh file and for simplex meshes.
  template <int dim>
  DomainInfo<dim> create_domain(const GeometryParameters &prm, Kinematics kinematics,
                                dealii::parallel::distributed::Triangulation<dim> &tria,
                                bool refine = true);
} // namespace bmgfe
