#include <bmgfe/base/input_error.h>
#include <bmgfe/linear_algebra/backend.h>
#include <bmgfe/postprocess/point_probes.h>

#include <deal.II/base/bounding_box.h>
#include <deal.II/base/mpi.h>
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

  template <int dim>
  std::vector<std::pair<std::string, Point<dim>>> parse_probe_points(const std::string &text,
                                                                     const std::string &entry)
  {
    std::vector<std::pair<std::string, Point<dim>>> result;
    if (Utilities::trim(text) == "auto")
      return result;
    const std::string context = "entry '" + entry + "'";
    for (const auto &item : Utilities::split_string_list(text, ';'))
      {
        const auto colon = item.find(':');
        require(colon != std::string::npos, context,
                "'" + item + "' must be 'name: x, y" + (dim == 3 ? ", z'" : "'"));
        const std::string name   = Utilities::trim(item.substr(0, colon));
        const auto        coords = Utilities::split_string_list(item.substr(colon + 1), ',');
        require(coords.size() == dim && !name.empty(), context,
                "'" + item + "' needs a name and " + std::to_string(dim) + " coordinates");
        // Letters, digits and '_' only: numpy.genfromtxt(..., names=True) deletes the other
        // characters from column names ('mid-radius' would become 'midradius').
        require(name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                       "0123456789_") == std::string::npos,
                context,
                "the probe name '" + name + "' must be one word of letters, digits and '_' (it "
                "becomes part of column names)");
        require(std::none_of(result.begin(), result.end(),
                             [&](const auto &other) { return other.first == name; }),
                context, "two probes are named '" + name + "'");
        Point<dim> p;
        for (unsigned int d = 0; d < dim; ++d)
          {
            try
              {
                std::size_t used = 0;
                p[d] = std::stod(coords[d], &used);
                require(used == coords[d].size(), "", "");
              }
            catch (...)
              {
                throw InputError(context + ": '" + coords[d] + "' is not a number");
              }
          }
        result.emplace_back(name, p);
      }
    return result;
  }

  namespace
  {
    /// Whether a locally owned cell's vertex box, widened by 10 % of the cell's diameter (a
    /// curved cell bulges far less), contains p. Elsewhere deal.II's point search widens layer
    /// by layer over every local cell with MappingQ inverse maps (~20 s per probe on 140 k
    /// cells) to find no owned cell, which is what `false` says at once.
    template <int dim>
    bool near_locally_owned_cell(const DoFHandler<dim> &dofs, const Point<dim> &p)
    {
      for (const auto &c : dofs.active_cell_iterators())
        if (c->is_locally_owned())
          {
            auto box = c->bounding_box(); // the vertex box
            box.extend(0.1 * c->diameter());
            if (box.point_inside(p))
              return true;
          }
      return false;
    }
  } // namespace

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
    bool moved = false; // probe i was moved to the nearest vertex already
    for (std::size_t i = 0; i < points.size(); ++i)
      {
        Point<dim> p     = probes[i].second;
        bool       found = false;
        typename DoFHandler<dim>::active_cell_iterator cell;
        Point<dim>                                      ref;
        // deal.II's search, only where a locally owned cell can contain p (see
        // near_locally_owned_cell()).
        if (near_locally_owned_cell(dofs, p))
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
            // A point off a curved surface by less than a cell is moved to the mesh; one
            // farther away is not in the body (and a vertex that cannot be located either is
            // refused, rather than moved again and again).
            double largest_cell = 0;
            for (const auto &c : dofs.active_cell_iterators())
              if (c->is_locally_owned())
                largest_cell = std::max(largest_cell, c->diameter());
            largest_cell = Utilities::MPI::max(largest_cell, comm);
            std::ostringstream where, vertex;
            where << "probe '" << points[i].first << "' at (" << p << ")";
            vertex << "(" << nearest << ")";
            require(!moved && (best <= largest_cell || !refuse_points_outside), "",
                    where.str() + " lies outside the body (" + value_text(best) +
                      " m from the nearest mesh vertex " + vertex.str() + ")");
            notes.push_back(where.str() + " is outside the mesh; using the nearest vertex " +
                            vertex.str());
            probes[i].second = nearest;
            moved            = true;
            --i; // locate the moved point
            continue;
          }
        moved = false;
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

  template std::vector<std::pair<std::string, Point<2>>> parse_probe_points<2>(const std::string &,
                                                                             const std::string &);
  template std::vector<std::pair<std::string, Point<3>>> parse_probe_points<3>(const std::string &,
                                                                             const std::string &);
  template class PointProbes<2>;
  template class PointProbes<3>;
  template std::vector<double>
  PointProbes<2>::evaluate(const linear_algebra::Trilinos::Vector &) const;
  template std::vector<double>
  PointProbes<3>::evaluate(const linear_algebra::Trilinos::Vector &) const;
  template std::vector<double> PointProbes<2>::evaluate(const linear_algebra::PETSc::Vector &) const;
  template std::vector<double> PointProbes<3>::evaluate(const linear_algebra::PETSc::Vector &) const;
} // namespace bmgfe
