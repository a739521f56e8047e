#include <bmgfe/base/input_error.h>
#include <bmgfe/linear_algebra/backend.h>
#include <bmgfe/postprocess/point_probes.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/quadrature.h>
#include <deal.II/base/utilities.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/grid/grid_tools.h>

#include <algorithm>
#include <limits>
#include <sstream>

namespace bmgfe
{
  using namespace dealii;

  void StatisticsParameters::declare_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Statistics");
    prm.declare_entry("Probe points", "auto", Patterns::Anything(),
                      "Points whose temperature (and later stresses) go into the statistics "
                      "file: 'auto' (the geometry's centre and surface points) or "
                      "'name: x, y[, z]; name: x, y[, z]' in m (r, z for axisymmetric).");
    prm.declare_entry("Reference solution", "none", Patterns::Selection("none|cylinder cooling"),
                      "Closed-form solution to compare with (verification runs). 'cylinder "
                      "cooling': a long rod of 'Geometry/Rod radius' at a uniform numeric "
                      "'Initial temperature', cooled by one protocol segment with constant T_env "
                      "and h (Bessel series, doc/model.md §8); the rod ends must be insulated. "
                      "Adds the reference temperature at every probe and the L2 error to the "
                      "statistics.");
    prm.declare_entry("Reference displacement", "none", Patterns::Anything(),
                      "Exact displacement to compare with (verification runs, e.g. manufactured "
                      "solutions with 'Mechanics/Body force'): 'none' or one expression of x, y, "
                      "(z) and t [m] per displacement component separated by ';': 'u_x; u_y; u_z' "
                      "(3D), 'u_x; u_y' (plane strain and generalized plane strain: the in-plane "
                      "displacement; the axial strain is its own column), 'u_r; u_z' "
                      "(axisymmetric, x, y stand for r, z). Adds the column 'L2 error of "
                      "displacement (m)', (int |u_h - u|^2 dV)^(1/2) over the mesh with the "
                      "quadrature of the mechanics and the volume weight of the model (2 pi r in "
                      "axisymmetric models), at every step. Needs 'Mechanics/Enabled = true'.");
    prm.declare_entry("Profile times", "", Patterns::List(Patterns::Double(), 0, 10000),
                      "Times [s] at which the centre-to-edge profile (point values along a "
                      "radius through the centre probe) and the ring statistics are written to "
                      "profiles/ (also at the end of every run). Rods only.");
    prm.declare_entry("Number of rings", "10", Patterns::Integer(1, 1000),
                      "Rings of equal width in r in [0, R] for the ring statistics (mean, "
                      "standard deviation, FWHM = 2 sqrt(2 ln 2) std per ring and field).");
    prm.declare_entry("Ring axial range", "", Patterns::List(Patterns::Double(), 0, 2),
                      "'z_min, z_max' [m]: only material in this slab counts for the rings "
                      "(3D and axisymmetric rods); empty: the whole length.");
    prm.leave_subsection();
  }

  void StatisticsParameters::parse_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Statistics");
    points             = prm.get("Probe points");
    reference_solution = prm.get("Reference solution");
    reference_displacement = Utilities::trim(prm.get("Reference displacement"));
    if (reference_displacement.empty())
      reference_displacement = "none";
    profile_times.clear();
    for (const auto &t : Utilities::split_string_list(prm.get("Profile times")))
      profile_times.push_back(std::stod(t));
    std::sort(profile_times.begin(), profile_times.end());
    n_rings = prm.get_integer("Number of rings");
    ring_axial_range.clear();
    for (const auto &z : Utilities::split_string_list(prm.get("Ring axial range")))
      ring_axial_range.push_back(std::stod(z));
    require(ring_axial_range.empty() || (ring_axial_range.size() == 2 &&
                                         ring_axial_range[0] < ring_axial_range[1]),
            "entry 'Statistics/Ring axial range'", "must be empty or 'z_min, z_max' with z_min < z_max");
    prm.leave_subsection();
  }

  template <int dim>
  std::vector<std::pair<std::string, Point<dim>>> StatisticsParameters::parse_points() const
  {
    std::vector<std::pair<std::string, Point<dim>>> result;
    if (Utilities::trim(points) == "auto")
      return result;
    for (const auto &item : Utilities::split_string_list(points, ';'))
      {
        const auto colon = item.find(':');
        require(colon != std::string::npos, "entry 'Statistics/Probe points'",
                "'" + item + "' must be 'name: x, y" + (dim == 3 ? ", z'" : "'"));
        const std::string name   = Utilities::trim(item.substr(0, colon));
        const auto        coords = Utilities::split_string_list(item.substr(colon + 1), ',');
        require(coords.size() == dim && !name.empty(), "entry 'Statistics/Probe points'",
                "'" + item + "' needs a name and " + std::to_string(dim) + " coordinates");
        Point<dim> p;
        for (unsigned int d = 0; d < dim; ++d)
          {
            try
              {
                p[d] = std::stod(coords[d]);
              }
            catch (...)
              {
                throw InputError("entry 'Statistics/Probe points': '" + coords[d] +
                                 "' is not a number");
              }
          }
        result.emplace_back(name, p);
      }
    return result;
  }

  template <int dim>
  void PointProbes<dim>::initialize(const DoFHandler<dim> &dofs, const Mapping<dim> &map,
                                    const std::vector<std::pair<std::string, Point<dim>>> &points,
                                    std::vector<std::string> &notes)
  {
    dof_handler = &dofs;
    mapping     = &map;
    probes      = points;
    locations.assign(points.size(), Location());
    const MPI_Comm     comm = dofs.get_triangulation().get_communicator();
    const unsigned int rank = Utilities::MPI::this_mpi_process(comm);
    for (std::size_t i = 0; i < points.size(); ++i)
      {
        Point<dim> p     = points[i].second;
        bool       found = false;
        typename DoFHandler<dim>::active_cell_iterator cell;
        Point<dim>                                      ref;
        try
          {
            const auto r = GridTools::find_active_cell_around_point(map, dofs, p);
            if (r.first.state() == IteratorState::valid && r.first->is_locally_owned())
              {
                cell  = r.first;
                ref   = r.second;
                found = true;
              }
          }
        catch (...)
          {
          }
        // The lowest rank that owns a cell containing the point evaluates it.
        const unsigned int owner =
          Utilities::MPI::min(found ? rank : std::numeric_limits<unsigned int>::max(), comm);
        if (owner == std::numeric_limits<unsigned int>::max())
          {
            // Outside the (discretised) domain, e.g. on a curved surface: use the nearest vertex.
            double     best = std::numeric_limits<double>::max();
            Point<dim> nearest;
            for (const auto &c : dofs.active_cell_iterators())
              if (c->is_locally_owned())
                for (const auto v : c->vertex_indices())
                  if (c->vertex(v).distance(p) < best)
                    {
                      best    = c->vertex(v).distance(p);
                      nearest = c->vertex(v);
                    }
            const auto all = Utilities::MPI::all_gather(comm, std::make_pair(best, nearest));
            for (const auto &candidate : all)
              if (candidate.first < best || (candidate.first == best))
                {
                  best    = candidate.first;
                  nearest = candidate.second;
                }
            std::ostringstream note;
            note << "probe '" << points[i].first << "' at (" << p << ") is outside the mesh; "
                 << "using the nearest vertex (" << nearest << ")";
            notes.push_back(note.str());
            probes[i].second = nearest;
            --i; // locate the moved point
            continue;
          }
        if (found && owner == rank)
          {
            locations[i].cell            = cell;
            locations[i].reference_point = ref;
            locations[i].owned           = true;
          }
      }
  }

  template <int dim>
  template <typename VectorType>
  std::vector<double> PointProbes<dim>::evaluate(const VectorType &field) const
  {
    std::vector<double> values(probes.size(), 0.0);
    const auto         &fe = dof_handler->get_fe();
    for (std::size_t i = 0; i < probes.size(); ++i)
      if (locations[i].owned)
        {
          const Quadrature<dim> q(locations[i].reference_point);
          FEValues<dim>         fv(*mapping, fe, q, update_values);
          fv.reinit(locations[i].cell);
          std::vector<double> v(1);
          fv.get_function_values(field, v);
          values[i] = v[0];
        }
    MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), MPI_DOUBLE,
                  MPI_SUM, dof_handler->get_triangulation().get_communicator());
    return values;
  }

  template <int dim>
  std::vector<std::vector<double>> PointProbes<dim>::evaluate_with(
    const std::function<std::vector<double>(const typename DoFHandler<dim>::active_cell_iterator &,
                                            const Point<dim> &)> &f,
    const unsigned int n_values) const
  {
    std::vector<double> flat(probes.size() * n_values, 0.0);
    for (std::size_t i = 0; i < probes.size(); ++i)
      if (locations[i].owned)
        {
          const auto v = f(locations[i].cell, locations[i].reference_point);
          for (unsigned int k = 0; k < n_values; ++k)
            flat[i * n_values + k] = v[k];
        }
    MPI_Allreduce(MPI_IN_PLACE, flat.data(), static_cast<int>(flat.size()), MPI_DOUBLE, MPI_SUM,
                  dof_handler->get_triangulation().get_communicator());
    std::vector<std::vector<double>> out(probes.size());
    for (std::size_t i = 0; i < probes.size(); ++i)
      out[i].assign(flat.begin() + i * n_values, flat.begin() + (i + 1) * n_values);
    return out;
  }

  template std::vector<std::pair<std::string, Point<2>>> StatisticsParameters::parse_points<2>() const;
  template std::vector<std::pair<std::string, Point<3>>> StatisticsParameters::parse_points<3>() const;
  template class PointProbes<2>;
  template class PointProbes<3>;
  template std::vector<double>
  PointProbes<2>::evaluate(const linear_algebra::Trilinos::Vector &) const;
  template std::vector<double>
  PointProbes<3>::evaluate(const linear_algebra::Trilinos::Vector &) const;
  template std::vector<double> PointProbes<2>::evaluate(const linear_algebra::PETSc::Vector &) const;
  template std::vector<double> PointProbes<3>::evaluate(const linear_algebra::PETSc::Vector &) const;
} // namespace bmgfe
