#include <bmgfe/base/input_error.h>
#include <bmgfe/geometry/plate.h>

#include <deal.II/base/parameter_handler.h>
#include <deal.II/grid/grid_generator.h>
#include <deal.II/grid/tria.h>

#include "coarse_mesh.h"

#include <cmath>

namespace bmgfe
{
  using namespace dealii;

  template <int dim>
  DomainInfo<dim> PlateGeometry::build(const GeometryParameters &g, const Kinematics kin,
                                       parallel::distributed::Triangulation<dim> &tria) const
  {
    const double W = g.plate_width, t = g.plate_thickness;
    const double h = g.mesh_size > 0 ? g.mesh_size : t / 8;
    Point<dim>   lo, hi;
    std::vector<unsigned int> rep(dim);
    const bool axi = (kin == Kinematics::axisymmetric);
    for (unsigned int d = 0; d < dim - 1; ++d)
      {
        lo[d]  = axi ? 0.0 : -W / 2;
        hi[d]  = W / 2;
        rep[d] = internal::n_cells(hi[d] - lo[d], h);
      }
    lo[dim - 1]  = -t / 2;
    hi[dim - 1]  = t / 2;
    rep[dim - 1] = internal::n_cells(t, h);
    internal::require_coarse_cells(rep, h);
    Triangulation<dim> serial;
    GridGenerator::subdivided_hyper_rectangle(serial, rep, lo, hi);
    for (auto &face : serial.active_face_iterators())
      if (face->at_boundary())
        {
          const auto c = face->center();
          if (std::abs(std::abs(c[dim - 1]) - t / 2) < 1e-9 * t)
            face->set_boundary_id(1);
          else if (axi && c[0] < 1e-9 * W)
            face->set_boundary_id(0);
          else
            face->set_boundary_id(2);
        }
    DomainInfo<dim> info;
    info.description = std::string(axi ? "axisymmetric disk-shaped plate" : "plate") +
                       ", thickness along the last coordinate";
    Point<dim> centre, surface;
    surface[dim - 1]    = t / 2;
    info.default_probes = {{"centre", centre}, {"surface", surface}};
    info.half_thickness = t / 2;
    tria.copy_triangulation(serial);
    return info;
  }

  void PlateGeometry::declare_parameters(ParameterHandler &prm)
  {
    prm.declare_entry("Plate width", "10e-3", Patterns::Double(0), "Plate width [m].");
    prm.declare_entry("Plate thickness", "2e-3", Patterns::Double(0), "Plate thickness [m].");
  }

  void PlateGeometry::parse_parameters(ParameterHandler &prm, GeometryParameters &g)
  {
    g.plate_width     = prm.get_double("Plate width");
    g.plate_thickness = prm.get_double("Plate thickness");
    require(g.plate_width > 0 && g.plate_thickness > 0, "section 'Geometry'",
            "'Plate width' and 'Plate thickness' must be positive");
  }

  template DomainInfo<2> PlateGeometry::build(const GeometryParameters &, Kinematics,
                                      parallel::distributed::Triangulation<2> &) const;
  template DomainInfo<3> PlateGeometry::build(const GeometryParameters &, Kinematics,
                                      parallel::distributed::Triangulation<3> &) const;

  BMGFE_REGISTER_GEOMETRY(PlateGeometry, "plate",
                          "thickness 'Plate thickness' along the last coordinate, width 'Plate "
                          "width' (ids 1 the large faces, 2 the edges, 0 the axis when "
                          "axisymmetric).")
} // namespace bmgfe
