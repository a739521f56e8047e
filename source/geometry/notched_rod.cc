#include <bmgfe/base/input_error.h>
#include <bmgfe/geometry/mesh_file.h>
#include <bmgfe/geometry/notched_rod.h>
#include <bmgfe/geometry/rod.h>
#include <bmgfe/notched_rod_geo.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/utilities.h>
#include <deal.II/distributed/tria.h>
#include <deal.II/grid/manifold_lib.h>
#include <deal.II/grid/tria.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <unistd.h>

namespace bmgfe
{
  using namespace dealii;

  namespace
  {
    const std::string section = "section 'Geometry' ('Type = notched rod')";

    std::string entry(const std::string &name) { return "entry 'Geometry/" + name + "'"; }

    /// First manifold id of the notch-root arcs (axisymmetric sections); the rod's curved
    /// surface uses 1 (rod.cc).
    constexpr types::manifold_id first_root_manifold_id = 10;
  } // namespace

  void NotchedRodGeometry::declare_parameters(ParameterHandler &prm)
  {
    // 'Rod radius' and 'Rod length' are the rod's (rod.cc).
    prm.declare_entry("Notch root diameter", "2.5e-3", Patterns::Double(0),
                      "Notched rod: diameter of the rod at the notch roots [m], less than the rod's "
                      "(seed 004: 2.5 mm in a 4.5 mm rod). A notch shallower than its root radius "
                      "is the part of the tool profile inside the rod: arcs that meet the surface "
                      "at an angle, the opening at the surface narrower than 'Notch width'.");
    prm.declare_entry("Notch width", "5e-4", Patterns::Double(0),
                      "Notched rod: axial width of each notch [m], at least twice the root radius "
                      "(a flat root between two fillets when larger; seed 004: 0.5 mm).");
    prm.declare_entry("Notch root radius", "2.5e-4", Patterns::Double(0),
                      "Notched rod: radius of the rounded notch root [m] (seed 004: a round-head "
                      "grooving tool of 0.5 mm diameter, i.e. 0.25 mm).");
    prm.declare_entry("Notch positions", "0.5", Patterns::Anything(),
                      "Notched rod: axial positions of the notch centres as fractions of 'Rod "
                      "length', comma-separated, 0 to 4 of them (empty: a plain rod meshed like "
                      "the notched one); notches must lie inside the rod and must not overlap.");
    prm.declare_entry("Notch mesh size", "0", Patterns::Double(0),
                      "Notched rod: cell size at the notch roots [m], graded to 'Mesh size' over "
                      "four root radii; at most half the root radius; 0 chooses root radius / 4. "
                      "'Mesh size' 0 chooses R/8 for the notched rod.");
  }

  void NotchedRodGeometry::parse_parameters(ParameterHandler &prm, GeometryParameters &g)
  {
    g.rod_radius   = prm.get_double("Rod radius");
    g.rod_length   = prm.get_double("Rod length");
    root_diameter  = prm.get_double("Notch root diameter");
    width          = prm.get_double("Notch width");
    root_radius    = prm.get_double("Notch root radius");
    root_mesh_size = prm.get_double("Notch mesh size");
    positions.clear();
    for (const auto &s : Utilities::split_string_list(prm.get("Notch positions")))
      positions.push_back(parse_number(s, entry("Notch positions")));

    const double R = g.rod_radius, L = g.rod_length, rn = root_diameter / 2;
    require(R > 0 && L > 0, section, "'Rod radius' and 'Rod length' must be positive");
    require(root_radius > 0, entry("Notch root radius"), "must be positive");
    require(rn > 0, entry("Notch root diameter"), "must be positive");
    require(width >= 2 * root_radius * (1 - 1e-12), entry("Notch width"),
            value_text(width) + " m is less than twice the 'Notch root radius' (" +
              value_text(root_radius) + " m)");
    require(rn < R * (1 - 1e-12), entry("Notch root diameter"),
            "the root diameter " + value_text(root_diameter) +
              " m is not less than the rod diameter " + value_text(2 * R) + " m: no notch");
    require(positions.size() <= 4, entry("Notch positions"),
            "has " + std::to_string(positions.size()) + " positions; at most 4 notches");
    const double hn = notch_mesh_size(), h = mesh_size(g);
    require(hn <= h, entry("Notch mesh size"),
            value_text(hn) + " m is larger than the cell size away from the notches, " +
              value_text(h) + " m ('Mesh size')");
    // Coarser root cells leave sliver tetrahedra at the root in 3D, whose subdivided hexahedra
    // do not match their neighbours (measured: 0.8 root radii fails, 0.5 works).
    require(hn <= root_radius / 2 * (1 + 1e-12), entry("Notch mesh size"),
            value_text(hn) + " m is larger than half the 'Notch root radius' " +
              value_text(root_radius) + " m: the root would not be resolved");
    require(R - rn >= hn * (1 - 1e-12), entry("Notch mesh size"),
            value_text(hn) + " m is larger than the notch depth " + value_text(R - rn) +
              " m (rod radius minus half the 'Notch root diameter'): the notch would not be "
              "resolved");
    for (std::size_t i = 0; i < positions.size(); ++i)
      {
        const double z = positions[i] * L;
        require(z - width / 2 > hn && z + width / 2 < L - hn, entry("Notch positions"),
                "notch " + std::to_string(i + 1) + " at " + value_text(positions[i]) +
                  " of the length (z = " + value_text(z) + " m, width " + value_text(width) +
                  " m) does not lie inside the rod with a cell to spare");
        for (std::size_t j = 0; j < i; ++j)
          require(std::abs(positions[j] - positions[i]) * L >= width + hn, entry("Notch positions"),
                  "notches " + std::to_string(j + 1) + " and " + std::to_string(i + 1) +
                    " overlap or leave less than a cell between them");
      }
  }

