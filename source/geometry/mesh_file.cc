#include <bmgfe/base/input_error.h>
#include <bmgfe/geometry/mesh_file.h>
#include <bmgfe/geometry/rod.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/fe/mapping_q1.h>
#include <deal.II/grid/grid_in.h>
#include <deal.II/grid/grid_tools.h>
#include <deal.II/grid/tria.h>

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <sstream>

namespace bmgfe
{
  using namespace dealii;

  namespace
  {
    const std::string point_entry     = "entry 'Geometry/Mesh rod axis point'";
    const std::string direction_entry = "entry 'Geometry/Mesh rod axis direction'";
    const std::string radius_entry    = "entry 'Geometry/Mesh rod radius'";

    std::string resolve_path(const std::string &file, const std::string &base_directory)
    {
      namespace fs = std::filesystem;
      if (file.empty() || fs::path(file).is_absolute())
        return file;
      const fs::path relative_to_prm = fs::path(base_directory) / file;
      if (!base_directory.empty() && fs::exists(relative_to_prm))
        return relative_to_prm.string();
      return file;
    }

    std::vector<double> parse_doubles(const std::string &list)
    {
      std::vector<double> values;
      for (const auto &s : Utilities::split_string_list(list))
        values.push_back(Utilities::string_to_double(s));
      return values;
    }

    std::string vector_text(const Tensor<1, 3> &v)
    {
      return "(" + value_text(v[0]) + ", " + value_text(v[1]) + ", " + value_text(v[2]) + ")";
    }

    template <int dim>
    bool in_mesh(const Triangulation<dim> &mesh, const Point<dim> &p)
    {
      try
        {
          const auto found =
            GridTools::find_active_cell_around_point(StaticMappingQ1<dim>::mapping, mesh, p);
          return found.first.state() == IteratorState::valid;
        }
      catch (...)
        {
          return false;
        }
    }

    /// Default probes must lie in the mesh (a probe outside it is moved to a vertex by the
    /// point probes, which is not what "centre" and "surface" mean): `centre` if it is in the
    /// mesh, else the nearest vertex; `surface` if it is in the mesh, else the point where the
    /// segment from the centre towards it leaves the mesh (a notch root), to 2^-40 of a step.
    template <int dim>
    std::vector<std::pair<std::string, Point<dim>>>
    probes_in_mesh(const Triangulation<dim> &mesh, Point<dim> centre, const Point<dim> &surface)
    {
      if (!in_mesh(mesh, centre))
        centre = mesh.get_vertices()[GridTools::find_closest_vertex(mesh, centre)];
      Point<dim> last = surface;
      if (!in_mesh(mesh, surface))
        {
          const auto   at     = [&](const double s) { return centre + s * (surface - centre); };
          const double n      = 64;
          double       inside = 0, outside = 1;
          for (double k = 1; k <= n; ++k)
            if (in_mesh(mesh, at(k / n)))
              inside = k / n;
            else
              {
                outside = k / n;
                break;
              }
          for (unsigned int i = 0; i < 40; ++i)
            {
              const double mid = (inside + outside) / 2;
              (in_mesh(mesh, at(mid)) ? inside : outside) = mid;
            }
          last = at(inside);
        }
      return {{"centre", centre}, {"surface", last}};
    }

    /// The declared axis line in 3D model coordinates, checked against the kinematics: the
    /// axis of an axisymmetric model is r = 0, that of a planar cross-section normal to it.
    template <int dim>
    RodAxis declared_axis(const std::vector<double> &point, const std::vector<double> &direction,
                          const Kinematics kin)
    {
      const std::string n_components = dim == 3 ? "3 components" : "2 or 3 components";
      require(direction.size() == 3 || (dim == 2 && direction.size() == 2), direction_entry,
              "needs " + n_components + " in a " + std::to_string(dim) + "D model");
      require(point.size() == 3 || (dim == 2 && point.size() == 2), point_entry,
              "needs " + n_components + " in a " + std::to_string(dim) + "D model");
      RodAxis axis;
      for (unsigned int d = 0; d < direction.size(); ++d)
        axis.direction[d] = direction[d];
      for (unsigned int d = 0; d < point.size(); ++d)
        axis.point[d] = point[d];
      const double length = axis.direction.norm();
      require(length > 0, direction_entry, "is the zero vector");
      axis.direction /= length;
      const auto is_zero = [](const double v) { return std::abs(v) <= 1e-12; };
      if (dim == 2)
        require(is_zero(axis.point[2]), point_entry,
                "a point of a 2D model has the third coordinate 0, not " +
                  value_text(axis.point[2]));
      if (kin == Kinematics::axisymmetric)
        {
          require(is_zero(axis.direction[0]) && is_zero(axis.direction[2]), direction_entry,
                  "the axis of an axisymmetric model is the line r = 0, direction (0, 1, 0) in "
                  "(r, z) coordinates, not " + vector_text(axis.direction));
          require(is_zero(axis.point[0]), point_entry,
                  "the axis of an axisymmetric model is the line r = 0, so the point needs r = 0, "
                  "not " + value_text(axis.point[0]));
        }
      else if (is_planar(kin))
        require(is_zero(axis.direction[0]) && is_zero(axis.direction[1]), direction_entry,
                "a planar model is the cross-section of a long body, so a rod's axis is normal "
                "to it: direction (0, 0, 1), not " + vector_text(axis.direction));
      return axis;
    }
  } // namespace

