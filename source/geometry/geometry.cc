#include <bmgfe/base/input_error.h>
#include <bmgfe/geometry/geometry.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/grid/grid_generator.h>
#include <deal.II/grid/grid_in.h>
#include <deal.II/grid/grid_tools.h>
#include <deal.II/grid/manifold_lib.h>
#include <deal.II/grid/tria.h>

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace bmgfe
{
  using namespace dealii;

  namespace
  {
    constexpr types::manifold_id curved_manifold_id = 1;

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

    /// Cell size of the i-th direction: number of cells to span `length` with cells <= h.
    unsigned int n_cells(const double length, const double h)
    {
      return std::max(1u, static_cast<unsigned int>(std::ceil(length / h - 1e-9)));
    }

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

    /// Mark the faces on the circumference (|x_perp| = R) with the curved manifold id.
    template <int dim>
    void attach_cylinder(Triangulation<dim> &tria, const double R, const Kinematics kin)
    {
      if (kin == Kinematics::axisymmetric)
        return; // r-z section: all boundaries straight
      for (auto &cell : tria.active_cell_iterators())
        for (const auto f : cell->face_indices())
          if (cell->face(f)->at_boundary())
            {
              // A face on the circumference has all its vertices on the circle (its centre
              // lies inside, at R cos(pi/n)); end faces of a 3D rod have inner vertices.
              bool on_circle = true;
              for (const auto v : cell->face(f)->vertex_indices())
                {
                  const auto &x = cell->face(f)->vertex(v);
                  on_circle     = on_circle && std::abs(std::hypot(x[0], x[1]) - R) < 1e-6 * R;
                }
              if (on_circle)
                cell->face(f)->set_all_manifold_ids(curved_manifold_id);
            }
      if constexpr (dim == 2)
        tria.set_manifold(curved_manifold_id, SphericalManifold<2>(Point<2>()));
      else
        tria.set_manifold(curved_manifold_id, CylindricalManifold<3>(2));
    }

    template <int dim>
    void build_rod(Triangulation<dim> &serial, const GeometryParameters &g, const Kinematics kin,
                   DomainInfo<dim> &info)
    {
      const double R = g.rod_radius, L = g.rod_length;
      const double h = g.mesh_size > 0 ? g.mesh_size : R / 4;
      info.radius    = R;
      if constexpr (dim == 2)
        {
          if (kin == Kinematics::axisymmetric)
            {
              GridGenerator::subdivided_hyper_rectangle(serial, {n_cells(R, h), n_cells(L, h)},
                                                        Point<2>(0, 0), Point<2>(R, L), true);
              info.description    = "axisymmetric rod section r in [0, R], z in [0, L]";
              info.default_probes = {{"centre", Point<2>(0, L / 2)}, {"surface", Point<2>(R, L / 2)}};
            }
          else
            {
              make_disk(serial, R, h);
              for (auto &face : serial.active_face_iterators())
                if (face->at_boundary())
                  face->set_boundary_id(1);
              info.description    = "circular rod cross-section of radius R";
              info.default_probes = {{"centre", Point<2>(0, 0)}, {"surface", Point<2>(R, 0)}};
            }
        }
      else
        {
          Triangulation<2> disk;
          make_disk(disk, R, h);
          GridGenerator::extrude_triangulation(disk, n_cells(L, h) + 1, L, serial);
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
    }

    template <int dim>
    void build_plate(Triangulation<dim> &serial, const GeometryParameters &g, const Kinematics kin,
                     DomainInfo<dim> &info)
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
          rep[d] = n_cells(hi[d] - lo[d], h);
        }
      lo[dim - 1]  = -t / 2;
      hi[dim - 1]  = t / 2;
      rep[dim - 1] = n_cells(t, h);
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
      info.description = std::string(axi ? "axisymmetric disk-shaped plate" : "plate") +
                         ", thickness along the last coordinate";
      Point<dim> centre, surface;
      surface[dim - 1]    = t / 2;
      info.default_probes = {{"centre", centre}, {"surface", surface}};
      info.half_thickness = t / 2;
    }

    /// Rectangle (2D planar) or box (3D) with the load axis (height) as the last coordinate,
    /// from 0 to the height, centred on it in the other directions.
    template <int dim>
    void build_block(Triangulation<dim> &serial, const GeometryParameters &g, const Kinematics kin,
                     DomainInfo<dim> &info)
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
      rep[0] = n_cells(W, h);
      if constexpr (dim == 3)
        {
          lo[1]  = -D / 2;
          hi[1]  = D / 2;
          rep[1] = n_cells(D, h);
        }
      lo[dim - 1]  = 0;
      hi[dim - 1]  = H;
      rep[dim - 1] = n_cells(H, h);
      GridGenerator::subdivided_hyper_rectangle(serial, rep, lo, hi);
      for (auto &face : serial.active_face_iterators())
        if (face->at_boundary())
          {
            const double z = face->center()[dim - 1];
            face->set_boundary_id(z < 1e-9 * H ? 2 : (z > H * (1 - 1e-9) ? 3 : 1));
          }
      Point<dim> centre, surface;
      centre[dim - 1]  = H / 2;
      surface          = centre;
      surface[0]       = W / 2;
      info.description = dim == 3 ? "block (box) x in [-W/2, W/2], y in [-D/2, D/2], z in [0, H]" :
                                    "block (rectangle) x in [-W/2, W/2], y in [0, H]";
      info.default_probes = {{"centre", centre}, {"surface", surface}};
    }

    template <int dim>
    void read_gmsh(Triangulation<dim> &serial, const GeometryParameters &g, const MPI_Comm comm,
                   DomainInfo<dim> &info)
    {
      namespace fs           = std::filesystem;
      const std::string file = g.mesh_file;
      require(!file.empty(), "entry 'Geometry/Mesh file'", "is empty but 'Type = gmsh'");
      require(fs::exists(file), "entry 'Geometry/Mesh file'", "'" + file + "' does not exist");
      std::string msh = file;
      const bool  is_geo = fs::path(file).extension() == ".geo";
      if (is_geo)
        {
          // Mesh the .geo with the gmsh executable on rank 0 into a private temporary file.
          char buffer[] = "/tmp/bmgfe_mesh_XXXXXX";
          std::string tmp;
          int         status = 0;
          if (Utilities::MPI::this_mpi_process(comm) == 0)
            {
              const int fd = mkstemp(buffer);
              if (fd >= 0)
                close(fd);
              tmp = std::string(buffer) + ".msh";
              std::remove(buffer);
              const std::string cmd = "gmsh -" + std::to_string(dim) + " -format msh22 -v 1 -o '" +
                                      tmp + "' '" + file + "' > '" + tmp + ".log' 2>&1";
              status = std::system(cmd.c_str());
              if (status != 0)
                {
                  std::ifstream     log(tmp + ".log");
                  std::stringstream ss;
                  ss << log.rdbuf();
                  std::string text = ss.str();
                  for (auto &c : text)
                    if (c == '\n')
                      c = ' ';
                  tmp = text.substr(0, 300);
                }
              std::remove((std::string(buffer) + ".msh.log").c_str());
            }
          status = Utilities::MPI::broadcast(comm, status, 0);
          tmp    = Utilities::MPI::broadcast(comm, tmp, 0);
          require(status == 0, "mesh file '" + file + "'",
                  "gmsh failed (is the gmsh executable installed?): " + tmp);
          msh = tmp;
        }
      GridIn<dim> grid_in(serial);
      std::ifstream in(msh);
      try
        {
          require(static_cast<bool>(in), "", "cannot open it");
          grid_in.read_msh(in);
        }
      catch (const InputError &e)
        {
          throw InputError("mesh file '" + file + "': " + e.what());
        }
      catch (const std::exception &e)
        {
          throw InputError("mesh file '" + file + "': cannot read it as a gmsh mesh of dimension " +
                           std::to_string(dim) + ": " + single_line(e.what()).substr(0, 400));
        }
      if (is_geo)
        {
          MPI_Barrier(comm);
          if (Utilities::MPI::this_mpi_process(comm) == 0)
            std::remove(msh.c_str());
        }
      require(serial.n_active_cells() > 0, "mesh file '" + file + "'", "contains no cells");
      require(serial.all_reference_cells_are_hyper_cube(), "mesh file '" + file + "'",
              "contains simplex (triangle/tetrahedron) cells; bmgfe needs an all-quad/hex mesh: "
              "recombine it in gmsh (Mesh.RecombineAll = 1; Mesh.Algorithm = 6; "
              "Recombine Surface{...}; and Recombine in Extrude)");
      if (g.mesh_scaling != 1)
        GridTools::scale(g.mesh_scaling, serial);
      // Probes at the centre of the bounding box and on its +x side.
      const auto bb     = GridTools::compute_bounding_box(serial);
      Point<dim> centre = bb.center();
      Point<dim> surface = centre;
      surface[0]         = bb.get_boundary_points().second[0];
      info.description   = "gmsh mesh '" + file + "'";
      info.default_probes = {{"centre", centre}, {"surface", surface}};
    }
  } // namespace

  void GeometryParameters::declare_parameters(ParameterHandler &prm)
  {
    using namespace dealii::Patterns;
    prm.enter_subsection("Geometry");
    prm.declare_entry(
      "Type", "rod", Selection("rod|plate|block|gmsh"),
      "rod: a cylinder of 'Rod radius' and 'Rod length' (3D), its r-z half-section "
      "(2D axisymmetric; boundary ids 0 axis, 1 lateral surface, 2 bottom z = 0, 3 top z = L) or "
      "its circular cross-section (2D planar; id 1 the circumference); 3D ids 1 lateral, 2 bottom, "
      "3 top. plate: thickness 'Plate thickness' along the last coordinate, width 'Plate width' "
      "(ids 1 the large faces, 2 the edges, 0 the axis when axisymmetric). block: a rectangle "
      "(2D plane strain / generalized plane strain) or box (3D) of 'Block width' (x), 'Block "
      "height' (the load axis: y in 2D, z in 3D) and 'Block depth' (y, 3D only), x centred on 0 "
      "(and y in 3D), the load axis from 0 to the height: ids 1 the lateral sides, 2 the bottom "
      "(load-axis coordinate 0), 3 the top; not for axisymmetric models (use rod). gmsh: "
      "'Mesh file', boundary ids are the physical group numbers of the boundary entities.");
    prm.declare_entry("Rod radius", "1.5e-3", Double(0), "Rod radius R [m].");
    prm.declare_entry("Rod length", "6e-3", Double(0), "Rod length L [m].");
    prm.declare_entry("Plate width", "10e-3", Double(0), "Plate width [m].");
    prm.declare_entry("Plate thickness", "2e-3", Double(0), "Plate thickness [m].");
    prm.declare_entry("Block width", "3e-3", Double(0), "Block width along x [m].");
    prm.declare_entry("Block height", "6e-3", Double(0),
                      "Block height along the load axis (y in 2D, z in 3D) [m]; the default "
                      "aspect ratio height/width = 2 is that of compression specimens.");
    prm.declare_entry("Block depth", "3e-3", Double(0),
                      "Block depth along y [m] (3D only).");
    prm.declare_entry("Mesh size", "0", Double(0),
                      "Target cell size of the built-in meshes before refinement [m]; 0 chooses "
                      "R/4 for rods, thickness/8 for plates and width/8 for blocks.");
    prm.declare_entry("Mesh file", "", Anything(),
                      "gmsh mesh (.msh, format 2.2 or 4.1 ASCII) or gmsh geometry (.geo, meshed "
                      "with the gmsh executable at start-up). Relative paths are looked up next "
                      "to the parameter file first, then in the current directory. The mesh must "
                      "be all-quad (2D) or all-hex (3D).");
    prm.declare_entry("Mesh scaling", "1", Double(0),
                      "Factor applied to the coordinates of a gmsh mesh (e.g. 1e-3 for a mesh in mm).");
    prm.declare_entry("Global refinement", "0", Integer(0, 12),
                      "Number of global refinement steps of the initial mesh.");
    prm.declare_entry("Boundary refinement", "0", Integer(0, 12),
                      "Additional refinement steps of the cells touching the boundaries listed in "
                      "'Boundary refinement ids' (a boundary layer that halves in thickness each step).");
    prm.declare_entry("Boundary refinement ids", "", List(Integer(0, 255)),
                      "Boundary ids whose adjacent cells 'Boundary refinement' refines.");
    prm.leave_subsection();
  }

  void GeometryParameters::parse_parameters(ParameterHandler &prm, const std::string &base_directory)
  {
    prm.enter_subsection("Geometry");
    const std::string t = prm.get("Type");
    type = (t == "rod") ? Type::rod :
                          (t == "plate" ? Type::plate : (t == "block" ? Type::block : Type::gmsh));
    rod_radius          = prm.get_double("Rod radius");
    rod_length          = prm.get_double("Rod length");
    plate_width         = prm.get_double("Plate width");
    plate_thickness     = prm.get_double("Plate thickness");
    block_width         = prm.get_double("Block width");
    block_height        = prm.get_double("Block height");
    block_depth         = prm.get_double("Block depth");
    mesh_size           = prm.get_double("Mesh size");
    mesh_file           = resolve_path(prm.get("Mesh file"), base_directory);
    mesh_scaling        = prm.get_double("Mesh scaling");
    global_refinement   = prm.get_integer("Global refinement");
    boundary_refinement = prm.get_integer("Boundary refinement");
    boundary_refinement_ids.clear();
    for (const auto &s : Utilities::split_string_list(prm.get("Boundary refinement ids")))
      boundary_refinement_ids.push_back(static_cast<types::boundary_id>(std::stoi(s)));
    prm.leave_subsection();
    require(type != Type::rod || (rod_radius > 0 && rod_length > 0), "section 'Geometry'",
            "'Rod radius' and 'Rod length' must be positive");
    require(type != Type::plate || (plate_width > 0 && plate_thickness > 0), "section 'Geometry'",
            "'Plate width' and 'Plate thickness' must be positive");
    require(type != Type::block || (block_width > 0 && block_height > 0 && block_depth > 0),
            "section 'Geometry'", "'Block width', 'Block height' and 'Block depth' must be positive");
    require(mesh_scaling > 0, "entry 'Geometry/Mesh scaling'", "must be positive");
    require(boundary_refinement == 0 || !boundary_refinement_ids.empty(),
            "entry 'Geometry/Boundary refinement ids'",
            "is empty but 'Boundary refinement' asks for refinement");
  }

  template <int dim>
  DomainInfo<dim> create_domain(const GeometryParameters &g, const Kinematics kin,
                                parallel::distributed::Triangulation<dim> &tria)
  {
    DomainInfo<dim>    info;
    Triangulation<dim> serial;
    switch (g.type)
      {
        case GeometryParameters::Type::rod:
          build_rod(serial, g, kin, info);
          break;
        case GeometryParameters::Type::plate:
          build_plate(serial, g, kin, info);
          break;
        case GeometryParameters::Type::block:
          build_block(serial, g, kin, info);
          break;
        case GeometryParameters::Type::gmsh:
          read_gmsh(serial, g, tria.get_communicator(), info);
          break;
      }
    if (kin == Kinematics::axisymmetric)
      {
        double r_min = std::numeric_limits<double>::max();
        for (const auto &v : serial.get_vertices())
          r_min = std::min(r_min, v[0]);
        require(r_min > -1e-12 * (1 + std::abs(r_min)) - 1e-14, "geometry",
                "an axisymmetric mesh must lie in r = x >= 0 (minimal x is " +
                  std::to_string(r_min) + ")");
      }
    tria.copy_triangulation(serial);
    if (g.type == GeometryParameters::Type::rod)
      attach_cylinder(tria, g.rod_radius, kin);

    if (g.global_refinement > 0)
      tria.refine_global(g.global_refinement);
    for (unsigned int level = 0; level < g.boundary_refinement; ++level)
      {
        for (auto &cell : tria.active_cell_iterators())
          if (cell->is_locally_owned())
            for (const auto f : cell->face_indices())
              if (cell->face(f)->at_boundary() &&
                  std::find(g.boundary_refinement_ids.begin(), g.boundary_refinement_ids.end(),
                            cell->face(f)->boundary_id()) != g.boundary_refinement_ids.end())
                cell->set_refine_flag();
        tria.execute_coarsening_and_refinement();
      }
    return info;
  }

  template DomainInfo<2> create_domain(const GeometryParameters &, Kinematics,
                                       parallel::distributed::Triangulation<2> &);
  template DomainInfo<3> create_domain(const GeometryParameters &, Kinematics,
                                       parallel::distributed::Triangulation<3> &);
} // namespace bmgfe