  double NotchedRodGeometry::mesh_size(const GeometryParameters &g) const
  {
    return g.mesh_size > 0 ? g.mesh_size : g.rod_radius / 8;
  }

  std::string NotchedRodGeometry::gmsh_arguments(const GeometryParameters &g,
                                                 const unsigned int dim) const
  {
    std::ostringstream s;
    s << std::setprecision(17);
    const auto set = [&](const char *name, const double value) {
      s << " -setnumber " << name << ' ' << value;
    };
    set("Dim", dim);
    set("D", 2 * g.rod_radius);
    set("LD", g.rod_length / (2 * g.rod_radius));
    set("Dn", root_diameter);
    set("w", width);
    set("rho", root_radius);
    set("N", positions.size());
    const char *names[] = {"Z1", "Z2", "Z3", "Z4"};
    for (std::size_t i = 0; i < positions.size(); ++i)
      set(names[i], positions[i]);
    set("h", mesh_size(g));
    set("hn", notch_mesh_size());
    return s.str();
  }

  template <int dim>
  DomainInfo<dim> NotchedRodGeometry::build(const GeometryParameters &g, const Kinematics kin,
                                            parallel::distributed::Triangulation<dim> &tria) const
  {
    require(dim == 3 || kin == Kinematics::axisymmetric, "entry 'Geometry/Type'",
            "'notched rod' needs an axisymmetric model ('Kinematics = axisymmetric') or a 3D "
            "one ('Dimension = 3'); a plane section of a notched rod is not a rod");
    const MPI_Comm comm = tria.get_communicator();
    const double   R = g.rod_radius, L = g.rod_length, rn = root_diameter / 2;

    // The embedded .geo into a private temporary file on every rank (read_gmsh_mesh meshes it
    // on rank 0 and checks that it exists on all).
    char tmpl[] = "/tmp/bmgfe_notched_rod_XXXXXX";
    const int fd = mkstemp(tmpl);
    require(fd >= 0, section, "cannot create a temporary file in /tmp for the gmsh geometry");
    close(fd);
    // gmsh needs the .geo extension; the unique name is mkstemp's.
    const std::string geo = std::string(tmpl) + ".geo";
    if (std::rename(tmpl, geo.c_str()) != 0)
      std::remove(tmpl);
    {
      std::ofstream out(geo);
      out << notched_rod_geo;
      require(static_cast<bool>(out), section, "cannot write the gmsh geometry to " + geo);
    }
    Triangulation<dim> serial;
    try
      {
        read_gmsh_mesh(serial, geo, comm, gmsh_arguments(g, dim));
      }
    catch (...)
      {
        std::remove(geo.c_str());
        throw;
      }
    std::remove(geo.c_str());

    // Every boundary face must carry one of the geometry's ids; a face without one is a
    // mesh gmsh made that deal.II could not stitch together.
    for (const auto &cell : serial.active_cell_iterators())
      for (const auto f : cell->face_indices())
        require(!cell->at_boundary(f) || cell->face(f)->boundary_id() <= 3, section,
                "gmsh made a mesh with unmatched faces near " + value_text(cell->face(f)->center()[0]) +
                  ", " + value_text(cell->face(f)->center()[1]) +
                  " (degenerate cells at a notch root?): reduce 'Notch mesh size'");

    DomainInfo<dim> info;
    RodAxis         axis;
    axis.radius                = R;
    axis.length                = L;
    axis.direction[dim == 3 ? 2 : 1] = 1;
    tria.copy_triangulation(serial);
    attach_rod_manifold(tria, axis, kin);
    if constexpr (dim == 2)
      {
        // The root arcs of the section: each fillet a circle of the root radius about its
        // centre, so that refinement puts new vertices on the arc.
        types::manifold_id id = first_root_manifold_id;
        for (const double position : positions)
          {
            const double zc = position * L;
            for (const double side : {-1.0, 1.0})
              {
                const Point<2> centre(rn + root_radius, zc + side * (width / 2 - root_radius));
                bool           any = false;
                for (auto &cell : tria.active_cell_iterators())
                  for (const auto f : cell->face_indices())
                    if (cell->face(f)->at_boundary())
                      {
                        bool on_arc = true;
                        for (const auto v : cell->face(f)->vertex_indices())
                          {
                            const Point<2> &x = cell->face(f)->vertex(v);
                            on_arc = on_arc && std::abs(x.distance(centre) - root_radius) <
                                                 1e-6 * root_radius &&
                                     x[0] <= rn + root_radius * (1 + 1e-9) &&
                                     side * (x[1] - centre[1]) >= -1e-9 * root_radius;
                          }
                        if (on_arc)
                          {
                            cell->face(f)->set_all_manifold_ids(id);
                            any = true;
                          }
                      }
                if (any)
                  tria.set_manifold(id, SphericalManifold<2>(centre));
                ++id;
              }
          }
      }

    std::ostringstream d;
    d << "notched rod, radius " << value_text(R) << " m, length " << value_text(L) << " m, "
      << positions.size() << " notch(es) of root diameter " << value_text(root_diameter)
      << " m, width " << value_text(width) << " m, root radius " << value_text(root_radius)
      << " m";
    if (!positions.empty())
      {
        d << " at z =";
        for (std::size_t i = 0; i < positions.size(); ++i)
          d << (i ? ", " : " ") << value_text(positions[i] * L);
        d << " m";
      }
    d << (dim == 3 ? " (3D, z axis)" : " (r-z section)") << "; cells " << value_text(mesh_size(g))
      << " m, " << value_text(notch_mesh_size()) << " m at the roots";
    info.description = d.str();
    // Probes: on the axis and at the root of the first notch (mid-length without notches).
    const double z     = positions.empty() ? L / 2 : positions[0] * L;
    const double r_out = positions.empty() ? R : rn;
    Point<dim>   centre, root;
    centre[dim - 1]     = z;
    root[dim - 1]       = z;
    root[0]             = r_out;
    info.default_probes = {{"centre", centre}, {"root", root}};
    info.rod            = axis;
    info.radius         = R;
    return info;
  }

  template DomainInfo<2> NotchedRodGeometry::build(const GeometryParameters &, Kinematics,
                                                   parallel::distributed::Triangulation<2> &) const;
  template DomainInfo<3> NotchedRodGeometry::build(const GeometryParameters &, Kinematics,
                                                   parallel::distributed::Triangulation<3> &) const;

  BMGFE_REGISTER_GEOMETRY(
    NotchedRodGeometry, "notched rod",
    "a rod of 'Rod radius' and 'Rod length' with up to four circumferential U-notches ('Notch "
    "root diameter', 'Notch width', 'Notch root radius', 'Notch positions'; seed 004), meshed by "
    "gmsh from meshes/notched_rod.geo (built in) with cells of 'Mesh size' graded to 'Notch "
    "mesh size' at the roots: its r-z half-section (2D axisymmetric, quads) or the solid rod "
    "(3D, z axis, hexahedra); boundary ids 0 axis, 1 lateral surface with the notches, 2 bottom "
    "z = 0, 3 top z = L.")
} // namespace bmgfe