  void MeshFileGeometry::declare_parameters(ParameterHandler &prm)
  {
    using namespace dealii::Patterns;
    prm.declare_entry("Mesh file", "", Anything(),
                      "gmsh mesh (.msh, format 2.2 or 4.1 ASCII) or gmsh geometry (.geo, meshed "
                      "with the gmsh executable at start-up). Relative paths are looked up next "
                      "to the parameter file first, then in the current directory. The mesh must "
                      "be all-quad (2D) or all-hex (3D).");
    prm.declare_entry("Mesh scaling", "1", Double(0),
                      "Factor applied to the coordinates of a gmsh mesh (e.g. 1e-3 for a mesh in mm).");
    prm.declare_entry("Mesh rod axis direction", "", List(Double(), 0, 3),
                      "Declares the mesh file a rod (ring statistics, cylindrical components) "
                      "with its axis along this vector, in model coordinates: 3 components in "
                      "3D; 0, 1 (or 0, 1, 0: the line r = 0) in axisymmetric models; 0, 0, 1 "
                      "(normal to the section) in planar models. Empty: not a rod.");
    prm.declare_entry("Mesh rod axis point", "0, 0, 0", List(Double(), 2, 3),
                      "A point of the rod's axis in model coordinates [m], after 'Mesh scaling' "
                      "(2D models: x, y, or x, y, 0). Axisymmetric models: r = 0.");
    prm.declare_entry("Mesh rod radius", "auto", Anything(),
                      "Radius of the rod [m]: 'auto' (or 0) takes the largest distance of a "
                      "boundary vertex from the axis; a value that differs from that by more than "
                      "1 % is an error.");
  }

  void MeshFileGeometry::parse_parameters(ParameterHandler &prm, GeometryParameters &g)
  {
    g.mesh_file    = resolve_path(prm.get("Mesh file"), g.base_directory);
    g.mesh_scaling = prm.get_double("Mesh scaling");
    require(g.mesh_scaling > 0, "entry 'Geometry/Mesh scaling'", "must be positive");
    axis_direction = parse_doubles(prm.get("Mesh rod axis direction"));
    axis_point     = parse_doubles(prm.get("Mesh rod axis point"));
    require(axis_direction.empty() || axis_direction.size() >= 2, direction_entry,
            "needs 2 or 3 components, or none (the mesh is not a rod)");
    const std::string r = Utilities::trim(prm.get("Mesh rod radius"));
    radius.reset();
    if (r != "auto")
      {
        double value = -1;
        try
          {
            value = Utilities::string_to_double(r);
          }
        catch (...)
          {
          }
        require(value >= 0, radius_entry,
                "must be 'auto' or a non-negative length in m, not '" + r + "'");
        if (value > 0)
          radius = value;
      }
  }

