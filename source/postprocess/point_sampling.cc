#include <bmgfe/postprocess/point_sampling.h>

#include <deal.II/base/mpi.h>
#include <deal.II/fe/mapping.h>
#include <deal.II/grid/grid_tools.h>
#include <deal.II/grid/grid_tools_cache.h>

#include <limits>

namespace bmgfe
{
  namespace postprocess
  {
    using namespace dealii;

    template <int dim>
    void PointSampler<dim>::locate(const Triangulation<dim, dim> &triangulation, const Mapping<dim, dim> &mapping,
                                   const std::vector<Point<dim>> &points, const MPI_Comm communicator)
    {
      comm = communicator;
      rank = Utilities::MPI::this_mpi_process(comm);
      owner.assign(points.size(), nobody);
      found.assign(points.size(), {});
      const GridTools::Cache<dim> cache(triangulation, mapping);
      Cell                        hint;
      for (std::size_t i = 0; i < points.size(); ++i)
        {
          try
            {
              const auto r = GridTools::find_active_cell_around_point(cache, points[i], hint);
              if (r.first.state() == IteratorState::valid)
                {
                  // Neighbouring points share cells: the last cell is the best first guess.
                  hint = r.first;
                  if (r.first->is_locally_owned())
                    {
                      owner[i] = rank;
                      found[i] = r;
                    }
                }
            }
          catch (...)
            {
              // deal.II throws for a point the mapping cannot invert: outside this rank's part.
            }
        }
      // The lowest owning rank evaluates a point that lies on a face between ranks.
      MPI_Allreduce(MPI_IN_PLACE, owner.data(), static_cast<int>(owner.size()), MPI_UNSIGNED, MPI_MIN, comm);
    }

    template <int dim>
    std::size_t PointSampler<dim>::n_inside() const
    {
      std::size_t n = 0;
      for (const unsigned int o : owner)
        n += o != nobody;
      return n;
    }

    template <int dim>
    std::vector<double> PointSampler<dim>::evaluate(const Evaluator &f, const unsigned int n_values) const
    {
      std::vector<double> values(n_values * owner.size(), 0.0);
      for (std::size_t i = 0; i < owner.size(); ++i)
        if (owner[i] == rank)
          f(found[i].first, found[i].second, i, values.data() + n_values * i);
      MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), MPI_DOUBLE, MPI_SUM, comm);
      for (std::size_t i = 0; i < owner.size(); ++i)
        if (owner[i] == nobody)
          for (unsigned int k = 0; k < n_values; ++k)
            values[n_values * i + k] = std::numeric_limits<double>::quiet_NaN();
      return values;
    }

    template class PointSampler<2>;
    template class PointSampler<3>;
  } // namespace postprocess
} // namespace bmgfe
