#include <bmgfe/base/input_error.h>
#include <bmgfe/geometry/rod.h>

#include <deal.II/base/parameter_handler.h>
#include <deal.II/grid/grid_generator.h>
#include <deal.II/grid/manifold_lib.h>
#include <deal.II/grid/tria.h>

#include "coarse_mesh.h"

#include <cmath>

namespace bmgfe
{
  using namespace dealii;

  namespace
  {
    constexpr types::manifold_id curved_manifold_id = 1;

    /// Serial disk of radius R, refined until the radial cell size is <= h, then flattened
    /// into a coarse mesh (so that it can be extruded or handed to p4est as is).
    void make_disk(Triangulation<2> &flat, const double R, const double h)
    {
      Triangulation<2> disk;
      GridGenerator::hyper_ball_balanced(disk, Point<2>(), R);
      // hyper_ball_balanced: 4 cells across the radius on the coarse level
      double cell = R / 2;
      while (cell > h * (1 + 1e-9))
        {
          disk.refine_global(1);
          cell /= 2;
        }
      GridGenerator::flatten_triangulation(disk, flat);
    }
  } // namespace

  template <int dim>
  DomainInfo<dim> RodGeometry::build(const GeometryParameters &g, const Kinematics kin,
                                     parallel::distributed::Triangulation<dim> &tria) const
  {
    const double       R = g.rod_radius, L = g.rod_length;
    const double       h = g.mesh_size > 0 ? g.mesh_size : R / 4;
    DomainInfo<dim>    info;
    Triangulation<dim> serial;
    RodAxis            axis;
    axis.radius = R;
    axis.length = L;
    // The axis: z through the origin (3D), r = 0 (axisymmetric), the disk centre normal
    // to the section (planar, of infinite length).
    axis.direction[dim == 3 || is_planar(kin) ? 2 : 1] = 1;
    if constexpr (dim == 2)
      {
        if (kin == Kinematics::axisymmetric)
          {
            const std::vector<unsigned int> cells = {internal::n_cells(R, h), internal::n_cells(L, h)};
            internal::require_coarse_cells(cells, h);
            GridGenerator::subdivided_hyper_rectangle(serial, cells, Point<2>(0, 0), Point<2>(R, L),
                                                      true);
            info.description    = "axisymmetric rod section r in [0, R], z in [0, L]";
            info.default_probes = {{"centre", Point<2>(0, L / 2)}, {"surface", Point<2>(R, L / 2)}};
          }
        else
          {
            internal::require_coarse_cells(4 * std::pow(internal::n_cells(R, h), 2), h);
            make_disk(serial, R, h);
            for (auto &face : serial.active_face_iterators())
              if (face->at_boundary())
                face->set_boundary_id(1);
            axis.length         = 0;
            info.description    = "circular rod cross-section of radius R";
            info.default_probes = {{"centre", Point<2>(0, 0)}, {"surface", Point<2>(R, 0)}};
          }
      }
    else
      {
        internal::require_coarse_cells(4 * std::pow(internal::n_cells(R, h), 2) * internal::n_cells(L, h), h);
        Triangulation<2> disk;
        make_disk(disk, R, h);
        GridGenerator::extrude_triangulation(disk, internal::n_cells(L, h) + 1, L, serial);
        for (auto &face : serial.active_face_iterators())
          if (face->at_boundary())
            {
              const double z = face->center()[2];
              face->set_boundary_id(z < 1e-6 * L ? 2 : (z > L * (1 - 1e-6) ? 3 : 1));
            }
        info.description    = "cylindrical rod, radius R, z in [0, L]";
        info.default_probes = {{"centre", Point<dim>(0, 0, L / 2)},
                               {"surface", Point<dim>(R, 0, L / 2)}};
      }
    info.rod    = axis;
    info.radius = R;
    tria.copy_triangulation(serial);
    attach_rod_manifold(tria, axis, kin);
    return info;
  }

  template <int dim>
  void attach_rod_manifold(Triangulation<dim> &tria, const RodAxis &axis, const Kinematics kin)
  {
    if (kin == Kinematics::axisymmetric)
      return; // r-z section: all boundaries straight
    const double R = axis.radius;
    for (auto &cell : tria.active_cell_iterators())
      for (const auto f : cell->face_indices())
        if (cell->face(f)->at_boundary())
          {
            // A face on the curved surface has all its vertices on it (its centre lies
            // inside, at R cos(pi/n)); end faces of a 3D rod have inner vertices.
            bool on_surface = true;
            for (const auto v : cell->face(f)->vertex_indices())
              on_surface = on_surface &&
                           std::abs(axis.radial_distance(cell->face(f)->vertex(v)) - R) < 1e-6 * R;
            if (on_surface)
              cell->face(f)->set_all_manifold_ids(curved_manifold_id);
          }
    if constexpr (dim == 2)
      tria.set_manifold(curved_manifold_id, SphericalManifold<2>(Point<2>(axis.point[0], axis.point[1])));
    else
      tria.set_manifold(curved_manifold_id, CylindricalManifold<3>(axis.direction, axis.point));
  }

  void RodGeometry::declare_parameters(ParameterHandler &prm)
  {
    prm.declare_entry("Rod radius", "1.5e-3", Patterns::Double(0), "Rod radius R [m].");
    prm.declare_entry("Rod length", "6e-3", Patterns::Double(0), "Rod length L [m].");
  }

  void RodGeometry::parse_parameters(ParameterHandler &prm, GeometryParameters &g)
  {
    g.rod_radius = prm.get_double("Rod radius");
    g.rod_length = prm.get_double("Rod length");
    require(g.rod_radius > 0 && g.rod_length > 0, "section 'Geometry'",
            "'Rod radius' and 'Rod length' must be positive");
  }

  template void attach_rod_manifold(Triangulation<2> &, const RodAxis &, Kinematics);
  template void attach_rod_manifold(Triangulation<3> &, const RodAxis &, Kinematics);

  template DomainInfo<2> RodGeometry::build(const GeometryParameters &, Kinematics,
                                      parallel::distributed::Triangulation<2> &) const;
  template DomainInfo<3> RodGeometry::build(const GeometryParameters &, Kinematics,
                                      parallel::distributed::Triangulation<3> &) const;

  BMGFE_REGISTER_GEOMETRY(
    RodGeometry, "rod",
    "a cylinder of 'Rod radius' and 'Rod length' (3D), its r-z half-section (2D axisymmetric; "
    "boundary ids 0 axis, 1 lateral surface, 2 bottom z = 0, 3 top z = L) or its circular "
    "cross-section (2D planar; id 1 the circumference); 3D ids 1 lateral, 2 bottom, 3 top.")
} // namespace bmgfe