  template <int dim>
  void read_gmsh_mesh(Triangulation<dim> &serial, const std::string &file, const MPI_Comm comm,
                      const std::string &gmsh_arguments)
  {
    namespace fs = std::filesystem;
    require(!file.empty(), "entry 'Geometry/Mesh file'", "is empty but 'Type = gmsh'");
    require(fs::exists(file), "entry 'Geometry/Mesh file'", "'" + file + "' does not exist");
    const bool is_geo = fs::path(file).extension() == ".geo";
    // A .geo is meshed by the gmsh executable on rank 0 into a private temporary file, whose
    // text rank 0 broadcasts: the other ranks may be on other nodes, without that /tmp.
    std::string msh_text;
    if (is_geo)
      {
        char        buffer[] = "/tmp/bmgfe_mesh_XXXXXX";
        int         status   = 0;
        if (Utilities::MPI::this_mpi_process(comm) == 0)
          {
            const int fd = mkstemp(buffer);
            if (fd >= 0)
              close(fd);
            const std::string tmp = std::string(buffer) + ".msh";
            std::remove(buffer);
            const std::string cmd = "gmsh -" + std::to_string(dim) + " -format msh22 -v 1 " +
                                    gmsh_arguments + " -o '" + tmp + "' '" + file +
                                    "' > '" + tmp + ".log' 2>&1";
            status = std::system(cmd.c_str());
            std::ifstream     in(status == 0 ? tmp : tmp + ".log");
            std::stringstream ss;
            ss << in.rdbuf();
            msh_text = ss.str();
            if (status != 0)
              {
                for (auto &c : msh_text)
                  if (c == '\n')
                    c = ' ';
                msh_text = msh_text.substr(0, 300);
              }
            std::remove(tmp.c_str());
            std::remove((tmp + ".log").c_str());
          }
        status   = Utilities::MPI::broadcast(comm, status, 0);
        msh_text = Utilities::MPI::broadcast(comm, msh_text, 0);
        require(status == 0, "mesh file '" + file + "'",
                "gmsh failed (is the gmsh executable installed?): " + msh_text);
      }
    if (!is_geo)
      {
        // deal.II's reader does not end on a format it does not know (it waits for its end
        // markers): only the ASCII formats 2.x and 4.1 that the documentation names.
        std::ifstream head(file);
        std::string   marker, version;
        int           binary = 0;
        head >> marker;
        if (marker == "$MeshFormat")
          {
            head >> version >> binary;
            require(static_cast<bool>(head) && (version.rfind("2.", 0) == 0 || version == "4.1") &&
                      binary == 0,
                    "mesh file '" + file + "'",
                    "gmsh format '" + version + (binary != 0 ? " binary" : "") +
                      "' is not read; write it as ASCII 2.2 or 4.1 (gmsh -format msh22)");
          }
      }
    GridIn<dim>                   grid_in(serial);
    std::unique_ptr<std::istream> in;
    if (is_geo)
      in = std::make_unique<std::istringstream>(msh_text);
    else
      in = std::make_unique<std::ifstream>(file);
    try
      {
        require(static_cast<bool>(*in), "", "cannot open it");
        grid_in.read_msh(*in);
      }
    catch (const InputError &e)
      {
        throw InputError("mesh file '" + file + "': " + e.what());
      }
    catch (const std::exception &e)
      {
        // deal.II's reader stops at the first token it does not expect (in a binary file
        // one with control characters, a NUL would end the message).
        std::string what = single_line(e.what()).substr(0, 400);
        for (auto &c : what)
          if (static_cast<unsigned char>(c) < 32 || c == 127)
            c = '?';
        if (what.rfind("The string <", 0) == 0)
          {
            const auto close = what.find("> is not recognized");
            std::string token = what.substr(12, close == std::string::npos ? 40 : close - 12);
            if (token.size() > 40)
              token = token.substr(0, 40) + "...";
            what = token.empty() ? "unreadable text (not an ASCII gmsh file?)" :
                                   "unexpected '" + token + "' (a section is cut short, or a "
                                   "count does not match its list)";
          }
        throw InputError("mesh file '" + file + "': cannot read it as a gmsh mesh of dimension " +
                         std::to_string(dim) + ": " + what);
      }
    require(serial.n_active_cells() > 0, "mesh file '" + file + "'", "contains no cells");
    require(serial.all_reference_cells_are_hyper_cube(), "mesh file '" + file + "'",
            "contains simplex (triangle/tetrahedron) cells; bmgfe needs an all-quad/hex mesh: "
            "recombine it in gmsh (Mesh.RecombineAll = 1; Mesh.Algorithm = 6; "
            "Recombine Surface{...}; and Recombine in Extrude)");
    for (const auto &cell : serial.active_cell_iterators())
      require(cell->measure() > 0 && std::isfinite(cell->measure()), "mesh file '" + file + "'",
              "cell " + std::to_string(cell->active_cell_index() + 1) +
                " has no volume (coincident nodes)");
  }

  template void read_gmsh_mesh(Triangulation<2> &, const std::string &, MPI_Comm, const std::string &);
  template void read_gmsh_mesh(Triangulation<3> &, const std::string &, MPI_Comm, const std::string &);

