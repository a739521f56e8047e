#include <bmgfe/base/input_error.h>
#include <bmgfe/geometry/mesh_file.h>
#include <bmgfe/geometry/notched_rod.h>
#include <bmgfe/geometry/rod.h>
#include <bmgfe/notched_rod_geo.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/utilities.h>
#include <deal.II/distributed/tria.h>
#include <deal.II/grid/grid_tools.h>
#include <deal.II/grid/manifold_lib.h>
#include <deal.II/grid/tria.h>

#include <algorithm>
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

    /// First manifold id of the notch-root arcs (r-z section) or tori (3D); the rod's curved
    /// surface uses 1 (rod.cc).
    constexpr types::manifold_id first_root_manifold_id = 10;
    /// The revolved cells of the 3D rod (everything outside the core).
    constexpr types::manifold_id revolved_manifold_id = 2;

    /// A circle of the r-z plane (centre (r_c, z_c)) revolved about the z axis: a torus. Chart
    /// (phi, psi, d): the azimuth, the angle in the r-z plane from the direction towards the
    /// axis (a root arc lies within psi in [-pi/2, pi/2], away from atan2's cut), the distance
    /// from the centre circle.
    class RevolvedCircleManifold : public ChartManifold<3, 3, 3>
    {
    public:
      RevolvedCircleManifold(const double r_c, const double z_c)
        : ChartManifold<3, 3, 3>(Tensor<1, 3>({2 * M_PI, 0, 0}))
        , r_c(r_c)
        , z_c(z_c)
      {}

      std::unique_ptr<Manifold<3, 3>> clone() const override
      {
        return std::make_unique<RevolvedCircleManifold>(r_c, z_c);
      }

      Point<3> pull_back(const Point<3> &x) const override
      {
        const double r = std::hypot(x[0], x[1]);
        double       phi = std::atan2(x[1], x[0]);
        if (phi < 0)
          phi += 2 * M_PI;
        return Point<3>(phi, std::atan2(x[2] - z_c, r_c - r), std::hypot(r_c - r, x[2] - z_c));
      }

      Point<3> push_forward(const Point<3> &c) const override
      {
        const double r = r_c - c[2] * std::cos(c[1]);
        return Point<3>(r * std::cos(c[0]), r * std::sin(c[0]), z_c + c[2] * std::sin(c[1]));
      }

    private:
      double r_c, z_c;
    };

    /// The solid of revolution of an r-z section (x = r, y = z) whose cells lie on either side of
    /// the line r = core running over its whole length: every cell outside the line becomes n
    /// hexahedra around the z axis; the core r < core becomes, between each pair of consecutive
    /// vertices on the line, a disk of a square of (n/4)^2 cells inside a ring of n cells (an
    /// O-grid, no cell touching the axis with a degenerate face). The square's nodes lie on the
    /// rays of the ring's, angles -pi/4 + 2 pi j/n.
    void revolve_section(const Triangulation<2> &rz, const double core, const unsigned int n,
                         Triangulation<3> &solid)
    {
      const unsigned int k = n / 4;
      const double       tol = 1e-9 * core;
      std::vector<double> theta(n);
      for (unsigned int j = 0; j < n; ++j)
        theta[j] = -M_PI / 4 + 2 * M_PI * j / n;

      std::vector<Point<3>>     vertices;
      std::vector<CellData<3>>  cells;
      const auto &rz_vertices = rz.get_vertices();
      const auto &used        = rz.get_used_vertices();
      // The first of the n 3D vertices of each section vertex on or outside the core line.
      std::vector<unsigned int> first(rz_vertices.size(), numbers::invalid_unsigned_int);
      std::vector<std::pair<double, unsigned int>> line; // (z, section vertex) on r = core
      for (unsigned int i = 0; i < rz_vertices.size(); ++i)
        if (used[i] && rz_vertices[i][0] > core - tol)
          {
            first[i] = vertices.size();
            for (unsigned int j = 0; j < n; ++j)
              vertices.emplace_back(rz_vertices[i][0] * std::cos(theta[j]),
                                    rz_vertices[i][0] * std::sin(theta[j]), rz_vertices[i][1]);
            if (rz_vertices[i][0] < core + tol)
              line.emplace_back(rz_vertices[i][1], i);
          }
      std::sort(line.begin(), line.end());
      const types::material_id material = rz.begin_active()->material_id();
      for (const auto &cell : rz.active_cell_iterators())
        if (cell->center()[0] > core)
          for (unsigned int j = 0; j < n; ++j)
            {
              CellData<3> c(8);
              // Local (xi, eta) the quadrilateral's, zeta the azimuth, taken clockwise so that
              // (r, z, -theta) is right-handed.
              for (unsigned int q = 0; q < 4; ++q)
                for (unsigned int zeta = 0; zeta < 2; ++zeta)
                  {
                    const unsigned int v = cell->vertex_index(q);
                    require(first[v] != numbers::invalid_unsigned_int, section,
                            "gmsh made a section whose cells cross the core line r = " +
                              value_text(core) + " m (report this mesh: 'Notch mesh size', "
                              "'Mesh size')");
                    c.vertices[q + 4 * zeta] = first[v] + (j + 1 - zeta) % n;
                  }
              c.material_id = cell->material_id();
              cells.push_back(c);
            }
      // The core: per vertex on the line the square's (k + 1)^2 nodes; the ring's outer nodes
      // are the revolved line vertex's.
      const double        s = core / 2; // half side of the square
      std::vector<double> t(k + 1);
      for (unsigned int a = 0; a <= k; ++a)
        t[a] = s * std::tan(-M_PI / 4 + M_PI * a / (2 * k));
      std::vector<unsigned int> square_first;
      for (const auto &[z, v] : line)
        {
          square_first.push_back(vertices.size());
          for (unsigned int b = 0; b <= k; ++b)
            for (unsigned int a = 0; a <= k; ++a)
              vertices.emplace_back(t[a], t[b], z);
        }
      // Square node (a, b) on the ray of angle j.
      const auto square_node_of_ray = [k](const unsigned int j) -> std::pair<unsigned int, unsigned int> {
        if (j <= k)
          return {k, j};
        if (j <= 2 * k)
          return {2 * k - j, k};
        if (j <= 3 * k)
          return {0, 3 * k - j};
        return {j - 3 * k, 0};
      };
      for (std::size_t l = 0; l + 1 < line.size(); ++l)
        {
          const auto node = [&](const unsigned int a, const unsigned int b, const std::size_t level) {
            return square_first[level] + a + (k + 1) * b;
          };
          // Square cells.
          for (unsigned int b = 0; b < k; ++b)
            for (unsigned int a = 0; a < k; ++a)
              {
                CellData<3> c(8);
                for (unsigned int zeta = 0; zeta < 2; ++zeta)
                  {
                    c.vertices[0 + 4 * zeta] = node(a, b, l + zeta);
                    c.vertices[1 + 4 * zeta] = node(a + 1, b, l + zeta);
                    c.vertices[2 + 4 * zeta] = node(a, b + 1, l + zeta);
                    c.vertices[3 + 4 * zeta] = node(a + 1, b + 1, l + zeta);
                  }
                c.material_id = material;
                cells.push_back(c);
              }
          // Ring cells: (xi, eta) = (outwards, anticlockwise).
          for (unsigned int j = 0; j < n; ++j)
            {
              const unsigned int jn = (j + 1) % n;
              CellData<3>        c(8);
              for (unsigned int zeta = 0; zeta < 2; ++zeta)
                {
                  const auto [a0, b0]      = square_node_of_ray(j);
                  const auto [a1, b1]      = square_node_of_ray(j + 1);
                  const unsigned int outer = first[line[l + zeta].second];
                  c.vertices[0 + 4 * zeta] = node(a0, b0, l + zeta);
                  c.vertices[1 + 4 * zeta] = outer + j;
                  c.vertices[2 + 4 * zeta] = node(a1, b1, l + zeta);
                  c.vertices[3 + 4 * zeta] = outer + jn;
                }
              c.material_id = material;
              cells.push_back(c);
            }
        }
      GridTools::invert_all_negative_measure_cells(vertices, cells);
      solid.create_triangulation(vertices, cells, SubCellData());
    }
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
    prm.declare_entry("Circumferential cells", "16", Patterns::Integer(0),
                      "Notched rod in 3D: cells around the circumference, a multiple of 4, at "
                      "least 8. The 3D rod is its r-z section revolved about the z axis (hexahedra "
                      "on the root torus and the curved surfaces, which a higher-order mapping "
                      "follows) with a structured core of a quarter of this many cells per side "
                      "around the axis; the stresses of an axisymmetric load vary around the rod "
                      "only through the cell shapes, localised fields (bands) need more cells.");
  }

  void NotchedRodGeometry::parse_parameters(ParameterHandler &prm, GeometryParameters &g)
  {
    g.rod_radius   = prm.get_double("Rod radius");
    g.rod_length   = prm.get_double("Rod length");
    root_diameter  = prm.get_double("Notch root diameter");
    width          = prm.get_double("Notch width");
    root_radius    = prm.get_double("Notch root radius");
    root_mesh_size = prm.get_double("Notch mesh size");
    circumferential_cells = prm.get_integer("Circumferential cells");
    require(circumferential_cells >= 8 && circumferential_cells % 4 == 0,
            entry("Circumferential cells"),
            std::to_string(circumferential_cells) + " is not a multiple of 4 of at least 8");
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
    // Coarser root cells span more than 30 degrees of the root arc: the root is not resolved
    // (and gmsh's full-quad recombination left unmatched faces there: 0.8 root radii failed).
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
                                                 const unsigned int dim, const double core) const
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
    if (core > 0)
      set("Core", core);
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
    // The r-z section, in 3D with the core line that the revolution needs.
    Triangulation<2> rz;
    try
      {
        read_gmsh_mesh(rz, geo, comm, gmsh_arguments(g, 2, dim == 3 ? core_radius() : 0));
      }
    catch (...)
      {
        std::remove(geo.c_str());
        throw;
      }
    std::remove(geo.c_str());

    // Every boundary face must carry one of the geometry's ids; a face without one is a
    // mesh gmsh made that deal.II could not stitch together.
    for (const auto &cell : rz.active_cell_iterators())
      for (const auto f : cell->face_indices())
        require(!cell->at_boundary(f) || cell->face(f)->boundary_id() <= 3, section,
                "gmsh made a mesh with unmatched faces near " + value_text(cell->face(f)->center()[0]) +
                  ", " + value_text(cell->face(f)->center()[1]) +
                  " (degenerate cells at a notch root?): reduce 'Notch mesh size'");

    // The fillet circles of the roots in the r-z plane: centre (r, z), one per side of a notch.
    std::vector<Point<2>> fillets;
    for (const double position : positions)
      for (const double side : {-1.0, 1.0})
        fillets.emplace_back(rn + root_radius, position * L + side * (width / 2 - root_radius));
    // A boundary face (its vertices in r-z) on the root arc of fillet i: at the root radius from
    // its centre, inside the fillet centres' radius, on the fillet's side of the notch.
    const auto on_root_arc = [&](const std::vector<Point<2>> &rz_vertices, const std::size_t i) {
      const double side = i % 2 == 0 ? -1.0 : 1.0;
      for (const auto &x : rz_vertices)
        if (std::abs(x.distance(fillets[i]) - root_radius) >= 1e-6 * root_radius ||
            x[0] > rn + root_radius * (1 + 1e-9) || side * (x[1] - fillets[i][1]) < -1e-9 * root_radius)
          return false;
      return true;
    };

    DomainInfo<dim> info;
    RodAxis         axis;
    axis.radius                = R;
    axis.length                = L;
    axis.direction[dim == 3 ? 2 : 1] = 1;
    if constexpr (dim == 2)
      {
        tria.copy_triangulation(rz);
        attach_rod_manifold(tria, axis, kin);
      }
    else
      {
        Triangulation<3> solid;
        revolve_section(rz, core_radius(), circumferential_cells, solid);
        for (auto &cell : solid.active_cell_iterators())
          for (const auto f : cell->face_indices())
            if (cell->face(f)->at_boundary())
              {
                const double z = cell->face(f)->center()[2];
                cell->face(f)->set_boundary_id(std::abs(z) < 1e-9 * L       ? 2 :
                                               std::abs(z - L) < 1e-9 * L ? 3 :
                                                                            1);
              }
        tria.copy_triangulation(solid);
        // Outside the core every cell is a revolved quadrilateral: the cylindrical manifold
        // about the axis gives its edges around the rod their circular arcs.
        // (By the vertices: the centre of a thin cell next to the core line lies inside it, on
        // the chord.)
        for (auto &cell : tria.active_cell_iterators())
          {
            bool revolved = true;
            for (const auto v : cell->vertex_indices())
              revolved = revolved && std::hypot(cell->vertex(v)[0], cell->vertex(v)[1]) >
                                       core_radius() * (1 - 1e-9);
            if (revolved)
              cell->set_all_manifold_ids(revolved_manifold_id);
          }
        tria.set_manifold(revolved_manifold_id, CylindricalManifold<3>(2));
        attach_rod_manifold(tria, axis, kin);
      }
    // The roots: each fillet's circle of the root radius about its centre (an arc of the r-z
    // section, a torus in 3D), so that refinement and a higher-order mapping put points on it.
    for (std::size_t i = 0; i < fillets.size(); ++i)
      {
        bool any = false;
        for (auto &cell : tria.active_cell_iterators())
          for (const auto f : cell->face_indices())
            if (cell->face(f)->at_boundary())
              {
                std::vector<Point<2>> x; // the face's vertices in r-z
                for (const auto v : cell->face(f)->vertex_indices())
                  {
                    const Point<dim> &p = cell->face(f)->vertex(v);
                    if constexpr (dim == 2)
                      x.push_back(p);
                    else
                      x.emplace_back(std::hypot(p[0], p[1]), p[2]);
                  }
                if (on_root_arc(x, i))
                  {
                    cell->face(f)->set_all_manifold_ids(first_root_manifold_id + i);
                    any = true;
                  }
              }
        if (!any)
          continue;
        if constexpr (dim == 2)
          tria.set_manifold(first_root_manifold_id + i, SphericalManifold<2>(fillets[i]));
        else
          tria.set_manifold(first_root_manifold_id + i,
                            RevolvedCircleManifold(fillets[i][0], fillets[i][1]));
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
    if (dim == 3)
      d << " (3D, z axis, the section revolved in " << circumferential_cells << " cells)";
    else
      d << " (r-z section)";
    d << "; cells " << value_text(mesh_size(g))
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
