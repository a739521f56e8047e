#include <bmgfe/base/input_error.h>
#include <bmgfe/geometry/block.h>

#include <deal.II/base/parameter_handler.h>
#include <deal.II/grid/grid_generator.h>
#include <deal.II/grid/tria.h>

#include "coarse_mesh.h"

namespace bmgfe
{
  using namespace dealii;

  /// Rectangle (2D planar) or box (3D) with the load axis (height) as the last coordinate,
  /// from 0 to the height, centred on it in the other directions.
  template <int dim>
  DomainInfo<dim> BlockGeometry::build(const GeometryParameters &g, const Kinematics kin,
                                       parallel::distributed::Triangulation<dim> &tria) const
  {
    // The r-z section of a cylinder is the rod's job (it has the axis id 0 and the
    // 2 pi r weight); a 'block' there would silently become a cylinder.
    require(kin != Kinematics::axisymmetric, "entry 'Geometry/Type'",
            "'block' is a rectangle (2D plane strain, generalized plane strain) or a box (3D), "
            "not an axisymmetric section; use 'Type = rod' for an axisymmetric specimen");
    const double W = g.block_width, H = g.block_height, D = g.block_depth;
    const double h = g.mesh_size > 0 ? g.mesh_size : W / 8;
    Point<dim>   lo, hi;
    std::vector<unsigned int> rep(dim);
    lo[0]  = -W / 2;
    hi[0]  = W / 2;
    rep[0] = internal::n_cells(W, h);
    if constexpr (dim == 3)
      {
        lo[1]  = -D / 2;
        hi[1]  = D / 2;
        rep[1] = internal::n_cells(D, h);
      }
    lo[dim - 1]  = 0;
    hi[dim - 1]  = H;
    rep[dim - 1] = internal::n_cells(H, h);
    internal::require_coarse_cells(rep, h);
    Triangulation<dim> serial;
    GridGenerator::subdivided_hyper_rectangle(serial, rep, lo, hi);
    for (auto &face : serial.active_face_iterators())
      if (face->at_boundary())
        {
          const double z = face->center()[dim - 1];
          face->set_boundary_id(z < 1e-9 * H ? 2 : (z > H * (1 - 1e-9) ? 3 : 1));
        }
    Point<dim> centre, surface;
    centre[dim - 1] = H / 2;
    surface         = centre;
    surface[0]      = W / 2;
    DomainInfo<dim> info;
    info.description = dim == 3 ? "block (box) x in [-W/2, W/2], y in [-D/2, D/2], z in [0, H]" :
                                  "block (rectangle) x in [-W/2, W/2], y in [0, H]";
    info.default_probes = {{"centre", centre}, {"surface", surface}};
    tria.copy_triangulation(serial);
    return info;
  }

  void BlockGeometry::declare_parameters(ParameterHandler &prm)
  {
    using Patterns::Double;
    prm.declare_entry("Block width", "3e-3", Double(0), "Block width along x [m].");
    prm.declare_entry("Block height", "6e-3", Double(0),
                      "Block height along the load axis (y in 2D, z in 3D) [m]; the default "
                      "aspect ratio height/width = 2 is that of compression specimens.");
    prm.declare_entry("Block depth", "3e-3", Double(0), "Block depth along y [m] (3D only).");
  }

  void BlockGeometry::parse_parameters(ParameterHandler &prm, GeometryParameters &g)
  {
    g.block_width  = prm.get_double("Block width");
    g.block_height = prm.get_double("Block height");
    g.block_depth  = prm.get_double("Block depth");
    require(g.block_width > 0 && g.block_height > 0 && g.block_depth > 0, "section 'Geometry'",
            "'Block width', 'Block height' and 'Block depth' must be positive");
  }

  template DomainInfo<2> BlockGeometry::build(const GeometryParameters &, Kinematics,
                                      parallel::distributed::Triangulation<2> &) const;
  template DomainInfo<3> BlockGeometry::build(const GeometryParameters &, Kinematics,
                                      parallel::distributed::Triangulation<3> &) const;

  BMGFE_REGISTER_GEOMETRY(
    BlockGeometry, "block",
    "a rectangle (2D plane strain / generalized plane strain) or box (3D) of 'Block width' (x), "
    "'Block height' (the load axis: y in 2D, z in 3D) and 'Block depth' (y, 3D only), x centred "
    "on 0 (and y in 3D), the load axis from 0 to the height: ids 1 the lateral sides, 2 the "
    "bottom (load-axis coordinate 0), 3 the top; not for axisymmetric models (use rod).")
} // namespace bmgfe
