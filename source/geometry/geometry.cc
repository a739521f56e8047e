#include <bmgfe/base/input_error.h>
#include <bmgfe/geometry/geometry.h>
#include <bmgfe/geometry/geometry_model.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/utilities.h>
#include <deal.II/grid/tria.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>

namespace bmgfe
{
  using namespace dealii;

  namespace
  {
    /// Function-local so that registrations from other object files, run during static
    /// initialisation in any order, find it constructed.
    std::map<std::string, GeometryRegistration> &registry()
    {
      static std::map<std::string, GeometryRegistration> geometries;
      return geometries;
    }

    std::string joined_names(const std::string &separator)
    {
      std::string names;
      for (const auto &[name, geometry] : registry())
        names += (names.empty() ? "" : separator) + name;
      return names;
    }

    /// The built-in geometries' Type, for code that switches on them.
    GeometryParameters::Type builtin_type(const std::string &name)
    {
      using Type = GeometryParameters::Type;
      static const std::map<std::string, Type> builtin = {
        {"rod", Type::rod}, {"plate", Type::plate}, {"block", Type::block}, {"gmsh", Type::gmsh}};
      const auto it = builtin.find(name);
      return it == builtin.end() ? Type::other : it->second;
    }

    /// The registered name of a built-in `type` (the parameters were set in code, not parsed).
    std::string builtin_name(const GeometryParameters &g)
    {
      switch (g.type)
        {
          case GeometryParameters::Type::rod:
            return "rod";
          case GeometryParameters::Type::plate:
            return "plate";
          case GeometryParameters::Type::block:
            return "block";
          case GeometryParameters::Type::gmsh:
            return "gmsh";
          case GeometryParameters::Type::other:
            break;
        }
      return g.type_name;
    }
  } // namespace

  bool register_geometry(const GeometryRegistration &geometry)
  {
    if (geometry.name.empty() || !geometry.declare_parameters || !geometry.create_model)
      throw std::logic_error("register_geometry: a geometry needs a name, declare_parameters "
                             "and create_model");
    if (!registry().emplace(geometry.name, geometry).second)
      throw std::logic_error("register_geometry: geometry '" + geometry.name +
                             "' is registered twice");
    return true;
  }

  std::vector<GeometryRegistration> registered_geometries()
  {
    std::vector<GeometryRegistration> all;
    for (const auto &[name, geometry] : registry())
      all.push_back(geometry);
    return all;
  }

  const GeometryRegistration &find_geometry(const std::string &name)
  {
    const auto it = registry().find(name);
    require(it != registry().end(), "entry 'Geometry/Type'",
            "unknown geometry '" + name + "'; known geometries: " + joined_names(", "));
    return it->second;
  }

  void GeometryParameters::declare_parameters(ParameterHandler &prm)
  {
    using namespace dealii::Patterns;
    prm.enter_subsection("Geometry");
    std::string documentation = "Geometry of the domain, one of the registered geometries.";
    for (const auto &[name, geometry] : registry())
      documentation += " " + name + ": " + geometry.documentation;
    prm.declare_entry("Type", "rod", Selection(joined_names("|")), documentation);
    prm.declare_entry("Mesh size", "0", Double(0),
                      "Target cell size of the built-in meshes before refinement [m]; 0 chooses "
                      "R/4 for rods, thickness/8 for plates and width/8 for blocks.");
    prm.declare_entry("Global refinement", "0", Integer(0, 12),
                      "Number of global refinement steps of the initial mesh.");
    prm.declare_entry("Boundary refinement", "0", Integer(0, 12),
                      "Additional refinement steps of the cells touching the boundaries listed in "
                      "'Boundary refinement ids' (a boundary layer that halves in thickness each step).");
    prm.declare_entry("Boundary refinement ids", "", List(Integer(0, 255)),
                      "Boundary ids whose adjacent cells 'Boundary refinement' refines.");
    prm.declare_entry("Refinement regions", "", Anything(),
                      "Boxes whose cells are refined (after the global and boundary refinement) "
                      "until their size, volume^(1/dim), is at most the given cell size: "
                      "'x_min, y_min, x_max, y_max: h' in 2D, 'x_min, y_min, z_min, x_max, y_max, "
                      "z_max: h' in 3D, several separated by ';' [m], in model coordinates (r, z "
                      "in axisymmetric models). A cell is refined when its bounding box meets the "
                      "box; p4est keeps neighbouring cells within one level (a graded mesh).");
    for (const auto &[name, geometry] : registry())
      geometry.declare_parameters(prm);
    prm.leave_subsection();
  }