  template <int dim>
  DomainInfo<dim> MeshFileGeometry::build(const GeometryParameters &g, const Kinematics kin,
                                          parallel::distributed::Triangulation<dim> &tria) const
  {
    const MPI_Comm     comm = tria.get_communicator();
    Triangulation<dim> serial;
    try
      {
        read_gmsh_mesh(serial, g.mesh_file, comm);
      }
    catch (const InputError &e)
      {
        // Name the entry, so that the error gets the parameter file's line.
        const std::string what = e.what();
        if (what.rfind("entry '", 0) == 0)
          throw;
        throw InputError("entry 'Geometry/Mesh file': " + what);
      }
    if (g.mesh_scaling != 1)
      GridTools::scale(g.mesh_scaling, serial);
    DomainInfo<dim> info;
    info.description = "gmsh mesh '" + g.mesh_file + "'";
    tria.copy_triangulation(serial);
    if (axis_direction.empty())
      {
        // Probes at the centre of the bounding box and on its +x side.
        const auto bb      = GridTools::compute_bounding_box(serial);
        Point<dim> surface = bb.center();
        surface[0]          = bb.get_boundary_points().second[0];
        info.default_probes = probes_in_mesh(serial, bb.center(), surface);
        return info;
      }

    RodAxis axis = declared_axis<dim>(axis_point, axis_direction, kin);
    // Radius and axial extent from the distributed mesh (each rank its own cells), so that
    // nothing here needs the whole mesh on one rank.
    double r_mesh = 0, z_min = std::numeric_limits<double>::max(), z_max = -z_min;
    for (const auto &cell : tria.active_cell_iterators())
      if (cell->is_locally_owned())
        for (const auto f : cell->face_indices())
          if (cell->face(f)->at_boundary())
            for (const auto v : cell->face(f)->vertex_indices())
              {
                const Point<dim> &x = cell->face(f)->vertex(v);
                r_mesh              = std::max(r_mesh, axis.radial_distance(x));
                z_min               = std::min(z_min, axis.axial_coordinate(x));
                z_max               = std::max(z_max, axis.axial_coordinate(x));
              }
    r_mesh = Utilities::MPI::max(r_mesh, comm);
    z_min  = Utilities::MPI::min(z_min, comm);
    z_max  = Utilities::MPI::max(z_max, comm);
    require(r_mesh > 0, direction_entry, "the whole mesh lies on this axis");
    if (radius)
      require(std::abs(*radius - r_mesh) <= 0.01 * r_mesh, radius_entry,
              value_text(*radius) + " m differs by more than 1 % from the radius of the mesh, " +
                value_text(r_mesh) + " m (the largest distance of a boundary vertex from the axis)");
    axis.radius = radius.value_or(r_mesh);
    // Axial coordinate 0 at the bottom end; a planar section has no extent along its axis.
    axis.point += z_min * axis.direction;
    axis.length = z_max - z_min;
    {
      RodAxis surface_axis = axis;
      surface_axis.radius  = r_mesh; // the vertices on the curved surface are at r_mesh
      attach_rod_manifold(tria, surface_axis, kin);
    }
    // Probes on the axis at mid-length and at the radius there (the root of a notch).
    const Point<3> mid = axis.point + 0.5 * axis.length * axis.direction;
    const Point<3> out = mid + axis.radius * axis.cylindrical_basis(mid).e_r;
    Point<dim>     p_mid, p_out;
    for (unsigned int d = 0; d < dim; ++d)
      p_mid[d] = mid[d], p_out[d] = out[d];
    info.default_probes = probes_in_mesh(serial, p_mid, p_out);
    info.description += ", a rod of radius " + value_text(axis.radius) + " m and length " +
                        value_text(axis.length) + " m about the axis through " +
                        vector_text(axis.point) + " along " + vector_text(axis.direction);
    info.rod    = axis;
    info.radius = axis.radius;
    return info;
  }

  template DomainInfo<2> MeshFileGeometry::build(const GeometryParameters &, Kinematics,
                                      parallel::distributed::Triangulation<2> &) const;
  template DomainInfo<3> MeshFileGeometry::build(const GeometryParameters &, Kinematics,
                                      parallel::distributed::Triangulation<3> &) const;

  BMGFE_REGISTER_GEOMETRY(MeshFileGeometry, "gmsh",
                          "'Mesh file', boundary ids are the physical group numbers of the "
                          "boundary entities; declared a rod by 'Mesh rod axis direction'.")
} // namespace bmgfe