  void GeometryParameters::parse_parameters(ParameterHandler &prm, const std::string &base)
  {
    prm.enter_subsection("Geometry");
    try
      {
        type_name           = prm.get("Type");
        type                = builtin_type(type_name);
        base_directory      = base;
        mesh_size           = prm.get_double("Mesh size");
        global_refinement   = prm.get_integer("Global refinement");
        boundary_refinement = prm.get_integer("Boundary refinement");
        boundary_refinement_ids.clear();
        for (const auto &s : Utilities::split_string_list(prm.get("Boundary refinement ids")))
          boundary_refinement_ids.push_back(static_cast<types::boundary_id>(std::stoi(s)));
        refinement_regions = parse_refinement_regions(prm.get("Refinement regions"));
        std::shared_ptr<GeometryModel> parsed = find_geometry(type_name).create_model();
        parsed->parse_parameters(prm, *this);
        model = std::move(parsed);
      }
    catch (...)
      {
        prm.leave_subsection();
        throw;
      }
    prm.leave_subsection();
    require(boundary_refinement == 0 || !boundary_refinement_ids.empty(),
            "entry 'Geometry/Boundary refinement ids'",
            "is empty but 'Boundary refinement' asks for refinement");
  }

  std::vector<GeometryParameters::RefinementRegion> parse_refinement_regions(const std::string &text)
  {
    const std::string                                entry = "entry 'Geometry/Refinement regions'";
    std::vector<GeometryParameters::RefinementRegion> regions;
    for (const auto &item : Utilities::split_string_list(text, ';'))
      {
        const auto colon = item.find(':');
        require(colon != std::string::npos, entry,
                "'" + item + "' must be 'x_min, y_min[, z_min], x_max, y_max[, z_max]: cell size'");
        std::vector<double> numbers;
        const auto number = [&](const std::string &t) { return parse_number(t, entry); };
        for (const auto &c : Utilities::split_string_list(item.substr(0, colon), ','))
          numbers.push_back(number(c));
        GeometryParameters::RefinementRegion r;
        r.cell_size = number(Utilities::trim(item.substr(colon + 1)));
        require(numbers.size() == 4 || numbers.size() == 6, entry,
                "'" + item + "' needs 4 (2D) or 6 (3D) coordinates before ':'");
        const std::size_t d = numbers.size() / 2;
        r.lower.assign(numbers.begin(), numbers.begin() + d);
        r.upper.assign(numbers.begin() + d, numbers.end());
        for (std::size_t i = 0; i < d; ++i)
          require(r.lower[i] < r.upper[i], entry, "'" + item + "': every minimum must be below its maximum");
        require(r.cell_size > 0, entry, "'" + item + "': the cell size must be positive");
        regions.push_back(r);
      }
    return regions;
  }

  namespace
  {
    /// Refine the cells that meet a region until they are at most its cell size (collective).
    template <int dim>
    void refine_regions(const std::vector<GeometryParameters::RefinementRegion> &regions,
                        parallel::distributed::Triangulation<dim>              &tria)
    {
      for (const auto &r : regions)
        require(r.lower.size() == dim, "entry 'Geometry/Refinement regions'",
                "a region has " + std::to_string(r.lower.size()) + " coordinates per corner; this "
                "model has " + std::to_string(dim));
      for (unsigned int level = 0; level < 30; ++level)
        {
          bool flagged = false;
          for (auto &cell : tria.active_cell_iterators())
            if (cell->is_locally_owned())
              {
                Point<dim> lo = cell->vertex(0), hi = cell->vertex(0);
                for (const auto v : cell->vertex_indices())
                  for (unsigned int d = 0; d < dim; ++d)
                    {
                      lo[d] = std::min(lo[d], cell->vertex(v)[d]);
                      hi[d] = std::max(hi[d], cell->vertex(v)[d]);
                    }
                // The edge of the square/cube of the cell's volume: the edge of a regular cell, and
                // not inflated by the distortion of the cells of a disc or ball.
                const double size = std::pow(cell->measure(), 1.0 / dim);
                for (const auto &r : regions)
                  {
                    bool meets = true;
                    for (unsigned int d = 0; d < dim; ++d)
                      meets = meets && hi[d] >= r.lower[d] && lo[d] <= r.upper[d];
                    if (meets && size > r.cell_size * (1 + 1e-9))
                      {
                        cell->set_refine_flag();
                        flagged = true;
                        break;
                      }
                  }
              }
          if (Utilities::MPI::max(flagged ? 1 : 0, tria.get_communicator()) == 0)
            return;
          tria.execute_coarsening_and_refinement();
        }
      throw InputError("entry 'Geometry/Refinement regions': more than 30 refinement steps needed "
                       "(is a cell size far below the mesh size?)");
    }
  } // namespace

  namespace
  {
    /// Physical memory of the nodes the ranks of `comm` run on [bytes] (each node counted once).
    double physical_memory(const MPI_Comm comm)
    {
      MPI_Comm node;
      MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
      const bool leader = Utilities::MPI::this_mpi_process(node) == 0;
      MPI_Comm_free(&node);
      const double pages = static_cast<double>(sysconf(_SC_PHYS_PAGES));
      const double size  = static_cast<double>(sysconf(_SC_PAGE_SIZE));
      return Utilities::MPI::sum(leader && pages > 0 && size > 0 ? pages * size : 0.0, comm);
    }

    /// Refinement bounded by a memory estimate: the coarse mesh's cells times 2^(dim g) for
    /// 'Global refinement' g and a quarter more per 'Boundary refinement' step, at 2 kB per
    /// cell in 2D and 16 kB in 3D (mesh, Q1 heat, Q2 mechanics matrices and the material-point
    /// history), must fit into the memory of the nodes the run uses.
    template <int dim>
    void check_memory_estimate(const parallel::distributed::Triangulation<dim> &tria,
                               const GeometryParameters                       &g)
    {
      const double cells = static_cast<double>(tria.n_global_active_cells()) *
                           std::pow(2.0, dim * g.global_refinement) *
                           std::pow(1.25, g.boundary_refinement);
      const double bytes     = cells * (dim == 2 ? 2e3 : 16e3);
      const double available = physical_memory(tria.get_communicator());
      if (available > 0 && bytes > available)
        throw InputError(
          std::string(g.global_refinement > 0   ? "entry 'Geometry/Global refinement'" :
                      g.boundary_refinement > 0 ? "entry 'Geometry/Boundary refinement'" :
                                                  "entry 'Geometry/Mesh size'") +
          ": the refined mesh would have about " + value_text(cells) + " cells and need about " +
          value_text(std::round(bytes / 1e9)) + " GB of memory, more than the " +
          value_text(std::round(available / 1e9)) + " GB of memory of the run's nodes");
    }
  } // namespace

  template <int dim>
  DomainInfo<dim> create_domain(const GeometryParameters &g, const Kinematics kin,
                                parallel::distributed::Triangulation<dim> &tria, const bool refine)
  {
    // Without parse_parameters() the built-in geometries work from the named fields alone.
    const std::shared_ptr<const GeometryModel> model =
      g.model ? g.model : std::shared_ptr<const GeometryModel>(find_geometry(builtin_name(g)).create_model());
    DomainInfo<dim> info = model->create(g, kin, tria);
    if (info.rod)
      info.radius = info.rod->radius;
    if (kin == Kinematics::axisymmetric)
      {
        double r_min = std::numeric_limits<double>::max();
        for (const auto &v : tria.get_vertices())
          r_min = std::min(r_min, v[0]);
        require(r_min > -1e-12 * (1 + std::abs(r_min)) - 1e-14, "geometry",
                "an axisymmetric mesh must lie in r = x >= 0 (minimal x is " +
                  std::to_string(r_min) + ")");
      }

    if (!refine)
      return info;
    check_memory_estimate(tria, g);
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
    if (!g.refinement_regions.empty())
      refine_regions(g.refinement_regions, tria);
    return info;
  }

  template DomainInfo<2> create_domain(const GeometryParameters &, Kinematics,
                                       parallel::distributed::Triangulation<2> &, bool);
  template DomainInfo<3> create_domain(const GeometryParameters &, Kinematics,
                                       parallel::distributed::Triangulation<3> &, bool);
} // namespace bmgfe
